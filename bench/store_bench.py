"""Store benchmark: SQLite and PostgreSQL + PostGIS side by side in one run; prints JSON.

    .venv/bin/python bench/store_bench.py [--sites 10000] [--pg-url URL]

Without --pg-url (or CHAISANG_BENCH_PG_URL) a private cluster is started with scripts/pg_cluster.sh on a free
loopback port and stopped afterwards.  Measured on each backend, on a fresh database:

- import of ~1 000 000 measurements through the public all-or-nothing import (validation + bulk insert),
  with the validation share measured separately;
- one site's five-year series (a daily site, 6 parameters ≈ 11 000 values; and a quarterly site);
- latest value of every parameter at all sites (10 000 sites × 5 parameters).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("CHAISANG_BCRYPT_ROUNDS", "4")
os.environ.setdefault("CHAISANG_ADMIN_USER", "admin")
os.environ.setdefault("CHAISANG_ADMIN_PASSWORD", "bench-admin-password")

from sqlalchemy import create_engine, text  # noqa: E402

from store import open_store  # noqa: E402
from store.ingest import validate_measurements  # noqa: E402

QUARTERLY_PARAMS = ("COD", "NH3N", "TP", "DO", "CODMn")
DAILY_PARAMS = ("SO2", "NO2", "CO", "O3_8h", "PM10", "PM2_5")


def write_sites(path: Path, n: int) -> list[str]:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(115.6, 116.2, n), rng.uniform(29.4, 29.9, n)
    ids = [f"S{i:05d}" for i in range(n - 1)] + ["AIR-DAILY"]
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
              "properties": {"site_id": sid, "name": f"基准点{i}", "kind": "enterprise" if i < n - 1 else
                             "air_station", "township": "沙河街道", "sample": True}}
             for i, (sid, x, y) in enumerate(zip(ids, lon, lat, strict=True))]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False),
                    encoding="utf-8")
    return ids


def measurement_frame(ids: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    quarters = pd.date_range("2021-01-15", periods=20, freq="3MS") + pd.Timedelta(days=14)
    q_sites = ids[:-1]
    n_q = len(q_sites) * len(quarters) * len(QUARTERLY_PARAMS)
    site = np.repeat(q_sites, len(quarters) * len(QUARTERLY_PARAMS))
    time_ = np.tile(np.repeat(quarters.strftime("%Y-%m-%d").to_numpy(), len(QUARTERLY_PARAMS)), len(q_sites))
    param = np.tile(QUARTERLY_PARAMS, len(q_sites) * len(quarters))
    values = np.round(rng.uniform(0.01, 20, n_q), 3).astype(str)
    days = pd.date_range("2021-01-01", "2025-12-31", freq="D").strftime("%Y-%m-%d").to_numpy()
    d_site = np.repeat(ids[-1], len(days) * len(DAILY_PARAMS))
    d_time = np.repeat(days, len(DAILY_PARAMS))
    d_param = np.tile(DAILY_PARAMS, len(days))
    d_values = np.round(rng.uniform(1, 150, len(d_time)), 1).astype(str)
    return pd.DataFrame({
        "site_id": np.concatenate([site, d_site]), "time": np.concatenate([time_, d_time]),
        "param": np.concatenate([param, d_param]), "raw": np.concatenate([values, d_values]),
    })


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def run_backend(url: str, sample: Path, frame: pd.DataFrame, ids: list[str]) -> dict[str, object]:
    t_seed, store = timed(lambda: open_store(url, sample_dir=sample, boundaries_dir=None))
    admin = store.authenticate("admin", "bench-admin-password")
    t_validate, _ = timed(lambda: validate_measurements(frame.astype(str), "bench.csv", set(ids)))
    t_import, res = timed(lambda: store.import_measurements(admin, frame, file_name="bench.csv"))
    start, end = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
    t_daily, daily = timed(lambda: store.measurements(["AIR-DAILY"], start=start, end=end), repeat=5)
    t_quarter, quarter = timed(lambda: store.measurements([ids[len(ids) // 2]], start=start, end=end), repeat=5)
    t_latest, latest = timed(lambda: store.latest_values(), repeat=3)
    t_latest_some, _ = timed(lambda: store.latest_values(ids[:500]), repeat=3)
    out = {
        "backend": store.backend,
        "sites": len(ids),
        "measurements": int(res.rows),
        "seed_sites_s": round(t_seed, 3),
        "import_measurements_s": round(t_import, 3),
        "of_which_validation_s": round(t_validate, 3),
        "rows_per_s": round(res.rows / t_import),
        "five_year_series_daily_site_s": round(t_daily, 4),
        "five_year_series_daily_site_rows": len(daily),  # type: ignore[arg-type]
        "five_year_series_quarterly_site_s": round(t_quarter, 4),
        "five_year_series_quarterly_site_rows": len(quarter),  # type: ignore[arg-type]
        "latest_values_all_sites_s": round(t_latest, 3),
        "latest_values_rows": len(latest),  # type: ignore[arg-type]
        "latest_values_500_sites_s": round(t_latest_some, 4),
    }
    store.close()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=10_000)
    ap.add_argument("--pg-url", default=os.environ.get("CHAISANG_BENCH_PG_URL"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="store-bench-") as tmp:
        tmpd = Path(tmp)
        sample = tmpd / "sample"
        sample.mkdir()
        ids = write_sites(sample / "sites.geojson", args.sites)
        frame = measurement_frame(ids)
        results = [run_backend(f"sqlite:///{tmpd / 'bench.sqlite'}", sample, frame, ids)]
        pg_dir = None
        pg_url = args.pg_url
        if not pg_url:
            pg_dir = Path(tempfile.mkdtemp(prefix="store-bench-pg-"))
            pg_url = subprocess.run(["bash", str(ROOT / "scripts" / "pg_cluster.sh"), "start", str(pg_dir),
                                     str(free_port())], check=True, capture_output=True, text=True
                                    ).stdout.strip().splitlines()[-1]
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        engine = create_engine(pg_url)
        try:
            with engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            sep = "&" if "?" in pg_url else "?"
            results.append(run_backend(f"{pg_url}{sep}options={quote(f'-csearch_path={schema},public')}",
                                       sample, frame, ids))
        finally:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
            if pg_dir is not None:
                subprocess.run(["bash", str(ROOT / "scripts" / "pg_cluster.sh"), "stop", str(pg_dir)],
                               check=False, capture_output=True)
                subprocess.run(["rm", "-rf", str(pg_dir)], check=False)
        print(json.dumps({"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                      "platform": platform.platform()},
                          "results": results}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
