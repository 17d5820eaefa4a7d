"""WGS84 / GCJ-02 / BD-09 conversions, checked against an independent implementation (prcoords, CC0)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import prcoords
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon

from geo.errors import CoordinateOutOfRangeError, GeoError, UnknownConversionError
from geo.offset import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china_box,
    offset_metres,
    shift_frame,
    shift_geometry,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# A grid over the district (115.62–116.26 E, 29.34–29.85 N).
LON, LAT = (a.ravel() for a in np.meshgrid(np.linspace(115.62, 116.26, 9), np.linspace(29.34, 29.85, 7)))
M_PER_DEG_LAT = 110_850.0  # at ≈29.6° N


def _metres(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    dx = (np.asarray(lon1) - lon2) * M_PER_DEG_LAT * np.cos(np.radians(lat2))
    dy = (np.asarray(lat1) - lat2) * M_PER_DEG_LAT
    return np.hypot(dx, dy)


def test_forward_matches_independent_implementation() -> None:
    g_lon, g_lat = wgs84_to_gcj02(LON, LAT)
    ref = np.array([prcoords.wgs_gcj((la, lo)) for lo, la in zip(LON, LAT, strict=True)])
    assert _metres(g_lon, g_lat, ref[:, 1], ref[:, 0]).max() < 0.001


def test_offset_magnitude_and_direction_in_district() -> None:
    d = offset_metres(LON, LAT)
    assert d.min() > 540
    assert d.max() < 600
    g_lon, g_lat = wgs84_to_gcj02(115.95, 29.65)
    east = (g_lon - 115.95) * M_PER_DEG_LAT * math.cos(math.radians(29.65))
    north = (g_lat - 29.65) * M_PER_DEG_LAT
    # GCJ-02 coordinates lie ≈480 m east and ≈300 m south of the true position here.
    assert 440 < east < 520
    assert -340 < north < -260


def test_inverse_round_trip_is_sub_millimetre() -> None:
    g_lon, g_lat = wgs84_to_gcj02(LON, LAT)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert _metres(w_lon, w_lat, LON, LAT).max() < 1e-6


def test_inverse_matches_independent_iterative_inverse_and_beats_one_step() -> None:
    w_lon, w_lat = gcj02_to_wgs84(LON, LAT)
    bored = np.array([prcoords.gcj_wgs_bored((la, lo)) for lo, la in zip(LON, LAT, strict=True)])
    rough = np.array([prcoords.gcj_wgs((la, lo)) for lo, la in zip(LON, LAT, strict=True)])
    assert _metres(w_lon, w_lat, bored[:, 1], bored[:, 0]).max() < 0.01
    # The one-step inverse is metres off here: the iteration is what makes the result exact.
    assert _metres(w_lon, w_lat, rough[:, 1], rough[:, 0]).max() > 1.0


@settings(max_examples=200, deadline=None)
@given(st.floats(73.0, 135.0), st.floats(3.0, 53.0))
def test_round_trip_anywhere_in_china(lon: float, lat: float) -> None:
    w_lon, w_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert abs(w_lon - lon) < 1e-9
    assert abs(w_lat - lat) < 1e-9


def test_identity_outside_china_box() -> None:
    lon = np.array([2.35, -74.0, 140.0])
    lat = np.array([48.85, 40.7, 35.0])
    assert not in_china_box(lon, lat).any()
    for func in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = func(lon, lat)
        np.testing.assert_array_equal(out_lon, lon)
        np.testing.assert_array_equal(out_lat, lat)


def test_bd09_against_oracle_and_round_trip() -> None:
    g_lon, g_lat = wgs84_to_gcj02(LON, LAT)
    b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
    ref = np.array([prcoords.gcj_bd((la, lo)) for lo, la in zip(g_lon, g_lat, strict=True)])
    assert _metres(b_lon, b_lat, ref[:, 1], ref[:, 0]).max() < 0.001
    back_lon, back_lat = bd09_to_gcj02(b_lon, b_lat)
    assert _metres(back_lon, back_lat, g_lon, g_lat).max() < 1e-6
    w_lon, w_lat = bd09_to_wgs84(*wgs84_to_bd09(LON, LAT))
    assert _metres(w_lon, w_lat, LON, LAT).max() < 1e-6
    # WGS84 data on Baidu tiles is ≈1.1–1.2 km off in this district.
    total = _metres(b_lon, b_lat, LON, LAT)
    assert total.min() > 1000
    assert total.max() < 1300


def test_scalars_stay_scalars_and_arrays_keep_shape() -> None:
    lon, lat = wgs84_to_gcj02(115.9, 29.6)
    assert isinstance(lon, float)
    assert isinstance(lat, float)
    grid_lon = LON.reshape(7, 9)
    out_lon, out_lat = gcj02_to_wgs84(grid_lon, LAT.reshape(7, 9))
    assert out_lon.shape == (7, 9)
    assert out_lat.shape == (7, 9)


@pytest.mark.parametrize(("lon", "lat", "field"), [(115.9, 95.0, "纬度"), (200.0, 29.6, "经度")])
def test_out_of_range_raises_chinese_error(lon: float, lat: float, field: str) -> None:
    with pytest.raises(CoordinateOutOfRangeError, match=field) as info:
        wgs84_to_gcj02(lon, lat)
    assert isinstance(info.value, GeoError)
    assert "超出有效范围" in str(info.value)


def test_shift_geometry_moves_every_vertex() -> None:
    poly = Polygon([(115.8, 29.6), (115.9, 29.6), (115.9, 29.7), (115.8, 29.6)])
    shifted = shift_geometry(poly, "wgs84_to_gcj02")
    src = np.asarray(poly.exterior.coords)
    got = np.asarray(shifted.exterior.coords)
    exp_lon, exp_lat = wgs84_to_gcj02(src[:, 0], src[:, 1])
    np.testing.assert_allclose(got, np.column_stack([exp_lon, exp_lat]), rtol=0, atol=1e-12)
    back = shift_geometry(shifted, "gcj02_to_wgs84")
    assert back.equals_exact(poly, tolerance=1e-10)


def test_shift_frame_returns_new_frame() -> None:
    gdf = gpd.GeoDataFrame(
        {"name": ["点", "线"]},
        geometry=[Point(115.95, 29.65), LineString([(115.8, 29.5), (116.0, 29.7)])],
        crs=4490,
    )
    before = gdf.geometry.copy()
    out = shift_frame(gdf, "wgs84_to_gcj02")
    assert out is not gdf
    assert gdf.geometry.geom_equals(before).all()  # input untouched
    assert out.crs == gdf.crs
    assert list(out["name"]) == ["点", "线"]
    lon, lat = wgs84_to_gcj02(115.95, 29.65)
    assert out.geometry.iloc[0].equals_exact(Point(lon, lat), tolerance=1e-12)


def test_unknown_conversion_raises() -> None:
    with pytest.raises(UnknownConversionError, match="未知的坐标偏移转换"):
        shift_geometry(Point(115.9, 29.6), "wgs84_to_mars")
