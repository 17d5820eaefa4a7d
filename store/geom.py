"""Geometry column type: PostGIS ``geometry(Geometry, 4490)`` on PostgreSQL, WKB bytes elsewhere.

Values are shapely geometries in CGCS2000 geographic coordinates (EPSG:4490, lon/lat).  WKB keeps every
coordinate bit-exact on both backends.
"""

from __future__ import annotations

from typing import Any

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
