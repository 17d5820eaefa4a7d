"""End to end: the real app on 127.0.0.1 in Debian chromium, every non-loopback request aborted."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

from tests.browser.mapjs import legend_counts, wait_for_map_frame, wait_for_sites

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    """What the engine says, computed in-process from the same default data and settings."""
    from compliance.sites import assess_all, default_as_of
    from config import stale_days, warn_fraction
    from geo.dataset import read_dataset

    ds = read_dataset()
    as_of = default_as_of(ds.measurements)
    statuses = assess_all(ds.sites, ds.measurements, ds.progress, ds.tasks, as_of=as_of,
                          warn_fraction=warn_fraction(), stale_after=stale_days())
    return {"statuses": statuses, "n_register": len(ds.sites) + len(ds.tasks)}


@pytest.fixture
def loaded(app_server, page_and_network):
    page, net = page_and_network
    page.goto(app_server.url)
    frame = wait_for_map_frame(page)
    feats = wait_for_sites(frame)
    return page, net, frame, feats


def test_every_site_is_drawn_with_the_engines_status(loaded, expected) -> None:
    _, net, _, feats = loaded
    drawn = {f["site_id"]: f["status"] for f in feats}
    assert len(drawn) == expected["n_register"]
    assert drawn == {sid: s.status.value for sid, s in expected["statuses"].items()}
    assert net.external == []


def test_legend_counts_match_the_features(loaded, expected) -> None:
    _, _, frame, feats = loaded
    counts = legend_counts(frame)
    assert counts == dict(Counter(f["status"] for f in feats))
    assert sum(counts.values()) == expected["n_register"]


def _isolated_site(frame: Any, feats: list[dict[str, Any]], prefer: str) -> dict[str, Any]:
    pts = frame.evaluate(
        """(fs) => fs.map(f => { const p = window.map.latLngToContainerPoint([f.lat, f.lng]);
                                  return [f.site_id, p.x, p.y]; })""",
        [f for f in feats if f["lat"] is not None],
    )
    size = frame.evaluate("() => [window.map.getSize().x, window.map.getSize().y]")

    def clearance(p: list[Any]) -> float:
        if not (20 < p[1] < size[0] - 20 and 20 < p[2] < size[1] - 20):
            return -1
        return min((math.dist(p[1:], q[1:]) for q in pts if q[0] != p[0]), default=1e9)

    status_of = {f["site_id"]: f["status"] for f in feats}
    ranked = sorted(pts, key=lambda p: (clearance(p) > 12, status_of[p[0]] == prefer, clearance(p)), reverse=True)
    best = ranked[0]
    assert clearance(best) > 12, "no site is far enough from the others to click reliably"
    return {"site_id": best[0], "x": best[1], "y": best[2]}


def test_clicking_a_site_shows_its_explanation(loaded, expected) -> None:
    page, net, frame, feats = loaded
    target = _isolated_site(frame, feats, prefer="exceed")
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    offset = frame.evaluate(
        "() => { const r = window.map.getContainer().getBoundingClientRect(); return [r.left, r.top]; }"
    )
    page.mouse.click(box["x"] + offset[0] + target["x"], box["y"] + offset[1] + target["y"])
    popup = frame.wait_for_selector(".leaflet-popup-content", timeout=15_000)
    text = popup.inner_text()
    explanation = expected["statuses"][target["site_id"]].explanation
    assert explanation[:30] in text.replace("\n", "")
    assert net.external == []


def test_sample_data_is_labelled(loaded) -> None:
    page, _, _, _ = loaded
    assert page.get_by_text("示例数据", exact=False).first.is_visible()


def test_no_external_request_across_pages(app_server, page_and_network) -> None:
    page, net = page_and_network
    page.goto(app_server.url)
    wait_for_sites(wait_for_map_frame(page))
    page.get_by_text("数据与标准说明").first.click()
    page.get_by_text("评价依据").first.wait_for(timeout=30_000)
    assert net.external == []
    assert any("/app/static/vendor/" in u for u in net.local), "Leaflet was not served by the app"
