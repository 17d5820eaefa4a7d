"""WGS84 / GCJ-02 / BD-09 offset conversions (vectorised over numpy arrays, scalars stay scalars).

GCJ-02 is the obfuscated datum of Gaode/Amap, Tencent and google.cn; BD-09 is Baidu's extra
perturbation on top of it. The forward WGS84→GCJ-02 formula is the widely published public one
(Krasovsky ellipsoid, polynomial plus sine terms in (lon − 105, lat − 35)); it is the identity outside
China's rough bounding box. Neither inverse has a closed form: both are solved here by fixed-point
iteration to below ``tol`` degrees (default 1e-12°, i.e. well under 1 mm).

Store data in CGCS2000/WGS84; shift only for display on a GCJ-02/BD-09 basemap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

from geo.errors import CoordinateOutOfRangeError, UnknownConversionError

# Krasovsky 1940 ellipsoid as used by the public GCJ-02 formula.
GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323
# The box outside which GCJ-02 equals WGS84 (as in the public implementations).
CHINA_LON_MIN, CHINA_LON_MAX = 72.004, 137.8347
CHINA_LAT_MIN, CHINA_LAT_MAX = 0.8293, 55.8271
# Baidu's constant shift and perturbation.
BD_DLON = 0.0065
BD_DLAT = 0.006
_X_PI = np.pi * 3000.0 / 180.0

DEFAULT_TOL_DEG = 1e-12
DEFAULT_MAX_ITER = 50

Pair = tuple[Any, Any]
FloatArray = NDArray[np.float64]
G = TypeVar("G", bound=BaseGeometry)


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    """Broadcast to float arrays, check ranges and tell whether both inputs were scalars."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    scalar = lon_a.ndim == 0 and lat_a.ndim == 0
    lon_a, lat_a = np.broadcast_arrays(np.atleast_1d(lon_a), np.atleast_1d(lat_a))
    finite_lon = lon_a[np.isfinite(lon_a)]
    finite_lat = lat_a[np.isfinite(lat_a)]
    if finite_lon.size and (finite_lon.min() < -180.0 or finite_lon.max() > 180.0):
        bad = finite_lon[(finite_lon < -180.0) | (finite_lon > 180.0)][0]
        raise CoordinateOutOfRangeError("经度", float(bad), "−180 至 180 度")
    if finite_lat.size and (finite_lat.min() < -90.0 or finite_lat.max() > 90.0):
        bad = finite_lat[(finite_lat < -90.0) | (finite_lat > 90.0)][0]
        raise CoordinateOutOfRangeError("纬度", float(bad), "−90 至 90 度")
    return lon_a.astype(np.float64, copy=True), lat_a.astype(np.float64, copy=True), scalar


def _out(lon: NDArray[np.float64], lat: NDArray[np.float64], scalar: bool) -> Pair:
    """Return floats for scalar input, arrays otherwise."""
    if scalar:
        return float(lon[0]), float(lat[0])
    return lon, lat


def in_china_box(lon: ArrayLike, lat: ArrayLike) -> Any:
    """Whether points lie in the box where GCJ-02 differs from WGS84 (bool or bool array)."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    inside = (
        (lon_a >= CHINA_LON_MIN)
        & (lon_a <= CHINA_LON_MAX)
        & (lat_a >= CHINA_LAT_MIN)
        & (lat_a <= CHINA_LAT_MAX)
    )
    return bool(inside) if inside.ndim == 0 else inside


def _gcj_delta(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS84 in degrees, evaluated at WGS84 points (zero outside the China box)."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat_m = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sqrt_abs_x
        + common
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon_m = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sqrt_abs_x
        + common
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad_lat = np.radians(lat)
    magic = 1.0 - GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat_m * 180.0 / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon_m * 180.0 / (GCJ_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    outside = ~np.asarray(in_china_box(lon, lat), dtype=bool)
    dlat[outside] = 0.0
    dlon[outside] = 0.0
    return dlon, dlat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """WGS84 (or CGCS2000) → GCJ-02 by the public forward formula; identity outside China's box."""
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    dlon, dlat = _gcj_delta(lon_a, lat_a)
    return _out(lon_a + dlon, lat_a + dlat, scalar)


