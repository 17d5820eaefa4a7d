from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest
from pyproj import Geod

from planning.errors import PlanningError, RoutingServiceError
from planning.route import check_internal_url, order_stops, plan_route

BUREAU = (115.8835, 29.6045)
GEOD = Geod(ellps="WGS84")


def random_stops(n: int, seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    return [(115.65 + 0.5 * a, 29.40 + 0.43 * b) for a, b in rng.random((n, 2))]


def dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def matrix(pts) -> np.ndarray:
    a = np.array(pts)
    i, j = np.meshgrid(range(len(a)), range(len(a)), indexing="ij")
    return GEOD.inv(a[i, 0], a[i, 1], a[j, 0], a[j, 1])[2]


def cost(order, stops, start=None, end=None) -> float:
    seq = [stops[i] for i in order]
    total = sum(dist(p, q) for p, q in itertools.pairwise(seq))
    if start is not None:
        total += dist(start, seq[0])
    if end is not None:
        total += dist(seq[-1], end)
    return total


def brute_force(stops, start=None, end=None) -> tuple[list[int], float]:
    """Every permutation, vectorised with numpy over an independent geodesic matrix."""
    n = len(stops)
    d = matrix(stops)
    perms = np.array(list(itertools.permutations(range(n))))
    c = d[perms[:, :-1], perms[:, 1:]].sum(axis=1)
    if start is not None:
        c += np.array([dist(start, p) for p in stops])[perms[:, 0]]
    if end is not None:
        c += np.array([dist(p, end) for p in stops])[perms[:, -1]]
    best = int(np.argmin(c))
    return perms[best].tolist(), float(c[best])


@pytest.mark.parametrize(("n", "seed", "depots"), [
    (2, 1, "both"), (5, 2, "both"), (7, 3, "start"), (8, 4, "end"), (8, 5, "none"), (9, 6, "both"),
    (9, 7, "start"),
])
def test_small_instances_equal_the_brute_force_optimum(n: int, seed: int, depots: str) -> None:
    stops = random_stops(n, seed)
    start = BUREAU if depots in ("both", "start") else None
    end = BUREAU if depots in ("both", "end") else None
    order = order_stops(stops, start=start, end=end)
    best_order, best = brute_force(stops, start, end)
    assert sorted(order) == list(range(n))
    assert cost(order, stops, start, end) == pytest.approx(best, rel=1e-9)
    assert order == best_order or cost(order, stops, start, end) == pytest.approx(best, abs=1e-6)


def test_road_factor_scales_but_does_not_change_the_optimum() -> None:
    stops = random_stops(7, 11)
    assert order_stops(stops, start=BUREAU, end=BUREAU, road_factor=1.0) == \
        order_stops(stops, start=BUREAU, end=BUREAU, road_factor=1.6)
    p1 = plan_route(stops, start=BUREAU, end=BUREAU, road_factor=1.0, day_budget_min=10_000)
    p2 = plan_route(stops, start=BUREAU, end=BUREAU, road_factor=1.5, day_budget_min=10_000)
    assert p2.total_m == pytest.approx(1.5 * p1.total_m)
    assert p1.total_m == pytest.approx(cost(p1.order, stops, BUREAU, BUREAU))


def plain_two_opt(stops, start) -> float:
    """Baseline: nearest neighbour from the depot, then first-improvement 2-opt on the closed tour."""
    pts = [start, *stops]
    n = len(pts)
    d = matrix(pts)
    tour, left = [0], set(range(1, n))
    while left:
        nxt = min(left, key=lambda j: d[tour[-1], j])
        tour.append(nxt)
        left.remove(nxt)
    tour.append(0)
    improved = True
    while improved:
        improved = False
        for i in range(1, n - 1):
            for j in range(i + 1, n):
                a, b, c, e = tour[i - 1], tour[i], tour[j], tour[j + 1]
                if d[a, c] + d[b, e] < d[a, b] + d[c, e] - 1e-9:
                    tour[i:j + 1] = reversed(tour[i:j + 1])
                    improved = True
    return float(sum(d[a, b] for a, b in itertools.pairwise(tour)))


def test_200_stops_no_worse_than_plain_two_opt() -> None:
    stops = random_stops(200, 42)
    order = order_stops(stops, start=BUREAU, end=BUREAU, time_limit_s=2.0)
    assert sorted(order) == list(range(200))
    assert cost(order, stops, BUREAU, BUREAU) <= plain_two_opt(stops, BUREAU) + 1e-6


def test_fallback_without_ortools_is_a_valid_good_order() -> None:
    stops = random_stops(40, 9)
    order = order_stops(stops, start=BUREAU, end=BUREAU, use_ortools=False)
    assert sorted(order) == list(range(40))
    nn_only = sorted(range(40), key=lambda i: stops[i])  # a deliberately poor order (sorted by lon)
    assert cost(order, stops, BUREAU, BUREAU) < cost(nn_only, stops, BUREAU, BUREAU)


@pytest.mark.parametrize(("budget", "service"), [(240.0, 30.0), (420.0, 45.0), (180.0, 20.0)])
def test_days_respect_the_budget_and_keep_the_order(budget: float, service: float) -> None:
    stops = random_stops(30, 3)
    speed = 30.0
    plan = plan_route(stops, start=BUREAU, end=BUREAU, service_min=service, speed_kmh=speed,
                      day_budget_min=budget, time_limit_s=0.3)
    assert plan.schedule["stop"].tolist() == plan.order
    assert len(plan.days) > 1
    for day, rows in plan.schedule.groupby("day"):
        seq = [stops[i] for i in rows["stop"]]
        travel_m = 1.3 * (dist(BUREAU, seq[0]) + sum(dist(p, q) for p, q in itertools.pairwise(seq))
                          + dist(seq[-1], BUREAU))
        total_min = travel_m / (speed * 1000 / 60) + service * len(seq)
        summary = plan.days.set_index("day").loc[day]
        assert summary["total_min"] == pytest.approx(total_min)
        if len(seq) > 1:
            assert total_min <= budget + 1e-6
        # greedy: the next day's first stop would not have fitted
    firsts = plan.schedule.groupby("day")["stop"].first().tolist()[1:]
    for day, first in enumerate(firsts, start=1):
        rows = plan.schedule[plan.schedule["day"] == day]
        seq = [stops[i] for i in [*rows["stop"], first]]
        travel_m = 1.3 * (dist(BUREAU, seq[0]) + sum(dist(p, q) for p, q in itertools.pairwise(seq))
                          + dist(seq[-1], BUREAU))
        assert travel_m / (speed * 1000 / 60) + service * len(seq) > budget


def test_a_stop_beyond_the_budget_gets_its_own_flagged_day() -> None:
    stops = [(115.90, 29.61), (116.3, 30.2), (115.91, 29.62)]
    plan = plan_route(stops, start=BUREAU, end=BUREAU, service_min=30, day_budget_min=60, order=[0, 1, 2])
    far = plan.schedule.set_index("stop").loc[1, "day"]
    assert plan.days.set_index("day").loc[far, "over_budget"]
    assert (plan.days["stops"] >= 1).all()


def test_manual_order_is_kept_and_validated() -> None:
    stops = random_stops(6, 8)
    plan = plan_route(stops, start=BUREAU, end=BUREAU, order=[5, 4, 3, 2, 1, 0], day_budget_min=10_000)
    assert plan.order == [5, 4, 3, 2, 1, 0]
    with pytest.raises(PlanningError, match="恰好包含每个站点一次"):
        plan_route(stops, order=[0, 1, 1, 2, 3, 4])


def test_bad_input_raises_chinese_errors() -> None:
    with pytest.raises(PlanningError, match="坐标"):
        order_stops([(115.9, 29.6), (float("nan"), 29.6)])
    with pytest.raises(PlanningError, match="道路系数"):
        order_stops([(115.9, 29.6), (115.8, 29.6)], road_factor=0.5)
    with pytest.raises(PlanningError, match="车速"):
        plan_route([(115.9, 29.6)], speed_kmh=0)
    assert order_stops([]) == []


def test_osrm_refuses_public_addresses() -> None:
    with pytest.raises(RoutingServiceError, match="公网"):
        check_internal_url("http://8.8.8.8:5000")
    assert check_internal_url("http://127.0.0.1:5000/") == "http://127.0.0.1:5000"
    assert check_internal_url("http://10.1.2.3:5000") == "http://10.1.2.3:5000"


def test_osrm_table_from_a_local_fake_server() -> None:
    """A fake OSRM on loopback whose distances make the order along a line the only optimum."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            coords = self.path.split("/table/v1/driving/")[1].split("?")[0].split(";")
            xs = [float(c.split(",")[0]) for c in coords]
            # road distance = |Δlon| in "metres" × 1e5 — a pure function of longitude
            d = [[abs(a - b) * 1e5 for b in xs] for a in xs]
            body = json.dumps({"code": "Ok", "distances": d, "durations": [[v / 10 for v in r] for r in d]})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    srv = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}"
        stops = [(115.95, 29.6), (115.91, 29.9), (115.99, 29.4), (115.93, 29.5)]
        order = order_stops(stops, start=(115.90, 29.6), osrm_url=url)
        assert order == [1, 3, 0, 2]  # increasing longitude from the start
        plan = plan_route(stops, start=(115.90, 29.6), osrm_url=url, service_min=0, day_budget_min=10_000)
        assert plan.total_m == pytest.approx(0.09 * 1e5)
        assert "OSRM" in plan.method
        assert all("annotations=distance,duration" in p for p in seen)
    finally:
        srv.shutdown()
