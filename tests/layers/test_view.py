from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance.status import PROBLEM_STATUSES
from layers.sitetable import site_table
from layers.view import ALL_LAYERS, CONTROL_LEVELS, ViewState, bounds_of, filter_table, from_query, search_mask
from tests.layers.common import sites_gdf, statuses

KINDS = ["water_section", "drinking_source", "air_station", "task"]
TOWNS = ["沙河街道", "城子镇"]


@pytest.fixture
def table():
    t = site_table(sites_gdf(), statuses())
    t["township"] = ["沙河街道" if i % 2 else "城子镇" for i in range(len(t))]
    t.loc[t["site_id"] == "W-1", "control_level"] = "国控"
    t.loc[t["site_id"] == "W-2", "control_level"] = "省控"
    t.loc[t["site_id"].str.startswith("W-"), "water_body"] = "river"
    return t


def test_default_view_shows_everything_and_has_an_empty_url(table):
    assert len(filter_table(table, ViewState())) == len(table)
    assert ViewState().to_query() == {}


@given(
    layers=st.lists(st.sampled_from(ALL_LAYERS), unique=True),
    kinds=st.lists(st.sampled_from(KINDS), unique=True),
    towns=st.lists(st.sampled_from(TOWNS), unique=True),
    levels=st.lists(st.sampled_from(CONTROL_LEVELS), unique=True),
    problems=st.booleans(),
    query=st.text(alphabet="赛城湖W-1a ", max_size=6),
    period=st.sampled_from(["", "2026", "2026Q3", "2026-10"]),
)
def test_url_round_trip(layers, kinds, towns, levels, problems, query, period):
    view = ViewState(layers=tuple(layers), kinds=tuple(kinds), townships=tuple(towns), levels=tuple(levels),
                     problems_only=problems, query=query.strip(), period=period)
    back, warnings = from_query(view.to_query(), kinds=KINDS, townships=TOWNS)
    assert warnings == []
    assert back == view


def test_bad_url_values_are_dropped_with_chinese_warnings():
    view, warnings = from_query({"levels": "国控,县控", "period": "2026-13", "basemap": "谷歌"}, basemaps=["无底图"])
    assert view.levels == ("国控",) and view.period == "" and view.basemap == ""
    assert len(warnings) == 3 and any("县控" in w for w in warnings) and any("2026-13" in w for w in warnings)


def test_problems_only_keeps_problem_statuses(table):
    shown = filter_table(table, ViewState(problems_only=True))
    codes = {s.value for s in PROBLEM_STATUSES}
    assert set(shown["status"]) <= codes
    assert len(shown) == table["status"].isin(codes).sum() > 0


def test_filters_combine_with_and(table):
    view = ViewState(kinds=("water_section",), townships=("城子镇",))
    shown = filter_table(table, view)
    assert len(shown) > 0
    assert (shown["kind"] == "water_section").all() and (shown["township"] == "城子镇").all()
    expected = table[(table["kind"] == "water_section") & (table["township"] == "城子镇")]
    assert list(shown["site_id"]) == list(expected["site_id"])


def test_control_level_and_water_body(table):
    assert list(filter_table(table, ViewState(levels=("国控",)))["site_id"]) == ["W-1"]
    assert set(filter_table(table, ViewState(water_bodies=("river",)))["site_id"]) == {"W-1", "W-2"}


def test_layers_hide_whole_groups(table):
    shown = filter_table(table, ViewState(layers=("监测断面",)))
    assert set(shown["group"]) == {"监测断面"}


def test_search_by_name_or_code_is_plain_text(table):
    assert list(table[search_mask(table, "赛城")]["site_id"]) == ["W-1"]
    assert list(table[search_mask(table, "dw-1")]["site_id"]) == ["DW-1"]
    assert not search_mask(table, ".*").any()  # not a pattern


def test_bounds_of_matches(table):
    rows = table[table["site_id"] == "W-1"]
    (s, w), (n, e) = bounds_of(rows, pad=0.01)
    assert (s, w, n, e) == pytest.approx((29.69, 115.79, 29.71, 115.81))
    assert bounds_of(rows.iloc[0:0]) is None
