"""Basemap registry and map factory.

The default basemap is none at all: on a government intranet no tile server is reachable, and the vector
layers (district, townships, sites) carry the map.  天地图 (key passed in by the caller — read it from
configuration in the UI layer, never here) and OpenStreetMap are online options.
Both are unshifted (CGCS2000 / WGS84), so the vector layers need no GCJ-02 offset.

The 审图号 shown with 天地图 is ``TIANDITU_REVIEW_NO``; it could not be verified offline, so it is a setting:
pass ``review_no=`` to ``build_map`` (from config) when the platform publishes a newer one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import folium

from layers.errors import LayerError, MissingKeyError, UnknownBasemapError

NO_BASEMAP = "无底图（仅矢量）"
TIANDITU_VEC = "天地图矢量"
TIANDITU_IMG = "天地图影像"
OSM = "OpenStreetMap"
GAODE = "高德地图（GCJ-02）"
CUSTOM_XYZ = "自定义瓦片地址（XYZ）"
LOCAL_TILES = "本地瓦片（内网）"

LOCAL_TILE_URL = "/app/static/tiles/{{folder}}/{z}/{x}/{y}.png"  # Streamlit static serving of ./static/tiles
GAODE_REVIEW_NO = "以高德地图公布的审图号为准"  # unverified offline: configurable like TIANDITU_REVIEW_NO

TIANDITU_REVIEW_NO = "GS(2024)0568号"  # unverified here: keep configurable
KEY_PLACEHOLDER = "{tk}"
_KEY_RE = re.compile(r"[0-9A-Za-z]{8,64}")
_TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk="
)
_TIANDITU_ATTR = "天地图 © 国家地理信息公共服务平台 · 审图号：{review_no}"
_OSM_ATTR = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者'
_GAODE_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
_GAODE_ATTR = "© 高德地图 · 审图号：{review_no}"


@dataclass(frozen=True)
class TileSpec:
    """One XYZ tile layer; ``overlay`` marks annotation layers drawn over the base."""

    name: str
    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18
    overlay: bool = False


@dataclass(frozen=True)
class BasemapSpec:
    """A basemap choice: zero or more tile layers, and whether it needs a 天地图 key."""

    name: str
    tiles: tuple[TileSpec, ...]
    needs_key: bool = False
    gcj02: bool = False  # tiles in GCJ-02: every overlay must be shifted for display, clicks shifted back
    needs_url: bool = False

    @property
    def online(self) -> bool:
        """True when the basemap loads tiles from the internet."""
        return bool(self.tiles)


def _tianditu(base: str, annotation: str, label: str) -> tuple[TileSpec, ...]:
    sub = "01234567"
    base_url = _TIANDITU_URL.format(layer=base) + KEY_PLACEHOLDER
    note_url = _TIANDITU_URL.format(layer=annotation) + KEY_PLACEHOLDER
    return (
        TileSpec(label, base_url, _TIANDITU_ATTR, sub),
        TileSpec(f"{label}注记", note_url, _TIANDITU_ATTR, sub, overlay=True),
    )


BASEMAPS: dict[str, BasemapSpec] = {
    NO_BASEMAP: BasemapSpec(NO_BASEMAP, ()),
    TIANDITU_VEC: BasemapSpec(TIANDITU_VEC, _tianditu("vec", "cva", TIANDITU_VEC), needs_key=True),
    TIANDITU_IMG: BasemapSpec(TIANDITU_IMG, _tianditu("img", "cia", TIANDITU_IMG), needs_key=True),
    OSM: BasemapSpec(
        OSM, (TileSpec(OSM, "https://tile.openstreetmap.org/{z}/{x}/{y}.png", _OSM_ATTR, max_zoom=19),)
    ),
    GAODE: BasemapSpec(GAODE, (TileSpec(GAODE, _GAODE_URL, _GAODE_ATTR, "1234"),), gcj02=True),
    CUSTOM_XYZ: BasemapSpec(CUSTOM_XYZ, (), needs_url=True),
    LOCAL_TILES: BasemapSpec(LOCAL_TILES, (), needs_url=True),
}
DEFAULT_BASEMAP = NO_BASEMAP
_XYZ_RE = re.compile(r"^(https?://|/)[^\s\"'<>]*\{z\}[^\s\"'<>]*$")
_FOLDER_RE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def custom_tile(url: str, attribution: str = "自定义底图") -> TileSpec:
    """A user-given XYZ template (``{z}``, ``{x}``, ``{y}``), checked before it reaches the page."""
    url = (url or "").strip()
    if not _XYZ_RE.match(url) or "{x}" not in url or "{y}" not in url:
        raise LayerError(f"瓦片地址“{url}”无效：应以 http(s):// 或 / 开头，并包含 {{z}}、{{x}}、{{y}}")
    return TileSpec(CUSTOM_XYZ, url, attribution, subdomains="abc")


def local_tile(folder: str) -> TileSpec:
    """Tiles from ``static/tiles/<folder>/{z}/{x}/{y}.png``, served by the app itself (intranets)."""
    if not _FOLDER_RE.match(folder or ""):
        raise LayerError(f"本地瓦片目录名“{folder}”无效：只能含字母、数字、下划线和短横线")
    return TileSpec(LOCAL_TILES, LOCAL_TILE_URL.replace("{{folder}}", folder), "本地瓦片（内网）")
VECTOR_MIN_ZOOM = 3
VECTOR_MAX_ZOOM = 18


class LeanMap(folium.Map):
    """A folium Map that loads Leaflet only: no jQuery, Bootstrap, Font Awesome or awesome-markers.

    The fast site layers need none of them; dropping them saves ~0.2 s of script parsing per map load.
    ``layers.offline.use_local_assets`` rewrites these links like folium's own.
    """

    default_js = [(n, u) for n, u in folium.Map.default_js if n == "leaflet"]  # noqa: RUF012 - folium's API
    default_css = [(n, u) for n, u in folium.Map.default_css if n == "leaflet_css"]  # noqa: RUF012


def get_basemap(name: str) -> BasemapSpec:
    """Return the registry entry for ``name`` (UnknownBasemapError lists the choices)."""
    try:
        return BASEMAPS[name]
    except KeyError:
        raise UnknownBasemapError(name, list(BASEMAPS)) from None


def _check_center(center: Sequence[float]) -> list[float]:
    """[lat, lon] from a (lat, lon) pair, rejecting swapped or impossible values with a clear message."""
    if len(center) != 2:
        raise LayerError(f"地图中心应为（纬度, 经度）两个数，实际为：{center!r}")
    lat, lon = float(center[0]), float(center[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise LayerError(f"地图中心（纬度 {lat}, 经度 {lon}）超出范围；请确认顺序为（纬度, 经度）")
    return [lat, lon]


def _tile_layers(
    spec: BasemapSpec, key: str | None, review_no: str, custom: TileSpec | None = None
) -> list[folium.TileLayer]:
    if spec.needs_url and custom is None:
        raise LayerError(f"底图“{spec.name}”需要瓦片地址或本地瓦片目录")
    if spec.needs_key and not (key and key.strip()):
        raise MissingKeyError(spec.name)
    if spec.needs_key and not _KEY_RE.fullmatch((key or "").strip()):
        raise LayerError(f"天地图密钥（tk）格式无效：应为字母或数字，实际为“{key}”")
    layers = []
    for tile in (*spec.tiles, *((custom,) if spec.needs_url and custom else ())):
        url = tile.url.replace(KEY_PLACEHOLDER, (key or "").strip())
        layers.append(
            folium.TileLayer(
                tiles=url,
                attr=tile.attribution.format(review_no=review_no),
                name=tile.name,
                subdomains=tile.subdomains,
                max_zoom=tile.max_zoom,
                overlay=tile.overlay,
                control=True,
            )
        )
    return layers


def build_map(
    center: Sequence[float],
    zoom: int,
    basemap: str = DEFAULT_BASEMAP,
    tianditu_key: str | None = None,
    *,
    review_no: str = TIANDITU_REVIEW_NO,
    custom: TileSpec | None = None,
    lean: bool = False,
) -> folium.Map:
    """Create a canvas-rendered map at ``center`` = (lat, lon) with the chosen basemap (default: none).

    Raises
    ------
    UnknownBasemapError
        ``basemap`` is not in ``BASEMAPS``.
    MissingKeyError
        A 天地图 basemap without ``tianditu_key``.
    LayerError
        ``center`` is not a valid (lat, lon) pair.
    """
    spec = get_basemap(basemap)
    location = _check_center(center)
    if spec.gcj02 and review_no == TIANDITU_REVIEW_NO:
        review_no = GAODE_REVIEW_NO
    tiles = _tile_layers(spec, tianditu_key, review_no, custom)
    # an explicit maxZoom: without tile layers Leaflet has none, and MarkerCluster refuses to start
    max_zoom = max((t.max_zoom for t in (*spec.tiles, *((custom,) if custom else ()))), default=VECTOR_MAX_ZOOM)
    m = (LeanMap if lean else folium.Map)(
        location=location,
        zoom_start=zoom,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
    )
    m.options.update(minZoom=VECTOR_MIN_ZOOM, maxZoom=max_zoom)  # folium passes min/max_zoom to tiles only
    for layer in tiles:
        layer.add_to(m)
    return m


def add_layer_control(m: folium.Map, *, collapsed: bool = False) -> folium.LayerControl:
    """Add the layer switcher; call after every overlay has been added."""
    control = folium.LayerControl(collapsed=collapsed)
    control.add_to(m)
    return control
