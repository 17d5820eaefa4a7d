"""The 25 indicators of the plan's 表2.3: the table as data, the values the app can compute, staff entries.

Pure pandas.  Four indicators are computed from the monitoring data when the data has them, over a *span*:
``"year"`` — the last complete calendar year at the evaluation date (the plan's indicators are annual; the map's
汇报模式 uses the same year), or ``"ytd"`` — 1 January of the evaluation year up to the evaluation date (年初至今):

- 1 PM2.5 and 2 good-day ratio: district daily series = mean of the air stations' daily values, then
  :func:`compliance.air.annual_stats` over the span;
- 3–5 surface-water sections: each section classified on its year-to-date item means
  over the span (:func:`compliance.water_vector.classify_table`), share of sections of Ⅲ类 or better
  (3: 国控, 4: 省控) or Ⅱ类 or better (5: 省控及以上);
- 21 centralised drinking-water sources: share of sources whose class over the span meets their target.

Every other value is entered by staff with its source and date (:class:`EnteredValue`); an entered value also
stands in for a computable indicator when the data has no site of that kind (e.g. no 国控 section).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from compliance import air, air_annual, water_means
from compliance.errors import ComplianceError
from compliance.status import Status, status_color
from compliance.water_vector import classify_table

LE, GE, TEXT = "le", "ge", "text"
"""Target directions: value at most the target, at least the target, qualitative target."""

ENTRY_MAX_AGE_DAYS = 550
"""An entered value older than this (about 18 months) at the evaluation date shows as 填报值过期 (app rule)."""


class IndicatorError(ComplianceError):
    """Bad indicator number or entered value."""


@dataclass(frozen=True)
class Indicator:
    """One row of 表2.3 as the plan writes it."""

    no: int
    category: str
    name: str
    scope: str
    unit: str
    base_text: str
    target_text: str
    cumulative_text: str
    binding: bool
    direction: str
    base: float | None = None
    target: float | None = None
    computable: bool = False

    @property
    def kind_label(self) -> str:
        """约束性 / 预期性."""
        return "约束性" if self.binding else "预期性"


_Q = "（一）环境质量改善"
_C = "（二）应对气候变化"
_R = "（三）环境风险防控"
_E = "（四）生态保护"
_H = "（五）人居环境改善"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(1, _Q, "细颗粒物（PM2.5）浓度", "全区", "µg/m³", "35.7", "31.7", "/", True, LE, 35.7, 31.7,
              True),
    Indicator(2, _Q, "空气质量优良天数比率", "全区", "%", "92.6%", "92.5%", "/", True, GE, 92.6, 92.5, True),
    Indicator(3, _Q, "地表水达到或好于Ⅲ类水体比例", "国控断面", "%", "100%", "100%", "/", True, GE, 100.0, 100.0,
              True),
    Indicator(4, _Q, "地表水达到或好于Ⅲ类水体比例", "省监测断面", "%", "—", "100%", "/", False, GE, None, 100.0,
              True),
    Indicator(5, _Q, "地表水达到或好于Ⅱ类水体比例", "省控及以上监测断面", "%", "—", "100%", "/", False, GE, None,
              100.0, True),
    Indicator(6, _Q, "地下水质量Ⅴ类水比例", "", "%", "—", "水质不下降", "/", False, TEXT),
    Indicator(7, _Q, "地下水质量Ⅴ类及劣Ⅴ类水比例", "省控以上监测断面", "%", "0", "0", "/", True, LE, 0.0, 0.0),
    Indicator(8, _Q, "氮氧化物减少", "", "吨", "1.87%", "/", "[85]", True, GE, None, 85.0),
    Indicator(9, _Q, "化学需氧量减少", "", "吨", "4.2%", "/", "[428]", True, GE, None, 428.0),
    Indicator(10, _Q, "氨氮减少", "", "吨", "4.6%", "/", "[28]", True, GE, None, 28.0),
    Indicator(11, _Q, "挥发性有机物减少", "", "吨", "—", "/", "[16]", True, GE, None, 16.0),
    Indicator(12, _C, "生产总值二氧化碳排放降低", "", "%", "—", "按市级下达的任务", "/", True, TEXT),
    Indicator(13, _C, "生产总值能源消耗降低", "", "%", "—", "按市级下达的任务", "/", True, TEXT),
    Indicator(14, _C, "非化石能源占能源消耗总量", "", "%", "—", "/", "/", False, TEXT),
    Indicator(15, _R, "受污染耕地安全利用率", "", "%", "≥90", "93.0以上", "/", True, GE, 90.0, 93.0),
    Indicator(16, _R, "重点建设用地安全利用率", "", "%", "100", "有效保障", "/", True, TEXT, 100.0),
    Indicator(17, _R, "放射辐射源事故年发生率", "", "起/每万枚", "0", "0", "/", False, LE, 0.0, 0.0),
    Indicator(18, _E, "生态环境质量指数（EQI）", "", "", "—", "稳中向好", "/", False, TEXT),
    Indicator(19, _E, "森林覆盖率", "", "%", "34.37%", "35.68%", "/", True, GE, 34.37, 35.68),
    Indicator(20, _E, "生态保护红线占国土面积比例", "", "%", "—", "不低于市级批复要求", "/", True, TEXT),
    Indicator(21, _H, "集中式饮用水水源达标率", "", "%", "100", "100", "/", False, GE, 100.0, 100.0, True),
    Indicator(22, _H, "城镇生活污水集中收集率", "", "%", "—", "56", "/", False, GE, None, 56.0),
    Indicator(23, _H, "县城污水处理率", "", "%", "—", "96.5", "/", False, GE, None, 96.5),
    Indicator(24, _H, "农村生活污水处理率", "", "%", "—", "40", "/", False, GE, None, 40.0),
    Indicator(25, _H, "城市生活垃圾处理率", "", "%", "—", "100", "/", True, GE, None, 100.0),
)
"""表2.3 of the plan; for 8–11 the target is the five-year cumulative reduction in tonnes (五年累计目标)."""

COMPUTABLE: tuple[int, ...] = tuple(i.no for i in INDICATORS if i.computable)


def indicator(no: int) -> Indicator:
    """The indicator with number ``no`` (1–25)."""
    for i in INDICATORS:
        if i.no == no:
            return i
    raise IndicatorError(f"指标序号“{no}”无效：应为 1–{len(INDICATORS)}")


def full_name(ind: Indicator) -> str:
    """Name with its scope, e.g. '地表水达到或好于Ⅲ类水体比例（国控断面）'."""
    return f"{ind.name}（{ind.scope}）" if ind.scope and ind.scope != "全区" else ind.name


# ----------------------------------------------------------------------------------------------- values
@dataclass(frozen=True)
class ComputedValue:
    """A value computed from the monitoring data."""

    no: int
    value: float
    period: str
    explanation: str
    n_sites: int
    insufficient: bool = False
    """The data does not meet the validity rules (数据不足，不评价): ``value`` is NaN, the explanation gives counts."""


@dataclass(frozen=True)
class EnteredValue:
    """A value entered by staff: number and/or text, where it comes from and when it was reported."""

    no: int
    value: float | None
    text: str
    source: str
    date: dt.date
    met: bool | None = None
    entered_by: str = ""

    def as_json(self) -> dict[str, object]:
        """JSON-ready dict."""
        d = asdict(self)
        d["date"] = self.date.isoformat()
        return d


def entry(
    no: object,
    value: object = None,
    *,
    text: object = "",
    source: object,
    date: object,
    met: object = None,
    entered_by: object = "",
) -> EnteredValue:
    """Validate a staff entry; raises :class:`IndicatorError` naming the field in Chinese."""
    try:
        n = int(no)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise IndicatorError(f"指标序号“{no}”无效：应为 1–{len(INDICATORS)} 的整数") from None
    ind = indicator(n)
    num: float | None = None
    if value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value).strip() != "":
        try:
            num = float(str(value).strip().rstrip("%"))
        except ValueError:
            raise IndicatorError(f"指标 {n}“{ind.name}”的填报值“{value}”不是数值") from None
        if not math.isfinite(num) or num < 0:
            raise IndicatorError(f"指标 {n}“{ind.name}”的填报值“{value}”无效：应为非负数值")
        if ind.unit == "%" and num > 100:
            raise IndicatorError(f"指标 {n}“{ind.name}”的填报值“{value}”无效：百分比不应大于 100")
    text_s = "" if text is None else str(text).strip()
    if num is None and not text_s:
        raise IndicatorError(f"指标 {n}“{ind.name}”缺少填报值：请填写数值或文字说明")
    src = "" if source is None else str(source).strip()
    if not src:
        raise IndicatorError(f"指标 {n}“{ind.name}”缺少数据来源：请注明来源（如文件名、统计公报）")
    day = _date(date, f"指标 {n} 的填报日期")
    flag = None if met is None or (isinstance(met, float) and math.isnan(met)) else _bool(met, n)
    return EnteredValue(n, num, text_s, src, day, flag, "" if entered_by is None else str(entered_by).strip())


def _date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise IndicatorError(f"{what}“{value}”无效：应为 YYYY-MM-DD") from None


def _bool(value: object, n: int) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "是", "达到", "已达到"):
        return True
    if text in ("0", "false", "no", "否", "未达到"):
        return False
    raise IndicatorError(f"指标 {n} 的“是否达到目标”取值“{value}”无效：应为 是 / 否")


def load_entries(path: Path) -> dict[int, EnteredValue]:
    """Staff entries from a JSON file (a list of objects); a missing file means no entries."""
    if not path.exists():
        return {}
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndicatorError(f"指标填报文件 {path.name} 不是有效的 JSON：第 {exc.lineno} 行") from None
    if not isinstance(items, list):
        raise IndicatorError(f"指标填报文件 {path.name} 格式无效：应为列表")
    out: dict[int, EnteredValue] = {}
    for item in items:
        if not isinstance(item, Mapping):
            raise IndicatorError(f"指标填报文件 {path.name} 含无效条目：{item!r}")
        e = entry(item.get("no"), item.get("value"), text=item.get("text", ""), source=item.get("source"),
                  date=item.get("date"), met=item.get("met"), entered_by=item.get("entered_by", ""))
        out[e.no] = e
    return out


def save_entries(path: Path, entries: Iterable[EnteredValue]) -> None:
    """Write entries (sorted by number) atomically as JSON."""
    items = [e.as_json() for e in sorted(entries, key=lambda e: e.no)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


# ------------------------------------------------------------------------------------------ computation
SPANS = ("year", "ytd")


def reference_year(as_of: dt.date) -> int:
    """The last complete calendar year at ``as_of`` (its own year on 31 December)."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def span_dates(as_of: dt.date, span: str) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, Chinese label) of a span: ``'year'`` → 2025年, ``'ytd'`` → 2026年1–10月."""
    if span == "year":
        y = reference_year(as_of)
        return dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年"
    if span == "ytd":
        label = f"{as_of.year}年1月" if as_of.month == 1 else f"{as_of.year}年1–{as_of.month}月"
        return dt.date(as_of.year, 1, 1), as_of, label
    raise IndicatorError(f"统计区间“{span}”无效；可用：{'、'.join(SPANS)}")


