"""End to end, proxy mode (CHAISANG_AUTH_MODE=proxy) in Debian chromium against the real app: the header
``X-Remote-User: admin`` does not sign in as the local admin; a new name becomes a 查看 account, also when the
proxy writes it as raw UTF-8 or percent-encoded; an app listening on every interface trusts no header at all.
The browser sends the header on every request, the WebSocket handshake included (Streamlit reads it there)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import open_store
from tests.browser.conftest import AppServer, free_port, start_app, stop_app, wait_idle, wait_until_healthy
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
ADMIN, ADMIN_PW = "admin", "代理测试-Secret-4711"
ENV = {"CHAISANG_ADMIN_USER": ADMIN, "CHAISANG_ADMIN_PASSWORD": ADMIN_PW, "CHAISANG_BCRYPT_ROUNDS": "4",
       "CHAISANG_AUTH_MODE": "proxy"}


def start_proxy_mode_app(tmp: Path, address: str, timeout: float = 90) -> AppServer:
    """`streamlit run app.py` in proxy mode listening on ``address``; the browser connects over 127.0.0.1."""
    return start_app(tmp, ENV, timeout=timeout, address=address)


@pytest.fixture(scope="module")
def loopback_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("proxy")
    srv = start_proxy_mode_app(tmp, "127.0.0.1")
    yield srv.url, tmp / "data"
    stop_app(srv)


def _open_as(page_and_network, url: str, header: str) -> object:
    page, net = page_and_network
    page.set_default_timeout(45_000)
    page.context.set_extra_http_headers({"X-Remote-User": header})
    page.goto(url)
    page.locator("[data-testid='stSidebar']").wait_for()
    wait_idle(page)
    assert net.external == []
    return page


def _users(data_dir: Path) -> dict[str, tuple[str, bool]]:
    store = open_store(data_dir=data_dir)
    try:
        return {u.username: (u.role.value, u.external) for u in store.list_users()}
    finally:
        store.close()


def test_header_naming_the_local_admin_is_refused(loopback_app, page_and_network) -> None:
    url, data_dir = loopback_app
    page = _open_as(page_and_network, url, ADMIN)
    page.get_by_text("外部身份“admin”与本系统的本地账号同名").wait_for()
    assert page.get_by_text("当前用户：admin").count() == 0
    assert page.get_by_text("未从反向代理获得用户身份").count() == 1  # read-only, like an anonymous visitor
    assert _users(data_dir)[ADMIN] == ("admin", False)


@pytest.mark.parametrize("header", ["新外部用户", "%E6%96%B0%E5%A4%96%E9%83%A8%E7%94%A8%E6%88%B7"])
def test_new_header_name_becomes_a_viewer_spelled_correctly(loopback_app, page_and_network, header) -> None:
    """Raw UTF-8 used to arrive as latin-1 mojibake ("æ°å¤é¨ç¨æ·") and was stored like that."""
    url, data_dir = loopback_app
    page = _open_as(page_and_network, url, header)
    page.get_by_text("当前用户：新外部用户（查看权限）").wait_for()
    users = _users(data_dir)
    assert users["新外部用户"] == ("viewer", True)
    assert not any("æ" in name or "%" in name for name in users)


def test_app_on_every_interface_trusts_no_header(tmp_path: Path, page_and_network) -> None:
    srv = start_proxy_mode_app(tmp_path, "0.0.0.0")
    try:
        page = _open_as(page_and_network, srv.url, "zhao.liu")
        page.get_by_text("安全配置错误：proxy 认证模式下 Streamlit 必须只监听 127.0.0.1").wait_for()
        assert page.get_by_text("当前用户：zhao.liu").count() == 0
        assert "zhao.liu" not in _users(tmp_path / "data")
    finally:
        stop_app(srv)


def test_generated_admin_password_stays_off_the_page_and_must_be_changed(tmp_path: Path, page_and_network) -> None:
    """It used to be shown to the first anonymous visitor in the sidebar."""
    env = {k: v for k, v in os.environ.items() if k != "CHAISANG_ADMIN_PASSWORD"}
    env.update(CHAISANG_DATA_DIR=str(tmp_path / "data"), CHAISANG_ADMIN_USER=ADMIN, CHAISANG_BCRYPT_ROUNDS="4",
               CHAISANG_AUTH_MODE="local")
    port = free_port()
    log = tmp_path / "streamlit.log"
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
                             "--server.port", str(port), "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    srv = AppServer(f"http://127.0.0.1:{port}", proc, log)
    try:
        page, net = page_and_network
        page.set_default_timeout(60_000)
        wait_until_healthy(srv)
        page.goto(srv.url)
        page.get_by_role("button", name="登录").wait_for()
        wait_idle(page)
        secret_file = tmp_path / "data" / "initial-admin-password.txt"
        password = secret_file.read_text(encoding="utf-8").split("初始密码：")[1].split()[0]
        assert password not in page.content()
        assert password in log.read_text(errors="replace")  # the operator finds it in the server log

        page.get_by_label("用户名").fill(ADMIN)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="请先修改密码").wait_for()
        page.get_by_role("button", name="退出登录").wait_for()  # the user may still sign out
        wait_idle(page)
        assert password not in page.content()
        page.get_by_role("link", name="账号与审计").click()  # the menu of the previous run: every page is gated
        wait_idle(page)
        page.get_by_role("heading", name="请先修改密码").wait_for()
        assert page.get_by_role("heading", name="账号与审计").count() == 0

        page.get_by_label("新密码（至少 8 个字符）").fill("admin-own-pass-77")
        page.get_by_label("再次输入新密码").fill("admin-own-pass-77")
        page.get_by_role("button", name="修改密码").click()
        page.get_by_role("heading", name="账号与审计").wait_for()
        assert page.get_by_role("heading", name="请先修改密码").count() == 0
        assert net.external == []
    finally:
        stop_app(srv)
