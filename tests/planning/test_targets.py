from __future__ import annotations

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, box

from compliance.status import SiteStatus, Status
from planning.errors import PlanningError
from planning.targets import Circle, TargetFilter, choose_targets

GEOD = Geod(ellps="WGS84")


@pytest.fixture
def frame() -> tuple[gpd.GeoDataFrame, dict[str, SiteStatus]]:
    rows = [
        ("W-1", "甲断面", "water_section", "沙河街道", Point(115.88, 29.60), Status.EXCEED),
        ("W-2", "乙断面", "water_section", "港口街镇", Point(115.80, 29.71), Status.GOOD),
        ("A-1", "空气站", "air_station", "沙河街道", Point(115.885, 29.605), Status.EXCEED),
        ("T-1", "排口整治", "task", "沙河街道", Point(115.89, 29.61), Status.OVERDUE),
        ("T-2", "秸秆焚烧", "task", "涌泉乡", None, Status.OVERDUE),
        ("T-3", "已整改", "task", "涌泉乡", Point(115.66, 29.61), Status.CLOSED),
        ("R-1", "沙河段", "water_section", "沙河街道", LineString([(115.70, 29.50), (115.72, 29.52)]),
         Status.EXCEED),
    ]
    gdf = gpd.GeoDataFrame(
        {"site_id": [r[0] for r in rows], "name": [r[1] for r in rows], "kind": [r[2] for r in rows],
         "township": [r[3] for r in rows]}, geometry=[r[4] for r in rows], crs=4490)
    statuses = {r[0]: SiteStatus(r[5], f"{r[1]}的说明") for r in rows}
    return gdf, statuses


def test_default_filter_takes_every_exceedance_and_every_overdue_task(frame) -> None:
    gdf, sts = frame
    sel = choose_targets(gdf, sts)
    assert set(sel.targets["site_id"]) == {"W-1", "A-1", "T-1", "R-1"}
    assert sel.unlocated == ("T-2",)  # overdue but without a position: reported, not routed
    row = sel.targets.set_index("site_id").loc["T-1"]
    assert row["status_label"] == "逾期"
    assert (row["lon"], row["lat"]) == (115.89, 29.61)
    line = sel.targets.set_index("site_id").loc["R-1"]
    assert LineString([(115.70, 29.50), (115.72, 29.52)]).distance(Point(line["lon"], line["lat"])) < 1e-9


def test_kind_and_township_filters_combine(frame) -> None:
    gdf, sts = frame
    sel = choose_targets(gdf, sts, TargetFilter(statuses=None, kinds=frozenset({"water_section"}),
                                                townships=frozenset({"沙河街道"})))
    assert set(sel.targets["site_id"]) == {"W-1", "R-1"}


def test_circle_uses_metres(frame) -> None:
    gdf, sts = frame
    centre = (115.88, 29.60)
    d_a1 = GEOD.inv(*centre, 115.885, 29.605)[2]
    d_t1 = GEOD.inv(*centre, 115.89, 29.61)[2]
    assert d_a1 < d_t1
    radius = (d_a1 + d_t1) / 2
    sel = choose_targets(gdf, sts, TargetFilter(statuses=None, area=Circle(*centre, radius)))
    assert set(sel.targets["site_id"]) == {"W-1", "A-1"}
    # a radius just short of A-1 leaves it out (projected distance within 0.1 % of geodesic here)
    sel = choose_targets(gdf, sts, TargetFilter(statuses=None, area=Circle(*centre, d_a1 * 0.995)))
    assert set(sel.targets["site_id"]) == {"W-1"}


def test_polygon_area_and_lines_that_cross_it(frame) -> None:
    gdf, sts = frame
    area = box(115.71, 29.45, 115.90, 29.605)  # cuts the river reach, contains W-1 and A-1
    sel = choose_targets(gdf, sts, TargetFilter(area=area))
    assert set(sel.targets["site_id"]) == {"W-1", "A-1", "R-1"}


def test_must_include_overrides_filters(frame) -> None:
    gdf, sts = frame
    sel = choose_targets(gdf, sts, TargetFilter(include=frozenset({"W-2"})))
    assert "W-2" in set(sel.targets["site_id"])


def test_bad_inputs(frame) -> None:
    gdf, sts = frame
    with pytest.raises(PlanningError, match="半径"):
        Circle(115.9, 29.6, 0)
    with pytest.raises(PlanningError, match="多边形"):
        choose_targets(gdf, sts, TargetFilter(area=LineString([(115, 29), (116, 30)])))
    with pytest.raises(PlanningError, match="缺少列"):
        choose_targets(gdf.drop(columns="township"), sts)
    with pytest.raises(PlanningError, match="坐标系"):
        choose_targets(gdf.set_crs(3857, allow_override=True), sts)
    assert Polygon  # imported for readers: areas are shapely polygons in CGCS2000


def test_drawn_polygons_become_the_area(frame) -> None:
    from planning.targets import area_from_drawings

    gdf, sts = frame
    square = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[115.87, 29.59], [115.887, 29.59], [115.887, 29.607], [115.87, 29.607], [115.87, 29.59]]]}}
    far = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[115.65, 29.60], [115.67, 29.60], [115.67, 29.62], [115.65, 29.60]]]}}
    marker = {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [115.9, 29.6]}}
    area = area_from_drawings([square, far, marker])
    sel = choose_targets(gdf, sts, TargetFilter(statuses=None, area=area))
    assert set(sel.targets["site_id"]) == {"W-1", "A-1", "T-3"}
    assert area_from_drawings([]) is None and area_from_drawings([marker]) is None
    bow = {"geometry": {"type": "Polygon", "coordinates": [[[115.8, 29.5], [115.9, 29.6], [115.9, 29.5],
                                                             [115.8, 29.6], [115.8, 29.5]]]}}
    assert area_from_drawings([bow]).is_valid  # a self-crossing ring is repaired
