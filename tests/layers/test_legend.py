from __future__ import annotations

import re
from collections import Counter

import folium
import pytest

from compliance.status import STATUS_STYLE, Status
from layers.errors import LayerError
from layers.legend import LEGEND_ID, build_legend, legend_html
from layers.sites import site_features
from tests.layers.common import sites_gdf, statuses

ROW_RE = re.compile(r'data-status="([a-z_]+)" data-count="(\d+)"')


def feature(status: Status, sample: bool = False) -> dict:
    return {"properties": {"status": status.value, "sample": sample}}


def counts_in(html: str) -> dict[str, int]:
    return {s: int(n) for s, n in ROW_RE.findall(html)}


def test_counts_equal_features_per_status():
    given = [Status.EXCEED] * 3 + [Status.GOOD] * 2 + [Status.NODATA]
    html = legend_html([feature(s) for s in given])
    assert counts_in(html) == {s.value: n for s, n in Counter(given).items()}
    assert f'data-total="{len(given)}"' in html


def test_counts_match_the_site_layer():
    features = site_features(sites_gdf(), statuses())
    html = legend_html(features)
    assert counts_in(html) == dict(Counter(f["properties"]["status"] for f in features))
    assert sum(counts_in(html).values()) == len(features)


def test_rows_follow_palette_order_with_palette_colours():
    html = legend_html([feature(Status.GOOD), feature(Status.EXCEED), feature(Status.WARN)])
    assert [s for s, _ in ROW_RE.findall(html)] == ["exceed", "warn", "good"]
    for status in (Status.GOOD, Status.EXCEED, Status.WARN):
        assert STATUS_STYLE[status].color in html
        assert STATUS_STYLE[status].label in html


def test_absent_statuses_are_not_listed():
    assert "data-status=\"exceed\"" not in legend_html([feature(Status.GOOD)])


def test_approximate_and_sample_lines():
    plain = legend_html([feature(Status.GOOD)], approximate_boundaries=False)
    assert "示意边界" not in plain
    assert "示例数据" not in plain
    both = legend_html([feature(Status.GOOD, sample=True)], approximate_boundaries=True)
    assert 'data-key="approximate"' in both
    assert "示意边界" in both
    assert 'data-key="sample"' in both
    assert "示例数据" in both


def test_legend_is_a_map_control_with_stable_id():
    m = folium.Map(tiles=None)
    build_legend([feature(Status.EXCEED)]).add_to(m)
    html = m.get_root().render()
    assert "L.control(" in html
    assert f'id=\\"{LEGEND_ID}\\"' in html or f"id=\\u0022{LEGEND_ID}\\u0022" in html


def test_bad_position_is_rejected():
    with pytest.raises(LayerError, match="middle"):
        build_legend([], position="middle")
