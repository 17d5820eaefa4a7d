"""The map's dataset read from the store (the same shape as geo.dataset.read_dataset gives from files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.dataset import DATA_DIR, Dataset
from geo.io import points_from_lonlat
from store.api import Store


def sample_task_ids(root: Path = DATA_DIR) -> frozenset[str]:
    """Ids of the tasks that came from the sample file (shown as 示例 even after they are in the store)."""
    path = root / "sample" / "tasks.csv"
    if not path.exists():
        return frozenset()
    return frozenset(pd.read_csv(path, usecols=["task_id"], dtype=str)["task_id"])


def read_store_dataset(store: Store) -> Dataset:
    """Sites, measurements, progress, tasks and the active boundary layers, as frames."""
    tasks = store.list_tasks()
    sample_ids = sample_task_ids()
    tasks = tasks.assign(sample=tasks["task_id"].isin(sample_ids), approximate=tasks["task_id"].isin(sample_ids))
    measurements = store.measurements()[["site_id", "time", "param", "value", "raw", "unit", "source"]]
    return Dataset(
        sites=store.list_sites(),
        measurements=measurements,
        progress=store.project_progress()[["site_id", "date", "progress_pct", "note"]],
        tasks=points_from_lonlat(tasks.dropna(subset=["lon", "lat"])),
        district=store.boundary_layer("district"),
        neighbours=store.boundary_layer("neighbours"),
        townships=store.boundary_layer("townships"),
    )
