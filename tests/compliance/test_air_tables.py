"""Every cell of the air tables, typed in from shared/reference/standards.md §3 and §4 (not read from the CSVs)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance import air

# --- GB 3095-2012 Table 1 (standards.md §3.2): (param, averaging) -> (class 1, class 2)
GB3095_2012 = {
    ("SO2", "annual"): (20, 60),
    ("SO2", "daily"): (50, 150),
    ("SO2", "1h"): (150, 500),
    ("NO2", "annual"): (40, 40),
    ("NO2", "daily"): (80, 80),
    ("NO2", "1h"): (200, 200),
    ("CO", "daily"): (4, 4),
    ("CO", "1h"): (10, 10),
    ("O3", "8h"): (100, 160),
    ("O3", "1h"): (160, 200),
    ("PM10", "annual"): (40, 70),
    ("PM10", "daily"): (50, 150),
    ("PM2_5", "annual"): (15, 35),
    ("PM2_5", "daily"): (35, 75),
}

# --- GB 3095—2026 Table 1 (standards.md §3.1): (transition c1, transition c2, final c1, final c2)
GB3095_2026 = {
    ("SO2", "annual"): (20, 60, 20, 20),
    ("SO2", "daily"): (50, 150, 50, 50),
    ("SO2", "1h"): (150, 500, 150, 150),
    ("NO2", "annual"): (40, 40, 30, 30),
    ("NO2", "daily"): (80, 80, 50, 50),
    ("NO2", "1h"): (200, 200, 200, 200),
    ("CO", "daily"): (4, 4, 4, 4),
    ("CO", "1h"): (10, 10, 10, 10),
    ("O3", "8h"): (100, 160, 100, 160),
    ("O3", "1h"): (160, 200, 160, 200),
    ("PM10", "annual"): (40, 60, 20, 50),
    ("PM10", "daily"): (50, 120, 50, 100),
    ("PM2_5", "annual"): (15, 30, 10, 25),
    ("PM2_5", "daily"): (35, 60, 25, 50),
}

# --- HJ 633—2026 Table 3 (standards.md §4.1); None = no breakpoint (footnotes b, c)
NODES = [0, 50, 100, 150, 200, 300, 400, 500]
HJ633_2026 = {
    "SO2_24h": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "SO2_1h": [0, 150, 500, 650, 800, None, None, None],
    "NO2_24h": [0, 40, 80, 180, 280, 565, 750, 940],
    "NO2_1h": [0, 100, 200, 700, 1200, 2340, 3090, 3840],
    "CO_24h": [0, 2, 4, 14, 24, 36, 48, 60],
    "CO_1h": [0, 5, 10, 35, 60, 90, 120, 150],
    "O3_8h": [0, 100, 160, 215, 265, 800, None, None],
    "O3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "PM10_24h": [0, 50, 120, 250, 350, 420, 500, 600],
    "PM2_5_24h": [0, 35, 60, 115, 150, 250, 350, 500],
}
# HJ 633-2012 (standards.md §4.3): identical except PM at IAQI 100 (150 and 75)
HJ633_2012 = {
    **HJ633_2026,
    "PM10_24h": [0, 50, 150, 250, 350, 420, 500, 600],
    "PM2_5_24h": [0, 35, 75, 115, 150, 250, 350, 500],
}


@pytest.mark.parametrize(("key", "expected"), sorted(GB3095_2012.items()))
def test_gb3095_2012_cells(key: tuple[str, str], expected: tuple[int, int]) -> None:
    row = air.gb3095_limits(air.GB3095_2012)[key]
    assert (row["class1"], row["class2"]) == tuple(Decimal(v) for v in expected)


def test_gb3095_2012_has_no_extra_rows() -> None:
    assert set(air.gb3095_limits(air.GB3095_2012)) == set(GB3095_2012)


@pytest.mark.parametrize(("key", "expected"), sorted(GB3095_2026.items()))
def test_gb3095_2026_cells(key: tuple[str, str], expected: tuple[int, int, int, int]) -> None:
    row = air.gb3095_limits(air.GB3095_2026)[key]
    cols = ("transition_class1", "transition_class2", "final_class1", "final_class2")
    assert tuple(row[c] for c in cols) == tuple(Decimal(v) for v in expected)


def test_gb3095_2026_has_no_extra_rows() -> None:
    assert set(air.gb3095_limits(air.GB3095_2026)) == set(GB3095_2026)


@pytest.mark.parametrize(
    ("standard", "table"), [(air.HJ633_2026, HJ633_2026), (air.HJ633_2012, HJ633_2012)], ids=["2026", "2012"]
)
def test_hj633_every_cell(standard: str, table: dict[str, list[int | None]]) -> None:
    got = air.breakpoints(standard)
    assert set(got) == set(table)
    for column, concs in table.items():
        expected = [(i, Decimal(c)) for i, c in zip(NODES, concs, strict=True) if c is not None]
        assert list(got[column]) == expected, column


def test_iaqi_100_equals_class2_daily_limit_in_each_version() -> None:
    """standards.md §3.2 cross-check: IAQI 100 = class-2 24 h/8 h limit (2012 and 2026 transition)."""
    import datetime as dt

    for standard, day in ((air.HJ633_2012, dt.date(2025, 6, 1)), (air.HJ633_2026, dt.date(2027, 6, 1))):
        limits = air.daily_limits(day, 2)
        for code in air.DAILY_CODES:
            column = dict(air.breakpoints(standard)[air._DAILY_COLUMN[code]])
            assert float(column[100]) == limits[code], (standard, code)


@pytest.mark.parametrize(
    ("day", "air_class", "expected"),
    [
        ("2026-02-28", 2, {"SO2": 150, "NO2": 80, "CO": 4, "O3_8h": 160, "PM10": 150, "PM2_5": 75, "O3": 200}),
        ("2026-03-01", 2, {"SO2": 150, "NO2": 80, "CO": 4, "O3_8h": 160, "PM10": 120, "PM2_5": 60, "O3": 200}),
        ("2030-12-31", 2, {"SO2": 150, "NO2": 80, "CO": 4, "O3_8h": 160, "PM10": 120, "PM2_5": 60, "O3": 200}),
        ("2031-01-01", 2, {"SO2": 50, "NO2": 50, "CO": 4, "O3_8h": 160, "PM10": 100, "PM2_5": 50, "O3": 200}),
        ("2026-02-28", 1, {"SO2": 50, "NO2": 80, "CO": 4, "O3_8h": 100, "PM10": 50, "PM2_5": 35, "O3": 160}),
        ("2031-01-01", 1, {"SO2": 50, "NO2": 50, "CO": 4, "O3_8h": 100, "PM10": 50, "PM2_5": 25, "O3": 160}),
    ],
)
def test_daily_limits_by_date(day: str, air_class: int, expected: dict[str, float]) -> None:
    import datetime as dt

    assert air.daily_limits(dt.date.fromisoformat(day), air_class) == expected


def test_limit_labels_name_version_and_period() -> None:
    import datetime as dt

    assert air.limit_standard(dt.date(2026, 2, 28))[2] == "GB 3095-2012 二级"
    assert air.limit_standard(dt.date(2026, 3, 1))[2] == "GB 3095—2026 二级（过渡期限值）"
    assert air.limit_standard(dt.date(2031, 1, 1), 1)[2] == "GB 3095—2026 一级（最终限值）"
