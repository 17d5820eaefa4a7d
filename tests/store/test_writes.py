from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from shapely.geometry import Point

from store import (
    ConcurrentEditError,
    DuplicateImportError,
    ImportValidationError,
    NotFoundError,
    StoreError,
)


def test_second_save_of_same_version_is_refused(store, admin, editor) -> None:
    # both users read version 1 of the site
    v = store.get_site("W-A")["version"]
    store.update_site(editor, "W-A", {"name": "甲断面（编辑一）"}, expected_version=v)
    with pytest.raises(ConcurrentEditError) as exc:
        store.update_site(admin, "W-A", {"name": "甲断面（管理员）"}, expected_version=v)
    assert "已被其他用户修改" in str(exc.value)
    assert "W-A" in str(exc.value)
    site = store.get_site("W-A")
    assert site["name"] == "甲断面（编辑一）"
    assert site["version"] == v + 1


def test_version_check_on_tasks_projects_measurements_users(store, admin, editor) -> None:
    t = store.get_task("T-1")
    store.update_task(editor, "T-1", {"closed": dt.date(2025, 3, 1), "closure_note": "已清理"},
                      expected_version=t["version"])
    with pytest.raises(ConcurrentEditError):
        store.update_task(admin, "T-1", {"owner": "王五"}, expected_version=t["version"])
    assert store.get_task("T-1")["owner"] == "张三"
    p = store.list_projects().iloc[0]
    store.update_project(editor, 1, {"investment_wan": 1300.0}, expected_version=int(p["version"]))
    with pytest.raises(ConcurrentEditError):
        store.update_project(admin, 1, {"investment_wan": 1.0}, expected_version=int(p["version"]))
    m = store.measurements(["W-A"], params=["COD"]).iloc[0]
    store.set_quality_flag(editor, int(m["id"]), "存疑", expected_version=int(m["version"]))
    with pytest.raises(ConcurrentEditError):
        store.set_quality_flag(admin, int(m["id"]), None, expected_version=int(m["version"]))
    u = store.get_user("editor1")
    store.set_role(admin, "editor1", "viewer", expected_version=u.version)
    with pytest.raises(ConcurrentEditError):
        store.set_role(admin, "editor1", "admin", expected_version=u.version)
    assert store.get_user("editor1").role == "viewer"


def test_update_of_deleted_record_is_refused(store, editor) -> None:
    site = store.create_site(editor, {"site_id": "X-1", "name": "临时点", "kind": "enterprise"}, Point(116, 29.6))
    store.delete_site(editor, "X-1", expected_version=site["version"])
    with pytest.raises(NotFoundError):
        store.update_site(editor, "X-1", {"name": "x"}, expected_version=site["version"])


def test_every_write_changes_data_version(store, editor) -> None:
    v0 = store.data_version()
    store.update_site(editor, "W-A", {"township": "沙河街道"}, expected_version=1)
    v1 = store.data_version()
    store.add_progress_report(editor, 1, dt.date(2024, 1, 1), 90.0, "主体完工")
    assert v0 < v1 < store.data_version()


def _csv(rows: list[str]) -> bytes:
    return ("site_id,time,param,raw,unit,source\n" + "\n".join(rows) + "\n").encode("utf-8")


def test_import_is_all_or_nothing_and_names_file_row_field(store, editor) -> None:
    before = (store.measurement_count(), len(store.import_batches()), store.data_version())
    good = [f"W-A,2026-0{m}-15,COD,{m},mg/L,manual" for m in range(1, 8)]
    bad = [*good[:4], "W-A,2026-05-15,COD,abc,mg/L,manual", *good[4:]]
    with pytest.raises(ImportValidationError) as exc:
        store.import_measurements(editor, _csv(bad), file_name="五月数据.csv")
    msg = str(exc.value)
    assert "五月数据.csv" in msg
    assert "第 6 行" in msg
    assert "raw" in msg
    assert "abc" in msg
    assert (store.measurement_count(), len(store.import_batches()), store.data_version()) == before
    res = store.import_measurements(editor, _csv(good), file_name="五月数据.csv")
    assert res.rows == 7
    assert store.measurement_count() == before[0] + 7


