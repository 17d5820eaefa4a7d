from __future__ import annotations

import json
from collections.abc import Iterator

import folium
import pytest
from folium.features import Vega
from folium.plugins import BoatMarker, Fullscreen, MarkerCluster

from layers.assets import (
    CLASS_ASSETS,
    EXTRA_MAP_JS,
    FOLIUM_URL_VERSIONS,
    LEAFLET_IMAGES,
    PROJECT_ROOT,
    VENDOR_FILES,
    awesome_rotate_css,
    icon_path_js,
    vendored_paths,
)
from layers.offline import offsite_urls, remote_assets, use_cdn_assets, use_local_assets
from tests.layers.asset_state import preserved_assets

BASE = "/app/static/vendor"
VENDORED = (folium.Map, MarkerCluster, Fullscreen)


@pytest.fixture(autouse=True)
def _restore_assets() -> Iterator[None]:
    with preserved_assets():
        yield


def links(cls: type) -> list[tuple[str, str]]:
    return [*cls.default_js, *cls.default_css]


def test_vendored_classes_point_at_the_base_url():
    use_local_assets()
    for cls in VENDORED:
        assert links(cls)
        assert all(url.startswith(BASE + "/") for _, url in links(cls)), cls
    names = [n for n, _ in folium.Map.default_js]
    assert names.index("leaflet_icon_path") > names.index("leaflet")
    remote_classes = {c for c, _, _ in remote_assets()}
    for cls in VENDORED:
        assert f"{cls.__module__}.{cls.__qualname__}" not in remote_classes


def test_idempotent_and_rebasable():
    use_local_assets()
    once = {cls: links(cls) for cls in VENDORED}
    use_local_assets()
    assert {cls: links(cls) for cls in VENDORED} == once
    use_local_assets("/eco/app/static/vendor/")
    assert all(url.startswith("/eco/app/static/vendor/") for _, url in links(folium.Map))
    use_local_assets()
    assert {cls: links(cls) for cls in VENDORED} == once
    assert [n for n, _ in folium.Map.default_js].count("leaflet_icon_path") == 1


def test_shared_files_are_rewritten_and_name_clashes_are_not():
    boat_before = list(BoatMarker.default_js)
    use_local_assets()
    assert dict(Vega.default_js)["jquery"] == dict(folium.Map.default_js)["jquery"]
    assert BoatMarker.default_js == boat_before  # its 'markerclusterjs' is another file


def test_use_cdn_assets_gives_folium_links_back():
    use_cdn_assets()
    cdn = links(folium.Map)
    use_local_assets()
    use_cdn_assets()
    assert links(folium.Map) == cdn
    assert all(url.startswith("https://") for _, url in links(folium.Map))


def test_every_mapped_path_is_produced_by_setup():
    produced = set(vendored_paths())
    for paths in [*CLASS_ASSETS.values(), EXTRA_MAP_JS]:
        for path in paths.values():
            assert path in produced


def test_package_json_pins_exactly_what_folium_links():
    pkg = json.loads((PROJECT_ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert {f.package for f in VENDOR_FILES} == set(pkg)
    use_cdn_assets()
    cdn_urls = " ".join(url for cls in VENDORED for _, url in links(cls))
    for package, version in pkg.items():
        assert version[0].isdigit(), f"{package} is not pinned: {version}"
        assert lock[f"node_modules/{package}"]["version"] == version
        expected = FOLIUM_URL_VERSIONS[package]
        if expected is not None:
            assert version == expected
            assert f"{expected}" in cdn_urls, f"folium no longer links {package} {expected}"


def test_generated_rotate_css_matches_folium_rules():
    css = awesome_rotate_css()
    assert css.count(".fa-rotate-") == 360
    assert ".fa-rotate-1{" in css
    assert "transform:rotate(360deg)" in css


def test_icon_path_script_points_next_to_vendored_leaflet():
    js = icon_path_js()
    assert "L.Icon.Default.imagePath" in js
    assert f"'../{LEAFLET_IMAGES}'" in js
    assert offsite_urls(f"<script>{js}</script>") == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.example.org/a.js"></script>', ["https://cdn.example.org/a.js"]),
        ("<link rel='stylesheet' href='//cdn.example.org/a.css'/>", ["//cdn.example.org/a.css"]),
        ("<style>.x{background:url(http://img.example.org/x.png)}</style>", ["http://img.example.org/x.png"]),
        ('<script>L.tileLayer("https://t{s}.example.org/{z}/{x}/{y}.png")</script>', ["https://t{s}.example.org/{z}/{x}/{y}.png"]),
        ('<script src="/app/static/vendor/leaflet/leaflet.js"></script>', []),
        ('<a href="#top">x</a><img src="data:image/png;base64,AAAA">', []),
        ("<style>.x{background:url(images/x.png)}</style>", []),
    ],
)
def test_offsite_urls_finds_every_kind_of_reference(html, expected):
    assert offsite_urls(html) == expected


def test_offsite_urls_respects_same_origin_and_deduplicates():
    html = '<script src="http://127.0.0.1:8501/app/static/a.js"></script>' + '<img src="https://x.org/a.png">' * 2
    assert offsite_urls(html, same_origin="http://127.0.0.1:8501") == ["https://x.org/a.png"]
