"""The live legend: one row per status present, counts summed over the layer groups, stable test hooks."""

from __future__ import annotations

import re
from collections import Counter

import folium
import pytest

from compliance.status import STATUS_STYLE, Status
from layers.errors import LayerError
from layers.legend import LEGEND_ID, LiveLegend, group_status_counts, live_legend_html
from layers.sitetable import site_table
from tests.layers.common import sites_gdf, statuses

ROW_RE = re.compile(r'data-status="([a-z_]+)" data-count="(\d+)"')


def counts_in(html: str) -> dict[str, int]:
    return {s: int(n) for s, n in ROW_RE.findall(html)}


def legend(per_group: dict[str, list[Status]], **kw) -> str:
    counts = {g: dict(Counter(s.value for s in ss)) for g, ss in per_group.items()}
    return live_legend_html(counts, sample=kw.pop("sample", False), **kw)


def test_counts_are_summed_over_groups():
    html = legend({"监测断面": [Status.EXCEED] * 2 + [Status.GOOD], "饮用水源": [Status.EXCEED, Status.NODATA]})
    assert counts_in(html) == {"exceed": 3, "good": 1, "nodata": 1}
    assert 'data-total="5"' in html


def test_counts_match_the_site_table():
    table = site_table(sites_gdf(), statuses())
    html = live_legend_html(group_status_counts(table), sample=True)
    assert counts_in(html) == dict(Counter(table["status"].astype(str)))
    assert sum(counts_in(html).values()) == len(table)


def test_rows_follow_palette_order_with_palette_colours():
    html = legend({"g": [Status.GOOD, Status.EXCEED, Status.WARN]})
    assert [s for s, _ in ROW_RE.findall(html)] == ["exceed", "warn", "good"]
    for status in (Status.GOOD, Status.EXCEED, Status.WARN):
        assert STATUS_STYLE[status].color in html
        assert STATUS_STYLE[status].label in html


def test_absent_statuses_are_not_listed():
    assert 'data-status="exceed"' not in legend({"g": [Status.GOOD]})


def test_approximate_and_sample_lines():
    plain = legend({"g": [Status.GOOD]}, approximate_boundaries=False)
    assert "示意边界" not in plain
    assert "示例数据" not in plain
    both = legend({"g": [Status.GOOD]}, sample=True, approximate_boundaries=True)
    assert 'data-key="approximate"' in both
    assert 'data-key="sample"' in both


def test_legend_is_a_map_control_with_stable_id():
    counts = {"g": {"exceed": 1}}
    m = folium.Map(tiles=None)
    LiveLegend(live_legend_html(counts, sample=False), counts).add_to(m)
    html = m.get_root().render()
    assert "L.control(" in html
    assert LEGEND_ID in html


def test_bad_position_is_rejected():
    with pytest.raises(LayerError, match="middle"):
        LiveLegend("", {}, position="middle")
