"""End to end (issue 6): filters, URL state, detail panel, periods, GCJ-02 basemap, presentation mode.

One app server for the whole session (``app_server``), every non-loopback request aborted and recorded.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.mapjs import (
    SITE_FEATURES_JS,
    frame_where,
    legend_counts,
    site_features,
    wait_for_map_frame,
    wait_for_sites,
)
from tests.browser.test_map_e2e import _isolated_site

pytestmark = pytest.mark.browser

GAODE = "高德地图（GCJ-02）"


@pytest.fixture(scope="module")
def engine() -> dict[str, Any]:
    """Statuses the engine computes for the default date and for a month whose colours differ."""
    import pandas as pd

    from compliance.periods import clamp_as_of, months_between
    from compliance.sites import assess_all, default_as_of
    from config import warn_fraction
    from geo.dataset import read_dataset
    from service.district import tasks_upto

    ds = read_dataset()
    end = default_as_of(ds.measurements)

    def at(day: Any) -> dict[str, Any]:
        # A task opened after the evaluation date does not exist yet at that date (the map and briefing agree).
        return assess_all(ds.sites, ds.measurements, ds.progress, tasks_upto(ds.tasks, day), as_of=day,
                          warn_fraction=warn_fraction())

    latest = at(end)
    for month in reversed(months_between((pd.Timestamp(end) - pd.DateOffset(months=18)).date(), end)[:-1]):
        other = at(clamp_as_of(month, end))
        if any(other[k].status != latest[k].status for k in latest if k.startswith("W-")):
            break
    site = ds.sites[ds.sites["kind"] == "water_section"].iloc[0]
    return {"latest": latest, "month": month, "month_statuses": other,
            "known": (str(site["site_id"]), float(site.geometry.x), float(site.geometry.y))}


def _frame_when(page: Any, predicate_js: str, timeout: float = 60.0) -> Any:
    """The map frame once ``predicate_js`` holds in it (the iframe is re-rendered after a rerun)."""
    return frame_where(page, predicate_js, timeout * 1000)


def _open(page: Any, url: str) -> tuple[Any, list[dict[str, Any]]]:
    page.goto(url)
    frame = wait_for_map_frame(page)
    return frame, wait_for_sites(frame)


def test_problem_filter_changes_legend_and_features_and_url(app_server, page_and_network, engine) -> None:
    page, net = page_and_network
    frame, feats = _open(page, app_server.url)
    assert len(feats) == len(engine["latest"])
    problems = Counter(s.status.value for s in engine["latest"].values()
                       if s.status.value in ("exceed", "warn", "stale", "nodata", "overdue", "delayed"))
    frame.evaluate("() => { window.keptMap = window.map; }")  # the running map must survive the filter change
    page.locator('[data-testid="stSidebar"]').get_by_text("只看问题").click()
    total = sum(problems.values())
    legend_js = "(document.getElementById('map-legend') || {dataset: {}})"
    frame = _frame_when(page, f"() => {legend_js}.dataset.total == '{total}' && window.keptMap === window.map")
    wait_for_sites(frame)
    drawn = site_features(frame)
    assert Counter(f["status"] for f in drawn) == problems
    assert legend_counts(frame) == dict(problems)
    assert "problems_only=1" in page.url
    assert net.external == []


def test_url_state_restores_filters(app_server, page_and_network, engine) -> None:
    page, net = page_and_network
    frame, feats = _open(page, f"{app_server.url}/?layers={quote('监测断面')}")
    expected = {k for k in engine["latest"] if k.startswith("W-")}
    assert {f["site_id"] for f in feats} == expected
    assert sum(legend_counts(frame).values()) == len(expected)
    assert net.external == []


def test_click_opens_detail_panel_for_that_site(app_server, page_and_network, engine) -> None:
    page, net = page_and_network
    frame, feats = _open(page, app_server.url)
    target = _isolated_site(frame, feats, prefer="exceed")
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    offset = frame.evaluate(
        "() => { const r = window.map.getContainer().getBoundingClientRect(); return [r.left, r.top]; }")
    page.mouse.click(box["x"] + offset[0] + target["x"], box["y"] + offset[1] + target["y"])
    panel = page.locator(f'#detail-site[data-site="{target["site_id"]}"]')
    panel.wait_for(timeout=30_000)
    assert engine["latest"][target["site_id"]].explanation[:20] in panel.inner_text()
    assert page.locator(".status-strip .strip-cell").count() == 12
    assert net.external == []


def test_month_changes_colours_as_the_engine_says(app_server, page_and_network, engine) -> None:
    page, net = page_and_network
    frame, feats = _open(page, f"{app_server.url}/?period={engine['month']}")
    drawn = {f["site_id"]: f["status"] for f in feats}
    assert drawn == {k: s.status.value for k, s in engine["month_statuses"].items()}
    assert any(drawn[k] != engine["latest"][k].status.value for k in drawn)
    colours = frame.evaluate("""() => { const o = {}; window.map.eachLayer(l => {
        if (l.feature && l.feature.properties.site_id) o[l.feature.properties.site_id] = l.options.color; });
        return o; }""")
    from compliance.status import status_color

    assert colours == {k: status_color(s.status) for k, s in engine["month_statuses"].items()}
    assert net.external == []


def test_gaode_basemap_draws_sites_at_gcj02(app_server, page_and_network, engine) -> None:
    from geo.offset import wgs84_to_gcj02

    page, net = page_and_network
    frame, feats = _open(page, f"{app_server.url}/?basemap={quote(GAODE)}")
    sid, lon, lat = engine["known"]
    drawn = next(f for f in feats if f["site_id"] == sid)
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert drawn["lng"] == pytest.approx(glon, abs=2e-5)
    assert drawn["lat"] == pytest.approx(glat, abs=2e-5)
    px = frame.evaluate(
        """([lat, lng, glat, glng, dlat, dlng]) => { const m = window.map; m.setView([lat, lng], 16, {animate: false});
           const a = m.latLngToContainerPoint([lat, lng]), g = m.latLngToContainerPoint([glat, glng]),
                 d = m.latLngToContainerPoint([dlat, dlng]);
           return [g.x - a.x, g.y - a.y, d.x - a.x, d.y - a.y]; }""",
        [lat, lon, glat, glon, drawn["lat"], drawn["lng"]],
    )
    assert math.hypot(px[2], px[3]) > 100  # GCJ-02 is ~500 m off here: >100 px at zoom 16
    assert px[2] == pytest.approx(px[0], abs=1.5) and px[3] == pytest.approx(px[1], abs=1.5)
    assert net.external, "the Gaode tiles should have been requested (and aborted)"
    assert all("autonavi.com" in u for u in net.external)


def test_presentation_mode_hides_controls(app_server, page_and_network) -> None:
    page, net = page_and_network
    _, feats = _open(page, f"{app_server.url}/?present=1")
    assert page.locator("#presentation-mode").count() == 1
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.locator('[data-testid="stMetric"]').count() >= 5
    assert page.get_by_text("断面达标").first.is_visible()
    for widget in ("stMultiSelect", "stTextInput", "stSelectbox", "stButton", "stCheckbox", "stToggle"):
        assert page.locator(f'[data-testid="{widget}"]:visible').count() == 0, widget
    assert page.get_by_text("编辑").count() == 0
    assert feats and net.external == []


def test_clicking_a_township_in_the_rollup_filters_by_it(app_server, page_and_network) -> None:
    from geo.dataset import read_dataset

    page, net = page_and_network
    frame, feats = _open(page, f"{app_server.url}/?rollup=1")
    towns = read_dataset().townships
    sites = frame.evaluate(
        "(fs) => fs.map(f => { const p = window.map.latLngToContainerPoint([f.lat, f.lng]); return [p.x, p.y]; })",
        [f for f in feats if f["lat"] is not None])
    size = frame.evaluate("() => [window.map.getSize().x, window.map.getSize().y]")
    best = None
    for name, geom in zip(towns["name"], towns.geometry, strict=True):
        pt = geom.representative_point()
        x, y = frame.evaluate("([a, b]) => { const p = window.map.latLngToContainerPoint([a, b]); return [p.x, p.y]; }",
                              [pt.y, pt.x])
        clear = min(math.dist((x, y), s) for s in sites)
        if 30 < x < size[0] - 30 and 30 < y < size[1] - 30 and clear > 18 and (best is None or clear > best[3]):
            best = (name, x, y, clear)
    assert best is not None, "no township point clear of the sites"
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(box["x"] + best[1], box["y"] + best[2])
    page.wait_for_url(f"**townships={quote(best[0])}**", timeout=30_000)
    from geo.dataset import map_features

    expected = int((map_features(read_dataset())["township"] == best[0]).sum())
    assert 0 < expected < len(feats)
    _frame_when(page, f"() => ({SITE_FEATURES_JS})().length === {expected}")
    assert net.external == []
