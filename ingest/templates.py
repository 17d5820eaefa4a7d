"""Downloadable Excel templates (Chinese headers, example rows labelled 示例, a 说明 sheet).

Every template parses back through :mod:`ingest.registers` / :mod:`ingest.sheets` without errors
(tested), so a user who fills it in the way the example rows show gets a clean import.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from textsafe import xlsx_append

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")

REGISTER_HEADERS = [
    "点位编号",
    "点位名称",
    "类型",
    "乡镇",
    "经度",
    "纬度",
    "控制级别",
    "水体类型",
    "水质目标",
    "监测频次",
    "行业",
    "位置说明",
    "示例",
]
REGISTER_EXAMPLES: list[list[Any]] = [
    [
        "示例-W01",
        "示例：赛城湖口断面",
        "地表水断面",
        "港口街镇",
        "115°53′25.8″",
        "29°43′13.8″",
        "省控",
        "湖泊",
        "Ⅲ类",
        "每月",
        None,
        "示例行，导入前请删除",
        "是",
    ],
    [
        "示例-DW01",
        "示例：某饮用水水源地",
        "饮用水源",
        "沙河街道",
        115.7700,
        29.6010,
        "市控",
        "水库",
        "II",
        "每季度",
        None,
        "示例行，导入前请删除",
        "是",
    ],
    [
        "示例-ENT01",
        "示例：某水泥企业",
        "企业",
        "新合镇",
        "115度45分00秒",
        "29度35分00秒",
        None,
        None,
        None,
        None,
        "水泥",
        "示例行，导入前请删除",
        "是",
    ],
]
REGISTER_HELP: list[tuple[str, str, str]] = [
    ("点位编号", "必填", "唯一编号，如 W-SCHK、DW-01、AIR-HBJ；同一文件内不得重复"),
    ("点位名称", "必填", "中文名称；不得含尖括号等网页标记"),
    ("类型", "必填", "地表水断面、饮用水源、空气站、污水处理厂、重点项目、企业、园区、船舶污染物接收点"),
    ("乡镇", "选填", "本区 11 个乡镇（街道）之一，如 沙河街道、港口街镇"),
    (
        "经度 / 纬度",
        "必填（或填 X/Y）",
        "CGCS2000 经纬度；小数度（115.9583）或度分秒（115°57′30.5″、115度57分30.5秒）均可。"
        "从高德/百度地图拾取的坐标请在导入时选择对应坐标系",
    ),
    ("X / Y", "可替代经纬度", "高斯投影米制坐标，X 为北坐标、Y 为东坐标（可带 39 带号）"),
    ("控制级别", "断面/水源/空气站", "国控、省控、市控、区控"),
    ("水体类型", "水体点位", "河流、湖泊、水库（河流型水库填“河流”）"),
    ("水质目标", "水体点位", "Ⅰ–Ⅴ类，写作 Ⅲ、III、3、三类、Ⅲ类 均可"),
    ("监测频次", "选填", "每日、每月、每季度（决定“数据过期”提示）"),
    ("示例", "选填", "填“是”表示示例数据（地图上标注“示例”）"),
]

LONG_HEADERS = ["点位编号", "日期", "监测项目", "监测值", "单位", "来源"]
LONG_EXAMPLES: list[list[Any]] = [
    ["示例-W01", dt.date(2026, 10, 15), "氨氮", "0.215", "mg/L", "手工"],
    ["示例-W01", dt.date(2026, 10, 15), "总磷", "0.01L", "mg/L", "手工"],
    ["示例-W01", dt.date(2026, 10, 15), "粪大肠菌群", "230", "个/100mL", "手工"],
    ["示例-AIR01", dt.date(2026, 10, 15), "PM2.5", "35", "µg/m³", "自动"],
]
WIDE_PARAMS = [
    "水温(℃)",
    "pH",
    "溶解氧(mg/L)",
    "高锰酸盐指数(mg/L)",
    "化学需氧量(mg/L)",
    "五日生化需氧量(mg/L)",
    "氨氮(mg/L)",
    "总磷(mg/L)",
    "总氮(mg/L)",
    "粪大肠菌群(个/L)",
]
WIDE_HEADERS = ["点位编号", "点位名称", "采样日期", *WIDE_PARAMS, "备注"]
WIDE_EXAMPLES: list[list[Any]] = [
    [
        "示例-W01",
        "示例：赛城湖口",
        dt.date(2026, 10, 15),
        19.5,
        7.6,
        7.8,
        3.1,
        12,
        "1.2",
        0.215,
        "0.04",
        0.92,
        1300,
        "示例行，导入前请删除",
    ],
    [
        "示例-W02",
        "示例：某河流断面",
        dt.date(2026, 10, 15),
        19.8,
        7.4,
        8.1,
        2.6,
        "ND",
        "0.5L",
        "0.025L",
        0.05,
        1.1,
        "未检出",
        "示例行，导入前请删除",
    ],
]
SHEET_HELP: list[tuple[str, str, str]] = [
    ("点位编号", "必填", "须与点位台账中的编号一致"),
    ("日期", "必填", "2026-10-15、2026/10/15 或 2026年10月15日；只写年月时按当月 1 日记录"),
    ("监测项目", "长表必填", "中文名称或代码：氨氮、总磷、高锰酸盐指数、化学需氧量、PM2.5（细颗粒物）等"),
    ("监测值", "必填", "数值；低于检出限写 ND、未检出、<0.01 或 0.01L；不得为负数，pH 不得大于 14"),
    ("单位", "长表选填", "mg/L、µg/L（自动换算）、个/L、个/100mL、MPN/100mL、µg/m³、mg/m³；不填按标准单位"),
    ("宽表项目列", "宽表", "列名写作“项目(单位)”，如 总磷(mg/L)、氨氮（mg/L）；空白或“—”表示未监测"),
    ("重复数据", "—", "同一点位、日期、项目出现多次时，导入时可选择拒绝、保留首次或以后者替换"),
]


def _sheet(ws: Worksheet, headers: list[str], examples: list[list[Any]]) -> None:
    xlsx_append(ws, headers)
    for cell in ws[1]:
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in examples:
        xlsx_append(ws, row)
        for cell in ws[ws.max_row]:
            cell.fill = _EXAMPLE_FILL
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for i, h in enumerate(headers):
        ws.column_dimensions[ws.cell(1, i + 1).column_letter].width = max(10, 2 * len(h) + 4)
    ws.freeze_panes = "A2"


def _help(wb: Workbook, title: str, rows: list[tuple[str, str, str]]) -> None:
    ws = wb.create_sheet("说明")
    xlsx_append(ws, [title])
    ws["A1"].font = Font(bold=True, size=13)
    xlsx_append(ws, ["黄色底色的行是示例（示例），导入真实数据前请删除或在“示例”列填“是”。"])
    ws.append([])
    xlsx_append(ws, ["列名", "是否必填", "填写要求"])
    for cell in ws[4]:
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
    for r in rows:
        xlsx_append(ws, list(r))
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 90


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def register_template() -> bytes:
    """The site-register template (.xlsx bytes): sheet 点位台账 with example rows and a 说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "点位台账"
    _sheet(ws, REGISTER_HEADERS, REGISTER_EXAMPLES)
    _help(wb, "点位台账填写说明", REGISTER_HELP)
    return _bytes(wb)


def sheet_template(kind: Literal["long", "wide"] = "long") -> bytes:
    """The monitoring-data template (.xlsx bytes), long form (one value per row) or wide monthly form."""
    wb = Workbook()
    ws = wb.active
    if kind == "long":
        ws.title = "监测数据"
        _sheet(ws, LONG_HEADERS, LONG_EXAMPLES)
    elif kind == "wide":
        ws.title = "月报"
        _sheet(ws, WIDE_HEADERS, WIDE_EXAMPLES)
    else:
        raise ValueError(f"未知的模板类型“{kind}”；可选 long、wide")
    _help(wb, "监测数据填写说明", SHEET_HELP)
    return _bytes(wb)
