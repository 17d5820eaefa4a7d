"""The dispatcher from register kinds to the standards, on small frames built here."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from compliance.sites import assess_all, assess_sites, default_as_of
from compliance.status import Status
from service import rank_problems

AS_OF = dt.date(2026, 10, 31)


def register() -> pd.DataFrame:
    return pd.DataFrame([
        {"site_id": "W1", "name": "河流断面", "kind": "water_section", "water_body": "river", "target_class": 3,
         "monitoring_freq": "monthly"},
        {"site_id": "A1", "name": "空气站", "kind": "air_station", "air_class": 2},
        {"site_id": "P1", "name": "示例项目", "kind": "project", "start_year": 2022, "end_year": 2024,
         "milestones": "[]"},
        {"site_id": "E1", "name": "企业", "kind": "enterprise"},
        {"site_id": "T0", "name": "污水厂", "kind": "wwtp",
         "grade_history": json.dumps([{"from": "2020-01-01", "grade": "1A"}]), "built": "2010-01-01"},
    ])


def water(day: str, tp: float) -> pd.DataFrame:
    vals = {"pH": 7.5, "DO": 7.0, "CODMn": 3.0, "NH3N": 0.3, "TP": tp}
    return pd.DataFrame({"site_id": "W1", "time": pd.Timestamp(day), "param": list(vals), "value": list(vals.values())})


def air(day: str, pm25: float) -> pd.DataFrame:
    vals = {"SO2": 8, "NO2": 20, "CO": 0.6, "O3_8h": 90, "PM10": 50, "PM2_5": pm25}
    return pd.DataFrame({"site_id": "A1", "time": pd.Timestamp(day), "param": list(vals), "value": list(vals.values())})


def test_each_kind_goes_to_its_standard() -> None:
    m = pd.concat([water("2026-10-10", 0.28), air("2026-10-31", 80)])
    progress = pd.DataFrame({"site_id": ["P1"], "date": [pd.Timestamp("2024-12-31")], "progress_pct": [100]})
    out = assess_sites(register(), m, progress=progress, as_of=AS_OF)
    assert out["W1"].status is Status.EXCEED and "GB 3838-2002" in out["W1"].explanation
    assert out["A1"].status is Status.EXCEED and "GB 3095" in out["A1"].explanation
    assert out["P1"].status is Status.DONE
    assert out["E1"].status is Status.INFO
    assert out["T0"].status is Status.NODATA


def test_measurements_after_as_of_are_ignored() -> None:
    m = pd.concat([water("2026-10-10", 0.05), water("2026-11-10", 0.35)])
    out = assess_sites(register().iloc[:1], m, as_of=AS_OF)
    assert out["W1"].status is Status.GOOD


def test_stale_override_changes_the_status() -> None:
    m = water("2026-09-25", 0.05)
    assert assess_sites(register().iloc[:1], m, as_of=AS_OF)["W1"].status is Status.GOOD
    out = assess_sites(register().iloc[:1], m, as_of=AS_OF, stale_after={"monthly": 30})
    assert out["W1"].status is Status.STALE


def test_tasks_are_assessed_and_ids_must_not_clash() -> None:
    tasks = pd.DataFrame({"task_id": ["RW-1", "RW-2"], "due": ["2026-09-01", "2026-12-01"], "closed": ["", ""]})
    out = assess_all(register(), water("2026-10-10", 0.05), None, tasks, as_of=AS_OF)
    assert out["RW-1"].status is Status.OVERDUE
    assert out["RW-2"].status is Status.IN_PROGRESS
    with pytest.raises(ValueError, match="W1"):
        assess_all(register(), water("2026-10-10", 0.05), None, tasks.assign(task_id=["W1", "RW-2"]), as_of=AS_OF)


def test_problem_list_keeps_problems_worst_first() -> None:
    m = pd.concat([water("2026-10-10", 0.28), air("2026-10-31", 30)])
    statuses = assess_sites(register(), m, as_of=AS_OF)
    table = rank_problems(register(), statuses)
    assert list(table["名称"]) == ["河流断面", "污水厂", "示例项目"]
    assert list(table["状态"]) == ["超标", "无数据", "滞后"]
    assert table["说明"].iloc[0] == statuses["W1"].explanation


def test_default_as_of_is_end_of_latest_month() -> None:
    assert default_as_of(water("2026-10-10", 0.1)) == dt.date(2026, 10, 31)
    assert default_as_of(water("2024-02-03", 0.1)) == dt.date(2024, 2, 29)
