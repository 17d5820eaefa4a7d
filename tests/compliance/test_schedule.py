"""Project schedule status and rectification-task status."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from compliance import schedule
from compliance.errors import ComplianceError
from compliance.status import Status

MILESTONES = [{"date": "2022-06-30", "name": "开工"}, {"date": "2024-06-30", "name": "通水"}]


def reports(*rows: tuple[str, float, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"site_id": "PRJ-01", "date": d, "progress_pct": p, "note": n} for d, p, n in rows],
        columns=["site_id", "date", "progress_pct", "note"],
    )


def project(as_of: str, progress: pd.DataFrame | None, **kw: object) -> schedule.SiteStatus:
    args: dict[str, object] = {"start_year": 2022, "end_year": 2024, "milestones": MILESTONES, **kw}
    return schedule.project_status(progress=progress, as_of=dt.date.fromisoformat(as_of), **args)  # type: ignore[arg-type]


def test_expected_progress_is_linear_over_planned_years() -> None:
    assert schedule.expected_progress(2022, 2024, dt.date(2021, 12, 31)) == 0
    assert schedule.expected_progress(2022, 2024, dt.date(2022, 1, 1)) == 0
    total = (dt.date(2024, 12, 31) - dt.date(2022, 1, 1)).days
    mid = dt.date(2023, 7, 2)
    assert schedule.expected_progress(2022, 2024, mid) == pytest.approx(100 * (mid - dt.date(2022, 1, 1)).days / total)
    assert schedule.expected_progress(2022, 2024, dt.date(2025, 1, 1)) == 100


def test_not_started_before_start_year() -> None:
    s = project("2021-06-01", None)
    assert s.status is Status.NOT_STARTED
    assert s.label == "未开工"


def test_on_track_with_rule_in_explanation() -> None:
    s = project("2023-07-01", reports(("2022-03-01", 10, "开工"), ("2023-06-30", 40, "主体施工")))
    assert s.status is Status.ON_TRACK
    assert "线性" in s.explanation
    assert "40%" in s.explanation
    assert s.detail["actual_pct"] == 40


def test_delayed_by_margin_is_configurable() -> None:
    progress = reports(("2022-03-01", 10, "开工"), ("2023-06-30", 40, "主体施工"))
    # 2024-01-01: expected ≈ 66.7 %, lag ≈ 26.7 points
    assert project("2024-01-01", progress).status is Status.DELAYED
    assert project("2024-01-01", progress, margin=30).status is Status.ON_TRACK


def test_delayed_when_milestone_passed_with_nothing_reported() -> None:
    stones = [{"date": "2022-03-31", "name": "开工"}]
    # 2022-04-15: expected ≈ 9.6 %, within the 20-point margin, but the start milestone has passed unreported
    s = project("2022-04-15", None, milestones=stones)
    assert s.status is Status.DELAYED
    assert "开工（2022-03-31）" in s.explanation
    assert s.detail["overdue_milestones"] == [{"date": "2022-03-31", "name": "开工"}]
    assert project("2022-04-15", None, milestones=[]).status is Status.NOT_STARTED
    assert project("2022-04-15", reports(("2022-04-01", 3, "3月开工")), milestones=stones).status is Status.ON_TRACK


def test_milestone_named_in_note_counts_even_with_zero_progress() -> None:
    stones = [{"date": "2022-03-31", "name": "开工"}]
    assert project("2022-04-15", reports(("2022-04-01", 0, "已开工")), milestones=stones).status is Status.NOT_STARTED


def test_milestone_pct_not_reached_is_delayed_within_margin() -> None:
    stones = [{"date": "2023-06-30", "name": "主体完工", "pct": 60}]
    # 2023-07-15: expected ≈ 51.3 %, 45 % reported: lag within margin, but the 60 % milestone is missed
    s = project("2023-07-15", reports(("2023-06-30", 45, "施工中")), milestones=stones)
    assert s.status is Status.DELAYED
    assert "主体完工" in s.explanation


def test_milestone_with_pct_is_met_by_progress() -> None:
    stones = json.dumps([{"date": "2022-06-30", "name": "基础完成", "pct": 10}])
    s = project("2022-07-15", reports(("2022-06-01", 12, "")), milestones=stones)
    assert s.status is Status.ON_TRACK


def test_not_started_after_start_becomes_delayed() -> None:
    assert project("2022-07-15", None).status is Status.DELAYED  # 开工 milestone passed


def test_delayed_when_end_year_passed_without_100() -> None:
    s = project("2025-01-02", reports(("2024-12-20", 95, "开工 通水")))
    assert s.status is Status.DELAYED
    assert "2024" in s.explanation


def test_done_at_100() -> None:
    s = project("2024-10-01", reports(("2024-09-30", 100, "竣工")))
    assert s.status is Status.DONE
    assert s.label == "已完工"
    assert "晚于" not in s.explanation
    late = project("2025-03-01", reports(("2024-12-31", 90, ""), ("2025-02-01", 100, "竣工")))
    assert late.status is Status.DONE
    assert "晚于计划完工年 2024" in late.explanation


def test_reports_after_as_of_are_ignored() -> None:
    s = project("2023-07-01", reports(("2023-06-30", 40, "开工"), ("2024-09-30", 100, "竣工")))
    assert s.status is Status.ON_TRACK


def test_bad_progress_and_years() -> None:
    with pytest.raises(ComplianceError, match="150"):
        project("2023-07-01", reports(("2023-06-30", 150, "")))
    with pytest.raises(ComplianceError, match="2020"):
        schedule.project_status(start_year=2022, end_year=2020, milestones=[], progress=None, as_of=dt.date(2023, 1, 1))


# -------------------------------------------------------------------------------------- tasks
AS_OF = dt.date(2026, 11, 28)


def test_task_in_progress() -> None:
    s = schedule.task_status(due="2026-12-01", closed=None, as_of=AS_OF)
    assert s.status is Status.IN_PROGRESS
    assert s.label == "整改中"
    assert "3 天" in s.explanation


def test_task_due_today_is_not_overdue() -> None:
    assert schedule.task_status(due=AS_OF, closed="", as_of=AS_OF).status is Status.IN_PROGRESS


def test_task_overdue_with_days() -> None:
    s = schedule.task_status(due=dt.date(2026, 10, 1), closed=float("nan"), as_of=AS_OF)  # type: ignore[arg-type]
    assert s.status is Status.OVERDUE
    assert "58 天" in s.explanation
    assert s.detail["days_overdue"] == 58


def test_task_closed() -> None:
    s = schedule.task_status(due="2026-10-01", closed="2026-10-05", as_of=AS_OF)
    assert s.status is Status.CLOSED
    assert s.label == "已销号"
    assert "4 天" in s.explanation


def test_task_closed_after_as_of_is_still_open() -> None:
    s = schedule.task_status(due="2026-10-01", closed="2026-12-05", as_of=AS_OF)
    assert s.status is Status.OVERDUE


def test_task_bad_date() -> None:
    with pytest.raises(ComplianceError, match="下周"):
        schedule.task_status(due="下周", closed=None, as_of=AS_OF)
