"""EPSG constants for Chinese data, cached transformers and CGCS2000 / metric helpers.

All transformers use ``always_xy=True`` (lon, lat / easting, northing), whatever the CRS's axis order.
Xian 1980 and Beijing 1954 have no real transformation to CGCS2000 in PROJ for this area: pyproj applies a
zero shift (wrong by metres to tens of metres), so :func:`to_cgcs2000` marks such results as approximate.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from geo.errors import CoordinateOutOfRangeError, CRSMismatchError, MissingCRSError

CRSLike = int | str | CRS

# --- geographic ---------------------------------------------------------------------------------
WGS84 = 4326
CGCS2000 = 4490
XIAN80 = 4610
BEIJING54 = 4214

# --- CGCS2000 Gauss-Krüger (the district lies in 3° zone 39, CM 117°E) ---------------------------
CGCS2000_GK3_ZONE39 = 4527  # FE 39 500 000 (zone prefix in the easting)
CGCS2000_GK3_CM117 = 4548  # FE 500 000
CGCS2000_GK3_ZONE38 = 4526  # city-level Jiujiang data may use CM 114°E
CGCS2000_GK3_CM114 = 4547
CGCS2000_GK6_ZONE20 = 4498
CGCS2000_GK6_CM117 = 4509

# --- Xian 1980 ----------------------------------------------------------------------------------
XIAN80_GK3_ZONE39 = 2363
XIAN80_GK3_CM117 = 2384
XIAN80_GK3_ZONE38 = 2362
XIAN80_GK3_CM114 = 2383
XIAN80_GK6_ZONE20 = 2334
XIAN80_GK6_CM117 = 2345

# --- Beijing 1954 -------------------------------------------------------------------------------
BEIJING54_GK3_ZONE39 = 2415
BEIJING54_GK3_CM117 = 2436
BEIJING54_GK3_ZONE38 = 2414
BEIJING54_GK3_CM114 = 2435
BEIJING54_GK6_ZONE20 = 21420
BEIJING54_GK6_CM117 = 21460

#: Projected CRS used for every area and distance in the app (CGCS2000 / 3° GK CM 117°E, metres).
METRIC_CRS = CGCS2000_GK3_CM117

#: Chinese labels for the codes above (for pickers and messages).
CRS_LABELS: dict[int, str] = {
    WGS84: "WGS84 经纬度",
    CGCS2000: "CGCS2000 经纬度",
    XIAN80: "西安1980 经纬度",
    BEIJING54: "北京1954 经纬度",
    CGCS2000_GK3_ZONE39: "CGCS2000 3度带 第39带（带号前缀）",
    CGCS2000_GK3_CM117: "CGCS2000 3度带 中央经线117°E",
    CGCS2000_GK3_ZONE38: "CGCS2000 3度带 第38带（带号前缀）",
    CGCS2000_GK3_CM114: "CGCS2000 3度带 中央经线114°E",
    CGCS2000_GK6_ZONE20: "CGCS2000 6度带 第20带（带号前缀）",
    CGCS2000_GK6_CM117: "CGCS2000 6度带 中央经线117°E",
    XIAN80_GK3_ZONE39: "西安1980 3度带 第39带（带号前缀）",
    XIAN80_GK3_CM117: "西安1980 3度带 中央经线117°E",
    XIAN80_GK3_ZONE38: "西安1980 3度带 第38带（带号前缀）",
    XIAN80_GK3_CM114: "西安1980 3度带 中央经线114°E",
    XIAN80_GK6_ZONE20: "西安1980 6度带 第20带（带号前缀）",
    XIAN80_GK6_CM117: "西安1980 6度带 中央经线117°E",
    BEIJING54_GK3_ZONE39: "北京1954 3度带 第39带（带号前缀）",
    BEIJING54_GK3_CM117: "北京1954 3度带 中央经线117°E",
    BEIJING54_GK3_ZONE38: "北京1954 3度带 第38带（带号前缀）",
    BEIJING54_GK3_CM114: "北京1954 3度带 中央经线114°E",
    BEIJING54_GK6_ZONE20: "北京1954 6度带 第20带（带号前缀）",
    BEIJING54_GK6_CM117: "北京1954 6度带 中央经线117°E",
}

#: Geographic base CRSs whose shift to CGCS2000 needs local parameters PROJ does not have.
UNSHIFTED_DATUMS: frozenset[int] = frozenset({XIAN80, BEIJING54})


def as_crs(crs: CRSLike) -> CRS:
    """Normalise an EPSG code, string or :class:`pyproj.CRS` to a ``CRS``."""
    return crs if isinstance(crs, CRS) else CRS.from_user_input(crs)


@lru_cache(maxsize=64)
def _transformer_cached(src_wkt: str, dst_wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(src_wkt), CRS.from_wkt(dst_wkt), always_xy=True)


def transformer(src: CRSLike, dst: CRSLike) -> Transformer:
    """Return a cached ``pyproj.Transformer`` from ``src`` to ``dst`` with ``always_xy=True``."""
    return _transformer_cached(as_crs(src).to_wkt(), as_crs(dst).to_wkt())


def geodetic_base_epsg(crs: CRSLike) -> int | None:
    """EPSG code of the geographic CRS underlying ``crs`` (None if unknown)."""
    c = as_crs(crs)
    base = c.geodetic_crs
    return None if base is None else base.to_epsg()


def is_unshifted_datum(crs: CRSLike) -> bool:
    """Tell whether ``crs`` is Xian 1980 / Beijing 1954 based (PROJ shifts those to CGCS2000 by zero)."""
    return geodetic_base_epsg(crs) in UNSHIFTED_DATUMS


def _require_crs(gdf: gpd.GeoDataFrame, layer: str) -> CRS:
    if gdf.crs is None:
        raise MissingCRSError(layer)
    return as_crs(gdf.crs)


def to_cgcs2000(gdf: gpd.GeoDataFrame, *, layer: str = "图层") -> gpd.GeoDataFrame:
    """Return a new frame in EPSG:4490.

    ``attrs["datum_approximate"]`` is set True when the source datum (Xian 1980 / Beijing 1954) could only
    be converted with PROJ's zero-shift ballpark; callers must show such a layer as approximate.
    """
    src = _require_crs(gdf, layer)
    approximate = is_unshifted_datum(src)
    out = gdf.copy() if src.to_epsg() == CGCS2000 else gdf.to_crs(CGCS2000)
    out.attrs["datum_approximate"] = bool(gdf.attrs.get("datum_approximate", False) or approximate)
    return out


def to_metric(gdf: gpd.GeoDataFrame, *, layer: str = "图层") -> gpd.GeoDataFrame:
    """Return a new frame in the metric CRS (EPSG:4548) for areas, buffers and distances."""
    _require_crs(gdf, layer)
    return gdf.to_crs(METRIC_CRS)


def require_crs(gdf: gpd.GeoDataFrame, expected: CRSLike, *, layer: str = "图层") -> None:
    """Raise :class:`CRSMismatchError` unless ``gdf`` is in ``expected``."""
    actual = _require_crs(gdf, layer)
    if not actual.equals(as_crs(expected)):
        raise CRSMismatchError(as_crs(expected).to_string(), actual.to_string(), layer)


def project_geometry(geom: BaseGeometry, src: CRSLike = CGCS2000, dst: CRSLike = METRIC_CRS) -> BaseGeometry:
    """Transform one shapely geometry between CRSs (default: CGCS2000 lon/lat → EPSG:4548 metres)."""
    t = transformer(src, dst)

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = t.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def area_km2(obj: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry, crs: CRSLike = CGCS2000) -> Any:
    """Area in km² computed in EPSG:4548 (a Series for frames/series, a float for one geometry).

    ``crs`` is used only for a bare shapely geometry; frames use their own CRS.
    Within the district the Gauss-Krüger scale error is below 0.05 % of the area.
    """
    if isinstance(obj, BaseGeometry):
        return float(project_geometry(obj, crs, METRIC_CRS).area / 1e6)
    if obj.crs is None:
        raise MissingCRSError("图层")
    return obj.to_crs(METRIC_CRS).area / 1e6


def distance_m(a: BaseGeometry, b: BaseGeometry, crs: CRSLike = CGCS2000) -> float:
    """Shortest distance in metres between two geometries given in ``crs`` (computed in EPSG:4548)."""
    return float(project_geometry(a, crs, METRIC_CRS).distance(project_geometry(b, crs, METRIC_CRS)))


def check_lonlat(lon: ArrayLike, lat: ArrayLike, *, lon_field: str = "经度", lat_field: str = "纬度") -> None:
    """Raise :class:`CoordinateOutOfRangeError` for the first longitude/latitude outside ±180 / ±90."""
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    bad_lon = lon_a[~(np.abs(lon_a) <= 180.0)]
    if bad_lon.size:
        raise CoordinateOutOfRangeError(lon_field, float(bad_lon[0]), "−180 至 180 度")
    bad_lat = lat_a[~(np.abs(lat_a) <= 90.0)]
    if bad_lat.size:
        raise CoordinateOutOfRangeError(lat_field, float(bad_lat[0]), "−90 至 90 度")
