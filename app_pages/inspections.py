"""执法检查: choose targets (filters / circle / 双随机) → ordered route → field exports → findings and 整改销号.

Thin page: every rule lives in planning/ (targets, draw, route, export, records) and layers/route.py.
An area is drawn on the map with folium's Draw plugin (leaflet-draw vendored under static/vendor, so it works
offline) or given as a circle by centre and radius.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from compliance.sites import KIND_LABELS
from compliance.status import STATUS_STYLE, Status
from layers.boundaries import build_district
from layers.offline import use_local_assets
from layers.route import route_map, selection_map
from planning import settings
from planning.draw import DrawResult, draw, publication_csv, publication_xlsx
from planning.errors import NoCJKFontError, PlanningError
from planning.export import (
    find_cjk_font,
    qr_per_day,
    route_gpx,
    route_kml,
    route_pdf,
    route_table,
    route_xlsx,
    stop_list_text,
    stops_from_plan,
)
from planning.records import Finding, Photo, Rectification, close_task, record_draw, record_finding, task_table
from planning.route import plan_route
from planning.targets import Circle, TargetFilter, area_from_drawings, choose_targets
from store import Role, StoreError, User
from textsafe import md
from ui.auth import current_user
from ui.data import current_district, map_data
from ui.store import get_store

ss = st.session_state
use_local_assets()


def _can_edit(user: User | None) -> bool:
    return user is not None and user.role.rank >= Role.EDITOR.rank


def _task_section() -> pd.DataFrame:
    """Tasks on the chosen date from the service: the same statuses and counts as 一张图 and 一键简报."""
    today = dt.date.today()
    options = {f"评价时点 {data.as_of.isoformat()}（与一张图、一键简报一致）": data.as_of,
               f"今天 {today.isoformat()}": today}
    day = options[st.radio("任务状态计算日期", list(options), horizontal=True, key="insp_task_day")]
    district = current_district(day)
    counts = district.task_counts()
    c1, c2, c3 = st.columns(3)
    c1.metric("逾期", counts[Status.OVERDUE])
    c2.metric("整改中", counts[Status.IN_PROGRESS])
    c3.metric("已销号", counts[Status.CLOSED])
    return district.task_table()


data = map_data()
store = get_store()
user = current_user()
st.title("执法检查：选对象、排路线、交外勤、记结果")
if data.sample:
    st.warning("当前为**示例数据**（合成数据，点位为示意位置）。")
TABS = ["① 选择检查对象", "② 检查路线", "③ 导出交外勤", "④ 检查记录与整改"]
tab_pick, tab_route, tab_export, tab_record = st.tabs(TABS)
kinds_all = [k for k in KIND_LABELS if k in set(data.features["kind"])]
towns_all = [str(t) for t in data.townships["name"]]
status_by_label = {STATUS_STYLE[s].label: s for s in Status}

# ---- ① targets ---------------------------------------------------------------------------------------------------
with tab_pick:
    mode = st.radio("选择方式", ["按状态筛选", "双随机抽查"], horizontal=True, key="insp_mode")
    if mode == "按状态筛选":
        c1, c2, c3 = st.columns(3)
        labels = c1.multiselect("状态", list(status_by_label), default=["超标", "逾期"], key="insp_status",
                                help="默认：本月问题——所有超标点位和所有逾期整改任务")
        kinds = c2.multiselect("类型", [*kinds_all, "task"], key="insp_kinds",
                               format_func=lambda k: KIND_LABELS.get(k, "整改任务"), help="不选即全部类型")
        towns = c3.multiselect("乡镇", towns_all, key="insp_towns", help="不选即全部乡镇")
        flt = TargetFilter(statuses=frozenset(status_by_label[x] for x in labels) if labels else None,
                           kinds=frozenset(kinds) or None, townships=frozenset(towns) or None)
        scope = st.radio("范围", ["不限", "圆形（圆心＋半径）", "在地图上画范围"], horizontal=True, key="insp_scope")
        if scope == "圆形（圆心＋半径）":
            a1, a2 = st.columns(2)
            here = settings.depot()
            centre = a1.text_input("圆心（经度,纬度，CGCS2000）", value=f"{here.lon},{here.lat}", key="insp_centre")
            radius = a2.number_input("半径（公里）", min_value=0.1, max_value=100.0, value=10.0, step=1.0,
                                     key="insp_radius")
            try:
                flt = replace(flt, area=Circle(*settings.parse_lonlat(centre, "圆心"), radius * 1000))
            except PlanningError as exc:
                st.error(md(exc))
        elif scope == "在地图上画范围":
            st.caption("用地图左侧的多边形或矩形工具圈出检查范围（可画多个，取并集）；灰点为符合上述条件的对象。")
            candidates = choose_targets(data.features, data.statuses, flt).targets
            drawn = st_folium(selection_map(candidates, context=[build_district(data.district)]), height=450,
                              returned_objects=["all_drawings"], key="insp_draw_map", use_container_width=True)
            try:
                drawn_area = area_from_drawings((drawn or {}).get("all_drawings"))
            except PlanningError as exc:
                drawn_area = None
                st.error(md(exc))
            if drawn_area is None:
                st.info("尚未画范围：下表为不限范围的结果。")
            else:
                flt = replace(flt, area=drawn_area)
        sel = choose_targets(data.features, data.statuses, flt)
        ss.insp_targets = sel.targets
        if sel.unlocated:
            st.warning(f"以下 {len(sel.unlocated)} 项符合条件但没有位置，未排入路线：{md('、'.join(sel.unlocated))}")
    else:
        pop_kinds = st.multiselect("抽查对象类型", kinds_all, default=[k for k in ("enterprise", "wwtp", "ship_waste")
                                                                        if k in kinds_all],
                                   format_func=lambda k: KIND_LABELS.get(k, k), key="insp_pop_kinds")
        everyone = choose_targets(data.features, data.statuses,
                                  TargetFilter(statuses=None, kinds=frozenset(pop_kinds))).targets
        st.caption(f"抽查对象名录：{len(everyone)} 个（按“类型 / 乡镇”分层）")
        c1, c2, c3 = st.columns(3)
        how = c1.radio("抽取量", ["按比例", "按数量"], horizontal=True, key="insp_how")
        fraction = c2.number_input("比例（%）", 1, 100, 20, key="insp_fraction") if how == "按比例" else None
        count = c2.number_input("数量", 1, max(1, len(everyone)), min(5, max(1, len(everyone))),
                                key="insp_count") if how == "按数量" else None
        seed_text = c3.text_input("随机种子（留空自动生成；复核时填原种子）", key="insp_seed")
        must = st.multiselect("必查对象", everyone["site_id"].tolist(), key="insp_must",
                              format_func=lambda i: f"{i} {everyone.set_index('site_id').loc[i, 'name']}")
        staff = st.text_area("执法人员名录（每行一人；留空则不随机选派人员）", key="insp_staff")
        floor1 = st.checkbox("每层（类型/乡镇）至少抽 1 个", key="insp_floor1")
        if st.button("抽取", type="primary", disabled=not _can_edit(user) or everyone.empty, key="insp_draw_btn",
                     help="须以“编辑”权限登录：抽取人、时间和随机种子写入审计日志"):
            try:
                seed = int(seed_text) if seed_text.strip() else None
                result = draw(everyone, who=user.username if user else "", seed=seed,
                              fraction=fraction / 100 if fraction else None, n=int(count) if count else None,
                              must_include=must, inspectors=[s for s in staff.splitlines() if s.strip()],
                              min_per_stratum=1 if floor1 else 0)
                record_draw(store, user, result.record)
                ss.insp_draw = result
                st.success(f"已抽取 {len(result.selected)} 个对象，随机种子 {result.record.seed}，已写入审计日志")
            except ValueError as exc:
                st.error(f"抽取失败：{md(exc)}" if not isinstance(exc, (PlanningError, StoreError)) else md(exc))
        res: DrawResult | None = ss.get("insp_draw")
        if res is not None:
            ss.insp_targets = everyone[everyone["site_id"].isin(res.selected["site_id"])].reset_index(drop=True)
            d1, d2 = st.columns(2)
            d1.download_button("下载公示表（Excel）", publication_xlsx(res), "双随机抽查结果.xlsx", key="insp_pub_x")
            d2.download_button("下载公示表（CSV）", publication_csv(res), "双随机抽查结果.csv", "text/csv",
                               key="insp_pub_c")
    targets: pd.DataFrame = ss.get("insp_targets", pd.DataFrame())
    st.subheader(f"已选检查对象：{len(targets)} 个")
    if len(targets):
        st.dataframe(targets[["site_id", "name", "kind_label", "township", "status_label", "explanation"]].rename(
            columns={"site_id": "编号", "name": "名称", "kind_label": "类型", "township": "乡镇",
                     "status_label": "状态", "explanation": "说明"}), hide_index=True, width="stretch")

# ---- ② route -----------------------------------------------------------------------------------------------------
with tab_route:
    depot = settings.depot()
    c1, c2, c3, c4, c5 = st.columns(5)
    depot_text = c1.text_input("出发/返回点（经度,纬度）", f"{depot.lon},{depot.lat}", key="insp_depot",
                               help=f"默认：{md(depot.name)}（可用 CHAISANG_BUREAU_LONLAT 配置）")
    factor = c2.number_input("道路系数", 1.0, 3.0, 1.3, 0.1, key="insp_factor", help="直线距离乘以该系数估算道路距离")
    speed = c3.number_input("平均车速（公里/小时）", 5, 120, 30, key="insp_speed")
    service = c4.number_input("每站检查时长（分钟）", 0, 480, 30, key="insp_service")
    hours = c5.number_input("每日外勤时长（小时）", 1.0, 14.0, 7.0, 0.5, key="insp_hours")
    day_start = st.time_input("出发时间", dt.time(8, 30), key="insp_day_start")
    if st.button("计算最优路线", type="primary", disabled=targets.empty, key="insp_plan_btn"):
        try:
            start = settings.parse_lonlat(depot_text, "出发/返回点")
            with st.spinner("正在优化路线…"):
                ss.insp_plan = plan_route(list(zip(targets["lon"], targets["lat"], strict=True)), start=start,
                                          end=start, road_factor=factor, speed_kmh=speed, service_min=service,
                                          day_budget_min=hours * 60, osrm_url=settings.osrm_url())
            ss.insp_plan_targets = targets
        except PlanningError as exc:
            st.error(md(exc))
    plan = ss.get("insp_plan")
    if plan is not None:
        ptargets = ss.insp_plan_targets
        stops = stops_from_plan(plan, ptargets)
        ss.insp_stops = stops
        st.success(f"共 {len(stops)} 站，{len(plan.days)} 天，总里程约 {plan.total_m / 1000:.1f} 公里"
                   f"（{md(plan.method)}）")
        if plan.days["over_budget"].any():
            st.warning("有站点单独一天也超出每日外勤时长，已单独成天，请调整时长或改期。")
        days = plan.days.assign(里程公里=(plan.days["distance_m"] / 1000).round(1),
                                用时小时=(plan.days["total_min"] / 60).round(1))
        st.dataframe(days[["day", "stops", "里程公里", "用时小时"]].rename(columns={"day": "第几天", "stops": "站数"}),
                     hide_index=True)
        table = route_table(stops, day_start=day_start.strftime("%H:%M"), links=False)
        shown = ["序号", "日程", "名称", "乡镇", "状态", "距上一点(公里)", "预计到达"]
        edit = table[shown].assign(新序号=table["序号"])
        edited = st.data_editor(edit, hide_index=True, disabled=[c for c in edit.columns if c != "新序号"],
                                key="insp_order_editor", width="stretch")
        if st.button("按“新序号”重排（手工调整）", key="insp_reorder"):
            new = edited.sort_values(["新序号", "序号"])["序号"].tolist()
            ss.insp_plan = plan_route(list(zip(ptargets["lon"], ptargets["lat"], strict=True)), start=plan.start,
                                      end=plan.end, order=[plan.order[i - 1] for i in new], road_factor=factor,
                                      speed_kmh=speed, service_min=service, day_budget_min=hours * 60)
            st.rerun()
        frame = pd.DataFrame([s.__dict__ for s in stops])
        st_folium(route_map(frame, depot=plan.start, depot_name="出发/返回点", context=[build_district(data.district)]),
                  height=520, returned_objects=[], key="insp_route_map", use_container_width=True)

# ---- ③ exports ---------------------------------------------------------------------------------------------------
with tab_export:
    ex_stops: list[Any] = ss.get("insp_stops") or []
    if not ex_stops:
        st.info("请先在“② 检查路线”中计算路线。")
    else:
        plan = ss.insp_plan
        subtitle = f"编制：{user.username if user else '未登录'}　{dt.date.today():%Y-%m-%d}　{plan.method}"
        start_text = day_start.strftime("%H:%M")
        c1, c2, c3, c4 = st.columns(4)
        c1.download_button("路线单（Excel）", partial(route_xlsx, ex_stops, subtitle=subtitle, day_start=start_text),
                           "检查路线单.xlsx", key="insp_dl_xlsx", on_click="ignore")
        if find_cjk_font() is None:
            c2.error(str(NoCJKFontError()))
        else:
            qr_text = stop_list_text(ex_stops)
            pdf = partial(route_pdf, ex_stops, subtitle=subtitle, day_start=start_text, qr_text=qr_text)
            c2.download_button("路线单（PDF，可打印）", pdf, "检查路线单.pdf", "application/pdf", key="insp_dl_pdf",
                               on_click="ignore")
        c3.download_button("GPX（外业设备）", route_gpx(ex_stops, depot=plan.start), "检查路线.gpx",
                           "application/gpx+xml", key="insp_dl_gpx", on_click="ignore")
        c4.download_button("KML（奥维/谷歌地球）", route_kml(ex_stops, depot=plan.start), "检查路线.kml",
                           "application/vnd.google-earth.kml+xml", key="insp_dl_kml", on_click="ignore")
        st.subheader("逐站导航链接")
        st.caption("高德链接已换算为 GCJ-02 坐标，百度链接已换算为 BD-09 坐标；在手机上打开即可导航。")
        links = route_table(ex_stops, day_start=start_text)[["序号", "日程", "名称", "高德导航", "百度导航"]]
        st.dataframe(links, hide_index=True, width="stretch", column_config={
            "高德导航": st.column_config.LinkColumn("高德导航", display_text="打开高德"),
            "百度导航": st.column_config.LinkColumn("百度导航", display_text="打开百度")})
        st.subheader("站点清单二维码（每天一个）")
        try:
            codes = qr_per_day(ex_stops)
            cols = st.columns(min(4, len(codes)))
            for i, (n_day, png) in enumerate(codes.items()):
                cols[i % len(cols)].image(png, caption=f"第{n_day}天", width=180)
        except PlanningError as exc:
            st.error(md(exc))

# ---- ④ findings and rectification -----------------------------------------------------------------------------
with tab_record:
    if not _can_edit(user):
        st.info("登记检查结果和整改销号须以“编辑”或“管理”权限登录（左侧“登录”）。")
    rec_stops: list[Any] = ss.get("insp_stops") or []
    choices = {f"{s.seq}. {s.name}（{s.site_id}）": s for s in rec_stops}
    with st.form("insp_finding", clear_on_submit=True):
        st.subheader("登记检查结果")
        pick = st.selectbox("检查站点", list(choices) or ["（请先排路线）"], key="insp_stop")
        stop = choices.get(pick)
        text = st.text_area("检查情况 / 发现的问题", key="insp_text")
        c1, c2, c3 = st.columns(3)
        who = c1.text_input("检查人员", key="insp_who")
        on_day = c2.date_input("检查日期", dt.date.today(), key="insp_day")
        at = c3.time_input("时间", dt.datetime.now().time().replace(second=0, microsecond=0), key="insp_time")
        p1, p2, p3 = st.columns(3)
        lon = p1.number_input("经度", value=stop.lon if stop else 115.88, format="%.6f", key="insp_lon")
        lat = p2.number_input("纬度", value=stop.lat if stop else 29.60, format="%.6f", key="insp_lat")
        problem = p3.checkbox("发现问题", value=True, key="insp_problem")
        open_task = st.checkbox("开具整改任务", key="insp_open_task")
        r1, r2 = st.columns(2)
        owner = r1.text_input("整改责任单位", key="insp_owner")
        due = r2.date_input("整改期限", dt.date.today() + dt.timedelta(days=30), key="insp_due")
        photos = st.file_uploader("现场照片（随整改任务保存）", accept_multiple_files=True, key="insp_photos",
                                  type=["jpg", "jpeg", "png", "heic", "pdf"])
        if st.form_submit_button("保存检查记录", type="primary", disabled=not _can_edit(user) or stop is None):
            try:
                is_task = stop is not None and stop.site_id in set(store.list_tasks()["task_id"].astype(str))
                finding = Finding(site_id=None if is_task or stop is None else stop.site_id,
                                  task_id=stop.site_id if is_task and stop else None,
                                  text=text, observed_at=dt.datetime.combine(on_day, at), lon=lon, lat=lat,
                                  inspectors=who, problem=problem,
                                  photos=tuple(Photo(f.name, f.getvalue(), f.type) for f in photos or []))
                rec = record_finding(store, user, finding,
                                     rectification=Rectification(owner, due) if open_task else None)
                msg = f"已保存检查记录（编号 {rec.inspection_id}）"
                st.success(msg + (f"，并开具整改任务 {md(rec.task_id)}" if rec.task_id else ""))
            except (PlanningError, StoreError) as exc:
                st.error(md(exc))
    st.subheader("整改任务（逾期在前）")
    tasks = _task_section()
    shown_tasks = tasks[["task_id", "status_label", "title", "township", "owner", "opened", "due", "closed"]].rename(
        columns={"task_id": "编号", "status_label": "状态", "title": "标题", "township": "乡镇", "owner": "责任单位",
                 "opened": "立案", "due": "期限", "closed": "销号"})
    overdue_css = f"color:{STATUS_STYLE[Status.OVERDUE].color};font-weight:bold"
    st.dataframe(shown_tasks.style.map(lambda v: overdue_css if v == STATUS_STYLE[Status.OVERDUE].label else "",
                                       subset=["状态"]), hide_index=True, width="stretch")
    current = task_table(store.list_tasks(), as_of=dt.date.today())  # what can be closed now
    open_ids = current.loc[current["status"] != Status.CLOSED.value, "task_id"].tolist()
    with st.form("insp_close", clear_on_submit=True):
        st.subheader("整改销号")
        tid = st.selectbox("整改任务", open_ids or ["（无未销号任务）"], key="insp_close_id")
        closed_on = st.date_input("销号日期", dt.date.today(), key="insp_closed_on")
        note = st.text_area("整改完成情况", key="insp_close_note")
        files = st.file_uploader("整改证明材料", accept_multiple_files=True, key="insp_close_files")
        if st.form_submit_button("销号", disabled=not _can_edit(user) or not open_ids):
            try:
                version = int(store.get_task(tid)["version"])
                close_task(store, user, tid, closed=closed_on, note=note, expected_version=version,
                           evidence=[Photo(f.name, f.getvalue(), f.type) for f in files or []])
                st.success(f"整改任务 {md(tid)} 已销号")
            except (PlanningError, StoreError) as exc:
                st.error(md(exc))
