from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from store import AuthenticationError, PermissionDeniedError, Role, Store, User, open_store
from tests.store.conftest import ADMIN, ADMIN_PW

# Every public method that changes data, with a call that would succeed for an admin.
WRITES: dict[str, Callable[[Store, User], object]] = {
    "create_site": lambda s, u: s.create_site(u, {"site_id": "N-1", "name": "新点", "kind": "park"},
                                              Point(116, 29.6)),
    "update_site": lambda s, u: s.update_site(u, "W-A", {"name": "改名"}, expected_version=1),
    "import_sites": lambda s, u: s.import_sites(u, gpd.GeoDataFrame(
        {"site_id": ["N-2"], "name": ["新点"], "kind": ["park"]}, geometry=[Point(116, 29.6)], crs=4490)),
    "delete_site": lambda s, u: s.delete_site(u, "PARK-1", expected_version=1),
    "import_measurements": lambda s, u: s.import_measurements(
        u, b"site_id,time,param,raw\nW-A,2026-01-01,COD,3\n", file_name="m.csv"),
    "set_quality_flag": lambda s, u: s.set_quality_flag(u, 1, "存疑", expected_version=1),
    "delete_import": lambda s, u: s.delete_import(u, 1),
    "create_task": lambda s, u: s.create_task(u, "T-9", {"title": "新", "origin": "complaint",
                                                         "opened": dt.date(2026, 1, 1)}),
    "update_task": lambda s, u: s.update_task(u, "T-1", {"owner": "王五"}, expected_version=1),
    "delete_task": lambda s, u: s.delete_task(u, "T-2", expected_version=1),
    "import_tasks": lambda s, u: s.import_tasks(
        u, b"task_id,title,origin,opened\nT-8,x,complaint,2026-01-01\n", file_name="t.csv"),
    "add_evidence": lambda s, u: s.add_evidence(u, "T-1", "照片.jpg", b"\xff\xd8data"),
    "record_inspection": lambda s, u: s.record_inspection(u, inspected_on=dt.date(2026, 1, 2), site_id="W-A"),
    "update_inspection": lambda s, u: s.update_inspection(u, 1, {"findings": "x"}, expected_version=1),
    "add_progress_report": lambda s, u: s.add_progress_report(u, 1, dt.date(2024, 1, 1), 80.0),
    "update_project": lambda s, u: s.update_project(u, 1, {"content": "x"}, expected_version=1),
    "set_milestone_achieved": lambda s, u: s.set_milestone_achieved(u, 1, dt.date(2022, 7, 1),
                                                                    expected_version=1),
    "load_boundary_layer": lambda s, u: s.load_boundary_layer(
        u, "townships", b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},'
                        b'"geometry":{"type":"Point","coordinates":[116,29.6]}}]}', file_name="b.geojson"),
    "create_user": lambda s, u: s.create_user(u, "new1", "password-123", "viewer"),
    "set_role": lambda s, u: s.set_role(u, "editor1", "admin", expected_version=1),
    "set_active": lambda s, u: s.set_active(u, "editor1", False, expected_version=1),
    "set_password": lambda s, u: s.set_password(u, ADMIN, "another-pw-1"),
    "audit_log": lambda s, u: s.audit_log(u),
    "export_audit_csv": lambda s, u: s.export_audit_csv(u),
    "record_event": lambda s, u: s.record_event(u, "draw", "inspection_draw", "2026-11-01#1", after={"n": 1}),
}
EDITOR_OK = {
    "create_site", "import_sites", "record_event", "update_site", "delete_site", "import_measurements",
    "set_quality_flag", "create_task", "update_task", "import_tasks", "add_evidence", "record_inspection",
    "update_inspection", "add_progress_report", "update_project", "set_milestone_achieved",
}
# Methods that only read, or that are the identity entry points.
READS = {"get_user", "list_users", "authenticate", "get_or_create_external_user", "take_initial_admin_credentials",
         "list_sites", "get_site", "site_standards", "sites_in_polygon", "sites_in_township", "sites_within",
         "measurements",
         "latest_values", "import_batches", "measurement_count", "list_tasks", "get_task", "list_evidence",
         "get_evidence", "list_inspections", "list_projects", "project_progress", "milestones",
         "boundary_layer", "boundary_versions", "data_version", "close", "is_initialised", "url"}


def test_every_public_method_is_classified() -> None:
    public = {n for n, _ in inspect.getmembers(Store) if not n.startswith("_")}
    assert public - READS - set(WRITES) == set(), "new public method: add it to WRITES (role test) or READS"


@pytest.fixture
def populated(store, admin, editor) -> Store:
    store.record_inspection(admin, inspected_on=dt.date(2026, 1, 1), site_id="W-A", findings="正常")
    return store


