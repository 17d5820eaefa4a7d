"""Who is using the app: local accounts (default), a trusted reverse-proxy header, or OIDC via st.login.

The role shown here only decides which controls are offered; every write is checked again by the store.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote_to_bytes

import streamlit as st

import config
from store import AuthenticationError, Role, Store, StoreError, User
from textsafe import md

#: The values of CHAISANG_AUTH_MODE.
AUTH_MODES = ("local", "proxy", "oidc")
_KEY = "auth_user"
_REFUSED = "auth_refused_identity"
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_RFC5987 = re.compile(r"^utf-8'[^']*'", re.IGNORECASE)


class IdentityHeaderError(ValueError):
    """A user name in the proxy header that cannot be decoded to clean text (it is refused, never stored)."""


def current_user() -> User | None:
    """The signed-in user of this session, if any."""
    return st.session_state.get(_KEY)


def can(user: User | None, role: Role) -> bool:
    """True when ``user`` holds at least ``role``."""
    return user is not None and user.role.rank >= role.rank


def sidebar_account(store: Store) -> User | None:
    """Identify the user by the configured mode and show the account box in the sidebar.

    A user who must change their password (generated first-admin password, admin reset) sees only the
    change-password form until they have done so: the page stops here.
    """
    mode = config.choice("CHAISANG_AUTH_MODE", AUTH_MODES)
    if mode == "proxy":
        _from_proxy(store)
    elif mode == "oidc":
        _from_oidc(store)
    user = current_user()
    with st.sidebar.container(border=True):
        if user is not None:
            st.markdown(f"当前用户：{user.username}（{user.role.label}权限）")
            if mode == "local" and st.button("退出登录", key="auth_logout"):
                st.session_state.pop(_KEY, None)
                st.rerun()
        elif mode == "local":
            _login_form(store)
        elif mode == "oidc":
            st.button("统一身份认证登录", on_click=st.login, key="auth_oidc")
        else:
            st.caption("未从反向代理获得用户身份，当前为只读浏览。")
    if user is not None and user.must_change_password:
        _forced_password_change(store, user)
        st.stop()
    return current_user()


def require_login_for_viewing() -> None:
    """Stop the page when anonymous viewing is switched off and nobody is signed in."""
    if config.choice("CHAISANG_ANONYMOUS_VIEW", ("1", "0")) == "0" and current_user() is None:
        st.info("请先在左侧登录。")
        st.stop()


def require(role: Role) -> User:
    """The signed-in user when they hold ``role``; otherwise explain and stop the page."""
    user = current_user()
    if not can(user, role):
        st.warning(f"此页面需要“{role.label}”及以上权限，请先用相应账号登录。")
        st.stop()
    assert user is not None
    return user


def client_address() -> str:
    """The browser's address for login throttling: the TCP peer as Streamlit sees it ("loopback" locally).

    No forwarding header is trusted here: a visitor could rotate it to dodge the limit or forge someone
    else's address to lock them out.
    """
    return st.context.ip_address or "loopback"


def _login_form(store: Store) -> None:
    with st.form("auth_login"):
        name = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        if st.form_submit_button("登录"):
            try:
                st.session_state[_KEY] = store.authenticate(name, password, client=client_address())
            except (AuthenticationError, StoreError) as exc:
                st.error(str(exc))
            else:
                st.rerun()


def _forced_password_change(store: Store, user: User) -> None:
    st.title("请先修改密码")
    st.warning("您的密码是系统生成或由管理员重置的。为账号安全，须先设置新密码，之后才能使用本系统。")
    if password_form(store, user, "auth_must_change"):
        st.session_state[_KEY] = store.get_user(user.username)
        st.rerun()


def password_form(store: Store, user: User, key: str) -> bool:
    """The change-my-password form (new password twice); True once the store accepted the change."""
    with st.form(key, clear_on_submit=True):
        new = st.text_input("新密码（至少 8 个字符）", type="password", key=f"{key}_new")
        again = st.text_input("再次输入新密码", type="password", key=f"{key}_again")
        if not st.form_submit_button("修改密码"):
            return False
    if new != again:
        st.error("两次输入的新密码不一致")
        return False
    try:
        store.set_password(user, user.username, new)
    except StoreError as exc:
        st.error(md(exc))
        return False
    return True


# ---- reverse proxy --------------------------------------------------------------------------------------------


def is_loopback(address: str | None) -> bool:
    """True when Streamlit listens on loopback only (empty means every interface)."""
    value = (address or "").strip().strip("[]")
    if value == "localhost":
        return True
    try:
        return ipaddress.ip_address(value).is_loopback
    except ValueError:
        return False


def decode_identity(raw: str) -> str:
    """The user name carried by a proxy header, as clean text.

    HTTP header bytes reach Python decoded as latin-1, so a proxy that writes UTF-8 (``新外部用户``) arrives as
    mojibake.  Accepted: ASCII; percent-encoding (RFC 3986) with or without the RFC 5987 ``UTF-8''`` prefix;
    raw UTF-8 bytes (re-decoded strictly).  Anything else raises ``IdentityHeaderError`` with a Chinese message.
    """
    value = raw.strip()
    if _RFC5987.match(value) or _PERCENT.search(value):
        value = _strict_utf8(unquote_to_bytes(_RFC5987.sub("", value)), raw)
    elif not value.isascii():
        try:
            value = _strict_utf8(value.encode("latin-1"), raw)
        except UnicodeEncodeError:
            raise IdentityHeaderError(_bad_header(raw)) from None
    if not value or any(not ch.isprintable() for ch in value):
        raise IdentityHeaderError(_bad_header(raw))
    return value


def _strict_utf8(data: bytes, raw: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise IdentityHeaderError(_bad_header(raw)) from None


def _bad_header(raw: str) -> str:
    header = config.get("CHAISANG_PROXY_USER_HEADER")
    return (f"反向代理传来的用户名（请求头 {header}，值 {raw!r}）不是有效的 UTF-8 文本，已拒绝登录。"
            "请让代理以 UTF-8 百分号编码（如 UTF-8''%E5%BC%A0%E4%B8%89）传递用户名。")


def _from_proxy(store: Store) -> None:
    address = st.get_option("server.address")
    if not is_loopback(address):
        st.session_state.pop(_KEY, None)
        st.error(f"安全配置错误：proxy 认证模式下 Streamlit 必须只监听 127.0.0.1（当前 server.address="
                 f"“{address or '所有网卡'}”），否则任何人都可伪造用户名请求头。已忽略请求头中的身份，当前为只读浏览。"
                 "请用 bash scripts/run_app.sh 启动，或加参数 --server.address 127.0.0.1。")
        return
    raw = st.context.headers.get(config.get("CHAISANG_PROXY_USER_HEADER"))
    if not raw:
        return
    if st.session_state.get(_REFUSED, (None, ""))[0] != raw:
        _sign_in_from_header(store, raw)
    refused, message = st.session_state.get(_REFUSED, (None, ""))
    if refused == raw:
        st.sidebar.error(message)


def _sign_in_from_header(store: Store, raw: str) -> None:
    user = current_user()
    try:
        name = decode_identity(raw)
        if user is None or user.username != name:
            st.session_state[_KEY] = store.get_or_create_external_user(name, Role.VIEWER)
    except (IdentityHeaderError, StoreError) as exc:
        st.session_state.pop(_KEY, None)
        st.session_state[_REFUSED] = (raw, str(exc))  # refused and audited once, not on every rerun


def _from_oidc(store: Store) -> None:
    if not st.user.is_logged_in:
        st.session_state.pop(_KEY, None)
        return
    name = str(st.user.get("email") or st.user.get("name") or "")
    user = current_user()
    refused, message = st.session_state.get(_REFUSED, (None, ""))
    if name and refused != name and (user is None or user.username != name):
        try:
            st.session_state[_KEY] = store.get_or_create_external_user(name, Role.VIEWER)
        except StoreError as exc:
            st.session_state.pop(_KEY, None)
            refused, message = name, str(exc)
            st.session_state[_REFUSED] = (refused, message)  # refused and audited once, not on every rerun
    if name and refused == name:
        st.sidebar.error(message)
