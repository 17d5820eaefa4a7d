"""The default sample data (data/sample/): reproducible, complete, inside the district, plausible."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from compliance.params import PARAMS
from compliance.values import parse_value
from scripts import make_sample_data as msd
from scripts.sample_register import DISTRICT_BBOX, RURAL_TOWNSHIPS, township_of

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
BOUNDARIES = ROOT / "data" / "boundaries"
DATA_DATE = dt.date(2026, 11, 28)  # the day the sample was made ("today" for overdue checks)


@pytest.fixture(scope="module")
def register() -> dict:
    return json.loads((SAMPLE / "sites.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def props(register: dict) -> dict[str, dict]:
    return {f["properties"]["site_id"]: f["properties"] for f in register["features"]}


@pytest.fixture(scope="module")
def meas() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "measurements.csv.gz", dtype={"raw": str, "site_id": str, "time": str})


@pytest.fixture(scope="module")
def tasks() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "tasks.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def progress() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "project_progress.csv")


def _by_name(register: dict, needle: str) -> list[dict]:
    return [f["properties"] for f in register["features"] if needle in f["properties"]["name"]]


# ------------------------------------------------------------------------------------------ reproducibility


def test_generator_reproduces_committed_files(tmp_path: Path) -> None:
    paths = msd.generate(tmp_path)
    for name in ("sites.geojson", "project_progress.csv", "tasks.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    fresh = paths["measurements"].read_bytes()
    assert fresh[4:8] == b"\x00\x00\x00\x00", "gzip mtime must be 0 for byte-stable output"
    assert gzip.decompress(fresh) == gzip.decompress((SAMPLE / "measurements.csv.gz").read_bytes())


def test_files_are_small() -> None:
    assert (SAMPLE / "measurements.csv.gz").stat().st_size < 600_000
    assert (SAMPLE / "sites.geojson").stat().st_size < 100_000


# ------------------------------------------------------------------------------------------------ register


def test_every_plan_site_exists_with_the_right_kind(register: dict) -> None:
    expected = {
        "赛城湖口": "water_section",
        "青龙寺": "water_section",
        "人民医院": "water_section",
        "柴桑区环保局": "air_station",
        "柴桑区中心幼儿园": "air_station",
        "赤湖污水处理厂": "wwtp",
        "鑫山水泥": "enterprise",
        "华林特钢": "enterprise",
        "绿洲源木业": "enterprise",
        "国孚润滑油": "enterprise",
        "华航石油": "enterprise",
        "沙城工业园": "park",
        "赤湖工业园": "park",
        "高铁新区拆迁改造区": "park",  # the plan's third dust-control focus area (第五章第三节)
        "江新洲岛": "ship_waste",
        "赤湖码头": "ship_waste",
    }
    for needle, kind in expected.items():
        kinds = {p["kind"] for p in _by_name(register, needle)}
        assert kind in kinds, f"{needle} missing as {kind}: {kinds}"
    sources = [f["properties"] for f in register["features"] if f["properties"]["kind"] == "drinking_source"]
    assert sorted(p["township"] for p in sources) == sorted(RURAL_TOWNSHIPS)
    for p in sources:
        assert p["monitoring_freq"] == "quarterly"
        assert p["target_class"] == 3
        assert p["water_body"] in {"river", "reservoir"}
        assert p["name"].startswith(p["township"])
        assert "示例名" in p["name"]


def test_sections_have_level_body_and_target(register: dict) -> None:
    for needle in ("赛城湖口", "青龙寺", "人民医院"):
        (p,) = (q for q in _by_name(register, needle) if q["kind"] == "water_section")
        assert p["control_level"] in {"省控", "市控", "区控"}
        assert p["water_body"] in {"river", "lake"}
        assert p["target_class"] == 3
        assert p["monitoring_freq"] == "monthly"
    assert {p["control_level"] for n in ("赛城湖口", "青龙寺") for p in _by_name(register, n)} == {"省控"}
    (rm,) = _by_name(register, "人民医院")
    assert rm["township"] == "沙河街道"
    assert rm["water_body"] == "river"


def test_projects_match_the_plan_table(register: dict) -> None:
    projects = {p["project_no"]: p for p in (f["properties"] for f in register["features"]) if p["kind"] == "project"}
    assert sorted(projects) == list(range(1, 9))
    assert sum(p["investment_wan"] for p in projects.values()) == pytest.approx(1030021)
    assert projects[1]["related_site"] == "WWTP-CH"
    assert projects[4]["township"] == "港口街镇"
    for no, p in projects.items():
        assert p["start_year"] <= p["end_year"]
        assert p["responsible"]
        assert p["content"]
        ms = json.loads(p["milestones"])
        assert ms
        assert all(dt.date.fromisoformat(m["date"]) and m["name"] for m in ms)
        if no in (3, 5, 6, 7, 8):
            assert "全区性项目" in p["location_note"]


def test_wwtp_grade_history_and_built_date(props: dict) -> None:
    p = props["WWTP-CH"]
    hist = json.loads(p["grade_history"])
    assert [h["grade"] for h in hist] == ["1B", "1A"]
    assert dt.date.fromisoformat(hist[1]["from"]).year == 2024
    assert dt.date.fromisoformat(p["built"]) >= dt.date(2006, 1, 1)
    assert "建成日期" in p["location_note"]


def test_every_feature_is_flagged_sample_and_approximate(register: dict) -> None:
    ids = [f["properties"]["site_id"] for f in register["features"]]
    assert len(ids) == len(set(ids))
    assert register["crs"]["properties"]["name"].endswith("4490")
    for f in register["features"]:
        p = f["properties"]
        assert p["approximate"] is True, p["site_id"]
        assert p["sample"] is True, p["site_id"]
        assert p["location_note"].startswith("位置待核实"), p["site_id"]
        assert "十四五" in p["source"], p["site_id"]
        assert p["kind"] in {"water_section", "drinking_source", "air_station", "wwtp", "project", "enterprise",
                             "park", "ship_waste"}


def _coords(geom: dict) -> list[list[float]]:
    if geom["type"] == "Point":
        return [geom["coordinates"]]
    if geom["type"] == "LineString":
        return geom["coordinates"]
    return [c for ring in geom["coordinates"] for c in ring]


def test_all_positions_inside_the_district(register: dict, tasks: pd.DataFrame) -> None:
    x0, y0, x1, y1 = DISTRICT_BBOX
    pts = [c for f in register["features"] for c in _coords(f["geometry"])]
    pts += [[float(a), float(b)] for a, b in zip(tasks["lon"], tasks["lat"], strict=True)]
    for lon, lat in pts:
        assert x0 <= lon <= x1, (lon, lat)
        assert y0 <= lat <= y1, (lon, lat)
    outline = BOUNDARIES / "district.geojson"
    if not outline.exists():
        pytest.skip("data/boundaries/district.geojson not built yet")
    district = unary_union([shape(f["geometry"]) for f in json.loads(outline.read_text("utf-8"))["features"]])
    outside = [(lon, lat) for lon, lat in pts if not district.contains(Point(lon, lat))]
    assert not outside


def test_township_field_matches_the_default_township_polygons(register: dict) -> None:
    path = BOUNDARIES / "townships.geojson"
    if not path.exists():
        pytest.skip("data/boundaries/townships.geojson not built yet")
    polys = {f["properties"]["name"]: shape(f["geometry"]) for f in json.loads(path.read_text("utf-8"))["features"]}
    for f in register["features"]:
        p = f["properties"]
        pt = shape(f["geometry"]).representative_point()
        assert polys[p["township"]].buffer(1e-4).contains(pt), p["site_id"]


def test_shahe_reach_is_4_2_km(props: dict, register: dict) -> None:
    (feat,) = (f for f in register["features"] if f["properties"]["project_no"] == 2)
    assert feat["geometry"]["type"] == "LineString"
    to_m = Transformer.from_crs(4490, 4548, always_xy=True).transform
    line_m = shapely.transform(shape(feat["geometry"]), to_m, interleaved=False)
    length = line_m.length
    assert length == pytest.approx(4200, abs=300)
    assert {township_of(*c) for c in feat["geometry"]["coordinates"]} == {"沙河街道"}
    # the 人民医院 section lies on the reach
    rm = props["W-RMYY"]
    (sec,) = (f for f in register["features"] if f["properties"]["site_id"] == rm["site_id"])
    assert line_m.distance(shapely.transform(shape(sec["geometry"]), to_m, interleaved=False)) < 20


# ------------------------------------------------------------------------------------------- measurements


def test_measurement_rows_follow_the_contract(meas: pd.DataFrame, props: dict) -> None:
    assert list(meas.columns) == list(msd.MEAS_COLUMNS)
    assert set(meas["site_id"]) <= set(props)
    assert set(meas["source"]) == {"manual", "auto"}
    assert meas["time"].min() >= "2021-01-01"
    assert meas["time"].max() <= "2026-10-31"
    assert meas["time"].min() == "2021-01-01"
    assert meas["time"].max() == "2026-10-31"
    assert not meas.duplicated(["site_id", "time", "param"]).any()
    units = {c: p.unit for c, p in PARAMS.items()}
    assert set(meas["param"]) <= set(PARAMS)
    assert (meas["unit"] == meas["param"].map(units)).all()
    parsed = [parse_value(p, r).value for p, r in zip(meas["param"], meas["raw"], strict=True)]
    assert np.allclose(parsed, meas["value"].to_numpy(float), rtol=1e-5, atol=0)


def test_detection_limit_notations_are_present(meas: pd.DataFrame) -> None:
    raw = meas["raw"]
    assert raw.str.endswith("L").sum() > 100
    assert (raw == "ND").sum() > 10
    below = meas[raw.str.endswith("L")]
    assert (below["value"] == below["raw"].str[:-1].astype(float)).all()


def test_sampling_frequencies(meas: pd.DataFrame, props: dict) -> None:
    days = (msd.END - msd.START).days + 1
    times = meas.groupby("site_id")["time"].nunique()
    for sid, p in props.items():
        if p["kind"] in {"air_station", "wwtp"}:
            assert times[sid] == days
        elif p["kind"] == "water_section":
            assert times[sid] == 70  # every month 2021-01 … 2026-10
        elif p["kind"] == "drinking_source":
            months = set(meas.loc[meas["site_id"] == sid, "time"].str[5:7])
            assert months == {"01", "04", "07", "10"}
            assert 23 <= times[sid] <= 24
    lake = meas[meas["site_id"] == "W-SCHK"]
    assert {"chla", "SD"} <= set(lake["param"])


def _air_wide(meas: pd.DataFrame) -> pd.DataFrame:
    air = meas[meas["site_id"].str.startswith("AIR-")]
    wide = air.pivot_table(index=["site_id", "time"], columns="param", values="value").reset_index()
    wide["year"] = wide["time"].str[:4].astype(int)
    wide["month"] = wide["time"].str[5:7].astype(int)
    return wide


def test_pm25_trend_from_36_towards_32(meas: pd.DataFrame) -> None:
    wide = _air_wide(meas)
    annual = wide.groupby("year")["PM2_5"].mean()
    assert annual[2021] == pytest.approx(36, abs=1.0)
    assert annual[2025] == pytest.approx(32, abs=1.0)
    full = annual.loc[2021:2025]
    assert (np.diff(full.to_numpy()) < 0).all(), full.to_dict()


def test_air_seasons_and_ranges(meas: pd.DataFrame) -> None:
    wide = _air_wide(meas)
    winter = wide[wide["month"].isin([12, 1, 2])]
    summer = wide[wide["month"].isin([6, 7, 8])]
    assert winter["PM2_5"].mean() > 1.5 * summer["PM2_5"].mean()
    assert summer["O3_8h"].mean() > 1.3 * winter["O3_8h"].mean()
    assert wide["CO"].between(0.1, 4).all()  # mg/m³, not µg/m³
    assert wide["SO2"].max() < 60
    assert wide["NO2"].median() < 40
    assert (wide["PM10"] > wide["PM2_5"]).all()


# ------------------------------------------------------------------------------------------ progress, tasks


def test_project_progress(progress: pd.DataFrame, props: dict) -> None:
    assert list(progress.columns) == list(msd.PROGRESS_COLUMNS)
    assert set(progress["site_id"]) == {f"PRJ-{i:02d}" for i in range(1, 9)}
    assert progress["date"].max() <= "2026-10-31"
    for sid, grp in progress.sort_values("date").groupby("site_id"):
        pct = grp["progress_pct"].to_numpy()
        assert (np.diff(pct) >= 0).all(), sid
        assert pct.min() >= 0, sid
        assert pct.max() <= 100, sid
    done = progress[progress["progress_pct"] == 100].groupby("site_id")["date"].min().str[:4].to_dict()
    assert done["PRJ-01"] == "2024"
    assert done["PRJ-02"] == "2022"
    assert done["PRJ-03"] == "2021"
    assert "PRJ-04" not in done  # lagging: planned 2025, not finished
    assert props["PRJ-04"]["end_year"] == 2025


def test_tasks(tasks: pd.DataFrame, props: dict) -> None:
    assert list(tasks.columns) == list(msd.TASK_COLUMNS)
    assert 25 <= len(tasks) <= 40
    assert tasks["task_id"].is_unique
    assert set(tasks["origin"]) == {"inspection", "complaint", "inspection_central"}
    end = msd.END.isoformat()
    assert (tasks["opened"] <= end).all()
    assert (tasks["opened"] <= tasks["due"]).all()
    closed = tasks[tasks["closed"] != ""]
    assert (closed["closed"] >= closed["opened"]).all()
    assert (closed["closed"] <= end).all()
    open_ = tasks[tasks["closed"] == ""]
    assert (open_["due"] < end).sum() >= 2  # overdue at the end of the data
    assert ((open_["due"] > end) & (open_["due"] < DATA_DATE.isoformat())).sum() >= 1  # overdue by today only
    assert (open_["due"] > DATA_DATE.isoformat()).sum() >= 2  # still within the deadline
    assert len(closed) > len(tasks) / 2
    assert len(set(tasks["township"])) >= 9
    for row in tasks.itertuples():
        assert township_of(float(row.lon), float(row.lat)) == row.township, row.task_id
        if row.site_id:
            assert props[row.site_id]["township"] == row.township
        assert "<" not in row.title
        assert ">" not in row.title


# ----------------------------------------------------------------------------- consistency with the engine


def _water_classes(meas: pd.DataFrame, props: dict, sid: str) -> pd.Series:
    water = pytest.importorskip("compliance.water")
    p = props[sid]
    rows = meas[meas["site_id"] == sid]
    out = {}
    for t, grp in rows.groupby("time"):
        res = water.assess(dict(zip(grp["param"], grp["raw"], strict=True)), water_body=p["water_body"],
                           target=p["target_class"])
        out[t] = res.water_class
    return pd.Series(out)


def test_water_classes_as_intended(meas: pd.DataFrame, props: dict) -> None:
    schk = _water_classes(meas, props, "W-SCHK")
    qls = _water_classes(meas, props, "W-QLS")
    rmyy = _water_classes(meas, props, "W-RMYY")
    assert (schk <= 3).mean() >= 0.8
    assert set(schk) <= {2, 3, 4}
    assert (schk == 2).any()
    assert (qls <= 3).mean() >= 0.9
    assert (qls == 2).mean() > 0.4
    assert set(rmyy) == {3, 4}
    assert 0.1 <= (rmyy == 4).mean() <= 0.5
    assert {t[:4] for t in rmyy[rmyy == 4].index} == {str(y) for y in range(2021, 2027)}
    assert rmyy.iloc[-1] == 4
    for sid in (f"DW-{i:02d}" for i in range(1, 10)):
        c = _water_classes(meas, props, sid)
        assert (c <= 3).mean() >= 0.9, sid
        assert c.max() <= 4, sid


def test_shahe_iv_months_are_driven_by_tp_or_nh3n(meas: pd.DataFrame, props: dict) -> None:
    water = pytest.importorskip("compliance.water")
    rows = meas[meas["site_id"] == "W-RMYY"]
    for _, grp in rows.groupby("time"):
        res = water.assess(dict(zip(grp["param"], grp["raw"], strict=True)), water_body="river", target=3)
        if res.water_class == 4:
            worst = {k for k, v in res.item_classes.items() if v == 4}
            assert worst & {"TP", "NH3N"}, worst


def test_effluent_meets_its_grade_with_few_exceedances(meas: pd.DataFrame, props: dict) -> None:
    effluent = pytest.importorskip("compliance.effluent")
    p = props["WWTP-CH"]
    built = dt.date.fromisoformat(p["built"])
    rows = meas[meas["site_id"] == "WWTP-CH"]
    bad: dict[str, list[str]] = {"1B": [], "1A": []}
    for t, grp in rows.groupby("time"):
        day = dt.date.fromisoformat(t)
        grade = effluent.grade_on(p["grade_history"], day)
        res = effluent.assess(dict(zip(grp["param"], grp["raw"], strict=True)), grade=grade, built=built)
        if not res.compliant:
            bad[grade].append(t)
    assert 1 <= len(bad["1B"]) <= 6, bad
    assert 1 <= len(bad["1A"]) <= 6, bad
    assert all(t >= "2024-07-01" for t in bad["1A"])
