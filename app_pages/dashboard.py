"""规划指标: the plan's 25 indicators (表2.3) and 8 key projects, with progress, status and staff entries.

Thin page: values come from compliance.indicators and briefing.model; staff entries are kept, for now, in
<data directory>/indicator_entries.json (briefing.source.entries_path) until the store has a table for them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from briefing import BriefingError, entries_path
from compliance import indicators as ind
from compliance.periods import months_between
from compliance.status import status_color
from geo.errors import GeoError
from store import Role, StoreError
from textsafe import md
from ui import air_annual
from ui.auth import can, current_user
from ui.data import briefing, current_district


def _styled(frame: pd.DataFrame, colors: list[str], column: str) -> Styler:
    css = [f"background-color: {c}; color: white" for c in colors]
    return frame.style.apply(lambda _: css, subset=[column], axis=0)


st.title("“十四五”规划指标与重点项目")
try:
    end = current_district().data_end
except (StoreError, GeoError, BriefingError) as exc:  # Chinese messages; a bug goes to ui.guard, logged
    st.error(f"无法读取数据：{md(exc)}")
    st.stop()
months = months_between(dt.date(end.year - 2, 1, 1), end)
with st.sidebar:
    period = st.selectbox("评价月份", months[::-1], index=0,
                          help="规划指标取该月之前最近一个完整年度；“今年以来”取当年1月至该月")
    if st.button("刷新数据"):
        st.cache_data.clear()
        st.rerun()
try:
    b = briefing(period)
except (BriefingError, ind.IndicatorError) as exc:
    st.error(md(exc))
    st.stop()

if b.sample:
    st.warning("当前为示例数据（非真实监测），指标数值仅作演示。")
st.caption(f"评价时点 {b.as_of.isoformat()}；系统计算的指标为最近完整年度（{ind.reference_year(b.as_of)}年）"
           "全区统计，“今年以来”为年初至评价月份；其余指标由工作人员填报（注明来源和日期）。")

rows = b.indicators
frame = ind.indicator_frame(rows)
n_met = sum(1 for r in rows if r.met)
n_judged = sum(1 for r in rows if r.met is not None)
c1, c2, c3 = st.columns(3)
c1.metric("已达到 2025 年目标", f"{n_met}/{n_judged}", help="可判断的指标中已达到目标的个数")
c2.metric("系统计算", sum(1 for r in rows if r.origin == "computed"))
c3.metric("待填报", sum(1 for r in rows if r.origin == "none"))

st.subheader("主要指标（表2.3，25 项）")
st.dataframe(
    _styled(frame, [r.color for r in rows], "状态"),
    hide_index=True,
    width="stretch",
    column_config={
        "进度%": st.column_config.ProgressColumn("进度", min_value=0, max_value=100, format="%.0f%%",
                                               help="由 2020 年值向 2025 年目标推进的比例（定性目标不计）"),
        "说明": st.column_config.TextColumn("说明", width="large"),
    },
)

user = current_user()
if user is None or not can(user, Role.EDITOR):  # checked here, on the server, before any form is shown or saved
    st.caption("填报或修改指标值需要“编辑”及以上权限，请先在左侧登录。")
else:
    with st.expander("填报或修改指标值（人工填报）", expanded="indicator_saved" in st.session_state):
        st.caption(f"填报值暂存于 {md(entries_path())}（过渡方案，待数据库建表后迁入）。"
                   "系统可计算的指标以监测数据为准。")
        if "indicator_saved" in st.session_state:
            st.success(md(st.session_state.pop("indicator_saved")))
        entries = ind.load_entries(entries_path())
        choices = {
            f"{i.no}. {ind.full_name(i)}（目标 {i.target_text if i.target_text != '/' else i.cumulative_text}）": i
            for i in ind.INDICATORS
        }
        with st.form("indicator_entry"):
            label = st.selectbox("指标", list(choices))
            value = st.text_input("数值（百分比不带 %；8–11 项为五年累计减排吨数）")
            text = st.text_input("文字说明（定性目标填写情况，如“稳中向好”）")
            met = st.selectbox("是否达到目标（定性目标必填）", ["未判断", "是", "否"])
            source = st.text_input("数据来源（文件、公报或部门）")
            day = st.date_input("数据日期", value=b.as_of)
            submitted = st.form_submit_button("保存")
        if submitted:
            i = choices[label]
            try:
                e = ind.entry(i.no, value or None, text=text, source=source, date=day,
                              met=None if met == "未判断" else met, entered_by=user.username)
                entries[e.no] = e
                ind.save_entries(entries_path(), entries.values())
                st.session_state.indicator_saved = f"已保存指标 {e.no}：{ind.full_name(i)}"
                st.rerun()
            except ind.IndicatorError as exc:  # quotes the typed value
                st.error(md(exc))
        if entries:
            drop = st.selectbox("删除已填报的值", ["（不删除）"] + [f"{n}. {ind.full_name(ind.indicator(n))}"
                                                              for n in sorted(entries)])
            if drop != "（不删除）" and st.button("删除所选填报值"):
                entries.pop(int(drop.split(".")[0]))
                ind.save_entries(entries_path(), entries.values())
                st.rerun()

st.subheader("重大项目（8 项）")
projects = b.projects.drop(columns=["status"])
st.dataframe(
    _styled(projects, [status_color(s) for s in b.projects["status"]], "状态"),
    hide_index=True,
    width="stretch",
    column_config={
        "进度%": st.column_config.ProgressColumn("进度", min_value=0, max_value=100, format="%.0f%%"),
        "应完成%": st.column_config.NumberColumn("应完成", format="%.0f%%"),
        "投资（万元）": st.column_config.NumberColumn("投资（万元）", format="%,.0f"),
        "说明": st.column_config.TextColumn("说明", width="large"),
    },
)
total = b.projects["投资（万元）"].sum()
st.caption(f"合计投资 {total:,.0f} 万元；进度状态按计划年限线性推算（本系统规则，非国家标准），详见各项说明。")

air_annual.render(current_district(b.as_of))
