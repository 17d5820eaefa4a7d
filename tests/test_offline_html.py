"""Render full maps to HTML and prove nothing is loaded from off the server (no browser needed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import pytest
from folium.plugins import Fullscreen, MarkerCluster

from layers.assets import VENDOR_DIR, vendored_paths
from layers.basemaps import OSM, TIANDITU_IMG, TIANDITU_VEC, add_layer_control, build_map
from layers.boundaries import build_district, build_neighbours, build_townships
from layers.fastsites import build_compact_groups
from layers.legend import LiveLegend, group_status_counts, live_legend_html
from layers.offline import offsite_urls, use_local_assets
from layers.sitetable import site_table
from tests.conftest import ROOT, require_or_skip
from tests.layers.asset_state import preserved_assets
from tests.layers.common import district_gdf, neighbours_gdf, sites_gdf, statuses, townships_gdf

BASE = "/app/static/vendor"
KEY = "0123456789abcdef0123456789abcdef"
BOUNDARY_DIR = ROOT / "data" / "boundaries"


@pytest.fixture(autouse=True)
def _local_assets() -> Iterator[None]:
    with preserved_assets():
        use_local_assets(BASE)
        yield


def boundaries() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The committed default boundaries when present, else the tiny in-code ones."""
    files = [BOUNDARY_DIR / f"{n}.geojson" for n in ("district", "neighbours", "townships")]
    if all(f.exists() for f in files):
        district, neighbours, townships = (gpd.read_file(f) for f in files)
        return district, neighbours, townships
    return district_gdf(), neighbours_gdf(), townships_gdf()


def full_map(basemap: str = "无底图（仅矢量）", key: str | None = None) -> folium.Map:
    """Every layer kind the app draws, plus the plugins it may use and the layer control."""
    district, neighbours, townships = boundaries()
    m = build_map((29.65, 115.95), 10, basemap, tianditu_key=key)
    build_neighbours(neighbours).add_to(m)
    build_district(district).add_to(m)
    build_townships(townships).add_to(m)
    table = site_table(sites_gdf(), statuses())
    for group in build_compact_groups(table):
        group.add_to(m)
    cluster = MarkerCluster(name="聚合").add_to(m)
    folium.CircleMarker([29.6, 115.9], radius=3).add_to(cluster)
    folium.Marker([29.61, 115.91]).add_to(m)  # default icon: path pinned, no CDN
    Fullscreen().add_to(m)
    counts = group_status_counts(table)
    LiveLegend(live_legend_html(counts, sample=True), counts).add_to(m)
    add_layer_control(m)
    return m


def test_default_map_references_nothing_off_server():
    html = full_map().get_root().render()
    assert offsite_urls(html) == []
    assert f'src="{BASE}/leaflet/leaflet.js"' in html
    assert f"{BASE}/folium/leaflet-icon-path.js" in html


def test_checker_would_catch_folium_cdn_links():
    with preserved_assets():
        from layers.offline import use_cdn_assets

        use_cdn_assets()
        assert offsite_urls(full_map().get_root().render())


@pytest.mark.parametrize(
    ("basemap", "key", "hosts"),
    [
        (OSM, None, {"tile.openstreetmap.org", "www.openstreetmap.org"}),
        (TIANDITU_VEC, KEY, {"t{s}.tianditu.gov.cn"}),
        (TIANDITU_IMG, KEY, {"t{s}.tianditu.gov.cn"}),
    ],
)
def test_online_basemap_adds_only_its_own_hosts(basemap, key, hosts):
    found = offsite_urls(full_map(basemap, key).get_root().render())
    assert found
    assert {urlsplit(u if not u.startswith("//") else "https:" + u).hostname for u in found} == hosts


def local_refs(html: str) -> set[str]:
    return {m.group(1) for m in re.finditer(rf'(?:src|href)="{re.escape(BASE)}/([^"]+)"', html)}


CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")


def css_refs(css_file: Path) -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", css_file.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {u.split("?")[0].split("#")[0] for u in CSS_URL.findall(text) if not u.startswith(("data:", "#"))}


@pytest.fixture
def vendor_dir() -> Path:
    if not VENDOR_DIR.is_dir():
        require_or_skip("CHAISANG_REQUIRE_ASSETS", "static/vendor is absent: run scripts/fetch_assets.sh first")
    return VENDOR_DIR


def test_every_referenced_asset_exists(vendor_dir):
    refs = local_refs(full_map().get_root().render())
    assert "leaflet/leaflet.js" in refs
    missing = [r for r in sorted(refs) if not (vendor_dir / r).is_file()]
    assert missing == []


def test_vendored_files_are_complete_and_css_stays_local(vendor_dir):
    for rel in vendored_paths():
        assert (vendor_dir / rel).exists(), rel
    for css in vendor_dir.rglob("*.css"):
        refs = css_refs(css)
        assert [r for r in refs if re.match(r"^(?:https?:)?//", r)] == [], css
        missing = [r for r in refs if not (css.parent / r).resolve().is_file()]
        assert missing == [], (css, missing)
    assert (vendor_dir / "leaflet" / "images" / "marker-icon.png").is_file()


@pytest.fixture(scope="module")
def default_data():
    from compliance.sites import assess_all, default_as_of
    from geo.dataset import map_features, read_dataset

    ds = read_dataset()
    statuses = assess_all(ds.sites, ds.measurements, ds.progress, ds.tasks, as_of=default_as_of(ds.measurements))
    return ds, map_features(ds), statuses


@pytest.mark.parametrize("rollup", [False, True])
def test_the_apps_own_map_references_nothing_off_server(default_data, rollup: bool) -> None:
    """The map the 一张图 page really draws (base + swapped groups), on the default data."""
    from layers.compose import MapOptions, compose_split
    from layers.sitetable import site_table

    ds, features, statuses = default_data
    with preserved_assets():
        use_local_assets()
        split = compose_split(
            site_table(features, statuses), district=ds.district, neighbours=ds.neighbours,
            townships=ds.townships, options=MapOptions(rollup=rollup, sample=True),
        )
        for group in split.groups:
            group.add_to(split.base)
        html = split.base.get_root().render()
    assert "leaflet" in html
    assert offsite_urls(html) == []


def test_route_and_selection_maps_reference_nothing_off_server(default_data) -> None:
    import pandas as pd

    from layers.route import route_map, selection_map

    _, features, _ = default_data
    pts = features[features.geometry.geom_type == "Point"].head(5)
    stops = pd.DataFrame({
        "seq": range(1, len(pts) + 1), "name": pts["name"].to_list(), "lon": pts.geometry.x.to_list(),
        "lat": pts.geometry.y.to_list(), "day": 1,
    })
    with preserved_assets():
        use_local_assets()
        htmls = [route_map(stops, depot=(115.88, 29.60)).get_root().render(),
                 selection_map(stops).get_root().render()]
    for html in htmls:
        assert offsite_urls(html) == []
