"""Map speed at N synthetic sites: our compact canvas layers against naive folium (one ``folium.Marker`` each).

Run: .venv/bin/python bench/map_bench.py --sites 10000 --json

For each variant, in one run:
- ``build_s``: Python time from a ready site table (statuses computed) to the finished HTML;
- ``payload_bytes``: bytes of that HTML (what reaches the browser; ``payload_gzip_bytes`` for reference);
- ``render_s``: time in headless Debian chromium from navigation to every site drawn (ours: all site layers
  created and two animation frames painted; baseline: every marker icon in the DOM and two frames painted).
  The HTML and ``static/vendor`` are served on 127.0.0.1; every non-loopback request is aborted.
- ours: the median of ``--runs`` page loads (default 3; the baseline is loaded once);
- ours also ``pan_ms``: a 300 px pan until ``moveend`` and the next painted frame (no Python involved — the
  app passes ``returned_objects=["last_active_drawing"]`` so panning never reruns the page).
The naive baseline is skipped above ``--baseline-max`` sites (default 20 000: at 100 000 it takes minutes);
the JSON then says ``"skipped"``.  Prints one JSON object ``{"sites": N, "ours": {...}, "baseline": {...}}``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
from shapely.geometry import box  # noqa: E402

from compliance.status import SiteStatus, Status  # noqa: E402
from layers.compose import MapOptions, compose_fast  # noqa: E402
from layers.offline import use_local_assets  # noqa: E402
from layers.sitetable import site_table  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LOOPBACK = {"127.0.0.1", "localhost"}
BBOX = (115.62, 29.34, 116.26, 29.85)  # 柴桑区 extent (lon/lat)
KINDS = ["water_section", "drinking_source", "air_station", "project", "enterprise", "task"]
STATUS_MIX = [(Status.GOOD, 0.6), (Status.WARN, 0.12), (Status.EXCEED, 0.1), (Status.STALE, 0.05),
              (Status.NODATA, 0.05), (Status.OVERDUE, 0.04), (Status.IN_PROGRESS, 0.04)]
TOWNS = ["沙河街道", "城子镇", "港口街镇", "新合镇", "狮子街道", "涌泉乡", "永安乡", "岷山乡", "马回岭镇",
         "江洲镇", "新塘乡"]


def synthetic(n: int, seed: int = 7) -> tuple[gpd.GeoDataFrame, dict[str, SiteStatus]]:
    """N point sites in the district's extent with realistic Chinese names and a status mix."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(BBOX[0], BBOX[2], n)
    lat = rng.uniform(BBOX[1], BBOX[3], n)
    kinds = rng.choice(KINDS, n)
    towns = rng.choice(TOWNS, n)
    ids = [f"S{i:06d}" for i in range(n)]
    names = [f"{t}监测点{i}号" for i, t in enumerate(towns)]
    frame = gpd.GeoDataFrame(
        {"site_id": ids, "name": names, "kind": kinds, "township": towns, "sample": True},
        geometry=gpd.points_from_xy(lon, lat), crs=4490,
    )
    codes = rng.choice(len(STATUS_MIX), n, p=[p for _, p in STATUS_MIX])
    statuses = {
        sid: SiteStatus(STATUS_MIX[c][0], f"{STATUS_MIX[c][0].value} 示例说明 {i % 97}")
        for i, (sid, c) in enumerate(zip(ids, codes, strict=True))
    }
    return frame, statuses


def _context() -> dict[str, gpd.GeoDataFrame]:
    from geo.dataset import read_dataset

    try:
        ds = read_dataset()
        return {"district": ds.district, "neighbours": ds.neighbours, "townships": ds.townships}
    except OSError:
        frame = gpd.GeoDataFrame({"name": ["柴桑区"]}, geometry=[box(*BBOX)], crs=4490)
        return {"district": frame, "neighbours": frame.iloc[0:0], "townships": frame}


def build_ours(frame: gpd.GeoDataFrame, statuses: dict[str, SiteStatus]) -> tuple[str, float]:
    t0 = time.perf_counter()
    table = site_table(frame, statuses)
    fast = compose_fast(table, **_context(), options=MapOptions(sample=True))
    html = fast.map.get_root().render()
    return html, time.perf_counter() - t0


def build_baseline(frame: gpd.GeoDataFrame, statuses: dict[str, SiteStatus]) -> tuple[str, float]:
    t0 = time.perf_counter()
    m = folium.Map(location=[29.6, 115.94], zoom_start=10, tiles=None)
    for sid, name, geom in zip(frame["site_id"], frame["name"], frame.geometry, strict=True):
        folium.Marker([geom.y, geom.x], tooltip=name, popup=statuses[sid].explanation).add_to(m)
    html = m.get_root().render()
    return html, time.perf_counter() - t0


