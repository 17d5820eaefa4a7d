from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planning.draw import draw
from planning.errors import PlanningError
from planning.records import (
    PHOTO_PREFIX,
    Finding,
    Photo,
    Rectification,
    close_task,
    next_task_id,
    record_draw,
    record_finding,
    task_table,
)
from store import PermissionDeniedError

WHEN = dt.datetime(2026, 11, 28, 10, 30)
PHOTO = Photo("排口.jpg", b"\xff\xd8\xff\xe0fake-jpeg", "image/jpeg")


def test_a_finding_is_recorded_with_time_position_and_inspectors(store, editor) -> None:
    f = Finding(site_id="W-A", text="断面上游发现漂浮垃圾", observed_at=WHEN, lon=115.901, lat=29.601,
                inspectors="王一、王二", problem=True)
    rec = record_finding(store, editor, f)
    assert rec.task_id is None and rec.evidence_ids == ()
    row = store.list_inspections(site_id="W-A").set_index("id").loc[rec.inspection_id]
    assert "漂浮垃圾" in row["findings"] and "2026-11-28 10:30" in row["findings"]
    assert row["inspectors"] == "王一、王二" and row["result"] == "发现问题"
    assert (row["lon"], row["lat"]) == pytest.approx((115.901, 29.601))
    assert str(row["inspected_on"])[:10] == "2026-11-28"


def test_a_finding_opens_a_task_that_turns_overdue_when_its_date_passes(store, editor) -> None:
    f = Finding(site_id="W-A", text="雨污混接排口未封堵\n需截污改造", observed_at=WHEN, lon=115.9, lat=29.6,
                photos=(PHOTO,))
    rec = record_finding(store, editor, f, rectification=Rectification(owner="沙河街道办事处",
                                                                         due=dt.date(2026, 12, 31)))
    assert rec.task_id == "XC-20261128-001"
    task = store.get_task(rec.task_id)
    assert task["title"] == "雨污混接排口未封堵" and task["township"] == "沙河街道"  # from the site
    assert task["origin"] == "inspection" and task["owner"] == "沙河街道办事处"
    ev = store.list_evidence(rec.task_id)
    assert ev["file_name"].tolist() == [f"{PHOTO_PREFIX}排口.jpg"]
    assert store.get_evidence(int(ev["id"].iloc[0]))[1] == PHOTO.data
    insp = store.list_inspections(site_id="W-A")
    assert insp.set_index("id").loc[rec.inspection_id, "task_id"] == rec.task_id
    tasks = store.list_tasks()
    before = task_table(tasks, as_of=dt.date(2026, 12, 31)).set_index("task_id").loc[rec.task_id]
    after = task_table(tasks, as_of=dt.date(2027, 1, 1)).set_index("task_id").loc[rec.task_id]
    assert before["status_label"] == "整改中"
    assert after["status_label"] == "逾期"
    assert task_table(tasks, as_of=dt.date(2027, 1, 1))["status_label"].iloc[0] == "逾期"  # overdue first
    second = record_finding(store, editor, f, rectification=Rectification("沙河街道办事处", dt.date(2027, 1, 15)))
    assert second.task_id == "XC-20261128-002"
    assert next_task_id(store, WHEN.date()) == "XC-20261128-003"


def test_closing_needs_evidence_and_a_note_then_shows_closed(store, editor) -> None:
    rec = record_finding(store, editor, Finding("W-A", "排口整改", WHEN),
                         rectification=Rectification("沙河街道办事处", dt.date(2026, 12, 31)))
    v = store.get_task(rec.task_id)["version"]
    with pytest.raises(PlanningError, match="证明材料"):
        close_task(store, editor, rec.task_id, closed=dt.date(2026, 12, 20), note="已封堵", expected_version=v)
    with pytest.raises(PlanningError, match="销号说明"):
        close_task(store, editor, rec.task_id, closed=dt.date(2026, 12, 20), note=" ", expected_version=v)
    done = close_task(store, editor, rec.task_id, closed=dt.date(2026, 12, 20), note="排口已封堵并验收",
                      evidence=[Photo("验收.jpg", b"jpeg")], expected_version=v)
    assert str(done["closed"])[:10] == "2026-12-20" and done["closure_note"] == "排口已封堵并验收"
    row = task_table(store.list_tasks(), as_of=dt.date(2027, 2, 1)).set_index("task_id").loc[rec.task_id]
    assert row["status_label"] == "已销号"
    assert "验收.jpg" in store.list_evidence(rec.task_id)["file_name"].tolist()


def test_viewers_cannot_record(store, viewer) -> None:
    with pytest.raises(PermissionDeniedError):
        record_finding(store, viewer, Finding("W-A", "巡查", WHEN))
    assert store.list_inspections().empty


def test_bad_findings_are_refused_before_writing(store, editor) -> None:
    with pytest.raises(PlanningError, match="不能为空"):
        record_finding(store, editor, Finding("W-A", "  ", WHEN))
    with pytest.raises(PlanningError, match="照片"):
        record_finding(store, editor, Finding("W-A", "有照片", WHEN, photos=(PHOTO,)))
    with pytest.raises(PlanningError, match="早于检查日期"):
        record_finding(store, editor, Finding("W-A", "问题", WHEN),
                       rectification=Rectification("某单位", dt.date(2026, 1, 1)))
    n_tasks = len(store.list_tasks())
    from store import NotFoundError

    with pytest.raises(NotFoundError):
        record_finding(store, editor, Finding("NOPE", "问题", WHEN), rectification=Rectification("某单位",
                                                                                             dt.date(2027, 1, 1)))
    assert len(store.list_tasks()) == n_tasks  # nothing half-written
    assert store.list_inspections().empty


def test_a_draw_is_written_to_the_audit_trail(store, editor, admin, viewer) -> None:
    pop = store.list_sites().drop(columns="geometry")
    res = draw(pd.DataFrame(pop), who=editor.username, seed=4242, n=2)
    record_draw(store, editor, res.record)
    log = store.audit_log(admin, entity="inspection_draw")
    assert len(log) == 1
    entry = log.iloc[0]
    assert entry["username"] == "editor1" and entry["action"] == "draw"
    assert entry["after"]["seed"] == 4242
    assert sorted(i for ids in entry["after"]["drawn"].values() for i in ids) == sorted(res.selected["site_id"])
    with pytest.raises(PermissionDeniedError):
        record_draw(store, viewer, draw(pd.DataFrame(pop), who=viewer.username, seed=1, n=1).record)
    with pytest.raises(PlanningError, match="不一致"):
        record_draw(store, editor, draw(pd.DataFrame(pop), who="别人", seed=1, n=1).record)


def test_the_maps_status_engine_sees_the_field_task_turn_overdue(store, editor) -> None:
    """The map colours tasks with compliance.sites.assess_tasks over the task table: feed it the store's tasks."""
    from compliance.sites import assess_tasks
    from compliance.status import Status

    rec = record_finding(store, editor, Finding("W-A", "岸边堆放垃圾", WHEN),
                         rectification=Rectification("沙河街道办事处", dt.date(2026, 12, 10)))
    tasks = store.list_tasks()
    assert assess_tasks(tasks, as_of=dt.date(2026, 12, 10))[rec.task_id].status == Status.IN_PROGRESS
    late = assess_tasks(tasks, as_of=dt.date(2026, 12, 11))[rec.task_id]
    assert late.status == Status.OVERDUE and "逾期 1 天" in late.explanation
