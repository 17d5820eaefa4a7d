"""Authentication hardening at the UI edge: the generated admin password never reaches a page, the forced
password change, proxy-header decoding, the loopback rule for proxy mode (app and scripts/run_app.sh).

The store-level rules (throttling, external identities, equal timing) are in tests/store/test_accounts.py.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _sidebar_app() -> None:
    """The app frame's account handling (as app.py runs it) followed by a marker for the page content."""
    import streamlit as st

    from ui.auth import sidebar_account
    from ui.store import get_store

    sidebar_account(get_store())
    st.markdown("页面内容已显示")


@pytest.fixture
def fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data directory whose store is created with a generated first-admin password."""
    data = tmp_path / "data"
    monkeypatch.setenv("CHAISANG_DATA_DIR", str(data))
    monkeypatch.setenv("CHAISANG_ADMIN_USER", "admin")
    monkeypatch.delenv("CHAISANG_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("CHAISANG_DATABASE_URL", raising=False)
    monkeypatch.setenv("CHAISANG_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("CHAISANG_AUTH_MODE", "local")
    from ui.store import get_store

    get_store.clear()
    yield data
    get_store().close()
    get_store.clear()


def _all_output(at: object) -> str:
    """Every value and label of every element the run produced (main area and sidebar)."""
    out: list[str] = []

    def walk(node: object) -> None:
        for attr in ("value", "label", "body", "help", "placeholder"):
            v = getattr(node, attr, None)
            if isinstance(v, str):
                out.append(v)
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)  # type: ignore[attr-defined]
    return "\n".join(out)


def _password_from_file(data: Path) -> str:
    text = (data / "initial-admin-password.txt").read_text(encoding="utf-8")
    match = re.search(r"初始密码：(\S+)", text)
    assert match
    return match.group(1)


def test_generated_admin_password_never_reaches_a_page_and_must_be_changed(fresh_data_dir: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_sidebar_app, default_timeout=60).run()
    assert not at.exception
    path = fresh_data_dir / "initial-admin-password.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    password = _password_from_file(fresh_data_dir)
    assert password not in _all_output(at)  # the first anonymous visitor used to be shown it in the sidebar
    assert "页面内容已显示" in _all_output(at)

    at.text_input[0].input("admin")
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception
    shown = _all_output(at)
    assert password not in shown
    assert "请先修改密码" in [t.value for t in at.title]
    assert "页面内容已显示" not in shown  # only the change-password form, nothing of the app

    at.text_input(key="auth_must_change_new").input("admin-chose-this-1")
    at.text_input(key="auth_must_change_again").input("admin-chose-this-1")
    at.button[[b.label for b in at.button].index("修改密码")].click().run()
    assert not at.exception
    assert "页面内容已显示" in _all_output(at)
    assert "当前用户：admin（管理权限）" in _all_output(at)
    from ui.store import get_store

    assert not get_store().get_user("admin").must_change_password


def test_forced_change_refuses_a_mismatch_and_keeps_the_gate(fresh_data_dir: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_sidebar_app, default_timeout=60).run()
    at.text_input[0].input("admin")
    at.text_input[1].input(_password_from_file(fresh_data_dir))
    at.button[0].click().run()
    at.text_input(key="auth_must_change_new").input("first-try-pass-1")
    at.text_input(key="auth_must_change_again").input("other-try-pass-2")
    at.button[[b.label for b in at.button].index("修改密码")].click().run()
    assert "两次输入的新密码不一致" in [e.value for e in at.error]
    assert "页面内容已显示" not in _all_output(at)


def test_login_lockout_message_in_the_form(fresh_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAISANG_LOGIN_MAX_FAILURES", "2")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_sidebar_app, default_timeout=60).run()
    for _ in range(2):
        at.text_input[0].input("admin")
        at.text_input[1].input("wrong-password")
        at.button[0].click().run()
        assert "用户名或密码错误" in at.error[0].value
    at.text_input[0].input("admin")
    at.text_input[1].input(_password_from_file(fresh_data_dir))
    at.button[0].click().run()
    assert "登录失败次数过多，已暂时锁定" in at.error[0].value
    assert "当前用户" not in _all_output(at)


# ---- proxy header -----------------------------------------------------------------------------------------


def _as_received(text: str) -> str:
    """What Python sees when a proxy writes ``text`` as raw UTF-8 bytes (HTTP headers decode as latin-1)."""
    return text.encode("utf-8").decode("latin-1")


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("zhang.san", "zhang.san"),
        ("  li_si  ", "li_si"),
        (_as_received("新外部用户"), "新外部用户"),  # arrived as "æ°å¤é¨ç¨æ·" and was stored like that
        ("%E6%96%B0%E5%A4%96%E9%83%A8%E7%94%A8%E6%88%B7", "新外部用户"),
        ("UTF-8''%E5%BC%A0%E4%B8%89", "张三"),
        ("utf-8'zh'%E5%BC%A0%E4%B8%89", "张三"),
    ],
)
def test_proxy_header_values_are_decoded(raw: str, name: str) -> None:
    from ui.auth import decode_identity

    assert decode_identity(raw) == name


@pytest.mark.parametrize("raw", ["Jos\xe9", "%FF%FE", "UTF-8''%C3", "bad\x01name", "   "])
def test_undecodable_proxy_header_values_are_refused_not_stored(raw: str) -> None:
    from ui.auth import IdentityHeaderError, decode_identity

    with pytest.raises(IdentityHeaderError, match="不是有效的 UTF-8 文本，已拒绝登录"):
        decode_identity(raw)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("", False), (None, False),
     ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("example", False)],
)
def test_loopback_detection(address: str | None, loopback: bool) -> None:
    from ui.auth import is_loopback

    assert is_loopback(address) is loopback


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--server.address", "0.0.0.0"], {}), (["--server.address=192.168.1.10"], {}),
     ([], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"})],
)
def test_run_app_refuses_a_public_address_in_proxy_mode(args: list[str], env: dict[str, str]) -> None:
    """Before: the script started Streamlit on every interface, where anyone could forge X-Remote-User."""
    full_env = {**os.environ, "CHAISANG_AUTH_MODE": "proxy", **env}
    res = subprocess.run(["bash", "scripts/run_app.sh", *args], cwd=ROOT, env=full_env, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 2
    assert "CHAISANG_AUTH_MODE=proxy 时 Streamlit 只能监听 127.0.0.1" in res.stderr
