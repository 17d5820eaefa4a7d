"""GB 3838-2002 Table 2 supplementary items for drinking-water sources; the 办法's grade at 60 % / 40 %."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from compliance import drinking, water
from compliance.errors import UnknownParameterError
from compliance.sites import assess_sites
from compliance.status import SiteStatus, Status
from ingest.units import conversion_factor, resolve_param


def test_table2_every_cell() -> None:
    assert drinking.table2() == {"SO4": 250.0, "Cl": 250.0, "NO3N": 10.0, "Fe": 0.3, "Mn": 0.1}
    assert drinking.names()["NO3N"] == "硝酸盐（以N计）" and drinking.names()["Fe"] == "铁"


def test_supplementary_items() -> None:
    items = {i.param: i for i in drinking.assess_supplementary({"Fe": 0.3, "Mn": 0.15, "NO3N": "20L", "SO4": "ND"})}
    assert items["Fe"].meets is True and "达标" in items["Fe"].explanation
    assert items["Mn"].meets is False and "超标 0.5 倍" in items["Mn"].explanation
    assert items["NO3N"].meets is None and "无法判定，未评价" in items["NO3N"].explanation
    assert items["SO4"].meets is True
    with pytest.raises(UnknownParameterError):
        drinking.assess_supplementary({"COD": 10})


def test_basin_grade_at_60_percent_and_40_percent_worse_than_v() -> None:
    # 3 of 5 sections Ⅰ–Ⅲ (60 %), 2 劣Ⅴ (40 %): the 办法 defines no separate grade; the engine says 重度污染
    assert water.basin_grade([1, 2, 3, 6, 6]) == "重度污染"
    assert water.basin_grade([1, 2, 3, 6, 5]) == "中度污染"


# ------------------------------------------------------------------ Table 2 in the status of a drinking source

def _sample(**values: float | str) -> pd.DataFrame:
    base: dict[str, float | str] = {"DO": 8.5, "CODMn": 2.0, "NH3N": 0.2, "TP": 0.01, "COD": 10}
    base.update(values)
    rows = []
    for p, v in base.items():
        num = float(v) if not isinstance(v, str) else float("nan")
        rows.append({"site_id": "D1", "time": "2026-10-15", "param": p, "value": num,
                     "raw": v if isinstance(v, str) else None})
    return pd.DataFrame(rows)


def _status(kind: str, frame: pd.DataFrame) -> SiteStatus:
    sites = pd.DataFrame([{"site_id": "D1", "kind": kind, "name": "示例水源地", "water_body": "reservoir",
                           "target_class": 2, "monitoring_freq": "monthly"}])
    return assess_sites(sites, frame, as_of=dt.date(2026, 10, 31))["D1"]


def test_sulphate_above_its_limit_makes_a_class_ii_source_exceed() -> None:
    s = _status("drinking_source", _sample(SO4=300))
    assert s.status is Status.EXCEED
    assert "补充项目超标" in s.explanation and "硫酸盐" in s.explanation and "限值 250" in s.explanation
    assert "GB 3838-2002 表2" in s.explanation and "超标 0.2 倍" in s.explanation
    so4 = next(b for b in s.basis if b.param == "SO4")
    assert (so4.value, so4.limit, so4.standard, so4.multiple) == (300.0, 250.0, "GB 3838-2002 表2", 0.2)
    assert s.detail["water_class"] == 2 and s.detail["supplementary"][0]["meets"] is False


def test_the_same_sample_at_a_river_section_ignores_table_2() -> None:
    assert _status("water_section", _sample(SO4=300)).status is Status.GOOD


def test_table_2_within_limits_is_explained_and_near_the_limit_warns() -> None:
    ok = _status("drinking_source", _sample(SO4=50, Mn=0.02))
    assert ok.status is Status.GOOD and "表2补充项目" in ok.explanation and "锰" in ok.explanation
    near = _status("drinking_source", _sample(Mn=0.09))  # 90 % of 0.1, warning band 80 %
    assert near.status is Status.WARN and "补充项目接近限值" in near.explanation


def test_undetected_iron_above_its_limit_cannot_be_judged() -> None:
    s = _status("drinking_source", _sample(Fe="0.5L"))
    assert s.status is Status.GOOD and "无法判定，未评价" in s.explanation


def test_importer_knows_the_table_2_items() -> None:
    assert {resolve_param(n) for n in ("硫酸盐（以SO4²⁻计）", "氯化物", "硝酸盐（以N计）", "铁", "锰")} == {
        "SO4", "Cl", "NO3N", "Fe", "Mn"}
    assert resolve_param("高锰酸盐指数") == "CODMn"
    assert conversion_factor("Mn", "µg/L") == pytest.approx(0.001)


def test_table_2_alone_is_still_judged_and_never_enters_the_table_1_text() -> None:
    only = pd.DataFrame([{"site_id": "D1", "time": "2026-10-15", "param": "SO4", "value": 300.0, "raw": None}])
    s = _status("drinking_source", only)
    assert s.status is Status.EXCEED and "硫酸盐" in s.explanation and "暂无地表水监测数据" in s.explanation
    fe = _status("drinking_source", _sample(Fe="0.5L"))
    assert "视为符合" not in fe.explanation  # Table 1's undetected-value note is not applied to a Table 2 item
