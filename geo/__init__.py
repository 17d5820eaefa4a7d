"""Spatial helpers: CRS constants and conversion, GCJ-02/BD-09 offsets, township seats (no streamlit)."""

from __future__ import annotations

from geo.crs import CGCS2000, METRIC_CRS, WGS84, area_km2, distance_m, to_cgcs2000, to_metric, transformer
from geo.errors import (
    CoordinateOutOfRangeError,
    CRSMismatchError,
    GeoError,
    InvalidGeometryError,
    MissingCRSError,
    UnknownConversionError,
)
from geo.offset import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    shift_frame,
    shift_geometry,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

__all__ = [
    "CGCS2000",
    "METRIC_CRS",
    "WGS84",
    "CRSMismatchError",
    "CoordinateOutOfRangeError",
    "GeoError",
    "InvalidGeometryError",
    "MissingCRSError",
    "UnknownConversionError",
    "area_km2",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "distance_m",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "shift_frame",
    "shift_geometry",
    "to_cgcs2000",
    "to_metric",
    "transformer",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]
