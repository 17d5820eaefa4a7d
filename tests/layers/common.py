"""Tiny in-code layers shared by the layer tests (no files, no network)."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from compliance.status import Basis, SiteStatus, Status

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = '"><script>alert(1)</script>'
XSS = (XSS_IMG, XSS_SCRIPT)


def box(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    return Polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])


def sites_gdf() -> gpd.GeoDataFrame:
    """One site per kind (plus a line, a polygon, hostile names and a site without geometry)."""
    rows = [
        ("W-1", "赛城湖口", "water_section", Point(115.80, 29.70), True, False, None, 2),
        ("W-2", XSS_IMG, "water_section", Point(115.85, 29.66), True, True, XSS_SCRIPT, 3),
        ("DW-1", "城门水源地", "drinking_source", Point(115.95, 29.60), True, True, "位置待核实：示意", 2),
        ("AIR-1", "柴桑区环保局", "air_station", Point(115.92, 29.62), True, False, None, None),
        ("WWTP-1", "赤湖污水处理厂", "wwtp", Point(115.70, 29.75), True, False, None, None),
        ("PRJ-1", "沙河整治", "project", LineString([(115.88, 29.60), (115.90, 29.62)]), True, True, None, None),
        ("PRJ-2", "小腊子山", "project", box(115.99, 29.55, 116.01, 29.57), True, True, None, None),
        ("ENT-1", "某水泥厂", "enterprise", Point(115.75, 29.72), True, False, None, None),
        ("PARK-1", "城西港区", "park", box(115.90, 29.70, 115.93, 29.72), True, True, None, None),
        ("SHIP-1", "赤湖码头", "ship_waste", Point(115.71, 29.76), False, True, None, None),
        ("T-1", XSS_SCRIPT, "task", Point(115.96, 29.64), False, False, None, None),
        ("W-EMPTY", "无坐标点", "water_section", None, True, True, None, 3),
    ]
    cols = ["site_id", "name", "kind", "geometry", "sample", "approximate", "location_note", "target_class"]
    return gpd.GeoDataFrame([dict(zip(cols, r, strict=True)) for r in rows], geometry="geometry", crs=4490)


def statuses() -> dict[str, SiteStatus]:
    """Statuses for all sites but AIR-1 (which therefore shows 无数据)."""
    basis = (Basis(param="TP", value=0.25, unit="mg/L", limit=0.2, standard="GB 3838-2002", target="Ⅲ类"),)
    return {
        "W-1": SiteStatus(Status.GOOD, "Ⅱ类，达到Ⅱ类目标", detail={"date": "2026-10-15", "label": "Ⅱ类"}),
        "W-2": SiteStatus(
            Status.EXCEED,
            XSS_SCRIPT,
            basis,
            detail={"sample_date": "2026-10-15", "values": {"TP": 0.25, "NH3N": XSS_IMG}, "target": 3},
        ),
        "DW-1": SiteStatus(Status.WARN, "总磷接近限值", detail={"values": {"TP": "0.045 mg/L"}}),
        "WWTP-1": SiteStatus(Status.EXCEED, "COD 超一级A", detail={"standard": "GB 18918-2002"}),
        "PRJ-1": SiteStatus(Status.DELAYED, "进度滞后"),
        "PRJ-2": SiteStatus(Status.ON_TRACK, "按期推进"),
        "ENT-1": SiteStatus(Status.INFO, "仅标示位置"),
        "PARK-1": SiteStatus(Status.INFO, "仅标示位置"),
        "SHIP-1": SiteStatus(Status.INFO, "仅标示位置"),
        "T-1": SiteStatus(Status.OVERDUE, XSS_IMG),
    }


def townships_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": ["沙河街道", XSS_IMG, "江洲镇"],
            "approximate": [True, True, False],
            "note": ["示意：按驻地推算", XSS_SCRIPT, None],
            "seat_lon": [115.88, None, 116.10],
            "seat_lat": [29.60, None, 29.80],
        },
        geometry=[
            box(115.8, 29.5, 115.95, 29.65),
            box(115.95, 29.5, 116.1, 29.65),
            MultiPolygon([box(116.05, 29.75, 116.15, 29.85), box(116.16, 29.75, 116.2, 29.8)]),
        ],
        crs=4490,
    )


def district_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["柴桑区"]}, geometry=[box(115.62, 29.34, 116.26, 29.85)], crs=4490)


def neighbours_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["濂溪区", XSS_SCRIPT]},
        geometry=[box(115.9, 29.2, 116.1, 29.34), box(115.4, 29.5, 115.62, 29.7)],
        crs=4490,
    )
