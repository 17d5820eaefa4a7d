"""一张图: filters, periods, comparison, detail panel and township roll-up; the whole view lives in the URL."""

from __future__ import annotations

import time

import streamlit as st

import config
from compliance.periods import change_counts, compare_statuses, period_label, periods_between
from compliance.rollup import township_rollup
from compliance.sites import KIND_LABELS
from compliance.status import STATUS_STYLE, Status
from layers.basemaps import BASEMAPS, CUSTOM_XYZ, DEFAULT_BASEMAP, LOCAL_TILES, custom_tile, get_basemap, local_tile
from layers.compose import MapOptions
from layers.errors import LayerError
from layers.offline import use_local_assets
from layers.sitetable import GROUP_NOTE
from layers.view import ALL_LAYERS, CONTROL_LEVELS, WATER_BODIES, ViewState, bounds_of, filter_table, from_query
from textsafe import md
from ui.data import map_data
from ui.map_view import (
    as_of_text,
    build_map_cached,
    clicked,
    clicked_position,
    show_map,
    statuses_for,
    table_for,
)
from ui.panels import compare_section, detail_panel, last_months, problem_table, rollup_section, status_banner
from ui.present import run_presentation

if st.query_params.get("present") == "1":  # 汇报模式 as a URL flag (same as app_pages/present.py)
    run_presentation()
    st.stop()

use_local_assets()
data = map_data()
ss = st.session_state
towns = [str(t) for t in data.townships["name"]]
kinds = [k for k in KIND_LABELS if k in set(data.features["kind"])]
view, warnings = from_query(st.query_params.to_dict(), kinds=kinds, townships=towns, basemaps=list(BASEMAPS))
if "view_seeded" not in ss:  # first run of this session: widgets start from the URL
    ss.view_seeded = True
    ss.update(f_layers=list(view.layers), f_kinds=list(view.kinds), f_statuses=list(view.statuses),
              f_towns=list(view.townships), f_levels=list(view.levels), f_bodies=list(view.water_bodies),
              f_problems=view.problems_only, f_query=view.query, f_rollup=view.rollup,
              f_basemap=view.basemap or DEFAULT_BASEMAP, f_site=view.site,
              f_ptype={4: "year", 6: "quarter", 7: "month"}.get(len(view.period), "latest"),
              f_period=view.period, f_compare=view.compare)

if ss.get("f_towns_pending"):  # a township clicked in the roll-up map: filter by it (and zoom to it)
    ss.f_towns = [ss.pop("f_towns_pending")]

months = periods_between(data.data_end.replace(year=data.data_end.year - 5, month=1, day=1), data.data_end, "month")


def _step(delta: int) -> None:
    cur = ss.get("f_period") or months[-1]
    i = months.index(cur) if cur in months else len(months) - 1
    ss.f_ptype, ss.f_period = "month", months[max(0, min(len(months) - 1, i + delta))]


PLAY_SECONDS = 3.0


@st.fragment(run_every=PLAY_SECONDS if ss.get("f_play") else None)
def _player() -> None:
    """While 逐月播放 is on: every PLAY_SECONDS step one month and rerun the page (stop at the last month)."""
    if not ss.get("f_play"):
        return
    now = time.monotonic()
    if now - ss.get("_played_at", 0.0) < PLAY_SECONDS * 0.8:  # a full rerun, not the timer: wait
        return
    ss._played_at = now
    if (ss.get("f_period") or months[-1]) >= months[-1] and ss.get("f_ptype") == "month":
        ss.f_play = False
    else:
        _step(1)
    st.rerun(scope="app")


_player()

