"""一键简报: choose a month, atlas on/off, paper; download the PDF or the first page as PNG.

Thin page: everything is built by the briefing package (the same code as ``python -m briefing``).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from briefing import BriefingError, FontMissingError, cjk_family, page_count, pdf_bytes, png_bytes
from compliance.indicators import IndicatorError
from compliance.periods import months_between, period_label
from geo.errors import GeoError
from store import StoreError
from textsafe import md
from ui.data import briefing, current_district, data_version


@st.cache_data(show_spinner="正在生成 PDF（分乡镇图册约需十几秒）…", max_entries=4)
def _pdf(version: str, period: str, atlas: bool, paper: str) -> bytes:
    del version  # cache key: a write to the store makes a new PDF
    return pdf_bytes(briefing(period), atlas=atlas, paper=paper)


@st.cache_data(show_spinner="正在生成图片…", max_entries=8)
def _png(version: str, period: str, page: int, paper: str, atlas: bool) -> bytes:
    del version
    return png_bytes(briefing(period), page=page, paper=paper, atlas=atlas)


st.title("一键简报")
st.caption("生成供领导审阅的月度简报：全区点位状态图、核心指标对照规划目标、与上月相比的变化、问题清单、"
           "下次检查计划、规划指标与重点项目表，可附分乡镇图册（每个乡镇一页）。离线生成，中文字体嵌入 PDF。")
try:
    st.caption(f"字体：{md(cjk_family())}")
except FontMissingError as exc:
    st.error(md(exc))
    st.stop()
try:
    end = current_district().data_end
except (StoreError, GeoError, BriefingError) as exc:  # Chinese messages; a bug goes to ui.guard, logged
    st.error(f"无法读取数据：{md(exc)}")
    st.stop()

months = months_between(dt.date(end.year - 2, 1, 1), end)[::-1]
c1, c2, c3 = st.columns([2, 1, 1])
period = c1.selectbox("简报月份", months, index=0, format_func=period_label)
atlas = c2.toggle("附分乡镇图册", value=True, help="每个乡镇一页：放大的乡镇地图、点位状态与问题")
paper = c3.radio("纸张（横向）", ["A3", "A4"], horizontal=True)
try:
    b = briefing(period)
except (BriefingError, IndicatorError) as exc:
    st.error(md(exc))
    st.stop()

pages = page_count(b, atlas=atlas)
st.markdown(f"**{md(b.title)}（{md(b.period_label)}）**：共 {pages} 页；评价时点 {b.as_of.isoformat()}；"
            f"问题 {len(b.problems)} 项；与{md(b.changes.previous)}相比新增超标 {b.changes.count('new_exceed')} 处、"
            f"恢复达标 {b.changes.count('recovered')} 处。")
if b.sample:
    st.warning("当前为示例数据（非真实监测），简报各页均已标注“示例数据”。")

name = f"柴桑区生态环境简报_{period}{'_含图册' if atlas else ''}_{paper}"
d1, d2 = st.columns(2)
if d1.button("生成 PDF", type="primary", width="stretch"):
    try:
        st.session_state.briefing_pdf = (name, _pdf(data_version(), period, atlas, paper))
    except (BriefingError, FontMissingError) as exc:
        st.error(md(exc))
if d2.button("生成首页 PNG", width="stretch"):
    st.session_state.briefing_png = (name, _png(data_version(), period, 1, paper, False))

ready = st.session_state.get("briefing_pdf")
if ready and ready[0] == name:
    st.download_button("下载 PDF", ready[1], file_name=f"{name}.pdf", mime="application/pdf",
                       width="stretch")
shot = st.session_state.get("briefing_png")
if shot and shot[0] == name:
    st.download_button("下载 PNG", shot[1], file_name=f"{name}_第1页.png", mime="image/png",
                       width="stretch")

with st.expander("预览", expanded=True):
    page = st.number_input("页码", min_value=1, max_value=pages, value=1, step=1)
    st.image(_png(data_version(), period, int(page), paper, atlas), width="stretch")
