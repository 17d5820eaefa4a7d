"""The screens' access to the one data path (:mod:`service`): the district and the briefing of the store.

The service caches the store's snapshot per data version and each evaluation per (version, date, settings), so
nothing here caches data by itself except the assembled briefing, keyed by the store's data version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from briefing import Briefing, build_store_briefing, entries_path, inspection_plan
from compliance.indicators import load_entries
from compliance.status import SiteStatus
from service import District, EvalSettings, district_as_of
from ui.store import get_store, store_version


@dataclass(frozen=True)
class MapData:
    """What the map page draws: features with statuses, boundaries, the evaluation date."""

    features: gpd.GeoDataFrame
    statuses: dict[str, SiteStatus]
    district: gpd.GeoDataFrame
    neighbours: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    as_of: dt.date
    data_end: dt.date
    sample: bool
    measurements: pd.DataFrame
    progress: pd.DataFrame
    tasks: gpd.GeoDataFrame
    approximate_boundaries: bool
    problems: pd.DataFrame
    version: str


def current_district(as_of: dt.date | None = None) -> District:
    """The district on ``as_of`` (default: ``CHAISANG_AS_OF``, else the end of the latest month with data)."""
    return district_as_of(get_store(), as_of, EvalSettings.from_config())


def map_data(as_of: dt.date | None = None) -> MapData:
    """The map data for the current settings: a view of :func:`current_district`."""
    d = current_district(as_of)
    ds = d.dataset
    return MapData(
        features=d.features, statuses=dict(d.statuses), district=ds.district, neighbours=ds.neighbours,
        townships=ds.townships, as_of=d.as_of, data_end=d.data_end, sample=d.sample,
        measurements=ds.measurements, progress=ds.progress, tasks=ds.tasks,
        approximate_boundaries=d.approximate_townships, problems=d.problems, version=d.version,
    )


def data_version() -> str:
    """The store's data version (a cache key for anything derived from the data)."""
    return store_version(get_store())


def entries_stamp() -> float:
    """Modification time of the staff-entered indicator values (a cache key)."""
    path = entries_path()
    return path.stat().st_mtime if path.exists() else 0.0


@st.cache_data(show_spinner="正在汇总本期情况…", max_entries=8)
def _briefing(version: str, period: str, stamp: float, settings: EvalSettings) -> Briefing:
    del version, stamp  # cache keys: a write to the store or a saved entry rebuilds the briefing
    return build_store_briefing(get_store(), period, entries=load_entries(entries_path()),
                                inspection_plan=inspection_plan(), settings=settings)


def briefing(period: str) -> Briefing:
    """The briefing of ``period`` from the store, through the same service as the map."""
    return _briefing(data_version(), period, entries_stamp(), EvalSettings.from_config())