@pytest.mark.parametrize(("row", "field"), [
    ("NOPE,2026-01-15,COD,1,mg/L,manual", "site_id"),
    ("W-A,2026-02-30,COD,1,mg/L,manual", "time"),
    ("W-A,2026-01-15,XYZ,1,mg/L,manual", "param"),
    ("W-A,2026-01-15,COD,1,g/L,manual", "unit"),
    ("W-A,2026-01-15,COD,1,mg/L,robot", "source"),
    ("W-A,2026-01-15,COD,-3,mg/L,manual", "raw"),
])
def test_each_bad_field_is_named(store, editor, row: str, field: str) -> None:
    n = store.measurement_count()
    with pytest.raises(ImportValidationError) as exc:
        store.import_measurements(editor, _csv(["W-A,2026-01-15,COD,1,mg/L,manual", row]), file_name="f.csv")
    assert f"第 3 行，字段“{field}”" in str(exc.value)
    assert store.measurement_count() == n


def test_detection_limit_values_are_kept_raw(store, editor) -> None:
    store.import_measurements(editor, _csv(["W-A,2026-03-15,NH3N,0.025L,mg/L,manual",
                                            "W-A,2026-04-15,NH3N,ND,,auto"]), file_name="dl.csv")
    df = store.measurements(["W-A"], params=["NH3N"], start=dt.date(2026, 1, 1))
    assert df["raw"].tolist() == ["0.025L", "ND"]
    assert df["below_dl"].tolist() == [True, True]
    assert df["detection_limit"].iloc[0] == 0.025
    assert pd.isna(df["detection_limit"].iloc[1])
    assert df["unit"].tolist() == ["mg/L", "mg/L"]


def test_same_file_twice_is_refused(store, editor) -> None:
    data = _csv(["W-A,2026-06-15,COD,5,mg/L,manual"])
    store.import_measurements(editor, data, file_name="a.csv")
    with pytest.raises(DuplicateImportError):
        store.import_measurements(editor, data, file_name="b.csv")
    assert store.import_batches()["file_name"].tolist()[-1] == "a.csv"


def test_failed_write_leaves_no_trace(store, editor) -> None:
    before = store.data_version()
    with pytest.raises(StoreError):
        store.create_site(editor, {"site_id": "W-A", "name": "重复", "kind": "park"}, Point(116, 29.6))
    with pytest.raises(StoreError):
        store.create_site(editor, {"site_id": "B-1", "name": "坐标反了", "kind": "park"}, Point(29.6, 116))
    with pytest.raises(StoreError):
        store.delete_site(editor, "W-A", expected_version=1)  # has measurements
    assert store.data_version() == before


def test_task_import_all_or_nothing(store, editor) -> None:
    data = ("task_id,title,origin,site_id,lon,lat,township,owner,opened,due,closed,description\n"
            "T-3,新任务,complaint,W-A,115.9,29.6,沙河街道,张三,2026-01-01,2026-02-01,,\n"
            "T-4,坏任务,letter,,,,沙河街道,张三,2026-01-01,,,\n").encode()
    with pytest.raises(ImportValidationError) as exc:
        store.import_tasks(editor, data, file_name="任务.csv")
    assert "任务.csv" in str(exc.value)
    assert "第 3 行" in str(exc.value)
    assert "origin" in str(exc.value)
    assert store.list_tasks()["task_id"].tolist() == ["T-1", "T-2"]


def test_grade_history_edit_replaces_dated_grades(store, editor) -> None:
    new = '[{"from": "2019-01-01", "grade": "1B"}, {"from": "2025-01-01", "grade": "1A"}]'
    store.update_site(editor, "WWTP-1", {"grade_history": new}, expected_version=1)
    assert store.site_standards("WWTP-1")["valid_from"].astype(str).tolist() == ["2019-01-01", "2025-01-01"]
    with pytest.raises(StoreError, match="grade_history"):
        store.update_site(editor, "WWTP-1", {"grade_history": "[{\"grade\": \"1A\"}]"}, expected_version=2)
