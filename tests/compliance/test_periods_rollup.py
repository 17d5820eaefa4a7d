from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from compliance.errors import ComplianceError
from compliance.periods import (
    change_counts,
    clamp_as_of,
    compare_statuses,
    period_end,
    period_label,
    periods_between,
)
from compliance.rollup import problems_by_township, task_kpi, township_rollup, water_kpi
from compliance.status import SiteStatus, Status


@pytest.mark.parametrize(("text", "end", "label"), [
    ("2026-02", dt.date(2026, 2, 28), "2026年2月"),
    ("2024-02", dt.date(2024, 2, 29), "2024年2月"),
    ("2026Q3", dt.date(2026, 9, 30), "2026年第3季度"),
    ("2025", dt.date(2025, 12, 31), "2025年"),
])
def test_period_end_and_label(text, end, label):
    assert period_end(text) == end and period_label(text) == label


@pytest.mark.parametrize("bad", ["2026-13", "2026Q5", "26", "2026-1", ""])
def test_bad_period_is_rejected_in_chinese(bad):
    with pytest.raises(ComplianceError, match="时段"):
        period_end(bad)


def test_running_period_is_clamped_to_the_data():
    assert clamp_as_of("2026Q4", dt.date(2026, 10, 31)) == dt.date(2026, 10, 31)
    assert clamp_as_of("2026-09", dt.date(2026, 10, 31)) == dt.date(2026, 9, 30)


def test_periods_between():
    a, b = dt.date(2025, 11, 5), dt.date(2026, 2, 1)
    assert periods_between(a, b, "month") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert periods_between(a, b, "quarter") == ["2025Q4", "2026Q1"]
    assert periods_between(a, b, "year") == ["2025", "2026"]


def S(status: Status) -> SiteStatus:
    return SiteStatus(status, status.value)


def test_compare_finds_new_exceedances_recoveries_and_closures():
    before = {"A": S(Status.GOOD), "B": S(Status.EXCEED), "C": S(Status.IN_PROGRESS), "D": S(Status.GOOD),
              "E": S(Status.IN_PROGRESS)}
    after = {"A": S(Status.EXCEED), "B": S(Status.GOOD), "C": S(Status.CLOSED), "D": S(Status.GOOD),
             "E": S(Status.OVERDUE)}
    changes = compare_statuses(before, after, {"A": "甲"})
    assert dict(zip(changes["site_id"], changes["change_label"], strict=True)) == {
        "A": "新增超标", "B": "恢复达标", "C": "新销号", "E": "新增逾期"}
    assert changes.iloc[0]["name"] == "甲"
    counts = change_counts(changes)
    assert counts["新增超标"] == 1 and counts["其他变化"] == 0 and sum(counts.values()) == 4


def _table() -> pd.DataFrame:
    rows = [
        ("甲镇", "water_section", "good"), ("甲镇", "water_section", "exceed"), ("甲镇", "task", "overdue"),
        ("乙镇", "drinking_source", "warn"), ("乙镇", "task", "closed"), ("乙镇", "air_station", "nodata"),
        ("", "enterprise", "info"),
    ]
    return pd.DataFrame(rows, columns=["township", "kind", "status"])


def test_township_rollup_counts_and_ranking():
    r = township_rollup(_table(), ["甲镇", "乙镇", "丙乡"]).set_index("乡镇")
    assert r.loc["甲镇"].tolist()[:3] == [2, 1, 50.0]
    assert r.loc["甲镇", "超标"] == 1 and r.loc["甲镇", "逾期任务"] == 1 and r.loc["甲镇", "问题合计"] == 2
    assert r.loc["乙镇", "达标率%"] == 100.0 and r.loc["乙镇", "问题合计"] == 2  # 预警 + 无数据
    assert r.loc["丙乡", "问题合计"] == 0 and r.loc["丙乡", "达标率%"] is None
    assert list(r.index)[:2] == ["甲镇", "乙镇"]  # most problems first, then name


def test_problems_by_township_and_kpis():
    t = _table()
    assert problems_by_township(t) == {"甲镇": 2, "乙镇": 2}
    w = water_kpi(t, ("water_section", "drinking_source"))
    assert (w.assessed, w.meeting, w.share) == (3, 2, 66.7)
    k = task_kpi(t)
    assert (k.open, k.overdue, k.closed) == (1, 1, 1)
