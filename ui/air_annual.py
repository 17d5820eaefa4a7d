"""规划指标 page section: GB 3095 annual compliance per air station and for the district (issue 13 item 6)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from compliance.air_annual import ANNUAL_STATUS, annual_frame, complete_years
from compliance.status import Status, status_color
from service import District, annual_air

STATUS_COLUMN = "状态"


def _styled(frame: pd.DataFrame) -> Styler:
    colours = [status_color(Status(ANNUAL_STATUS[s])) for s in frame[STATUS_COLUMN]]
    css = [f"background-color: {c}; color: white" for c in colours]
    return frame.style.apply(lambda _: css, subset=[STATUS_COLUMN], axis=0)


def render(district: District) -> None:
    """Year picker, a table (stations then 全区) and the district's explanation line."""
    st.subheader("环境空气年度达标评价（GB 3095）")
    ds = district.dataset
    air_ids = set(ds.sites.loc[ds.sites["kind"] == "air_station", "site_id"].astype(str))
    air_rows = ds.measurements[ds.measurements["site_id"].astype(str).isin(air_ids)]
    years = complete_years(air_rows["time"], district.as_of)
    if not years:
        st.info("尚无完整年度的空气监测数据，暂不进行年度达标评价。")
        return
    year = st.selectbox("评价年度", years, index=0, key="air_annual_year",
                        help="只列出评价时点已结束的完整年度；年度统计须满足 GB 3095 表4 的数据有效性要求")
    results = annual_air(district, int(year))
    names = dict(zip(ds.sites["site_id"].astype(str), ds.sites["name"].astype(str), strict=False))
    frame = annual_frame(results, names)
    st.dataframe(_styled(frame), hide_index=True, width="stretch",
                 column_config={"说明": st.column_config.TextColumn("说明", width="large")})
    st.caption(f"全区：{results['全区'].explanation}")
    st.caption("年平均浓度（SO2、NO2、PM10、PM2.5）、CO 日均值第95百分位数、O3 日最大8小时平均第90百分位数"
               "与 GB 3095 二级浓度限值比较；全区为各站有效日均值的日平均。有效日均值不足（年 < 324 天、"
               "月 < 27 天、2月 < 25 天）时为“数据不足，不评价”。")
