from __future__ import annotations

import base64
import gzip
import json

import numpy as np
import pytest

from compliance.status import STATUS_STYLE, SiteStatus, Status
from geo.offset import wgs84_to_gcj02
from layers import fastsites
from layers.basemaps import GAODE
from layers.compose import MapOptions, compose_fast
from layers.fastsites import CompactSites, build_compact_groups, group_payload, status_table
from layers.sitetable import site_table
from tests.layers.common import XSS_SCRIPT, district_gdf, neighbours_gdf, sites_gdf, statuses, townships_gdf


def decode(payload: dict) -> list[dict]:
    """What the browser code reconstructs from a payload."""
    st = status_table()
    x = np.cumsum(payload["dx"])
    out = []
    for i, sid in enumerate(payload["id"]):
        out.append({"site_id": sid, "name": payload["n"][i], "lon": x[i] / fastsites.QUANT,
                    "lat": (payload["y0"] + payload["y"][i]) / fastsites.QUANT, "status": st[payload["s"][i]][0],
                    "explanation": payload["ex"][payload["e"][i]] if "ex" in payload else None})
    return out


def _children(groups):
    return [c for g in groups for c in g._children.values() if isinstance(c, CompactSites)]


@pytest.fixture
def table():
    return site_table(sites_gdf(), statuses())


def test_payload_round_trips_positions_statuses_names(table):
    decoded = {d["site_id"]: d for d in decode(group_payload(table, explain=True))}
    for row in table.itertuples():
        d = decoded[row.site_id]
        assert d["lon"] == pytest.approx(row.lon, abs=1e-5) and d["lat"] == pytest.approx(row.lat, abs=1e-5)
        assert (d["status"], d["name"], d["explanation"]) == (row.status, row.name, row.explanation)


def test_problems_are_drawn_last(table):
    order = [STATUS_STYLE[Status(d["status"])].order for d in decode(group_payload(table, explain=False))]
    assert order == sorted(order, reverse=True)


def test_explanations_only_for_small_maps(table, monkeypatch):
    groups = build_compact_groups(table)
    assert all('"ex"' in c.payload for c in _children(groups))
    monkeypatch.setattr(fastsites, "EXPLAIN_MAX_SITES", 3)
    assert not any('"ex"' in c.payload for c in _children(build_compact_groups(table)))


def test_big_maps_are_packed_and_unpack_to_the_same_json(table, monkeypatch):
    monkeypatch.setattr(fastsites, "PACK_MIN_SITES", 1)
    for child in _children(build_compact_groups(table)):
        assert child.packed
        data = json.loads(gzip.decompress(base64.b64decode(child.payload)))
        assert data["big"] == 1 and len(data["id"]) == len(data["dx"])


def test_hostile_names_cannot_close_the_script(table):
    html = compose_fast(table, district=district_gdf(), neighbours=neighbours_gdf(),
                        townships=townships_gdf()).map.get_root().render()
    assert XSS_SCRIPT not in html and "</script>alert" not in html
    assert '"><script>alert(1)<\\/script>' in html  # raw UTF-8 JSON with '</' escaped


def test_group_per_layer_and_live_legend_counts(table):
    fast = compose_fast(table, district=district_gdf(), neighbours=neighbours_gdf(), townships=townships_gdf())
    from layers.legend import LegendUpdate

    legend = next(c for g in fast.map._children.values() for c in getattr(g, "_children", {}).values()
                  if isinstance(c, LegendUpdate))
    for status, n in table["status"].value_counts().items():
        assert f'data-status="{status}" data-count="{n}"' in legend.html
    assert f'data-total="{len(table)}"' in legend.html
    assert sum(sum(c.values()) for c in legend.counts.values()) == len(table)
    assert set(legend.counts) == set(table["group"])
    assert "overlayremove" in fast.map.get_root().render()  # legend recounts when a group is switched off


def test_gaode_shifts_every_overlay_to_gcj02(table):
    fast = compose_fast(table, district=district_gdf(), neighbours=neighbours_gdf(), townships=townships_gdf(),
                        options=MapOptions(basemap=GAODE))
    lon, lat = wgs84_to_gcj02(table["lon"].to_numpy(), table["lat"].to_numpy())
    assert np.allclose(fast.table["lon"], lon) and np.allclose(fast.table["lat"], lat)
    assert "autonavi" in fast.map.get_root().render()


def test_ten_thousand_sites_fit_the_payload_budget():
    import geopandas as gpd

    rng = np.random.default_rng(1)
    n = 10_000
    frame = gpd.GeoDataFrame(
        {"site_id": [f"S{i:06d}" for i in range(n)], "name": [f"沙河街道监测点{i}号" for i in range(n)],
         "kind": rng.choice(["water_section", "air_station", "task"], n), "sample": True},
        geometry=gpd.points_from_xy(rng.uniform(115.6, 116.3, n), rng.uniform(29.3, 29.9, n)), crs=4490)
    sts = {sid: SiteStatus(Status.GOOD, "达标") for sid in frame["site_id"]}
    fast = compose_fast(site_table(frame, sts), district=district_gdf(), neighbours=neighbours_gdf(),
                        townships=townships_gdf())
    assert len(fast.map.get_root().render().encode()) < 500_000
