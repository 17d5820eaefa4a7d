"""Reading vector files into GeoDataFrames in CGCS2000 (EPSG:4490).

:func:`read_vector` is the single entry point for user files (shapefile loose or zipped, GeoJSON,
GeoPackage, KML/KMZ incl. 奥维 exports). It never guesses a CRS silently: without one it raises
:class:`~geo.errors.CRSNotDeterminedError` carrying proposals computed from the coordinates, and the
caller reads again with ``crs=`` after the user confirmed. Every failure is a :class:`~geo.errors.GeoError`.
"""

from __future__ import annotations

import codecs
import io
import re
import tempfile
import warnings as warnings_mod
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import LinearRing, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import CRS_LABELS, as_crs, is_unshifted_datum, transformer
from geo.detect import (
    CHINA_BOX,
    CRSProposal,
    content_kind,
    decode_strict,
    detect_dbf_encoding,
    district_geometry,
    propose_crs,
)
from geo.errors import (
    CorruptFileError,
    CRSNotDeterminedError,
    EmptyFileError,
    FileTooLargeError,
    GeoError,
    LayerChoiceError,
    MissingPartError,
    UnsupportedFormatError,
    VectorFileError,
)
from geo.offset import shift_frame
from geo.unpack import MAX_INFLATED_BYTES, MAX_KML_BYTES, ZIP_ERRORS, UnpackLimitError, UnsafeXMLError, check_zip

CGCS2000 = "EPSG:4490"
CGCS2000_EPSG = 4490
#: Default upper bound for one uploaded vector file (all parts together, uncompressed; see geo.unpack).
DEFAULT_MAX_BYTES = MAX_INFLATED_BYTES

Source = str | Path | bytes | Mapping[str, bytes]
Offset = Literal["auto", "none", "gcj02", "bd09"]

_HTML = re.compile(r"<\s*[a-zA-Z/!]|javascript:", re.IGNORECASE)
_SHP_MAGIC = b"\x00\x00\x27\x0a"


