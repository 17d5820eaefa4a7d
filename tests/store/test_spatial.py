from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pyproj import Geod
from shapely.geometry import Point, Polygon, box, mapping

from store import NotFoundError, StoreError, open_store


def test_sites_in_township(store) -> None:
    assert store.sites_in_township("沙河街道")["site_id"].tolist() == ["W-A", "W-L"]
    assert store.sites_in_township("港口街镇")["site_id"].tolist() == ["PARK-1", "PRJ-01", "WWTP-1"]
    with pytest.raises(NotFoundError):
        store.sites_in_township("不存在镇")


def test_sites_in_drawn_polygon_counts_lines_and_areas_that_touch_it(store) -> None:
    # crosses the middle of the W-L line and the corner of the PARK-1 area, contains no site's vertex
    got = store.sites_in_polygon(box(115.859, 29.50, 115.861, 29.60))["site_id"].tolist()
    assert got == ["W-L"]
    assert store.sites_in_polygon(box(116.015, 29.655, 116.03, 29.66))["site_id"].tolist() == ["PARK-1"]
    assert store.sites_in_polygon(box(100, 30, 101, 31)).empty


def test_sites_within_distance_in_metres(store) -> None:
    geod = Geod(ellps="GRS80")
    d_true = geod.inv(116.04, 29.69, 116.05, 29.70)[2]  # PRJ-01 → WWTP-1
    near = store.sites_within(116.04, 29.69, d_true * 1.01)
    assert near["site_id"].tolist()[:1] == ["PRJ-01"]
    assert "WWTP-1" in near["site_id"].tolist()
    d = near.set_index("site_id").loc["WWTP-1", "distance_m"]
    assert d == pytest.approx(d_true, rel=2e-3)  # EPSG:4548 vs geodesic: scale factor < 0.2 %
    assert "WWTP-1" not in store.sites_within(116.04, 29.69, d_true * 0.99)["site_id"].tolist()
    assert store.sites_within(115.9, 29.6, 0)["site_id"].tolist() == ["W-A"]
    with pytest.raises(StoreError):
        store.sites_within(115.9, 29.6, -1)


def _random_sites(n: int, seed: int) -> dict:
    rnd = random.Random(seed)
    feats = []
    for i in range(n):
        x, y = rnd.uniform(115.6, 116.2), rnd.uniform(29.4, 29.9)
        k = i % 3
        if k == 0:
            g = Point(x, y)
        elif k == 1:
            g = Polygon([(x, y), (x + 0.01, y), (x + 0.01, y + 0.008), (x, y)])
        else:
            from shapely.geometry import LineString
            g = LineString([(x, y), (x + rnd.uniform(-0.02, 0.02), y + rnd.uniform(-0.02, 0.02))])
        feats.append({"type": "Feature", "geometry": mapping(g),
                      "properties": {"site_id": f"S{i:04d}", "name": f"点{i}",
                                     "kind": ("enterprise", "park", "water_section")[k]}})
    return {"type": "FeatureCollection", "features": feats}


@pytest.mark.postgis
def test_both_backends_give_identical_answers(tmp_path: Path, url_factory) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "sites.geojson").write_text(json.dumps(_random_sites(600, 7)), encoding="utf-8")
    stores = [open_store(url_factory(b), sample_dir=sample, boundaries_dir=None) for b in ("sqlite", "postgis")]
    rnd = random.Random(11)
    total = 0
    for _ in range(25):
        x, y = rnd.uniform(115.6, 116.2), rnd.uniform(29.4, 29.9)
        poly = Polygon([(x, y), (x + rnd.uniform(0.02, 0.2), y + 0.01), (x + 0.05, y + rnd.uniform(0.05, 0.2))])
        a, b = (s.sites_in_polygon(poly)["site_id"].tolist() for s in stores)
        assert a == b
        r = rnd.uniform(500, 15000)
        da, db = (s.sites_within(x, y, r) for s in stores)
        assert da["site_id"].tolist() == db["site_id"].tolist()
        assert da["distance_m"].to_numpy() == pytest.approx(db["distance_m"].to_numpy(), abs=1e-3)
        total += len(a) + len(da)
    assert total > 200  # the queries did hit something
    for s in stores:
        s.close()
