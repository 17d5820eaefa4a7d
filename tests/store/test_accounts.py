from __future__ import annotations

import datetime as dt
import inspect
import logging
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from store import AuthenticationError, PermissionDeniedError, Role, Store, User, open_store
from store.accounts import INITIAL_PASSWORD_FILE, ExternalIdentityRefusedError, LoginThrottledError
from store.core import now
from store.schema import login_throttle
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
READS = {"get_user", "list_users", "authenticate", "get_or_create_external_user",
         "list_sites", "get_site", "site_standards", "sites_in_polygon", "sites_in_township", "sites_within",
         "measurements", "find_import",
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


def test_generated_first_admin_password_goes_only_to_the_log_and_an_operator_file(
    tmp_path: Path, monkeypatch, caplog
) -> None:
    """It used to be handed to the first anonymous visitor (sidebar); now: WARNING log + 0600 file, never the UI."""
    monkeypatch.delenv("CHAISANG_ADMIN_PASSWORD")
    with caplog.at_level(logging.WARNING, logger="store"):
        st = open_store(f"sqlite:///{tmp_path / 'g.sqlite'}", sample_dir=None, boundaries_dir=None)
    path = tmp_path / INITIAL_PASSWORD_FILE
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    password = re.search(r"初始密码：(\S+)", path.read_text(encoding="utf-8")).group(1)
    assert len(password) >= 12
    assert any(password in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert not hasattr(st, "take_initial_admin_credentials")  # no way left to hand it to a page
    first = st.authenticate(ADMIN, password)
    assert first.role == Role.ADMIN and first.must_change_password
    st.set_password(first, ADMIN, "my-own-admin-pw-1")
    assert not st.authenticate(ADMIN, "my-own-admin-pw-1").must_change_password
    audit = st.export_audit_csv(st.get_user(ADMIN)).decode("utf-8-sig")
    assert password not in audit and "my-own-admin-pw-1" not in audit
    st.close()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="store"):
        st2 = open_store(f"sqlite:///{tmp_path / 'g.sqlite'}")  # later runs create nothing, log nothing
    assert not any("初始密码" in r.getMessage() for r in caplog.records)
    st2.close()


def test_password_from_the_environment_need_not_be_changed(store) -> None:
    assert not store.authenticate(ADMIN, ADMIN_PW).must_change_password


def test_admin_reset_forces_a_change_at_next_login(store, admin, viewer) -> None:
    assert not store.authenticate("viewer1", "viewer-password-1").must_change_password
    store.set_password(admin, "viewer1", "reset-by-admin-1")
    reset = store.authenticate("viewer1", "reset-by-admin-1")
    assert reset.must_change_password
    store.set_password(reset, "viewer1", "chosen-by-me-22")
    assert not store.authenticate("viewer1", "chosen-by-me-22").must_change_password


def test_external_identity_never_maps_onto_a_local_account(store, admin, viewer) -> None:
    """CHAISANG_AUTH_MODE=proxy with ``X-Remote-User: admin`` used to sign in as the local admin, no password."""
    for local in (ADMIN, "viewer1"):
        with pytest.raises(ExternalIdentityRefusedError) as exc:
            store.get_or_create_external_user(local)
        assert f"外部身份“{local}”与本系统的本地账号同名" in str(exc.value)
    refused = store.audit_log(admin, action="login_failed")
    assert {"admin", "viewer1"} <= set(refused["username"])
    assert refused["detail"].str.contains("外部身份与本地账号同名").sum() == 2
    assert store.get_user(ADMIN).role == Role.ADMIN and not store.get_user(ADMIN).external
    fresh = store.get_or_create_external_user("新外部用户")
    assert fresh.external and fresh.role == Role.VIEWER


def test_no_actor_is_never_the_user_called_none(store, admin) -> None:
    """``str(None)`` made ``actor=None`` act as an account named "None" (which a proxy header can create)."""
    none_user = store.get_or_create_external_user("None")
    store.set_role(admin, "None", "editor", expected_version=none_user.version)
    before = store.data_version()
    for call in (lambda: store.update_site(None, "W-A", {"name": "x"}, expected_version=1),
                 lambda: store.set_password(None, "None", "taken-over-pw-1"),
                 lambda: store.audit_log(None)):
        with pytest.raises(PermissionDeniedError) as exc:
            call()
        assert "（未登录）" in str(exc.value)
    assert store.data_version() == before


def _lock_settings(monkeypatch, user: int = 3, client: int = 5) -> None:
    monkeypatch.setenv("CHAISANG_LOGIN_MAX_FAILURES", str(user))
    monkeypatch.setenv("CHAISANG_LOGIN_CLIENT_MAX_FAILURES", str(client))
    monkeypatch.setenv("CHAISANG_LOGIN_WINDOW_MINUTES", "15")
    monkeypatch.setenv("CHAISANG_LOGIN_LOCKOUT_MINUTES", "15")


def test_repeated_failures_lock_a_name_across_restarts_without_revealing_it(
    store, db_url, monkeypatch
) -> None:
    _lock_settings(monkeypatch)
    messages = {}
    for name in (ADMIN, "nobody-here"):
        for _ in range(3):
            with pytest.raises(AuthenticationError) as exc:
                store.authenticate(name, "wrong-password", client=f"10.0.0.{len(messages)}")
            assert not isinstance(exc.value, LoginThrottledError)
        with pytest.raises(LoginThrottledError) as exc:
            store.authenticate(name, ADMIN_PW if name == ADMIN else "x", client="10.9.9.9")
        messages[name] = str(exc.value)
    assert messages[ADMIN] == messages["nobody-here"]  # a real and an unknown name look the same
    assert "登录失败次数过多" in messages[ADMIN] and "15 分钟" in messages[ADMIN]
    reopened = open_store(db_url)  # another process or replica sees the same lock
    with pytest.raises(LoginThrottledError):
        reopened.authenticate(ADMIN, ADMIN_PW)
    with reopened.engine.begin() as conn:  # the lock runs out
        conn.execute(login_throttle.update().values(locked_until=now() - dt.timedelta(seconds=1)))
    admin = reopened.authenticate(ADMIN, ADMIN_PW)
    locks = reopened.audit_log(admin, action="login_locked")
    assert sorted(locks["entity_id"]) == [ADMIN, "nobody-here"]
    assert locks["detail"].str.contains("登录失败 3 次，锁定 15 分钟").all()
    reopened.close()


def test_failures_from_one_client_lock_that_client_only(store, monkeypatch) -> None:
    _lock_settings(monkeypatch, user=100, client=4)
    for i in range(4):
        with pytest.raises(AuthenticationError):
            store.authenticate(f"guess{i}", "wrong-password", client="192.0.2.7")
    with pytest.raises(LoginThrottledError):
        store.authenticate(ADMIN, ADMIN_PW, client="192.0.2.7")
    assert store.authenticate(ADMIN, ADMIN_PW, client="192.0.2.8").username == ADMIN


def test_a_success_resets_the_count_and_an_admin_reset_unlocks(store, admin, viewer, monkeypatch) -> None:
    _lock_settings(monkeypatch)
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            store.authenticate("viewer1", "wrong-password")
    store.authenticate("viewer1", "viewer-password-1")
    for _ in range(2):  # counting starts again after a success
        with pytest.raises(AuthenticationError):
            store.authenticate("viewer1", "wrong-password")
    store.authenticate("viewer1", "viewer-password-1")
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            store.authenticate("viewer1", "wrong-password")
    with pytest.raises(LoginThrottledError):
        store.authenticate("viewer1", "viewer-password-1")
    store.set_password(admin, "viewer1", "unlocked-by-admin-1")
    assert store.authenticate("viewer1", "unlocked-by-admin-1").must_change_password


def test_unknown_names_take_as_long_as_wrong_passwords(tmp_path: Path, monkeypatch) -> None:
    """The dummy hash had cost 10 against the configured rounds (12 in production: unknown names 4x faster)."""
    monkeypatch.setenv("CHAISANG_BCRYPT_ROUNDS", "8")  # 4x away from the old fixed cost of 10
    _lock_settings(monkeypatch, user=1000, client=1000)
    st = open_store(f"sqlite:///{tmp_path / 't.sqlite'}", sample_dir=None, boundaries_dir=None)

    def attempt(name: str) -> float:
        t0 = time.perf_counter()
        with pytest.raises(AuthenticationError):
            st.authenticate(name, "wrong-password")
        return time.perf_counter() - t0

    attempt("nobody")  # the dummy hash is made on first use
    pairs = [(attempt("nobody"), attempt(ADMIN)) for _ in range(9)]  # interleaved: load hits both alike
    unknown, known = min(p[0] for p in pairs), min(p[1] for p in pairs)
    st.close()
    print(f"timing: unknown {unknown * 1000:.1f} ms, real {known * 1000:.1f} ms")
    assert 0.5 < unknown / known < 2, f"unknown {unknown * 1000:.1f} ms vs real {known * 1000:.1f} ms"
