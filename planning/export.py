"""Hand the route to the field: route sheet (Excel, PDF), GPX 1.1 and KML, navigation links, QR codes.

Coordinates in the sheet, GPX and KML are CGCS2000 = WGS84 (what GPS devices and 奥维 "WGS84" import expect).
Only the navigation links are shifted, because the apps demand it:

- 高德 Amap URI API (web form, opens the app when installed):
  ``https://uri.amap.com/navigation?to=<lon>,<lat>,<name>&mode=car&coordinate=gaode&callnative=1&src=<src>``
  — GCJ-02 (``coordinate=gaode``), lon before lat; navigation starts from the phone's own position.
- 百度 Baidu URI API (web form): ``https://api.map.baidu.com/marker?location=<lat>,<lon>&title=<name>&content=…
  &output=html&coord_type=bd09ll&src=<src>`` — BD-09 (``coord_type=bd09ll``), **lat before lon**; the page
  offers 到这里去 (navigation) from the phone's position.

The app itself never requests these URLs: they are printed, put in the sheet and opened on the field phone.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlencode

import pandas as pd

from geo.offset import wgs84_to_bd09, wgs84_to_gcj02
from planning.errors import NoCJKFontError, PlanningError
from planning.route import RoutePlan
from textsafe import LITERAL_TEXT_RC, xlsx_append

APP_SRC = "chaisang.eco.inspection"
GPX_NS = "http://www.topografix.com/GPX/1/1"
KML_NS = "http://www.opengis.net/kml/2.2"
CJK_FAMILY = "Noto Sans CJK SC"
FOOTNOTE = "坐标为 CGCS2000（与 WGS84 一致）；手机导航请用 Excel 路线单或二维码中的高德/百度链接。"


@dataclass(frozen=True)
class Stop:
    """One stop of a route sheet, in visiting order."""

    seq: int
    day: int
    site_id: str
    name: str
    lon: float
    lat: float
    kind_label: str = ""
    township: str = ""
    status_label: str = ""
    note: str = ""
    leg_m: float = 0.0
    arrive_min: float = 0.0


def stops_from_plan(plan: RoutePlan, targets: pd.DataFrame) -> list[Stop]:
    """Stops in visiting order from a route plan and the targets frame it was computed for."""
    out = []
    for r in plan.schedule.itertuples(index=False):
        t = targets.iloc[int(r.stop)]
        out.append(Stop(seq=int(r.seq), day=int(r.day), site_id=str(t["site_id"]), name=str(t["name"]),
                        lon=float(t["lon"]), lat=float(t["lat"]), kind_label=str(t.get("kind_label", "") or ""),
                        township=str(t.get("township", "") or ""), status_label=str(t.get("status_label", "") or ""),
                        note=str(t.get("explanation", "") or ""), leg_m=float(r.leg_m),
                        arrive_min=float(r.arrive_min)))
    return out


# ---- navigation links ----------------------------------------------------------------------------------------
def amap_link(lon: float, lat: float, name: str, *, src: str = APP_SRC) -> str:
    """高德 navigation link; (lon, lat) is WGS84/CGCS2000 and converted to GCJ-02 here."""
    glon, glat = wgs84_to_gcj02(lon, lat)
    to = f"{glon:.6f},{glat:.6f},{name.replace(',', '，')}"
    return "https://uri.amap.com/navigation?" + urlencode(
        {"to": to, "mode": "car", "coordinate": "gaode", "callnative": "1", "src": src}, quote_via=quote, safe=",")


def baidu_link(lon: float, lat: float, name: str, *, content: str = "", src: str = APP_SRC) -> str:
    """百度 marker/navigation link; (lon, lat) is WGS84/CGCS2000 and converted to BD-09 here."""
    blon, blat = wgs84_to_bd09(lon, lat)
    return "https://api.map.baidu.com/marker?" + urlencode(
        {"location": f"{blat:.6f},{blon:.6f}", "title": name, "content": content or name, "output": "html",
         "coord_type": "bd09ll", "src": src}, quote_via=quote, safe=",")


# ---- tables -------------------------------------------------------------------------------------------------
SHEET_COLUMNS = ["序号", "日程", "编号", "名称", "类型", "乡镇", "状态", "经度(CGCS2000)", "纬度(CGCS2000)",
                 "距上一点(公里)", "预计到达", "高德导航", "百度导航"]


def _clock(day_start: str, minutes: float) -> str:
    h, m = (int(x) for x in day_start.split(":"))
    t = dt.datetime(2000, 1, 1, h, m) + dt.timedelta(minutes=round(minutes))
    return t.strftime("%H:%M")


def route_table(stops: Sequence[Stop], *, day_start: str = "08:30", links: bool = True) -> pd.DataFrame:
    """The route sheet as a table with Chinese headers (one row per stop)."""
    rows = []
    for s in stops:
        rows.append({
            "序号": s.seq, "日程": f"第{s.day}天", "编号": s.site_id, "名称": s.name, "类型": s.kind_label,
            "乡镇": s.township, "状态": s.status_label, "经度(CGCS2000)": round(s.lon, 6),
            "纬度(CGCS2000)": round(s.lat, 6), "距上一点(公里)": round(s.leg_m / 1000, 1),
            "预计到达": _clock(day_start, s.arrive_min),
            "高德导航": amap_link(s.lon, s.lat, s.name) if links else "",
            "百度导航": baidu_link(s.lon, s.lat, s.name) if links else "",
        })
    return pd.DataFrame(rows, columns=SHEET_COLUMNS)


def route_xlsx(stops: Sequence[Stop], *, title: str = "执法检查路线单", subtitle: str = "",
               day_start: str = "08:30") -> bytes:
    """Printable Excel route sheet: title, one table with clickable navigation links, landscape A4."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.page import PageMargins

    table = route_table(stops, day_start=day_start)
    wb = Workbook()
    ws = wb.active
    ws.title = "路线单"
    xlsx_append(ws, [title])  # site names and titles are user text: never written as formulas
    ws["A1"].font = Font(bold=True, size=14)
    xlsx_append(ws, [subtitle])
    xlsx_append(ws, SHEET_COLUMNS)
    for c in ws[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center")
    for row in table.itertuples(index=False):
        xlsx_append(ws, list(row))
        r = ws.max_row
        for col, label in ((12, "高德导航"), (13, "百度导航")):
            cell = ws.cell(row=r, column=col)
            cell.hyperlink = str(cell.value)
            cell.value = label
            cell.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFGHIJKLM", (6, 7, 12, 32, 12, 10, 9, 13, 13, 10, 9, 10, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.print_title_rows = "3:3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- PDF ----------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def find_cjk_font() -> Path | None:
    """Path of a Simplified-Chinese-capable font (Noto Sans CJK SC preferred), or None."""
    from matplotlib import font_manager

    names = [f for f in font_manager.fontManager.ttflist if "CJK" in f.name]
    for pref in (CJK_FAMILY, "Noto Sans CJK", "Noto Serif CJK SC", "CJK"):
        for f in names:
            if pref in f.name and "Mono" not in f.name and "Bold" not in Path(f.fname).name:
                return Path(f.fname)
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", f"{CJK_FAMILY}:lang=zh-cn"], capture_output=True,
                             text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return None
    return Path(out) if out and "CJK" in out and Path(out).exists() else None


def route_pdf(stops: Sequence[Stop], *, title: str = "执法检查路线单", subtitle: str = "",
              day_start: str = "08:30", qr_text: str | None = None, rows_per_page: int = 18) -> bytes:
    """Printable PDF route sheet (A4 landscape, Chinese text with an embedded TrueType CJK font).

    Raises ``NoCJKFontError`` (Chinese message) when no CJK font is installed (Debian: fonts-noto-cjk).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    font = find_cjk_font()
    if font is None:
        raise NoCJKFontError()
    prop = font_manager.FontProperties(fname=str(font))
    table = route_table(stops, day_start=day_start, links=False)
    cols = ["序号", "日程", "编号", "名称", "类型", "乡镇", "状态", "经度(CGCS2000)", "纬度(CGCS2000)",
            "距上一点(公里)", "预计到达"]
    widths = [0.05, 0.06, 0.09, 0.29, 0.10, 0.08, 0.07, 0.09, 0.09, 0.08, 0.07]
    buf = io.BytesIO()
    pages = max(1, -(-len(table) // rows_per_page))
    rc: dict[str, Any] = {"pdf.fonttype": 42, **LITERAL_TEXT_RC}  # names and titles drawn as typed, not mathtext
    with matplotlib.rc_context(cast(Any, rc)), PdfPages(buf, metadata={"Title": title}) as pdf:
        for p in range(pages):
            fig = Figure(figsize=(11.69, 8.27))
            fig.text(0.04, 0.95, title, fontproperties=prop, fontsize=16)
            fig.text(0.04, 0.915, f"{subtitle}  第 {p + 1}/{pages} 页", fontproperties=prop, fontsize=9)
            chunk = table.iloc[p * rows_per_page:(p + 1) * rows_per_page][cols]
            ax = fig.add_axes((0.04, 0.08, 0.92, 0.82))
            ax.axis("off")
            if len(chunk):
                cells = [[_short(v) for v in row] for row in chunk.astype(str).itertuples(index=False)]
                tbl = ax.table(cellText=cells, colLabels=cols, colWidths=widths, loc="upper left", cellLoc="left")
                tbl.auto_set_font_size(False)
                for cell in tbl.get_celld().values():
                    cell.get_text().set_fontproperties(prop)
                    cell.get_text().set_fontsize(8)
                    cell.set_height(0.042)
            fig.text(0.04, 0.04, FOOTNOTE, fontproperties=prop, fontsize=8)
            if qr_text and p == 0:
                _add_qr(fig, qr_text)
            pdf.savefig(fig)
    return buf.getvalue()


def _short(v: str, limit: int = 26) -> str:
    return v if len(v) <= limit else v[: limit - 1] + "…"


def _add_qr(fig: object, text: str) -> None:
    import numpy as np
    import segno

    qr = segno.make(text, error="m", micro=False)
    matrix = np.array([list(r) for r in qr.matrix], dtype=float)
    ax = fig.add_axes((0.88, 0.86, 0.09, 0.12))  # type: ignore[attr-defined]
    ax.imshow(1 - matrix, cmap="gray", interpolation="nearest", vmin=0, vmax=1)
    ax.axis("off")


# ---- QR -----------------------------------------------------------------------------------------------------
def stop_list_text(stops: Sequence[Stop], *, title: str = "检查路线") -> str:
    """Compact plain text of the stop list (what the QR code carries): order, name, WGS84 lon,lat."""
    lines = [title]
    lines += [f"{s.seq}. {s.name} {s.lon:.5f},{s.lat:.5f}" for s in stops]
    return "\n".join(lines)


def qr_png(text: str, *, scale: int = 6) -> bytes:
    """A QR code (PNG) for ``text``; Chinese error when the text is too long for one code."""
    import segno

    try:
        qr = segno.make(text, error="m", micro=False)
    except segno.DataOverflowError:
        raise PlanningError("站点清单过长，无法放入一个二维码：请按天分别导出（每天一个二维码）") from None
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def qr_per_day(stops: Sequence[Stop], *, title: str = "检查路线") -> dict[int, bytes]:
    """One QR code (PNG) per day of the route."""
    days = sorted({s.day for s in stops})
    return {d: qr_png(stop_list_text([s for s in stops if s.day == d], title=f"{title} 第{d}天")) for d in days}


# ---- GPX / KML ----------------------------------------------------------------------------------------------
def _pretty(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def route_gpx(stops: Sequence[Stop], *, name: str = "执法检查路线", depot: tuple[float, float] | None = None,
              creator: str = "柴桑生态环境一张图") -> bytes:
    """GPX 1.1 (WGS84): one waypoint per stop and one route per day in visiting order."""
    ET.register_namespace("", GPX_NS)
    root = ET.Element(f"{{{GPX_NS}}}gpx", {"version": "1.1", "creator": creator})
    meta = ET.SubElement(root, f"{{{GPX_NS}}}metadata")
    ET.SubElement(meta, f"{{{GPX_NS}}}name").text = name
    for s in stops:
        w = ET.SubElement(root, f"{{{GPX_NS}}}wpt", {"lat": f"{s.lat:.7f}", "lon": f"{s.lon:.7f}"})
        ET.SubElement(w, f"{{{GPX_NS}}}name").text = f"{s.seq}. {s.name}"
        ET.SubElement(w, f"{{{GPX_NS}}}desc").text = " ".join(x for x in (s.site_id, s.status_label, s.township) if x)
    for d in sorted({s.day for s in stops}):
        rte = ET.SubElement(root, f"{{{GPX_NS}}}rte")
        ET.SubElement(rte, f"{{{GPX_NS}}}name").text = f"{name} 第{d}天"
        pts = [(s.lon, s.lat, f"{s.seq}. {s.name}") for s in stops if s.day == d]
        if depot is not None:
            pts = [(depot[0], depot[1], "出发"), *pts, (depot[0], depot[1], "返回")]
        for lon, lat, label in pts:
            p = ET.SubElement(rte, f"{{{GPX_NS}}}rtept", {"lat": f"{lat:.7f}", "lon": f"{lon:.7f}"})
            ET.SubElement(p, f"{{{GPX_NS}}}name").text = label
    return _pretty(root)


def route_kml(stops: Sequence[Stop], *, name: str = "执法检查路线", depot: tuple[float, float] | None = None) -> bytes:
    """KML 2.2 (WGS84): numbered placemarks and one line per day."""
    ET.register_namespace("", KML_NS)
    k = f"{{{KML_NS}}}"
    root = ET.Element(f"{k}kml")
    doc = ET.SubElement(root, f"{k}Document")
    ET.SubElement(doc, f"{k}name").text = name
    for s in stops:
        pm = ET.SubElement(doc, f"{k}Placemark")
        ET.SubElement(pm, f"{k}name").text = f"{s.seq}. {s.name}"
        ET.SubElement(pm, f"{k}description").text = " ".join(
            x for x in (s.site_id, s.status_label, s.township, f"第{s.day}天") if x)
        pt = ET.SubElement(pm, f"{k}Point")
        ET.SubElement(pt, f"{k}coordinates").text = f"{s.lon:.7f},{s.lat:.7f},0"
    for d in sorted({s.day for s in stops}):
        coords = [(s.lon, s.lat) for s in stops if s.day == d]
        if depot is not None:
            coords = [depot, *coords, depot]
        if len(coords) < 2:
            continue
        pm = ET.SubElement(doc, f"{k}Placemark")
        ET.SubElement(pm, f"{k}name").text = f"第{d}天路线"
        ls = ET.SubElement(pm, f"{k}LineString")
        ET.SubElement(ls, f"{k}coordinates").text = " ".join(f"{x:.7f},{y:.7f},0" for x, y in coords)
    return _pretty(root)
