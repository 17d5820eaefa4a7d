"""Manifest of the vendored front-end assets: what comes from which npm package and where it is served.

The one place that knows the layout of ``static/vendor/``.  ``scripts/fetch_assets.py`` copies the files
listed here out of ``node_modules/`` (installed by ``npm ci`` from the committed ``package-lock.json``);
``layers.offline`` points folium at them.  Importing this module needs the standard library only.

Two small files are generated instead of copied:

- ``folium/leaflet.awesome.rotate.min.css`` — folium's own ``.fa-rotate-1 … .fa-rotate-360`` rules (MIT),
  which folium serves from its GitHub tree and no registry package ships;
- ``folium/leaflet-icon-path.js`` — pins ``L.Icon.Default.imagePath`` next to the vendored Leaflet, so default
  markers never ask a CDN or a wrong relative path for ``marker-icon.png`` (china-gis.md §5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
NODE_MODULES = PROJECT_ROOT / "node_modules"


@dataclass(frozen=True)
class VendorFile:
    """One file or folder copied from ``node_modules/<package>/<source>`` to ``static/vendor/<dest>``."""

    package: str
    source: str
    dest: str


VENDOR_FILES: tuple[VendorFile, ...] = (
    VendorFile("leaflet", "dist/leaflet.js", "leaflet/leaflet.js"),
    VendorFile("leaflet", "dist/leaflet.css", "leaflet/leaflet.css"),
    VendorFile("leaflet", "dist/images", "leaflet/images"),
    VendorFile("leaflet", "LICENSE", "leaflet/LICENSE"),
    VendorFile("jquery", "dist/jquery.min.js", "jquery/jquery.min.js"),
    VendorFile("jquery", "LICENSE.txt", "jquery/LICENSE.txt"),
    VendorFile("bootstrap", "dist/js/bootstrap.bundle.min.js", "bootstrap/js/bootstrap.bundle.min.js"),
    VendorFile("bootstrap", "dist/css/bootstrap.min.css", "bootstrap/css/bootstrap.min.css"),
    VendorFile("bootstrap", "LICENSE", "bootstrap/LICENSE"),
    VendorFile(
        "@neos21/bootstrap3-glyphicons",
        "dist/css/bootstrap3-glyphicons.min.css",
        "bootstrap3-glyphicons/css/bootstrap3-glyphicons.min.css",
    ),
    VendorFile("@neos21/bootstrap3-glyphicons", "dist/fonts", "bootstrap3-glyphicons/fonts"),
    VendorFile("@neos21/bootstrap3-glyphicons", "LICENSE", "bootstrap3-glyphicons/LICENSE"),
    VendorFile("@fortawesome/fontawesome-free", "css/all.min.css", "fontawesome-free/css/all.min.css"),
    VendorFile("@fortawesome/fontawesome-free", "webfonts", "fontawesome-free/webfonts"),
    VendorFile("@fortawesome/fontawesome-free", "LICENSE.txt", "fontawesome-free/LICENSE.txt"),
    VendorFile(
        "drmonty-leaflet-awesome-markers",
        "js/leaflet.awesome-markers.js",
        "leaflet-awesome-markers/leaflet.awesome-markers.js",
    ),
    VendorFile(
        "drmonty-leaflet-awesome-markers",
        "css/leaflet.awesome-markers.css",
        "leaflet-awesome-markers/leaflet.awesome-markers.css",
    ),
    VendorFile("drmonty-leaflet-awesome-markers", "css/images", "leaflet-awesome-markers/images"),
    VendorFile(
        "leaflet.markercluster",
        "dist/leaflet.markercluster.js",
        "leaflet.markercluster/leaflet.markercluster.js",
    ),
    VendorFile("leaflet.markercluster", "dist/MarkerCluster.css", "leaflet.markercluster/MarkerCluster.css"),
    VendorFile(
        "leaflet.markercluster",
        "dist/MarkerCluster.Default.css",
        "leaflet.markercluster/MarkerCluster.Default.css",
    ),
    VendorFile("leaflet.markercluster", "MIT-LICENCE.txt", "leaflet.markercluster/MIT-LICENCE.txt"),
    VendorFile("leaflet.fullscreen", "Control.FullScreen.js", "leaflet.fullscreen/Control.FullScreen.js"),
    VendorFile("leaflet.fullscreen", "Control.FullScreen.css", "leaflet.fullscreen/Control.FullScreen.css"),
    VendorFile("leaflet.fullscreen", "icon-fullscreen.svg", "leaflet.fullscreen/icon-fullscreen.svg"),
    VendorFile("leaflet.fullscreen", "LICENSE", "leaflet.fullscreen/LICENSE"),
    # leaflet-draw (MIT; the package ships no licence file, its package.json names the licence): folium's Draw
    # plugin, used by app_pages/inspections.py to draw an inspection area
    VendorFile("leaflet-draw", "dist/leaflet.draw.js", "leaflet-draw/leaflet.draw.js"),
    VendorFile("leaflet-draw", "dist/leaflet.draw.css", "leaflet-draw/leaflet.draw.css"),
    VendorFile("leaflet-draw", "dist/images", "leaflet-draw/images"),
    VendorFile("leaflet-draw", "package.json", "leaflet-draw/package.json"),
)

ROTATE_CSS = "folium/leaflet.awesome.rotate.min.css"
ICON_PATH_JS = "folium/leaflet-icon-path.js"
LEAFLET_IMAGES = "leaflet/images/"


def awesome_rotate_css() -> str:
    """Folium's rotate rules for awesome-marker icons (``.fa-rotate-1`` … ``.fa-rotate-360``)."""
    rules = (
        f".fa-rotate-{d}{{-ms-transform:rotate({d}deg);-webkit-transform:rotate({d}deg);"
        f"transform:rotate({d}deg)}}"
        for d in range(1, 361)
    )
    return "/* folium (MIT): leaflet.awesome.rotate */\n" + "\n".join(rules) + "\n"


