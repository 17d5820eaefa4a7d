"""Benchmark: GB 3838 classification of 1 000 000 measurement rows, vectorised vs a per-sample loop over assess.

The table is 10 000 sites × 100 measurement rows each (10 sampling dates × 10 parameters).  The loop calls
``compliance.water.assess`` once per sample (site × date); when it would take long it is timed on a subset of
samples and extrapolated, and the JSON says so.  Prints one JSON object.

    .venv/bin/python bench/compliance_bench.py [--sites 10000] [--dates 10] [--loop-samples 5000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compliance.water import assess
from compliance.water_vector import classify_table

PARAMS = ["pH", "DO", "CODMn", "COD", "BOD5", "NH3N", "TP", "TN", "Hg", "fecal_coliform"]
BASE = {"pH": 7.5, "DO": 6.5, "CODMn": 4, "COD": 15, "BOD5": 3, "NH3N": 0.5, "TP": 0.1, "TN": 1.0,
        "Hg": 0.00004, "fecal_coliform": 2000}


def make_tables(n_sites: int, n_dates: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_par = len(PARAMS)
    n = n_sites * n_dates * n_par
    ids = np.array([f"W-{i:05d}" for i in range(n_sites)], dtype=object)
    dates = pd.date_range("2026-01-15", periods=n_dates, freq="7D").to_numpy()
    par = np.tile(np.array(PARAMS, dtype=object), n_sites * n_dates)
    value = np.tile(np.array([BASE[p] for p in PARAMS]), n_sites * n_dates) * rng.lognormal(0, 0.5, n)
    is_ph = par == "pH"
    value[is_ph] = rng.uniform(5.8, 9.2, int(is_ph.sum()))
    meas = pd.DataFrame({
        "site_id": np.repeat(ids, n_dates * n_par),
        "time": np.tile(np.repeat(dates, n_par), n_sites),
        "param": par,
        "value": value,
    })
    sites = pd.DataFrame({
        "site_id": ids,
        "water_body": rng.choice(["river", "river", "lake", "reservoir"], n_sites),
        "target": rng.integers(2, 5, n_sites),
    })
    return meas, sites


def loop_assess(meas: pd.DataFrame, sites: pd.DataFrame) -> list[tuple[object, object, int | None]]:
    """Plain per-sample loop: build each sample's dict and call assess."""
    info = sites.set_index("site_id")
    out = []
    for (sid, t), grp in meas.groupby(["site_id", "time"], sort=True):
        site = info.loc[sid]
        r = assess(dict(zip(grp["param"], grp["value"], strict=True)), water_body=site["water_body"],
                   target=int(site["target"]))
        out.append((sid, t, r.water_class))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=10_000)
    ap.add_argument("--dates", type=int, default=10)
    ap.add_argument("--loop-samples", type=int, default=5_000, help="samples timed in the loop (0 = all)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    meas, sites = make_tables(args.sites, args.dates)
    rows = len(meas)
    classify_table(meas.iloc[:1000], sites)  # warm caches

    vec_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = classify_table(meas, sites)
        vec_times.append(time.perf_counter() - t0)
    vec_best = min(vec_times)
    t0 = time.perf_counter()
    out_year = classify_table(meas, sites, period="year")
    year_time = time.perf_counter() - t0

    n_samples = args.sites * args.dates
    loop_samples = n_samples if args.loop_samples <= 0 else min(args.loop_samples, n_samples)
    sub = meas.iloc[: loop_samples * len(PARAMS)]
    t0 = time.perf_counter()
    loop_out = loop_assess(sub, sites)
    loop_time = time.perf_counter() - t0
    loop_rate = len(sub) / loop_time

    vec_sub = out.iloc[: len(loop_out)]
    agree = all(
        (c is None and pd.isna(v)) or c == v
        for (_, _, c), v in zip(loop_out, vec_sub["water_class"].tolist(), strict=True)
    )
    result = {
        "rows": rows,
        "sites": args.sites,
        "samples": n_samples,
        "rows_per_sample": len(PARAMS),
        "vectorised_seconds_best": round(vec_best, 4),
        "vectorised_seconds_all": [round(x, 4) for x in vec_times],
        "vectorised_rows_per_s": round(rows / vec_best),
        "vectorised_year_means_rows_per_s": round(rows / year_time),
        "vectorised_output_rows": len(out),
        "vectorised_year_output_rows": len(out_year),
        "loop_rows_timed": len(sub),
        "loop_samples_timed": len(loop_out),
        "loop_seconds": round(loop_time, 3),
        "loop_rows_per_s": round(loop_rate),
        "loop_extrapolated": len(sub) < rows,
        "loop_seconds_for_all_rows_estimated": round(rows / loop_rate, 1),
        "speedup": round((rows / vec_best) / loop_rate, 1),
        "loop_and_vectorised_agree_on_timed_subset": agree,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
