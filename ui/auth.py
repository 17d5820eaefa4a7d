"""Who is using the app: local accounts (default), a trusted reverse-proxy header, or OIDC via st.login.

The role shown here only decides which controls are offered; every write is checked again by the store.
"""

from __future__ import annotations

import streamlit as st

import config
from store import AuthenticationError, Role, Store, StoreError, User

_KEY = "auth_user"


def current_user() -> User | None:
    """The signed-in user of this session, if any."""
    return st.session_state.get(_KEY)


def can(user: User | None, role: Role) -> bool:
    """True when ``user`` holds at least ``role``."""
    return user is not None and user.role.rank >= role.rank


def sidebar_account(store: Store) -> User | None:
    """Identify the user by the configured mode and show the account box in the sidebar."""
    _show_first_admin(store)
    mode = config.get("CHAISANG_AUTH_MODE")
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
    return current_user()


def require_login_for_viewing() -> None:
    """Stop the page when anonymous viewing is switched off and nobody is signed in."""
    if config.get("CHAISANG_ANONYMOUS_VIEW") != "1" and current_user() is None:
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


def _login_form(store: Store) -> None:
    with st.form("auth_login"):
        name = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        if st.form_submit_button("登录"):
            try:
                st.session_state[_KEY] = store.authenticate(name, password)
            except (AuthenticationError, StoreError) as exc:
                st.error(str(exc))
            else:
                st.rerun()


def _from_proxy(store: Store) -> None:
    name = st.context.headers.get(config.get("CHAISANG_PROXY_USER_HEADER"))
    user = current_user()
    if name and (user is None or user.username != name):
        st.session_state[_KEY] = store.get_or_create_external_user(name, Role.VIEWER)


def _from_oidc(store: Store) -> None:
    if not st.user.is_logged_in:
        st.session_state.pop(_KEY, None)
        return
    name = str(st.user.get("email") or st.user.get("name") or "")
    user = current_user()
    if name and (user is None or user.username != name):
        st.session_state[_KEY] = store.get_or_create_external_user(name, Role.VIEWER)


def _show_first_admin(store: Store) -> None:
    creds = store.take_initial_admin_credentials()
    if creds is not None:
        st.session_state["auth_first_admin"] = creds
    shown = st.session_state.get("auth_first_admin")
    if shown:
        st.sidebar.warning(
            f"已创建首个管理员账号：**{shown[0]}**，初始密码：`{shown[1]}`。此信息只显示这一次，请立即记录并登录后修改密码。"
        )