with st.sidebar:
    st.header("图层与筛选")
    st.multiselect("图层", ALL_LAYERS, key="f_layers", help=GROUP_NOTE + "；“背景”为区界与周边区县")
    st.toggle("只看问题", key="f_problems",
              help="只显示超标、预警、数据过期、无数据、逾期、滞后的点位（状态说明见图例和点位详情）")
    st.text_input("搜索名称或编号", key="f_query", placeholder="如：赛城湖 或 W-SCHK",
                  help="在名称和编号中查找（不区分大小写），地图缩放到匹配的点位")
    with st.expander("更多筛选", expanded=bool(view.kinds or view.statuses or view.townships or view.levels)):
        st.multiselect("类型", kinds, key="f_kinds", format_func=lambda k: KIND_LABELS.get(k, k))
        st.multiselect("状态", [s.value for s in sorted(Status, key=lambda s: STATUS_STYLE[s].order)],
                       key="f_statuses", format_func=lambda s: STATUS_STYLE[Status(s)].label)
        st.multiselect("乡镇（街道）", towns, key="f_towns")
        st.multiselect("控制级别", CONTROL_LEVELS, key="f_levels")
        st.multiselect("水体类型", list(WATER_BODIES), key="f_bodies", format_func=lambda b: WATER_BODIES[b])
    st.header("时段")
    ptype = st.radio("时段类型", ["latest", "month", "quarter", "year"], key="f_ptype", horizontal=True,
                     format_func={"latest": "最新", "month": "月", "quarter": "季度", "year": "年"}.get)
    if ptype == "latest":
        ss.f_period = ""
    else:
        choices = periods_between(data.data_end.replace(year=data.data_end.year - 5), data.data_end, ptype)
        if ss.get("f_period") not in choices:
            ss.f_period = choices[-1]
        st.select_slider("选择时段", choices, key="f_period", format_func=period_label)
    if ptype in ("latest", "month"):
        c1, c2 = st.columns(2)
        c1.button("◀ 上一月", on_click=_step, args=(-1,), width="stretch")
        c2.button("下一月 ▶", on_click=_step, args=(1,), width="stretch", key="next_month")
        st.toggle("逐月播放（每 3 秒下一月）", key="f_play", help="从当前月份起逐月前进，到最新月份自动停止")
    st.caption("颜色 = 该时段末（最新：数据截至月末）按标准评价的状态；"
               "时段内最后一次监测与目标比较，超过监测频次未更新为数据过期。")
    compare_on = st.toggle("与另一时段对比", value=bool(view.compare), key="f_compare_on")
    if compare_on:
        if ss.get("f_compare") not in months:
            ss.f_compare = months[-13] if len(months) > 12 else months[0]
        st.selectbox("对比时段（之前）", months, key="f_compare", format_func=period_label)
    st.link_button("汇报模式（全屏、大字号）", "?present=1" + (f"&period={ss.f_period}" if ss.get("f_period") else ""),
                   help="在新标签页打开：全屏地图、关键指标对照规划 2025 年目标，无筛选和编辑控件")
    st.header("乡镇统计与底图")
    st.toggle("乡镇问题分布（分级设色）", key="f_rollup")
    st.selectbox("底图", list(BASEMAPS), key="f_basemap",
                 help="默认无底图（仅矢量，离线可用）；高德底图为 GCJ-02 坐标，所有图层自动偏移显示")
    custom_url = ""
    if ss.f_basemap == CUSTOM_XYZ:
        custom_url = st.text_input("瓦片地址（含 {z}/{x}/{y}）", key="f_xyz")
    elif ss.f_basemap == LOCAL_TILES:
        custom_url = st.text_input("本地瓦片目录（static/tiles/ 下的目录名）", key="f_xyz", value="default")

view = ViewState(
    layers=tuple(ss.f_layers), kinds=tuple(ss.f_kinds), statuses=tuple(ss.f_statuses), townships=tuple(ss.f_towns),
    levels=tuple(ss.f_levels), water_bodies=tuple(ss.f_bodies), problems_only=bool(ss.f_problems),
    query=ss.f_query.strip(), period=ss.f_period or "", compare=ss.f_compare if compare_on else "",
    basemap="" if ss.f_basemap == DEFAULT_BASEMAP else ss.f_basemap, site=ss.get("f_site", ""),
    rollup=bool(ss.f_rollup),
)
if st.query_params.to_dict() != view.to_query():
    st.query_params.from_dict(view.to_query())