def ytd_label(as_of: dt.date) -> str:
    """'2026年1–10月' (year to date), or '2026年1月'."""
    return span_dates(as_of, "ytd")[2]


def _within(measurements: pd.DataFrame, site_ids: Sequence[str], first: dt.date, last: dt.date) -> pd.DataFrame:
    t = pd.to_datetime(measurements["time"])
    start = pd.Timestamp(first)
    end = pd.Timestamp(last) + pd.Timedelta(days=1)
    mask = measurements["site_id"].isin(list(site_ids)) & (t >= start) & (t < end)
    return measurements.loc[mask]


def district_air_stats(sites: pd.DataFrame, measurements: pd.DataFrame, as_of: dt.date, span: str = "year"
                       ) -> air.AnnualStats | None:
    """Statistics of the district daily series (mean of the air stations per day and item) over a span."""
    first, last, _ = span_dates(as_of, span)
    ids = sites.loc[sites["kind"] == "air_station", "site_id"].astype(str).tolist()
    data = _within(measurements, ids, first, last)
    daily = district_daily(data)
    if daily.empty:
        return None
    return air.annual_stats(daily)


def district_daily(data: pd.DataFrame) -> pd.DataFrame:
    """District daily series: per day and item, the mean of the stations' valid daily values.

    Hourly rows are aggregated by the GB 3095 Table 4 rules (:func:`compliance.air_annual.daily_values`).
    """
    data = data[data["param"].isin((*air.DAILY_CODES, "O3"))]
    if data.empty:
        return pd.DataFrame(columns=["time", "param", "value"])
    dv = air_annual.daily_values(data[["site_id", "time", "param", "value"]])
    dv = dv[dv["valid"] & dv["param"].isin(air.DAILY_CODES)]
    return dv.groupby(["time", "param"], as_index=False)["value"].mean()[["time", "param", "value"]]


