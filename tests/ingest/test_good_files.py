"""The three reference files of issue 5 load with correct names and positions (within 1 m)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geo.crs import distance_m
from geo.io import read_vector
from ingest.registers import parse_register
from ingest.sheets import parse_sheet

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "data" / "good"


def test_official_gbk_shapefile_in_cgcs2000_zone39() -> None:
    gdf = read_vector(GOOD / "official_townships_zone39.zip")
    ref = gpd.read_file(ROOT / "data" / "boundaries" / "townships.geojson")
    assert gdf.attrs["source_epsg"] == 4527
    assert gdf.attrs["encoding"] == "gb18030"
    assert not gdf.attrs["datum_approximate"]
    assert list(gdf["乡镇名称"]) == list(ref["name"])
    a = gdf.to_crs(4548).geometry
    b = ref.to_crs(4548).geometry
    for ga, gb in zip(a, b, strict=True):
        assert ga.hausdorff_distance(gb) < 1.0
    assert not gdf["outside_district"].any()


def test_dms_register_positions_within_one_metre() -> None:
    res = parse_register(GOOD / "register_dms.xlsx")
    assert res.ok, [str(i) for i in res.issues]
    reg = res.data
    ref = gpd.read_file(ROOT / "data" / "sample" / "sites.geojson").set_index("site_id")
    assert len(reg) == 8
    for _, row in reg.iterrows():
        want = ref.loc[row["site_id"]]
        assert row["name"] == want["name"]
        assert row["kind"] == want["kind"]
        assert distance_m(row.geometry, want.geometry) < 1.0
    assert list(reg["target_class"])[:7] == [3, 3, 3, 3, 3, 2, 2]


def test_wide_monthly_sheet_values() -> None:
    res = parse_sheet(GOOD / "monthly_wide.xlsx", known_ids={"W-SCHK", "W-QLS"})
    assert res.ok, [str(i) for i in res.issues]
    df = res.data
    assert res.meta["form"] == "wide"

    def one(site: str, time: str, param: str) -> tuple[float, str]:
        hit = df[(df.site_id == site) & (df.time == time) & (df.param == param)]
        assert len(hit) == 1, (site, time, param)
        return float(hit["value"].iloc[0]), str(hit["raw"].iloc[0])

    assert one("W-SCHK", "2026-10-12", "NH3N") == (pytest.approx(0.215), "0.215")
    assert one("W-SCHK", "2026-10-12", "pH")[0] == pytest.approx(7.6)
    assert one("W-SCHK", "2026-10-12", "fecal_coliform")[0] == pytest.approx(1300)
    assert one("W-SCHK", "2026-09-14", "NH3N") == (pytest.approx(0.025), "0.025L")
    assert one("W-QLS", "2026-10-13", "fecal_coliform")[1] == "ND"
    assert one("W-QLS", "2026-09-15", "TP") == (pytest.approx(0.01), "<0.01")
    assert df[(df.site_id == "W-QLS") & (df.time == "2026-09-15") & (df.param == "CODMn")].empty
    assert set(df["unit"][df.param == "DO"]) == {"mg/L"}
    assert "水质类别" not in set(df["param"])
