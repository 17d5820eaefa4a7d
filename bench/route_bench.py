"""Benchmark: route optimisation time for 50, 200 and 1 000 stops (random points in 柴桑区's bounding box).

For each size: distance matrix time; ``order_stops`` as the app calls it (OR-Tools with its default time limit,
2-opt polish, best of that and nearest-neighbour + 2-opt) and the fallback without OR-Tools (nearest-neighbour +
2-opt + Or-opt); tour lengths of both and of plain nearest neighbour, round trip from the bureau.
Prints one JSON object.

    .venv/bin/python bench/route_bench.py [--sizes 50 200 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planning.route import (
    DEFAULT_ROAD_FACTOR,
    ORTOOLS_MAX_STOPS,
    _problem,
    default_time_limit,
    nearest_neighbour,
    order_stops,
    path_cost,
    road_matrix,
)
from planning.settings import DEFAULT_DEPOT

BBOX = (115.668, 29.402, 116.133, 29.831)


def stops(n: int, seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2))
    return [(BBOX[0] + (BBOX[2] - BBOX[0]) * a, BBOX[1] + (BBOX[3] - BBOX[1]) * b) for a, b in xy]


def run(n: int, seed: int) -> dict[str, object]:
    pts = stops(n, seed)
    depot = tuple(float(v) for v in DEFAULT_DEPOT.split(","))
    t = time.perf_counter()
    m = _problem(pts, depot, depot, lambda p: road_matrix(p, road_factor=DEFAULT_ROAD_FACTOR))
    t_matrix = time.perf_counter() - t
    t = time.perf_counter()
    best = order_stops(pts, start=depot, end=depot)
    t_app = time.perf_counter() - t
    t = time.perf_counter()
    fallback = order_stops(pts, start=depot, end=depot, use_ortools=False)
    t_fallback = time.perf_counter() - t
    nn = nearest_neighbour(m)
    km = {k: round(path_cost(o, m) / 1000, 1) for k, o in (("app", best), ("local_search_2opt_oropt", fallback),
                                                             ("nearest_neighbour", nn))}
    return {
        "stops": n,
        "matrix_s": round(t_matrix, 3),
        "order_stops_s": round(t_app, 2),
        "ortools_used": n <= ORTOOLS_MAX_STOPS,
        "ortools_time_limit_s": default_time_limit(n) if n <= ORTOOLS_MAX_STOPS else None,
        "without_ortools_s": round(t_fallback, 2),
        "tour_km": km,
        "app_vs_local_search_pct": round(100 * (km["app"] / km["local_search_2opt_oropt"] - 1), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    try:
        import ortools

        solver = f"OR-Tools {ortools.__version__}"
    except ImportError:
        solver = "OR-Tools not installed (fallback only)"
    out = {"python": platform.python_version(), "solver": solver, "road_factor": DEFAULT_ROAD_FACTOR,
           "results": [run(n, args.seed) for n in args.sizes]}
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
