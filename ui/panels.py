"""Page sections around the map: banner, detail panel, comparison, township roll-up, KPI strip, problem list."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from compliance import air, water
from compliance.errors import ComplianceError
from compliance.params import param_name
from compliance.periods import months_between, period_label
from compliance.rollup import task_kpi, water_kpi
from compliance.sites import KIND_LABELS
from compliance.status import STATUS_STYLE, SiteStatus, Status, status_color, water_class_label
from service import rank_problems
from textsafe import html_text, md
from ui.data import MapData

log = logging.getLogger(__name__)

PLAN_PM25 = 31.7
PLAN_GOOD_RATIO = 92.5


def status_banner(
    data: MapData, statuses: Mapping[str, SiteStatus] | None = None, as_of: dt.date | None = None
) -> None:
    """Evaluation date, data coverage, and the 示例数据 label when the data is sample data."""
    statuses = data.statuses if statuses is None else statuses
    if data.sample:
        st.warning("当前显示的是**示例数据**（合成数据，非真实监测结果）；点位为位置待核实的示意位置。")
    if data.approximate_boundaries:
        st.info("乡镇边界为示意边界（按乡镇驻地推算，非法定界线），可在“数据导入”中导入正式边界替换。")
    counts = Counter(s.status for s in statuses.values())
    ordered = sorted(counts, key=lambda s: STATUS_STYLE[Status(s)].order)
    summary = "　".join(f"{STATUS_STYLE[s].label} {counts[s]}" for s in ordered)
    day = as_of or data.as_of
    st.caption(f"评价时点：{day:%Y-%m-%d}（数据截至 {data.data_end:%Y-%m-%d}）　|　{summary}")


def _chip(status: Status | str, text: str | None = None) -> str:
    color = status_color(status)
    label = html_text(text or STATUS_STYLE[Status(status)].label)
    return (f'<span class="status-chip" data-status="{Status(status).value}" style="display:inline-block;'
            f'padding:1px 8px;border-radius:10px;background:{color};color:white;font-weight:600">{label}</span>')


def _exceedance_table(detail: Mapping[str, Any]) -> pd.DataFrame | None:
    rows = detail.get("exceedances") or []
    if not rows:
        return None
    return pd.DataFrame([{
        "项目": e.get("name") or e.get("parameter"),
        "监测值": f"{e.get('value'):g} {e.get('unit') or ''}".strip(),
        "标准限值": (f"{e['limit']} （{water_class_label(e.get('limit_class'))}）"
                     if e.get("limit_class") else e["limit"]),
        "超标倍数": None if e.get("multiple") is None else round(float(e["multiple"]), 2),
        "本项类别": water_class_label(e.get("item_class")),
    } for e in rows])


def _limit_for(row: Mapping[str, Any], param: str, as_of: dt.date) -> tuple[float | None, str]:
    """(limit, caption) of ``param`` for the site: target-class limit (water) or daily limit (air)."""
    kind = row.get("kind")
    if kind in ("water_section", "drinking_source"):
        target = row.get("target_class")
        if target is None or pd.isna(target):
            return None, ""
        body = str(row.get("water_body") or "river")
        try:
            limit_row = water.limit_row(param, body)
            if limit_row is None or limit_row.bound == "none":
                return None, ""  # GB 3838 has no class limit for this item: nothing to draw
            lim = water.limit(param, int(target), body)
        except (ComplianceError, ValueError) as exc:  # the site's register row is wrong, the chart still shows
            log.warning("no limit line for %s at site %s: %s", param, row.get("site_id"), exc)
            return None, ""
        if isinstance(lim, tuple):
            return None, ""
        return float(lim), f"{water_class_label(int(target))}目标限值（GB 3838-2002）"
    if kind == "air_station":
        cls = row.get("air_class")
        limits = air.daily_limits(as_of, int(cls) if cls is not None and not pd.isna(cls) else 2)
        return (limits.get(param), "日均浓度限值（GB 3095）") if param in limits else (None, "")
    return None, ""


def _series_chart(series: pd.DataFrame, limit: float | None, caption: str, unit: str) -> Any:
    base = alt.Chart(series).encode(x=alt.X("time:T", title="日期"))
    line = base.mark_line(point=False).encode(y=alt.Y("value:Q", title=unit or "数值"),
                                              tooltip=["time:T", "value:Q", "raw:N"])
    layers: list[Any] = [line]
    if limit is not None:
        rule = alt.Chart(pd.DataFrame({"y": [limit], "t": [caption]})).mark_rule(
            color=STATUS_STYLE[Status.EXCEED].color, strokeDash=[6, 4]).encode(y="y:Q", tooltip=["t:N", "y:Q"])
        over = series[series["value"] > limit]
        dots = alt.Chart(over).mark_point(color=STATUS_STYLE[Status.EXCEED].color, size=60, filled=True).encode(
            x="time:T", y="value:Q", tooltip=["time:T", "value:Q"])
        layers += [rule, dots]
    return alt.layer(*layers).properties(height=220)


def status_strip(months: list[str], statuses: list[SiteStatus | None]) -> str:
    """HTML strip of monthly status chips (oldest → newest)."""
    cells = []
    for month, s in zip(months, statuses, strict=True):
        status = s.status if s else Status.NODATA
        color = status_color(status)
        note = f"｜{s.explanation}" if s else ""
        title = html_text(f"{period_label(month)}：{STATUS_STYLE[status].label}{note}")
        cells.append(f'<div title="{title}" class="strip-cell" data-month="{month}" data-status="{status.value}" '
                     f'style="flex:1;height:22px;background:{color};border-right:1px solid Canvas"></div>')
    return ('<div class="status-strip" style="display:flex;border-radius:4px;overflow:hidden">' + "".join(cells)
            + f'</div><div style="display:flex;justify-content:space-between;font-size:11px;color:GrayText">'
            f"<span>{months[0]}</span><span>{months[-1]}</span></div>")


def detail_panel(
    data: MapData, site_id: str, status: SiteStatus | None, as_of: dt.date,
    monthly: Mapping[str, SiteStatus | None] | None = None,
) -> None:
    """The detail panel of one site or task (rendered inside the map fragment: no page reload)."""
    rows = data.features[data.features["site_id"].astype(str) == site_id]
    if rows.empty:
        st.info(f"未找到点位“{md(site_id)}”。")
        return
    row = rows.iloc[0].to_dict()
    status = status or SiteStatus(Status.NODATA, "未提供评价结果")
    with st.container(border=True, key="detail_panel"):
        st.markdown(f"#### {md(row.get('name'))}" + ("（示例）" if row.get("sample") else ""))
        meta = [KIND_LABELS.get(str(row.get("kind")), str(row.get("kind"))), str(row.get("township") or "")]
        meta += [str(row.get(c)) for c in ("control_level",) if isinstance(row.get(c), str) and row.get(c)]
        st.caption(f"编号 {md(site_id)}　·　" + "　·　".join(md(m) for m in meta if m))
        st.markdown(f'<div id="detail-site" data-site="{html_text(site_id)}">{_chip(status.status)} '
                    f"{html_text(status.explanation)}</div>", unsafe_allow_html=True)
        detail = status.detail or {}
        target = row.get("target_class")
        if target is not None and not pd.isna(target):
            standard = detail.get("standard") or "GB 3838-2002"
            st.markdown(f"**水质目标**：{md(water_class_label(int(target)))}　**标准**：{md(standard)}")
        values = detail.get("values")
        if isinstance(values, Mapping) and values:
            day = detail.get("sample_date") or detail.get("date") or ""
            label = detail.get("label")
            st.markdown(f"**最新监测值**（{md(day)}" + (f"，{md(label)}" if label else "") + "）")
            frame = pd.DataFrame({"项目": [param_name(str(k)) for k in values],
                                  "数值": [str(v) for v in values.values()]})
            st.dataframe(frame,
                         hide_index=True, width="stretch")
        exc = _exceedance_table(detail)
        if exc is not None:
            st.markdown("**超标项目**（超标倍数 =（监测值 − 限值）/ 限值）")
            st.dataframe(exc, hide_index=True, width="stretch")
        if monthly:
            st.markdown("**近 12 个月状态**（每格一月，悬停查看说明）")
            st.markdown(status_strip(list(monthly), list(monthly.values())), unsafe_allow_html=True)
        _series_section(data, row, site_id, as_of)
        _project_section(data, row, site_id)
        _task_section(data, row, site_id, as_of)


def _series_section(data: MapData, row: Mapping[str, Any], site_id: str, as_of: dt.date) -> None:
    m = data.measurements
    mine = m[(m["site_id"] == site_id) & (pd.to_datetime(m["time"]) <= pd.Timestamp(as_of))]
    if mine.empty:
        return
    params = list(dict.fromkeys(mine["param"]))
    default = next((p for p in ("TP", "NH3N", "PM2_5", "COD") if p in params), params[0])
    param = st.selectbox("趋势项目", params, index=params.index(default), format_func=param_name,
                         key=f"series_param_{site_id}")
    series = mine[mine["param"] == param].sort_values("time")
    series = series[pd.to_datetime(series["time"]) > pd.Timestamp(as_of) - pd.DateOffset(years=3)]
    limit, caption = _limit_for(row, param, as_of)
    unit = str(series["unit"].iloc[0]) if "unit" in series and len(series) else ""
    legend = f"（虚线：{md(caption)} {limit:g} {md(unit)}，红点：超过限值）" if limit else ""
    st.markdown(f"**{md(param_name(param))} 近三年趋势**{legend}")
    st.altair_chart(_series_chart(series[["time", "value", "raw"]], limit, caption, unit), width="stretch")


def _project_section(data: MapData, row: Mapping[str, Any], site_id: str) -> None:
    if row.get("kind") != "project":
        return
    reports = data.progress[data.progress["site_id"] == site_id].sort_values("date")
    st.markdown(f"**项目进度**　投资 {md(row.get('investment_wan') or '—')} 万元，"
                f"{md(row.get('start_year') or '—')}–{md(row.get('end_year') or '—')} 年，"
                f"责任单位：{md(row.get('responsible') or '—')}")
    if not reports.empty:
        last = reports.iloc[-1]
        st.progress(min(max(float(last["progress_pct"]) / 100, 0.0), 1.0),
                    text=f"{pd.Timestamp(last['date']):%Y-%m-%d} 报告进度 {float(last['progress_pct']):g}%："
                         f"{md(last.get('note') or '')}")
        st.line_chart(reports.set_index("date")["progress_pct"], height=150)


def _task_section(data: MapData, row: Mapping[str, Any], site_id: str, as_of: dt.date) -> None:
    tasks = data.tasks
    related = tasks[(tasks["site_id"].astype(str) == site_id) | (tasks["task_id"].astype(str) == site_id)]
    if related.empty:
        return
    opened = pd.to_datetime(related["opened"], errors="coerce")
    closed = pd.to_datetime(related["closed"].replace("", None), errors="coerce")
    open_mask = (opened <= pd.Timestamp(as_of)) & (closed.isna() | (closed > pd.Timestamp(as_of)))
    st.markdown(f"**未销号整改任务**：{int(open_mask.sum())} 项")
    if open_mask.any():
        st.dataframe(related.loc[open_mask, ["task_id", "title", "owner", "opened", "due"]].rename(columns={
            "task_id": "编号", "title": "任务", "owner": "责任单位", "opened": "交办", "due": "期限"}),
            hide_index=True, width="stretch")
    insp = related[related["origin"].astype(str).str.startswith("inspection")]
    if not insp.empty:
        last = insp.sort_values("opened").iloc[-1]
        st.caption(f"最近一次检查：{md(last['opened'])}　{md(last['title'])}")


def compare_section(changes: pd.DataFrame, counts: Mapping[str, int], before: str, after: str) -> None:
    """What changed between two periods."""
    st.subheader(f"时段对比：{period_label(before)} → {period_label(after)}")
    cols = st.columns(len(counts))
    for col, (label, n) in zip(cols, counts.items(), strict=True):
        col.metric(label, n)
    if changes.empty:
        st.info("两个时段之间没有点位状态变化。")
        return
    st.dataframe(changes.drop(columns=["change"]).rename(columns={
        "site_id": "编号", "name": "名称", "change_label": "变化", "before": "之前", "after": "之后",
        "explanation": "当前说明"}), hide_index=True, width="stretch")


def rollup_section(rollup: pd.DataFrame) -> None:
    """The township ranking table."""
    st.subheader("乡镇（街道）排名")
    st.caption("按问题合计排序；达标点位 = 水质点位中状态为达标或预警（仍在目标限值内）的点位；"
               "逾期任务 = 到期未销号的整改任务。"
               "点击地图上的乡镇可缩放并按该乡镇筛选。")
    st.dataframe(rollup, hide_index=True, width="stretch", key="rollup_table")


def district_air(data: MapData, year: int) -> air.AnnualStats | None:
    """The district's daily series (mean of its air stations per day and indicator) for ``year``."""
    m = data.measurements
    stations = set(data.features.loc[data.features["kind"] == "air_station", "site_id"].astype(str))
    t = pd.to_datetime(m["time"])
    rows = m[m["site_id"].isin(stations) & (t.dt.year == year) & (t.dt.date <= data.data_end)]
    if rows.empty:
        return None
    daily = rows.groupby([pd.to_datetime(rows["time"]), "param"], as_index=False)["value"].mean()
    return air.annual_stats(daily.rename(columns={"time": "time"}))