def district_air_validity(sites: pd.DataFrame, measurements: pd.DataFrame, as_of: dt.date, span: str = "year"
                          ) -> dict[str, air_annual.Validity]:
    """Validity of the district PM2.5 series (key ``'PM2_5'``) and of its valid AQI days (``'aqi'``)."""
    first, last, _ = span_dates(as_of, span)
    ids = sites.loc[sites["kind"] == "air_station", "site_id"].astype(str).tolist()
    daily = district_daily(_within(measurements, ids, first, last))
    pm_days = daily.loc[daily["param"] == "PM2_5", "time"]
    if daily.empty:
        aqi_days = pd.Series([], dtype="datetime64[ns]")
    else:
        table = air.daily_aqi_table(daily.assign(site_id="_")[["site_id", "time", "param", "value"]])
        aqi_days = table.loc[table["aqi"].notna(), "time"]
    return {"PM2_5": air_annual.validity(pm_days, first, last), "aqi": air_annual.validity(aqi_days, first, last)}


def section_classes(sites: pd.DataFrame, measurements: pd.DataFrame, as_of: dt.date, kinds: Sequence[str],
                    span: str = "year", nd_rule: str = water_means.ND_FULL) -> pd.DataFrame:
    """Class over the span of every site of ``kinds`` with data: site_id, control_level, target, water_class.

    ``nd_rule``: undetected values enter the means at the detection limit (``full``) or at half of it (``half``).
    """
    first, last, _ = span_dates(as_of, span)
    reg = sites.loc[sites["kind"].isin(list(kinds))]
    data = _within(measurements, reg["site_id"].astype(str).tolist(), first, last)
    cols = ["site_id", "control_level", "target", "water_class", "meets_target"]
    if data.empty:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame({
        "site_id": reg["site_id"].astype(str).to_numpy(),
        "water_body": reg["water_body"].fillna("river").to_numpy(),
        "target": pd.to_numeric(reg["target_class"], errors="coerce").to_numpy(),
    })
    cols_in = [c for c in ("site_id", "time", "param", "value", "raw") if c in data.columns]
    table = classify_table(data[cols_in], frame, period="year", nd_rule=nd_rule)
    table = table[table["period"].astype(str) == str(first.year)]
    level = dict(zip(reg["site_id"].astype(str), reg.get("control_level", pd.Series(dtype=str)), strict=False))
    table = table.assign(control_level=table["site_id"].map(level))
    return table[cols].reset_index(drop=True)


