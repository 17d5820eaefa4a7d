"""Private helpers shared by the builders: display CRS, JSON-safe values, escaping, column checks."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import MissingCRSError
from layers.errors import LayerError

Feature = dict[str, Any]


def to_display_crs(gdf: gpd.GeoDataFrame, layer: str) -> gpd.GeoDataFrame:
    """Return a copy in EPSG:4326 (numerically equal to CGCS2000 EPSG:4490) for Leaflet."""
    if gdf.crs is None:
        raise MissingCRSError(layer)
    if gdf.crs.to_epsg() in (4326, 4490):
        return gdf.copy()
    return gdf.to_crs(4326)


def require_columns(gdf: gpd.GeoDataFrame, columns: Iterable[str], layer: str) -> None:
    """Raise a LayerError naming the first missing column and listing the existing ones."""
    for col in columns:
        if col not in gdf.columns:
            existing = "、".join(str(c) for c in gdf.columns if c != gdf.geometry.name) or "（无）"
            raise LayerError(f"{layer}缺少字段“{col}”；现有字段：{existing}")


def json_value(value: Any) -> Any:
    """Return a JSON-safe value: NaN/NA -> None, numpy scalars -> Python, dates -> ISO text."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def truthy(value: Any) -> bool:
    """Read a boolean property that may arrive as bool, 0/1, 'true'/'false' or missing."""
    value = json_value(value)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "是")
    return bool(value)


def esc(value: Any) -> str:
    """HTML-escaped text of any value ('' for missing)."""
    value = json_value(value)
    return "" if value is None else html.escape(str(value), quote=True)


def row_properties(row: Mapping[str, Any], geometry_name: str) -> dict[str, Any]:
    """All non-geometry columns of a row as JSON-safe properties."""
    return {str(k): json_value(v) for k, v in row.items() if k != geometry_name}
