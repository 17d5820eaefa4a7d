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
from service import snapshot
from store import open_store

SOURCES = ("store", "files")
ENTRIES_FILE = "indicator_entries.json"


def entries_path() -> Path:
    """JSON file of the staff-entered indicator values (in the data directory, CHAISANG_DATA_DIR).

    Interim storage until the store has a table for them.
    """
    return config.data_dir() / ENTRIES_FILE


def load_dataset(source: str = "store", **store_args: Any) -> Dataset:
    """The dataset from ``source``: 'store' (open_store(); CHAISANG_DATABASE_URL / CHAISANG_DATA_DIR) or 'files'.

    ``store_args`` go to :func:`store.open_store` (e.g. ``data_dir=`` in tests).  The store is read by the
    service's one reader (:func:`service.snapshot`, once per data version).
    """
    if source == "files":
        return read_dataset()
    check_source(source)
    store = open_store(**store_args)
    try:
        return snapshot(store)[1]
    finally:
        store.close()


def check_source(source: str) -> None:
    """Refuse an unknown data source with a Chinese message naming the choices."""
    if source not in SOURCES:
        raise BriefingError(f"数据来源“{source}”无效；可用：{'、'.join(SOURCES)}")


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