def _share(classes: pd.DataFrame, best: int) -> tuple[float | None, int]:
    valid = classes["water_class"].dropna()
    if valid.empty:
        return None, 0
    return round(100 * float((valid.astype(int) <= best).mean()), 1), len(valid)


def compute_indicators(sites: pd.DataFrame, measurements: pd.DataFrame, *, as_of: dt.date, span: str = "year",
                       nd_rule: str = water_means.ND_FULL) -> dict[int, ComputedValue]:
    """Values of the computable indicators (1, 2, 3, 4, 5, 21) that the data supports over ``span``.

    ``nd_rule`` is how undetected values enter the water period means (``CHAISANG_ND_MEAN_RULE``).
    """
    out: dict[int, ComputedValue] = {}
    label = span_dates(as_of, span)[2]
    stats = district_air_stats(sites, measurements, as_of, span)
    n_air = int((sites["kind"] == "air_station").sum())
    check = district_air_validity(sites, measurements, as_of, span) if stats is not None else {}
    if stats is not None:
        if "PM2_5" in stats.means and not check["PM2_5"].ok:
            out[1] = ComputedValue(1, math.nan, label, f"{label}全区 PM2.5 " + check["PM2_5"].text(""), n_air, True)
        elif "PM2_5" in stats.means:
            pm = round(stats.means["PM2_5"], 1)
            out[1] = ComputedValue(1, pm, label, f"{label}全区 {n_air} 个空气站日均值的均值：PM2.5 {pm:.1f} µg/m³",
                                   n_air)
        if stats.good_ratio is not None and not check["aqi"].ok:
            out[2] = ComputedValue(2, math.nan, label, f"{label}全区优良天数比例：AQI " + check["aqi"].text(""),
                                   n_air, True)
        elif stats.good_ratio is not None:
            out[2] = ComputedValue(2, stats.good_ratio, label,
                                   f"{label}有效天数 {stats.valid_days}，优良 {stats.good_days} 天，"
                                   f"比例 {stats.good_ratio:.1f}%" + ("；" + stats.note if stats.note else ""), n_air)
    sections = section_classes(sites, measurements, as_of, ("water_section",), span, nd_rule)
    for no, levels, best in ((3, ("国控",), 3), (4, ("省控",), 3), (5, ("国控", "省控"), 2)):
        sub = sections[sections["control_level"].isin(levels)]
        share, n = _share(sub, best)
        if share is not None:
            good = round(share * n / 100)
            out[no] = ComputedValue(no, share, label, f"{label}均值评价：{n} 个{'、'.join(levels)}断面中 {good} 个"
                                    f"达到或好于{'Ⅲ' if best == 3 else 'Ⅱ'}类", n)
    sources = section_classes(sites, measurements, as_of, ("drinking_source",), span, nd_rule)
    sources = sources[sources["water_class"].notna() & sources["target"].notna()]
    if len(sources):
        meets = int(sources["meets_target"].astype(bool).sum())
        share = round(100 * meets / len(sources), 1)
        out[21] = ComputedValue(21, share, label,
                                f"{label}均值评价：{len(sources)} 个水源地中 {meets} 个达到水质目标", len(sources))
    return out