st.title("柴桑生态环境一张图")
for w in warnings:  # they quote the link's values: Markdown in them must stay text
    st.warning(md(w))
as_of = as_of_text(data, view.period)
statuses = statuses_for(data, view.period)
status_banner(data, statuses, as_of)
table = table_for(data, view.period)
shown = filter_table(table, view)

basemap = ss.f_basemap
key = config.get("CHAISANG_TIANDITU_KEY") or None
custom = None
spec = get_basemap(basemap)
try:
    if spec.needs_key and not key:
        raise LayerError("未配置天地图密钥（CHAISANG_TIANDITU_KEY），已改用无底图（仅矢量）。")
    if basemap == CUSTOM_XYZ:
        custom = custom_tile(custom_url)
    elif basemap == LOCAL_TILES:
        custom = local_tile(custom_url)
except LayerError as exc:
    if custom_url or spec.needs_key:
        st.sidebar.warning(md(exc))
    basemap = DEFAULT_BASEMAP
fit = None
if view.query:
    fit = bounds_of(shown)
    st.caption(f"搜索“{md(view.query)}”：匹配 {len(shown)} 个点位" + ("，地图已缩放到匹配范围" if fit else ""))
elif view.townships:
    sel = data.townships[data.townships["name"].isin(view.townships)]
    if not sel.empty:
        w, s, e, n = sel.total_bounds
        fit = ((float(s), float(w)), (float(n), float(e)))
options = MapOptions(
    basemap=basemap, tianditu_key=key if spec.needs_key else None, custom=custom,
    townships="乡镇边界" in view.layers, background="背景" in view.layers, rollup=view.rollup,
    sample=data.sample, fit=fit, approximate_boundaries=data.approximate_boundaries,
)


@st.fragment
def map_and_detail() -> None:
    """Map and detail panel: a click reruns only this fragment (no page reload)."""
    fast = build_map_cached(data, view, options)
    left, right = st.columns([5, 3], gap="medium")
    with left:
        result = show_map(fast, height=620)
        st.caption(f"显示 {len(shown)} / {len(table)} 个点位　·　{period_label(view.period) if view.period else '最新'}"
                   f"（评价时点 {as_of:%Y-%m-%d}）　·　{GROUP_NOTE}")
    props = clicked(result)
    if props.get("township") and view.rollup and ss.get("_last_town") != props["township"]:
        ss._last_town = ss.f_towns_pending = props["township"]
        st.rerun(scope="app")
    site = str(props.get("site_id") or "") or ss.get("f_site", "")
    if site and site != ss.get("f_site"):
        ss.f_site = site
        st.query_params["site"] = site
    position = clicked_position(result, basemap)
    with right:
        if position and props.get("site_id"):
            shifted = "；高德底图显示为 GCJ-02，已换回" if get_basemap(basemap).gcj02 else ""
            st.caption(f"点击位置：东经 {position[0]:.5f}°，北纬 {position[1]:.5f}°（CGCS2000{shifted}）")
        if not site:
            st.info("点击地图上的点位，在此查看最新监测值、超标倍数、趋势图、近 12 个月状态、项目进度和整改任务。")
            return
        months12 = last_months(as_of)
        monthly = {m: statuses_for(data, m).get(site) for m in months12}
        detail_panel(data, site, statuses.get(site), as_of, monthly)


map_and_detail()

if view.compare and view.period != view.compare:
    after = view.period or months[-1]
    changes = compare_statuses(statuses_for(data, view.compare), statuses,
                               dict(zip(data.features["site_id"].astype(str), data.features["name"], strict=False)))
    compare_section(changes, change_counts(changes), view.compare, after)
if view.rollup:
    rollup_section(township_rollup(filter_table(table, view.with_(townships=())), towns))
problem_table(data, statuses)
