"""Site registers (点位台账) from Excel or CSV → a GeoDataFrame in the columns of docs/data-contract.md.

Chinese headers and their synonyms are recognised; coordinates may be decimal degrees or DMS in any
common spelling, swapped latitude/longitude is detected and fixed (with a warning), ``X``/``Y`` columns
are Gauss-Krüger metres with X = northing, and a source coordinate system (CGCS2000/WGS84, GCJ-02,
BD-09) chosen by the user is converted to CGCS2000.  Every problem becomes an :class:`~ingest.errors.Issue`
with the Excel row number; :attr:`ImportResult.data` refuses to hand out a register with errors.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from geo.crs import CGCS2000, CRS_LABELS, transformer
from geo.detect import CHINA_BOX, CRSProposal, district_geometry, propose_crs
from geo.offset import bd09_to_wgs84, gcj02_to_wgs84
from ingest.dms import parse_angle
from ingest.errors import DMSParseError, ImportResult, Issues, TableReadError
from ingest.tabular import DEFAULT_MAX_BYTES, Header, Table, cell_text, find_header, header_missing, read_table

CoordSystem = Literal["cgcs2000", "wgs84", "gcj02", "bd09"]

#: Columns of the register in the data contract, in order.
CONTRACT_COLUMNS: tuple[str, ...] = (
    "site_id",
    "name",
    "kind",
    "township",
    "control_level",
    "water_body",
    "target_class",
    "monitoring_freq",
    "air_class",
    "grade_history",
    "built",
    "project_no",
    "investment_wan",
    "start_year",
    "end_year",
    "responsible",
    "content",
    "milestones",
    "related_site",
    "industry",
    "approximate",
    "location_note",
    "sample",
    "source",
)

_HEADERS: dict[str, tuple[str, ...]] = {
    "site_id": (
        "编号",
        "点位编号",
        "站点编号",
        "断面编号",
        "点位代码",
        "站点代码",
        "代码",
        "编码",
        "site_id",
        "id",
        "siteid",
    ),
    "name": ("名称", "点位名称", "站点名称", "断面名称", "水源地名称", "企业名称", "项目名称", "name"),
    "kind": ("类型", "类别", "点位类型", "站点类型", "点位类别", "kind", "type"),
    "township": ("乡镇", "乡镇街道", "所在乡镇", "乡镇(街道)", "镇街", "所属乡镇", "township"),
    "lon": ("经度", "东经", "lon", "lng", "longitude", "经度e"),
    "lat": ("纬度", "北纬", "lat", "latitude", "纬度n"),
    "x": ("x", "x坐标", "北坐标", "纵坐标", "x北"),
    "y": ("y", "y坐标", "东坐标", "横坐标", "y东"),
    "control_level": ("控制级别", "级别", "断面级别", "控制类别", "control_level"),
    "water_body": ("水体类型", "水体", "水域类型", "water_body"),
    "target_class": ("水质目标", "目标水质", "水质目标类别", "目标类别", "考核目标", "target_class"),
    "monitoring_freq": ("监测频次", "频次", "monitoring_freq"),
    "air_class": ("功能区类别", "空气功能区", "环境空气功能区", "air_class"),
    "industry": ("行业", "所属行业", "industry"),
    "responsible": ("责任单位", "responsible"),
    "content": ("建设内容", "content"),
    "project_no": ("项目序号", "project_no"),
    "investment_wan": ("投资", "总投资", "投资万元", "investment_wan"),
    "start_year": ("开工年份", "start_year"),
    "end_year": ("完工年份", "end_year"),
    "related_site": ("关联点位", "related_site"),
    "location_note": ("位置说明", "location_note"),
    "approximate": ("位置近似", "approximate"),
    "sample": ("示例", "sample"),
    "source": ("来源", "数据来源", "source"),
    "_ignore": ("序号", "备注", "说明", "联系人", "联系电话"),
}

_KINDS: dict[str, tuple[str, ...]] = {
    "water_section": (
        "断面",
        "地表水断面",
        "监测断面",
        "水质断面",
        "地表水监测断面",
        "国控断面",
        "省控断面",
        "市控断面",
        "地表水",
    ),
    "drinking_source": ("饮用水源", "饮用水水源地", "水源地", "集中式饮用水水源地", "饮用水源地", "饮用水"),
    "air_station": ("空气站", "空气自动站", "环境空气监测站点", "空气监测站", "大气站", "空气质量监测站", "空气"),
    "wwtp": ("污水处理厂", "污水厂", "城镇污水处理厂"),
    "project": ("重点项目", "项目", "重大项目"),
    "enterprise": ("企业", "重点企业", "排污单位", "重点排污单位"),
    "park": ("园区", "工业园区", "产业园", "产业园区"),
    "ship_waste": ("船舶污染物接收点", "船舶污染物接收站", "船舶垃圾接收点"),
}
_LEVELS = {
    "国控": "国控",
    "国家级": "国控",
    "国考": "国控",
    "省控": "省控",
    "省级": "省控",
    "市控": "市控",
    "市级": "市控",
    "区控": "区控",
    "区级": "区控",
    "县控": "区控",
    "县级": "区控",
}
_WATER_BODIES = {
    "河流": "river",
    "河": "river",
    "江": "river",
    "河流型水库": "river",
    "river": "river",
    "湖泊": "lake",
    "湖": "lake",
    "湖库": "lake",
    "lake": "lake",
    "水库": "reservoir",
    "湖库型水库": "reservoir",
    "reservoir": "reservoir",
}
_FREQ = {
    "每日": "daily",
    "日": "daily",
    "逐日": "daily",
    "自动": "daily",
    "daily": "daily",
    "每月": "monthly",
    "月": "monthly",
    "逐月": "monthly",
    "monthly": "monthly",
    "每季度": "quarterly",
    "季度": "quarterly",
    "每季": "quarterly",
    "季": "quarterly",
    "quarterly": "quarterly",
}
_CLASS = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
}
_YES = {"是", "y", "yes", "true", "1", "示例", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", ""}
_HTML = re.compile(r"<\s*[a-zA-Z/!]|javascript:|on\w+\s*=", re.IGNORECASE)
_TEXT_FIELDS = (
    "site_id",
    "name",
    "township",
    "industry",
    "responsible",
    "content",
    "location_note",
    "source",
    "related_site",
)
TOWNSHIPS_FILE = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "townships.geojson"


def _hkey(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).lower()
    t = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", t) or t
    return re.sub(r"[\s_\-:：*＊/（）()]", "", t)


_HEADER_LOOKUP = {_hkey(s): col for col, names in _HEADERS.items() for s in names}
_KIND_LOOKUP = {_hkey(s): code for code, names in _KINDS.items() for s in names} | {c: c for c in _KINDS}


def header_column(text: str) -> str | None:
    """Contract column (or ``lon``/``lat``/``x``/``y``/``_ignore``) for a register header, None if unknown."""
    key = _hkey(text)
    if key in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[key]
    full = re.sub(r"[\s_\-:：*＊/（）()]", "", unicodedata.normalize("NFKC", str(text)).lower())
    return _HEADER_LOOKUP.get(full)


def kind_code(text: str) -> str | None:
    """Kind code of the data contract for a Chinese kind name (None if unknown)."""
    return _KIND_LOOKUP.get(_hkey(text))


def target_class(value: object) -> int | None:
    """Water-quality class 1–5 from ``Ⅲ``, ``III``, ``3``, ``三类``, ``Ⅲ类`` (None if not a class)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() and 1 <= value <= 5 else None
    t = unicodedata.normalize("NFKC", str(value)).strip().lower()
    t = re.sub(r"^(地表水|水质)", "", t)
    t = re.sub(r"(类水质|类水|类|级)$", "", t).strip()
    return _CLASS.get(t)