# -------------------------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class IndicatorRow:
    """One indicator with its latest value, where the value comes from, progress and status."""

    indicator: Indicator
    value: float | None
    value_text: str
    origin: str
    period: str
    source: str
    progress_pct: float | None
    met: bool | None
    status: Status
    status_text: str
    explanation: str
    ytd_text: str = ""

    @property
    def color(self) -> str:
        """Status colour (compliance.status palette)."""
        return status_color(self.status)


ORIGIN_LABEL = {"computed": "系统计算", "entered": "人工填报", "none": "待填报"}


def progress(ind: Indicator, value: float | None) -> float | None:
    """Progress (0–100 %) from the 2020 value towards the 2025 target; None for qualitative targets."""
    if value is None or ind.target is None or ind.direction == TEXT:
        return None
    t, b = ind.target, ind.base
    if ind.direction == LE:
        pct = 100 * (b - value) / (b - t) if b is not None and b > t else (100.0 if value <= t else 0.0)
    elif b is not None and t > b:
        pct = 100 * (value - b) / (t - b)
    else:
        pct = 100 * value / t if t > 0 else 100.0
    return round(min(max(pct, 0.0), 100.0), 1)


def meets(ind: Indicator, value: float | None) -> bool | None:
    """Whether a value meets the 2025 target (None when it cannot be judged)."""
    if value is None or ind.target is None or ind.direction == TEXT:
        return None
    return round(value, 2) <= ind.target if ind.direction == LE else round(value, 2) >= ind.target