class _Handler(http.server.SimpleHTTPRequestHandler):
    pages: ClassVar[dict[str, bytes]] = {}

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path = urlparse(self.path).path
        if path in self.pages:
            body = self.pages[path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path.startswith("/app/static/"):
            self.path = path[len("/app"):]
            super().do_GET()
            return
        self.send_error(404)


def _serve(pages: dict[str, bytes]) -> tuple[http.server.ThreadingHTTPServer, str]:
    _Handler.pages = pages
    handler = functools.partial(_Handler, directory=str(ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"


def _render(browser: Any, url: str, ready_js: str, timeout_s: float, pan: bool, runs: int = 1) -> dict[str, Any]:
    """Median of ``runs`` fresh page loads (each in a new browser context: no cache)."""
    results = [_render_once(browser, url, ready_js, timeout_s, pan) for _ in range(runs)]
    ok = [r for r in results if r.get("render_s") is not None]
    if not ok:
        return results[0]
    out = dict(ok[0])
    for key in ("render_s", "pan_ms"):
        values = sorted(r[key] for r in ok if key in r)
        if values:
            out[key] = values[len(values) // 2]
            if len(values) > 1:
                out[f"{key}_runs"] = values
    out["external_requests"] = max(r.get("external_requests", 0) for r in ok)
    return out


def _render_once(browser: Any, url: str, ready_js: str, timeout_s: float, pan: bool) -> dict[str, Any]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    external: list[str] = []

    def route(r: Any) -> None:
        if (urlparse(r.request.url).hostname or "") in LOOPBACK:
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    try:
        page.goto(url, timeout=timeout_s * 1000, wait_until="commit")
        page.wait_for_function(ready_js, timeout=timeout_s * 1000, polling=50)
        done_ms = page.evaluate(_FRAMES)
        out: dict[str, Any] = {"render_s": round(done_ms / 1000, 3), "external_requests": len(external)}
        if pan:
            out["pan_ms"] = round(page.evaluate(
                """() => new Promise(r => { const m = window.chaisangMap, t0 = performance.now();
                   m.once('moveend', () => requestAnimationFrame(() => r(performance.now() - t0)));
                   m.panBy([300, 200], {animate: false}); })"""
            ), 1)
        return out
    except Exception as exc:
        return {"render_s": None, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    finally:
        ctx.close()


def _expose_map(html: str) -> str:
    """Make the folium map reachable as window.chaisangMap (for the pan measurement)."""
    import re

    name = re.search(r"var (map_[0-9a-f]+) = L\.map\(", html)
    if not name:
        return html
    return html.replace("</script>\n</html>", f"window.chaisangMap = {name.group(1)};</script>\n</html>")


def run(n: int, baseline_max: int, timeout_s: float, runs: int = 3) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    use_local_assets()
    frame, statuses = synthetic(n)
    html, build_s = build_ours(frame, statuses)
    html = _expose_map(html)
    result: dict[str, Any] = {"sites": n}
    pages = {"/ours.html": html.encode()}
    result["ours"] = {"build_s": round(build_s, 3), "payload_bytes": len(pages["/ours.html"]),
                      "payload_gzip_bytes": len(gzip.compress(pages["/ours.html"]))}
    if n <= baseline_max:
        base_html, base_s = build_baseline(frame, statuses)
        pages["/baseline.html"] = base_html.encode()
        result["baseline"] = {"build_s": round(base_s, 3), "payload_bytes": len(pages["/baseline.html"]),
                              "payload_gzip_bytes": len(gzip.compress(pages["/baseline.html"]))}
    else:
        result["baseline"] = {"skipped": f"naive baseline not run above {baseline_max} sites (takes minutes)",
                              "build_s": None, "payload_bytes": None, "render_s": None}
    server, base = _serve(pages)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            result["ours"].update(_render(browser, f"{base}/ours.html",
                                          f"() => (window.chaisangReady || 0) >= {n}", timeout_s, pan=True, runs=runs))
            if "skipped" not in result["baseline"]:
                result["baseline"].update(_render(
                    browser, f"{base}/baseline.html",
                    f"() => document.querySelectorAll('.leaflet-marker-icon').length >= {n}", timeout_s, pan=False))
            browser.close()
    finally:
        server.shutdown()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=10_000)
    ap.add_argument("--baseline-max", type=int, default=20_000)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per browser render")
    ap.add_argument("--runs", type=int, default=3, help="page loads of our map (median reported)")
    ap.add_argument("--json", action="store_true", help="one-line JSON")
    args = ap.parse_args()
    result = run(args.sites, args.baseline_max, args.timeout, args.runs)
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