def read_geojson(path: str | Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON file; GeoJSON without a CRS member is taken as lon/lat CGCS2000 (RFC 7946)."""
    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is None or gdf.crs.to_epsg() in (4326, 4490):
        return gdf.set_crs(CGCS2000, allow_override=True)
    return gdf.to_crs(CGCS2000)


def points_from_lonlat(df: pd.DataFrame, lon: str = "lon", lat: str = "lat") -> gpd.GeoDataFrame:
    """A new GeoDataFrame of points from lon/lat columns (degrees, CGCS2000)."""
    geometry = [Point(x, y) for x, y in zip(df[lon], df[lat], strict=True)]
    return gpd.GeoDataFrame(df.copy(), geometry=geometry, crs=CGCS2000)


# --- loading the bytes ------------------------------------------------------------------------------


@dataclass
class _Raw:
    """What a format reader returns before the common post-processing."""

    gdf: gpd.GeoDataFrame
    fmt: str
    crs_declared: bool
    encoding: str | None = None
    encoding_note: str | None = None
    default_offset: str = "none"
    layer: str | None = None
    warnings: list[str] = field(default_factory=list)


def _display_name(source: Source, filename: str | None) -> str:
    if filename:
        return Path(filename).name
    if isinstance(source, (str, Path)):
        return Path(source).name
    if isinstance(source, Mapping):
        shp = [n for n in source if n.lower().endswith(".shp")]
        return Path(shp[0] if shp else next(iter(source), "上传文件")).name
    return "上传文件"


def _load_parts(source: Source, name: str, max_bytes: int) -> dict[str, bytes]:
    """Name → bytes of every file making up the upload (siblings of a loose .shp included)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > max_bytes:
            raise FileTooLargeError(name, len(data), max_bytes)
        return {name: data}
    if isinstance(source, Mapping):
        total = sum(len(v) for v in source.values())
        if total > max_bytes:
            raise FileTooLargeError(name, total, max_bytes)
        return {Path(k).name: bytes(v) for k, v in source.items()}
    path = Path(source)
    if not path.is_file():
        raise VectorFileError(name, "文件不存在或不是普通文件")
    paths = [path]
    if path.suffix.lower() == ".shp":
        paths = [p for p in path.parent.iterdir() if p.is_file() and p.stem == path.stem]
    total = sum(p.stat().st_size for p in paths)
    if total > max_bytes:
        raise FileTooLargeError(name, total, max_bytes)
    return {p.name: p.read_bytes() for p in paths}


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Member name, repairing GBK names stored without the UTF-8 flag (common for Chinese zips)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unzip(data: bytes, name: str, max_bytes: int) -> dict[str, bytes]:
    """Members of a zip upload, each inflated through a counting stream before it is kept (:mod:`geo.unpack`)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir() and not Path(i.filename).name.startswith(".")]
        infos = [i for i in infos if "__MACOSX" not in i.filename]
        check_zip(zf, name, limit=max_bytes, members=infos)  # from here on the directory's sizes are true
        for i in infos:
            if i.filename.lower().endswith((".kml", ".ovkml")) and i.file_size > MAX_KML_BYTES:
                raise UnpackLimitError(name, MAX_KML_BYTES, i.filename, what="解压后 KML 文档")
        return {_zip_name(i): zf.read(i) for i in infos}
    except ZIP_ERRORS as exc:
        # a damaged central directory surfaces as any of these from zipfile
        raise CorruptFileError(name, f"压缩包无法解压：{type(exc).__name__}") from None
    except ValueError as exc:
        if isinstance(exc, GeoError):
            raise
        raise CorruptFileError(name, "压缩包结构错误") from None


def _sniff(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.startswith(_SHP_MAGIC):
        return "shp"
    if head.startswith((b"{", b"[")):
        return "geojson"
    if head.startswith(b"<") and (b"<kml" in data[:8192] or b":kml" in data[:8192]):
        return "kml"
    return "unknown"


_EXT_FORMAT = {
    ".zip": "zip",
    ".kmz": "zip",
    ".ovkmz": "zip",
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".ovkml": "kml",
    ".shp": "shp",
}


# --- format readers ---------------------------------------------------------------------------------


#: What GDAL (through pyogrio) raises for a file it cannot read: a damaged or truncated file, not a bug of ours.
#: Anything else (TypeError, KeyError, AttributeError …) is a programming error and propagates.
GDAL_ERRORS: tuple[type[Exception], ...] = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


def _gdal_message(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def _pyogrio_read(path: str, name: str, **kwargs: Any) -> gpd.GeoDataFrame:
    try:
        return pyogrio.read_dataframe(path, **kwargs)
    except GDAL_ERRORS as exc:
        raise CorruptFileError(name, _gdal_message(exc)) from None
    except shapely.errors.ShapelyError as exc:  # GDAL read the file, its geometry cannot be built (one-point line)
        raise CorruptFileError(name, f"几何无法构造（{_gdal_message(exc)}）") from None
    except UnicodeDecodeError:  # attribute bytes that are not in the (declared or chosen) encoding
        raise CorruptFileError(name, "属性表中有不符合所用文字编码的内容；可指定其他编码重试") from None


def _read_shapefile(parts: dict[str, bytes], name: str, layer: str | None, encoding: str | None) -> _Raw:
    by_ext: dict[str, dict[str, bytes]] = {}
    for fname, data in parts.items():
        p = Path(fname)
        by_ext.setdefault(p.stem, {})[p.suffix.lower()] = data
    stems = sorted(s for s, exts in by_ext.items() if ".shp" in exts)
    if not stems:
        raise UnsupportedFormatError(name, "压缩包中没有 .shp 文件")
    if layer is not None:
        if layer not in stems:
            raise LayerChoiceError(name, stems, layer)
        stem = layer
    elif len(stems) > 1:
        raise LayerChoiceError(name, stems)
    else:
        stem = stems[0]
    exts = by_ext[stem]
    shp = f"{stem}.shp" if Path(name).name.lower() == f"{stem}.shp".lower() else f"{name}/{stem}.shp"  # archive/member
    for required in (".shx", ".dbf"):
        if required not in exts:
            raise MissingPartError(shp, required)
    if not exts[".shp"].startswith(_SHP_MAGIC):
        raise CorruptFileError(shp, ".shp 文件头无效")
    cpg = exts[".cpg"].decode("ascii", "replace") if ".cpg" in exts else None
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise VectorFileError(name, f"指定的编码“{encoding}”无法识别；常用：GBK、GB18030、UTF-8") from None
        codec, note = encoding, f"按用户指定编码（{encoding}）"
    else:
        codec, note = detect_dbf_encoding(exts[".dbf"], cpg)
    with tempfile.TemporaryDirectory(prefix="ingest_") as tmp:
        for ext, data in exts.items():
            (Path(tmp) / f"layer{ext}").write_bytes(data)
        gdf = _pyogrio_read(str(Path(tmp) / "layer.shp"), shp, encoding=_gdal_encoding(codec))
        declared = ".prj" in exts
    warnings = [f"属性表编码：{_codec_label(codec)}（{note}）"]
    if ".prj" in exts and gdf.crs is None:
        warnings.append(".prj 文件无法解析，视为缺少坐标系")
        declared = False
    return _Raw(gdf, "Shapefile", declared, codec, note, layer=stem, warnings=warnings)


def _gdal_encoding(codec: str) -> str:
    """GDAL/iconv name of a Python codec (GDAL does not know every Python alias)."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    return {"latin-1": "ISO-8859-1", "iso8859-1": "ISO-8859-1", "utf-8": "UTF-8", "gb18030": "GB18030",
            "cp1252": "CP1252", "cp936": "CP936", "gbk": "GBK", "cp949": "CP949", "cp950": "CP950",
            "cp932": "CP932", "big5": "BIG5"}.get(name, name.upper())


