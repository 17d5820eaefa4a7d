"""The packed, canvas-batched site layers (used from PACK_MIN_SITES sites on) in Debian chromium.

Served as a static page on 127.0.0.1 (no Streamlit): every site is drawn, hovering shows the tooltip, a click
reaches the layer's click listeners with a GeoJSON feature of the right site (what streamlit-folium returns as
``last_active_drawing``), switching a group off removes it from the canvas, and nothing leaves the machine.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import geopandas as gpd
import numpy as np
import pytest

from compliance.status import SiteStatus, Status
from layers import fastsites
from layers.compose import compose_fast
from layers.offline import use_local_assets
from layers.sitetable import site_table
from tests.browser.conftest import LOOPBACK
from tests.conftest import ROOT
from tests.layers.asset_state import preserved_assets
from tests.layers.common import district_gdf, neighbours_gdf, townships_gdf

pytestmark = pytest.mark.browser
N = fastsites.PACK_MIN_SITES + 500


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, Any]]:
    rng = np.random.default_rng(3)
    frame = gpd.GeoDataFrame(
        {"site_id": [f"S{i:05d}" for i in range(N)], "name": [f"测试点{i}" for i in range(N)],
         "kind": rng.choice(["water_section", "task"], N), "sample": True},
        geometry=gpd.points_from_xy(rng.uniform(115.7, 116.2, N), rng.uniform(29.4, 29.8, N)), crs=4490)
    codes = [Status.GOOD, Status.EXCEED, Status.OVERDUE]
    sts = {sid: SiteStatus(codes[i % 3], f"说明{i}") for i, sid in enumerate(frame["site_id"])}
    with preserved_assets():
        use_local_assets()
        fast = compose_fast(site_table(frame, sts), district=district_gdf(), neighbours=neighbours_gdf(),
                            townships=townships_gdf())
        html = fast.map.get_root().render()
    import re

    name = re.search(r"var (map_[0-9a-f]+) = L\.map\(", html).group(1)
    html = html.replace("</script>\n</html>", f"window.testMap = {name};</script>\n</html>")
    body = html.encode()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if urlparse(self.path).path == "/map.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)
            elif self.path.startswith("/app/static/"):
                self.path = self.path[len("/app"):]
                super().do_GET()
            else:
                self.send_error(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(ROOT)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/map.html", "table": fast.table}
    server.shutdown()


@pytest.fixture
def page(browser, served) -> Iterator[tuple[Any, list[str]]]:
    external: list[str] = []
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})

    def route(r: Any) -> None:
        if (urlparse(r.request.url).hostname or "") in LOOPBACK:
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    pg.goto(served["url"])
    pg.wait_for_function(f"() => (window.chaisangReady || 0) >= {N}", timeout=60_000)
    pg.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    yield pg, external
    ctx.close()


def _container_xy(pg: Any, lat: float, lon: float) -> tuple[float, float]:
    x, y = pg.evaluate("([a, b]) => { const p = window.testMap.latLngToContainerPoint([a, b]); return [p.x, p.y]; }",
                       [lat, lon])
    return x, y


def _isolated(pg: Any, table: Any) -> Any:
    pts = np.array([_container_xy(pg, r.lat, r.lon) for r in table.itertuples()])
    best, best_d = None, 0.0
    for i, (x, y) in enumerate(pts):
        if not (30 < x < 1170 and 30 < y < 870):
            continue
        d = np.sort(np.hypot(*(pts - (x, y)).T))[1]
        if d > best_d:
            best, best_d = i, d
    assert best_d > 12
    return table.iloc[best], (float(pts[best][0]), float(pts[best][1]))


def test_sites_are_above_the_boundaries(page, served) -> None:
    pg, _ = page
    order = pg.evaluate("""() => { const r = window.testMap.getRenderer(window.testMap), out = [];
        for (let o = r._drawFirst; o; o = o.next) out.push(o.layer instanceof window.ChaisangSites.Batch);
        return out; }""")
    assert any(order) and order.index(True) > 0 and all(order[order.index(True):])


def test_every_site_is_drawn_on_one_canvas(page, served) -> None:
    pg, external = page
    assert pg.evaluate("() => document.querySelectorAll('.leaflet-overlay-pane canvas').length") == 1
    drawn = pg.evaluate("() => window.ChaisangSites.batches().reduce((n, l) => n + l._d.n, 0)")
    assert drawn == N
    assert external == []


def test_click_reports_the_right_site_as_geojson(page, served) -> None:
    pg, external = page
    row, (x, y) = _isolated(pg, served["table"])
    pg.evaluate("""() => { window.clicked = []; window.testMap.eachLayer(l => l.on('click', e => {
        if (e.layer && e.layer.toGeoJSON) window.clicked.push(e.layer.toGeoJSON()); })); }""")
    box = pg.locator(".folium-map").bounding_box()
    pg.mouse.move(box["x"] + x, box["y"] + y)
    pg.wait_for_selector(".site-tooltip", timeout=5_000)
    assert row["name"] in pg.inner_text(".site-tooltip")
    pg.mouse.click(box["x"] + x, box["y"] + y)
    popup = pg.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    assert row["name"] in popup.inner_text() and row["status_label"] in popup.inner_text()
    clicked = pg.evaluate("() => window.clicked")
    assert clicked and {c["properties"]["site_id"] for c in clicked} == {row["site_id"]}
    lon, lat = clicked[0]["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx((row["lon"], row["lat"]), abs=2e-5)
    assert external == []


def test_switching_a_group_off_removes_it_from_the_canvas(page, served) -> None:
    pg, _ = page
    before = pg.evaluate("() => window.ChaisangSites.batches().length")
    pg.get_by_text("问题与整改").click()
    assert pg.evaluate("() => window.ChaisangSites.batches().length") == before - 1
    tasks = int((served["table"]["kind"] == "task").sum())
    legend_total = pg.evaluate("() => parseInt(document.getElementById('map-legend').dataset.total, 10)")
    assert legend_total == N - tasks
