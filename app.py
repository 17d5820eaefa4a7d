"""柴桑生态环境一张图 — entry point: page config, navigation and the shared sidebar frame.

The screens live in app_pages/, not pages/: a pages/ folder switches on Streamlit's legacy auto-discovery, which
serves a directly opened URL such as /inspections without running this frame (no login, no shared sidebar).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import config
from store import StoreError
from textsafe import md
from ui.auth import require_login_for_viewing, sidebar_account
from ui.guard import page_errors_logged, refuse_cache_clear_messages
from ui.store import get_store

# a local file: an emoji or :material/...: page icon makes the browser fetch it from the internet
ICON = Path(__file__).resolve().parent / "static" / "icon.png"

st.set_page_config(page_title="柴桑生态环境一张图", page_icon=str(ICON), layout="wide")
refuse_cache_clear_messages()  # a websocket client must not flush every user's caches
try:  # a mistyped setting (CHAISANG_AUTH_MODE, a login limit, the log file …): nothing runs until it is fixed
    config.setup_logging()  # idempotent: once per log file, though Streamlit runs this script on every rerun
    try:
        store = get_store()
    except StoreError as exc:
        st.error(f"数据库无法打开：{md(exc)}")
        st.stop()
    sidebar_account(store)
    require_login_for_viewing()
except config.ConfigError as exc:
    st.error(f"配置有误：{md(exc)}")
    st.stop()

pages = [
    st.Page("app_pages/map.py", title="一张图", icon=":material/map:", default=True),
    st.Page("app_pages/present.py", title="汇报模式", icon=":material/slideshow:"),
    st.Page("app_pages/dashboard.py", title="规划指标", icon=":material/monitoring:"),
    st.Page("app_pages/inspections.py", title="执法检查", icon=":material/route:"),
    st.Page("app_pages/report.py", title="一键简报", icon=":material/picture_as_pdf:"),
    st.Page("app_pages/imports.py", title="数据导入", icon=":material/upload_file:"),
    st.Page("app_pages/admin.py", title="账号与审计", icon=":material/manage_accounts:"),
    st.Page("app_pages/about.py", title="数据与标准说明", icon=":material/menu_book:"),
]
with page_errors_logged():  # the traceback goes to the server log, the visitor sees a Chinese message
    st.navigation(pages).run()
