"""Schedule status of planned projects and of rectification tasks.

Project rule (this app's rule, stated in every explanation; no national standard defines it):
- expected progress is linear from 1 January of the start year to 31 December of the end year;
- 已完工 when the latest reported progress (on or before ``as_of``) is 100 %;
- 滞后 when the end year has passed without 100 %, or a milestone date has passed without being reached, or
  reported progress lags expected progress by more than ``margin`` percentage points (default 20);
- a milestone counts as reached when a progress note (on or before ``as_of``) names it, or reported progress
  reaches its ``pct`` when it has one; without ``pct``, when reported progress is above 0 and reaches the linear
  expectation at the milestone date less ``margin`` (reports are half-yearly and notes rarely repeat the
  milestone's exact words);
- 未开工 when nothing above 0 % is reported and none of the 滞后 conditions holds;
- 按期推进 otherwise.

Task rule: 已销号 when closed on or before ``as_of``; otherwise 逾期 when ``as_of`` is after the due date,
整改中 when not.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from compliance.errors import ComplianceError
from compliance.status import Basis, SiteStatus, Status

DELAY_MARGIN = 20.0
"""Percentage points by which reported progress may lag the linear expectation before 滞后."""

RULE = (
    "按计划年限线性推算应完成进度；实际进度落后超过 {margin:g} 个百分点、里程碑逾期未达成或到期未完工即为滞后"
    "（本系统规则，非国家标准）"
)
BASIS_STANDARD = "本系统进度规则（非国家标准）"


@dataclass(frozen=True)
class Milestone:
    """A planned milestone: date, name and optionally the progress it stands for."""

    date: dt.date
    name: str
    pct: float | None = None


def _date(value: object, field: str) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ComplianceError(f"{field}“{value}”不是有效日期") from None
    if pd.isna(ts):
        return None
    return ts.date()


def parse_milestones(milestones: Sequence[Mapping[str, object]] | str | None) -> list[Milestone]:
    """Milestones from a list of ``{"date", "name"[, "pct"]}`` or its JSON text, sorted by date."""
    if milestones is None:
        return []
    items = json.loads(milestones) if isinstance(milestones, str) else milestones
    out = []
    for m in items:
        if "date" not in m or "name" not in m:
            raise ComplianceError(f"里程碑“{m}”缺少 date 或 name")
        day = _date(m["date"], "里程碑日期")
        if day is None:
            raise ComplianceError(f"里程碑“{m['name']}”缺少日期")
        pct = m.get("pct")
        out.append(Milestone(day, str(m["name"]), None if pct is None else float(pct)))  # type: ignore[arg-type]
    return sorted(out, key=lambda m: m.date)


def expected_progress(start_year: int, end_year: int, as_of: dt.date) -> float:
    """Linear expected progress (%) from 1 January of ``start_year`` to 31 December of ``end_year``."""
    if end_year < start_year:
        raise ComplianceError(f"计划年限无效：完工年 {end_year} 早于开工年 {start_year}")
    begin = dt.date(start_year, 1, 1)
    finish = dt.date(end_year, 12, 31)
    if as_of < begin:
        return 0.0
    if as_of >= finish:
        return 100.0
    return 100.0 * (as_of - begin).days / (finish - begin).days


def _reports(progress: pd.DataFrame | None, as_of: dt.date) -> pd.DataFrame:
    if progress is None or progress.empty:
        return pd.DataFrame({"date": [], "progress_pct": [], "note": []})
    for col in ("date", "progress_pct"):
        if col not in progress.columns:
            raise ComplianceError(f"进度报告缺少列“{col}”")
    df = progress.copy()
    df["date"] = pd.to_datetime(df["date"]).dt.date
    pct = pd.to_numeric(df["progress_pct"], errors="coerce")
    bad = pct.isna() | (pct < 0) | (pct > 100)
    if bad.any():
        raise ComplianceError(f"进度“{df.loc[bad, 'progress_pct'].iloc[0]}”无效：应为 0–100 的数值")
    df["progress_pct"] = pct.astype(float)
    if "note" not in df.columns:
        df["note"] = ""
    df["note"] = df["note"].fillna("").astype(str)
    return df[df["date"] <= as_of].sort_values("date")


def _milestone_reached(m: Milestone, reports: pd.DataFrame, implied: float) -> bool:
    """Whether a milestone is reached: named in a note, or its pct (or the implied pct) reached."""
    if any(m.name in str(note) for note in reports["note"]):
        return True
    best = float(reports["progress_pct"].max()) if len(reports) else 0.0
    if m.pct is not None:
        return best >= m.pct
    return best > 0 and best >= implied


def project_status(
    *,
    start_year: int,
    end_year: int,
    milestones: Sequence[Mapping[str, object]] | str | None,
    progress: pd.DataFrame | None,
    as_of: dt.date,
    margin: float = DELAY_MARGIN,
) -> SiteStatus:
    """Schedule status of a project (未开工 / 按期推进 / 滞后 / 已完工), the rule in the explanation.

    ``progress``: reports with columns date, progress_pct (0–100) and optionally note.
    """
    as_of = _date(as_of, "评价日期") or dt.date.today()
    expected = expected_progress(start_year, end_year, as_of)
    reports = _reports(progress, as_of)
    stones = parse_milestones(milestones)
    actual = float(reports["progress_pct"].iloc[-1]) if len(reports) else 0.0
    last = reports["date"].iloc[-1].isoformat() if len(reports) else None
    rule = RULE.format(margin=margin)
    planned = f"计划 {start_year}–{end_year} 年"
    reported = f"实际进度 {actual:g}%（{last} 报）" if last else "无进度报告"
    basis = (Basis("progress_pct", actual, "%", round(expected, 1), BASIS_STANDARD, rule=rule, target=planned),)
    detail: dict[str, object] = {
        "expected_pct": round(expected, 1),
        "actual_pct": actual,
        "last_report": last,
        "start_year": start_year,
        "end_year": end_year,
        "overdue_milestones": [],
    }
    if actual >= 100:
        finished = reports.loc[reports["progress_pct"] >= 100, "date"].iloc[0]
        late_note = f"，晚于计划完工年 {end_year}" if finished > dt.date(end_year, 12, 31) else ""
        detail["finished"] = finished.isoformat()
        return SiteStatus(Status.DONE, f"已完工：{finished.isoformat()} 报完工{late_note}；{planned}", basis, detail)
    late = [
        m
        for m in stones
        if m.date < as_of
        and not _milestone_reached(m, reports, expected_progress(start_year, end_year, m.date) - margin)
    ]
    detail["overdue_milestones"] = [{"date": m.date.isoformat(), "name": m.name} for m in late]
    head = f"{planned}，按线性推算应完成 {expected:.0f}%，{reported}"
    reasons = []
    if as_of > dt.date(end_year, 12, 31):
        reasons.append(f"计划完工年 {end_year} 已过仍未完工")
    if late:
        reasons.append("里程碑逾期未达成：" + "、".join(f"{m.name}（{m.date.isoformat()}）" for m in late))
    if expected - actual > margin:
        reasons.append(f"落后 {expected - actual:.0f} 个百分点（允许 {margin:g}）")
    if reasons:
        return SiteStatus(Status.DELAYED, f"滞后：{'；'.join(reasons)}。{head} · 规则：{rule}", basis, detail)
    if actual <= 0:
        return SiteStatus(Status.NOT_STARTED, f"未开工：{head} · 规则：{rule}", basis, detail)
    return SiteStatus(Status.ON_TRACK, f"按期推进：{head} · 规则：{rule}", basis, detail)


def task_status(*, due: dt.date | str | None, closed: dt.date | str | None, as_of: dt.date) -> SiteStatus:
    """Status of a rectification task: 已销号 / 逾期 (with days overdue) / 整改中."""
    as_of = _date(as_of, "评价日期") or dt.date.today()
    due_d = _date(due, "整改期限")
    closed_d = _date(closed, "销号日期")
    detail: dict[str, object] = {
        "due": due_d.isoformat() if due_d else None,
        "closed": closed_d.isoformat() if closed_d and closed_d <= as_of else None,
        "days_overdue": 0,
    }
    basis = (Basis("due", None, None, due_d.isoformat() if due_d else None, "整改期限", rule="到期未销号即逾期"),)
    if closed_d is not None and closed_d <= as_of:
        late = (closed_d - due_d).days if due_d else 0
        extra = f"，超期 {late} 天销号" if late > 0 else "，按期销号" if due_d else ""
        detail["days_overdue"] = max(late, 0)
        return SiteStatus(Status.CLOSED, f"已销号：{closed_d.isoformat()} 销号{extra}", basis, detail)
    if due_d is None:
        return SiteStatus(Status.IN_PROGRESS, "整改中：未设整改期限", basis, detail)
    days = (as_of - due_d).days
    if days > 0:
        detail["days_overdue"] = days
        return SiteStatus(Status.OVERDUE, f"逾期：整改期限 {due_d.isoformat()}，已逾期 {days} 天未销号", basis, detail)
    return SiteStatus(Status.IN_PROGRESS, f"整改中：整改期限 {due_d.isoformat()}，剩余 {-days} 天", basis, detail)
