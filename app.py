"""柴桑生态环境一张图 — entry point: page config, navigation and the shared sidebar frame."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# a local file: an emoji or :material/...: page icon makes the browser fetch it from the internet
ICON = Path(__file__).resolve().parent / "static" / "icon.png"

st.set_page_config(page_title="柴桑生态环境一张图", page_icon=str(ICON), layout="wide")

pages = [
    st.Page("pages/map.py", title="一张图", icon=":material/map:", default=True),
    st.Page("pages/about.py", title="数据与标准说明", icon=":material/menu_book:"),
]
st.navigation(pages).run()
