"""Detection helpers for imported files: CRS proposals from coordinates, text and DBF encodings.

Nothing here guesses silently: :func:`propose_crs` returns ranked candidates that the user confirms
(china-gis.md §1 "No .prj"), and the encoding helpers report how they decided.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import ArrayLike
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.crs import CGCS2000, CRS_LABELS, WGS84, transformer

DISTRICT_FILE = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "district.geojson"

# Rough China box (lon/lat) used to tell plausible from absurd positions.
CHINA_BOX = (73.0, 3.0, 136.0, 54.0)
#: Distance (degrees) around the district bbox still counted as "landing in the district" for proposals.
PROPOSAL_MARGIN_DEG = 0.3

DATUMS: dict[str, str] = {"cgcs2000": "CGCS2000", "xian80": "西安1980", "beijing54": "北京1954"}

# First EPSG code of each GK family (zone 25 / 13 for zone-prefixed, CM 75°E for plain CM), per datum.
_GK3_ZONE_BASE = {"cgcs2000": (4513, 25), "xian80": (2349, 25), "beijing54": (2401, 25)}
_GK6_ZONE_BASE = {"cgcs2000": (4491, 13), "xian80": (2327, 13), "beijing54": (21413, 13)}
_GK3_CM_BASE = {"cgcs2000": 4534, "xian80": 2370, "beijing54": 2422}
_GK6_CM_BASE = {"cgcs2000": 4502, "xian80": 2338, "beijing54": 21453}


def gk_epsg(datum: str, *, width: int, zone: int | None = None, cm: int | None = None) -> int:
    """EPSG code of a Gauss-Krüger CRS: ``width`` 3 or 6, either a ``zone`` (prefixed) or a central meridian."""
    if zone is not None:
        base, first = (_GK3_ZONE_BASE if width == 3 else _GK6_ZONE_BASE)[datum]
        return base + zone - first
    if cm is None:
        raise ValueError("zone or cm required")
    step = 3 if width == 3 else 6
    return (_GK3_CM_BASE if width == 3 else _GK6_CM_BASE)[datum] + (cm - 75) // step


def gk_label(datum: str, *, width: int, zone: int | None = None, cm: int | None = None) -> str:
    """Chinese label of a GK CRS (e.g. ``CGCS2000 3度带 第39带（带号前缀）``)."""
    if zone is not None:
        return f"{DATUMS[datum]} {width}度带 第{zone}带（带号前缀）"
    return f"{DATUMS[datum]} {width}度带 中央经线{cm}°E"


@dataclass(frozen=True)
class CRSProposal:
    """A candidate CRS computed from coordinate values, to be confirmed by the user.

    ``swap_xy`` is true when the file's first coordinate is the northing/latitude (axes swapped).
    ``inside`` is the share of sampled points that land in (or near) the district with this CRS.
    """

    epsg: int
    label: str
    reason: str
    swap_xy: bool = False
    inside: float = 0.0

    def describe(self) -> str:
        """One Chinese line for the user."""
        swap = "（坐标轴顺序颠倒，导入时交换）" if self.swap_xy else ""
        return f"{self.label}（EPSG:{self.epsg}）{swap}——{self.reason}"


@lru_cache(maxsize=1)
def district_geometry() -> BaseGeometry:
    """The district outline (EPSG:4490) from data/boundaries/district.geojson."""
    data = json.loads(DISTRICT_FILE.read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in data["features"]]
    return shapely.union_all(geoms)


def district_bbox(margin: float = 0.0) -> tuple[float, float, float, float]:
    """Bounding box of the district (lon/lat) widened by ``margin`` degrees."""
    x0, y0, x1, y1 = district_geometry().bounds
    return x0 - margin, y0 - margin, x1 + margin, y1 + margin


def _inside_share(lon: np.ndarray, lat: np.ndarray, box: tuple[float, float, float, float]) -> float:
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return 0.0
    inside = (lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3]) & ok
    return float(inside.sum() / ok.sum())


def _share_for(epsg: int, x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float]) -> float:
    lon, lat = transformer(epsg, CGCS2000).transform(x, y)
    return _inside_share(np.asarray(lon), np.asarray(lat), box)


def _digits(v: np.ndarray) -> int:
    """Number of integer digits of the median absolute value (0 for values below 1)."""
    with np.errstate(all="ignore"):
        med = float(np.median(np.abs(v)))
    if not np.isfinite(med) or med >= 1e15:
        return 99
    return 0 if med < 1 else len(str(int(med)))


def _geographic(x: np.ndarray, y: np.ndarray, swapped: bool) -> list[CRSProposal]:
    lon, lat = (y, x) if swapped else (x, y)
    box = district_bbox(PROPOSAL_MARGIN_DEG)
    inside = _inside_share(lon, lat, box)
    where = "落在本区范围内" if inside > 0 else "为经纬度数值，但不在本区范围内"
    why = f"坐标为度数（经度约 {np.median(lon):.3f}，纬度约 {np.median(lat):.3f}），{where}"
    return [
        CRSProposal(CGCS2000, CRS_LABELS[CGCS2000], why, swapped, inside),
        CRSProposal(WGS84, CRS_LABELS[WGS84], why + "（与 CGCS2000 数值相同）", swapped, inside),
    ]


def _zone_prefixed(x: np.ndarray, y: np.ndarray, swapped: bool) -> list[CRSProposal]:
    e = y if swapped else x
    zone = int(np.median(e) // 1_000_000)
    if 25 <= zone <= 45:
        width = 3
    elif 13 <= zone <= 23:
        width = 6
    else:
        return []
    box = district_bbox(PROPOSAL_MARGIN_DEG)
    out = []
    for datum in DATUMS:
        epsg = gk_epsg(datum, width=width, zone=zone)
        xs, ys = (y, x) if swapped else (x, y)
        inside = _share_for(epsg, xs, ys, box)
        why = f"东坐标为 8 位数（{int(np.median(e))}），前两位 {zone} 为带号"
        if datum != "cgcs2000":
            why += "；坐标数值无法区分基准，仅当数据确为该旧坐标系时选择"
        out.append(CRSProposal(epsg, gk_label(datum, width=width, zone=zone), why, swapped, inside))
    return out


def _plain_cm(x: np.ndarray, y: np.ndarray, swapped: bool) -> list[CRSProposal]:
    xs, ys = (y, x) if swapped else (x, y)
    box = district_bbox(PROPOSAL_MARGIN_DEG)
    centre = (box[0] + box[2]) / 2
    hits: list[CRSProposal] = []
    near: list[CRSProposal] = []
    why = "东坐标 6 位、北坐标 7 位（无带号）；按此中央经线换算后"
    old = "；坐标数值无法区分基准，仅当数据确为该旧坐标系时选择"
    for width, cms in ((3, range(75, 136, 3)), (6, range(75, 136, 6))):
        for cm in cms:
            # An easting within ±1000 km of the CM cannot reach more than ~10° of longitude away.
            if abs(cm - centre) > 10:
                continue
            # PROJ shifts Xian 1980 / Beijing 1954 by zero, so where points land does not depend on the datum.
            epsg = gk_epsg("cgcs2000", width=width, cm=cm)
            inside = _share_for(epsg, xs, ys, box)
            if inside > 0:
                for datum in DATUMS:
                    label = gk_label(datum, width=width, cm=cm)
                    extra = "" if datum == "cgcs2000" else old
                    code = gk_epsg(datum, width=width, cm=cm)
                    hits.append(CRSProposal(code, label, why + "落在本区范围内" + extra, swapped, inside))
            elif width == 3 and _share_for(epsg, xs, ys, CHINA_BOX) > 0.5:
                label = gk_label("cgcs2000", width=width, cm=cm)
                near.append(CRSProposal(epsg, label, why + "位于国内但不在本区", swapped, 0.0))
    hits.sort(key=lambda p: (-p.inside, 0 if p.label.startswith("CGCS2000") else 1, "6度带" in p.label))
    return hits or near[:3]


def propose_crs(x: ArrayLike, y: ArrayLike, *, max_points: int = 500) -> list[CRSProposal]:
    """Ranked CRS candidates for coordinates ``x`` (first axis) and ``y`` (second axis) of a file.

    Rules (china-gis.md §1): degrees → geographic; 8-digit easting → GK zone prefix (easting // 1e6);
    6-digit easting + 7-digit northing → plain central meridian, keeping those landing in the district;
    swapped axes detected by the same rules with the axes exchanged. The datum is never detectable:
    CGCS2000 is ranked first, Xian 1980 / Beijing 1954 follow.
    """
    xa = np.asarray(x, dtype=np.float64).ravel()
    ya = np.asarray(y, dtype=np.float64).ravel()
    ok = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[ok], ya[ok]
    if xa.size == 0:
        return []
    if xa.size > max_points:
        idx = np.linspace(0, xa.size - 1, max_points).astype(int)
        xa, ya = xa[idx], ya[idx]
    if np.all(np.abs(xa) <= 180) and np.all(np.abs(ya) <= 90):
        straight = _geographic(xa, ya, False)
        if straight[0].inside == 0 and np.all(np.abs(ya) <= 180) and np.all(np.abs(xa) <= 90):
            swapped = _geographic(xa, ya, True)
            if swapped[0].inside > 0:
                return swapped + straight
        return straight
    if np.all(np.abs(xa) <= 90) and np.all(np.abs(ya) <= 180):
        return _geographic(xa, ya, True)
    dx, dy = _digits(xa), _digits(ya)
    if dx == 8 and dy == 7:
        return _zone_prefixed(xa, ya, False)
    if dx == 7 and dy == 8:
        return _zone_prefixed(xa, ya, True)
    if dx == 6 and dy == 7:
        return _plain_cm(xa, ya, False)
    if dx == 7 and dy == 6:
        return _plain_cm(xa, ya, True)
    return []


# --- encodings ------------------------------------------------------------------------------------

#: DBF language-driver ids (byte 29) that name a CJK code page, mapped to Python codecs.
LDID_CODECS: dict[int, str] = {
    0x4D: "gb18030",
    0x7A: "gb18030",
    0x4E: "cp949",
    0x79: "cp949",
    0x4F: "cp950",
    0x78: "cp950",
    0x7B: "cp932",
    0x13: "cp932",
}

_CPG_ALIASES: dict[str, str] = {
    "utf8": "utf-8",
    "65001": "utf-8",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "936": "gb18030",
    "cp936": "gb18030",
    "ansi936": "gb18030",
    "big5": "cp950",
    "950": "cp950",
    "1252": "cp1252",
    "cp1252": "cp1252",
    "iso88591": "latin-1",
    "88591": "latin-1",
    "latin1": "latin-1",
    "ascii": "utf-8",
    "usascii": "utf-8",
}


def codec_from_cpg(text: str) -> str | None:
    """Python codec for the content of a ``.cpg`` file (None if unknown)."""
    key = re.sub(r"[\s_\-]", "", text.strip().lower())
    return _CPG_ALIASES.get(key)


#: Magic numbers of files users upload by mistake, with the Chinese name shown in messages.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"BM", "BMP 图片"),
    (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"),
    (b"%PDF-", "PDF 文档"),
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"PK\x03\x04", "zip 压缩包"),
    (b"PK\x05\x06", "zip 压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office 97-2003 文档"),
    (b"SQLite format 3\x00", "SQLite 数据库"),
    (b"{\\rtf", "RTF 文档"),
)


def content_kind(data: bytes) -> str | None:
    """Chinese name of a file type recognised by its first bytes (``"PNG 图片"``), or None."""
    for magic, label in _MAGIC:
        if data.startswith(magic):
            if label == "BMP 图片" and len(data) < 26:
                continue  # "BM" alone is too weak a sign
            return label
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WebP 图片"
    return None


def decode_strict(data: bytes) -> tuple[str, str]:
    """Decode text as UTF-8 (with or without BOM), else GB18030; return ``(text, codec)``.

    Raises ``UnicodeDecodeError`` when neither decodes strictly.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def _dbf_text_bytes(dbf: bytes) -> bytes:
    """Field names plus record area of a DBF (what the encoding must decode)."""
    if len(dbf) < 32:
        return b""
    header_len = int.from_bytes(dbf[8:10], "little")
    names = b"".join(dbf[i : i + 11].split(b"\x00")[0] for i in range(32, max(32, header_len - 1), 32))
    return names + dbf[header_len:]


def detect_dbf_encoding(dbf: bytes, cpg: str | None = None) -> tuple[str, str]:
    """Encoding of a shapefile's DBF: ``.cpg`` → language-driver byte → strict UTF-8 → GB18030.

    Returns ``(codec, how)`` where ``how`` is a Chinese note for the import report.
    """
    if cpg is not None:
        codec = codec_from_cpg(cpg)
        if codec is not None:
            return codec, f"按 .cpg 文件声明（{cpg.strip()}）"
    ldid = dbf[29] if len(dbf) > 29 else 0
    if ldid in LDID_CODECS:
        return LDID_CODECS[ldid], f"按 DBF 代码页标记（0x{ldid:02X}）"
    body = _dbf_text_bytes(dbf)
    if all(b < 0x80 for b in body):
        return "utf-8", "属性表仅含 ASCII 字符"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "无 .cpg，按内容判断为 UTF-8"
    try:
        body.decode("gb18030")
    except UnicodeDecodeError:
        return "gb18030", "无 .cpg，内容既非 UTF-8 也非完整 GB18030，按 GB18030 尽量读取（部分文字可能有误）"
    return "gb18030", "无 .cpg，按内容判断为 GBK/GB18030"
