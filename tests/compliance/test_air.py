"""Daily AQI, daily compliance, site status, annual statistics (HJ 633 / GB 3095, by date)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import pytest

from compliance import air
from compliance.errors import ComplianceError, InvalidValueError, UnitMismatchError, UnknownParameterError
from compliance.status import AQI_LEVEL_STYLE, Status

OLD = dt.date(2026, 2, 28)  # last day of the 2012 texts
NEW = dt.date(2026, 3, 1)  # first day of the 2026 texts
CLEAN = {"SO2": 5, "NO2": 10, "CO": 0.4, "O3_8h": 40, "PM10": 20, "PM2_5": 10}  # every IAQI < 50


def day_with(**kw: float) -> dict[str, float]:
    return {**CLEAN, **kw}


# ----------------------------------------------------------------------------- worked examples
def test_worked_example_pm25_75_is_100_under_2012_and_114_under_2026() -> None:
    old = air.daily_aqi(day_with(PM2_5=75), OLD)
    new = air.daily_aqi(day_with(PM2_5=75), NEW)
    assert (old.aqi, old.category, old.standard) == (100, "良", "HJ 633-2012")
    assert (new.aqi, new.category, new.standard) == (114, "轻度污染", "HJ 633—2026")
    assert new.level == 3
    assert new.color == "#FF7E00"
    assert old.color == "#FFFF00"


def test_explanation_names_primary_concentration_breakpoint_and_version() -> None:
    r = air.daily_aqi(day_with(PM2_5=75), NEW)
    assert "PM2.5" in r.explanation
    assert "75" in r.explanation
    assert "60–115" in r.explanation
    assert "HJ 633—2026" in r.explanation
    assert "\n" not in r.explanation


def test_version_switch_is_by_date_only() -> None:
    values = day_with(PM10=130)  # 2012: 50 + 50/100*80 = 90 ; 2026: 100 + 50/130*10 = 103.8 -> 104
    assert air.daily_aqi(values, OLD).aqi == 90
    assert air.daily_aqi(values, NEW).aqi == 104
    assert air.daily_aqi(values, dt.datetime(2026, 2, 28, 23, 59)).standard == "HJ 633-2012"
    assert air.daily_aqi(values, "2026-03-01").standard == "HJ 633—2026"


@pytest.mark.parametrize(
    ("code", "conc", "day", "expected"),
    [
        # exactly at a breakpoint gives exactly the node IAQI
        ("NO2", 80, NEW, 100),
        ("NO2", 180, NEW, 150),
        ("SO2", 150, NEW, 100),
        ("SO2", 475, OLD, 150),
        ("CO", 4, NEW, 100),
        ("CO", 14, NEW, 150),
        ("O3_8h", 160, NEW, 100),
        ("O3_8h", 265, OLD, 200),
        ("PM10", 120, NEW, 100),
        ("PM10", 150, OLD, 100),
        ("PM2_5", 60, NEW, 100),
        ("PM2_5", 75, OLD, 100),
        ("PM2_5", 250, NEW, 300),
        # one unit above a breakpoint: IAQI rounded up
        ("NO2", 81, NEW, 101),  # 100 + 50/100*1 = 100.5
        ("PM10", 121, NEW, 101),  # 100 + 50/130 = 100.38
        ("PM2_5", 61, NEW, 101),  # 100 + 50/55 = 100.9
        ("CO", 4.1, NEW, 101),  # 100 + 50/10*0.1 = 100.5
        ("SO2", 900, NEW, 213),  # daily column continues to 2620: 200 + 100/800*100 = 212.5
        ("SO2", 900, OLD, 213),
    ],
)
def test_iaqi_at_and_just_above_breakpoints(code: str, conc: float, day: dt.date, expected: int) -> None:
    assert air.daily_aqi(day_with(**{code: conc}), day).iaqi[code] == expected


@pytest.mark.parametrize(
    ("code", "value", "rounded"),
    [
        ("PM2_5", 74.5, "74"),  # 五成双: 4 is even, 5 dropped
        ("PM2_5", 75.5, "76"),  # 7 odd -> up
        ("PM2_5", 74.51, "75"),  # 5 followed by non-zero -> up
        ("PM2_5", 74.49, "74"),
        ("PM2_5", 74.6, "75"),
        ("CO", 4.05, "4.0"),
        ("CO", 4.15, "4.2"),
        ("CO", 4.25, "4.2"),
        ("CO", 4.251, "4.3"),
        ("CO", "1.050", "1.0"),  # GB/T 8170 example
        ("CO", 0.35, "0.4"),  # GB/T 8170 example
    ],
)
def test_gbt8170_round_half_even(code: str, value: float | str, rounded: str) -> None:
    assert air.round_concentration(code, value) == Decimal(rounded)


def test_rounding_happens_before_iaqi() -> None:
    # 2012: 74.5 -> 74 -> 50 + 50/40*39 = 98.75 -> 99 ; 75.5 -> 76 -> 100 + 50/40 = 101.25 -> 102
    assert air.daily_aqi(day_with(PM2_5=74.5), OLD).aqi == 99
    assert air.daily_aqi(day_with(PM2_5=75.4), OLD).aqi == 100
    assert air.daily_aqi(day_with(PM2_5=75.5), OLD).aqi == 102
    assert air.daily_aqi(day_with(CO=4.05), NEW).iaqi["CO"] == 100
    assert air.daily_aqi(day_with(CO=4.15), NEW).iaqi["CO"] == 101


def test_string_values_are_rounded_from_their_text() -> None:
    assert air.daily_aqi(day_with(PM2_5="74.5"), OLD).aqi == 99


# ------------------------------------------------------------------------------ levels, primary
def test_primary_only_when_aqi_above_50() -> None:
    at50 = air.daily_aqi(day_with(PM2_5=35), NEW)  # IAQI exactly 50
    assert (at50.aqi, at50.level, at50.category, at50.primary) == (50, 1, "优", [])
    above = air.daily_aqi(day_with(PM2_5=36), NEW)  # 50 + 50/25 = 52
    assert (above.aqi, above.level, above.primary) == (52, 2, ["PM2_5"])
    assert "无首要污染物" in at50.explanation


def test_ties_list_all_primary_pollutants() -> None:
    r = air.daily_aqi(day_with(PM10=150, PM2_5=75), OLD)
    assert r.aqi == 100
    assert r.primary == ["PM10", "PM2_5"]


@pytest.mark.parametrize(
    ("pm25", "level"),
    [(35, 1), (60, 2), (61, 3), (115, 3), (116, 4), (150, 4), (151, 5), (250, 5), (251, 6), (500, 6)],
)
def test_levels_categories_colours(pm25: float, level: int) -> None:
    r = air.daily_aqi(day_with(PM2_5=pm25), NEW)
    assert r.level == level
    assert r.category == AQI_LEVEL_STYLE[level][1]
    assert r.color == AQI_LEVEL_STYLE[level][3]


def test_above_top_breakpoint_caps_at_500_and_says_so() -> None:
    r = air.daily_aqi(day_with(PM2_5=650), NEW)
    assert r.aqi == 500
    assert "500" in r.explanation


# ----------------------------------------------------------------------------------- NA rule
def test_na_when_a_pollutant_is_missing_and_rest_not_above_100() -> None:
    values = {k: v for k, v in CLEAN.items() if k != "CO"}
    r = air.daily_aqi(values, NEW)
    assert r.aqi is None
    assert r.level is None
    assert r.primary == []
    assert r.display == "NA"
    assert r.iaqi["PM2_5"] == 15  # single-pollutant IAQIs still published: 50/35*10 = 14.3 -> 15
    assert "NA" in r.explanation
    assert "CO" in r.explanation


def test_missing_as_nan_or_none_counts_as_missing() -> None:
    assert air.daily_aqi({**CLEAN, "CO": float("nan")}, NEW).aqi is None
    assert air.daily_aqi({**CLEAN, "NO2": None}, NEW).aqi is None


def test_published_when_missing_but_rest_above_100() -> None:
    values = {k: v for k, v in day_with(PM2_5=130).items() if k != "CO"}
    r = air.daily_aqi(values, NEW)
    assert r.aqi == 172  # 150 + 50/35*15 = 171.4
    assert r.primary == ["PM2_5"]
    assert r.missing == ("CO",)


def test_exactly_100_with_missing_item_is_na() -> None:
    values = {k: v for k, v in day_with(PM2_5=60).items() if k != "SO2"}
    assert air.daily_aqi(values, NEW).aqi is None


# ------------------------------------------------------------------------ O3 and SO2 version rules
def test_o3_8h_above_800_is_300_under_2026() -> None:
    r = air.daily_aqi(day_with(O3_8h=801), NEW)
    assert r.iaqi["O3_8h"] == 300
    assert r.aqi == 300
    assert r.primary == ["O3_8h"]


def test_o3_8h_above_800_under_2012_uses_1h_value() -> None:
    r = air.daily_aqi(day_with(O3_8h=801, O3=900), OLD)  # O3 1 h: 300 + 100/200*100 = 350
    assert r.aqi == 350
    assert r.primary == ["O3"]
    assert "O3_8h" not in r.iaqi


def test_o3_8h_above_800_under_2012_without_1h_is_not_computable() -> None:
    r = air.daily_aqi(day_with(O3_8h=801), OLD)
    assert r.aqi is None
    assert "O3_8h" in r.missing


def test_o3_1h_is_a_daily_indicator_only_before_switch() -> None:
    values = day_with(O3=250)  # 1 h: 100 + 50/100*50 = 125
    assert air.daily_aqi(values, OLD).aqi == 125
    new = air.daily_aqi(values, NEW)
    assert new.aqi == 20  # max of CLEAN: O3_8h 40 -> 20, PM10 20 -> 20
    assert "O3" not in new.iaqi


def test_hourly_so2_above_800_rules_by_version() -> None:
    hour = {"SO2": 900, "NO2": 10, "CO": 0.4, "O3": 40, "PM10": 20, "PM2_5": 10}
    assert air.hourly_aqi(hour, dt.datetime(2026, 3, 1, 8)).iaqi["SO2"] == 200
    old = air.hourly_aqi(hour, dt.datetime(2026, 2, 28, 8), so2_24h=300)  # 100 + 50/325*150 = 123.1
    assert old.iaqi["SO2"] == 124
    assert air.hourly_aqi(hour, dt.datetime(2026, 2, 28, 8)).aqi is None


def test_hourly_uses_1h_columns() -> None:
    hour = {"SO2": 500, "NO2": 200, "CO": 10, "O3": 200, "PM10": 20, "PM2_5": 10}
    r = air.hourly_aqi(hour, NEW)
    assert {k: r.iaqi[k] for k in ("SO2", "NO2", "CO", "O3")} == {"SO2": 100, "NO2": 100, "CO": 100, "O3": 100}


# --------------------------------------------------------------------------------- bad input
def test_unknown_code_names_it() -> None:
    with pytest.raises(UnknownParameterError, match="XYZ"):
        air.daily_aqi({**CLEAN, "XYZ": 1}, NEW)


def test_non_air_code_is_rejected() -> None:
    with pytest.raises(ComplianceError, match="COD"):
        air.daily_aqi({**CLEAN, "COD": 1}, NEW)


@pytest.mark.parametrize(("value", "reason"), [(-5, "负数"), ("abc", "abc"), (float("inf"), "有限")])
def test_bad_values_name_parameter_and_value(value: object, reason: str) -> None:
    with pytest.raises(InvalidValueError) as err:
        air.daily_aqi({**CLEAN, "PM2_5": value}, NEW)
    assert "PM2_5" in str(err.value)
    assert reason in str(err.value)


def test_co_given_in_micrograms_is_detected() -> None:
    with pytest.raises(UnitMismatchError) as err:
        air.daily_aqi({**CLEAN, "CO": 800}, NEW)
    assert "CO" in str(err.value)
    assert "800" in str(err.value)


def test_invalid_air_class() -> None:
    with pytest.raises(ComplianceError, match="3"):
        air.daily_compliance(CLEAN, NEW, air_class=3)


# ---------------------------------------------------------------------------- daily compliance
def test_daily_compliance_by_date_and_multiple() -> None:
    new = air.daily_compliance(day_with(PM2_5=82), NEW)
    assert new.compliant is False
    (e,) = new.exceedances
    assert (e.param, e.value, e.limit) == ("PM2_5", 82.0, 60.0)
    assert e.multiple == pytest.approx((82 - 60) / 60, abs=1e-3)
    assert "GB 3095—2026 二级（过渡期限值）" in new.explanation
    old = air.daily_compliance(day_with(PM2_5=82), OLD)
    assert old.exceedances[0].limit == 75.0
    assert "GB 3095-2012" in old.standard


def test_exactly_at_limit_meets_it_and_rounding_applies() -> None:
    assert air.daily_compliance(day_with(PM2_5=60), NEW).compliant is True
    assert air.daily_compliance(day_with(PM2_5=60.4), NEW).compliant is True
    assert air.daily_compliance(day_with(PM2_5=60.6), NEW).compliant is False


def test_class1_and_final_limits() -> None:
    assert air.daily_compliance(day_with(PM2_5=40), NEW, air_class=1).compliant is False
    assert air.daily_compliance(day_with(PM2_5=55), dt.date(2030, 12, 31)).compliant is True
    late = air.daily_compliance(day_with(PM2_5=55), dt.date(2031, 1, 1))
    assert late.compliant is False
    assert "最终限值" in late.standard


# -------------------------------------------------------------------------------- site status
def long_days(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"site_id": "AIR-1", "time": t, "param": p, "value": v} for t, vals in rows.items() for p, v in vals.items()]
    )


AS_OF = dt.date(2026, 10, 31)


def test_site_status_uses_latest_day() -> None:
    df = long_days({"2026-10-29": day_with(PM2_5=90), "2026-10-30": CLEAN})
    s = air.site_status(df, as_of=AS_OF)
    assert s.status is Status.GOOD
    assert s.detail["date"] == "2026-10-30"


def test_site_status_exceed_with_explanation_and_detail() -> None:
    df = long_days({"2026-10-30": day_with(PM2_5=82)})
    s = air.site_status(df, as_of=AS_OF)
    assert s.status is Status.EXCEED
    assert s.label == "超标"
    for part in ("PM2.5", "82", "60", "GB 3095—2026"):
        assert part in s.explanation
    d = s.detail
    assert (d["level"], d["category"], d["color"], d["primary"], d["date"]) == (
        3,
        "轻度污染",
        "#FF7E00",
        ["PM2_5"],
        "2026-10-30",
    )
    json.dumps(d, ensure_ascii=False)


def test_site_status_detail_aqi_value() -> None:
    s = air.site_status(long_days({"2026-10-30": day_with(PM2_5=82)}), as_of=AS_OF)
    assert s.detail["aqi"] == 120  # 100 + 50/55*22 = 120.0 exactly
    assert s.detail["values"]["PM2_5"] == 82.0


def test_site_status_warn_is_labelled_as_bureau_threshold() -> None:
    s = air.site_status(long_days({"2026-10-30": day_with(PM2_5=50)}), as_of=AS_OF)  # 83 % of 60
    assert s.status is Status.WARN
    assert "局内预警阈值（非国家标准）" in s.explanation
    s2 = air.site_status(long_days({"2026-10-30": day_with(PM2_5=50)}), as_of=AS_OF, warn_fraction=0.9)
    assert s2.status is Status.GOOD


def test_site_status_nodata_and_stale() -> None:
    assert air.site_status(long_days({}).reindex(columns=["time", "param", "value"]), as_of=AS_OF).status is (
        Status.NODATA
    )
    future_only = long_days({"2026-11-05": CLEAN})
    assert air.site_status(future_only, as_of=AS_OF).status is Status.NODATA
    assert air.site_status(long_days({"2026-10-28": CLEAN}), as_of=AS_OF).status is Status.GOOD  # 3 days
    stale = air.site_status(long_days({"2026-10-27": CLEAN}), as_of=AS_OF)  # 4 days
    assert stale.status is Status.STALE
    assert "2026-10-27" in stale.explanation


# --------------------------------------------------------------------------------- annual stats
def month(days: int, start: str = "2023-09-01") -> list[str]:
    return [d.date().isoformat() for d in pd.date_range(start, periods=days)]


def test_good_day_ratio_wuyuan_example() -> None:
    """standards.md §4.4: 30 days monitored, 29 valid, 27 优良 -> 93.1 %."""
    rows: dict[str, dict[str, float]] = {}
    for i, t in enumerate(month(30)):
        if i == 0:
            rows[t] = {k: v for k, v in CLEAN.items() if k != "CO"}  # NA -> not valid
        elif i in (1, 2):
            rows[t] = day_with(PM2_5=100)  # 2012: 100 + 50/40*25 = 131.25 -> polluted
        else:
            rows[t] = CLEAN
    st = air.annual_stats(long_days(rows))
    assert (st.days, st.valid_days, st.good_days) == (30, 29, 27)
    assert st.good_ratio == 93.1
    assert st.mixed_rules is False


def test_good_day_ratio_naiman_example_and_missing_but_polluted_day_is_valid() -> None:
    """standards.md §4.4: 91 valid days, 86 优良 -> 94.5 %; a day missing CO but AQI > 100 is valid."""
    rows: dict[str, dict[str, float]] = {}
    for i, t in enumerate(month(91, "2024-01-01")):
        if i == 0:
            rows[t] = {k: v for k, v in day_with(PM2_5=100).items() if k != "CO"}
        elif i < 5:
            rows[t] = day_with(PM2_5=100)
        else:
            rows[t] = CLEAN
    st = air.annual_stats(long_days(rows))
    assert (st.valid_days, st.good_days, st.good_ratio) == (91, 86, 94.5)


def test_means_and_percentiles_hj663_formula() -> None:
    rows = {t: day_with(CO=(i + 1) / 10, O3_8h=10 * (i + 1), PM2_5=i) for i, t in enumerate(month(20))}
    st = air.annual_stats(long_days(rows))
    # HJ 663: k = 1 + (n-1)p ; X(s) + (X(s+1) - X(s))(k - s)
    assert st.co_p95 == pytest.approx(1.9 + 0.1 * 0.05)  # k = 19.05
    assert st.o3_8h_p90 == pytest.approx(180 + 10 * 0.1)  # k = 18.1
    assert st.means["PM2_5"] == pytest.approx(sum(range(20)) / 20)
    assert st.means["SO2"] == pytest.approx(5)


def test_period_spanning_switch_is_flagged() -> None:
    st = air.annual_stats(long_days({t: CLEAN for t in month(10, "2026-02-25")}))
    assert st.mixed_rules is True
    assert "2026-03-01" in st.note
    assert "两套规则" in st.note
    assert st.standards == ("HJ 633-2012", "HJ 633—2026")
    assert air.annual_stats(long_days({t: CLEAN for t in month(10, "2026-03-01")})).mixed_rules is False


def test_annual_stats_rejects_several_sites() -> None:
    df = pd.concat([long_days({"2026-10-01": CLEAN}), long_days({"2026-10-01": CLEAN}).assign(site_id="AIR-2")])
    with pytest.raises(ComplianceError):
        air.annual_stats(df)


def test_plan_progress_targets() -> None:
    good = air.annual_stats(long_days({t: day_with(PM2_5=31.7) for t in month(10)}))
    pp = air.plan_progress(good)
    assert pp.all_met is True
    assert [i.key for i in pp.items] == ["PM2_5", "good_ratio"]
    bad = air.annual_stats(
        long_days({t: (day_with(PM2_5=100) if i < 1 else day_with(PM2_5=32)) for i, t in enumerate(month(10))})
    )
    pp2 = air.plan_progress(bad)
    assert pp2.all_met is False
    pm, ratio = pp2.items
    assert pm.met is False
    assert "31.7" in pm.explanation
    assert ratio.actual == 90.0
    assert ratio.met is False
    assert "2.5" in ratio.explanation


# ---------------------------------------------------------------------------------- vectorised
def test_daily_aqi_table_one_row_per_site_day() -> None:
    df = pd.concat(
        [
            long_days({"2026-02-28": day_with(PM2_5=75), "2026-03-01": day_with(PM2_5=75)}),
            long_days({"2026-03-01": {k: v for k, v in CLEAN.items() if k != "CO"}}).assign(site_id="AIR-2"),
        ]
    )
    t = air.daily_aqi_table(df).set_index(["site_id", "time"])
    assert t.loc[("AIR-1", "2026-02-28"), "aqi"] == 100
    assert t.loc[("AIR-1", "2026-03-01"), "aqi"] == 114
    assert t.loc[("AIR-1", "2026-03-01"), "primary"] == "PM2_5"
    assert t.loc[("AIR-1", "2026-03-01"), "standard"] == "HJ 633—2026"
    assert pd.isna(t.loc[("AIR-2", "2026-03-01"), "aqi"])
    assert len(t) == 3


def test_daily_aqi_table_bad_input() -> None:
    base = long_days({"2026-03-01": CLEAN})
    with pytest.raises(InvalidValueError, match="PM2_5"):
        air.daily_aqi_table(base.assign(value=base["value"].where(base["param"] != "PM2_5", -1)))
    junk = base.astype({"value": object})
    junk.loc[junk["param"] == "NO2", "value"] = "abc"
    with pytest.raises(InvalidValueError, match="abc"):
        air.daily_aqi_table(junk)
    with pytest.raises(UnitMismatchError, match="CO"):
        air.daily_aqi_table(base.assign(value=base["value"].where(base["param"] != "CO", 900)))
    with pytest.raises(ComplianceError, match="重复"):
        air.daily_aqi_table(pd.concat([base, base]))