def test_viewer_cannot_write_through_any_path(populated, viewer) -> None:
    failures = []
    for method, call in sorted(WRITES.items()):
        before = populated.data_version()
        try:
            call(populated, viewer)
            failures.append(f"{method}: 查看用户的写操作未被拒绝")
        except PermissionDeniedError as exc:
            if "viewer1" not in str(exc) or "无权" not in str(exc):
                failures.append(f"{method}: 提示不清楚：{exc}")
        if populated.data_version() != before:
            failures.append(f"{method}: 被拒绝后数据仍有变化")
    assert failures == []


def test_editor_can_edit_but_not_administer(populated, editor) -> None:
    failures = []
    for method, call in sorted(WRITES.items()):
        try:
            call(populated, editor)
            if method not in EDITOR_OK:
                failures.append(f"{method}: 编辑用户执行了管理操作")
        except PermissionDeniedError:
            if method in EDITOR_OK:
                failures.append(f"{method}: 编辑用户被错误拒绝")
    assert failures == []


def test_forged_user_object_does_not_raise_privileges(populated, viewer) -> None:
    forged = User(id=viewer.id, username=viewer.username, role=Role.ADMIN)
    with pytest.raises(PermissionDeniedError):
        populated.update_site(forged, "W-A", {"name": "x"}, expected_version=1)
    with pytest.raises(PermissionDeniedError):
        populated.update_site("system", "W-A", {"name": "x"}, expected_version=1)


def test_role_change_takes_effect_immediately(populated, admin, editor) -> None:
    populated.update_site(editor, "W-A", {"name": "一"}, expected_version=1)
    populated.set_role(admin, "editor1", "查看", expected_version=1)
    with pytest.raises(PermissionDeniedError):
        populated.update_site(editor, "W-A", {"name": "二"}, expected_version=2)


def test_authenticate(store) -> None:
    u = store.authenticate(ADMIN, ADMIN_PW)
    assert u.role == Role.ADMIN
    assert u.role.label == "管理"
    for name, pw in ((ADMIN, "wrong-password"), ("nobody", ADMIN_PW), (ADMIN, "")):
        with pytest.raises(AuthenticationError) as exc:
            store.authenticate(name, pw)
        assert "用户名或密码错误" in str(exc.value)


def test_disabled_account_cannot_log_in(store, admin, editor) -> None:
    store.set_active(admin, "editor1", False, expected_version=1)
    with pytest.raises(AuthenticationError):
        store.authenticate("editor1", "editor-password-1")


def test_passwords_are_salted_bcrypt(store, admin) -> None:
    store.create_user(admin, "a1", "same-password", "viewer")
    store.create_user(admin, "a2", "same-password", "viewer")
    from sqlalchemy import select

    from store.schema import users

    with store.engine.connect() as conn:
        hashes = dict(conn.execute(select(users.c.username, users.c.password_hash)).all())
    assert hashes["a1"] != hashes["a2"]
    assert hashes["a1"].startswith("$2")
    assert "same-password" not in hashes["a1"]


def test_last_admin_cannot_be_demoted(store, admin) -> None:
    with pytest.raises(PermissionDeniedError):
        store.set_role(admin, ADMIN, "editor", expected_version=admin.version)


def test_generated_first_admin_password_is_returned_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CHAISANG_ADMIN_PASSWORD")
    st = open_store(f"sqlite:///{tmp_path / 'g.sqlite'}", sample_dir=None, boundaries_dir=None)
    creds = st.take_initial_admin_credentials()
    assert creds is not None
    assert creds[0] == ADMIN
    assert len(creds[1]) >= 12
    assert st.take_initial_admin_credentials() is None
    assert st.authenticate(*creds).role == Role.ADMIN
    st2 = open_store(f"sqlite:///{tmp_path / 'g.sqlite'}")
    assert st2.take_initial_admin_credentials() is None  # not on later runs
    assert creds[1] not in st.export_audit_csv(st.authenticate(*creds)).decode("utf-8-sig")


def test_external_users(store, admin) -> None:
    u = store.get_or_create_external_user("zhang.san", "editor")
    assert u.external
    assert u.role == Role.EDITOR
    store.set_role(admin, "zhang.san", "viewer", expected_version=u.version)
    again = store.get_or_create_external_user("zhang.san", "admin")
    assert again.role == Role.VIEWER  # the provider does not grant roles to existing accounts
    with pytest.raises(AuthenticationError):
        store.authenticate("zhang.san", "")


def test_users_may_change_their_own_password(store, viewer) -> None:
    store.set_password(viewer, "viewer1", "brand-new-pw-2")
    assert store.authenticate("viewer1", "brand-new-pw-2").username == "viewer1"