def _fixed_point_inverse(
    forward: Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]],
    lon_t: NDArray[np.float64],
    lat_t: NDArray[np.float64],
    lon0: NDArray[np.float64],
    lat0: NDArray[np.float64],
    tol: float,
    max_iter: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Solve forward(p) = target by p ← p − (forward(p) − target), starting from (lon0, lat0)."""
    lon, lat = lon0.copy(), lat0.copy()
    for _ in range(max_iter):
        f_lon, f_lat = forward(lon, lat)
        e_lon = f_lon - lon_t
        e_lat = f_lat - lat_t
        lon -= e_lon
        lat -= e_lat
        err = np.maximum(np.abs(e_lon), np.abs(e_lat))
        if not np.any(err[np.isfinite(err)] > tol):
            break
    return lon, lat


def _wgs_to_gcj_arrays(
    lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol: float = DEFAULT_TOL_DEG, max_iter: int = DEFAULT_MAX_ITER
) -> Pair:
    """GCJ-02 → WGS84 by fixed-point iteration until the forward residual is below ``tol`` degrees."""
    lon_g, lat_g, scalar = _as_arrays(lon, lat)
    d_lon, d_lat = _gcj_delta(lon_g, lat_g)  # one-step inverse as the starting point
    w_lon, w_lat = _fixed_point_inverse(
        _wgs_to_gcj_arrays, lon_g, lat_g, lon_g - d_lon, lat_g - d_lat, tol, max_iter
    )
    return _out(w_lon, w_lat, scalar)


def _gcj_to_bd_arrays(
    lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + BD_DLON, z * np.sin(theta) + BD_DLAT


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """GCJ-02 → BD-09 (Baidu) by the published analytic perturbation."""
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    return _out(*_gcj_to_bd_arrays(lon_a, lat_a), scalar)


def bd09_to_gcj02(
    lon: ArrayLike, lat: ArrayLike, *, tol: float = DEFAULT_TOL_DEG, max_iter: int = DEFAULT_MAX_ITER
) -> Pair:
    """BD-09 → GCJ-02: the usual approximate inverse, refined by fixed-point iteration to ``tol`` degrees."""
    lon_b, lat_b, scalar = _as_arrays(lon, lat)
    x = lon_b - BD_DLON
    y = lat_b - BD_DLAT
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    g_lon, g_lat = _fixed_point_inverse(
        _gcj_to_bd_arrays, lon_b, lat_b, z * np.cos(theta), z * np.sin(theta), tol, max_iter
    )
    return _out(g_lon, g_lat, scalar)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """WGS84 → BD-09 (through GCJ-02)."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    return gcj02_to_bd09(g_lon, g_lat)


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike, *, tol: float = DEFAULT_TOL_DEG) -> Pair:
    """BD-09 → WGS84 (through GCJ-02), both inverses iterated to ``tol`` degrees."""
    g_lon, g_lat = bd09_to_gcj02(lon, lat, tol=tol)
    return gcj02_to_wgs84(g_lon, g_lat, tol=tol)


CONVERSIONS: dict[str, Callable[[ArrayLike, ArrayLike], Pair]] = {
    "wgs84_to_gcj02": wgs84_to_gcj02,
    "gcj02_to_wgs84": gcj02_to_wgs84,
    "gcj02_to_bd09": gcj02_to_bd09,
    "bd09_to_gcj02": bd09_to_gcj02,
    "wgs84_to_bd09": wgs84_to_bd09,
    "bd09_to_wgs84": bd09_to_wgs84,
}


def _conversion(name: str) -> Callable[[ArrayLike, ArrayLike], Pair]:
    try:
        return CONVERSIONS[name]
    except KeyError:
        raise UnknownConversionError(name, sorted(CONVERSIONS)) from None


def shift_geometry(geom: G, conversion: str) -> G:
    """Apply an offset conversion (a key of :data:`CONVERSIONS`) to every vertex of a shapely geometry."""
    func = _conversion(conversion)

    def _xy(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        if coords.size == 0:
            return coords
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def shift_frame(gdf: gpd.GeoDataFrame, conversion: str) -> gpd.GeoDataFrame:
    """Return a new GeoDataFrame whose geometries are shifted by ``conversion`` (CRS label unchanged)."""
    func = _conversion(conversion)
    out = gdf.copy()
    geoms = np.asarray(out.geometry.values, dtype=object)

    def _xy(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        if coords.size == 0:
            return coords
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    # One vectorised call over all vertices of all geometries.
    out[out.geometry.name] = gpd.GeoSeries(shapely.transform(geoms, _xy), index=out.index, crs=out.crs)
    return out


def offset_metres(lon: ArrayLike, lat: ArrayLike) -> Any:
    """Ground distance (m, spherical approximation) between WGS84 points and their GCJ-02 positions."""
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    g_lon, g_lat = _wgs_to_gcj_arrays(lon_a, lat_a)
    r = 6371008.8
    dx = np.radians(g_lon - lon_a) * r * np.cos(np.radians(lat_a))
    dy = np.radians(g_lat - lat_a) * r
    d = np.hypot(dx, dy)
    return float(d[0]) if scalar else d
