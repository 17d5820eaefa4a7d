"""GB 18918-2002 effluent assessment, dated grade and plant status."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from compliance import effluent
from compliance.errors import ComplianceError, InvalidValueError, UnknownParameterError
from compliance.status import SiteStatus, Status

OLD_PLANT = dt.date(2004, 5, 1)
NEW_PLANT = dt.date(2006, 1, 1)


def test_compliant_1a_day() -> None:
    r = effluent.assess({"COD": 30, "NH3N": 2, "TP": 0.3, "TN": 10, "SS": 8, "pH": 7.1}, grade="1A", water_temp=20)
    assert r.compliant is True
    assert r.exceedances == ()
    assert "GB 18918-2002 一级A" in r.explanation


def test_exceedance_multiple_and_explanation() -> None:
    r = effluent.assess({"COD": 75}, grade="1A")
    (e,) = r.exceedances
    assert (e.param, e.value, e.limit) == ("COD", 75.0, 50.0)
    assert e.multiple == pytest.approx(0.5)
    assert r.compliant is False
    assert "化学需氧量 75 mg/L，限值 50，超标 0.5 倍" in r.explanation


def test_exactly_at_limit_meets_it() -> None:
    assert effluent.assess({"COD": 60, "SS": 20, "TN": 20}, grade="1B").compliant is True
    assert effluent.assess({"COD": 60.01}, grade="1B").compliant is False


@pytest.mark.parametrize(
    ("grade", "wt", "value", "ok"),
    [
        ("1A", 12.5, 5, True),
        ("1A", 12.5, 6, False),  # > 12 ℃: limit 5
        ("1A", 12.0, 6, True),  # ≤ 12 ℃: limit 8
        ("1A", 12.0, 8.1, False),
        ("1B", 20, 8.5, False),  # limit 8
        ("1B", 5, 14, True),  # limit 15
        ("2", 20, 26, False),  # limit 25
        ("2", 10, 29, True),  # limit 30
    ],
)
def test_nh3n_limit_by_water_temperature(grade: str, wt: float, value: float, ok: bool) -> None:
    assert effluent.assess({"NH3N": value}, grade=grade, water_temp=wt).compliant is ok


def test_nh3n_unknown_temperature_uses_stricter_and_says_so() -> None:
    r = effluent.assess({"NH3N": 6}, grade="1A")
    assert r.compliant is False
    assert r.exceedances[0].limit == 5
    assert "水温未知" in r.explanation


def test_water_temperature_taken_from_values() -> None:
    assert effluent.assess({"NH3N": 6, "WT": 10}, grade="1A").compliant is True
    assert effluent.assess({"NH3N": 6, "WT": 10}, grade="1A", water_temp=15).compliant is False


@pytest.mark.parametrize(
    ("grade", "built", "value", "ok"),
    [
        ("1A", dt.date(2005, 12, 31), 0.9, True),  # old plant: 1
        ("1A", dt.date(2006, 1, 1), 0.9, False),  # new plant: 0.5
        ("1A", dt.date(2006, 1, 1), 0.5, True),
        ("1B", OLD_PLANT, 1.4, True),  # 1.5
        ("1B", NEW_PLANT, 1.4, False),  # 1
        ("2", NEW_PLANT, 3, True),
        ("3", OLD_PLANT, 5.1, False),
    ],
)
def test_tp_limit_by_construction_date(grade: str, built: dt.date, value: float, ok: bool) -> None:
    assert effluent.assess({"TP": value}, grade=grade, built=built).compliant is ok


def test_tp_unknown_date_uses_stricter_and_says_so() -> None:
    r = effluent.assess({"TP": 0.8}, grade="1A")
    assert r.exceedances[0].limit == 0.5
    assert "建设时间未知" in r.explanation


def test_ph_range_without_multiple() -> None:
    assert effluent.assess({"pH": 6}, grade="1A").compliant is True
    assert effluent.assess({"pH": 9}, grade="1A").compliant is True
    r = effluent.assess({"pH": 5.9}, grade="1A")
    assert r.compliant is False
    assert r.exceedances[0].multiple is None
    assert "6–9" in r.explanation


def test_dash_cells_not_evaluated() -> None:
    r = effluent.assess({"TN": 40, "NH3N": 50, "fecal_coliform": 1e6}, grade="3")
    assert r.compliant is None  # nothing evaluable for grade 3
    assert "未评价" in r.explanation
    assert effluent.assess({"TN": 40, "COD": 100}, grade="2").compliant is True


def test_below_detection_limit_meets_and_is_said() -> None:
    r = effluent.assess({"TP": "0.01L", "Hg": "ND"}, grade="1A")
    assert r.compliant is True
    assert "未检出" in r.explanation


def test_grade_labels_accepted() -> None:
    assert effluent.assess({"COD": 55}, grade="一级B").compliant is True


@pytest.mark.parametrize(
    ("values", "grade", "error", "needle"),
    [
        ({"XYZ": 1}, "1A", UnknownParameterError, "XYZ"),
        ({"DO": 5}, "1A", ComplianceError, "DO"),
        ({"COD": -1}, "1A", InvalidValueError, "-1"),
        ({"COD": "很多"}, "1A", InvalidValueError, "很多"),
        ({"COD": 1}, "4", ComplianceError, "4"),
    ],
)
def test_bad_input(values: dict[str, object], grade: str, error: type[Exception], needle: str) -> None:
    with pytest.raises(error, match=needle):
        effluent.assess(values, grade=grade)


# ------------------------------------------------------------------------------- dated grade
HISTORY = [{"from": "2019-01-01", "grade": "1B"}, {"from": "2024-07-01", "grade": "1A"}]


def test_grade_on_dates() -> None:
    assert effluent.grade_on(HISTORY, dt.date(2024, 6, 30)) == "1B"
    assert effluent.grade_on(HISTORY, dt.date(2024, 7, 1)) == "1A"
    assert effluent.grade_on(json.dumps(HISTORY), dt.date(2030, 1, 1)) == "1A"
    with pytest.raises(ComplianceError, match="2018-12-31"):
        effluent.grade_on(HISTORY, dt.date(2018, 12, 31))


# ------------------------------------------------------------------------------- site status
def days(rows: dict[str, dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"site_id": "WWTP-CH", "time": t, "param": p, "value": v, "raw": str(v)}
            for t, vals in rows.items()
            for p, v in vals.items()
        ]
    )


AS_OF = dt.date(2026, 10, 31)
GOOD_DAY = {"COD": 20, "NH3N": 1, "TP": 0.2, "pH": 7, "WT": 20}


def status(rows: dict[str, dict[str, object]], **kw: object) -> SiteStatus:
    return effluent.site_status(days(rows), grade_history=HISTORY, built=NEW_PLANT, as_of=AS_OF, **kw)  # type: ignore[arg-type]


def test_site_status_grade_follows_history() -> None:
    # COD 55: meets 一级B (60) but not 一级A (50)
    before = effluent.site_status(
        days({"2024-06-30": {**GOOD_DAY, "COD": 55}}),
        grade_history=HISTORY,
        built=NEW_PLANT,
        as_of=dt.date(2024, 6, 30),
    )
    after = effluent.site_status(
        days({"2024-07-01": {**GOOD_DAY, "COD": 55}}), grade_history=HISTORY, built=NEW_PLANT, as_of=dt.date(2024, 7, 1)
    )
    assert before.status is Status.WARN  # 55/60 = 92 %
    assert after.status is Status.EXCEED
    assert after.detail["grade"] == "1A"
    assert "一级A" in after.explanation


def test_site_status_good_warn_exceed() -> None:
    assert status({"2026-10-30": GOOD_DAY}).status is Status.GOOD
    warn = status({"2026-10-30": {**GOOD_DAY, "COD": 40}})  # 80 % of 50
    assert warn.status is Status.WARN
    assert "局内预警阈值（非国家标准）" in warn.explanation
    assert status({"2026-10-30": {**GOOD_DAY, "COD": 40}}, warn_fraction=0.9).status is Status.GOOD
    exceed = status({"2026-10-29": GOOD_DAY, "2026-10-30": {**GOOD_DAY, "NH3N": 7}})
    assert exceed.status is Status.EXCEED
    assert exceed.detail["exceedances"][0]["param"] == "NH3N"  # type: ignore[index]
    json.dumps(exceed.detail, ensure_ascii=False)


def test_site_status_water_temperature_from_same_day() -> None:
    cold = status({"2026-10-30": {**GOOD_DAY, "NH3N": 7, "WT": 11}})  # ≤ 12 ℃: limit 8
    assert cold.status is Status.WARN


def test_site_status_nodata_and_stale() -> None:
    empty = pd.DataFrame(columns=["time", "param", "value"])
    assert effluent.site_status(empty, grade_history=HISTORY, built=None, as_of=AS_OF).status is Status.NODATA
    assert status({"2026-10-28": GOOD_DAY}).status is Status.GOOD
    stale = status({"2026-10-27": GOOD_DAY})
    assert stale.status is Status.STALE
    assert "2026-10-27" in stale.explanation


def test_site_status_without_grade_in_force_is_nodata_with_reason() -> None:
    frame = days({"2026-10-30": GOOD_DAY})
    s = effluent.site_status(frame, grade_history=[], built=None, as_of=AS_OF)
    assert s.status is Status.NODATA
    assert "等级" in s.explanation
    early = [{"from": "2027-01-01", "grade": "1A"}]
    assert effluent.site_status(frame, grade_history=early, built=None, as_of=AS_OF).status is Status.NODATA
