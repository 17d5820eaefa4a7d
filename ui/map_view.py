"""The map component and its caches: statuses per period, the site table, the composed map.

Cache keys are small hashables: the data version (``ui.data.current_version``), the period, the filter state
(``layers.view.ViewState``) and the map options — never the frames themselves (those are ``_``-prefixed, so
Streamlit does not hash them).  Panning and zooming never rerun the page: ``st_folium`` only reports
``last_active_drawing`` (a click on a site or, in the roll-up, a township).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from compliance.periods import clamp_as_of
from compliance.rollup import problems_by_township
from compliance.status import SiteStatus
from geo.offset import gcj02_to_wgs84
from layers.basemaps import get_basemap
from layers.compose import MapOptions, SplitMap, compose_split
from layers.sitetable import site_table
from layers.view import ViewState, filter_table
from service import District
from ui.data import MapData, current_district
from ui.store import get_store, store_version

MAP_KEY = "site_map"


def current_version() -> str:
    """The store's data version (changes on every write): the key of every cache here."""
    return store_version(get_store())


def register_of(data: MapData) -> pd.DataFrame:
    """The register part of the map features (everything but tasks)."""
    return data.features[data.features["kind"] != "task"]


def period_district(data: MapData, period: str) -> District:
    """The district at the end of ``period`` ('' = the default evaluation date), from the service's cache."""
    if not period:
        return current_district(data.as_of)
    return current_district(clamp_as_of(period, data.data_end))


def statuses_for(data: MapData, period: str) -> dict[str, SiteStatus]:
    """Statuses of ``period`` for the current data version (tasks opened later did not exist yet)."""
    return dict(period_district(data, period).statuses)


@st.cache_resource(show_spinner=False, max_entries=48)
def _table(version: str, period: str, _features: pd.DataFrame, _statuses: Mapping[str, SiteStatus]) -> pd.DataFrame:
    del version, period
    return site_table(_features, dict(_statuses))


def table_for(data: MapData, period: str) -> pd.DataFrame:
    """The site table (``layers.sitetable``) of ``period``: the features and statuses of that date."""
    d = period_district(data, period)
    return _table(d.version, d.as_of.isoformat(), d.features, d.statuses)


@st.cache_resource(show_spinner="正在绘制地图…", max_entries=24)
def _map(
    version: str, period: str, view: ViewState, options: MapOptions, _data: MapData, _table: pd.DataFrame
) -> SplitMap:
    del version, period
    shown = filter_table(_table, view)
    problems = problems_by_township(filter_table(_table, view.with_(townships=())))
    return compose_split(
        shown, district=_data.district, neighbours=_data.neighbours, townships=_data.townships,
        options=options, problems_by_township=problems,
    )


def build_map_cached(data: MapData, view: ViewState, options: MapOptions) -> SplitMap:
    """The composed map for this view, built once per (data version, period, filters, options)."""
    table = table_for(data, view.period)
    key_view = view.with_(site="", basemap="")  # selection and basemap do not change the drawn sites
    return _map(current_version(), view.period, key_view, options, data, table)


def show_map(
    split: SplitMap,
    *,
    height: int = 680,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> dict[str, Any] | None:
    """Render the map; only a click on a feature reruns (pan/zoom do not).  ``center``: (lat, lon).

    The base map depends on the map options only; the site groups, the roll-up choropleth and the legend counts
    go in as ``feature_group_to_add``, so after a filter change streamlit-folium swaps them in the running map
    (no reload; the user's pan and zoom stay).  ``st_folium`` rewrites element ids of what it is given, so the
    cached objects are never passed themselves: each run renders a deep copy (milliseconds — the site payloads
    are immutable strings, shared, not copied).
    """
    base, groups = copy.deepcopy((split.base, split.groups))
    return st_folium(
        base,
        feature_group_to_add=groups,
        layer_control=folium.LayerControl(collapsed=False),
        key=MAP_KEY,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        center=center,
        zoom=zoom,
    )


def clicked(result: dict[str, Any] | None) -> dict[str, Any]:
    """Properties of the last clicked feature ({} when none)."""
    drawing = (result or {}).get("last_active_drawing") or {}
    return dict(drawing.get("properties") or {})


def clicked_position(result: dict[str, Any] | None, basemap: str) -> tuple[float, float] | None:
    """(lon, lat) in CGCS2000 of the clicked feature: GCJ-02 display positions are shifted back first."""
    geometry = ((result or {}).get("last_active_drawing") or {}).get("geometry") or {}
    if geometry.get("type") != "Point":
        return None
    lon, lat = geometry["coordinates"][:2]
    if get_basemap(basemap).gcj02:
        lon, lat = gcj02_to_wgs84(lon, lat)
    return float(lon), float(lat)


def as_of_text(data: MapData, period: str) -> dt.date:
    """The evaluation date the colours stand for."""
    return clamp_as_of(period, data.data_end) if period else data.as_of
