"""Voronoi township polygons on synthetic geometry (metres)."""

from __future__ import annotations

import itertools

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, box

from geo.errors import InvalidGeometryError
from geo.townships import TOWNSHIP_NAMES, TOWNSHIP_SEATS, split_island, voronoi_townships

MAINLAND = box(0, 0, 10_000, 10_000)
ISLAND = box(12_000, 8_000, 15_000, 9_000)
DISTRICT = MultiPolygon([MAINLAND, ISLAND])
SEATS = {
    "甲": Point(2_000, 2_000),
    "乙": Point(8_000, 3_000),
    "丙": Point(5_000, 8_000),
    "岛": Point(13_000, 8_500),
}


def test_seat_table_lists_the_eleven_units() -> None:
    assert len(TOWNSHIP_SEATS) == 11 == len(set(TOWNSHIP_NAMES))
    assert {"沙河街道", "狮子街道", "港口街镇", "江洲镇", "新塘乡"} <= set(TOWNSHIP_NAMES)
    for s in TOWNSHIP_SEATS:
        assert 115.6 < s.lon < 116.3
        assert 29.3 < s.lat < 29.9


def test_island_goes_wholly_to_island_township() -> None:
    cells = voronoi_townships(DISTRICT, SEATS, "岛")
    assert cells["岛"].equals(MultiPolygon([ISLAND]))
    for name in ("甲", "乙", "丙"):
        assert cells[name].intersection(ISLAND).area == 0
        assert cells[name].covers(SEATS[name])


def test_cells_tile_the_district_without_overlap() -> None:
    cells = voronoi_townships(DISTRICT, SEATS, "岛")
    union = shapely.union_all(list(cells.values()))
    assert union.symmetric_difference(DISTRICT).area < 1e-6
    for a, b in itertools.combinations(cells.values(), 2):
        assert a.intersection(b).area < 1e-6
    assert all(g.is_valid for g in cells.values())


def test_cell_boundaries_are_perpendicular_bisectors() -> None:
    cells = voronoi_townships(DISTRICT, SEATS, "岛")
    # A point nearer to 甲 than to any other mainland seat lies in 甲's cell.
    probe = Point(3_000, 3_500)
    nearest = min(("甲", "乙", "丙"), key=lambda n: SEATS[n].distance(probe))
    assert cells[nearest].covers(probe)


def test_split_island_picks_part_nearest_seat() -> None:
    mainland, island = split_island(DISTRICT, Point(14_000, 9_500))
    assert island.equals(ISLAND)
    assert mainland.equals(MAINLAND)


def test_single_part_district_and_missing_island_seat_raise() -> None:
    with pytest.raises(InvalidGeometryError, match="找不到江中岛屿"):
        voronoi_townships(MAINLAND, SEATS, "岛")
    with pytest.raises(InvalidGeometryError, match="缺少岛屿乡镇"):
        voronoi_townships(DISTRICT, {k: v for k, v in SEATS.items() if k != "岛"}, "岛")
