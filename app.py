"""柴桑生态环境一张图 — entry point: page config, navigation and the shared sidebar frame."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="柴桑生态环境一张图", page_icon=":material/map:", layout="wide")

pages = [
    st.Page("pages/map.py", title="一张图", icon=":material/map:", default=True),
    st.Page("pages/about.py", title="数据与标准说明", icon=":material/menu_book:"),
]
st.navigation(pages).run()
