"""Centralised drinking-water surface sources: GB 3838-2002 Table 2 supplementary items (single limits).

For ``drinking_source`` sites, next to the Table 1 class: sulphate, chloride, nitrate (as N), iron and manganese,
each against one limit (``tables/gb3838_2002_table2.csv``).  An undetected value whose detection limit is above
the limit cannot be judged (无法判定，未评价), as in the rest of the engine.  :func:`site_status` joins them to the
Table 1 status of the same (latest) sampling date: a Table 2 item above its limit makes the source 超标, one at or
above the bureau's warning fraction of it makes a 达标 source 预警.  Table 3 (80 specific items, chosen locally) is
not in the app: the reference gives no values for it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from compliance import config, water
from compliance.errors import UnknownParameterError
from compliance.status import Basis, SiteStatus, Status
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


RULE = "单一限值（集中式生活饮用水地表水源地补充项目）"


def site_status(
    samples: pd.DataFrame,
    *,
    water_body: str,
    target: int | None,
    freq: str | None,
    as_of: dt.date,
    warn_fraction: float = config.WARN_FRACTION_DEFAULT,
    stale_after: Mapping[str, int] | None = None,
    evaluate_lake_tn: bool = False,
) -> SiteStatus:
    """Status of a centralised drinking-water source: Table 1 class and Table 2 items of the latest sample."""
    t2 = samples["param"].isin(table2()) if len(samples) else pd.Series([], dtype=bool)
    base = water.site_status(samples[~t2], water_body=water_body, target=target, freq=freq, as_of=as_of,
                             warn_fraction=warn_fraction, stale_after=stale_after,
                             evaluate_lake_tn=evaluate_lake_tn)
    day = base.detail.get("sample_date")
    values = table2_values(samples[t2], as_of, day if isinstance(day, str) else None)
    if not values:
        return base
    return join_supplementary(base, assess_supplementary(values), values_day(samples[t2], as_of, day), warn_fraction)


def _usable(samples: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    keep = samples["value"].notna()
    if "raw" in samples.columns:
        keep |= samples["raw"].notna() & (samples["raw"].astype(str).str.strip() != "")
    data = samples[keep]
    return data[pd.to_datetime(data["time"]).dt.date <= as_of]


def values_day(samples: pd.DataFrame, as_of: dt.date, day: object) -> str:
    """The date the Table 2 items are taken from: the Table 1 sampling date, else their own latest date."""
    if isinstance(day, str):
        return day
    data = _usable(samples, as_of)
    return pd.to_datetime(data["time"]).max().date().isoformat()


def table2_values(samples: pd.DataFrame, as_of: dt.date, day: str | None) -> dict[str, float | str]:
    """Table 2 items of the Table 1 sampling date ``day`` (or of their own latest date when Table 1 has none)."""
    if samples is None or len(samples) == 0:
        return {}
    data = _usable(samples, as_of)
    if day is not None:
        data = data[pd.to_datetime(data["time"]).dt.date == dt.date.fromisoformat(day)]
    if len(data) == 0:
        return {}
    return water.latest_values(data)[1]


def join_supplementary(base: SiteStatus, items: tuple[SupplementaryItem, ...], day: str,
                       warn_fraction: float) -> SiteStatus:
    """The Table 1 status with the Table 2 items: explanation, basis and detail extended, status raised."""
    exceed = [i for i in items if i.meets is False]
    near = [i for i in items if i.meets and i.value >= round(warn_fraction * i.limit, 12)]
    text = "；".join(i.explanation for i in items)
    table1 = base.explanation.removeprefix(f"{day}：")
    status, explanation = base.status, f"{base.explanation}；表2补充项目：{text}"
    if exceed and base.status in (Status.GOOD, Status.WARN, Status.NODATA):
        status = Status.EXCEED
        explanation = f"{day}：补充项目超标（{STANDARD}）：{text}；表1：{table1}"
    elif near and base.status == Status.GOOD:
        status = Status.WARN
        pct = round(warn_fraction * 100)
        explanation = (f"{day}：补充项目接近限值（达限值的 {pct}% 以上，预警为局内阈值，非国家标准）：{text}；"
                       f"表1：{table1}")
    basis = base.basis + tuple(_basis(i) for i in items)
    detail = dict(base.detail)
    detail["supplementary"] = [{"parameter": i.param, "value": i.value, "limit": i.limit, "meets": i.meets,
                                "explanation": i.explanation} for i in items]
    return replace(base, status=status, explanation=explanation, basis=basis, detail=detail)


def _basis(item: SupplementaryItem) -> Basis:
    multiple = round((item.value - item.limit) / item.limit, 2) if item.meets is False else None
    return Basis(item.param, item.value, "mg/L", item.limit, STANDARD, RULE, "表2限值", None, multiple)
