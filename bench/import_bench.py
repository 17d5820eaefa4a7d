"""Benchmark: parse + validate a 100 000-row monitoring sheet and a 2 000-feature GK shapefile.

Files are generated in a temporary directory: the sheet as CSV (long form, with µg/L values to convert and
detection-limit notations) and as .xlsx, the shapefile as a zipped GBK shapefile in CGCS2000 3° GK zone 39
(no .cpg, so the encoding is detected).  With ``--store`` the parsed data is also stored, one transaction per
file, in a new SQLite store, and the JSON gains the store timings.  Prints one JSON object.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--features 2000] [--no-xlsx]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
from shapely.geometry import Polygon

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from geo.io import read_vector
from ingest.errors import ImportResult
from ingest.sheets import parse_sheet

PARAMS = [
    ("氨氮", "mg/L", 0.5),
    ("总磷", "µg/L", 80.0),
    ("高锰酸盐指数", "mg/L", 4.0),
    ("溶解氧", "mg/L", 7.0),
    ("化学需氧量", "mg/L", 15.0),
    ("pH", "无量纲", 7.5),
    ("总氮", "mg/L", 1.0),
    ("粪大肠菌群", "个/100mL", 300.0),
]

#: Hook for the lead: a callable (kind, frame) -> None that stores parsed data in one transaction.
def store_timings(tmp: Path, sheet: ImportResult[pd.DataFrame], parcels: gpd.GeoDataFrame) -> dict[str, float]:
    """Store what was parsed, as the import page does (the parsed sheet with its upload's SHA-256): one
    transaction per file, into a new SQLite store."""
    import os

    from shapely.geometry import Point

    from store import open_store

    os.environ.setdefault("CHAISANG_ADMIN_PASSWORD", "bench-Secret-1")
    os.environ.setdefault("CHAISANG_BCRYPT_ROUNDS", "4")
    store = open_store(data_dir=tmp / "store", sample_dir=None, boundaries_dir=None)
    admin = store.authenticate(os.environ.get("CHAISANG_ADMIN_USER", "admin"), os.environ["CHAISANG_ADMIN_PASSWORD"])
    ids = sorted(set(sheet.data["site_id"]))
    sites = gpd.GeoDataFrame({"site_id": ids, "name": ids, "kind": "water_section", "water_body": "river"},
                             geometry=[Point(115.9, 29.6)] * len(ids), crs=4490)
    out = {}
    _, out["register_store_s"] = timed(lambda: store.import_sites(admin, sites, file_name="bench-sites"))
    _, out["sheet_store_s"] = timed(lambda: store.import_measurements(admin, sheet, file_name="bench.csv"))
    geojson = parcels.rename(columns={"名称": "name"}).to_json().encode()
    _, out["shapefile_store_s"] = timed(
        lambda: store.load_boundary_layer(admin, "parcels", geojson, file_name="parcels.zip"))
    store.close()
    return {k: round(v, 3) for k, v in out.items()}


def make_sheet(n_rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_sites = max(1, n_rows // (len(PARAMS) * 120))
    par = np.arange(n_rows) % len(PARAMS)
    # Unique (site, day, param) keys: enumerated, not drawn.
    site = (np.arange(n_rows) // len(PARAMS)) % n_sites
    day = np.arange(n_rows) // (len(PARAMS) * n_sites)
    base = np.array([p[2] for p in PARAMS])[par] * rng.lognormal(0, 0.3, n_rows)
    is_ph = par == 5
    base[is_ph] = rng.uniform(6.0, 9.0, int(is_ph.sum()))
    raw = np.char.mod("%.4g", base).astype(object)
    raw[rng.random(n_rows) < 0.03] = "ND"
    raw[(rng.random(n_rows) < 0.03) & (par == 1)] = "10L"
    dates = (pd.Timestamp("2021-01-01") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "点位编号": [f"W-{s:04d}" for s in site],
            "采样日期": dates,
            "监测项目": [PARAMS[i][0] for i in par],
            "监测值": raw,
            "单位": [PARAMS[i][1] for i in par],
        }
    )


def make_shapefile(n: int, tmp: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    x0, y0 = 115.65, 29.38
    polys = []
    for _ in range(n):
        cx, cy = x0 + rng.random() * 0.55, y0 + rng.random() * 0.42
        ang = np.sort(rng.random(12)) * 2 * np.pi
        r = 0.002 + rng.random(12) * 0.003
        polys.append(Polygon(np.column_stack([cx + r * np.cos(ang), cy + r * np.sin(ang)])))
    gdf = gpd.GeoDataFrame({"名称": [f"图斑{i}" for i in range(n)], "类别": ["林地"] * n}, geometry=polys, crs=4490)
    gdf.to_crs(4527).to_file(tmp / "parcels.shp", encoding="gbk")
    out = tmp / "parcels.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in tmp.glob("parcels.*"):
            if p.suffix in (".shp", ".shx", ".dbf", ".prj"):
                zf.write(p, p.name)
    return out


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--features", type=int, default=2_000)
    ap.add_argument("--no-xlsx", action="store_true")
    ap.add_argument("--store", action="store_true", help="also store the parsed files in a new SQLite store")
    args = ap.parse_args()
    result: dict[str, Any] = {"rows": args.rows, "features": args.features}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        sheet = make_sheet(args.rows)
        known = set(sheet["点位编号"])
        csv_path = tmp / "sheet.csv"
        sheet.to_csv(csv_path, index=False, encoding="gb18030")
        res, t = timed(lambda: parse_sheet(csv_path, known_ids=known))
        assert res.ok, [str(i) for i in res.errors[:5]]
        result["sheet_csv_parse_validate_s"] = round(t, 3)
        result["sheet_csv_rows_out"] = len(res.data)
        result["sheet_csv_mb"] = round(csv_path.stat().st_size / 1e6, 2)
        if not args.no_xlsx:
            xlsx_path = tmp / "sheet.xlsx"
            # A normal workbook (shared strings, numeric cells), as Excel itself saves one; openpyxl's
            # write-only mode writes inline strings, which read about 4x slower and no user file has.
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "监测数据"
            ws.append(list(sheet.columns))
            for row in sheet.itertuples(index=False):
                vals = list(row)
                with contextlib.suppress(ValueError):
                    vals[3] = float(vals[3])
                ws.append(vals)
            wb.save(xlsx_path)
            res_x, t = timed(lambda: parse_sheet(xlsx_path, known_ids=known))
            assert res_x.ok
            result["sheet_xlsx_parse_validate_s"] = round(t, 3)
            result["sheet_xlsx_mb"] = round(xlsx_path.stat().st_size / 1e6, 2)
        shp = make_shapefile(args.features, tmp)
        gdf, t = timed(lambda: read_vector(shp))
        assert len(gdf) == args.features
        result["shapefile_parse_validate_s"] = round(t, 3)
        result["shapefile_zip_mb"] = round(shp.stat().st_size / 1e6, 2)
        result["shapefile_encoding"] = gdf.attrs["encoding"]
        if args.store:
            result.update(store_timings(tmp, res, gdf))
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
