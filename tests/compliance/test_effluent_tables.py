"""Every cell of GB 18918-2002 Tables 1 and 2, typed in from shared/reference/standards.md §5."""

from __future__ import annotations

import pytest

from compliance import effluent
from compliance.effluent import Limit

N = None  # '–' : not evaluated
# (param, condition) -> (一级A, 一级B, 二级, 三级)
TABLE1 = {
    ("COD", ""): (50, 60, 100, 120),
    ("BOD5", ""): (10, 20, 30, 60),
    ("SS", ""): (10, 20, 30, 50),
    ("animal_oil", ""): (1, 3, 5, 20),
    ("oil", ""): (1, 3, 5, 15),
    ("LAS", ""): (0.5, 1, 2, 5),
    ("TN", ""): (15, 20, N, N),
    ("NH3N", "wt_gt_12"): (5, 8, 25, N),
    ("NH3N", "wt_le_12"): (8, 15, 30, N),
    ("TP", "built_le_2005"): (1, 1.5, 3, 5),
    ("TP", "built_ge_2006"): (0.5, 1, 3, 5),
    ("color", ""): (30, 30, 40, 50),
    ("fecal_coliform", ""): (1000, 10000, 10000, N),
}
TABLE2 = {"Hg": 0.001, "Cd": 0.01, "Cr6": 0.05, "As": 0.1, "Pb": 0.1}
GRADES = ("1A", "1B", "2", "3")


@pytest.mark.parametrize(("key", "expected"), sorted(TABLE1.items()))
def test_table1_cells(key: tuple[str, str], expected: tuple[float | None, ...]) -> None:
    row = effluent.table()[key]
    assert tuple(row[g].upper for g in GRADES) == expected
    assert all(row[g].low is None for g in GRADES)


def test_ph_is_range_6_to_9_for_every_grade() -> None:
    row = effluent.table()[("pH", "")]
    assert all(row[g] == Limit(9.0, 6.0) for g in GRADES)


@pytest.mark.parametrize(("param", "limit"), sorted(TABLE2.items()))
def test_table2_cells_same_for_every_grade(param: str, limit: float) -> None:
    row = effluent.table()[(param, "")]
    assert all(row[g] == Limit(limit) for g in GRADES)


def test_no_extra_rows() -> None:
    assert set(effluent.table()) == set(TABLE1) | {("pH", "")} | {(p, "") for p in TABLE2}
