"""GB 3838-2002 + 环办〔2011〕22号: limits, classes, explanations, statuses, periods, basin grade, TLI.

Expected limits below are typed from shared/reference/standards.md §1.1, not from the CSV.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance import water
from compliance.errors import ComplianceError, InvalidValueError, UnknownParameterError
from compliance.status import Status

# ------------------------------------------------------------------ the reference table (standards.md §1.1)

MAX_ITEMS_ALL = {
    "CODMn": (2, 4, 6, 10, 15),
    "COD": (15, 15, 20, 30, 40),
    "BOD5": (3, 3, 4, 6, 10),
    "NH3N": (0.15, 0.5, 1.0, 1.5, 2.0),
    "Cu": (0.01, 1.0, 1.0, 1.0, 1.0),
    "Zn": (0.05, 1.0, 1.0, 2.0, 2.0),
    "F": (1.0, 1.0, 1.0, 1.5, 1.5),
    "Se": (0.01, 0.01, 0.01, 0.02, 0.02),
    "As": (0.05, 0.05, 0.05, 0.1, 0.1),
    "Hg": (0.00005, 0.00005, 0.0001, 0.001, 0.001),
    "Cd": (0.001, 0.005, 0.005, 0.005, 0.01),
    "Cr6": (0.01, 0.05, 0.05, 0.05, 0.1),
    "Pb": (0.01, 0.01, 0.05, 0.05, 0.1),
    "CN": (0.005, 0.05, 0.2, 0.2, 0.2),
    "phenol": (0.002, 0.002, 0.005, 0.01, 0.1),
    "oil": (0.05, 0.05, 0.05, 0.5, 1.0),
    "LAS": (0.2, 0.2, 0.2, 0.3, 0.3),
    "S2": (0.05, 0.1, 0.2, 0.5, 1.0),
    "fecal_coliform": (200, 2000, 10000, 20000, 40000),
}
TP_RIVER = (0.02, 0.1, 0.2, 0.3, 0.4)
TP_LAKE = (0.01, 0.025, 0.05, 0.1, 0.2)
TN_LAKE = (0.2, 0.5, 1.0, 1.5, 2.0)
DO_MIN = (7.5, 6, 5, 3, 2)
CLASS_SETTING = {
    "pH", "DO", "CODMn", "COD", "BOD5", "NH3N", "TP", "Cu", "Zn", "F", "Se", "As", "Hg", "Cd", "Cr6", "Pb",
    "CN", "phenol", "oil", "LAS", "S2",
}

CELLS = (
    [(p, body, k, lims[k - 1]) for p, lims in MAX_ITEMS_ALL.items() for body in ("river", "lake") for k in range(1, 6)]
    + [("TP", "river", k, TP_RIVER[k - 1]) for k in range(1, 6)]
    + [("TP", "lake", k, TP_LAKE[k - 1]) for k in range(1, 6)]
    + [("TP", "reservoir", k, TP_LAKE[k - 1]) for k in range(1, 6)]
    + [("TN", "lake", k, TN_LAKE[k - 1]) for k in range(1, 6)]
    + [("DO", body, k, DO_MIN[k - 1]) for body in ("river", "lake") for k in range(1, 6)]
)


@pytest.mark.parametrize(("param", "body", "cls", "expected"), CELLS)
def test_every_limit_cell(param: str, body: str, cls: int, expected: float) -> None:
    assert water.limit(param, cls, body) == pytest.approx(expected, rel=0, abs=1e-12)


@pytest.mark.parametrize("cls", [1, 2, 3, 4, 5])
def test_ph_range_every_class(cls: int) -> None:
    assert water.limit("pH", cls) == (6, 9)


def test_table_has_exactly_the_reference_rows() -> None:
    table = water.load_table()
    params = {p for p, _ in table}
    assert params == set(MAX_ITEMS_ALL) | {"TP", "TN", "DO", "pH", "WT"}
    assert {p for (p, _), row in table.items() if row.role == "class"} == CLASS_SETTING
    assert len(CLASS_SETTING) == 21
    assert table[("DO", "all")].bound == "min"
    assert table[("WT", "all")].bound == "none"
    assert ("TN", "river") not in table
    assert ("TN", "all") not in table


def test_river_has_no_tn_limit() -> None:
    with pytest.raises(ComplianceError, match="TN"):
        water.limit("TN", 3, "river")


# ------------------------------------------------------------------ single item / single factor


_MAX_CELLS = [c for c in CELLS if c[0] not in ("TN", "DO", "fecal_coliform")]


@pytest.mark.parametrize(("param", "body", "cls", "lim"), _MAX_CELLS)
def test_exactly_at_limit_meets_it_and_just_above_does_not(param: str, body: str, cls: int, lim: float) -> None:
    at = water.assess({param: lim}, water_body=body)
    # equal limits -> the best class whose limit is met
    best = min(k for k in range(1, 6) if water.limit(param, k, body) >= lim)
    assert at.item_classes[param] == best <= cls
    above = water.assess({param: lim * 1.000001}, water_body=body)
    assert above.item_classes[param] > cls


def test_equal_limits_give_best_class() -> None:
    assert water.assess({"COD": 15}).water_class == 1
    assert water.assess({"Hg": 0.00005}).water_class == 1
    assert water.assess({"Cu": 1.0}).water_class == 2
    assert water.assess({"CN": 0.2}).water_class == 3
    assert water.assess({"CN": 0.21}).water_class == 6


@pytest.mark.parametrize(
    ("do", "expected"),
    [(9, 1), (7.5, 1), (7.49, 2), (6, 2), (5.99, 3), (5, 3), (4.9, 4), (3, 4), (2.99, 5), (2, 5), (1.99, 6), (0, 6)],
)
def test_do_is_lower_bound(do: float, expected: int) -> None:
    r = water.assess({"DO": do}, target=3)
    assert r.water_class == expected
    for e in r.exceedances:
        assert e.multiple is None


@pytest.mark.parametrize(("ph", "expected"), [(6, 1), (9, 1), (7.3, 1), (5.99, 6), (9.01, 6), (0, 6), (14, 6)])
def test_ph_range(ph: float, expected: int) -> None:
    r = water.assess({"pH": ph}, target=2)
    assert r.water_class == expected
    if expected == 6:
        assert r.exceedances[0].multiple is None
        assert r.exceedances[0].limit == "6~9"
        assert "超出 6~9 范围" in r.explanation
        assert r.main_pollutants == ("pH值",)


def test_ph_above_14_and_nd_rejected() -> None:
    with pytest.raises(InvalidValueError, match="pH"):
        water.assess({"pH": 14.5})
    with pytest.raises(InvalidValueError, match="pH"):
        water.assess({"pH": "ND"})


@pytest.mark.parametrize(
    ("tp", "river", "lake"), [(0.02, 1, 2), (0.05, 2, 3), (0.1, 2, 4), (0.2, 3, 5), (0.25, 4, 6), (0.4, 5, 6)]
)
def test_lake_vs_river_tp(tp: float, river: int, lake: int) -> None:
    assert water.assess({"TP": tp}, water_body="river").water_class == river
    assert water.assess({"TP": tp}, water_body="lake").water_class == lake
    assert water.assess({"TP": tp}, water_body="reservoir").water_class == lake


def test_single_factor_worst_item_sets_class() -> None:
    r = water.assess({"CODMn": 3, "NH3N": 0.12, "TP": 0.25, "DO": 8}, target=3)
    assert r.water_class == 4
    assert r.label == "Ⅳ类"
    assert r.worst is not None
    assert r.worst.param == "TP"
    assert r.meets_target is False
    assert r.item_classes == {"CODMn": 2, "NH3N": 1, "TP": 4, "DO": 1}


def test_issue_example_explanation() -> None:
    r = water.assess({"TP": 0.28, "CODMn": 4}, target=3)
    assert r.explanation == "Ⅳ类（总磷 0.28 mg/L，Ⅲ类限值 0.2，超标 0.4 倍）；目标Ⅲ类，未达标 · GB 3838-2002 单因子评价"
    (e,) = r.exceedances
    assert (e.parameter, e.value, e.limit) == ("TP", 0.28, 0.2)
    assert e.multiple == pytest.approx(0.4)
    assert r.main_pollutants == ("总磷(0.4)",)


def test_exceedances_against_target_and_against_iii() -> None:
    r = water.assess({"NH3N": 0.8, "CODMn": 5}, target=2)
    assert r.water_class == 3
    assert r.meets_target is False
    assert {e.parameter for e in r.exceedances} == {"NH3N", "CODMn"}
    nh3 = next(e for e in r.exceedances if e.parameter == "NH3N")
    assert nh3.limit == 0.5
    assert nh3.multiple == pytest.approx((0.8 - 0.5) / 0.5)
    assert r.exceedances_iii == ()
    assert r.main_pollutants == ()  # class Ⅲ: no main pollutants
    assert "Ⅱ类限值 0.5" in r.explanation


def test_meets_target_and_no_target() -> None:
    assert water.assess({"CODMn": 5}, target=3).meets_target is True
    assert water.assess({"CODMn": 5}, target=4).meets_target is True
    r = water.assess({"CODMn": 12})
    assert r.meets_target is None
    assert r.exceedances[0].limit == 6  # Ⅲ without target
    assert "未设水质目标" in r.explanation


def test_main_pollutants_ordering() -> None:
    r = water.assess(
        {"CODMn": 12, "NH3N": 1.8, "TP": 0.5, "COD": 45, "BOD5": 5, "DO": 1.0, "pH": 7}, target=3
    )
    assert r.water_class == 6
    # class 6 first (TP 1.5, COD 1.25, DO no multiple), then by multiple; at most 3
    assert r.main_pollutants == ("总磷(1.5)", "化学需氧量(1.25)", "溶解氧")
    r2 = water.assess({"CODMn": 12, "NH3N": 1.8, "BOD5": 5}, target=3)
    assert r2.main_pollutants == ("高锰酸盐指数(1)", "氨氮(0.8)", "五日生化需氧量(0.25)")


def test_main_pollutants_cyanide_and_heavy_metals_first() -> None:
    r = water.assess({"TP": 0.5, "COD": 45, "Pb": 0.06}, target=3)
    assert r.main_pollutants[0] == "铅(0.2)"
    assert len(r.main_pollutants) == 3


def test_reference_items_do_not_set_class() -> None:
    r = water.assess({"CODMn": 3, "TN": 5.0, "fecal_coliform": 90000, "WT": 30}, target=2)
    assert r.water_class == 2
    assert r.meets_target is True
    refs = {x.param: x for x in r.reference}
    assert set(refs) == {"TN", "fecal_coliform", "WT"}
    assert refs["TN"].item_class is None  # river TN not evaluated
    assert refs["fecal_coliform"].item_class == 6
    assert refs["WT"].item_class is None


def test_lake_tn_optional() -> None:
    vals = {"CODMn": 3, "TN": 1.2, "TP": 0.02}
    off = water.assess(vals, water_body="lake")
    assert off.water_class == 2
    assert {x.param: x.item_class for x in off.reference}["TN"] == 4
    on = water.assess(vals, water_body="lake", evaluate_lake_tn=True)
    assert on.water_class == 4
    assert on.worst is not None
    assert on.worst.param == "TN"
    assert water.assess(vals, water_body="river", evaluate_lake_tn=True).water_class == 2


def test_no_class_setting_item() -> None:
    r = water.assess({"TN": 1.0, "WT": 20})
    assert r.water_class is None
    assert r.meets_target is None
    assert r.label == "无法评价"
    assert "无法评价" in r.explanation


@pytest.mark.parametrize("raw", ["ND", "未检出", "<0.01", "＜0.01", "0.01L"])
def test_below_detection_limit_meets_limits_above_it(raw: str) -> None:
    r = water.assess({"Pb": raw, "CODMn": 3}, target=2)
    assert r.item_classes["Pb"] == 1  # DL 0.01 <= Ⅰ limit 0.01
    assert r.below_dl == ("Pb",)
    assert "铅未检出" in r.explanation
    assert r.meets_target is True


def test_below_detection_limit_above_a_limit_is_not_assumed_met() -> None:
    # Hg DL 0.0001 is above the Ⅰ/Ⅱ limit 0.00005: only Ⅲ (limit 0.0001) is certainly met
    r = water.assess({"Hg": "0.0001L"})
    assert r.item_classes["Hg"] == 3
    assert "未检出" in r.explanation


def test_undetected_do_is_worst() -> None:
    assert water.assess({"DO": "ND"}).water_class == 6


@pytest.mark.parametrize(
    ("values", "exc", "needle"),
    [
        ({"XYZ": 1.0}, UnknownParameterError, "XYZ"),
        ({"PM2_5": 30}, UnknownParameterError, "PM2_5"),
        ({"TP": -0.1}, InvalidValueError, "-0.1"),
        ({"TP": "abc"}, InvalidValueError, "abc"),
        ({"NH3N": float("nan")}, InvalidValueError, "NH3N"),
    ],
)
def test_bad_input_named(values: dict[str, object], exc: type[Exception], needle: str) -> None:
    with pytest.raises(exc, match=needle):
        water.assess(values)  # type: ignore[arg-type]


def test_bad_water_body_and_target() -> None:
    with pytest.raises(ComplianceError, match="sea"):
        water.assess({"TP": 0.1}, water_body="sea")
    with pytest.raises(ComplianceError, match="7"):
        water.assess({"TP": 0.1}, target=7)


def test_basis_is_structured() -> None:
    r = water.assess({"TP": 0.28}, target=3)
    (b,) = r.basis
    assert (b.param, b.value, b.unit, b.limit, b.standard) == ("TP", 0.28, "mg/L", 0.2, "GB 3838-2002")
    assert b.multiple == pytest.approx(0.4)


# ------------------------------------------------------------------ properties

_LIMITED = sorted(CLASS_SETTING - {"pH"})
_value = st.floats(min_value=0, max_value=50, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(
    vals=st.dictionaries(st.sampled_from(_LIMITED), _value, min_size=1, max_size=8),
    param=st.sampled_from(_LIMITED),
    bump=st.floats(min_value=0, max_value=10, allow_nan=False),
    body=st.sampled_from(["river", "lake"]),
)
def test_raising_a_concentration_never_improves_class(
    vals: dict[str, float], param: str, bump: float, body: str
) -> None:
    before = water.assess(vals, water_body=body).water_class
    worse = dict(vals)
    if param == "DO":
        worse[param] = max(0.0, worse.get(param, 8.0) - bump)
    else:
        worse[param] = worse.get(param, 0.0) + bump
    after = water.assess(worse, water_body=body).water_class
    assert after is not None
    if param in vals:
        assert before is not None
        assert after >= before


@settings(max_examples=150, deadline=None)
@given(
    vals=st.dictionaries(st.sampled_from(sorted(CLASS_SETTING)), _value, min_size=1, max_size=10),
    body=st.sampled_from(["river", "lake", "reservoir"]),
    target=st.one_of(st.none(), st.integers(1, 5)),
)
def test_sample_class_never_better_than_any_item(vals: dict[str, float], body: str, target: int | None) -> None:
    if "pH" in vals:
        vals["pH"] = min(vals["pH"], 14)
    r = water.assess(vals, water_body=body, target=target)
    assert r.water_class is not None
    assert all(r.water_class >= c for c in r.item_classes.values())
    assert r.water_class in r.item_classes.values()
    if target is not None:
        assert r.meets_target == (r.water_class <= target)
        assert (len(r.exceedances) == 0) == r.meets_target
    assert len(r.main_pollutants) <= 3
    assert (len(r.main_pollutants) > 0) == (r.water_class > 3)


# ------------------------------------------------------------------ site status

AS_OF = dt.date(2026, 10, 31)


def _samples(rows: list[tuple[str, str, float, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["time", "param", "value", "raw"])


def test_status_uses_latest_date_good_and_exceed() -> None:
    df = _samples([
        ("2026-09-15", "TP", 0.35, None),
        ("2026-10-15", "TP", 0.05, None),
        ("2026-10-15", "CODMn", 3.0, None),
    ])
    s = water.site_status(df, water_body="river", target=3, freq="monthly", as_of=AS_OF)
    assert s.status == Status.GOOD
    assert s.detail["water_class"] == 2
    assert s.detail["sample_date"] == "2026-10-15"
    json.dumps(s.detail, ensure_ascii=False)
    bad = water.site_status(df.iloc[:1], water_body="river", target=3, freq=None, as_of=AS_OF)
    assert bad.status == Status.EXCEED
    assert bad.detail["exceedances"][0]["parameter"] == "TP"
    assert "超标 0.75 倍" in bad.explanation
    json.dumps(bad.detail, ensure_ascii=False)


def test_status_warn_band_labelled_as_bureau_threshold() -> None:
    df = _samples([("2026-10-15", "TP", 0.17, None), ("2026-10-15", "CODMn", 2.0, None)])
    s = water.site_status(df, water_body="river", target=3, freq="monthly", as_of=AS_OF)
    assert s.status == Status.WARN  # 0.17 >= 0.8 * 0.2
    assert "局内预警阈值（非国家标准）" in s.explanation
    assert "总磷" in s.explanation
    s2 = water.site_status(df, water_body="river", target=3, freq="monthly", as_of=AS_OF, warn_fraction=0.9)
    assert s2.status == Status.GOOD  # 0.17 < 0.9 * 0.2
    at = _samples([("2026-10-15", "TP", 0.16, None)])
    assert water.site_status(at, water_body="river", target=3, freq=None, as_of=AS_OF).status == Status.WARN


def test_status_warn_for_low_do_and_not_for_undetected() -> None:
    do = _samples([("2026-10-15", "DO", 5.5, None)])
    assert water.site_status(do, water_body="river", target=3, freq=None, as_of=AS_OF).status == Status.WARN
    nd = _samples([("2026-10-15", "Pb", 0.05, "0.05L")])
    s = water.site_status(nd, water_body="river", target=3, freq=None, as_of=AS_OF)
    assert s.status == Status.GOOD
    assert s.detail["values"]["Pb"].startswith("未检出")


@pytest.mark.parametrize(
    ("freq", "age", "expected"),
    [("daily", 3, Status.GOOD), ("daily", 4, Status.STALE), ("monthly", 45, Status.GOOD),
     ("monthly", 46, Status.STALE), ("quarterly", 120, Status.GOOD), ("quarterly", 121, Status.STALE),
     (None, 900, Status.GOOD)],
)
def test_status_stale_by_frequency(freq: str | None, age: int, expected: Status) -> None:
    day = AS_OF - dt.timedelta(days=age)
    df = _samples([(day.isoformat(), "CODMn", 3.0, None)])
    s = water.site_status(df, water_body="river", target=3, freq=freq, as_of=AS_OF)
    assert s.status == expected
    if expected == Status.STALE:
        assert "数据过期" in s.explanation
        assert s.detail["water_class"] == 2


def test_stale_days_configurable() -> None:
    df = _samples([("2026-10-01", "CODMn", 3.0, None)])
    s = water.site_status(df, water_body="river", target=3, freq="monthly", as_of=AS_OF, stale_after={"monthly": 20})
    assert s.status == Status.STALE
    with pytest.raises(ComplianceError, match="hourly"):
        water.site_status(df, water_body="river", target=3, freq="hourly", as_of=AS_OF)


def test_status_nodata() -> None:
    empty = _samples([])
    assert water.site_status(empty, water_body="river", target=3, freq="monthly", as_of=AS_OF).status == Status.NODATA
    only_ref = _samples([("2026-10-15", "TN", 2.0, None)])
    s = water.site_status(only_ref, water_body="river", target=3, freq="monthly", as_of=AS_OF)
    assert s.status == Status.NODATA


# ------------------------------------------------------------------ periods, shares, basin grade, TLI


def test_assess_period_uses_item_means() -> None:
    df = _samples([
        ("2026-01-10", "TP", 0.1, None), ("2026-02-10", "TP", 0.4, None), ("2026-03-10", "TP", 0.16, None),
        ("2026-04-10", "TP", 0.1, None),
    ])
    q = water.assess_period(df, "quarter", target=3)
    assert list(q) == ["2026Q1", "2026Q2"]
    assert q["2026Q1"].water_class == 4  # mean 0.22
    assert q["2026Q2"].water_class == 2
    m = water.assess_period(df, "month")
    assert m["2026-02"].water_class == 5
    y = water.assess_period(df, "year")
    assert y["2026"].water_class == 3  # mean 0.19


def test_share_meeting_target() -> None:
    assert water.share_meeting_target([2, 3, 4, None], [3, 3, 3, 3]) == pytest.approx(2 / 3)
    assert water.share_meeting_target([], []) is None


@pytest.mark.parametrize(
    ("classes", "grade"),
    [
        ([1, 2, 3, 3, 3, 3, 3, 3, 3, 4], "优"),  # 90 %
        ([1, 2, 3, 3, 3, 3, 3, 3, 4, 4], "良好"),  # 80 %
        ([3, 3, 3, 4], None),  # < 5 sections
        ([1, 2, 3, 4], None),
        ([3, 3, 3, 4, 4, 4, 4, 4, 6, 5], "轻度污染"),  # 30 % I–III, 10 % 劣Ⅴ
        ([3, 3, 3, 4, 4, 4, 4, 4, 6, 6], "中度污染"),  # 20 % 劣Ⅴ
        ([3, 3, 3, 4, 4, 4, 6, 6, 6, 5], "中度污染"),  # 30 % 劣Ⅴ
        ([3, 3, 3, 4, 4, 4, 6, 6, 6, 6], "重度污染"),  # 40 % 劣Ⅴ
        ([3, 3, 3, 6, 4, None], "中度污染"),  # None skipped: 5 sections, 60 % I–III, 20 % 劣Ⅴ
        ([3, 3, 3, 3, 4, 4, 4, 4], "轻度污染"),  # 50 %
        ([1, 1, 1, 5], None),
        ([1] * 14 + [5, 5], "良好"),  # 87.5 %
        ([6, 6, 6, 6, 6], "重度污染"),
    ],
)
def test_basin_grade_boundaries(classes: list[int | None], grade: str | None) -> None:
    assert water.basin_grade(classes) == grade


def test_basin_grade_exact_75_percent() -> None:
    assert water.basin_grade([3, 3, 3, 4]) is None
    assert water.basin_grade([3, 3, 3, 3, 3, 3, 4, 4]) == "良好"  # exactly 75 %
    assert water.basin_grade([3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4]) == "良好"  # 75 %
    assert water.basin_grade([3] * 17 + [4] * 3) == "良好"  # 85 %
    assert water.basin_grade([3] * 18 + [4] * 2) == "优"  # exactly 90 %


def test_tli_worked_value() -> None:
    vals = {"chla": 10.0, "TP": 0.05, "TN": 1.0, "SD": 1.0, "CODMn": 4.0}
    # by hand from standards.md §2 with the rounded weights
    comp = {
        "chla": 10 * (2.5 + 1.086 * math.log(10.0)),
        "TP": 10 * (9.436 + 1.624 * math.log(0.05)),
        "TN": 10 * (5.453 + 1.694 * math.log(1.0)),
        "SD": 10 * (5.118 - 1.94 * math.log(1.0)),
        "CODMn": 10 * (0.109 + 2.661 * math.log(4.0)),
    }
    weights = {"chla": 0.2663, "TP": 0.1879, "TN": 0.1790, "SD": 0.1834, "CODMn": 0.1834}
    expected = sum(weights[k] * comp[k] for k in comp)
    res = water.tli(vals)
    assert res is not None
    assert res.tli == pytest.approx(expected, abs=0.01)
    assert res.tli == pytest.approx(48.02, abs=0.01)
    assert res.grade == "中营养"
    for k, w in weights.items():
        assert water.TLI_WEIGHTS[k] == pytest.approx(w, abs=5e-5)
    assert water.tli({k: v for k, v in vals.items() if k != "SD"}) is None


@pytest.mark.parametrize(
    ("value", "grade"),
    [(29.9, "贫营养"), (30, "中营养"), (50, "中营养"), (50.01, "轻度富营养"), (60, "轻度富营养"),
     (60.01, "中度富营养"), (70, "中度富营养"), (70.01, "重度富营养")],
)
def test_tli_grades(value: float, grade: str) -> None:
    assert water.tli_grade(value) == grade


def test_many_undetected_items_summarised() -> None:
    r = water.assess({"Pb": "ND", "Hg": "ND", "Cd": "ND", "CN": "ND", "TP": 0.1})
    assert set(r.below_dl) == {"Pb", "Hg", "Cd", "CN"}
    assert "等 4 项未检出" in r.explanation


def test_status_ignores_samples_after_as_of_and_detail_is_json() -> None:
    df = _samples([("2026-10-15", "TP", 0.1, None), ("2026-11-15", "TP", 0.5, None)])
    s = water.site_status(df, water_body="river", target=3, freq="monthly", as_of=AS_OF)
    assert s.status == Status.GOOD
    assert s.detail["sample_date"] == "2026-10-15"
    warn = water.site_status(_samples([("2026-10-15", "TP", 0.19, None)]), water_body="river", target=3,
                             freq="monthly", as_of=AS_OF)
    stale = water.site_status(df.iloc[:1], water_body="river", target=3, freq="daily", as_of=AS_OF)
    for st_ in (s, warn, stale):
        json.dumps(st_.detail, ensure_ascii=False)
    assert warn.detail["warn"][0]["parameter"] == "TP"


def test_status_without_target_uses_class_iii() -> None:
    df = _samples([("2026-10-15", "TP", 0.25, None)])
    s = water.site_status(df, water_body="river", target=None, freq=None, as_of=AS_OF)
    assert s.status == Status.EXCEED
    assert "未设水质目标" in s.explanation
