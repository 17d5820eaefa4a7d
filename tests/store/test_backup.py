from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from shapely.geometry import Point

from store import Store, StoreNotEmptyError, open_store
from store.backup import dump_tables, export_archive, main, restore_archive
from tests.store.conftest import ADMIN


def _busy(store: Store, admin) -> None:
    """Touch every table: edits, evidence, inspections, a second boundary version, Chinese and odd text."""
    ed = store.create_user(admin, "编辑甲", "editor-password-1", "editor")
    store.update_site(ed, "W-A", {"name": "甲断面<b>“改”</b>", "location_note": "a\nb"}, expected_version=1)
    store.create_site(ed, {"site_id": "N-1", "name": "新点", "kind": "park", "extra": {"k": [1, 2.5]}},
                      Point(116.123456789012345, 29.98765432109876))
    store.add_evidence(ed, "T-1", "整改.jpg", bytes(range(256)), "image/jpeg")
    store.record_inspection(ed, inspected_on=dt.date(2026, 1, 2), site_id="W-A", task_id="T-1", lon=115.9,
                            lat=29.6, findings="无异常")
    store.import_measurements(ed, b"site_id,time,param,raw\nW-A,2026-01-01 08:15:30,COD,0.1L\n", file_name="m.csv")
    m = store.measurements(["W-A"], params=["COD"]).iloc[0]
    store.set_quality_flag(ed, int(m["id"]), "存疑", expected_version=1)
    store.set_milestone_achieved(ed, 1, dt.date(2022, 7, 2), expected_version=1)
    store.load_boundary_layer(admin, "townships",
                              b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                              b'{"name":"x","adcode":"360404"},"geometry":{"type":"Polygon","coordinates":'
                              b'[[[116,29.6],[116.1,29.6],[116.1,29.7],[116,29.6]]]}}]}',
                              file_name="b.geojson")


def _comparable(dump: dict) -> dict:
    dump = dict(dump)
    dump["audit_log"] = [a for a in dump["audit_log"] if a["action"] != "restore"]
    return dump


def test_round_trip_same_backend(store, admin, url_factory, backend, tmp_path: Path) -> None:
    _busy(store, admin)
    counts = export_archive(store, tmp_path / "b.zip")
    assert counts["measurements"] == 37
    assert counts["task_evidence"] == 1
    target = open_store(url_factory(backend), initialise=False)
    restore_archive(target, tmp_path / "b.zip")
    assert _comparable(dump_tables(target)) == _comparable(dump_tables(store))
    assert target.get_evidence(1) == ("整改.jpg", bytes(range(256)))
    assert target.is_initialised()
    # restored ids continue: new rows do not collide
    assert target.list_users()[0].username  # users restored
    target.close()


@pytest.mark.postgis
def test_round_trip_sqlite_postgres_sqlite_is_identical(fixture_dir, url_factory, tmp_path: Path) -> None:
    src = open_store(url_factory("sqlite"), sample_dir=fixture_dir / "sample",
                     boundaries_dir=fixture_dir / "boundaries")
    admin = src.authenticate(ADMIN, "测试管理员-Secret-9183")
    _busy(src, admin)
    export_archive(src, tmp_path / "1.zip")
    pg = open_store(url_factory("postgis"), initialise=False)
    restore_archive(pg, tmp_path / "1.zip")
    export_archive(pg, tmp_path / "2.zip")
    back = open_store(url_factory("sqlite"), initialise=False)
    restore_archive(back, tmp_path / "2.zip")
    original = _comparable(dump_tables(src))
    assert _comparable(dump_tables(pg)) == original
    assert _comparable(dump_tables(back)) == original
    # geometry is bit-exact, not just close
    assert back.get_site("N-1")["geometry"].equals_exact(Point(116.123456789012345, 29.98765432109876), 0)
    for s in (src, pg, back):
        s.close()


def test_restored_postgres_sequences_continue(store, admin, url_factory, backend, tmp_path: Path) -> None:
    _busy(store, admin)
    export_archive(store, tmp_path / "b.zip")
    target = open_store(url_factory(backend), initialise=False)
    restore_archive(target, tmp_path / "b.zip")
    from store.backup import set_admin_after_restore

    name, pw = set_admin_after_restore(target)
    assert name == ADMIN
    assert pw is None
    a = target.authenticate(ADMIN, "测试管理员-Secret-9183")
    target.import_measurements(a, b"site_id,time,param,raw\nW-A,2026-02-01,COD,3\n", file_name="after.csv")
    target.create_user(a, "新用户", "password-12345", "viewer")
    assert target.measurement_count() == 38
    target.close()


def test_restore_refuses_a_non_empty_store(store, admin, tmp_path: Path) -> None:
    export_archive(store, tmp_path / "b.zip")
    before = dump_tables(store)
    with pytest.raises(StoreNotEmptyError) as exc:
        restore_archive(store, tmp_path / "b.zip")
    assert "不是空库" in str(exc.value)
    assert dump_tables(store) == before


def test_archive_is_portable_and_without_secrets(store, admin, tmp_path: Path) -> None:
    _busy(store, admin)
    export_archive(store, tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        sites = json.loads(z.read("sites.geojson"))
        users = [json.loads(line) for line in z.read("tables/users.jsonl").splitlines()]
    assert {"tables/measurements.jsonl", "tables/audit_log.jsonl", "evidence/1.bin",
            "boundaries/townships_v1.geojson", "boundaries/townships_v2.geojson"} <= names
    assert manifest["tables"]["users"] == len(users) == 2
    assert all("password_hash" not in u for u in users)
    assert {f["properties"]["site_id"] for f in sites["features"]} >= {"W-A", "N-1"}


def test_command_line(store, admin, db_url, tmp_path: Path, capsys, monkeypatch) -> None:
    store.close()
    assert main(["export", str(tmp_path / "c.zip"), "--url", db_url]) == 0
    monkeypatch.delenv("CHAISANG_ADMIN_PASSWORD")
    target = tmp_path / "restored"
    assert main(["import", str(tmp_path / "c.zip"), "--data-dir", str(target)]) == 0
    out = capsys.readouterr().out
    assert "已从" in out
    assert "新密码（仅显示这一次）" in out
    password = out.rsplit("：", 1)[1].strip()
    st = open_store(data_dir=target)
    assert st.authenticate(ADMIN, password).role == "admin"
    assert st.measurement_count() == 36
    assert main(["import", str(tmp_path / "c.zip"), "--data-dir", str(target)]) == 1
    assert "不是空库" in capsys.readouterr().err
    st.close()
