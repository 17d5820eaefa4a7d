"""Cached loading of the map's data, keyed by data version (never by a path alone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

import config
from compliance.sites import assess_all, default_as_of
from compliance.status import SiteStatus
from geo.dataset import map_features
from store.dataset import read_store_dataset
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


@st.cache_data(show_spinner="正在加载数据并按标准评价…", max_entries=8)
def load_map_data(
    version: str, as_of_text: str, warn_fraction: float, stale_days: tuple[tuple[str, int], ...]
) -> MapData:
    """Read the dataset from the store and evaluate every feature; ``version`` is the store's data version."""
    del version  # the cache key: changes on every write to the store
    ds = read_store_dataset(get_store())
    data_end = default_as_of(ds.measurements)
    as_of = dt.date.fromisoformat(as_of_text) if as_of_text else data_end
    statuses = assess_all(
        ds.sites, ds.measurements, ds.progress, ds.tasks,
        as_of=as_of, warn_fraction=warn_fraction, stale_after=dict(stale_days),
    )
    features = map_features(ds)
    return MapData(
        features=features,
        statuses=statuses,
        district=ds.district,
        neighbours=ds.neighbours,
        townships=ds.townships,
        as_of=as_of,
        data_end=data_end,
        sample=_any_flag(features, "sample"),
        measurements=ds.measurements,
        progress=ds.progress,
        tasks=ds.tasks,
        approximate_boundaries=_any_flag(ds.townships, "approximate"),
    )


def _any_flag(frame: pd.DataFrame, column: str) -> bool:
    """True when any row has a true-ish ``column`` (booleans, 'true', '1', '是')."""
    if column not in frame:
        return False
    return bool(frame[column].map(lambda v: str(v).strip().lower() in ("true", "1", "是", "yes")).any())


def map_data() -> MapData:
    """The map data for the current settings."""
    stale = tuple(sorted(config.stale_days().items()))
    version = store_version(get_store())
    configured = config.as_of()  # validated: a malformed CHAISANG_AS_OF gets a message naming it
    return load_map_data(version, configured.isoformat() if configured else "", config.warn_fraction(), stale)
