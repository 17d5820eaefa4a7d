"""Order inspection stops to minimise travel, and split the route into days.

Distances
    Geodesic (``pyproj.Geod``, WGS84 ellipsoid; CGCS2000 differs by < 0.1 mm) times a road factor (default 1.3:
    roads are rarely straight), or road distances/durations from an OSRM ``table`` service when one is configured
    (loopback or intranet addresses only — the app never sends coordinates off the bureau's network).

Path model of ``order_stops``
    ``start``/``end`` are optional depots (lon, lat) that are *not* in the result.  With both, the route is
    start → stops → end (the same point for a round trip from the bureau); with only ``start`` it is an open
    path from start; with only ``end`` an open path ending there; with neither, the shortest open path through
    all stops.

Solvers
    ≤ 9 stops: exact (Held–Karp dynamic programme).  Larger: nearest neighbour improved by 2-opt and Or-opt
    (vectorised); up to ``ORTOOLS_MAX_STOPS`` stops and when OR-Tools is installed, also OR-Tools routing (guided
    local search within ``default_time_limit``), polished by the same moves; the shorter is kept, so the result
    is never worse than the home-made local search.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import math
import socket
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pyproj import Geod

from planning.errors import PlanningError, RoutingServiceError

LonLat = tuple[float, float]
Matrix = NDArray[np.float64]

DEFAULT_ROAD_FACTOR = 1.3
DEFAULT_SPEED_KMH = 30.0
DEFAULT_SERVICE_MIN = 30.0
DEFAULT_DAY_BUDGET_MIN = 420.0
EXACT_MAX_STOPS = 9
ORTOOLS_MAX_STOPS = 400
"""Above this, OR-Tools' guided local search did not beat 2-opt + Or-opt within 10 s (bench/route_bench.py)."""
_GEOD = Geod(ellps="WGS84")


# ---- distances ----------------------------------------------------------------------------------------------
def _check_points(points: Sequence[LonLat], field: str = "站点") -> NDArray[np.float64]:
    arr = np.asarray(points, dtype=np.float64).reshape(-1, 2) if len(points) else np.zeros((0, 2))
    bad = ~np.isfinite(arr).all(axis=1) | (np.abs(arr[:, 0]) > 180) | (np.abs(arr[:, 1]) > 90)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise PlanningError(f"第 {i + 1} 个{field}的坐标“{tuple(arr[i])}”无效（应为经度, 纬度）")
    return arr


def geodesic_matrix(points: Sequence[LonLat]) -> Matrix:
    """Pairwise geodesic distances in metres (symmetric, zero diagonal)."""
    p = _check_points(points)
    n = len(p)
    i, j = np.triu_indices(n, k=1)
    out = np.zeros((n, n))
    if len(i):
        _, _, d = _GEOD.inv(p[i, 0], p[i, 1], p[j, 0], p[j, 1])
        out[i, j] = d
        out[j, i] = d
    return out


def road_matrix(points: Sequence[LonLat], *, road_factor: float = DEFAULT_ROAD_FACTOR) -> Matrix:
    """Estimated road distances in metres: geodesic × ``road_factor``."""
    if not 1.0 <= road_factor <= 5.0:
        raise PlanningError(f"道路系数“{road_factor}”应在 1 到 5 之间（直线距离乘以该系数估算道路距离）")
    return geodesic_matrix(points) * road_factor


