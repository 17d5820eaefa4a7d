"""Geometry column type: PostGIS ``geometry(Geometry, 4490)`` on PostgreSQL, WKB bytes elsewhere.

Values are shapely geometries in CGCS2000 geographic coordinates (EPSG:4490, lon/lat).  WKB keeps every
coordinate bit-exact on both backends.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

SRID = 4490


class PGGeometry(UserDefinedType[Any]):
    """The PostGIS column type; values travel as hex EWKB text."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        """DDL of the column."""
        return f"geometry(Geometry,{SRID})"


class Geom(TypeDecorator[BaseGeometry]):
    """Shapely geometry stored as PostGIS geometry (PostgreSQL) or WKB BLOB (SQLite)."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """PostGIS type on PostgreSQL, a BLOB elsewhere."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PGGeometry())
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: BaseGeometry | None, dialect: Dialect) -> Any:
        """Shapely → hex EWKB (PostgreSQL) or WKB bytes."""
        if value is None:
            return None
        if not isinstance(value, BaseGeometry):
            raise TypeError(f"几何字段需要 shapely 几何对象，得到的是 {type(value).__name__}")
        if dialect.name == "postgresql":
            return to_ewkb_hex(value)
        return shapely.to_wkb(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseGeometry | None:
        """Hex EWKB / WKB → shapely."""
        if value is None:
            return None
        if isinstance(value, memoryview):
            value = bytes(value)
        geom = shapely.from_wkb(value)
        return shapely.set_srid(geom, 0)


def to_ewkb_hex(geom: BaseGeometry) -> str:
    """Hex EWKB with SRID 4490 (what PostGIS accepts as geometry input text)."""
    return str(shapely.to_wkb(shapely.set_srid(geom, SRID), hex=True, include_srid=True))


# ---- validation of geometry values (every write path and the backup restore go through this) ----------------

POINTS = frozenset({"Point"})
LINES = frozenset({"LineString", "MultiLineString"})
AREAS = frozenset({"Polygon", "MultiPolygon"})
ANY_SHAPE = frozenset({"Point", "MultiPoint"}) | LINES | AREAS
LON_RANGE = (73.0, 136.0)  # China's extent in CGCS2000 degrees, with margin
LAT_RANGE = (3.0, 54.0)
TYPE_LABEL = {"Point": "点", "MultiPoint": "多点", "LineString": "线", "MultiLineString": "多段线",
              "Polygon": "面", "MultiPolygon": "多面", "GeometryCollection": "几何集合", "LinearRing": "环"}


def family(geom_type: str) -> str:
    """点 / 线 / 面 (or the type itself) — what a layer must not mix."""
    for members, label in ((POINTS | {"MultiPoint"}, "点"), (LINES, "线"), (AREAS, "面")):
        if geom_type in members:
            return label
    return geom_type


def allowed_text(allowed: frozenset[str]) -> str:
    """Chinese list of allowed geometry types, e.g. “面（Polygon）、多面（MultiPolygon）”."""
    return "、".join(f"{TYPE_LABEL.get(t, t)}（{t}）" for t in sorted(allowed))


def coordinate_problem(geom: BaseGeometry) -> str | None:
    """Why the coordinates are not plausible CGCS2000 lon/lat (NaN/Infinity, outside China), or None."""
    xy = shapely.get_coordinates(geom)
    if not np.isfinite(xy).all() or (geom.has_z and not np.isfinite(shapely.get_coordinates(geom, True)[:, 2]).all()):
        return "坐标含非有限数值（NaN 或 Infinity），不是有效的经纬度"
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    if not (LON_RANGE[0] <= x0 and x1 <= LON_RANGE[1] and LAT_RANGE[0] <= y0 and y1 <= LAT_RANGE[1]):
        return (f"坐标超出中国范围（经度 {x0:.5f}…{x1:.5f}，纬度 {y0:.5f}…{y1:.5f}），"
                "请确认为 CGCS2000/WGS84 经纬度且经度在前")
    return None


def checked_shape(geom: BaseGeometry | None, allowed: frozenset[str] = ANY_SHAPE, *, repair: bool = True,
                  where: str = "此处") -> tuple[BaseGeometry | None, str | None, str | None]:
    """Validate one geometry: ``(geometry to store, error, warning)``; exactly one of geometry/error is None.

    Non-empty, type in ``allowed``, finite coordinates inside China's lon/lat extent, valid (OGC).  An invalid
    geometry is repaired with ``shapely.make_valid`` (``repair``) and the warning says so; it is refused when
    the repair gives an empty result or a type not in ``allowed``.
    """
    if not isinstance(geom, BaseGeometry) or geom.is_empty:
        return None, "缺少几何（点、线或面）", None
    if geom.geom_type not in allowed:
        return None, f"几何类型为{TYPE_LABEL.get(geom.geom_type, geom.geom_type)}（{geom.geom_type}），" \
                     f"{where}只允许 {allowed_text(allowed)}", None
    bad = coordinate_problem(geom)
    if bad is not None:
        return None, bad, None
    if geom.is_valid:
        return geom, None, None
    reason = shapely.is_valid_reason(geom)
    if not repair:
        return None, f"几何无效：{reason}", None
    fixed = _polygonal_part(shapely.make_valid(geom)) if geom.geom_type in AREAS else shapely.make_valid(geom)
    got = "空几何" if fixed.is_empty else f"{TYPE_LABEL.get(fixed.geom_type, fixed.geom_type)}（{fixed.geom_type}）"
    if fixed.is_empty or fixed.geom_type not in allowed or not fixed.is_valid:
        return None, (f"几何无效（{reason}），自动修复后为{got}，不符合要求（{allowed_text(allowed)}），"
                      "请在 GIS 中修正后重新上传"), None
    return fixed, None, f"几何无效（{reason}），已自动修复为有效的{got}，请核对"


def _polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """The area of a repaired polygon: make_valid may add stray lines/points of a collapsed ring."""
    if geom.geom_type != "GeometryCollection":
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in AREAS]
    if not parts:
        return geom
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]
