"""End to end: the 账号与审计 page in Debian chromium against the real app on 127.0.0.1 (every non-loopback request
aborted): an admin creates a user and changes its role, the audit log shows both and exports them as CSV; HTML
in a site name and a user name is shown as text and never runs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import Point

from tests.browser.conftest import choose, stop_app, wait_idle
from tests.browser.test_imports_e2e import ADMIN, ADMIN_PW, ENV, login, open_store_at, start_with_pages

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)>"
XSS2 = '"><script>alert(2)</script>'
XSS_SITE = "XSS-01"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL, data directory); the store holds a site and a user whose names are HTML."""
    tmp = tmp_path_factory.mktemp("admin")
    srv = start_with_pages(tmp, ENV)
    store = open_store_at(tmp / "data")
    try:
        admin = store.get_user(ADMIN)
        store.create_site(admin, {"site_id": XSS_SITE, "name": XSS, "kind": "enterprise", "township": "沙河街道",
                                  "location_note": XSS2}, Point(115.93, 29.61))
        store.create_user(admin, XSS2, "xss-user-pass-1", "viewer")
    finally:
        store.close()
    yield srv.url, tmp / "data"
    stop_app(srv)


def settled(page, locator, timeout: float = 30.0) -> None:
    """Wait until ``locator`` matches exactly one element (a rerun may show old and new elements for a moment)."""
    from playwright.sync_api import expect

    expect(locator).to_have_count(1, timeout=timeout * 1000)


def _admin_page(page, url: str) -> None:
    page.set_default_timeout(45_000)
    page.goto(f"{url}/admin")
    login(page, ADMIN, ADMIN_PW)
    page.get_by_role("heading", name="账号与审计").wait_for()


def test_admin_creates_a_user_changes_its_role_and_exports_the_audit(server, page_and_network) -> None:
    url, data_dir = server
    page, net = page_and_network
    _admin_page(page, url)

    page.get_by_text("新建账号").click()
    page.get_by_label("用户名", exact=True).last.fill("zhang_san")
    page.get_by_label("初始密码（至少 8 个字符）").fill("zhangsan-pass-9")
    page.get_by_role("button", name="创建账号").click()
    page.get_by_text("已创建账号“zhang_san”（查看权限）").wait_for()

    choose(page, "选择账号", "zhang_san")
    settled(page, page.get_by_text("当前：查看权限"))
    choose(page, "新角色", "编辑")
    wait_idle(page)
    page.get_by_role("button", name="保存角色").click()
    page.get_by_text("账号“zhang_san”的角色已改为“编辑”").wait_for()

    store = open_store_at(data_dir)
    try:
        assert store.get_user("zhang_san").role.value == "editor"
    finally:
        store.close()

    page.get_by_text("审计日志", exact=True).click()
    page.get_by_text("共 ").first.wait_for()
    with page.expect_download() as dl:
        page.get_by_role("button", name="导出 CSV（Excel 可直接打开）").click()
    raw = Path(dl.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    mine = [(r["username"], r["action"]) for r in rows if r["entity_id"] == "zhang_san"]
    assert (ADMIN, "create") in mine and (ADMIN, "role_change") in mine
    change = next(r for r in rows if r["entity_id"] == "zhang_san" and r["action"] == "role_change")
    assert '"role": "viewer"' in change["before"] and '"role": "editor"' in change["after"]
    assert "password_hash" not in raw.decode("utf-8-sig")

    # the filter narrows the table and the export to role changes
    wait_idle(page)
    page.get_by_label("操作", exact=True).click()
    page.get_by_role("option", name="角色变更").click()
    settled(page, page.get_by_text("共 1 条"))  # the one role change of this module's store
    wait_idle(page)  # the file name names the filter: the rerun that replaces the button has finished
    for _ in range(5):  # a rerun may still swap the button between the click and the download
        with page.expect_download() as dl:
            page.get_by_role("button", name="导出 CSV（Excel 可直接打开）").click()
        if "角色变更" in dl.value.suggested_filename:
            break
        wait_idle(page)
    assert "角色变更" in dl.value.suggested_filename
    filtered = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["action"], r["entity_id"]) for r in filtered] == [("role_change", "zhang_san")]
    assert net.external == [], net.external


def test_html_in_names_is_shown_as_text_and_never_runs(server, page_and_network) -> None:
    url, _ = server
    page, net = page_and_network
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # the map page with the site's detail panel open (its name is a heading there)
    page.set_default_timeout(45_000)
    page.goto(f"{url}/?site={XSS_SITE}")
    login(page, ADMIN, ADMIN_PW)
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]')
    page.get_by_text(XSS, exact=False).first.wait_for()
    assert page.locator("img[src='x']").count() == 0

    # the admin page: the user name with HTML is listed as a plain option; the audit log holds both names
    page.get_by_role("link", name="账号与审计").click()
    page.get_by_role("heading", name="账号与审计").wait_for()
    page.get_by_label("选择账号").click()
    page.get_by_role("option", name=XSS2).wait_for()
    page.keyboard.press("Escape")
    page.get_by_text("审计日志", exact=True).click()
    page.get_by_text("共 ").first.wait_for()
    wait_idle(page)
    page.wait_for_load_state("networkidle")  # an injected <img src=x> would have been requested and failed by now
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script:text('alert(2)')").count() == 0
    assert dialogs == [], dialogs
    assert net.external == [], net.external
