"""The whole map assembled from its layers, in the order the layers expect (pure folium)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from compliance.status import status_color
from geo.offset import CONVERSIONS, shift_frame, shift_geometry
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
from layers.legend import LegendUpdate, LiveLegend, group_status_counts, live_legend_html

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


@dataclass(frozen=True)
class SplitMap:
    """The map in two parts, for ``st_folium(base, feature_group_to_add=groups, layer_control=...)``.

    ``base`` depends on the map options only (basemap, context layers, legend frame, view), so a filter change
    keeps the same map script: streamlit-folium then swaps ``groups`` (sites, the roll-up choropleth and the
    legend counts) in the running map — no reload, the user's pan and zoom are kept.
    """

    base: folium.Map
    groups: list[folium.FeatureGroup]
    table: pd.DataFrame
    payload_bytes: int


def _prepare(
    table: pd.DataFrame,
    district: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    townships: gpd.GeoDataFrame,
    gcj02: bool,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    district = for_display(district, DISTRICT_TOLERANCE, 1e-5)
    neighbours = for_display(neighbours, NEIGHBOUR_TOLERANCE)
    townships = for_display(townships, TOWNSHIP_TOLERANCE, 1e-5)
    if gcj02:
        table = shift_table(table)
        district, neighbours, townships = (
            shift_frame(g, "wgs84_to_gcj02") for g in (district, neighbours, townships)
        )
    return table, district, neighbours, townships


def compose_split(
    table: pd.DataFrame,
    *,
    district: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    townships: gpd.GeoDataFrame,
    options: MapOptions = MapOptions(),
    problems_by_township: Mapping[str, int] | None = None,
) -> SplitMap:
    """Base map (options only) and the filter-dependent groups; see ``SplitMap``.

    With a GCJ-02 basemap (高德) every overlay — sites, district, neighbours, townships — is shifted to GCJ-02
    for display; ``ui`` shifts clicked coordinates back with ``geo.offset.gcj02_to_wgs84`` before use.
    """
    spec = get_basemap(options.basemap)
    table, district, neighbours, townships = _prepare(table, district, neighbours, townships, spec.gcj02)
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
    if options.townships and not options.rollup:
        build_townships(townships, name="乡镇边界").add_to(m)
    extra = rollup_legend_rows() if options.rollup and options.townships else ()
    LiveLegend(
        live_legend_html({}, sample=options.sample, approximate_boundaries=options.approximate_boundaries,
                         extra_rows=extra), {}
    ).add_to(m)
    groups: list[folium.FeatureGroup] = []
    if options.townships and options.rollup:
        groups.append(build_township_rollup(townships, problems_by_township or {}))
    sites = build_compact_groups(table)
    groups.extend(sites)
    counts = group_status_counts(table)
    legend = folium.FeatureGroup(name="图例计数", control=False)
    html = live_legend_html(
        counts, sample=options.sample, approximate_boundaries=options.approximate_boundaries, extra_rows=extra
    )
    LegendUpdate(html, counts).add_to(legend)
    groups.append(legend)
    return SplitMap(m, groups, table, payload_bytes(sites))


def compose_fast(
    table: pd.DataFrame,
    *,
    district: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    townships: gpd.GeoDataFrame,
    options: MapOptions = MapOptions(),
    problems_by_township: Mapping[str, int] | None = None,
) -> FastMap:
    """One self-contained map (``compose_split`` with its groups added and a layer control): bench, exports."""
    split = compose_split(
        table, district=district, neighbours=neighbours, townships=townships, options=options,
        problems_by_township=problems_by_township,
    )
    for group in split.groups:
        group.add_to(split.base)
    add_layer_control(split.base)
    return FastMap(split.base, split.table, split.payload_bytes)
