from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point

from store import PermissionDeniedError
from store.backup import export_archive
from tests.store.conftest import ADMIN_PW

XSS = ["<img src=x onerror=alert(1)>", "\"><script>alert(1)</script>"]


def test_every_kind_of_change_is_recorded_with_before_and_after(store, admin, editor) -> None:
    store.update_site(editor, "W-A", {"name": "新名称"}, expected_version=1)
    store.import_measurements(editor, b"site_id,time,param,raw\nW-A,2026-01-01,COD,3\n", file_name="m.csv")
    store.create_site(editor, {"site_id": "N-1", "name": "新点", "kind": "park"}, Point(116, 29.6))
    store.delete_site(editor, "N-1", expected_version=1)
    store.set_role(admin, "editor1", "viewer", expected_version=1)
    log = store.audit_log(admin)
    upd = log[(log.action == "update") & (log.entity == "site")].iloc[0]
    assert upd.username == "editor1"
    assert upd.entity_id == "W-A"
    assert upd.before["name"] == "甲断面"
    assert upd.after["name"] == "新名称"
    assert upd.before["geometry"] == {"type": "Point", "coordinates": [115.9, 29.6]}
    assert isinstance(upd["at"], (pd.Timestamp, dt.datetime))
    imp = log[(log.action == "import") & (log.entity == "measurements") & (log.username == "editor1")].iloc[0]
    assert imp.after["file_name"] == "m.csv"
    assert imp.after["rows"] == 1
    assert len(imp.after["sha256"]) == 64
    assert set(log[log.entity_id == "N-1"].action) == {"create", "delete"}
    role = log[log.action == "role_change"].iloc[0]
    assert (role.before["role"], role.after["role"], role.username) == ("editor", "viewer", "admin")
    assert set(log.action) >= {"login", "create", "update", "delete", "import", "role_change", "seed"}


def test_failed_login_is_recorded_without_password(store) -> None:
    with pytest.raises(Exception, match="用户名或密码错误"):
        store.authenticate("admin", "guess-Secret-1")
    admin = store.authenticate("admin", ADMIN_PW)
    log = store.audit_log(admin, action="login_failed")
    assert len(log) == 1
    assert log.iloc[0].username == "admin"
    assert "guess-Secret-1" not in log.to_json(force_ascii=False, date_format="iso")


def test_filter_and_export(store, admin, editor) -> None:
    store.update_site(editor, "W-A", {"name": "一"}, expected_version=1)
    store.update_site(editor, "W-A", {"name": "二"}, expected_version=2)
    only = store.audit_log(admin, username="editor1", action="update")
    assert len(only) == 2
    assert only.iloc[0].after["name"] == "二"
    assert len(store.audit_log(admin, entity="site", entity_id="W-A")) == 2
    assert store.audit_log(admin, since=dt.date.today() + dt.timedelta(days=2)).empty
    assert len(store.audit_log(admin, until=dt.date.today() + dt.timedelta(days=1), limit=3)) == 3
    csv = store.export_audit_csv(admin, username="editor1").decode("utf-8-sig")
    df = pd.read_csv(io.StringIO(csv))
    assert len(df) == 2
    assert set(df.action_label) == {"修改"}
    assert json.loads(df.iloc[0].after)["name"] == "二"
    with pytest.raises(PermissionDeniedError):
        store.audit_log(editor)


def test_passwords_never_reach_audit_exports_or_logs(store, admin, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Very-Secret-Pw-8472"
    store.create_user(admin, "u1", secret, "editor")
    store.set_password(admin, "u1", secret + "-2")
    store.authenticate("u1", secret + "-2")
    with pytest.raises(Exception, match="用户名或密码错误"):
        store.authenticate("u1", secret)
    audit = store.export_audit_csv(admin).decode("utf-8-sig")
    export_archive(store, tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        archive = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for haystack in (audit, archive, caplog.text):
        assert secret not in haystack
        assert "$2b$" not in haystack  # no hashes either
    assert "password_change" in audit
    assert "u1" in archive


def test_text_is_stored_exactly_as_given(store, editor, admin) -> None:
    for i, evil in enumerate(XSS):
        store.create_site(editor, {"site_id": f"X-{i}", "name": evil, "kind": "park", "location_note": evil},
                          Point(116, 29.6))
        store.create_task(editor, f"TX-{i}", {"title": evil, "origin": "complaint", "description": evil,
                                              "opened": dt.date(2026, 1, 1)})
        eid = store.add_evidence(editor, f"TX-{i}", evil + ".jpg", b"img")
        assert store.get_evidence(eid)[0] == evil + ".jpg"
        assert store.get_site(f"X-{i}")["name"] == evil
        assert store.get_task(f"TX-{i}")["description"] == evil
        assert store.audit_log(admin, entity_id=f"TX-{i}").iloc[-1].after["title"] == evil
