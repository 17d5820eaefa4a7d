"""The whole map assembled from its layers, in the order the layers expect (pure folium)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import pandas as pd

from compliance.status import SiteStatus, status_color
from geo.offset import CONVERSIONS, shift_frame, shift_geometry
from layers._features import truthy
from layers.basemaps import DEFAULT_BASEMAP, TileSpec, add_layer_control, build_map, get_basemap
from layers.boundaries import (
    ROLLUP_BANDS,
    build_district,
    build_neighbours,
    build_township_rollup,
    build_townships,
    for_display,
)
from layers.fastsites import build_compact_groups, payload_bytes
from layers.legend import LiveLegend, build_legend, group_status_counts, live_legend_html
from layers.sites import build_site_groups, site_features


@dataclass(frozen=True)
class ComposedMap:
    """A folium map and the site features drawn on it (for counts and tests)."""

    map: folium.Map
    features: list[dict[str, Any]]


def compose_map(
    features: gpd.GeoDataFrame,
    statuses: Mapping[str, SiteStatus],
    *,
    district: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    townships: gpd.GeoDataFrame,
    basemap: str = DEFAULT_BASEMAP,
    tianditu_key: str | None = None,
) -> ComposedMap:
    """Map of the district: context, boundaries, one group per site kind, legend and layer control."""
    minx, miny, maxx, maxy = district.total_bounds
    m = build_map(((miny + maxy) / 2, (minx + maxx) / 2), 10, basemap, tianditu_key)
    build_neighbours(neighbours).add_to(m)
    build_district(district).add_to(m)
    build_townships(townships).add_to(m)
    feats = site_features(features, statuses)
    for group in build_site_groups(feats):
        group.add_to(m)
    approximate = "approximate" in townships and bool(townships["approximate"].map(truthy).any())
    build_legend(feats, approximate_boundaries=approximate).add_to(m)
    add_layer_control(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return ComposedMap(m, feats)


# ----------------------------------------------------------------------------------------------- fast path
NEIGHBOUR_TOLERANCE = 0.002  # degrees (≈200 m): context only
DISTRICT_TOLERANCE = 0.0003
TOWNSHIP_TOLERANCE = 0.0005


@dataclass(frozen=True)
class MapOptions:
    """What the map shows besides the sites (hashable: part of the cache key)."""

    basemap: str = DEFAULT_BASEMAP
    tianditu_key: str | None = None
    custom: TileSpec | None = None
    townships: bool = True  # 乡镇边界
    background: bool = True  # 背景: district outline and neighbouring districts
    rollup: bool = False  # townships as a choropleth of problems (clickable)
    approximate_boundaries: bool = True
    sample: bool = False
    fit: tuple[tuple[float, float], tuple[float, float]] | None = None  # ((south, west), (north, east))


@dataclass(frozen=True)
class FastMap:
    """The map, the table drawn (display coordinates) and the bytes of its site payload."""

    map: folium.Map
    table: pd.DataFrame
    payload_bytes: int


def rollup_legend_rows() -> tuple[str, ...]:
    """Legend rows of the township choropleth bands (palette colours)."""
    return tuple(
        f'<div class="legend-row legend-rollup" data-key="rollup-{low}"><span style="display:inline-block;'
        f'width:14px;height:10px;background:{status_color(status)};opacity:.6;margin-right:6px"></span>'
        f"乡镇：{text}</div>"
        for low, status, text in ROLLUP_BANDS
    )


def shift_table(table: pd.DataFrame, conversion: str = "wgs84_to_gcj02") -> pd.DataFrame:
    """A copy of a site table with lon/lat and geometries shifted (GCJ-02 basemaps)."""
    out = table.copy()
    func = CONVERSIONS[conversion]
    lon, lat = func(out["lon"].to_numpy(float), out["lat"].to_numpy(float))
    out["lon"], out["lat"] = lon, lat
    shapes = out["geom_type"] != "Point"
    if shapes.any():
        out.loc[shapes, "geometry"] = [shift_geometry(g, conversion) for g in out.loc[shapes, "geometry"]]
    return out


def compose_fast(
    table: pd.DataFrame,
    *,
    district: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    townships: gpd.GeoDataFrame,
    options: MapOptions = MapOptions(),
    problems_by_township: Mapping[str, int] | None = None,
) -> FastMap:
    """Map of a (filtered) site table with compact canvas layers, boundaries, live legend and layer control.

    With a GCJ-02 basemap (高德) every overlay — sites, district, neighbours, townships — is shifted to GCJ-02
    for display; ``ui`` shifts clicked coordinates back with ``geo.offset.gcj02_to_wgs84`` before use.
    """
    spec = get_basemap(options.basemap)
    district = for_display(district, DISTRICT_TOLERANCE, 1e-5)
    neighbours = for_display(neighbours, NEIGHBOUR_TOLERANCE)
    townships = for_display(townships, TOWNSHIP_TOLERANCE, 1e-5)
    if spec.gcj02:
        table = shift_table(table)
        district, neighbours, townships = (
            shift_frame(g, "wgs84_to_gcj02") for g in (district, neighbours, townships)
        )
    minx, miny, maxx, maxy = district.total_bounds
    m = build_map(
        ((miny + maxy) / 2, (minx + maxx) / 2), 10, options.basemap, options.tianditu_key, custom=options.custom,
        lean=True,
    )
    # fit first: the sites are then projected once, not again by a later view change
    if options.fit is not None:
        (south, west), (north, east) = options.fit
        if spec.gcj02:
            (west, east), (south, north) = CONVERSIONS["wgs84_to_gcj02"]([west, east], [south, north])
        m.fit_bounds([[float(south), float(west)], [float(north), float(east)]])
    else:
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    if options.background:
        background = folium.FeatureGroup(name="背景")
        build_neighbours(neighbours).add_to(background)
        build_district(district).add_to(background)
        background.add_to(m)
    if options.townships:
        if options.rollup:
            build_township_rollup(townships, problems_by_township or {}).add_to(m)
        else:
            build_townships(townships, name="乡镇边界").add_to(m)
    groups = build_compact_groups(table)
    for group in groups:
        group.add_to(m)
    counts = group_status_counts(table)
    extra = rollup_legend_rows() if options.rollup and options.townships else ()
    html = live_legend_html(
        counts, sample=options.sample, approximate_boundaries=options.approximate_boundaries, extra_rows=extra
    )
    LiveLegend(html, counts).add_to(m)
    add_layer_control(m)
    return FastMap(m, table, payload_bytes(groups))
