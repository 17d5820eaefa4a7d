"""The district as of a date: read once per store data version, evaluated once per date and settings."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

import config
from compliance.air_annual import AnnualCompliance, district_annual_compliance
from compliance.sites import assess_all, default_as_of
from compliance.status import STATUS_STYLE, SiteStatus, Status
from compliance.water_means import ND_FULL
from geo.dataset import DATA_DIR, Dataset, map_features
from service.problems import rank_problems
from store.api import Store
from store.errors import NotFoundError

T = TypeVar("T")
OPEN_TASK = (Status.IN_PROGRESS, Status.OVERDUE)
_TASK_DATES = ("opened", "due", "closed")
_TASK_TEXT = ("site_id", "description", "owner", "township")


@dataclass(frozen=True)
class EvalSettings:
    """The evaluation choices that change a status or an indicator.

    The bureau's warning band, the staleness days, and how undetected values enter water period means.
    """

    warn_fraction: float
    stale_after: tuple[tuple[str, int], ...]
    nd_rule: str = ND_FULL

    @classmethod
    def from_config(cls) -> EvalSettings:
        """The configured settings (``CHAISANG_WARN_FRACTION``, ``CHAISANG_STALE_DAYS``, ``CHAISANG_ND_MEAN_RULE``)."""
        return cls(config.warn_fraction(), tuple(sorted(config.stale_days().items())), config.nd_mean_rule())


@dataclass(frozen=True)
class District:
    """Everything a screen or report shows of the district at one evaluation date."""

    version: str
    as_of: dt.date
    data_end: dt.date
    settings: EvalSettings
    dataset: Dataset
    features: gpd.GeoDataFrame
    statuses: Mapping[str, SiteStatus]
    problems: pd.DataFrame
    sample: bool
    approximate_townships: bool
    approximate_sites: bool
    unlocated_tasks: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def tasks(self) -> pd.DataFrame:
        """Every task that existed on ``as_of`` (opened by then), located or not."""
        return self.dataset.tasks

    def task_counts(self) -> dict[Status, int]:
        """Tasks per status on ``as_of`` (整改中, 逾期, 已销号): the same numbers on every screen."""
        out = {s: 0 for s in (Status.IN_PROGRESS, Status.OVERDUE, Status.CLOSED)}
        for tid in self.tasks["task_id"].astype(str):
            out[self.statuses[tid].status] = out.get(self.statuses[tid].status, 0) + 1
        return out

    def task_table(self) -> pd.DataFrame:
        """Every task on ``as_of`` with ``status``, ``status_label`` and ``explanation``: overdue first, then by due.

        The statuses are the district's own (the map's and the briefing's), so 执法检查 shows the same counts.
        """
        df = pd.DataFrame(self.tasks.drop(columns="geometry", errors="ignore")).copy()
        sts = [self.statuses[str(t)] for t in df["task_id"]]
        df["status"] = [s.status.value for s in sts]
        df["status_label"] = [s.label for s in sts]
        df["explanation"] = [s.explanation for s in sts]
        df["_o"] = [STATUS_STYLE[s.status].order for s in sts]
        df["_due"] = df["due"].astype(str).replace("", "9999-12-31")  # no due date: last
        return df.sort_values(["_o", "_due", "task_id"]).drop(columns=["_o", "_due"]).reset_index(drop=True)


class _Lru:
    """A small thread-safe least-recently-used cache shared by every session of the process."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_SNAPSHOTS = _Lru(2)
_DISTRICTS = _Lru(32)
_ANNUAL_AIR = _Lru(16)


def clear_cache() -> None:
    """Forget every snapshot and evaluation (each is rebuilt from the store on next use)."""
    _SNAPSHOTS.clear()
    _DISTRICTS.clear()
    _ANNUAL_AIR.clear()


def version_key(store: Store) -> str:
    """The store's identity and data version: changes on every write."""
    return f"{store.url}#{store.data_version()}"


def snapshot(store: Store) -> tuple[str, Dataset]:
    """(version, dataset) of the store's current data, read once per data version."""
    version = version_key(store)
    return version, _SNAPSHOTS.get(version, lambda: read_dataset(store))


def district_as_of(
    store: Store, as_of: dt.date | None = None, settings: EvalSettings | None = None
) -> District:
    """The district on ``as_of`` (default ``CHAISANG_AS_OF``, else the end of the latest month with data)."""
    version, ds = snapshot(store)
    settings = settings or EvalSettings.from_config()
    data_end = default_as_of(ds.measurements)
    day = as_of or config.as_of() or data_end
    key = (version, day, settings)
    return _DISTRICTS.get(key, lambda: build_district(version, ds, day, data_end, settings))


