from __future__ import annotations

from collections import Counter

import folium
import pytest

from compliance.status import Status, status_color, status_label
from geo.errors import MissingCRSError
from layers.errors import LayerError
from layers.sites import KIND_GROUPS, build_site_groups, build_sites, features_of, site_features
from tests.layers.common import XSS, sites_gdf, statuses

REQUIRED = {"site_id", "name", "kind", "status", "status_label", "explanation", "tooltip_html", "popup_html"}


@pytest.fixture
def features() -> list[dict]:
    return site_features(sites_gdf(), statuses())


def by_id(features: list[dict]) -> dict[str, dict]:
    return {f["properties"]["site_id"]: f for f in features}


def test_every_site_with_geometry_becomes_one_feature(features):
    gdf = sites_gdf()
    expected = [sid for sid, geom in zip(gdf["site_id"], gdf.geometry, strict=True) if geom is not None]
    assert [f["properties"]["site_id"] for f in features] == expected


def test_feature_properties_carry_status_and_label(features):
    given = statuses()
    for f in features:
        props = f["properties"]
        assert set(props) >= REQUIRED
        assert f["id"] == props["site_id"]
        assert Status(props["status"]) in Status
        assert props["status_label"] == status_label(props["status"])
        if props["site_id"] in given:
            assert props["status"] == given[props["site_id"]].status.value
            assert props["explanation"] == given[props["site_id"]].explanation


def test_site_without_status_is_nodata(features):
    air = by_id(features)["AIR-1"]["properties"]
    assert air["status"] == Status.NODATA.value
    assert air["explanation"]


def test_geometry_types_are_kept(features):
    feats = by_id(features)
    assert feats["PRJ-1"]["geometry"]["type"] == "LineString"
    assert feats["PRJ-2"]["geometry"]["type"] == "Polygon"
    assert feats["W-1"]["geometry"]["type"] == "Point"
    assert feats["W-1"]["geometry"]["coordinates"] == pytest.approx((115.80, 29.70))


def test_groups_follow_kind_order_and_hold_their_kinds():
    groups = build_sites(sites_gdf(), statuses())
    names = [g.layer_name for g in groups]
    present = {KIND_GROUPS[k] for k in sites_gdf()["kind"]}
    assert names == [g for g in KIND_GROUPS.values() if g in present]
    for group in groups:
        kinds = {f["properties"]["kind"] for f in features_of([group])}
        assert {KIND_GROUPS[k] for k in kinds} == {group.layer_name}


def test_features_of_returns_all_features(features):
    groups = build_site_groups(features)
    assert Counter(f["properties"]["site_id"] for f in features_of(groups)) == Counter(
        f["properties"]["site_id"] for f in features
    )


def test_points_are_circle_markers_styled_by_status(features):
    groups = build_site_groups(features)
    m = folium.Map(tiles=None)
    for g in groups:
        g.add_to(m)
    html = m.get_root().render()
    assert "new L.CircleMarker(latlng, opts)" in html
    assert "L.marker(" not in html  # no icon images for sites
    for status in {f["properties"]["status"] for f in features}:
        assert status_color(status) in html


def test_popup_shows_sample_approximate_values_target_standard(features):
    feats = by_id(features)
    w2 = feats["W-2"]["properties"]["popup_html"]
    assert "[示例]" in w2
    assert "位置待核实" in w2
    assert "总磷" in w2
    assert "0.25 mg/L" in w2
    assert "Ⅲ类（水质目标）" in w2
    assert "GB 3838-2002" in w2  # from the basis
    assert "2026-10-15" in w2
    w1 = feats["W-1"]["properties"]["popup_html"]
    assert "位置待核实" not in w1
    assert "Ⅱ类" in w1
    ship = feats["SHIP-1"]["properties"]["popup_html"]
    assert "[示例]" not in ship
    assert "GB 18918-2002" in feats["WWTP-1"]["properties"]["popup_html"]


def test_tooltip_has_name_and_status_label(features):
    w1 = by_id(features)["W-1"]["properties"]["tooltip_html"]
    assert "赛城湖口" in w1
    assert status_label(Status.GOOD) in w1


@pytest.mark.parametrize("payload", XSS)
def test_hostile_text_is_escaped(features, payload):
    for f in features:
        assert payload not in f["properties"]["popup_html"]
        assert payload not in f["properties"]["tooltip_html"]
    m = folium.Map(tiles=None)
    for g in build_site_groups(features):
        g.add_to(m)
    html = m.get_root().render()
    assert payload not in html
    assert "<img src=x" not in html
    assert "<script>alert" not in html


def test_unknown_kind_is_rejected():
    gdf = sites_gdf()
    gdf.loc[0, "kind"] = "volcano"
    with pytest.raises(LayerError, match="volcano"):
        site_features(gdf, {})


def test_missing_column_is_named():
    with pytest.raises(LayerError, match="kind"):
        site_features(sites_gdf().drop(columns=["kind"]), {})


def test_projected_input_is_shown_in_degrees():
    gdf = sites_gdf().to_crs(4548)
    w1 = by_id(site_features(gdf, {}))["W-1"]["geometry"]["coordinates"]
    assert w1 == pytest.approx((115.80, 29.70), abs=1e-6)


def test_missing_crs_is_rejected():
    gdf = sites_gdf().set_crs(None, allow_override=True)
    with pytest.raises(MissingCRSError):
        site_features(gdf, {})


def test_input_frame_is_untouched():
    gdf = sites_gdf()
    before = gdf.copy()
    site_features(gdf.to_crs(4548), statuses())
    site_features(gdf, statuses())
    assert gdf.equals(before)