def check_internal_url(url: str) -> str:
    """Refuse a service URL unless its host resolves only to loopback or private (intranet) addresses."""
    u = urlparse(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise RoutingServiceError(f"路网服务地址“{url}”无效：应为 http(s)://主机:端口")
    try:
        addrs = {a[4][0] for a in socket.getaddrinfo(u.hostname, u.port or 80, proto=socket.IPPROTO_TCP)}
    except OSError:
        raise RoutingServiceError(f"路网服务地址“{url}”的主机名无法解析") from None
    for a in addrs:
        ip = ipaddress.ip_address(str(a).split("%")[0])
        if not (ip.is_loopback or ip.is_private):
            raise RoutingServiceError(
                f"路网服务地址“{url}”指向公网地址 {ip}：本系统只使用本机或局域网内的 OSRM 服务，坐标不外传")
    return url.rstrip("/")


def osrm_table(points: Sequence[LonLat], url: str, *, timeout: float = 20.0) -> tuple[Matrix, Matrix]:
    """(distances in m, durations in s) from an OSRM ``/table/v1/driving`` service on the intranet."""
    base = check_internal_url(url)
    p = _check_points(points)
    coords = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in p)
    req = f"{base}/table/v1/driving/{coords}?annotations=distance,duration"
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = json.loads(r.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise RoutingServiceError(f"路网服务“{base}”无法访问或返回内容无效：{exc}") from None
    if body.get("code") != "Ok" or "distances" not in body or "durations" not in body:
        raise RoutingServiceError(f"路网服务“{base}”返回错误：{body.get('code')} {body.get('message', '')}")
    dist = np.array(body["distances"], dtype=np.float64)
    dur = np.array(body["durations"], dtype=np.float64)
    if dist.shape != (len(p), len(p)) or dur.shape != dist.shape:
        raise RoutingServiceError(f"路网服务“{base}”返回的距离表大小不符（应为 {len(p)}×{len(p)}）")
    if not (np.isfinite(dist).all() and np.isfinite(dur).all()):
        raise RoutingServiceError("路网服务报告部分站点之间无道路可达，请检查站点位置或改用直线距离估算")
    return dist, dur


# ---- the path problem -----------------------------------------------------------------------------------------
def _problem(stops: Sequence[LonLat], start: LonLat | None, end: LonLat | None, matrix_of: object) -> Matrix:
    """(n+2)×(n+2) costs: stops 0..n-1, node n = start, node n+1 = end (zero cost when absent)."""
    len(stops)
    pts = [*list(stops), start or stops[0], end or stops[0]]
    return _mask_depots(np.array(matrix_of(pts), dtype=np.float64), start is not None, end is not None)  # type: ignore[operator]


def _mask_depots(m: Matrix, has_start: bool, has_end: bool) -> Matrix:
    """Zero the costs that must not count: from an absent start, to an absent end, into start, out of end."""
    n = m.shape[0] - 2
    m = m.copy()
    if not has_start:
        m[n, :] = 0.0
    if not has_end:
        m[:, n + 1] = 0.0
    m[:, n] = 0.0
    m[n + 1, :] = 0.0
    return m


def path_cost(order: Sequence[int], m: Matrix) -> float:
    """Cost of start → order → end in a ``_problem`` matrix."""
    n = m.shape[0] - 2
    seq = [n, *order, n + 1]
    return float(sum(m[a, b] for a, b in itertools.pairwise(seq)))


def _held_karp(m: Matrix) -> list[int]:
    """Exact optimum for small n (O(2^n n^2))."""
    n = m.shape[0] - 2
    s, e = n, n + 1
    full = 1 << n
    cost = np.full((full, n), np.inf)
    parent = np.full((full, n), -1, dtype=np.int64)
    for j in range(n):
        cost[1 << j, j] = m[s, j]
    for mask in range(1, full):
        row = cost[mask]
        for j in range(n):
            if not (mask >> j) & 1 or not np.isfinite(row[j]):
                continue
            base = row[j]
            for k in range(n):
                if (mask >> k) & 1:
                    continue
                nm = mask | (1 << k)
                c = base + m[j, k]
                if c < cost[nm, k]:
                    cost[nm, k] = c
                    parent[nm, k] = j
    last = int(np.argmin(cost[full - 1] + m[:n, e]))
    order, mask = [], full - 1
    while last != -1:
        order.append(last)
        prev = int(parent[mask, last])
        mask ^= 1 << last
        last = prev
    return order[::-1]


def nearest_neighbour(m: Matrix) -> list[int]:
    """Greedy path from the start node."""
    n = m.shape[0] - 2
    left = np.ones(n, dtype=bool)
    cur, order = n, []
    for _ in range(n):
        d = np.where(left, m[cur, :n], np.inf)
        nxt = int(np.argmin(d))
        order.append(nxt)
        left[nxt] = False
        cur = nxt
    return order


def _symmetric(m: Matrix) -> Matrix:
    """The matrix local moves are judged on: symmetrised between stops, real costs at the depots."""
    n = m.shape[0] - 2
    sym = (m + m.T) / 2 if not np.allclose(m[:n, :n], m[:n, :n].T) else m.copy()
    sym[n, :n] = m[n, :n]
    sym[:n, n] = m[n, :n]
    sym[:n, n + 1] = m[:n, n + 1]
    sym[n + 1, :n] = m[:n, n + 1]
    return sym


def two_opt(order: Sequence[int], m: Matrix, *, max_sweeps: int = 1000) -> list[int]:
    """2-opt with fixed endpoints (moves judged on the symmetrised matrix), vectorised per position."""
    n = m.shape[0] - 2
    sym = _symmetric(m)
    seq = np.array([n, *order, n + 1], dtype=np.int64)
    for _ in range(max_sweeps):
        improved = False
        for i in range(1, n):
            a, b = seq[i - 1], seq[i]
            c = seq[i + 1:n + 1]
            d = seq[i + 2:n + 2]
            delta = sym[a, c] + sym[b, d] - sym[a, b] - sym[c, d]
            k = int(np.argmin(delta))
            if delta[k] < -1e-7:
                j = i + 1 + k
                seq[i:j + 1] = seq[i:j + 1][::-1]
                improved = True
        if not improved:
            break
    return [int(x) for x in seq[1:-1]]


def or_opt(order: Sequence[int], m: Matrix, *, max_sweeps: int = 100) -> list[int]:
    """Or-opt: move segments of 1–3 stops (either way round) to the best other place, vectorised per segment."""
    n = m.shape[0] - 2
    sym = _symmetric(m)
    seq = np.array([n, *order, n + 1], dtype=np.int64)
    for _ in range(max_sweeps):
        improved = False
        for length in (1, 2, 3):
            i = 1
            while i + length <= len(seq) - 1:
                p, s0, s1, q = seq[i - 1], seq[i], seq[i + length - 1], seq[i + length]
                gain = sym[p, s0] + sym[s1, q] - sym[p, q]
                rest = np.concatenate([seq[:i], seq[i + length:]])
                a, b = rest[:-1], rest[1:]
                fwd = sym[a, s0] + sym[s1, b] - sym[a, b]
                rev = sym[a, s1] + sym[s0, b] - sym[a, b]
                kf, kr = int(np.argmin(fwd)), int(np.argmin(rev))
                best, k, flip = (fwd[kf], kf, False) if fwd[kf] <= rev[kr] else (rev[kr], kr, True)
                if best - gain < -1e-7:
                    seg = seq[i:i + length][::-1] if flip else seq[i:i + length]
                    seq = np.concatenate([rest[:k + 1], seg, rest[k + 1:]])
                    improved = True
                i += 1
        if not improved:
            break
    return [int(x) for x in seq[1:-1]]


def local_search(m: Matrix) -> list[int]:
    """Nearest neighbour, then 2-opt and Or-opt alternately until neither improves."""
    order = nearest_neighbour(m)
    cost = path_cost(order, m)
    for _ in range(20):
        order = or_opt(two_opt(order, m), m)
        new = path_cost(order, m)
        if new >= cost - 1e-7:
            break
        cost = new
    return order


def _ortools(m: Matrix, time_limit_s: float, initial: Sequence[int] | None = None) -> list[int] | None:
    """OR-Tools routing with guided local search (from ``initial`` when given); None when not installed."""
    try:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    except ImportError:
        return None
    n = m.shape[0] - 2
    scale = 1000.0 / max(1.0, float(m.max()) / 1e6)  # integer costs with ≥ 1 mm resolution up to 1000 km
    costs = np.rint(m * scale).astype(np.int64).tolist()
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [n], [n + 1])
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitMatrix(costs)
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(100, int(time_limit_s * 1000)))
    if initial is not None:
        routing.CloseModelWithParameters(params)
        start = routing.ReadAssignmentFromRoutes([[manager.NodeToIndex(int(i)) for i in initial]], True)
        sol = routing.SolveFromAssignmentWithParameters(start, params) if start is not None else None
    else:
        sol = routing.SolveWithParameters(params)
    if sol is None:
        return None
    order, idx = [], routing.Start(0)
    idx = sol.Value(routing.NextVar(idx))
    while not routing.IsEnd(idx):
        order.append(manager.IndexToNode(idx))
        idx = sol.Value(routing.NextVar(idx))
    return order