def kpi_strip(data: MapData, table: pd.DataFrame) -> None:
    """Sections meeting target, PM2.5 and good-air-day ratio against the plan's 2025 targets, tasks."""
    w, t = water_kpi(table), task_kpi(table)
    end = data.data_end
    year = end.year if (end.month, end.day) == (12, 31) else end.year - 1  # last complete year
    stats = district_air(data, year)
    cols = st.columns(5)
    share = f"{w.share:.0f}%" if w.share is not None else "—"
    cols[0].metric("断面达标", f"{w.meeting}/{w.assessed}（{share}）",
                   help="地表水监测断面中达到水质目标的个数（达标或预警）")
    if stats is not None and "PM2_5" in stats.means:
        pm = stats.means["PM2_5"]
        cols[1].metric(f"PM2.5（{year}年）", f"{pm:.1f} µg/m³", f"{pm - PLAN_PM25:+.1f}（目标 ≤ {PLAN_PM25}）",
                       delta_color="inverse", help="全区空气站日均值的年均值；规划 2025 年目标 31.7 µg/m³")
    else:
        cols[1].metric("PM2.5", "无数据")
    if stats is not None and stats.good_ratio is not None:
        cols[2].metric(f"优良天数比例（{year}年）", f"{stats.good_ratio:.1f}%",
                       f"{stats.good_ratio - PLAN_GOOD_RATIO:+.1f}（目标 ≥ {PLAN_GOOD_RATIO}%）",
                       help="AQI ≤ 100 的有效天数占比；规划 2025 年目标 92.5%")
    else:
        cols[2].metric("优良天数比例", "无数据")
    cols[3].metric("未销号任务", t.open)
    cols[4].metric("逾期任务", t.overdue, delta_color="off")
    if stats is not None and stats.mixed_rules:
        st.caption(stats.note)