def build_district(
    version: str, ds: Dataset, as_of: dt.date, data_end: dt.date, settings: EvalSettings
) -> District:
    """Evaluate ``ds`` on ``as_of``: tasks opened later did not exist yet and are left out everywhere."""
    tasks = tasks_upto(ds.tasks, as_of)
    statuses = assess_all(ds.sites, ds.measurements, ds.progress, tasks, as_of=as_of,
                          warn_fraction=settings.warn_fraction, stale_after=dict(settings.stale_after))
    located = tasks[tasks.geometry.notna()]
    scoped = Dataset(ds.sites, ds.measurements, ds.progress, tasks, ds.district, ds.neighbours, ds.townships)
    features = map_features(Dataset(ds.sites, ds.measurements, ds.progress, located, ds.district,
                                    ds.neighbours, ds.townships))
    return District(
        version=version, as_of=as_of, data_end=data_end, settings=settings, dataset=scoped,
        features=features, statuses=statuses, problems=rank_problems(features, statuses),
        sample=any_flag(features, "sample"), approximate_townships=any_flag(ds.townships, "approximate"),
        approximate_sites=any_flag(ds.sites, "approximate"), unlocated_tasks=len(tasks) - len(located),
    )


def annual_air(district: District, year: int) -> dict[str, AnnualCompliance]:
    """GB 3095 annual compliance of every air station and of the district (``'全区'``) for ``year``.

    Computed once per data version and year (air class 2, the district's 二类区); validity per GB 3095 Table 4.
    """
    ds = district.dataset
    return _ANNUAL_AIR.get((district.version, year),
                           lambda: district_annual_compliance(ds.sites, ds.measurements, year))


def tasks_upto(tasks: gpd.GeoDataFrame, as_of: dt.date) -> gpd.GeoDataFrame:
    """Tasks opened on or before ``as_of`` (a task without an opening date always counts)."""
    opened = pd.to_datetime(tasks["opened"].replace("", None), errors="coerce")
    return tasks[opened.isna() | (opened <= pd.Timestamp(as_of))].reset_index(drop=True)


def any_flag(frame: pd.DataFrame, column: str) -> bool:
    """True when any row has a true-ish ``column`` (booleans, 'true', '1', '是')."""
    if column not in frame:
        return False
    return bool(frame[column].map(lambda v: str(v).strip().lower() in ("true", "1", "是", "yes")).any())


# ------------------------------------------------------------------------------------------------ reading
def read_dataset(store: Store) -> Dataset:
    """Sites, measurements, progress, tasks and the active boundary layers, read through the store's API."""
    measurements = store.measurements()[["site_id", "time", "param", "value", "raw", "unit", "source"]]
    progress = store.project_progress()[["site_id", "date", "progress_pct", "note"]]
    return Dataset(
        sites=store.list_sites(),
        measurements=measurements.assign(time=pd.to_datetime(measurements["time"])),
        progress=progress.assign(date=pd.to_datetime(progress["date"])),
        tasks=clean_tasks(store.list_tasks()),
        district=boundary_or_empty(store, "district"),
        neighbours=boundary_or_empty(store, "neighbours"),
        townships=boundary_or_empty(store, "townships"),
    )


def boundary_or_empty(store: Store, name: str) -> gpd.GeoDataFrame:
    """The active layer ``name``, or an empty layer when the store has none (e.g. no official outline yet)."""
    try:
        return store.boundary_layer(name)
    except NotFoundError:
        return gpd.GeoDataFrame({"name": pd.Series(dtype=str)}, geometry=gpd.GeoSeries([], crs="EPSG:4490"))


def clean_tasks(tasks: pd.DataFrame, sample_ids: frozenset[str] | None = None) -> gpd.GeoDataFrame:
    """The one cleaning of the task table: ISO dates or '', empty text for missing, 示例 flags, point geometry."""
    ids = sample_task_ids() if sample_ids is None else sample_ids
    out = tasks.drop(columns=[c for c in ("updated_at",) if c in tasks.columns]).copy()
    for col in _TASK_DATES:
        out[col] = out[col].map(_iso_or_empty)
    out = out.fillna({c: "" for c in _TASK_TEXT if c in out.columns})
    sample = out["task_id"].astype(str).isin(ids)
    out = out.assign(sample=sample, approximate=sample)
    geometry = [Point(lon, lat) if pd.notna(lon) and pd.notna(lat) else None
                for lon, lat in zip(out["lon"], out["lat"], strict=True)]
    return gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4490")


def _iso_or_empty(v: object) -> str:
    if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)) or v == "":
        return ""
    return str(v)[:10]


def sample_task_ids(root: Path = DATA_DIR) -> frozenset[str]:
    """Ids of the tasks that came from the sample file (shown as 示例 even after they are in the store)."""
    path = root / "sample" / "tasks.csv"
    if not path.exists():
        return frozenset()
    return frozenset(pd.read_csv(path, usecols=["task_id"], dtype=str)["task_id"])
