"""柴桑生态环境一张图 — entry point: page config, navigation and the shared sidebar frame."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from store import StoreError
from ui.auth import require_login_for_viewing, sidebar_account
from ui.store import get_store

# a local file: an emoji or :material/...: page icon makes the browser fetch it from the internet
ICON = Path(__file__).resolve().parent / "static" / "icon.png"

st.set_page_config(page_title="柴桑生态环境一张图", page_icon=str(ICON), layout="wide")

try:
    store = get_store()
except StoreError as exc:
    st.error(f"数据库无法打开：{exc}")
    st.stop()
sidebar_account(store)
require_login_for_viewing()

pages = [
    st.Page("pages/map.py", title="一张图", icon=":material/map:", default=True),
    st.Page("pages/present.py", title="汇报模式", icon=":material/slideshow:"),
    st.Page("pages/dashboard.py", title="规划指标", icon=":material/monitoring:"),
    st.Page("pages/inspections.py", title="执法检查", icon=":material/route:"),
    st.Page("pages/report.py", title="一键简报", icon=":material/picture_as_pdf:"),
    st.Page("pages/about.py", title="数据与标准说明", icon=":material/menu_book:"),
]
st.navigation(pages).run()