def problem_table(data: MapData, statuses: Mapping[str, SiteStatus] | None = None) -> None:
    """Table of every problem feature with its explanation."""
    ranked = rank_problems(data.features, data.statuses if statuses is None else statuses)
    table = ranked[["状态", "名称", "类型", "乡镇", "说明"]]
    st.subheader(f"需关注的问题（{len(table)}）")
    if table.empty:
        st.info("当前没有超标、预警、滞后、逾期或缺数据的点位。")
        return
    st.dataframe(table, hide_index=True, width="stretch")


def last_months(end: dt.date, n: int = 12) -> list[str]:
    """The ``n`` months ending with the month of ``end``."""
    start = (pd.Timestamp(end) - pd.DateOffset(months=n - 1)).date()
    return months_between(start, end)


PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stSidebarNav"] {display: none !important;}
.block-container {padding-top: 1rem !important; max-width: 100% !important;}
[data-testid="stMetricValue"] {font-size: 2.6rem !important;}
[data-testid="stMetricLabel"] p {font-size: 1.25rem !important;}
[data-testid="stMetricDelta"] {font-size: 1.1rem !important;}
h1 {font-size: 2.6rem !important;}
</style>
"""


def presentation_header(data: MapData, as_of: dt.date) -> None:
    """Full-screen styling, big title, the 示例 label and the evaluation date (no controls)."""
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    st.markdown('<div id="presentation-mode"></div>', unsafe_allow_html=True)
    st.title("柴桑区生态环境一张图")
    sample = "　｜　**示例数据**（合成数据，非真实监测结果）" if data.sample else ""
    st.markdown(f"评价时点 {as_of:%Y年%m月%d日}（数据截至 {data.data_end:%Y-%m-%d}）{sample}")