def _codec_label(codec: str) -> str:
    return {"gb18030": "GBK/GB18030", "utf-8": "UTF-8", "utf-8-sig": "UTF-8"}.get(codec.lower(), codec)


def _read_geojson_bytes(data: bytes, name: str) -> _Raw:
    warnings: list[str] = []
    try:
        text, codec = decode_strict(data)
    except UnicodeDecodeError:
        raise CorruptFileError(name, "文字编码既不是 UTF-8 也不是 GBK") from None
    if codec == "gb18030":
        warnings.append("GeoJSON 按 GBK/GB18030 编码读取（标准要求 UTF-8）")
    declared = re.search(r'"crs"\s*:', text[:20000]) is not None
    with tempfile.TemporaryDirectory(prefix="ingest_") as tmp:
        path = Path(tmp) / "layer.geojson"
        path.write_text(text, encoding="utf-8")
        gdf = _pyogrio_read(str(path), name)
    return _Raw(gdf, "GeoJSON", declared, codec, None, warnings=warnings)


def _read_gpkg(data: bytes, name: str, layer: str | None) -> _Raw:
    with tempfile.TemporaryDirectory(prefix="ingest_") as tmp:
        path = Path(tmp) / "layer.gpkg"
        path.write_bytes(data)
        try:
            layers = [str(row[0]) for row in pyogrio.list_layers(str(path)) if row[1] is not None]
        except GDAL_ERRORS as exc:  # a damaged SQLite file
            raise CorruptFileError(name, _gdal_message(exc)) from None
        if not layers:
            raise EmptyFileError(name, "GeoPackage 中没有矢量图层")
        if layer is not None and layer not in layers:
            raise LayerChoiceError(name, layers, layer)
        if layer is None and len(layers) > 1:
            raise LayerChoiceError(name, layers)
        chosen = layer or layers[0]
        gdf = _pyogrio_read(str(path), name, layer=chosen)
    return _Raw(gdf, "GeoPackage", gdf.crs is not None, "utf-8", None, layer=chosen)


# --- KML --------------------------------------------------------------------------------------------


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(elem: ET.Element, tag: str) -> ET.Element | None:
    for c in elem:
        if _local(c.tag) == tag:
            return c
    return None


def _text(elem: ET.Element | None) -> str | None:
    if elem is None or elem.text is None:
        return None
    return elem.text.strip()


def _coords(elem: ET.Element | None, what: str, name: str) -> list[tuple[float, float]]:
    text = _text(_child(elem, "coordinates")) if elem is not None else None
    if not text:
        raise CorruptFileError(name, f"{what}缺少坐标")
    out = []
    for token in text.split():
        parts = token.split(",")
        try:
            out.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError):
            raise CorruptFileError(name, f"{what}的坐标“{token[:40]}”不是“经度,纬度”格式") from None
    return out


