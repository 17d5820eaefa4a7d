"""Reading vector files into GeoDataFrames in CGCS2000 (EPSG:4490)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

CGCS2000 = "EPSG:4490"


def read_geojson(path: str | Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON file; GeoJSON without a CRS member is taken as lon/lat CGCS2000 (RFC 7946)."""
    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is None or gdf.crs.to_epsg() in (4326, 4490):
        return gdf.set_crs(CGCS2000, allow_override=True)
    return gdf.to_crs(CGCS2000)


def points_from_lonlat(df: pd.DataFrame, lon: str = "lon", lat: str = "lat") -> gpd.GeoDataFrame:
    """A new GeoDataFrame of points from lon/lat columns (degrees, CGCS2000)."""
    geometry = [Point(x, y) for x, y in zip(df[lon], df[lat], strict=True)]
    return gpd.GeoDataFrame(df.copy(), geometry=geometry, crs=CGCS2000)
