"""Where the briefing's data comes from: the configured store, or the embedded default files.

One small function (:func:`load_dataset`) so that the app and the command line read the same source.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pandas as pd

import config
from briefing.errors import BriefingError
from geo.dataset import Dataset, read_dataset
from geo.io import points_from_lonlat

SOURCES = ("store", "files")
ENTRIES_FILE = "indicator_entries.json"


def entries_path() -> Path:
    """JSON file of the staff-entered indicator values (in the data directory, CHAISANG_DATA_DIR).

    Interim storage until the store has a table for them.
    """
    return config.data_dir() / ENTRIES_FILE


def load_dataset(source: str = "store", **store_args: Any) -> Dataset:
    """The dataset from ``source``: 'store' (open_store(); CHAISANG_DATABASE_URL / CHAISANG_DATA_DIR) or 'files'.

    ``store_args`` go to :func:`store.open_store` (e.g. ``data_dir=`` in tests).
    """
    if source == "files":
        return read_dataset()
    if source != "store":
        raise BriefingError(f"数据来源“{source}”无效；可用：{'、'.join(SOURCES)}")
    try:
        store_mod = importlib.import_module("store")
    except ImportError:  # pragma: no cover - the store package is part of the app
        return read_dataset()
    store = store_mod.open_store(**store_args)
    try:
        return dataset_from_store(store)
    finally:
        store.close()


def dataset_from_store(store: Any) -> Dataset:
    """Read everything the briefing needs through the store's public API."""
    tasks = store.list_tasks()
    tasks = tasks.drop(columns=[c for c in ("version", "updated_at", "closure_note") if c in tasks.columns])
    for col in ("opened", "due", "closed"):
        tasks[col] = tasks[col].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)[:10])
    tasks = tasks.fillna({"site_id": "", "description": "", "owner": "", "township": ""})
    progress = store.project_progress()[["site_id", "date", "progress_pct", "note"]]
    progress = progress.assign(date=pd.to_datetime(progress["date"]))
    measurements = store.measurements()
    measurements["time"] = pd.to_datetime(measurements["time"])
    sites = store.list_sites()
    return Dataset(
        sites=sites.drop(columns=[c for c in ("version",) if c in sites.columns]),
        measurements=measurements,
        progress=progress,
        tasks=points_from_lonlat(tasks),
        district=store.boundary_layer("district"),
        neighbours=store.boundary_layer("neighbours"),
        townships=store.boundary_layer("townships"),
    )


def inspection_plan() -> pd.DataFrame | None:
    """The next inspection plan, if the planning package offers one (``planning.next_plan()``), else None.

    Expected columns: ``order, name, township`` and optionally ``date, reason``.
    """
    try:
        planning = importlib.import_module("planning")
    except ImportError:
        return None
    fn = getattr(planning, "next_plan", None)
    if fn is None:
        return None
    plan = fn()
    if plan is None or len(plan) == 0:
        return None
    return pd.DataFrame(plan)