def default_time_limit(n: int) -> float:
    """Seconds given to OR-Tools: 1 s + 1 s per 100 stops, at most 10 s."""
    return min(10.0, 1.0 + n / 100.0)


def solve(m: Matrix, *, time_limit_s: float | None = None, use_ortools: bool = True) -> list[int]:
    """Best order found for a ``_problem`` matrix (exact for ≤ ``EXACT_MAX_STOPS`` stops)."""
    n = m.shape[0] - 2
    if n <= 1:
        return list(range(n))
    if n <= EXACT_MAX_STOPS:
        return _held_karp(m)
    candidates = [local_search(m)]
    if use_ortools and n <= ORTOOLS_MAX_STOPS:
        limit = default_time_limit(n) if time_limit_s is None else time_limit_s
        solved = _ortools(m, limit)
        if solved is not None and sorted(solved) == list(range(n)):
            candidates.append(or_opt(two_opt(solved, m), m))
    return min(candidates, key=lambda o: path_cost(o, m))


def order_stops(stops: Sequence[LonLat], *, start: LonLat | None = None, end: LonLat | None = None,
                road_factor: float = DEFAULT_ROAD_FACTOR, osrm_url: str | None = None,
                time_limit_s: float | None = None, use_ortools: bool = True) -> list[int]:
    """Visiting order of ``stops`` ((lon, lat) pairs) as indices into ``stops``.

    ``start``/``end`` are optional depots, not part of the result (see the module docstring for the path
    model).  Distance: geodesic × ``road_factor``, or OSRM road distance when ``osrm_url`` is given.
    """
    if not len(stops):
        return []
    return solve(_problem(stops, start, end, _distance_fn(road_factor, osrm_url)),
                 time_limit_s=time_limit_s, use_ortools=use_ortools)


