"""The vectorised path must agree exactly with compliance.water.assess / assess_period."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance import water
from compliance.errors import ComplianceError, InvalidValueError, UnknownParameterError
from compliance.water_vector import classify_table

PARAMS = ["pH", "DO", "CODMn", "COD", "NH3N", "TP", "TN", "Hg", "Pb", "CN", "fecal_coliform", "WT"]
# values near the interesting limits, so that equal limits, exact hits and all classes occur
_NEAR = {
    "pH": [5.9, 6, 7, 9, 9.1],
    "DO": [0, 1.9, 2, 3, 5, 6, 7.5, 9],
    "CODMn": [1, 2, 4, 6, 10, 15, 16, 30],
    "COD": [10, 15, 20, 30, 40, 45],
    "NH3N": [0.1, 0.15, 0.5, 1.0, 1.5, 2.0, 2.5],
    "TP": [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5],
    "TN": [0.2, 0.5, 1.0, 1.5, 2.0, 3.0],
    "Hg": [0.00005, 0.0001, 0.001, 0.002],
    "Pb": [0.01, 0.05, 0.1, 0.2],
    "CN": [0.005, 0.05, 0.2, 0.3],
    "fecal_coliform": [100, 30000, 50000],
    "WT": [5, 25],
}


@st.composite
def _value(draw: st.DrawFn, param: str) -> float:
    if draw(st.booleans()):
        return draw(st.sampled_from(_NEAR[param]))
    hi = 14.0 if param == "pH" else max(_NEAR[param]) * 2
    return draw(st.floats(min_value=0, max_value=hi, allow_nan=False, allow_infinity=False))


@st.composite
def _tables(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_sites = draw(st.integers(1, 4))
    rows = []
    sites = []
    for s in range(n_sites):
        sid = f"W-{s}"
        body = draw(st.sampled_from(["river", "lake", "reservoir"]))
        target = draw(st.one_of(st.none(), st.integers(1, 5)))
        tn = draw(st.booleans())
        sites.append({"site_id": sid, "water_body": body, "target": target, "evaluate_lake_tn": tn})
        for day in draw(st.lists(st.integers(1, 120), min_size=1, max_size=4, unique=True)):
            time = pd.Timestamp("2026-01-01") + pd.Timedelta(days=day)
            params = draw(st.lists(st.sampled_from(PARAMS), min_size=1, max_size=7, unique=True))
            rows += [{"site_id": sid, "time": time, "param": p, "value": draw(_value(p))} for p in params]
    frame = pd.DataFrame(rows)
    order = draw(st.permutations(list(range(len(frame)))))
    return frame.iloc[list(order)].reset_index(drop=True), pd.DataFrame(sites)


def _same_float(a: float | None, b: float) -> bool:
    return (a is None and math.isnan(b)) or (a is not None and a == b)


def _check(row: pd.Series, r: water.WaterAssessment) -> None:
    if r.water_class is None:
        assert pd.isna(row["water_class"])
        assert pd.isna(row["worst_param"])
        assert row["label"] == r.label
        return
    assert row["water_class"] == r.water_class
    assert row["label"] == r.label
    if r.meets_target is None:
        assert pd.isna(row["meets_target"])
    else:
        assert bool(row["meets_target"]) == r.meets_target
    assert r.worst is not None
    assert row["worst_param"] == r.worst.param
    assert row["worst_value"] == r.worst.value
    assert _same_float(r.worst_multiple, row["worst_multiple"])
    iii = next((e.multiple for e in r.exceedances_iii if e.parameter == r.worst.param), None)
    assert _same_float(iii, row["worst_multiple_iii"])
    assert row["n_items"] == len(r.item_classes)


@settings(max_examples=100, deadline=None)
@given(_tables())
def test_vector_agrees_with_assess_per_sample(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    meas, sites = tables
    out = classify_table(meas, sites)
    site_info = sites.set_index("site_id")
    groups = meas.groupby(["site_id", "time"], sort=True)
    assert len(out) == groups.ngroups
    for (sid, time), row in zip(groups.groups, out.itertuples(index=False), strict=True):
        assert (row.site_id, row.time) == (sid, time)
    for (sid, time), grp in groups:
        info = site_info.loc[sid]
        target = None if pd.isna(info["target"]) else int(info["target"])
        r = water.assess(dict(zip(grp["param"], grp["value"], strict=True)), water_body=info["water_body"],
                         target=target, evaluate_lake_tn=bool(info["evaluate_lake_tn"]))
        row = out[(out["site_id"] == sid) & (out["time"] == time)].iloc[0]
        _check(row, r)


@settings(max_examples=50, deadline=None)
@given(_tables(), st.sampled_from(["month", "quarter", "year"]))
def test_vector_agrees_with_assess_period(tables: tuple[pd.DataFrame, pd.DataFrame], period: str) -> None:
    meas, sites = tables
    out = classify_table(meas, sites, period=period)
    for _, info in sites.iterrows():
        sub = meas[meas["site_id"] == info["site_id"]]
        if sub.empty:
            continue
        target = None if pd.isna(info["target"]) else int(info["target"])
        res = water.assess_period(sub, period, water_body=info["water_body"], target=target,
                                  evaluate_lake_tn=bool(info["evaluate_lake_tn"]))
        mine = out[out["site_id"] == info["site_id"]]
        assert list(mine["period"]) == list(res)
        for (_, row), r in zip(mine.iterrows(), res.values(), strict=True):
            _check(row, r)


def test_vector_duplicates_are_averaged_like_site_status() -> None:
    meas = pd.DataFrame({"site_id": ["A", "A"], "time": ["2026-10-01"] * 2, "param": ["TP", "TP"],
                         "value": [0.1, 0.3]})
    out = classify_table(meas, pd.DataFrame({"site_id": ["A"], "water_body": ["river"], "target": [3]}))
    assert out["water_class"].tolist() == [3]  # mean 0.2


def test_target_class_column_accepted_and_missing_target() -> None:
    meas = pd.DataFrame({"site_id": ["A", "B"], "time": ["2026-10-01"] * 2, "param": ["TP", "TP"],
                         "value": [0.25, 0.25]})
    sites = pd.DataFrame({"site_id": ["A", "B"], "water_body": ["river", "lake"], "target_class": [3, None]})
    out = classify_table(meas, sites)
    assert out["water_class"].tolist() == [4, 6]
    assert out["meets_target"].iloc[0] == np.False_
    assert pd.isna(out["meets_target"].iloc[1])
    assert out["worst_multiple"].iloc[0] == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("param", "value", "exc", "needle"),
    [("XYZ", 1.0, UnknownParameterError, "XYZ"), ("TP", -1.0, InvalidValueError, "TP"),
     ("TP", float("nan"), InvalidValueError, "TP"), ("pH", 15.0, InvalidValueError, "pH")],
)
def test_vector_bad_input(param: str, value: float, exc: type[Exception], needle: str) -> None:
    meas = pd.DataFrame({"site_id": ["A"], "time": ["2026-10-01"], "param": [param], "value": [value]})
    with pytest.raises(exc, match=needle):
        classify_table(meas, pd.DataFrame({"site_id": ["A"], "water_body": ["river"], "target": [3]}))


def test_vector_unknown_site_and_body() -> None:
    meas = pd.DataFrame({"site_id": ["A"], "time": ["2026-10-01"], "param": ["TP"], "value": [0.1]})
    with pytest.raises(ComplianceError, match="A"):
        classify_table(meas, pd.DataFrame({"site_id": ["B"], "water_body": ["river"], "target": [3]}))
    with pytest.raises(ComplianceError, match="sea"):
        classify_table(meas, pd.DataFrame({"site_id": ["A"], "water_body": ["sea"], "target": [3]}))
