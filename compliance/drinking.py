"""Centralised drinking-water surface sources: GB 3838-2002 Table 2 supplementary items (single limits).

For ``drinking_source`` sites, next to the Table 1 class: sulphate, chloride, nitrate (as N), iron and manganese,
each against one limit (``tables/gb3838_2002_table2.csv``).  An undetected value whose detection limit is above
the limit cannot be judged (无法判定，未评价), as in the rest of the engine.  Table 3 (80 specific items) is not
in the app yet.  The codes (SO4, Cl, NO3N, Fe, Mn) are not yet in ``compliance.params.PARAMS``, so the importer
does not accept them: adding them changes the importer's "unknown item" example (锰) and is left to the importer.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from compliance.errors import UnknownParameterError
from compliance.values import parse_value

STANDARD = "GB 3838-2002 表2"
TABLE2_PATH = Path(__file__).resolve().parent / "tables" / "gb3838_2002_table2.csv"


@lru_cache(maxsize=1)
def _rows() -> list[dict[str, str]]:
    with open(TABLE2_PATH, encoding="utf-8") as fh:
        return list(csv.DictReader(ln for ln in fh if not ln.startswith("#")))


def table2() -> dict[str, float]:
    """Parameter code → Table 2 limit (mg/L)."""
    return {r["param"]: float(r["limit"]) for r in _rows()}


def names() -> dict[str, str]:
    """Parameter code → Chinese name as in Table 2."""
    return {r["param"]: r["name"] for r in _rows()}


@dataclass(frozen=True)
class SupplementaryItem:
    """One Table 2 item: ``meets`` is None when it cannot be judged."""

    param: str
    value: float
    limit: float
    meets: bool | None
    explanation: str


def assess_supplementary(values: Mapping[str, float | str]) -> tuple[SupplementaryItem, ...]:
    """Each given Table 2 item against its limit (exactly at the limit meets it)."""
    limits = table2()
    out = []
    for param, raw in values.items():
        if param not in limits:
            raise UnknownParameterError(f"{param}（非表2补充项目）", sorted(limits))
        r = parse_value(param, raw)
        lim = limits[param]
        name = names()[param]
        if r.below_dl and r.dl is not None and r.dl > lim:
            out.append(SupplementaryItem(param, r.value, lim, None,
                                         f"{name} {r.display()}：检出限高于限值 {lim:g}，无法判定，未评价"))
            continue
        meets = r.value <= lim
        word = "达标" if meets else f"超标 {round((r.value - lim) / lim, 2):g} 倍"
        out.append(SupplementaryItem(param, r.value, lim, meets,
                                     f"{name} {r.display()} mg/L，限值 {lim:g}（{STANDARD}），{word}"))
    return tuple(out)