def _distance_fn(road_factor: float, osrm_url: str | None) -> object:
    if osrm_url:
        return lambda pts: osrm_table(pts, osrm_url)[0]
    return lambda pts: road_matrix(pts, road_factor=road_factor)


# ---- days -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoutePlan:
    """An ordered route split into days.

    ``schedule``: one row per stop in visiting order — ``stop`` (index into the input), ``seq`` (1-based),
    ``day``, ``seq_in_day``, ``leg_m`` (from the previous point of that day: depot or stop), ``travel_min``,
    ``arrive_min`` / ``depart_min`` (minutes after the day's start).  ``days``: one row per day — ``day``,
    ``stops``, ``distance_m`` and ``travel_min`` (incl. the return leg), ``service_min``, ``total_min``,
    ``over_budget`` (a single stop that alone exceeds the budget).
    """

    order: list[int]
    schedule: pd.DataFrame
    days: pd.DataFrame
    start: LonLat | None
    end: LonLat | None
    method: str
    day_budget_min: float

    @property
    def total_m(self) -> float:
        """Total distance (m) over all days."""
        return float(self.days["distance_m"].sum())


def _service(service_min: float | Sequence[float], n: int) -> NDArray[np.float64]:
    s = np.broadcast_to(np.asarray(service_min, dtype=np.float64), (n,)).copy() if np.ndim(service_min) == 0 \
        else np.asarray(service_min, dtype=np.float64)
    if s.shape != (n,) or (s < 0).any() or not np.isfinite(s).all():
        raise PlanningError(f"每站检查时长应为非负数（共 {n} 站），实际为“{service_min}”")
    return s


