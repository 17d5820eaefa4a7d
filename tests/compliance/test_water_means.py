"""Period means: rounded to the reporting precision, identical in the scalar and vectorised paths (issue 13)."""

from __future__ import annotations

import csv
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import config
from compliance import water, water_means
from compliance.errors import ComplianceError
from compliance.water_vector import classify_table

PINNED = {
    "WT": 1, "pH": 2, "DO": 1, "CODMn": 1, "COD": 0, "BOD5": 1, "NH3N": 3, "TP": 3, "TN": 2, "Cu": 3, "Zn": 3,
    "F": 3, "Se": 4, "As": 4, "Hg": 5, "Cd": 4, "Cr6": 3, "Pb": 3, "CN": 3, "phenol": 4, "oil": 2, "LAS": 3,
    "S2": 3, "fecal_coliform": 0, "chla": 1, "SD": 2,
    "SO4": 1, "Cl": 1, "NO3N": 2, "Fe": 3, "Mn": 3,
}
QUARTER = ["2026-01-10", "2026-02-10", "2026-03-10"]


def test_precision_table_every_cell() -> None:
    assert water_means.precision_table() == PINNED
    assert set(PINNED) == set(water.WATER_CODES)


def test_precision_never_coarser_than_a_limit() -> None:
    for (param, _), row in water.load_table().items():
        for lim in row.limits:
            places = -int(Decimal(repr(lim)).normalize().as_tuple().exponent)
            assert water_means.decimals(param) >= max(places, 0), (param, lim)


def _quarter(values: list[float], param: str, site: str = "A") -> pd.DataFrame:
    return pd.DataFrame({"site_id": [site] * len(values), "time": pd.to_datetime(QUARTER[: len(values)]),
                         "param": [param] * len(values), "value": values})


def test_mean_exactly_at_limit_meets_it_scalar_and_vector() -> None:
    meas = _quarter([0.81, 1.07, 1.12], "NH3N")
    r = water.assess_period(meas, "quarter", water_body="river", target=3)["2026Q1"]
    assert (r.water_class, r.meets_target) == (3, True)  # was Ⅳ, 未达标, "超标 0 倍"
    assert "超标" not in r.explanation
    sites = pd.DataFrame({"site_id": ["A"], "water_body": ["river"], "target": [3]})
    row = classify_table(meas, sites, period="quarter").iloc[0]
    assert (row["water_class"], bool(row["meets_target"]), row["worst_value"]) == (3, True, 1.0)


def _triples(limit: float) -> list[tuple[float, float, float]]:
    """Ordered two-decimal triples within limit ± min(20 %, 0.20) whose exact mean is the limit."""
    c = round(limit * 100)
    w = min(round(c * 0.2), 20)
    lo, hi = c - w, c + w
    return [(a / 100, b / 100, (3 * c - a - b) / 100) for a in range(lo, hi + 1) for b in range(lo, hi + 1)
            if lo <= 3 * c - a - b <= hi]


@pytest.mark.parametrize(("param", "limit", "cls"), [("NH3N", 1.0, 3), ("TP", 0.2, 3), ("COD", 20.0, 3),
                                                     ("CODMn", 6.0, 3)])
