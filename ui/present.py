"""Presentation mode (汇报模式): used by app_pages/present.py and by the map page's ``?present=1`` flag."""

from __future__ import annotations

import streamlit as st

from layers.compose import MapOptions
from layers.offline import use_local_assets
from layers.view import ViewState, from_query
from ui.data import map_data
from ui.map_view import as_of_text, build_map_cached, show_map, table_for
from ui.panels import kpi_strip, presentation_header


def run_presentation() -> None:
    """Title, KPI strip and the full-width map of the period in the URL (``period=``); nothing editable."""
    use_local_assets()
    data = map_data()
    view, _ = from_query(st.query_params.to_dict())
    view = ViewState(period=view.period, problems_only=view.problems_only)
    as_of = as_of_text(data, view.period)
    presentation_header(data, as_of)
    table = table_for(data, view.period)
    kpi_strip(data, table)
    options = MapOptions(sample=data.sample, approximate_boundaries=data.approximate_boundaries)
    fast = build_map_cached(data, view, options)
    show_map(fast, height=760)
    st.markdown('<a href="./" target="_self" style="font-size:13px;color:GrayText">退出汇报模式</a>',
                unsafe_allow_html=True)
    st.caption("颜色为按国家标准评价的状态（图例见地图右下角）；断面达标 = 达到水质目标（达标或预警）；"
               "PM2.5 和优良天数比例为最近一个完整年度全区空气站日均值的统计，"
               "对照规划 2025 年目标（31.7 µg/m³、92.5%）。")
