"""End to end: a register re-import with 更新已有点位 does not overwrite an edit saved after its preview.

Real app on 127.0.0.1 in Debian chromium, real SQLite store: the editor uploads a register that updates an
existing site, someone saves that site meanwhile, and the confirm click reports the conflict and stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import login, start_app, stop_app

pytestmark = pytest.mark.browser
ADMIN, ADMIN_PW = "admin", "冲突测试-Secret-5821"
EDITOR, EDITOR_PW = "conf_editor", "editor-Secret-58"
ENV = {"CHAISANG_ADMIN_USER": ADMIN, "CHAISANG_ADMIN_PASSWORD": ADMIN_PW, "CHAISANG_BCRYPT_ROUNDS": "4"}
SITE = "W-SCHK"  # a sample site (data/sample/sites.geojson)


def _open_store(data_dir: Path):
    from store import open_store

    with pytest.MonkeyPatch.context() as mp:
        for k, v in ENV.items():
            mp.setenv(k, v)
        return open_store(data_dir=data_dir)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("import_conflict")
    srv = start_app(tmp, ENV)
    from store import Role

    store = _open_store(tmp / "data")
    try:
        store.create_user(store.get_user(ADMIN), EDITOR, EDITOR_PW, Role.EDITOR)
    finally:
        store.close()
    yield srv.url, tmp / "data"
    stop_app(srv)


def test_an_edit_saved_between_preview_and_confirm_is_not_overwritten(server, page_and_network,
                                                                      tmp_path: Path) -> None:
    url, data_dir = server
    page, net = page_and_network
    register = tmp_path / "登记表更新.csv"
    register.write_text(f"点位编号,点位名称,类型,乡镇,经度,纬度\n{SITE},赛城湖口（登记表）,断面,沙河街道,115.8906,29.7206\n",
                        encoding="utf-8")
    page.set_default_timeout(45_000)
    page.goto(f"{url}/imports")
    login(page, EDITOR, EDITOR_PW)
    page.get_by_role("heading", name="数据导入").wait_for()
    page.get_by_text("点位登记表（Excel/CSV）").click()
    page.locator('[class*="st-key-imp_file_register_"] input[type="file"]').set_input_files(str(register))
    page.get_by_text("已存在 1").wait_for()
    page.get_by_text("登记表中已存在的点位编号：更新其属性和位置").click()
    confirm = page.get_by_role("button", name="确认导入 1 个点位")
    confirm.and_(page.locator(":enabled")).wait_for()

    store = _open_store(data_dir)  # meanwhile another user saves the site the preview showed
    try:
        admin = store.get_user(ADMIN)
        version = store.get_site(SITE)["version"]
        store.update_site(admin, SITE, {"name": "赛城湖口（他人刚保存）"}, expected_version=version)
    finally:
        store.close()

    confirm.click()
    page.get_by_text("导入失败，未保存任何点位").wait_for()
    page.get_by_text("已被其他用户修改").first.wait_for()
    assert net.external == [], net.external
    store = _open_store(data_dir)
    try:
        site = store.get_site(SITE)
        assert site["name"] == "赛城湖口（他人刚保存）"
        assert site["version"] == version + 1
        log = store.audit_log(store.get_user(ADMIN), action="import", entity="site")
        assert log.empty
    finally:
        store.close()