def _kml_geometry(elem: ET.Element, what: str, name: str) -> BaseGeometry | None:
    tag = _local(elem.tag)
    try:
        if tag == "Point":
            return Point(_coords(elem, what, name)[0])
        if tag == "LineString":
            return LineString(_coords(elem, what, name))
        if tag == "LinearRing":
            return LinearRing(_coords(elem, what, name))
        if tag == "Polygon":
            outer = _child(elem, "outerBoundaryIs")
            ring = _child(outer, "LinearRing") if outer is not None else None
            shell = _coords(ring, what, name)
            holes = []
            for inner in (c for c in elem if _local(c.tag) == "innerBoundaryIs"):
                r = _child(inner, "LinearRing")
                if r is not None:
                    holes.append(_coords(r, what, name))
            return Polygon(shell, holes)
        if tag == "MultiGeometry":
            parts = [g for c in elem if (g := _kml_geometry(c, what, name)) is not None]
            return _combine(parts)
    except (ValueError, TypeError, IndexError, shapely.errors.ShapelyError):
        raise CorruptFileError(name, f"{what}的几何无法构造") from None
    return None


def _combine(parts: list[BaseGeometry]) -> BaseGeometry | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    kinds = {p.geom_type for p in parts}
    if kinds == {"Point"}:
        return MultiPoint(parts)
    if kinds <= {"LineString", "LinearRing"}:
        return MultiLineString([LineString(p.coords) for p in parts])
    if kinds == {"Polygon"}:
        return MultiPolygon(parts)
    return shapely.GeometryCollection(parts)


_GEOM_TAGS = {"Point", "LineString", "LinearRing", "Polygon", "MultiGeometry"}


def _placemark(pm: ET.Element, folder: str, name: str, rows: list[dict[str, Any]]) -> int:
    """Append one placemark row; return 1 if it was skipped for lack of geometry."""
    title = _text(_child(pm, "name"))
    row: dict[str, Any] = {"name": title, "description": _text(_child(pm, "description")), "folder": folder}
    ext = _child(pm, "ExtendedData")
    if ext is not None:
        for item in ext.iter():
            tag = _local(item.tag)
            key = item.get("name")
            if not key:
                continue
            if tag == "Data":
                value = _text(_child(item, "value"))
            elif tag == "SimpleData":
                value = _text(item)
            else:
                continue
            row[key if key not in ("name", "description", "folder", "geometry") else f"扩展_{key}"] = value
    geom = None
    for c in pm:
        if _local(c.tag) in _GEOM_TAGS:
            geom = _kml_geometry(c, f"地标“{title or '未命名'}”", name)
            break
    if geom is None:
        return 1
    row["geometry"] = geom
    rows.append(row)
    return 0


def _walk_kml(elem: ET.Element, path: list[str], name: str, rows: list[dict[str, Any]]) -> int:
    skipped = 0
    for child in elem:
        tag = _local(child.tag)
        if tag == "Folder":
            sub = _text(_child(child, "name")) or "未命名文件夹"
            skipped += _walk_kml(child, [*path, sub], name, rows)
        elif tag == "Placemark":
            skipped += _placemark(child, "/".join(path), name, rows)
        elif tag in ("Document", "kml"):
            skipped += _walk_kml(child, path, name, rows)
    return skipped


def is_ovital(data: bytes, name: str) -> bool:
    """Heuristic: a 奥维互动地图 (Ovital) export, whose coordinates are GCJ-02 (china-gis.md §2)."""
    if Path(name).suffix.lower() in (".ovkml", ".ovkmz"):
        return True
    head = data[:65536]
    return b"ovital" in head.lower() or "奥维".encode() in head


def _read_kml(data: bytes, name: str, member: str | None = None) -> _Raw:
    if len(data) > MAX_KML_BYTES:
        raise UnpackLimitError(name, MAX_KML_BYTES, member, what="KML 文档" if member is None else "解压后 KML 文档")
    try:
        root = DefusedET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:  # DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
        raise UnsafeXMLError(name, member) from None
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        where = f"第 {line} 行第 {col + 1} 列附近"
        raise CorruptFileError(name, f"KML 不是合法的 XML（{where}格式错误或文件不完整）") from None
    except (LookupError, ValueError):  # LookupError: an unknown declared encoding
        raise CorruptFileError(name, "KML 不是合法的 XML（声明的文字编码无法识别）") from None
    rows: list[dict[str, Any]] = []
    skipped = _walk_kml(root, [], name, rows) if _local(root.tag) == "kml" else 0
    if _local(root.tag) != "kml":
        raise UnsupportedFormatError(name, "XML 根元素不是 kml")
    warnings = [f"{skipped} 个地标没有几何，已跳过"] if skipped else []
    if not rows:
        raise EmptyFileError(name, "KML 中没有带坐标的地标")
    frame = pd.DataFrame(rows)
    geoms = frame.pop("geometry")
    gdf = gpd.GeoDataFrame(frame, geometry=list(geoms), crs="EPSG:4326")
    offset = "gcj02" if is_ovital(data, name) else "none"
    return _Raw(gdf, "KML", True, "utf-8", None, default_offset=offset, warnings=warnings)


