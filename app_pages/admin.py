"""账号与审计: my password (everyone signed in); accounts, roles and the audit trail (admins only).

Thin page: the store checks the role again on every call and records every change in the audit log.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from store import ConcurrentEditError, Role, Store, StoreError, User
from store.auditlog import ACTION_LABEL
from textsafe import md
from ui.auth import can, current_user, password_form
from ui.guard import clear_caches_button
from ui.imports import audit_filters, audit_table, export_name, role_label, users_table
from ui.store import get_store

ss = st.session_state
ROLES = [Role.VIEWER, Role.EDITOR, Role.ADMIN]
ENTITIES = {"user": "用户", "site": "站点", "measurements": "监测数据导入", "measurement": "监测数据",
            "task": "整改任务", "tasks": "整改任务导入", "boundary_layer": "边界图层", "inspection": "检查记录",
            "project": "项目", "import_batch": "导入批次", "store": "数据库"}

st.title("账号与审计")
user = current_user()
if user is None:
    st.warning("请先在左侧登录。")
    st.stop()
store = get_store()

note = ss.pop("admin_done", None)
if note:
    st.success(note)


def _done(message: str) -> None:
    ss.admin_done = message
    ss.pop("admin_seen_versions", None)
    st.rerun()


def my_password(store: Store, user: User) -> None:
    """Change one's own password (any role)."""
    with st.expander("修改我的密码"):
        if password_form(store, user, "my_password"):
            st.success("密码已修改，下次登录请使用新密码。")


my_password(store, user)
clear_caches_button(user, key="admin_clear_cache")

if not can(user, Role.ADMIN):
    st.info(f"账号管理和审计日志仅限“管理”权限。您当前为“{user.role.label}”权限，只能修改自己的密码。")
    st.stop()

# a radio, not st.tabs: the chosen section survives reruns (filters, downloads)
section = st.radio("管理内容", ["账号与角色", "审计日志"], horizontal=True, key="admin_section",
                   label_visibility="collapsed")

if section == "账号与角色":
    users = store.list_users()
    st.dataframe(users_table(users), hide_index=True, width="stretch")

    with st.expander("新建账号"), st.form("new_user", clear_on_submit=True):
        c1, c2 = st.columns(2)
        name = c1.text_input("用户名", key="nu_name")
        display = c2.text_input("显示名（可选）", key="nu_display")
        password = c1.text_input("初始密码（至少 8 个字符）", type="password", key="nu_password")
        role = c2.selectbox("角色", ROLES, format_func=role_label, key="nu_role")
        if st.form_submit_button("创建账号"):
            try:
                made = store.create_user(user, name, password, role, display or None)
            except StoreError as exc:
                st.error(md(exc))
            else:
                _done(f"已创建账号“{md(made.username)}”（{made.role.label}权限）。")

    st.subheader("修改账号")
    names = [u.username for u in users]
    target_name = st.selectbox("选择账号", names, key="edit_user")
    target = next(u for u in users if u.username == target_name)
    # the version this admin has seen: a save made by someone else in between is refused, not overwritten
    seen: dict[str, int] = ss.setdefault("admin_seen_versions", {})
    version = seen.setdefault(target.username, target.version)
    st.caption(f"当前：{target.role.label}权限，{'启用' if target.active else '停用'}，第 {version} 版。"
               "保存时核对版本：若他人已先修改，本次修改不执行。")
    c1, c2 = st.columns(2)
    with c1, st.form("edit_role"):
        new_role = st.selectbox("新角色", ROLES, index=ROLES.index(target.role), format_func=role_label,
                                key="edit_role_value")
        if st.form_submit_button("保存角色"):
            try:
                changed = store.set_role(user, target.username, new_role, expected_version=version)
            except ConcurrentEditError as exc:
                seen.pop(target.username, None)  # the next run shows the current version
                st.error(md(exc))
            except StoreError as exc:
                st.error(md(exc))
            else:
                _done(f"账号“{md(changed.username)}”的角色已改为“{changed.role.label}”。")
    with c2, st.form("edit_active"):
        label = "停用账号" if target.active else "启用账号"
        st.caption("停用后该账号无法登录，历史记录保留。" if target.active else "启用后该账号可以重新登录。")
        if st.form_submit_button(label):
            try:
                store.set_active(user, target.username, not target.active, expected_version=version)
            except ConcurrentEditError as exc:
                seen.pop(target.username, None)
                st.error(md(exc))
            except StoreError as exc:
                st.error(md(exc))
            else:
                _done(f"账号“{md(target.username)}”已{'停用' if target.active else '启用'}。")
    if not target.external:
        with st.form("reset_password", clear_on_submit=True):
            new_pw = st.text_input(f"为“{md(target.username)}”设置新密码（至少 8 个字符）", type="password",
                                   key="reset_pw")
            if st.form_submit_button("重置密码"):
                try:
                    store.set_password(user, target.username, new_pw)
                except StoreError as exc:
                    st.error(md(exc))
                else:
                    _done(f"账号“{md(target.username)}”的密码已重置，请当面或通过安全渠道告知本人。")

else:
    c1, c2, c3, c4 = st.columns(4)
    f_user = c1.selectbox("用户", ["", *sorted({u.username for u in store.list_users()})], key="au_user",
                          format_func=lambda v: v or "全部")
    f_action = c2.selectbox("操作", ["", *ACTION_LABEL], key="au_action",
                            format_func=lambda v: ACTION_LABEL.get(v, "全部") if v else "全部")
    f_entity = c3.selectbox("对象", ["", *ENTITIES], key="au_entity",
                            format_func=lambda v: ENTITIES.get(v, v) if v else "全部")
    today = dt.datetime.now(dt.UTC).date()
    dates = c4.date_input("日期范围（UTC）", value=(today - dt.timedelta(days=30), today), key="au_dates")
    picked = list(dates) if isinstance(dates, (list, tuple)) else [dates]
    filters = audit_filters(f_user, f_action, f_entity, picked)
    log = store.audit_log(user, limit=2000, **filters)
    st.caption(f"共 {len(log)} 条（最多显示 2000 条，最新在前）；导出为全部符合条件的记录。")
    st.dataframe(audit_table(log, ACTION_LABEL), hide_index=True, width="stretch")
    st.download_button("导出 CSV（Excel 可直接打开）", store.export_audit_csv(user, **filters),
                       export_name(filters, ACTION_LABEL, ENTITIES), "text/csv", key="au_export",
                       on_click="ignore")