def icon_path_js() -> str:
    """Script that sets ``L.Icon.Default.imagePath`` to the vendored Leaflet images, relative to itself."""
    return (
        "/* Pin Leaflet's default icon path to the vendored copy (no CDN, no CSS-detection race). */\n"
        "(function () {\n"
        "  var me = document.currentScript;\n"
        "  if (!me || !window.L || !L.Icon || !L.Icon.Default) { return; }\n"
        f"  L.Icon.Default.imagePath = new URL('../{LEAFLET_IMAGES}', me.src).href;\n"
        "})();\n"
    )


GENERATED_FILES: dict[str, Callable[[], str]] = {
    ROTATE_CSS: awesome_rotate_css,
    ICON_PATH_JS: icon_path_js,
}

# folium class (module, class name) -> {resource name in its default_js/default_css -> path under vendor}.
# Names are matched per class (BoatMarker reuses the name 'markerclusterjs' for another file).
CLASS_ASSETS: dict[tuple[str, str], dict[str, str]] = {
    ("folium.folium", "Map"): {
        "leaflet": "leaflet/leaflet.js",
        "jquery": "jquery/jquery.min.js",
        "bootstrap": "bootstrap/js/bootstrap.bundle.min.js",
        "awesome_markers": "leaflet-awesome-markers/leaflet.awesome-markers.js",
        "leaflet_css": "leaflet/leaflet.css",
        "bootstrap_css": "bootstrap/css/bootstrap.min.css",
        "glyphicons_css": "bootstrap3-glyphicons/css/bootstrap3-glyphicons.min.css",
        "awesome_markers_font_css": "fontawesome-free/css/all.min.css",
        "awesome_markers_css": "leaflet-awesome-markers/leaflet.awesome-markers.css",
        "awesome_rotate_css": ROTATE_CSS,
    },
    ("folium.plugins.marker_cluster", "MarkerCluster"): {
        "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
        "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
        "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
    },
    ("folium.plugins.fullscreen", "Fullscreen"): {
        "Control.Fullscreen.js": "leaflet.fullscreen/Control.FullScreen.js",
        "Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    },
    ("folium.plugins.draw", "Draw"): {
        "leaflet_draw_js": "leaflet-draw/leaflet.draw.js",
        "leaflet_draw_css": "leaflet-draw/leaflet.draw.css",
    },
}

# Extra scripts appended to folium.Map.default_js after the vendored ones (name -> path under vendor).
EXTRA_MAP_JS: dict[str, str] = {"leaflet_icon_path": ICON_PATH_JS}

# npm package -> version string that must appear in folium's original CDN URL of the assets it replaces.
# (None: folium has no CDN URL for it, or the replacement is a deliberate substitute; see the report.)
FOLIUM_URL_VERSIONS: dict[str, str | None] = {
    "leaflet": "1.9.3",
    "jquery": "3.7.1",
    "bootstrap": "5.2.2",
    "@fortawesome/fontawesome-free": "6.2.0",
    "drmonty-leaflet-awesome-markers": "2.0.2",
    "leaflet.markercluster": "1.1.0",
    "leaflet.fullscreen": "3.0.0",
    "@neos21/bootstrap3-glyphicons": None,
    # folium.plugins.Draw links leaflet.draw 1.0.2; pinned and checked in tests/planning/test_draw_assets.py
    # (tests/layers/test_offline.py's VENDORED list does not include Draw yet)
    "leaflet-draw": None,
}


def vendored_paths() -> list[str]:
    """Every path under ``static/vendor`` that set-up must produce (copied and generated)."""
    return [f.dest for f in VENDOR_FILES] + list(GENERATED_FILES)
