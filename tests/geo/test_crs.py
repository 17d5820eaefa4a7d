"""EPSG constants, transformers and CGCS2000 / metric helpers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from shapely.geometry import Point, box

from geo import crs as gcrs
from geo.errors import CoordinateOutOfRangeError, CRSMismatchError, GeoError, MissingCRSError


def _param(code: int, name: str) -> float:
    params = CRS.from_epsg(code).coordinate_operation.params
    return next(p.value for p in params if p.name == name)


@pytest.mark.parametrize(
    ("code", "datum", "cm", "fe"),
    [
        (gcrs.CGCS2000_GK3_ZONE39, "China 2000", 117, 39_500_000),
        (gcrs.CGCS2000_GK3_CM117, "China 2000", 117, 500_000),
        (gcrs.CGCS2000_GK3_ZONE38, "China 2000", 114, 38_500_000),
        (gcrs.CGCS2000_GK3_CM114, "China 2000", 114, 500_000),
        (gcrs.CGCS2000_GK6_ZONE20, "China 2000", 117, 20_500_000),
        (gcrs.CGCS2000_GK6_CM117, "China 2000", 117, 500_000),
        (gcrs.XIAN80_GK3_ZONE39, "Xian 1980", 117, 39_500_000),
        (gcrs.XIAN80_GK3_CM117, "Xian 1980", 117, 500_000),
        (gcrs.XIAN80_GK3_CM114, "Xian 1980", 114, 500_000),
        (gcrs.BEIJING54_GK3_ZONE39, "Beijing 1954", 117, 39_500_000),
        (gcrs.BEIJING54_GK3_CM117, "Beijing 1954", 117, 500_000),
        (gcrs.BEIJING54_GK6_CM117, "Beijing 1954", 117, 500_000),
    ],
)
def test_projected_constants_are_the_documented_projections(code: int, datum: str, cm: int, fe: int) -> None:
    c = CRS.from_epsg(code)
    assert datum in c.datum.name
    assert _param(code, "Longitude of natural origin") == cm
    assert _param(code, "False easting") == fe
    assert code in gcrs.CRS_LABELS


def test_geographic_constants() -> None:
    assert "China 2000" in CRS.from_epsg(gcrs.CGCS2000).datum.name
    assert "Xian 1980" in CRS.from_epsg(gcrs.XIAN80).datum.name
    assert "Beijing 1954" in CRS.from_epsg(gcrs.BEIJING54).datum.name


def test_transformer_is_cached_and_lon_lat_ordered() -> None:
    t = gcrs.transformer(4490, "EPSG:4548")
    assert gcrs.transformer(gcrs.CGCS2000, gcrs.METRIC_CRS) is t
    x, y = t.transform(115.95, 29.65)  # district centre, reference (398 333 E, 3 281 777 N)
    assert abs(x - 398_333) < 1
    assert abs(y - 3_281_777) < 1
    x39, _ = gcrs.transformer(4490, gcrs.CGCS2000_GK3_ZONE39).transform(115.95, 29.65)
    assert abs(x39 - 39_398_333) < 1


def test_to_cgcs2000_returns_new_frame() -> None:
    src = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(115.95, 29.65)], crs=4490)
    metric = src.to_crs(gcrs.METRIC_CRS)
    out = gcrs.to_cgcs2000(metric)
    assert out is not metric
    assert out.crs.to_epsg() == 4490
    assert metric.crs.to_epsg() == gcrs.METRIC_CRS
    assert out.geometry.iloc[0].distance(Point(115.95, 29.65)) < 1e-8
    assert out.attrs["datum_approximate"] is False
    same = gcrs.to_cgcs2000(src)
    assert same is not src


def test_to_cgcs2000_flags_xian80_and_beijing54_as_approximate() -> None:
    for code in (gcrs.XIAN80_GK3_CM117, gcrs.BEIJING54_GK3_ZONE39):
        gdf = gpd.GeoDataFrame(geometry=[Point(39_398_333 if code == 2415 else 398_333, 3_281_777)], crs=code)
        out = gcrs.to_cgcs2000(gdf)
        assert out.attrs["datum_approximate"] is True
        assert gcrs.is_unshifted_datum(code)
    assert not gcrs.is_unshifted_datum(gcrs.CGCS2000_GK3_CM117)


def test_missing_crs_raises_chinese_error() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Point(115.95, 29.65)])
    with pytest.raises(MissingCRSError, match="监测点图层缺少坐标参考系") as info:
        gcrs.to_cgcs2000(gdf, layer="监测点图层")
    assert isinstance(info.value, GeoError)
    with pytest.raises(MissingCRSError):
        gcrs.to_metric(gdf)


def test_require_crs_mismatch() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Point(115.95, 29.65)], crs=4326)
    gcrs.require_crs(gdf, 4326)
    with pytest.raises(CRSMismatchError, match="不一致"):
        gcrs.require_crs(gdf, 4490, layer="区界")


def test_area_and_distance_in_metres() -> None:
    t = gcrs.transformer(gcrs.METRIC_CRS, gcrs.CGCS2000)
    x0, y0 = 398_000.0, 3_281_000.0
    corners = np.array([t.transform(x, y) for x, y in [(x0, y0), (x0 + 1000, y0 + 1000)]])
    square = box(*corners[0], *corners[1])  # ≈1 km² in degrees
    assert abs(gcrs.area_km2(square) - 1.0) < 0.01
    series = gcrs.area_km2(gpd.GeoSeries([square, square], crs=4490))
    assert list(series.round(2)) == [1.0, 1.0]
    d = gcrs.distance_m(Point(*t.transform(x0, y0)), Point(*t.transform(x0 + 3000, y0 + 4000)))
    assert abs(d - 5000) < 0.01


def test_check_lonlat() -> None:
    gcrs.check_lonlat([115.9, 116.0], [29.6, 29.7])
    with pytest.raises(CoordinateOutOfRangeError, match=r"纬度.*3281777"):
        gcrs.check_lonlat([115.9], [3281777.0], lat_field="纬度")
