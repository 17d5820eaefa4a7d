"""The district as of a date: one read per data version, one evaluation per date, one problem order."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from compliance.status import Basis, SiteStatus, Status
from service import EvalSettings, clear_cache, district_as_of, rank_problems
from store import Store, User

SETTINGS = EvalSettings(0.8, (("daily", 3), ("monthly", 45), ("quarterly", 120)))


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_cache()


def test_every_site_and_task_of_the_date_has_an_explained_status(store: Store) -> None:
    d = district_as_of(store, dt.date(2025, 12, 31), SETTINGS)
    site_ids = set(store.list_sites()["site_id"])
    assert site_ids | {"T-1", "T-2"} == set(d.statuses)
    assert all(st.explanation for st in d.statuses.values())
    # T-2 has no coordinates: counted as a task, not drawn
    assert set(d.features["site_id"]) == site_ids | {"T-1"}
    assert d.unlocated_tasks == 1
    assert d.task_counts() == {Status.IN_PROGRESS: 0, Status.OVERDUE: 1, Status.CLOSED: 1}


def test_a_task_opened_after_the_date_does_not_exist_on_it(store: Store) -> None:
    d = district_as_of(store, dt.date(2025, 1, 3), SETTINGS)  # T-2 opened on 2025-01-05
    assert "T-2" not in d.statuses
    assert d.task_counts() == {Status.IN_PROGRESS: 1, Status.OVERDUE: 0, Status.CLOSED: 0}
    later = district_as_of(store, dt.date(2025, 2, 10), SETTINGS)  # T-2 still open then (closed 2025-02-20)
    assert later.statuses["T-2"].status == Status.IN_PROGRESS
    assert later.task_counts()[Status.OVERDUE] == 1  # T-1 was due 2025-02-01


def test_the_same_question_is_answered_from_the_cache_until_the_store_changes(store: Store, editor: User) -> None:
    day = dt.date(2025, 12, 31)
    first = district_as_of(store, day, SETTINGS)
    assert district_as_of(store, day, SETTINGS) is first
    store.create_task(editor, "T-3", {"title": "新投诉", "origin": "complaint", "township": "沙河街道",
                                      "lon": 115.91, "lat": 29.61, "opened": "2025-06-01", "due": "2025-06-30"})
    after = district_as_of(store, day, SETTINGS)
    assert after is not first and after.version != first.version
    assert after.statuses["T-3"].status == Status.OVERDUE
    assert "T-3" in set(after.problems["site_id"])


def test_different_settings_are_evaluated_separately(store: Store) -> None:
    day = dt.date(2026, 3, 31)  # the last W-A sample is 2025-12-15: 106 days old
    strict = district_as_of(store, day, EvalSettings(0.8, (("daily", 3), ("monthly", 45), ("quarterly", 120))))
    lenient = district_as_of(store, day, EvalSettings(0.8, (("daily", 3), ("monthly", 200), ("quarterly", 120))))
    assert strict.statuses["W-A"].status == Status.STALE
    assert lenient.statuses["W-A"].status != Status.STALE


def _status(status: Status, multiple: float | None = None, days: int | None = None) -> SiteStatus:
    basis = (Basis("COD", 30.0, "mg/L", 20.0, "GB 3838-2002", multiple=multiple),) if multiple is not None else ()
    return SiteStatus(status, f"{status.value}", basis, {"days_overdue": days} if days is not None else {})


def test_problems_rank_by_status_then_severity() -> None:
    features = pd.DataFrame({
        "site_id": ["a", "b", "c", "d", "e"], "name": ["甲", "乙", "丙", "丁", "戊"],
        "kind": ["water_section", "water_section", "task", "task", "water_section"], "township": ["x"] * 5,
    })
    statuses = {"a": _status(Status.EXCEED, 0.2), "b": _status(Status.EXCEED, 1.5),
                "c": _status(Status.OVERDUE, days=3), "d": _status(Status.OVERDUE, days=90),
                "e": _status(Status.GOOD)}
    ranked = rank_problems(features, statuses)
    assert list(ranked["site_id"]) == ["b", "a", "d", "c"]
    assert list(ranked["序号"]) == [1, 2, 3, 4]
