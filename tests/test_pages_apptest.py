"""Smoke tests of the 数据导入 and 账号与审计 pages with streamlit.testing (no browser), plus their pure helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

ADMIN, ADMIN_PW = "admin", "apptest-Secret-77"


def _page(name: str) -> str:
    for folder in ("app_pages", "pages"):
        path = ROOT / folder / name
        if path.exists():
            return str(path)
    raise FileNotFoundError(name)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    mp = pytest.MonkeyPatch()
    data = tmp_path_factory.mktemp("apptest") / "data"
    mp.setenv("CHAISANG_DATA_DIR", str(data))
    mp.setenv("CHAISANG_ADMIN_USER", ADMIN)
    mp.setenv("CHAISANG_ADMIN_PASSWORD", ADMIN_PW)
    mp.setenv("CHAISANG_BCRYPT_ROUNDS", "4")
    from ui.store import get_store

    get_store.clear()
    yield data
    get_store().close()
    get_store.clear()
    mp.undo()


def _run(page: str, user: object | None) -> object:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(_page(page), default_timeout=60)
    if user is not None:
        at.session_state["auth_user"] = user
    return at.run()


def _texts(at: object) -> str:
    parts = []
    for kind in ("markdown", "caption", "warning", "info", "error", "success", "title"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def test_import_page_refuses_a_viewer_and_offers_uploads_to_an_editor(store_dir: Path) -> None:
    from store import Role
    from ui.store import get_store

    store = get_store()
    admin = store.get_user(ADMIN)
    viewer = store.create_user(admin, "apt_viewer", "viewer-pass-1", Role.VIEWER)
    editor = store.create_user(admin, "apt_editor", "editor-pass-1", Role.EDITOR)

    at = _run("imports.py", viewer)
    assert not at.exception
    assert "需要“编辑”或“管理”权限" in _texts(at)
    assert len(at.radio) == 0  # no choice of what to import, no uploader

    at = _run("imports.py", editor)
    assert not at.exception
    kinds = at.radio(key="imp_kind").options
    assert "监测数据表（长表或月报宽表）" in kinds
    assert not any("边界" in k for k in kinds)  # boundaries are admin-only in the store
    assert "替换行政区界、乡镇边界需要“管理”权限" in _texts(at)

    at = _run("imports.py", admin)
    assert any("乡镇" in k for k in at.radio(key="imp_kind").options)


def test_admin_page_shows_accounts_only_to_admins(store_dir: Path) -> None:
    from store import Role
    from ui.store import get_store

    store = get_store()
    admin = store.get_user(ADMIN)
    editor = store.create_user(admin, "apt_editor2", "editor-pass-2", Role.EDITOR)

    at = _run("admin.py", editor)
    assert not at.exception
    assert "仅限“管理”权限" in _texts(at)
    assert len(at.radio) == 0 and len(at.dataframe) == 0
    assert all(b.label != "清除缓存" for b in at.button)

    at = _run("admin.py", admin)
    assert not at.exception
    assert [b.label for b in at.button].count("清除缓存") == 1  # only admins may flush the shared caches
    assert at.radio(key="admin_section").options == ["账号与角色", "审计日志"]
    users = at.dataframe[0].value
    assert {"admin", "apt_editor2"} <= set(users["用户名"])


def test_admin_changes_a_role_with_the_version_check(store_dir: Path) -> None:
    from store import Role
    from ui.store import get_store

    store = get_store()
    admin = store.get_user(ADMIN)
    store.create_user(admin, "apt_role", "role-pass-12", Role.VIEWER)
    at = _run("admin.py", admin)
    at.selectbox(key="edit_user").select("apt_role").run()
    # someone else saves first: the page still holds version 1
    store.set_active(admin, "apt_role", True, expected_version=1)
    at.selectbox(key="edit_role_value").select(Role.EDITOR)
    at.button[[b.label for b in at.button].index("保存角色")].click().run()
    assert any("已被其他用户修改" in str(e.value) for e in at.error)
    assert store.get_user("apt_role").role == Role.VIEWER
    # after a refresh the page reads version 2 and the change goes through
    at.run()
    at.selectbox(key="edit_role_value").select(Role.EDITOR)
    at.button[[b.label for b in at.button].index("保存角色")].click().run()
    assert store.get_user("apt_role").role == Role.EDITOR


# ---- pure helpers ----------------------------------------------------------------------------------------------


def test_issue_table_lists_errors_first_with_row_and_field() -> None:
    from ingest import Issue
    from ui.imports import issue_table

    issues = [Issue("warning", "a.csv", "提示", None, None), Issue("error", "a.csv", "pH 不能大于 14", 6, "监测值")]
    t = issue_table(issues)
    assert list(t.iloc[0]) == ["错误", "a.csv", "6", "监测值", "pH 不能大于 14"]
    assert t.iloc[1]["级别"] == "提示"


def test_boundary_geojson_marks_an_official_layer_as_not_approximate() -> None:
    import json

    from geo.io import read_vector
    from ui.imports import boundary_geojson, guess_field

    gdf = read_vector(ROOT / "tests/data/good/official_townships_zone39.zip")
    name = guess_field(list(gdf.columns), ("乡镇名称", "name"))
    fc = json.loads(boundary_geojson(gdf, str(name), "代码", note="正式边界"))
    props = [f["properties"] for f in fc["features"]]
    assert len(props) == 11
    assert all(p["approximate"] is False and p["name"] and p["adcode"] for p in props)
    assert "沙河街道" in {p["name"] for p in props}
    assert all("乡镇名称" not in p and "outside_district" not in p for p in props)


def test_coordinate_table_shows_source_and_converted_coordinates() -> None:
    from geo.io import read_vector
    from ui.imports import coordinate_table

    gdf = read_vector(ROOT / "tests/data/good/official_townships_zone39.zip")
    t = coordinate_table(gdf, gdf.attrs["source_epsg"], "乡镇名称")
    assert t["源坐标 X（东）"].between(39_000_000, 40_000_000).all()  # zone-prefixed Gauss-Krüger eastings
    assert t["经度（CGCS2000）"].between(115.4, 116.2).all() and t["纬度（CGCS2000）"].between(29.4, 30.0).all()


def test_audit_filters_and_overlap() -> None:
    import pandas as pd

    from ui.imports import audit_filters, export_name, stored_overlap

    d0, d1 = dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    assert audit_filters("", "", "user", [d0, d1]) == {"entity": "user", "since": d0, "until": d1}
    assert audit_filters("a", "login", "", []) == {"username": "a", "action": "login"}
    name = export_name({"username": "<b>x</b>", "action": "login", "since": d0, "until": d1}, {"login": "登录"}, {})
    assert name == "审计日志__b_x__b__登录_20260101-20260131.csv"
    new = pd.DataFrame({"site_id": ["S", "S"], "time": ["2026-10-01", "2026-10-02"], "param": ["TP", "TP"]})
    old = pd.DataFrame({"site_id": ["S"], "time": pd.to_datetime(["2026-10-01"]), "param": ["TP"]})
    assert stored_overlap(new, old) == 1


def test_the_app_names_a_mistyped_setting_and_stops(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``CHAISANG_AUTH_MODE=ldap`` once ran as an anonymous read-only proxy session without a word."""
    from streamlit.testing.v1 import AppTest

    from textsafe import md

    monkeypatch.setenv("CHAISANG_AUTH_MODE", "ldap")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    message = "CHAISANG_AUTH_MODE 应为 local、proxy、oidc 之一，实际为“ldap”"
    assert [e.value for e in at.error] == [f"配置有误：{md(message)}"]
    assert len(at.title) == 0  # no page ran
    monkeypatch.setenv("CHAISANG_AUTH_MODE", "local")
    monkeypatch.setenv("CHAISANG_LOG_FILE", str(store_dir / "app-test.log"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and not at.error and len(at.title) == 1  # the map page
    assert (store_dir / "app-test.log").exists()  # app.py set up the log file
