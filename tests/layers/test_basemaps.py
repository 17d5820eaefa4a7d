from __future__ import annotations

import folium
import pytest

from layers.basemaps import (
    BASEMAPS,
    DEFAULT_BASEMAP,
    NO_BASEMAP,
    OSM,
    TIANDITU_IMG,
    TIANDITU_REVIEW_NO,
    TIANDITU_VEC,
    add_layer_control,
    build_map,
)
from layers.errors import LayerError, MissingKeyError, UnknownBasemapError

CENTER = (29.65, 115.95)
KEY = "0123456789abcdef0123456789abcdef"


def tile_layers(m: folium.Map) -> list[folium.TileLayer]:
    return [c for c in m._children.values() if isinstance(c, folium.TileLayer)]


def test_default_is_no_basemap_canvas_map():
    m = build_map(CENTER, 10)
    assert DEFAULT_BASEMAP == NO_BASEMAP
    assert tile_layers(m) == []
    assert m.options["prefer_canvas"] is True
    assert m.location == list(CENTER)
    assert not BASEMAPS[NO_BASEMAP].online


def test_osm_adds_one_tile_layer():
    layers = tile_layers(build_map(CENTER, 10, OSM))
    assert len(layers) == 1
    assert "openstreetmap" in layers[0].tiles
    assert "OpenStreetMap" in layers[0].options["attribution"]


@pytest.mark.parametrize(("name", "base", "note"), [(TIANDITU_VEC, "vec", "cva"), (TIANDITU_IMG, "img", "cia")])
def test_tianditu_has_base_and_annotation_with_key_and_review_no(name, base, note):
    layers = tile_layers(build_map(CENTER, 10, name, tianditu_key=KEY))
    assert [layer.control for layer in layers] == [True, True]
    assert f"LAYER={base}" in layers[0].tiles
    assert f"LAYER={note}" in layers[1].tiles
    assert all(layer.tiles.endswith(f"tk={KEY}") for layer in layers)
    assert layers[1].overlay is True
    assert layers[0].overlay is False
    assert all(TIANDITU_REVIEW_NO in layer.options["attribution"] for layer in layers)


def test_review_number_is_configurable():
    layers = tile_layers(build_map(CENTER, 10, TIANDITU_VEC, tianditu_key=KEY, review_no="GS(2099)0001号"))
    assert "GS(2099)0001号" in layers[0].options["attribution"]


def test_tianditu_without_key_is_refused():
    with pytest.raises(MissingKeyError, match="天地图"):
        build_map(CENTER, 10, TIANDITU_VEC)


def test_malformed_key_is_refused():
    with pytest.raises(LayerError, match="密钥"):
        build_map(CENTER, 10, TIANDITU_VEC, tianditu_key='abc"+alert(1)+"def')


def test_unknown_basemap_lists_choices():
    with pytest.raises(UnknownBasemapError, match=OSM):
        build_map(CENTER, 10, "Google")


def test_swapped_center_is_refused():
    with pytest.raises(LayerError, match="纬度"):
        build_map((115.95, 29.65), 10)


def test_layer_control_is_added_last():
    m = build_map(CENTER, 10, OSM)
    folium.FeatureGroup(name="x").add_to(m)
    control = add_layer_control(m)
    assert list(m._children.values())[-1] is control
    assert isinstance(control, folium.LayerControl)


@pytest.mark.parametrize("basemap", [NO_BASEMAP, OSM])
def test_map_has_explicit_zoom_limits(basemap):
    # without maxZoom (no tile layer) Leaflet.markercluster throws and later scripts never run
    options = build_map(CENTER, 10, basemap).options
    assert options["maxZoom"] >= 18
    assert options["minZoom"] < 10
    assert '"maxZoom"' in build_map(CENTER, 10, basemap).get_root().render()
