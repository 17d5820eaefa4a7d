"""Status of every register entry, dispatched by kind to the evaluator of its standard.

Pure pandas: the register, measurements, progress reports and tasks come in as frames, a mapping
``site_id -> SiteStatus`` goes out.  The map, the legend and the reports all use this one function.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from compliance import air, drinking, effluent, schedule, water
from compliance.config import WARN_FRACTION_DEFAULT
from compliance.status import SiteStatus, Status

# kind code -> Chinese name of its kind
KIND_LABELS: dict[str, str] = {
    "water_section": "地表水监测断面",
    "drinking_source": "集中式饮用水水源地",
    "air_station": "环境空气监测站点",
    "wwtp": "污水处理厂",
    "project": "重点项目",
    "enterprise": "重点企业",
    "park": "工业园区",
    "ship_waste": "船舶污染物接收点",
    "task": "问题与整改",
}

_INFO_TEXT = "仅标示位置：暂无监测数据接入，不作达标评价"


def default_as_of(measurements: pd.DataFrame) -> dt.date:
    """End of the latest month that has any measurement (the period the map shows by default)."""
    if measurements.empty:
        return dt.date.today()
    latest = pd.Timestamp(measurements["time"].max())
    return (latest + pd.offsets.MonthEnd(0)).date()


def assess_sites(
    register: pd.DataFrame,
    measurements: pd.DataFrame,
    *,
    progress: pd.DataFrame | None = None,
    as_of: dt.date,
    warn_fraction: float = WARN_FRACTION_DEFAULT,
    stale_after: Mapping[str, int] | None = None,
) -> dict[str, SiteStatus]:
    """Status of every site in ``register`` (one row per site, properties of the data contract).

    ``stale_after`` overrides the allowed age (days) of the latest sample per monitoring frequency.
    """
    cutoff = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    upto = measurements[pd.to_datetime(measurements["time"]) < cutoff]
    by_site = {sid: grp for sid, grp in upto.groupby("site_id", sort=False)}
    empty = upto.iloc[0:0]
    result: dict[str, SiteStatus] = {}
    for row in register.to_dict("records"):
        samples = by_site.get(row["site_id"], empty)
        result[row["site_id"]] = _assess_one(row, samples, progress, as_of, warn_fraction, stale_after)
    return result


def _assess_one(
    row: Mapping[str, Any],
    samples: pd.DataFrame,
    progress: pd.DataFrame | None,
    as_of: dt.date,
    warn_fraction: float,
    stale_after: Mapping[str, int] | None,
) -> SiteStatus:
    kind = row["kind"]
    if kind in ("water_section", "drinking_source"):
        evaluate = drinking.site_status if kind == "drinking_source" else water.site_status
        return evaluate(
            samples,
            water_body=_str(row.get("water_body")) or "river",
            target=_int(row.get("target_class")),
            freq=_str(row.get("monitoring_freq")),
            as_of=as_of,
            warn_fraction=warn_fraction,
            stale_after=stale_after,
            evaluate_lake_tn=_flag(row.get("evaluate_lake_tn")),
        )
    if kind == "air_station":
        return air.site_status(
            samples,
            as_of=as_of,
            air_class=_int(row.get("air_class")) or 2,
            warn_fraction=warn_fraction,
            stale_after=stale_after,
        )
    if kind == "wwtp":
        return effluent.site_status(
            samples,
            grade_history=_json(row.get("grade_history")) or [],
            built=_date(row.get("built")),
            as_of=as_of,
            warn_fraction=warn_fraction,
            stale_after=stale_after,
        )
    if kind == "project":
        reports = None
        if progress is not None:
            reports = progress[progress["site_id"] == row["site_id"]]
        return schedule.project_status(
            start_year=int(row["start_year"]),
            end_year=int(row["end_year"]),
            milestones=_json(row.get("milestones")) or [],
            progress=reports,
            as_of=as_of,
        )
    return SiteStatus(Status.INFO, f"{KIND_LABELS.get(kind, kind)}：{_INFO_TEXT}")


def assess_tasks(tasks: pd.DataFrame, *, as_of: dt.date) -> dict[str, SiteStatus]:
    """Status of every issue / rectification task (整改中 / 逾期 / 已销号)."""
    return {
        str(t["task_id"]): schedule.task_status(
            due=_date(t.get("due")), closed=_date(t.get("closed")), as_of=as_of
        )
        for t in tasks.to_dict("records")
    }


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or v == ""


def _str(v: object) -> str | None:
    return None if _missing(v) else str(v)


def _int(v: object) -> int | None:
    return None if _missing(v) else int(v)  # type: ignore[call-overload]


def _date(v: object) -> dt.date | None:
    if _missing(v):
        return None
    return pd.Timestamp(v).date()


def _flag(v: object) -> bool:
    if _missing(v):
        return False
    return str(v).strip().lower() in ("1", "true", "yes", "是")


def _json(v: object) -> Any:
    if _missing(v):
        return None
    return json.loads(v) if isinstance(v, str) else v


def assess_all(
    sites: pd.DataFrame,
    measurements: pd.DataFrame,
    progress: pd.DataFrame | None,
    tasks: pd.DataFrame,
    *,
    as_of: dt.date,
    warn_fraction: float = WARN_FRACTION_DEFAULT,
    stale_after: Mapping[str, int] | None = None,
) -> dict[str, SiteStatus]:
    """Statuses of every map feature: register entries by ``site_id`` and tasks by ``task_id``."""
    out = assess_sites(
        sites, measurements, progress=progress, as_of=as_of, warn_fraction=warn_fraction, stale_after=stale_after
    )
    clash = set(out) & set(tasks["task_id"].astype(str))
    if clash:
        raise ValueError(f"任务编号与点位编号重复：{', '.join(sorted(clash))}")
    out.update(assess_tasks(tasks, as_of=as_of))
    return out
