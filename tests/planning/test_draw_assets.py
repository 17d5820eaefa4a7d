"""leaflet-draw (folium's Draw plugin, used to draw an inspection area) is vendored at folium's version."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from folium.plugins import Draw

from layers.assets import CLASS_ASSETS, PROJECT_ROOT, VENDOR_DIR, vendored_paths
from layers.offline import use_cdn_assets, use_local_assets
from tests.layers.asset_state import preserved_assets


@pytest.fixture(autouse=True)
def _restore_assets() -> Iterator[None]:
    with preserved_assets():
        yield


def test_leaflet_draw_is_pinned_to_what_folium_links() -> None:
    pkg = json.loads((PROJECT_ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    use_cdn_assets()
    urls = " ".join(u for _, u in [*Draw.default_js, *Draw.default_css])
    assert f"leaflet.draw/{pkg['leaflet-draw']}/" in urls
    assert lock["node_modules/leaflet-draw"]["version"] == pkg["leaflet-draw"]


def test_draw_plugin_is_served_locally() -> None:
    use_local_assets("/app/static/vendor")
    links = [u for _, u in [*Draw.default_js, *Draw.default_css]]
    assert links and all(u.startswith("/app/static/vendor/leaflet-draw/") for u in links)
    produced = set(vendored_paths())
    assert set(CLASS_ASSETS[("folium.plugins.draw", "Draw")].values()) <= produced


def test_vendored_draw_files_exist_when_set_up() -> None:
    if not (VENDOR_DIR / "leaflet-draw").exists():
        pytest.skip("static/vendor not set up (scripts/fetch_assets.sh)")
    for rel in CLASS_ASSETS[("folium.plugins.draw", "Draw")].values():
        assert (VENDOR_DIR / rel).stat().st_size > 1000
    assert (VENDOR_DIR / "leaflet-draw" / "images" / "spritesheet.svg").exists()
