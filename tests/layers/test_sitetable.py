from __future__ import annotations

import pytest

from compliance.status import SiteStatus, Status
from layers.errors import LayerError
from layers.sitetable import KIND_TO_GROUP, SITE_GROUPS, site_table, status_counts, with_statuses
from tests.layers.common import sites_gdf, statuses


@pytest.fixture
def table():
    return site_table(sites_gdf(), statuses())


def test_one_row_per_feature_with_geometry(table):
    gdf = sites_gdf()
    assert list(table["site_id"]) == [s for s, g in zip(gdf["site_id"], gdf.geometry, strict=True) if g is not None]


def test_status_label_and_explanation_come_from_the_engine(table):
    given = statuses()
    for row in table.itertuples():
        st = given.get(row.site_id)
        if st is None:
            assert row.status == Status.NODATA.value
        else:
            assert (row.status, row.status_label, row.explanation) == (st.status.value, st.label, st.explanation)


def test_groups_cover_the_issue_layers(table):
    assert set(KIND_TO_GROUP.values()) == set(SITE_GROUPS)
    assert {"监测断面", "饮用水源", "空气站点", "重点项目", "重点企业", "问题与整改"} == set(SITE_GROUPS)
    assert table.set_index("site_id").loc["WWTP-1", "group"] == "重点企业"


def test_points_keep_their_position_and_shapes_get_an_inner_point(table):
    gdf = sites_gdf().set_index("site_id")
    t = table.set_index("site_id")
    assert t.loc["W-1", ["lon", "lat"]].tolist() == [115.80, 29.70]
    from shapely.geometry import Point

    assert gdf.loc["PRJ-2", "geometry"].contains(Point(t.loc["PRJ-2", "lon"], t.loc["PRJ-2", "lat"]))
    assert t.loc["PRJ-1", "geom_type"] == "LineString"


def test_unknown_kind_and_missing_column_are_named():
    gdf = sites_gdf()
    gdf.loc[0, "kind"] = "volcano"
    with pytest.raises(LayerError, match="volcano"):
        site_table(gdf, {})
    with pytest.raises(LayerError, match="kind"):
        site_table(sites_gdf().drop(columns="kind"), {})


def test_with_statuses_replaces_status_columns(table):
    other = {"W-1": SiteStatus(Status.EXCEED, "超标说明")}
    swapped = with_statuses(table, other).set_index("site_id")
    assert swapped.loc["W-1", "status"] == "exceed" and swapped.loc["W-1", "status_label"] == "超标"
    assert swapped.loc["DW-1", "status"] == "nodata"
    assert table.set_index("site_id").loc["W-1", "status"] == "good"  # input untouched


def test_status_counts_follow_palette_order(table):
    counts = status_counts(table)
    assert sum(counts.values()) == len(table)
    assert next(iter(counts)) == Status.EXCEED