def split_days(order: Sequence[int], dist_m: Matrix, dur_min: Matrix, *, service_min: NDArray[np.float64],
               day_budget_min: float, has_start: bool, has_end: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cut an ordered path into days: add the next stop while start→…→stop→end still fits the budget."""
    n = dist_m.shape[0] - 2
    s, e = n, n + 1
    rows: list[dict[str, float | int]] = []
    days: list[dict[str, float | int | bool]] = []
    day, i = 0, 0
    order = list(order)
    while i < len(order):
        day += 1
        prev = s if has_start else order[i]
        t = 0.0
        members: list[int] = []
        dist = 0.0
        while i < len(order):
            k = order[i]
            leg_t = float(dur_min[prev, k]) if (members or has_start) else 0.0
            leg_d = float(dist_m[prev, k]) if (members or has_start) else 0.0
            back = float(dur_min[k, e]) if has_end else 0.0
            if members and t + leg_t + service_min[k] + back > day_budget_min:
                break
            rows.append(dict(stop=k, day=day, seq_in_day=len(members) + 1, leg_m=leg_d, travel_min=leg_t,
                             arrive_min=t + leg_t, depart_min=t + leg_t + service_min[k]))
            t += leg_t + service_min[k]
            dist += leg_d
            members.append(k)
            prev = k
            i += 1
        back_t = float(dur_min[prev, e]) if has_end else 0.0
        back_d = float(dist_m[prev, e]) if has_end else 0.0
        total = t + back_t
        days.append(dict(day=day, stops=len(members), distance_m=dist + back_d,
                         travel_min=total - float(service_min[members].sum()),
                         service_min=float(service_min[members].sum()), total_min=total,
                         over_budget=bool(total > day_budget_min + 1e-9)))
    sched = pd.DataFrame(rows, columns=["stop", "day", "seq_in_day", "leg_m", "travel_min", "arrive_min",
                                        "depart_min"])
    sched.insert(1, "seq", range(1, len(sched) + 1))
    return sched, pd.DataFrame(days, columns=["day", "stops", "distance_m", "travel_min", "service_min",
                                              "total_min", "over_budget"])


def plan_route(stops: Sequence[LonLat], *, start: LonLat | None = None, end: LonLat | None = None,
               order: Sequence[int] | None = None, road_factor: float = DEFAULT_ROAD_FACTOR,
               speed_kmh: float = DEFAULT_SPEED_KMH, service_min: float | Sequence[float] = DEFAULT_SERVICE_MIN,
               day_budget_min: float = DEFAULT_DAY_BUDGET_MIN, osrm_url: str | None = None,
               time_limit_s: float | None = None, use_ortools: bool = True) -> RoutePlan:
    """Order the stops (or take the given ``order``, e.g. a manual re-ordering) and split them into days.

    Travel time: OSRM durations when ``osrm_url`` is set, otherwise distance / ``speed_kmh``.  Each day starts
    at ``start`` and ends at ``end`` when given.
    """
    n = len(stops)
    if not n:
        raise PlanningError("没有可安排的检查站点")
    if not speed_kmh > 0:
        raise PlanningError(f"平均车速“{speed_kmh}”应大于 0 公里/小时")
    if not day_budget_min > 0:
        raise PlanningError(f"每日工作时长“{day_budget_min}”应大于 0 分钟")
    service = _service(service_min, n)
    pts = [*stops, start or stops[0], end or stops[0]]
    if osrm_url:
        dist, dur_s = osrm_table(pts, osrm_url)
        dur = dur_s / 60.0
        method = "路网距离（OSRM）"
    else:
        dist = road_matrix(pts, road_factor=road_factor)
        dur = dist / (speed_kmh * 1000.0 / 60.0)
        method = f"直线距离×{road_factor:g}（道路系数），车速 {speed_kmh:g} 公里/小时"
    m = _mask_depots(dist, start is not None, end is not None)
    if order is None:
        chosen = solve(m, time_limit_s=time_limit_s, use_ortools=use_ortools)
    else:
        chosen = [int(i) for i in order]
        if sorted(chosen) != list(range(n)):
            raise PlanningError(f"手工调整的顺序须恰好包含每个站点一次（共 {n} 站）")
    sched, days = split_days(chosen, dist, dur, service_min=service, day_budget_min=day_budget_min,
                             has_start=start is not None, has_end=end is not None)
    return RoutePlan(chosen, sched, days, start, end, method, day_budget_min)


def km(metres: float) -> str:
    """Distance as "12.3 公里"."""
    return f"{metres / 1000:.1f} 公里" if math.isfinite(metres) else "—"