def _read_kmz(members: dict[str, bytes], name: str) -> _Raw:
    kmls = sorted(n for n in members if n.lower().endswith((".kml", ".ovkml")))
    doc = next((n for n in kmls if Path(n).name.lower() == "doc.kml"), kmls[0])
    raw = _read_kml(members[doc], name, doc)
    if Path(name).suffix.lower() == ".ovkmz":
        raw.default_offset = "gcj02"
    raw.fmt = "KMZ"
    return raw


# --- dispatch ---------------------------------------------------------------------------------------


def _read_raw(parts: dict[str, bytes], name: str, layer: str | None, encoding: str | None, max_bytes: int) -> _Raw:
    if any(n.lower().endswith(".shp") for n in parts) and len(parts) > 1:
        return _read_shapefile(parts, name, layer, encoding)
    data = next(iter(parts.values()))
    if not data or not data.strip():
        raise EmptyFileError(name)
    kind = _sniff(data)
    ext = Path(name).suffix.lower()
    raw: _Raw
    if kind == "zip":
        members = _unzip(data, name, max_bytes)
        if any(n.lower().endswith((".kml", ".ovkml")) for n in members):
            raw = _read_kmz(members, name)
        elif any(n.lower().endswith(".shp") for n in members):
            raw = _read_shapefile(members, name, layer, encoding)
        else:
            inner = [n for n in members if Path(n).suffix.lower() in (".gpkg", ".geojson", ".json")]
            if len(inner) != 1:
                raise UnsupportedFormatError(name, "压缩包中没有可识别的矢量文件")
            raw = _read_raw({inner[0]: members[inner[0]]}, name, layer, encoding, max_bytes)
    elif kind == "gpkg":
        raw = _read_gpkg(data, name, layer)
    elif kind == "geojson":
        raw = _read_geojson_bytes(data, name)
    elif kind == "kml":
        raw = _read_kml(data, name)
    elif kind == "shp":
        raise MissingPartError(name, ".shx")
    elif ext in (".zip", ".kmz", ".ovkmz"):
        what = f"，内容是 {label}" if (label := content_kind(data)) else ""
        raise CorruptFileError(name, f"扩展名为压缩包，但内容不是有效的 zip 文件{what}")
    else:
        raise UnsupportedFormatError(name, f"内容是 {label}" if (label := content_kind(data)) else "")
    expected = _EXT_FORMAT.get(ext)
    if expected is not None and expected != kind and kind != "zip" and kind != "shp":
        raw.warnings.append(f"文件扩展名“{ext}”与实际内容（{raw.fmt}）不符，已按实际内容读取")
    return raw


# --- post-processing --------------------------------------------------------------------------------