def test_every_triple_averaging_at_the_limit_is_graded_at_it(param: str, limit: float, cls: int) -> None:
    triples = _triples(limit)
    if param == "NH3N":
        assert len(triples) == 1261
    rows, sites = [], []
    for k, t in enumerate(triples):
        sites.append({"site_id": f"S{k:04d}", "water_body": "river", "target": cls})
        rows += [{"site_id": f"S{k:04d}", "time": pd.Timestamp(d), "param": param, "value": x}
                 for d, x in zip(QUARTER, t, strict=True)]
    out = classify_table(pd.DataFrame(rows), pd.DataFrame(sites), period="quarter")
    assert out["water_class"].tolist() == [cls] * len(triples)
    for t in triples[:: max(1, len(triples) // 15)]:
        r = water.assess_period(_quarter(list(t), param), "quarter", water_body="river", target=cls)["2026Q1"]
        assert r.water_class == cls, t


def test_vector_mean_does_not_depend_on_other_sites() -> None:
    # site B: TP 0.05, 0.05, 0.20 (exact mean 0.10 = river Ⅱ limit); before, next to site A's rows in this
    # order the vectorised mean was 0.10000000000000002 (Ⅲ) while the scalar path said Ⅱ
    a = pd.DataFrame({"site_id": ["A"] * 5,
                      "time": pd.to_datetime(["2026-02-23", "2026-03-17", "2026-02-03", "2026-01-18", "2026-02-20"]),
                      "param": ["COD", "COD", "COD", "COD", "NH3N"], "value": [9.4, 17.3, 25.6, 44.6, 38.8]})
    b = _quarter([0.05, 0.05, 0.20], "TP", "B")
    both = pd.concat([a, b], ignore_index=True).sample(frac=1, random_state=1)
    sites = pd.DataFrame({"site_id": ["A", "B"], "water_body": ["river"] * 2, "target": [2, 2]})
    out = classify_table(both, sites, period="quarter")
    row = out[out["site_id"] == "B"].iloc[0]
    scalar = water.assess_period(b, "quarter", water_body="river", target=2)["2026Q1"]
    assert scalar.water_class == 2
    assert row["water_class"] == 2
    assert row["worst_value"] == scalar.worst.value == 0.1  # type: ignore[union-attr]


_PARAMS = ["NH3N", "TP", "COD", "CODMn", "DO", "Hg"]
_CENT = {"NH3N": (50, 200), "TP": (1, 45), "COD": (1000, 4500), "CODMn": (150, 1600), "DO": (150, 800),
         "Hg": (0, 1)}


@st.composite
def _groups(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, sites = [], []
    for s in range(draw(st.integers(2, 4))):
        sid = f"W-{s}"
        sites.append({"site_id": sid, "water_body": draw(st.sampled_from(["river", "lake"])),
                      "target": draw(st.sampled_from([None, 2, 3]))})
        for p in draw(st.lists(st.sampled_from(_PARAMS), min_size=1, max_size=3, unique=True)):
            lo, hi = _CENT[p]
            scale = 100000 if p == "Hg" else 100
            for day in draw(st.lists(st.integers(0, 89), min_size=1, max_size=5)):
                value = draw(st.integers(lo, hi)) / scale
                rows.append({"site_id": sid, "time": pd.Timestamp("2026-01-01") + pd.Timedelta(days=day),
                             "param": p, "value": value})
    frame = pd.DataFrame(rows)
    order = draw(st.permutations(list(range(len(frame)))))
    return frame.iloc[list(order)].reset_index(drop=True), pd.DataFrame(sites)


@settings(max_examples=80, deadline=None)
@given(_groups())
def test_vector_and_scalar_period_means_agree_exactly(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    meas, sites = tables
    out = classify_table(meas, sites, period="quarter")
    for _, info in sites.iterrows():
        sub = meas[meas["site_id"] == info["site_id"]]
        if sub.empty:
            continue
        target = None if pd.isna(info["target"]) else int(info["target"])
        res = water.assess_period(sub, "quarter", water_body=info["water_body"], target=target)
        mine = out[out["site_id"] == info["site_id"]]
        for (_, row), r in zip(mine.iterrows(), res.values(), strict=True):
            assert (None if pd.isna(row["water_class"]) else int(row["water_class"])) == r.water_class
            if r.worst is not None:
                assert row["worst_param"] == r.worst.param
                assert row["worst_value"] == r.worst.value  # exactly, not approximately


def test_group_means_ignore_other_groups_and_order() -> None:
    vals = np.array([0.05, 0.20, 0.05])
    alone = water_means.group_means(np.zeros(3, dtype=np.int64), vals, 1)[0]
    mixed = water_means.group_means(np.array([1, 0, 1, 1, 0]), np.array([0.2, 9.4, 0.05, 0.05, 17.3]), 2)[1]
    assert alone == mixed


def test_round_half_even_ties() -> None:
    got = water_means.round_half_even(np.array([0.0125, 0.0135, 2.5, 3.5, 1.0000000000000002]),
                                      np.array([3, 3, 0, 0, 3]))
    assert got.tolist() == [0.012, 0.014, 2.0, 4.0, 1.0]


# ---------------------------------------------------------------- undetected values (items 3 and 4)


def test_undetected_above_target_limit_is_not_judged() -> None:
    r = water.assess({"Hg": "0.0001L", "COD": 10}, target=2)
    assert (r.water_class, r.meets_target) == (1, True)  # was Ⅲ, 未达标, "超标 1 倍"
    assert r.not_judged == ("Hg",)
    assert "检出限高于Ⅱ类限值 0.00005，无法判定，未评价" in r.explanation
    assert "超标" not in r.explanation
    only = water.assess({"Hg": "0.0001L"}, target=2)
    assert only.water_class is None and "无法判定，未评价" in only.explanation


def test_undetected_at_or_below_target_limit_still_meets() -> None:
    r = water.assess({"Hg": "0.00005L", "COD": 10}, target=2)
    assert r.not_judged == () and r.meets_target is True


@pytest.mark.parametrize("column", ["below_dl", "raw"])
def test_vector_does_not_judge_undetected_above_target_limit(column: str) -> None:
    meas = pd.DataFrame({"site_id": ["A", "A"], "time": ["2026-10-01"] * 2, "param": ["Hg", "COD"],
                         "value": [0.0001, 10.0]})
    meas[column] = [True, False] if column == "below_dl" else ["0.0001L", "10"]
    sites = pd.DataFrame({"site_id": ["A"], "water_body": ["river"], "target": [2]})
    row = classify_table(meas, sites).iloc[0]
    assert (row["water_class"], bool(row["meets_target"]), row["n_not_judged"]) == (1, True, 1)


def test_all_undetected_period_mean_is_undetected() -> None:
    meas = _quarter([0.0001, 0.0001], "Hg").assign(raw=["0.0001L", "<0.0001"])
    r = water.assess_period(meas, "quarter", target=2)["2026Q1"]
    assert r.water_class is None and r.not_judged == ("Hg",)


def test_half_detection_limit_rule_for_means() -> None:
    meas = _quarter([0.02, 0.02, 0.05], "TP").assign(raw=["0.02L", "0.02L", "0.05"])
    full = water.period_means(meas, "quarter")["value"].tolist()
    half = water.period_means(meas, "quarter", nd_rule="half")["value"].tolist()
    assert full == [0.03] and half == [0.023]
    sites = pd.DataFrame({"site_id": ["A"], "water_body": ["river"], "target": [2]})
    vec = classify_table(meas, sites, period="quarter", nd_rule="half").iloc[0]
    assert vec["worst_value"] == 0.023
    with pytest.raises(ComplianceError, match="未检出计入均值的规则"):
        water.period_means(meas, "quarter", nd_rule="zero")


def test_nd_rule_setting_declared() -> None:
    setting = next(s for s in config.SETTINGS if s.name == "CHAISANG_ND_MEAN_RULE")
    assert setting.default == water_means.ND_FULL
    assert set(water_means.ND_RULES) == {"full", "half"}


def test_precision_csv_has_source_header() -> None:
    with open(water_means.PRECISION_PATH, encoding="utf-8") as fh:
        head = fh.readline() + fh.readline()
    assert head.startswith("#") and "GB/T 8170" in head
    with open(water_means.PRECISION_PATH, encoding="utf-8") as fh:
        rows = list(csv.DictReader(ln for ln in fh if not ln.startswith("#")))
    assert len(rows) == len(PINNED)
