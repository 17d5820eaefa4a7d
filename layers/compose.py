"""The whole map assembled from its layers, in the order the layers expect (pure folium)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd

from compliance.status import SiteStatus
from layers._features import truthy
from layers.basemaps import DEFAULT_BASEMAP, add_layer_control, build_map
from layers.boundaries import build_district, build_neighbours, build_townships
from layers.legend import build_legend
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
