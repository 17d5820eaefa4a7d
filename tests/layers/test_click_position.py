from __future__ import annotations

import pytest

from geo.offset import wgs84_to_gcj02
from layers.basemaps import GAODE, NO_BASEMAP


def test_clicks_on_a_gcj02_map_are_shifted_back_to_cgcs2000():
    from ui.map_view import clicked, clicked_position

    lon, lat = 115.95, 29.62
    glon, glat = wgs84_to_gcj02(lon, lat)
    result = {"last_active_drawing": {"type": "Feature", "properties": {"site_id": "W-1"},
                                      "geometry": {"type": "Point", "coordinates": [glon, glat]}}}
    assert clicked(result) == {"site_id": "W-1"}
    assert clicked_position(result, GAODE) == pytest.approx((lon, lat), abs=1e-7)
    assert clicked_position(result, NO_BASEMAP) == pytest.approx((glon, glat))
    assert clicked(None) == {} and clicked_position(None, GAODE) is None
