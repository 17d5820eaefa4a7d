"""Time to first map: cold start (new server, empty cache) and warm start (server running, cache filled).

Run: .venv/bin/python bench/first_map_bench.py [--runs 3] [--json]
Measures, in Debian chromium with every non-loopback request aborted, the time from navigation to the moment
the Leaflet map inside the component iframe has drawn its site features.  Cold start includes the Streamlit
server's start-up and the first (uncached) data load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import CHROMIUM, LOOPBACK, start_app, stop_app
from tests.browser.mapjs import count_site_features, wait_for_map_frame, wait_for_sites


def _measure(browser, url: str) -> float:
    from urllib.parse import urlparse

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.route("**/*", lambda r: r.continue_() if (urlparse(r.request.url).hostname or "") in LOOPBACK
              else r.abort())
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    frame = wait_for_map_frame(page, timeout=120_000)
    wait_for_sites(frame, timeout=120_000)
    elapsed = time.perf_counter() - t0
    assert count_site_features(frame) > 0
    ctx.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    cold, warm = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                server = start_app(Path(tmp))
                startup = time.perf_counter() - t0
                try:
                    cold.append(startup + _measure(browser, server.url))
                    warm.extend(_measure(browser, server.url) for _ in range(3))
                finally:
                    stop_app(server)
        browser.close()
    result = {
        "cold_s": {"median": round(statistics.median(cold), 2), "runs": [round(x, 2) for x in cold]},
        "warm_s": {"median": round(statistics.median(warm), 2), "runs": [round(x, 2) for x in warm]},
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