def _townships() -> list[str]:
    try:
        data = json.loads(TOWNSHIPS_FILE.read_text(encoding="utf-8"))
        return [str(f["properties"]["name"]) for f in data["features"]]
    except (OSError, ValueError, KeyError):
        return []


@dataclass
class _Ctx:
    issues: Issues
    file: str
    townships: list[str]


def _map_columns(header: Header, ctx: _Ctx) -> dict[str, int]:
    cols: dict[str, int] = {}
    for j, name in enumerate(header.names):
        if not name:
            continue
        col = header_column(name)
        if col is None:
            ctx.issues.warn(f"未识别的列“{name}”，已忽略", header.first_row + 1, name)
        elif col == "_ignore":
            continue
        elif col in cols:
            ctx.issues.warn(f"列“{name}”与前面的列含义重复，已忽略", header.first_row + 1, name)
        else:
            cols[col] = j
    return cols


def _get(row: list[Any], j: int | None) -> Any:
    return row[j] if j is not None and j < len(row) else None


def _flag(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    t = cell_text(value).lower()
    if t in _YES:
        return True
    if t in _NO:
        return False
    return None


def _int(value: Any, field: str, rownum: int, ctx: _Ctx) -> int | None:
    if value is None:
        return None
    try:
        f = float(cell_text(value))
    except ValueError:
        ctx.issues.error(f"“{cell_text(value)}”不是整数", rownum, field)
        return None
    if not f.is_integer():
        ctx.issues.error(f"“{cell_text(value)}”不是整数", rownum, field)
        return None
    return int(f)


def _attributes(row: list[Any], cols: dict[str, int], rownum: int, ctx: _Ctx) -> dict[str, Any]:
    rec: dict[str, Any] = dict.fromkeys(CONTRACT_COLUMNS)
    for field in _TEXT_FIELDS:
        v = _get(row, cols.get(field))
        if v is not None:
            text = cell_text(v)
            if _HTML.search(text):
                ctx.issues.error(
                    "含有 HTML 标记或脚本（如 <img …>），为安全起见拒绝导入，请删除尖括号内容", rownum, field
                )
            rec[field] = text
    if not rec["site_id"]:
        ctx.issues.error("缺少点位编号", rownum, "site_id")
    elif len(rec["site_id"]) > 40 or re.search(r"[\s\x00-\x1f]", rec["site_id"]):
        ctx.issues.error(f"点位编号“{rec['site_id'][:40]}”过长或含空白字符", rownum, "site_id")
    if not rec["name"]:
        ctx.issues.error("缺少名称", rownum, "name")
    raw_kind = _get(row, cols.get("kind"))
    if raw_kind is None:
        ctx.issues.error("缺少类型", rownum, "kind")
    else:
        rec["kind"] = kind_code(cell_text(raw_kind))
        if rec["kind"] is None:
            known = "、".join(names[0] for names in _KINDS.values())
            ctx.issues.error(f"未知的点位类型“{cell_text(raw_kind)}”；可用类型：{known}", rownum, "kind")
    if rec["township"] and ctx.townships and rec["township"] not in ctx.townships:
        matches = [t for t in ctx.townships if t.startswith(rec["township"])]
        if len(matches) == 1:
            rec["township"] = matches[0]
        else:
            ctx.issues.warn(f"乡镇“{rec['township']}”不在本区 11 个乡镇（街道）之列", rownum, "township")
    _coded(row, cols, rownum, ctx, rec)
    return rec


def _coded(row: list[Any], cols: dict[str, int], rownum: int, ctx: _Ctx, rec: dict[str, Any]) -> None:
    lookups: dict[str, tuple[dict[str, Any], str]] = {
        "control_level": (_LEVELS, "国控、省控、市控、区控"),
        "water_body": (_WATER_BODIES, "河流、湖泊、水库"),
        "monitoring_freq": (_FREQ, "每日、每月、每季度"),
    }
    for field, (table, allowed) in lookups.items():
        v = _get(row, cols.get(field))
        if v is not None:
            rec[field] = table.get(cell_text(v).lower()) or table.get(cell_text(v))
            if rec[field] is None:
                ctx.issues.error(f"“{cell_text(v)}”无法识别；可填：{allowed}", rownum, field)
    v = _get(row, cols.get("target_class"))
    if v is not None:
        rec["target_class"] = target_class(v)
        if rec["target_class"] is None:
            ctx.issues.error(f"水质目标“{cell_text(v)}”无法识别；可填 Ⅰ–Ⅴ、I–V、1–5 或 三类", rownum, "target_class")
    v = _get(row, cols.get("air_class"))
    if v is not None:
        c = target_class(v)
        rec["air_class"] = c if c in (1, 2) else None
        if rec["air_class"] is None:
            ctx.issues.error(f"环境空气功能区类别“{cell_text(v)}”应为一类或二类", rownum, "air_class")
    for field in ("project_no", "start_year", "end_year"):
        rec[field] = _int(_get(row, cols.get(field)), field, rownum, ctx)
    v = _get(row, cols.get("investment_wan"))
    if v is not None:
        try:
            rec["investment_wan"] = float(cell_text(v).replace(",", ""))
        except ValueError:
            ctx.issues.error(f"投资额“{cell_text(v)}”不是数值（单位：万元）", rownum, "investment_wan")
    for field in ("sample", "approximate"):
        v = _get(row, cols.get(field))
        if v is not None:
            rec[field] = _flag(v)
            if rec[field] is None:
                ctx.issues.error(f"“{cell_text(v)}”应填“是”或“否”", rownum, field)
    if rec["sample"] is None:
        rec["sample"] = False


# --- coordinates ----------------------------------------------------------------------------------------


def _in_box(lon: float, lat: float) -> bool:
    return CHINA_BOX[0] <= lon <= CHINA_BOX[2] and CHINA_BOX[1] <= lat <= CHINA_BOX[3]


def _lonlat(
    row: list[Any], cols: dict[str, int], rownum: int, ctx: _Ctx, swapped: list[int]
) -> tuple[float, float] | None:
    vlon, vlat = _get(row, cols.get("lon")), _get(row, cols.get("lat"))
    if vlon is None or vlat is None:
        ctx.issues.error("缺少经度或纬度", rownum, "经度" if vlon is None else "纬度")
        return None
    try:
        a = parse_angle(vlon)
    except DMSParseError as exc:
        ctx.issues.error(str(exc), rownum, "经度")
        return None
    try:
        b = parse_angle(vlat)
    except DMSParseError as exc:
        ctx.issues.error(str(exc), rownum, "纬度")
        return None
    lon, lat = a.degrees, b.degrees
    if (a.axis == "lat" or b.axis == "lon") or (not _in_box(lon, lat) and _in_box(lat, lon)):
        lon, lat = lat, lon
        swapped.append(rownum)
    if not _in_box(lon, lat):
        ctx.issues.error(
            f"坐标（经度 {lon:.6f}，纬度 {lat:.6f}）不在中国境内，请检查数值或是否为投影坐标", rownum, "经度"
        )
        return None
    return lon, lat


def _float(v: Any) -> float | None:
    try:
        return float(cell_text(v).replace(",", ""))
    except ValueError:
        return None


def _xy_points(
    rows: list[tuple[int, list[Any]]], cols: dict[str, int], ctx: _Ctx, xy_crs: int | CRSProposal | None
) -> dict[int, tuple[float, float]]:
    """Gauss-Krüger X (northing) / Y (easting) → lon/lat; the CRS is detected when not given."""
    pts: dict[int, tuple[float, float]] = {}
    for rownum, row in rows:
        x, y = _float(_get(row, cols.get("x"))), _float(_get(row, cols.get("y")))
        if x is None or y is None:
            ctx.issues.error("缺少坐标（经纬度或 X/Y）或数值无法识别", rownum, "X" if x is None else "Y")
            continue
        pts[rownum] = (y, x)  # easting, northing
    if not pts:
        return {}
    east = np.array([p[0] for p in pts.values()])
    north = np.array([p[1] for p in pts.values()])
    swap = False
    if xy_crs is None:
        proposals = [p for p in propose_crs(east, north) if p.inside > 0]
        if not proposals:
            ctx.issues.error("X/Y 坐标无法判断坐标系（应为高斯投影米制坐标，X 为北坐标），请指定坐标系", None, "X/Y")
            return {}
        chosen = proposals[0]
        ctx.issues.warn(f"X/Y 按 {chosen.describe()} 解释（X 为北坐标）；如不正确请指定坐标系后重新导入", None, "X/Y")
        epsg, swap = chosen.epsg, chosen.swap_xy
    elif isinstance(xy_crs, CRSProposal):
        epsg, swap = xy_crs.epsg, xy_crs.swap_xy
    else:
        epsg = xy_crs
    if swap:
        east, north = north, east
    lon, lat = transformer(epsg, CGCS2000).transform(east, north)
    if epsg in CRS_LABELS and ("西安" in CRS_LABELS[epsg] or "北京" in CRS_LABELS[epsg]):
        ctx.issues.warn("X/Y 为旧坐标系（西安1980/北京1954），按零偏移近似换算，位置可能偏差数米至数十米", None, "X/Y")
    out = {}
    for (rownum, _), lo, la in zip(pts.items(), np.asarray(lon), np.asarray(lat), strict=True):
        if not (np.isfinite(lo) and np.isfinite(la) and _in_box(float(lo), float(la))):
            ctx.issues.error("X/Y 换算后不在中国境内，请检查坐标系", rownum, "X/Y")
        else:
            out[rownum] = (float(lo), float(la))
    return out


_OFFSETS: dict[str, Callable[..., Any] | None] = {
    "cgcs2000": None,
    "wgs84": None,
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}


# --- the parser --------------------------------------------------------------------------------------


def parse_register(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    coord_system: CoordSystem = "cgcs2000",
    xy_crs: int | CRSProposal | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportResult[gpd.GeoDataFrame]:
    """Parse and validate a site register (.xlsx / .xls / .csv).

    Parameters
    ----------
    source
        Path or bytes of the file (``filename`` names bytes in messages).
    coord_system
        What the longitude/latitude columns are in: ``cgcs2000``/``wgs84`` (no shift), ``gcj02``
        (高德/腾讯 picks) or ``bd09`` (百度); shifted to CGCS2000.
    xy_crs
        EPSG code (or proposal) of ``X``/``Y`` Gauss-Krüger columns; detected when omitted (with a warning).

    Returns
    -------
    ImportResult
        ``preview`` / ``data``: a GeoDataFrame (EPSG:4490) with the contract columns; ``data`` raises
        :class:`~ingest.errors.ImportRefusedError` if any error was found.

    Raises
    ------
    TableReadError
        The file cannot be read as a table or has no recognisable header.
    """
    # no catch-all: read_table turns every sign of a bad file into TableReadError, the checks below report
    # bad cells as issues; anything else is a bug and must reach the operator as one
    table = read_table(source, filename=filename, sheet=sheet, max_bytes=max_bytes)
    result = _parse(table, coord_system, xy_crs)
    result.sha256, result.rows = table.sha256, len(result.preview)
    result.rows_read = len(result.preview)  # one record per non-empty data row
    return result


def _parse(table: Table, coord_system: CoordSystem, xy_crs: int | CRSProposal | None) -> ImportResult[gpd.GeoDataFrame]:
    if coord_system not in _OFFSETS:
        raise TableReadError(table.file, f"未知的坐标系选项“{coord_system}”；可选：cgcs2000、wgs84、gcj02、bd09")
    header = find_header(table.rows, lambda t: header_column(t) not in (None, "_ignore"))
    if header is None:
        raise header_missing(table, "编号、名称、类型、经度、纬度")
    ctx = _Ctx(Issues(table.file), table.file, _townships())
    for note in table.notes:
        ctx.issues.warn(note)
    cols = _map_columns(header, ctx)
    has_ll = "lon" in cols and "lat" in cols
    has_xy = "x" in cols and "y" in cols
    for need in ("site_id", "name", "kind"):
        if need not in cols:
            ctx.issues.error(f"缺少必需的列“{_HEADERS[need][1]}”", header.first_row + 1, need)
    if not has_ll and not has_xy:
        ctx.issues.error("缺少坐标列：需要“经度、纬度”两列，或“X、Y”两列（高斯投影米制坐标）", header.first_row + 1)
    if ctx.issues.has_errors:
        return _result(table, ctx, [], {})
    rows = [(i + 1, r) for i, r in enumerate(table.rows) if i >= header.data_start and any(v is not None for v in r)]
    if not rows:
        ctx.issues.error("表格只有表头，没有数据行", header.first_row + 1)
        return _result(table, ctx, [], {})
    for i, j in sorted(table.formula_missing):
        ctx.issues.error(
            "公式单元格没有计算结果，请在 Excel 中打开并保存（或粘贴为数值）后再导入",
            i + 1,
            header.names[j] if j < len(header.names) else None,
        )
    if table.formula_count:
        ctx.issues.warn(f"{table.formula_count} 个单元格为公式，已按其计算结果读取")
    records: list[tuple[int, dict[str, Any]]] = []
    points: dict[int, tuple[float, float]] = {}
    swapped: list[int] = []
    xy_rows: list[tuple[int, list[Any]]] = []
    for rownum, row in rows:
        rec = _attributes(row, cols, rownum, ctx)
        records.append((rownum, rec))
        if has_ll and (_get(row, cols["lon"]) is not None or not has_xy):
            ll = _lonlat(row, cols, rownum, ctx, swapped)
            if ll is not None:
                points[rownum] = ll
        else:
            xy_rows.append((rownum, row))
    if xy_rows:
        points.update(_xy_points(xy_rows, cols, ctx, xy_crs))
    if swapped:
        listed = "、".join(str(r) for r in swapped[:20]) + ("……" if len(swapped) > 20 else "")
        ctx.issues.warn(f"第 {listed} 行的经度、纬度填反了，已自动交换", None, "经度/纬度")
    xy_set = {r for r, _ in xy_rows}
    ll_rows = [r for r in points if r not in xy_set]
    shift = _OFFSETS[coord_system]
    if shift is not None and ll_rows:
        lon, lat = shift(np.array([points[r][0] for r in ll_rows]), np.array([points[r][1] for r in ll_rows]))
        for r, lo, la in zip(ll_rows, np.atleast_1d(lon), np.atleast_1d(lat), strict=True):
            points[r] = (float(lo), float(la))
        label = "GCJ-02（高德/腾讯）" if coord_system == "gcj02" else "BD-09（百度）"
        ctx.issues.warn(f"经纬度按 {label} 坐标处理，已纠偏为 CGCS2000")
    _duplicates(records, ctx)
    return _result(table, ctx, records, points)


def _duplicates(records: list[tuple[int, dict[str, Any]]], ctx: _Ctx) -> None:
    first: dict[str, int] = {}
    for rownum, rec in records:
        sid = rec["site_id"]
        if not sid:
            continue
        if sid in first:
            ctx.issues.error(f"点位编号“{sid}”重复（首次出现在第 {first[sid]} 行）", rownum, "site_id")
        else:
            first[sid] = rownum


def _result(
    table: Table, ctx: _Ctx, records: list[tuple[int, dict[str, Any]]], points: dict[int, tuple[float, float]]
) -> ImportResult[gpd.GeoDataFrame]:
    geoms = [Point(points[r]) if r in points else None for r, _ in records]
    frame = gpd.GeoDataFrame([rec for _, rec in records], columns=list(CONTRACT_COLUMNS), geometry=geoms, crs=CGCS2000)
    frame.index = pd.Index([r for r, _ in records], name="excel_row")
    if len(frame):
        area = district_geometry()
        inside = np.array([g is not None and bool(shapely.intersects(area, g)) for g in frame.geometry])
        for r, ok, g in zip(frame.index, inside, frame.geometry, strict=True):
            if g is not None and not ok:
                ctx.issues.warn("点位位于柴桑区界之外，请核对坐标", int(r), "经度/纬度")
    return ImportResult(
        table.file, ctx.issues.items, frame, {"sheet": table.sheet, "format": table.fmt, "encoding": table.encoding}
    )


__all__ = ["CONTRACT_COLUMNS", "header_column", "kind_code", "parse_register", "target_class"]
