"""Hypothesis properties of the AQI: monotone in every concentration; the vectorised path agrees."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance import air

DAYS = st.sampled_from([dt.date(2025, 6, 1), dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2031, 1, 1)])
# concentrations with few decimals (as reported), so that float and decimal rounding coincide
UG = st.integers(0, 7000).map(lambda i: i / 10)  # 0 … 700 µg/m³, one decimal
O3_8H = st.integers(0, 10000).map(lambda i: i / 10)  # 0 … 1000, crosses the 800 rule
CO = st.integers(0, 7000).map(lambda i: i / 100)  # 0 … 70 mg/m³, two decimals

CONC = st.fixed_dictionaries(
    {"SO2": UG, "NO2": UG, "CO": CO, "O3_8h": O3_8H, "PM10": UG, "PM2_5": UG},
)


def with_o3_1h(values: dict[str, float], extra: float) -> dict[str, float]:
    """The daily max 1 h O3 is never below the daily max 8 h mean."""
    return {**values, "O3": values["O3_8h"] + extra}


@settings(max_examples=300, deadline=None)
@given(
    values=CONC,
    day=DAYS,
    code=st.sampled_from(air.DAILY_CODES),
    delta=st.integers(0, 3000).map(lambda i: i / 10),
    o3_extra=st.integers(0, 500),
)
def test_raising_any_concentration_never_lowers_aqi(
    values: dict[str, float], day: dt.date, code: str, delta: float, o3_extra: int
) -> None:
    before = with_o3_1h(values, o3_extra)
    raised = {**values, code: values[code] + (delta / 10 if code == "CO" else delta)}
    after = with_o3_1h(raised, o3_extra + (delta if code == "O3_8h" else 0))
    a, b = air.daily_aqi(before, day), air.daily_aqi(after, day)
    assert a.aqi is not None
    assert b.aqi is not None
    assert b.aqi >= a.aqi
    assert b.level >= a.level  # type: ignore[operator]
    for c, sub in a.iaqi.items():
        if c in b.iaqi:
            assert b.iaqi[c] >= sub


@settings(max_examples=200, deadline=None)
@given(values=CONC, day=DAYS, code=st.sampled_from(air.DAILY_CODES), delta=st.integers(0, 3000))
def test_compliance_never_improves_when_raising(values: dict[str, float], day: dt.date, code: str, delta: int) -> None:
    values = {**values, "O3_8h": min(values["O3_8h"], 800)}
    raised = {**values, code: values[code] + (delta / 100 if code == "CO" else delta / 10)}
    before = air.daily_compliance(values, day)
    after = air.daily_compliance(raised, day)
    assert {e.param for e in before.exceedances} <= {e.param for e in after.exceedances}


ROW = st.fixed_dictionaries(
    {
        "SO2": st.one_of(st.none(), UG),
        "NO2": st.one_of(st.none(), UG),
        "CO": st.one_of(st.none(), CO),
        "O3_8h": st.one_of(st.none(), O3_8H),
        "PM10": st.one_of(st.none(), UG),
        "PM2_5": st.one_of(st.none(), UG),
        "O3": st.one_of(st.none(), O3_8H),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(DAYS, ROW), min_size=1, max_size=12))
def test_vectorised_table_agrees_with_daily_aqi(rows: list[tuple[dt.date, dict[str, float | None]]]) -> None:
    records = []
    expected = {}
    for i, (day, values) in enumerate(rows):
        site = f"S{i}"
        present = {k: v for k, v in values.items() if v is not None}
        expected[site] = air.daily_aqi(present, day)
        records += [{"site_id": site, "time": day.isoformat(), "param": k, "value": v} for k, v in present.items()]
    if not records:
        return
    table = air.daily_aqi_table(pd.DataFrame(records)).set_index("site_id")
    for site, res in expected.items():
        if site not in table.index:
            assert not res.iaqi
            continue
        row = table.loc[site]
        assert (None if pd.isna(row["aqi"]) else int(row["aqi"])) == res.aqi, res.explanation
        assert (None if pd.isna(row["level"]) else int(row["level"])) == res.level
        assert row["primary"] == ",".join(res.primary)
        assert row["standard"] == res.standard
        for code, sub in res.iaqi.items():
            assert int(row[f"iaqi_{code}"]) == sub, code