def _swap(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out[out.geometry.name] = gpd.GeoSeries(
        shapely.transform(np.asarray(out.geometry.values, dtype=object), lambda c: c[:, ::-1]),
        index=out.index,
        crs=out.crs,
    )
    return out


def _sample_xy(gdf: gpd.GeoDataFrame, n: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    coords = shapely.get_coordinates(np.asarray(gdf.geometry.values, dtype=object))
    if len(coords) > n:
        coords = coords[np.linspace(0, len(coords) - 1, n).astype(int)]
    return coords[:, 0], coords[:, 1]


def _crs_label(crs: CRS) -> str:
    epsg = crs.to_epsg()
    if epsg in CRS_LABELS:
        return f"{CRS_LABELS[epsg]}（EPSG:{epsg}）"
    return f"{crs.name}（EPSG:{epsg}）" if epsg else crs.name


def _plausible(gdf: gpd.GeoDataFrame, crs: CRS) -> bool:
    x, y = _sample_xy(gdf, 500)
    if x.size == 0:
        return True
    with np.errstate(all="ignore"):
        lon, lat = transformer(crs, CGCS2000_EPSG).transform(x, y)
    lon, lat = np.asarray(lon), np.asarray(lat)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x0, y0, x1, y1 = CHINA_BOX
    inside = ok & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    return bool(inside.mean() >= 0.5)


def _resolve_crs(
    raw: _Raw, name: str, crs: int | str | CRS | CRSProposal | None, swap_xy: bool, warnings: list[str]
) -> tuple[gpd.GeoDataFrame, CRS]:
    gdf = raw.gdf
    if isinstance(crs, CRSProposal):
        swap_xy = swap_xy or crs.swap_xy
        crs = crs.epsg
    if swap_xy:
        gdf = _swap(gdf)
        warnings.append("已按确认交换坐标轴顺序（X/Y 或经纬度颠倒）")
    if crs is not None:
        try:
            src = as_crs(crs)
        except CRSError:  # any input pyproj does not know
            raise VectorFileError(name, f"指定的坐标系“{crs}”无法识别") from None
        if raw.crs_declared and gdf.crs is not None and not as_crs(gdf.crs).equals(src):
            warnings.append(f"文件自带坐标系为 {_crs_label(as_crs(gdf.crs))}，已按指定的 {_crs_label(src)} 解释")
        return gdf.set_crs(src, allow_override=True), src
    x, y = _sample_xy(gdf)
    if not raw.crs_declared or gdf.crs is None:
        proposals = propose_crs(x, y)
        if raw.fmt == "GeoJSON" and proposals and proposals[0].epsg == CGCS2000_EPSG and not proposals[0].swap_xy:
            warnings.append("GeoJSON 未声明坐标系，按标准（RFC 7946）视为经纬度")
            return gdf.set_crs(CGCS2000_EPSG, allow_override=True), as_crs(CGCS2000_EPSG)
        raise CRSNotDeterminedError(name, proposals)
    src = as_crs(gdf.crs)
    if not _plausible(gdf, src):
        reason = f"文件声明的坐标系为 {_crs_label(src)}，但坐标数值与之不符（换算后不在中国境内）"
        raise CRSNotDeterminedError(name, propose_crs(x, y), reason=reason)
    return gdf, src


def _convert(
    gdf: gpd.GeoDataFrame,
    src: CRS,
    towgs84: Sequence[float] | None,
    plane4: Sequence[float] | None,
    name: str,
    warnings: list[str],
) -> tuple[gpd.GeoDataFrame, bool]:
    """Transform to EPSG:4490; return the frame and whether the datum shift is approximate."""
    if plane4 is not None:
        gdf, src = _apply_plane4(gdf, src, plane4, name)
        warnings.append("已按输入的四参数（平面转换）换算到 CGCS2000")
        return gdf.to_crs(CGCS2000_EPSG), False
    if towgs84 is not None:
        if len(towgs84) not in (3, 7):
            raise VectorFileError(name, "七参数应为 3 个或 7 个数值（ΔX,ΔY,ΔZ[,旋转X,Y,Z(秒),尺度(ppm)]）")
        base = _proj4(src)
        custom = CRS.from_proj4(re.sub(r"\+towgs84=\S+", "", base) + " +towgs84=" + ",".join(map(str, towgs84)))
        # PROJ honours +towgs84 only towards EPSG:4326 (china-gis.md §1); 4326 and 4490 agree to 0.1 mm.
        out = gdf.set_crs(custom, allow_override=True).to_crs(4326).set_crs(CGCS2000_EPSG, allow_override=True)
        warnings.append("已按输入的七参数（布尔莎模型）换算到 CGCS2000")
        return out, False
    approximate = is_unshifted_datum(src)
    if approximate:
        warnings.append(
            f"源坐标系为 {_crs_label(src)}（旧坐标系）：未提供当地七参数或四参数，按零偏移近似换算，"
            "位置可能偏差数米至数十米，图层将标记为“位置近似”"
        )
    if src.to_epsg() in (4326, CGCS2000_EPSG):
        return gdf.set_crs(CGCS2000_EPSG, allow_override=True), approximate
    return gdf.to_crs(CGCS2000_EPSG), approximate


def _proj4(crs: CRS) -> str:
    """PROJ string of ``crs`` (without pyproj's lossy-conversion warning)."""
    with warnings_mod.catch_warnings():
        warnings_mod.simplefilter("ignore", UserWarning)
        return str(crs.to_proj4())


def _apply_plane4(gdf: gpd.GeoDataFrame, src: CRS, plane4: Sequence[float], name: str) -> tuple[gpd.GeoDataFrame, CRS]:
    """Four-parameter plane transformation (ΔX north m, ΔY east m, rotation ″, scale ppm; X = northing)."""
    if len(plane4) != 4 or not src.is_projected:
        raise VectorFileError(name, "四参数只适用于高斯投影平面坐标，且应为 4 个数值（ΔX, ΔY, 旋转角(秒), 尺度(ppm)）")
    dx, dy, rot, ppm = (float(v) for v in plane4)
    a = np.radians(rot / 3600.0)
    k = 1.0 + ppm * 1e-6

    def _xy(c: np.ndarray) -> np.ndarray:
        east, north = c[:, 0], c[:, 1]
        n2 = dx + k * (north * np.cos(a) - east * np.sin(a))
        e2 = dy + k * (north * np.sin(a) + east * np.cos(a))
        return np.column_stack([e2, n2])

    proj = re.sub(r"\+(ellps|towgs84|datum)=\S+", "", _proj4(src)) + " +ellps=GRS80"
    dst = CRS.from_proj4(proj)
    geoms = shapely.transform(np.asarray(gdf.geometry.values, dtype=object), _xy)
    out = gdf.copy()
    out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index)
    return out.set_crs(dst, allow_override=True), dst


def _repair(gdf: gpd.GeoDataFrame, warnings: list[str]) -> tuple[gpd.GeoDataFrame, int, int]:
    """Drop empty geometries and repair invalid ones; return the frame, repaired and dropped counts."""
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    dropped = int(empty.sum())
    if dropped:
        gdf = gdf.loc[~empty].copy()
        geoms = np.asarray(gdf.geometry.values, dtype=object)
        warnings.append(f"{dropped} 个要素没有几何（空几何），已跳过")
    invalid = ~shapely.is_valid(geoms)
    repaired = int(invalid.sum())
    if repaired:
        fixed = geoms.copy()
        fixed[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        gdf = gdf.copy()
        gdf[gdf.geometry.name] = gpd.GeoSeries(fixed, index=gdf.index, crs=gdf.crs)
        still = shapely.is_empty(fixed)
        if still.any():
            gdf = gdf.loc[~still].copy()
            warnings.append(f"{int(still.sum())} 个要素的几何修复后为空，已跳过")
        warnings.append(f"{repaired} 个要素的几何无效（如自相交），已自动修复")
    return gdf, repaired, dropped


def _flag_outside(gdf: gpd.GeoDataFrame, district: BaseGeometry | None, warnings: list[str]) -> int:
    area = district if district is not None else district_geometry()
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    shapely.prepare(area)
    outside = ~shapely.intersects(area, geoms)
    gdf["outside_district"] = outside
    count = int(outside.sum())
    if count:
        warnings.append(f"{count} 个要素位于柴桑区界之外（已在“outside_district”列标出），请核对坐标系或数据范围")
    return count


def _check_text(gdf: gpd.GeoDataFrame, warnings: list[str]) -> None:
    for col in gdf.columns:
        if col == gdf.geometry.name or not (
            pd.api.types.is_object_dtype(gdf[col]) or pd.api.types.is_string_dtype(gdf[col])
        ):
            continue
        hits = gdf[col].map(lambda v: isinstance(v, str) and bool(_HTML.search(v)))
        if hits.any():
            warnings.append(f"字段“{col}”有 {int(hits.sum())} 个值含 HTML/脚本标记，将按纯文本显示")


def read_vector(
    source: Source,
    *,
    crs: int | str | CRS | CRSProposal | None = None,
    encoding: str | None = None,
    filename: str | None = None,
    layer: str | None = None,
    offset: Offset = "auto",
    swap_xy: bool = False,
    towgs84: Sequence[float] | None = None,
    plane4: Sequence[float] | None = None,
    district: BaseGeometry | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> gpd.GeoDataFrame:
    """Read a user's vector file into a GeoDataFrame in CGCS2000 (EPSG:4490).

    Parameters
    ----------
    source
        A path (a loose ``.shp`` brings its siblings), the bytes of one upload, or a mapping
        file name → bytes for several uploaded parts of one shapefile.
    crs
        The source CRS confirmed by the user (EPSG code, string, ``pyproj.CRS`` or a
        :class:`~geo.detect.CRSProposal`); overrides the file's own.
    encoding
        DBF attribute encoding (Python codec name); detected when omitted.
    filename
        Name of the upload (extension and messages), when ``source`` is bytes.
    layer
        Layer to read from a GeoPackage / multi-shapefile zip.
    offset
        ``auto`` (奥维 KML/KMZ are GCJ-02, the rest unshifted), ``none``, ``gcj02`` or ``bd09``.
    swap_xy
        Exchange the two coordinate axes before interpreting them.
    towgs84
        Local Bursa-Wolf parameters (3 or 7 values, PROJ ``+towgs84`` order) for Xian 1980 / Beijing 1954.
    plane4
        Local four-parameter plane transformation (ΔX north m, ΔY east m, rotation ″, scale ppm).
    district
        Area for the ``outside_district`` flag (default: the 柴桑区 outline).
    max_bytes
        Upper bound of the (uncompressed) input size.

    Returns
    -------
    GeoDataFrame
        In EPSG:4490 with a boolean ``outside_district`` column.  ``attrs``: ``file``, ``format``,
        ``layer``, ``encoding``, ``source_crs`` (label), ``source_epsg``, ``offset``,
        ``datum_approximate``, ``repaired_count``, ``dropped_count``, ``outside_count``, ``warnings``
        (list of Chinese strings).

    Raises
    ------
    GeoError
        Every failure, with a Chinese message naming the file; :class:`CRSNotDeterminedError` carries
        ``proposals`` for the user to confirm.
    """
    name = _display_name(source, filename)
    # no catch-all here: a bad file raises a GeoError from the reader that saw it; anything else is a bug and
    # must reach the log with its traceback instead of telling the user that a good file is damaged
    return _read_vector(source, name, crs, encoding, layer, offset, swap_xy, towgs84, plane4, district, max_bytes)


def _read_vector(
    source: Source,
    name: str,
    crs: int | str | CRS | CRSProposal | None,
    encoding: str | None,
    layer: str | None,
    offset: Offset,
    swap_xy: bool,
    towgs84: Sequence[float] | None,
    plane4: Sequence[float] | None,
    district: BaseGeometry | None,
    max_bytes: int,
) -> gpd.GeoDataFrame:
    parts = _load_parts(source, name, max_bytes)
    if isinstance(source, (bytes, bytearray, memoryview)) and not any(n.lower().endswith(".shp") for n in parts):
        parts = {name: parts[name]}
    raw = _read_raw(parts, name, layer, encoding, max_bytes)
    warnings = list(raw.warnings)
    if raw.gdf.empty:
        raise EmptyFileError(name, "文件中没有任何要素")
    gdf, dropped_pre = raw.gdf, 0
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if (shapely.is_missing(geoms) | shapely.is_empty(geoms)).all():
        raise EmptyFileError(name, "所有要素都没有几何")
    raw.gdf = gdf
    gdf, src = _resolve_crs(raw, name, crs, swap_xy, warnings)
    gdf, approximate = _convert(gdf, src, towgs84, plane4, name, warnings)
    applied = raw.default_offset if offset == "auto" else offset
    if applied == "gcj02":
        gdf = shift_frame(gdf, "gcj02_to_wgs84")
        why = "奥维互动地图导出文件" if offset == "auto" else "按指定"
        warnings.append(f"{why}：坐标按 GCJ-02（火星坐标）处理，已纠偏到 CGCS2000（约 500–600 米）")
    elif applied == "bd09":
        gdf = shift_frame(gdf, "bd09_to_wgs84")
        warnings.append("坐标按 BD-09（百度坐标）处理，已纠偏到 CGCS2000")
    gdf, repaired, dropped = _repair(gdf, warnings)
    dropped += dropped_pre
    gdf.columns = [str(c) for c in gdf.columns]
    outside = _flag_outside(gdf, district, warnings)
    _check_text(gdf, warnings)
    gdf = gdf.reset_index(drop=True)
    gdf.attrs.update(
        {
            "file": name,
            "format": raw.fmt,
            "layer": raw.layer,
            "encoding": raw.encoding,
            "source_crs": _crs_label(src),
            "source_epsg": src.to_epsg(),
            "offset": applied,
            "datum_approximate": approximate,
            "repaired_count": repaired,
            "dropped_count": dropped,
            "outside_count": outside,
            "feature_count": len(gdf),
            "warnings": warnings,
        }
    )
    return gdf


def _drop_empty(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return gdf if keep.all() else gdf.loc[keep].copy()
