"""Township roll-up and the leadership KPIs, from a site table (pandas only).

Input: a frame with at least ``township, kind, status`` (``layers.sitetable.site_table`` has them).
"Sections" (断面) are the water-quality sites: ``water_section`` and ``drinking_source``.  A section *meets its
target* when its status is 达标 or 预警 (预警 is still within the limit of its target class).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from compliance.status import PROBLEM_STATUSES, Status

WATER_KINDS = ("water_section", "drinking_source")
MEETS = (Status.GOOD.value, Status.WARN.value)
ASSESSED = (Status.GOOD.value, Status.WARN.value, Status.EXCEED.value)
PROBLEMS = tuple(s.value for s in PROBLEM_STATUSES)
ROLLUP_COLUMNS = ("乡镇", "水质点位", "达标点位", "达标率%", "超标", "逾期任务", "问题合计")
UNASSIGNED = "（未填乡镇）"


def township_rollup(table: pd.DataFrame, townships: list[str] | None = None) -> pd.DataFrame:
    """One row per township (every name in ``townships`` even when empty), most problems first.

    Columns: 乡镇, 水质点位 (assessed sections), 达标点位, 达标率% (None without assessed sections),
    超标 (sites of any kind with 超标), 逾期任务, 问题合计 (sites with any problem status).
    """
    t = table.assign(township=table["township"].replace("", UNASSIGNED).fillna(UNASSIGNED))
    water = t["kind"].isin(WATER_KINDS)
    parts = pd.DataFrame({
        "乡镇": t["township"],
        "水质点位": (water & t["status"].isin(ASSESSED)).astype(int),
        "达标点位": (water & t["status"].isin(MEETS)).astype(int),
        "超标": (t["status"] == Status.EXCEED.value).astype(int),
        "逾期任务": ((t["kind"] == "task") & (t["status"] == Status.OVERDUE.value)).astype(int),
        "问题合计": t["status"].isin(PROBLEMS).astype(int),
    })
    out = parts.groupby("乡镇", sort=False).sum()
    if townships:
        out = out.reindex(list(dict.fromkeys([*townships, *out.index])), fill_value=0)
    out = out.reset_index()
    rate = (100 * out["达标点位"] / out["水质点位"].where(out["水质点位"] > 0)).round(1)
    out["达标率%"] = rate.astype(object).where(rate.notna(), None)
    out = out.sort_values(["问题合计", "超标", "逾期任务", "乡镇"], ascending=[False, False, False, True])
    return out[list(ROLLUP_COLUMNS)].reset_index(drop=True)


def problems_by_township(table: pd.DataFrame) -> dict[str, int]:
    """Problem sites per township (for the choropleth)."""
    rows = table[table["status"].isin(PROBLEMS)]
    return {str(k): int(v) for k, v in rows.groupby("township").size().items()}


@dataclass(frozen=True)
class WaterKpi:
    """Sections meeting their target."""

    assessed: int
    meeting: int

    @property
    def share(self) -> float | None:
        """Percentage meeting target (None when nothing is assessed)."""
        return round(100 * self.meeting / self.assessed, 1) if self.assessed else None


@dataclass(frozen=True)
class TaskKpi:
    """Open and overdue rectification tasks."""

    open: int
    overdue: int
    closed: int


def water_kpi(table: pd.DataFrame, kinds: tuple[str, ...] = ("water_section",)) -> WaterKpi:
    """Sections (default: the 地表水监测断面 only) meeting their target among those assessed."""
    rows = table[table["kind"].isin(kinds)]
    return WaterKpi(int(rows["status"].isin(ASSESSED).sum()), int(rows["status"].isin(MEETS).sum()))


def task_kpi(table: pd.DataFrame) -> TaskKpi:
    """Open (整改中 + 逾期), overdue and closed tasks."""
    s = table.loc[table["kind"] == "task", "status"]
    overdue = int((s == Status.OVERDUE.value).sum())
    return TaskKpi(overdue + int((s == Status.IN_PROGRESS.value).sum()), overdue, int((s == Status.CLOSED.value).sum()))
