"""The embedded default dataset (data/boundaries, data/sample) read into frames.

Used until a store is configured and to seed a new store; every frame is a new object.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.io import points_from_lonlat, read_geojson

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class Dataset:
    """Everything the map needs, as read from files."""

    sites: gpd.GeoDataFrame
    measurements: pd.DataFrame
    progress: pd.DataFrame
    tasks: gpd.GeoDataFrame
    district: gpd.GeoDataFrame
    neighbours: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame


def data_files(root: Path = DATA_DIR) -> list[Path]:
    """Files making up the default dataset, in a stable order."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".geojson", ".csv", ".gz"})


def data_version(root: Path = DATA_DIR) -> str:
    """A key that changes whenever any data file changes (content hash)."""
    h = hashlib.sha256()
    for p in data_files(root):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def read_dataset(root: Path = DATA_DIR) -> Dataset:
    """Read the default dataset from ``root`` (``data/``)."""
    sample = root / "sample"
    bounds = root / "boundaries"
    measurements = pd.read_csv(sample / "measurements.csv.gz", dtype={"raw": str, "site_id": str})
    measurements["time"] = pd.to_datetime(measurements["time"])
    tasks = pd.read_csv(sample / "tasks.csv", dtype=str, keep_default_na=False)
    tasks[["lon", "lat"]] = tasks[["lon", "lat"]].astype(float)
    return Dataset(
        sites=read_geojson(sample / "sites.geojson"),
        measurements=measurements,
        progress=pd.read_csv(sample / "project_progress.csv", parse_dates=["date"]),
        tasks=points_from_lonlat(tasks.assign(sample=True, approximate=True)),
        district=read_geojson(bounds / "district.geojson"),
        neighbours=read_geojson(bounds / "neighbours.geojson"),
        townships=read_geojson(bounds / "townships.geojson"),
    )


def map_features(ds: Dataset) -> gpd.GeoDataFrame:
    """Register entries and tasks as one frame of map features (tasks: ``kind='task'``, id and title)."""
    tasks = ds.tasks.rename(columns={"site_id": "related_site"}).rename(columns={"task_id": "site_id", "title": "name"})
    tasks = tasks.assign(kind="task")
    for flag in ("sample", "approximate"):
        tasks[flag] = tasks[flag].astype(bool) if flag in tasks else False
    keep = [c for c in tasks.columns if c not in ("lon", "lat")]
    return gpd.GeoDataFrame(
        pd.concat([ds.sites, tasks[keep]], ignore_index=True), geometry="geometry", crs=ds.sites.crs
    )
