"""Reporting periods of the map (month, quarter, year) and what changed between two periods.

Rule used by the map: the status *for a period* is the engine's status evaluated **as of the period's last
day** (``period_end``) — the latest sample inside the period is judged against its standard and target, and a
site whose latest sample is older than its monitoring frequency allows shows 数据过期.  Period *means*
(GB 3838 annual/quarterly assessment) are a different statistic and live in ``compliance.water.assess_period``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping

import pandas as pd

from compliance.errors import ComplianceError
from compliance.status import SiteStatus, Status

_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|Q([1-4]))?$")

# change category -> Chinese label, in display order
CHANGES: dict[str, str] = {
    "new_exceed": "新增超标",
    "recovered": "恢复达标",
    "new_overdue": "新增逾期",
    "closed": "新销号",
    "other": "其他变化",
}
_BAD = {Status.EXCEED, Status.WARN}
_OK = {Status.GOOD}


def parse_period(text: str) -> tuple[int, int | None, int | None]:
    """(year, month or None, quarter or None) of '2026', '2026-10' or '2026Q3'."""
    m = _RE.match(text.strip())
    if not m:
        raise ComplianceError(f"时段“{text}”无效：应为年（2026）、季度（2026Q3）或月份（2026-10）")
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None


def period_end(text: str) -> dt.date:
    """Last day of the period."""
    year, month, quarter = parse_period(text)
    if month is None:
        month = 12 if quarter is None else quarter * 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_label(text: str) -> str:
    """Chinese label: 2026年、2026年第3季度、2026年10月."""
    year, month, quarter = parse_period(text)
    if month:
        return f"{year}年{month}月"
    if quarter:
        return f"{year}年第{quarter}季度"
    return f"{year}年"


def months_between(start: dt.date, end: dt.date) -> list[str]:
    """'YYYY-MM' of every month from ``start`` to ``end`` inclusive."""
    return [p.strftime("%Y-%m") for p in pd.period_range(start, end, freq="M")]


def periods_between(start: dt.date, end: dt.date, kind: str) -> list[str]:
    """Every month / quarter / year key between two dates, oldest first."""
    if kind == "month":
        return months_between(start, end)
    if kind == "quarter":
        return [f"{p.year}Q{p.quarter}" for p in pd.period_range(start, end, freq="Q")]
    if kind == "year":
        return [str(y) for y in range(start.year, end.year + 1)]
    raise ComplianceError(f"时段类型“{kind}”无效；可用：month、quarter、year")


def clamp_as_of(text: str, data_end: dt.date) -> dt.date:
    """Evaluation date of a period: its end, but never after the end of the data (a running period)."""
    return min(period_end(text), data_end)


def _category(before: Status, after: Status) -> str | None:
    if before == after:
        return None
    if after == Status.EXCEED and before != Status.EXCEED:
        return "new_exceed"
    if before in _BAD and after in _OK:
        return "recovered"
    if after == Status.OVERDUE:
        return "new_overdue"
    if after == Status.CLOSED:
        return "closed"
    return "other"


def compare_statuses(
    before: Mapping[str, SiteStatus], after: Mapping[str, SiteStatus], names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Every site whose status differs between two periods, with its change category (worst changes first).

    Columns: ``site_id, name, change, change_label, before, after, explanation`` (labels in Chinese).
    """
    names = names or {}
    rows = []
    for sid in sorted(set(before) | set(after)):
        b = before.get(sid, SiteStatus(Status.NODATA, "")).status
        a_status = after.get(sid, SiteStatus(Status.NODATA, ""))
        cat = _category(b, a_status.status)
        if cat is None:
            continue
        rows.append({
            "site_id": sid,
            "name": names.get(sid, sid),
            "change": cat,
            "change_label": CHANGES[cat],
            "before": SiteStatus(b, "").label,
            "after": a_status.label,
            "explanation": a_status.explanation,
        })
    cols = ["site_id", "name", "change", "change_label", "before", "after", "explanation"]
    if not rows:
        return pd.DataFrame(columns=cols)
    order = {c: i for i, c in enumerate(CHANGES)}
    out = pd.DataFrame(rows)
    out["_o"] = out["change"].map(order)
    return out.sort_values(["_o", "site_id"]).drop(columns="_o").reset_index(drop=True)[cols]


def change_counts(changes: pd.DataFrame) -> dict[str, int]:
    """Number of sites per change label, in ``CHANGES`` order, zeros included."""
    counts = changes["change"].value_counts() if not changes.empty else pd.Series(dtype=int)
    return {label: int(counts.get(code, 0)) for code, label in CHANGES.items()}
