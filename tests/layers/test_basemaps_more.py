from __future__ import annotations

import pytest

from layers.basemaps import (
    BASEMAPS,
    CUSTOM_XYZ,
    GAODE,
    GAODE_REVIEW_NO,
    LOCAL_TILES,
    build_map,
    custom_tile,
    get_basemap,
    local_tile,
)
from layers.errors import LayerError


def _tiles(m):
    return [c for c in m._children.values() if type(c).__name__ == "TileLayer"]


def test_gaode_is_marked_gcj02_and_carries_attribution():
    assert get_basemap(GAODE).gcj02
    assert not any(spec.gcj02 for name, spec in BASEMAPS.items() if name != GAODE)
    [tile] = _tiles(build_map((29.6, 115.9), 10, GAODE))
    assert "高德" in tile.options["attribution"] or "高德" in str(tile.__dict__)
    assert GAODE_REVIEW_NO in str(tile.__dict__)


def test_custom_xyz_is_validated_and_used():
    tile = custom_tile("http://10.1.2.3/tiles/{z}/{x}/{y}.png")
    [layer] = _tiles(build_map((29.6, 115.9), 10, CUSTOM_XYZ, custom=tile))
    assert layer.tiles == "http://10.1.2.3/tiles/{z}/{x}/{y}.png"
    for bad in ("ftp://x/{z}/{x}/{y}", "http://x/tiles.png", 'http://x/{z}/{x}/{y}"><script>', ""):
        with pytest.raises(LayerError, match="瓦片地址"):
            custom_tile(bad)
    with pytest.raises(LayerError, match="瓦片地址"):
        build_map((29.6, 115.9), 10, CUSTOM_XYZ)


def test_local_tiles_are_served_by_the_app():
    [layer] = _tiles(build_map((29.6, 115.9), 10, LOCAL_TILES, custom=local_tile("jiujiang_2024")))
    assert layer.tiles == "/app/static/tiles/jiujiang_2024/{z}/{x}/{y}.png"
    with pytest.raises(LayerError, match="目录名"):
        local_tile("../etc")
