"""Small page sections around the map: the 示例/evaluation-date banner and the problem list."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from compliance.sites import problem_list
from compliance.status import STATUS_STYLE, Status
from ui.data import MapData


def status_banner(data: MapData) -> None:
    """Evaluation date, data coverage, and the 示例数据 label when the data is sample data."""
    if data.sample:
        st.warning("当前显示的是**示例数据**（合成数据，非真实监测结果）；点位为位置待核实的示意位置，乡镇边界为示意边界。")
    counts = Counter(s.status for s in data.statuses.values())
    ordered = sorted(counts, key=lambda s: STATUS_STYLE[Status(s)].order)
    summary = "　".join(f"{STATUS_STYLE[s].label} {counts[s]}" for s in ordered)
    st.caption(f"评价时点：{data.as_of:%Y-%m-%d}（数据截至 {data.data_end:%Y-%m-%d}）　|　{summary}")


def problem_table(data: MapData) -> None:
    """Table of every problem feature with its explanation."""
    table = problem_list(data.features, data.statuses)
    st.subheader(f"需关注的问题（{len(table)}）")
    if table.empty:
        st.info("当前没有超标、预警、滞后、逾期或缺数据的点位。")
        return
    st.dataframe(table, hide_index=True, use_container_width=True)