def fmt_value(ind: Indicator, value: float | None) -> str:
    """Value with its unit, as shown ('31.2 µg/m³' style units kept as the plan writes them)."""
    if value is None:
        return "—"
    if ind.no == 19:
        text = f"{value:.2f}"
    elif value in (0.0, 100.0) or ind.unit in ("吨", "起/每万枚"):
        text = f"{value:g}"
    else:
        text = f"{value:.1f}"
    return f"{text}%" if ind.unit == "%" else f"{text} {ind.unit}".strip()


def _status(met: bool | None, stale: bool, has_value: bool) -> tuple[Status, str]:
    if not has_value:
        return Status.NODATA, "待填报"
    if stale:
        return Status.STALE, "填报值过期"
    if met is None:
        return Status.INFO, "定性目标，待判断"
    return (Status.GOOD, "已达到目标") if met else (Status.DELAYED, "未达到目标")


def indicator_table(
    computed: Mapping[int, ComputedValue],
    entered: Mapping[int, EnteredValue],
    *,
    as_of: dt.date,
    ytd: Mapping[int, ComputedValue] | None = None,
) -> list[IndicatorRow]:
    """All 25 indicators: computed values first, else staff entries, else 待填报; ``ytd``: 年初至今 values."""
    rows = []
    for ind in INDICATORS:
        c, e = computed.get(ind.no), entered.get(ind.no)
        y = (ytd or {}).get(ind.no)
        ytd_text = ""
        if y is not None:
            ytd_text = f"{y.period}：{air_annual.INSUFFICIENT if y.insufficient else fmt_value(ind, y.value)}"
        if c is not None and c.insufficient:
            rows.append(IndicatorRow(ind, None, air_annual.INSUFFICIENT, "computed", c.period, "监测数据（系统计算）",
                                     None, None, Status.NODATA, air_annual.INSUFFICIENT, c.explanation, ytd_text))
            continue
        if c is not None:
            met = meets(ind, c.value)
            st, st_text = _status(met, False, True)
            rows.append(IndicatorRow(ind, c.value, fmt_value(ind, c.value), "computed", c.period,
                                     "监测数据（系统计算）", progress(ind, c.value), met, st, st_text, c.explanation,
                                     ytd_text))
            continue
        if e is not None:
            met = meets(ind, e.value) if e.value is not None and ind.direction != TEXT else e.met
            stale = (as_of - e.date).days > ENTRY_MAX_AGE_DAYS
            st, st_text = _status(met, stale, True)
            shown = fmt_value(ind, e.value) if e.value is not None else e.text
            who = f"，填报人 {e.entered_by}" if e.entered_by else ""
            extra = f"；{e.text}" if e.text and e.value is not None else ""
            text = f"{e.source}（{e.date.isoformat()}{who}）{extra}"
            rows.append(IndicatorRow(ind, e.value, shown, "entered", e.date.isoformat(), e.source,
                                     progress(ind, e.value), met, st, st_text, text, ytd_text))
            continue
        st, st_text = _status(None, False, False)
        why = "监测数据中无此类点位，请填报" if ind.computable else "请填报数值、来源和日期"
        rows.append(IndicatorRow(ind, None, "—", "none", "", "", None, None, st, st_text, why, ytd_text))
    return rows


def indicator_frame(rows: Sequence[IndicatorRow]) -> pd.DataFrame:
    """The table for display (Chinese column names)."""
    return pd.DataFrame([{
        "序号": r.indicator.no,
        "类别": r.indicator.category,
        "指标": full_name(r.indicator),
        "属性": r.indicator.kind_label,
        "2020年": r.indicator.base_text,
        "2025年目标": r.indicator.target_text if r.indicator.target_text != "/" else r.indicator.cumulative_text,
        "最新值": r.value_text,
        "来源": ORIGIN_LABEL[r.origin],
        "时段/日期": r.period,
        "今年以来": r.ytd_text,
        "进度%": r.progress_pct,
        "状态": r.status_text,
        "说明": r.explanation,
    } for r in rows])
