from __future__ import annotations

import folium
import pytest
from shapely.geometry import Point

from compliance.status import STATUS_STYLE, Status
from layers.boundaries import APPROXIMATE_LABEL, build_district, build_neighbours, build_townships
from layers.errors import LayerError
from layers.style import township_options
from tests.layers.common import XSS, XSS_IMG, district_gdf, neighbours_gdf, townships_gdf


def geojson_children(group: folium.FeatureGroup) -> list[folium.GeoJson]:
    return [c for c in group._children.values() if isinstance(c, folium.GeoJson)]


def label_markers(group: folium.FeatureGroup) -> list[folium.Marker]:
    return [c for c in group._children.values() if isinstance(c, folium.Marker)]


def township_props(group: folium.FeatureGroup) -> dict[str, dict]:
    return {f["properties"]["name"]: f["properties"] for g in geojson_children(group) for f in g.data["features"]}


def test_townships_popups_say_approximate_with_note():
    props = township_props(build_townships(townships_gdf()))
    sh = props["沙河街道"]
    assert sh["approximate"] is True
    assert APPROXIMATE_LABEL in sh["popup_html"]
    assert "示意：按驻地推算" in sh["popup_html"]
    jz = props["江洲镇"]
    assert APPROXIMATE_LABEL not in jz["popup_html"]
    assert "江洲镇" in jz["popup_html"]


def test_approximate_townships_are_dashed():
    group = build_townships(townships_gdf())
    m = folium.Map(tiles=None)
    group.add_to(m)
    html = m.get_root().render()
    assert township_options(True)["dashArray"] in html
    assert "dashArray" not in township_options(False)


def test_one_label_per_township_at_the_seat():
    gdf = townships_gdf()
    markers = label_markers(build_townships(gdf))
    assert len(markers) == len(gdf)
    assert markers[0].location == pytest.approx([29.60, 115.88])
    # no seat: the label lies inside the polygon
    lat, lon = markers[1].location
    assert gdf.geometry.iloc[1].contains(Point(lon, lat))


def test_labels_can_be_switched_off():
    assert label_markers(build_townships(townships_gdf(), labels=False)) == []


@pytest.mark.parametrize("payload", XSS)
def test_names_and_notes_are_escaped(payload):
    m = folium.Map(tiles=None)
    build_townships(townships_gdf()).add_to(m)
    build_neighbours(neighbours_gdf()).add_to(m)
    build_district(district_gdf()).add_to(m)
    html = m.get_root().render()
    assert payload not in html
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    props = township_props(build_townships(townships_gdf()))
    assert "&lt;img src=x" in props[XSS_IMG]["popup_html"]


def test_district_and_neighbours_styles_come_from_the_palette():
    district = build_district(district_gdf())
    neighbours = build_neighbours(neighbours_gdf())
    feature = district.data["features"][0]
    assert district.style_function(feature)["fill"] is False
    assert district.style_function(feature)["color"] == STATUS_STYLE[Status.STALE].color
    n_style = neighbours.style_function(neighbours.data["features"][0])
    assert n_style["color"] == STATUS_STYLE[Status.NODATA].color
    assert n_style["weight"] < district.style_function(feature)["weight"]
    assert next(f["properties"]["name"] for f in neighbours.data["features"]) == "濂溪区"


def test_missing_name_column_is_reported():
    with pytest.raises(LayerError, match="name"):
        build_district(district_gdf().rename(columns={"name": "NAME"}))
