"""一张图: district, townships and every site coloured by its status under the national standards."""

from __future__ import annotations

import streamlit as st

import config
from layers.basemaps import BASEMAPS, DEFAULT_BASEMAP
from layers.compose import compose_map
from layers.offline import use_local_assets
from ui.data import map_data
from ui.map_view import show_map
from ui.panels import problem_table, status_banner

use_local_assets()
data = map_data()

st.title("柴桑生态环境一张图")
status_banner(data)

basemap = st.sidebar.selectbox("底图", list(BASEMAPS), index=list(BASEMAPS).index(DEFAULT_BASEMAP))
key = config.get("CHAISANG_TIANDITU_KEY") or None
if basemap.startswith("天地图") and not key:
    st.sidebar.warning("未配置天地图密钥（CHAISANG_TIANDITU_KEY），已改用无底图（仅矢量）。")
    basemap = DEFAULT_BASEMAP

composed = compose_map(
    data.features, data.statuses, district=data.district, neighbours=data.neighbours,
    townships=data.townships, basemap=basemap, tianditu_key=key,
)
show_map(composed)
problem_table(data)
