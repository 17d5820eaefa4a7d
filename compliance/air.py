"""Ambient air: GB 3095 limits and HJ 633 AQI, the 2012 or 2026 texts chosen by observation date only.

Rules implemented (see shared/reference/standards.md §0, §3, §4):

- Observations up to 2026-02-28 use GB 3095-2012 and HJ 633-2012; from 2026-03-01 GB 3095—2026 and
  HJ 633—2026.  GB 3095—2026 Table 1 uses transition limits until 2030-12-31 and final limits from 2031-01-01.
- Concentrations are first rounded per GB/T 8170 (四舍六入五成双, applied once to the decimal value):
  µg/m³ to an integer, CO (mg/m³) to 0.1.  IAQI and AQI are then rounded UP (向上进位取整).
- AQI = max(IAQI); primary pollutant(s) only when AQI > 50, all tied pollutants listed.
- NA rule (HJ 633—2026 §5.3.1, applied to both versions): when a daily indicator is missing, the AQI from the
  rest is published only if it is > 100; otherwise the AQI is NA.
- O3 8 h > 800 µg/m³: 2026 → IAQI 300; 2012 → the O3 IAQI comes from the 1 h value (key ``O3``), and without
  it the O3 sub-index cannot be computed (treated as missing).
- SO2 1 h > 800 µg/m³ (real-time reports only, :func:`hourly_aqi`): 2026 → IAQI 200; 2012 → the SO2 IAQI
  comes from the 24 h mean.
- A concentration above the top breakpoint of its column gives IAQI 500 (this app's choice; the texts give no
  sub-index above 500), and the explanation says so.
- The 2012 daily report had a 7th indicator, the O3 daily maximum 1 h value (key ``O3``); it is used when
  given and is ignored for dates from 2026-03-01, where it is no longer a daily indicator.
- Compliance compares the rounded concentration with the limit; exactly at the limit meets it.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from compliance.config import FREQ_LABEL, WARN_FRACTION_DEFAULT, stale_after_days
from compliance.errors import ComplianceError, InvalidValueError, UnitMismatchError
from compliance.params import PARAMS, get_param, param_name
from compliance.status import AQI_LEVEL_STYLE, STATUS_STYLE, Basis, SiteStatus, Status
from compliance.values import parse_value

TABLES = Path(__file__).parent / "tables"

SWITCH_DATE = dt.date(2026, 3, 1)
FINAL_LIMITS_DATE = dt.date(2031, 1, 1)
HJ633_2012 = "HJ 633-2012"
HJ633_2026 = "HJ 633—2026"
GB3095_2012 = "GB 3095-2012"
GB3095_2026 = "GB 3095—2026"

DAILY_CODES: tuple[str, ...] = ("SO2", "NO2", "CO", "O3_8h", "PM10", "PM2_5")
"""The six daily-report indicators (24 h means; O3_8h is the daily maximum 8 h mean)."""

AIR_CODES: tuple[str, ...] = (*DAILY_CODES, "O3")
IAQI_NODES: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)
IAQI_CAP = 500
CO_SUSPECT_MG = 100.0
"""A CO value at or above this many mg/m³ is taken as given in µg/m³ by mistake (IAQI 500 is at 60 mg/m³)."""

WARN_LABEL = "局内预警阈值（非国家标准）"
PLAN_TARGETS: dict[str, float] = {"PM2_5": 31.7, "good_ratio": 92.5}
"""Plan targets: PM2.5 annual mean (µg/m³, at most) and good-day ratio (%, at least)."""

_SCALE = {"CO": 10}  # concentrations are handled as integers: µg/m³, or 0.1 mg/m³ for CO
_DAILY_COLUMN = {
    "SO2": "SO2_24h",
    "NO2": "NO2_24h",
    "CO": "CO_24h",
    "O3_8h": "O3_8h",
    "PM10": "PM10_24h",
    "PM2_5": "PM2_5_24h",
    "O3": "O3_1h",
}
_HOURLY_COLUMN = {
    "SO2": "SO2_1h",
    "NO2": "NO2_1h",
    "CO": "CO_1h",
    "O3": "O3_1h",
    "O3_8h": "O3_8h",
    "PM10": "PM10_24h",
    "PM2_5": "PM2_5_24h",
}
_LIMIT_KEY = {  # code -> (param, averaging) row of the GB 3095 tables, for daily compliance
    "SO2": ("SO2", "daily"),
    "NO2": ("NO2", "daily"),
    "CO": ("CO", "daily"),
    "O3_8h": ("O3", "8h"),
    "PM10": ("PM10", "daily"),
    "PM2_5": ("PM2_5", "daily"),
    "O3": ("O3", "1h"),
}
_ANNUAL_MEAN_CODES = ("SO2", "NO2", "PM10", "PM2_5")


# --------------------------------------------------------------------------------------------- tables
def _read_csv(name: str) -> list[dict[str, str]]:
    with (TABLES / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@cache
def breakpoints(standard: str) -> dict[str, tuple[tuple[int, Decimal], ...]]:
    """IAQI breakpoints of ``HJ633_2012`` or ``HJ633_2026``: column -> ((IAQI, concentration), …).

    Empty table cells (no breakpoint) are left out, so a column may stop before IAQI 500.
    """
    name = {HJ633_2012: "hj633_2012.csv", HJ633_2026: "hj633_2026.csv"}[standard]
    rows = _read_csv(name)
    columns = [c for c in rows[0] if c != "iaqi"]
    return {col: tuple((int(r["iaqi"]), Decimal(r[col])) for r in rows if r[col].strip() != "") for col in columns}


@cache
def gb3095_limits(version: str) -> dict[tuple[str, str], dict[str, Decimal]]:
    """GB 3095 Table 1 limits: (param, averaging) -> {column: limit}.

    Columns are ``class1``/``class2`` for 2012 and ``transition_class1`` … ``final_class2`` for 2026.
    """
    name = {GB3095_2012: "gb3095_2012.csv", GB3095_2026: "gb3095_2026.csv"}[version]
    out: dict[tuple[str, str], dict[str, Decimal]] = {}
    for r in _read_csv(name):
        cols = {k: Decimal(v) for k, v in r.items() if k not in ("param", "averaging", "unit")}
        out[(r["param"], r["averaging"])] = cols
    return out


def aqi_standard(day: dt.date) -> str:
    """Return the HJ 633 version that applies to an observation date."""
    return HJ633_2026 if _as_date(day) >= SWITCH_DATE else HJ633_2012


def limit_standard(day: dt.date, air_class: int = 2) -> tuple[str, str, str]:
    """(GB 3095 version, table column, Chinese label) for an observation date and zone class."""
    day = _as_date(day)
    if air_class not in (1, 2):
        raise ComplianceError(f"环境空气功能区类别“{air_class}”无效：只能为 1 或 2")
    cls = "一级" if air_class == 1 else "二级"
    if day < SWITCH_DATE:
        return GB3095_2012, f"class{air_class}", f"{GB3095_2012} {cls}"
    if day < FINAL_LIMITS_DATE:
        return GB3095_2026, f"transition_class{air_class}", f"{GB3095_2026} {cls}（过渡期限值）"
    return GB3095_2026, f"final_class{air_class}", f"{GB3095_2026} {cls}（最终限值）"


def daily_limits(day: dt.date, air_class: int = 2) -> dict[str, float]:
    """Daily limits by indicator code (O3_8h: 8 h; O3: 1 h) that apply on ``day``."""
    version, column, _ = limit_standard(day, air_class)
    table = gb3095_limits(version)
    return {code: float(table[key][column]) for code, key in _LIMIT_KEY.items()}


# ------------------------------------------------------------------------------------ rounding/IAQI
def round_concentration(code: str, value: float | str | Decimal) -> Decimal:
    """Round per GB/T 8170 (四舍六入五成双, once, on the decimal value): µg/m³ to 1, CO to 0.1 mg/m³."""
    text = value if isinstance(value, (str, Decimal)) else repr(float(value))
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise InvalidValueError(code, value, "不是数值") from None
    step = Decimal("0.1") if code == "CO" else Decimal(1)
    return d.quantize(step, rounding=ROUND_HALF_EVEN)


def _ceil_div(num: int, den: int) -> int:
    return -((-num) // den)


@dataclass(frozen=True)
class SubIndex:
    """One pollutant's sub-index and the breakpoint segment used."""

    code: str
    conc: Decimal
    iaqi: int
    bp_lo: Decimal | None
    bp_hi: Decimal | None
    i_lo: int
    i_hi: int
    note: str = ""


def iaqi(code: str, conc: Decimal, column: str, standard: str) -> SubIndex | None:
    """IAQI of a rounded concentration against one breakpoint column; None above a column that stops early."""
    bps = breakpoints(standard)[column]
    scale = _SCALE.get(code, 1)
    c = int(conc * scale)
    nodes = [(i, int(b * scale)) for i, b in bps]
    if c > nodes[-1][1]:
        if nodes[-1][0] < IAQI_CAP:
            return None
        note = f"超出表列最高浓度 {_num(bps[-1][1])}，分指数按 {IAQI_CAP} 计（本系统约定）"
        return SubIndex(code, conc, IAQI_CAP, bps[-1][1], None, IAQI_CAP, IAQI_CAP, note)
    for k in range(len(nodes) - 1):
        (il, bl), (ih, bh) = nodes[k], nodes[k + 1]
        if bl <= c <= bh:
            value = il + _ceil_div((ih - il) * (c - bl), bh - bl)
            return SubIndex(code, conc, value, bps[k][1], bps[k + 1][1], il, ih)
    raise AssertionError("unreachable: concentrations are non-negative")  # pragma: no cover


def aqi_level(aqi: int) -> int:
    """AQI level 1–6 (HJ 633 Table 1)."""
    for level, top in enumerate((50, 100, 150, 200, 300), start=1):
        if aqi <= top:
            return level
    return 6


# ------------------------------------------------------------------------------------------ input
class SuspectedUnitError(UnitMismatchError):
    """A CO value so large that it was almost certainly given in µg/m³."""

    def __init__(self, param: str, value: object) -> None:
        ComplianceError.__init__(
            self,
            f"项目“{param}”的数值“{value}”疑似以 µg/m³ 填报：{param} 的标准单位为 mg/m³"
            f"（≥{CO_SUSPECT_MG:g} mg/m³ 不可能出现），请先换算",
        )
        self.param = param
        self.unit = "µg/m³"


def _is_missing(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and raw.strip() == ""


def _clean(conc: Mapping[str, object], allowed: Iterable[str]) -> dict[str, Decimal]:
    """Validate codes and values; return rounded concentrations of the present items."""
    allowed = tuple(allowed)
    out: dict[str, Decimal] = {}
    for code, raw in conc.items():
        if code not in allowed:
            get_param(code)  # raises UnknownParameterError for codes no table knows
            raise ComplianceError(
                f"项目“{code}”（{param_name(code)}）不是环境空气 AQI 评价项目；可用：{'、'.join(allowed)}"
            )
        if _is_missing(raw):
            continue
        reading = parse_value(code, raw)
        if code == "CO" and reading.value >= CO_SUSPECT_MG:
            raise SuspectedUnitError(code, raw)
        text = reading.raw if (isinstance(raw, str) and not reading.below_dl) else reading.value
        out[code] = round_concentration(code, text)
    return out


def _as_date(day: object) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    try:
        return pd.Timestamp(day).date()
    except (ValueError, TypeError):
        raise ComplianceError(f"日期“{day}”无效") from None


# ------------------------------------------------------------------------------------------- AQI
@dataclass(frozen=True)
class AqiResult:
    """AQI of one day (or one hour) with its explanation and structured basis."""

    aqi: int | None
    level: int | None
    category: str | None
    color: str
    primary: list[str]
    iaqi: dict[str, int]
    standard: str
    explanation: str
    basis: tuple[Basis, ...]
    day: dt.date
    concentrations: dict[str, float] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """AQI as published: the number, or 'NA'."""
        return "NA" if self.aqi is None else str(self.aqi)

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable summary."""
        return {
            "date": self.day.isoformat(),
            "aqi": self.aqi,
            "level": self.level,
            "category": self.category,
            "color": self.color,
            "primary": list(self.primary),
            "iaqi": dict(self.iaqi),
            "standard": self.standard,
        }


def _fmt(d: Decimal | float) -> str:
    return f"{float(d):g}" if isinstance(d, Decimal) else f"{d:g}"


def _num(d: Decimal) -> str:
    return _fmt(d)


def _unit(code: str) -> str:
    return PARAMS[code].unit


def _label(code: str) -> str:
    return {"PM2_5": "PM2.5", "O3_8h": "O3-8h", "O3": "O3-1h"}.get(code, code)


def _sub_text(s: SubIndex) -> str:
    seg = (
        f"浓度分段 {_num(s.bp_lo)}–{_num(s.bp_hi)} 对应 IAQI {s.i_lo}–{s.i_hi}"
        if s.bp_hi is not None and s.bp_lo is not None
        else s.note
    )
    if s.note and s.bp_hi is not None:
        seg = s.note
    return f"{_label(s.code)} {_num(s.conc)} {_unit(s.code)}，IAQI {s.iaqi}（{seg}）"


def _compose(
    subs: dict[str, SubIndex],
    standard: str,
    day: dt.date,
    notes: list[str],
    missing: tuple[str, ...],
) -> AqiResult:
    iaqis = {c: s.iaqi for c, s in subs.items()}
    top = max(iaqis.values()) if iaqis else None
    aqi = top
    if top is None or (missing and top <= 100):
        aqi = None
    basis = tuple(
        Basis(
            param=c,
            value=float(s.conc),
            unit=_unit(c),
            limit=float(s.bp_hi) if s.bp_hi is not None else None,
            standard=standard,
            rule=f"IAQI {s.i_lo}–{s.i_hi}" + (f"；{s.note}" if s.note else ""),
        )
        for c, s in subs.items()
    )
    concs = {c: float(s.conc) for c, s in subs.items()}
    if aqi is None:
        miss = "、".join(_label(m) for m in missing) or "全部项目"
        rest = f"其余项目最大分指数 {top} ≤ 100，" if top is not None else ""
        text = f"AQI 记为 NA：缺 {miss}，{rest}按 {standard} 只发布单项浓度和分指数 · {day.isoformat()}"
        return AqiResult(
            None,
            None,
            None,
            STATUS_STYLE[Status.NODATA].color,
            [],
            iaqis,
            standard,
            text,
            basis,
            day,
            concs,
            missing,
            tuple(notes),
        )
    level = aqi_level(aqi)
    name, category, _, color = AQI_LEVEL_STYLE[level]
    order = [c for c in (*DAILY_CODES, "O3") if c in subs]
    primary = [c for c in order if iaqis[c] == aqi] if aqi > 50 else []
    head = f"AQI {aqi}（{name} {category}）"
    if primary:
        body = "首要污染物 " + "；".join(_sub_text(subs[c]) for c in primary)
    else:
        worst = next(c for c in order if iaqis[c] == aqi)
        body = f"无首要污染物（AQI ≤ 50）；最大分指数 {_sub_text(subs[worst])}"
    tail = f"；缺 {'、'.join(_label(m) for m in missing)}（AQI > 100，按其余项目发布）" if missing else ""
    extra = f"；{'；'.join(notes)}" if notes else ""
    text = f"{head}，{body}{tail}{extra} · {standard} · {day.isoformat()}"
    return AqiResult(
        aqi, level, category, color, primary, iaqis, standard, text, basis, day, concs, missing, tuple(notes)
    )


def daily_aqi(conc: Mapping[str, object], day: dt.date) -> AqiResult:
    """Daily AQI (日报) of one site and day, by the HJ 633 version of ``day``.

    Parameters
    ----------
    conc
        Daily values by code: SO2, NO2, CO (mg/m³), O3_8h (daily max 8 h mean), PM10, PM2_5
        (24 h means, µg/m³); optionally O3 (daily max 1 h), a daily indicator only before 2026-03-01.
        Missing items may be absent, None or NaN.
    day
        Observation date; it alone chooses the version.
    """
    day = _as_date(day)
    standard = aqi_standard(day)
    values = _clean(conc, AIR_CODES)
    notes: list[str] = []
    subs: dict[str, SubIndex] = {}
    missing = [c for c in DAILY_CODES if c not in values]
    for code in DAILY_CODES:
        if code in values:
            sub = iaqi(code, values[code], _DAILY_COLUMN[code], standard)
            if sub is not None:
                subs[code] = sub
    if "O3" in values:
        if standard == HJ633_2012:
            sub = iaqi("O3", values["O3"], "O3_1h", standard)
            if sub is not None:
                subs["O3"] = sub
        else:
            notes.append("臭氧1小时最大值自 2026-03-01 起不再是日报指标，未参与计算")
    if "O3_8h" in values and "O3_8h" not in subs:  # O3 8 h above 800
        if standard == HJ633_2026:
            subs["O3_8h"] = SubIndex(
                "O3_8h",
                values["O3_8h"],
                300,
                Decimal(800),
                None,
                300,
                300,
                "臭氧8小时浓度高于 800 µg/m³，分指数按 300 计",
            )
        elif "O3" in subs:
            notes.append("臭氧8小时浓度高于 800 µg/m³，臭氧分指数按1小时浓度计算")
        else:
            notes.append("臭氧8小时浓度高于 800 µg/m³ 且缺1小时浓度，臭氧分指数无法计算")
            missing.append("O3_8h")
    return _compose(subs, standard, day, notes, tuple(missing))


def hourly_aqi(conc: Mapping[str, object], at: dt.datetime | dt.date, *, so2_24h: float | None = None) -> AqiResult:
    """Real-time AQI (实时报) of one hour, by the HJ 633 version of its date.

    ``conc``: 1 h values of SO2, NO2, CO, O3 and PM10, PM2_5.  PM values are read against the 24 h
    breakpoints (HJ 633—2026); for dates before 2026-03-01 pass the PM 24 h sliding means, as HJ 633-2012 did,
    and optionally O3_8h (the 8 h sliding mean, a 2012 real-time indicator).
    SO2 1 h > 800 µg/m³: 2026 → IAQI 200; 2012 → the SO2 IAQI from ``so2_24h`` (missing without it).
    """
    day = _as_date(at)
    standard = aqi_standard(day)
    values = _clean(conc, ("SO2", "NO2", "CO", "O3", "PM10", "PM2_5", "O3_8h"))
    notes: list[str] = []
    subs: dict[str, SubIndex] = {}
    required: tuple[str, ...] = ("SO2", "NO2", "CO", "O3", "PM10", "PM2_5")
    missing = [c for c in required if c not in values]
    for code, value in values.items():
        if code == "O3_8h" and standard == HJ633_2026:
            notes.append("臭氧8小时滑动平均自 2026-03-01 起不是实时报指标，未参与计算")
            continue
        sub = iaqi(code, value, _HOURLY_COLUMN[code], standard)
        if sub is not None:
            subs[code] = sub
    if "SO2" in values and "SO2" not in subs:
        if standard == HJ633_2026:
            subs["SO2"] = SubIndex(
                "SO2",
                values["SO2"],
                200,
                Decimal(800),
                None,
                200,
                200,
                "二氧化硫1小时浓度高于 800 µg/m³，分指数按 200 计",
            )
        elif so2_24h is not None:
            c24 = round_concentration("SO2", so2_24h)
            sub24 = iaqi("SO2", c24, "SO2_24h", standard)
            if sub24 is not None:
                subs["SO2"] = sub24
            notes.append("二氧化硫1小时浓度高于 800 µg/m³，按24小时平均浓度计算分指数")
        else:
            notes.append("二氧化硫1小时浓度高于 800 µg/m³ 且缺24小时平均浓度，分指数无法计算")
            missing.append("SO2")
    if "O3_8h" in values and "O3_8h" not in subs and standard == HJ633_2012:
        notes.append("臭氧8小时浓度高于 800 µg/m³，按1小时浓度计算")
    return _compose(subs, standard, day, notes, tuple(missing))


# ------------------------------------------------------------------------------ daily compliance
@dataclass(frozen=True)
class Exceedance:
    """One item above its limit; ``multiple`` is (C − Cs)/Cs."""

    param: str
    value: float
    limit: float
    multiple: float
    unit: str


@dataclass(frozen=True)
class DailyCompliance:
    """Daily concentrations against the GB 3095 daily limits of the day's version and zone class."""

    compliant: bool | None
    exceedances: tuple[Exceedance, ...]
    standard: str
    explanation: str
    basis: tuple[Basis, ...]
    ratios: dict[str, float]
    day: dt.date


def _multiple(value: float, limit: float) -> float:
    return round((value - limit) / limit, 3)


def _fmt_mult(m: float) -> str:
    return f"{m:.2f}".rstrip("0").rstrip(".")


def daily_compliance(conc: Mapping[str, object], day: dt.date, air_class: int = 2) -> DailyCompliance:
    """Compare daily values with the GB 3095 class-1 or class-2 daily limits that apply on ``day``."""
    day = _as_date(day)
    _, _, label = limit_standard(day, air_class)
    limits = daily_limits(day, air_class)
    values = _clean(conc, AIR_CODES)
    exceed: list[Exceedance] = []
    basis: list[Basis] = []
    ratios: dict[str, float] = {}
    for code in (*DAILY_CODES, "O3"):
        if code not in values:
            continue
        value, limit = float(values[code]), limits[code]
        ratios[code] = value / limit
        over = values[code] > Decimal(str(limit))
        mult = _multiple(value, limit) if over else None
        basis.append(
            Basis(
                code,
                value,
                _unit(code),
                limit,
                label,
                rule="日均值" if code != "O3" else "1小时",
                multiple=mult,
            )
        )
        if over:
            exceed.append(Exceedance(code, value, limit, _multiple(value, limit), _unit(code)))
    if not values:
        return DailyCompliance(None, (), label, f"无有效监测值 · {label} · {day.isoformat()}", (), {}, day)
    if exceed:
        text = "超标：" + "；".join(
            f"{_label(e.param)} {e.value:g} {e.unit}，限值 {e.limit:g}，超标 {_fmt_mult(e.multiple)} 倍" for e in exceed
        )
    else:
        worst = max(ratios, key=lambda c: ratios[c])
        text = (
            f"达标：各项均未超过日均限值（最接近：{_label(worst)} {float(values[worst]):g} {_unit(worst)}，"
            f"限值 {limits[worst]:g}）"
        )
    return DailyCompliance(
        not exceed, tuple(exceed), label, f"{text} · {label} · {day.isoformat()}", tuple(basis), ratios, day
    )


# ------------------------------------------------------------------------------------- site status
def _prepare(daily: pd.DataFrame) -> pd.DataFrame:
    need = {"time", "param", "value"}
    if not need <= set(daily.columns):
        raise ComplianceError(f"空气日数据缺少列：{'、'.join(sorted(need - set(daily.columns)))}")
    df = daily[["time", "param", "value"]].copy()
    df["date"] = pd.to_datetime(df["time"]).dt.date
    return df


def _day_values(rows: pd.DataFrame) -> dict[str, object]:
    out: dict[str, object] = {}
    for param, grp in rows.groupby("param", sort=False):
        vals = grp["value"].dropna().unique()
        if len(vals) > 1:
            raise ComplianceError(f"项目“{param}”在同一日期有多个不同数值：{', '.join(map(str, vals))}")
        out[str(param)] = vals[0] if len(vals) else None
    return out


def site_status(
    daily: pd.DataFrame,
    *,
    as_of: dt.date,
    air_class: int = 2,
    freq: str = "daily",
    warn_fraction: float = WARN_FRACTION_DEFAULT,
    stale_after: Mapping[str, int] | None = None,
) -> SiteStatus:
    """Status of one air station from its latest day up to ``as_of``.

    EXCEED if any daily limit is exceeded, WARN if any value reaches ``warn_fraction`` of its limit (the
    bureau's own threshold, not a national rule), GOOD otherwise; NODATA without data; STALE when the latest
    day is older than the frequency allows (3 days for daily data).
    """
    as_of = _as_date(as_of)
    allowed = stale_after_days(freq, dict(stale_after) if stale_after is not None else None)
    if not 0 < warn_fraction <= 1:
        raise ComplianceError(f"预警比例“{warn_fraction}”无效：应在 0 与 1 之间")
    df = _prepare(daily)
    df = df[(df["date"] <= as_of) & df["value"].notna()]
    if df.empty:
        return SiteStatus(Status.NODATA, f"无监测数据（截至 {as_of.isoformat()}）")
    latest = max(df["date"])
    values = _day_values(df[df["date"] == latest])
    aqi = daily_aqi(values, latest)
    comp = daily_compliance(values, latest, air_class)
    detail: dict[str, object] = {
        **aqi.to_dict(),
        "values": {k: float(v) for k, v in aqi.concentrations.items()},
        "limit_standard": comp.standard,
        "exceedances": [
            {"param": e.param, "value": e.value, "limit": e.limit, "multiple": e.multiple} for e in comp.exceedances
        ],
    }
    aqi_text = f"AQI {aqi.display}" + (f" {aqi.category}" if aqi.category else "")
    age = (as_of - latest).days
    if age > allowed:
        text = (
            f"数据过期：最新数据 {latest.isoformat()}，距 {as_of.isoformat()} 已 {age} 天"
            f"（{FREQ_LABEL[freq]}站点允许 {allowed} 天）；当日 {aqi_text}"
        )
        return SiteStatus(Status.STALE, text, comp.basis, detail)
    if comp.exceedances:
        e = max(comp.exceedances, key=lambda x: x.multiple)
        text = (
            f"超标：{_label(e.param)} {e.value:g} {e.unit}，日均限值 {e.limit:g}，"
            f"超标 {_fmt_mult(e.multiple)} 倍 · {comp.standard}；{aqi_text} · {latest.isoformat()}"
        )
        return SiteStatus(Status.EXCEED, text, comp.basis, detail)
    warn = {c: r for c, r in comp.ratios.items() if r >= warn_fraction}
    limits = daily_limits(latest, air_class)
    if warn:
        c = max(warn, key=lambda k: warn[k])
        text = (
            f"预警：{_label(c)} {aqi.concentrations[c]:g} {_unit(c)} 达限值 {limits[c]:g} 的 {warn[c]:.0%}"
            f"（{WARN_LABEL} {warn_fraction:.0%}）· {comp.standard}；{aqi_text} · {latest.isoformat()}"
        )
        return SiteStatus(Status.WARN, text, comp.basis, detail)
    text = f"{comp.explanation}；{aqi_text}"
    return SiteStatus(Status.GOOD, text, comp.basis, detail)


# ------------------------------------------------------------------------------------ vectorised
def _check_long(df: pd.DataFrame) -> pd.DataFrame:
    need = {"site_id", "time", "param", "value"}
    if not need <= set(df.columns):
        raise ComplianceError(f"长表缺少列：{'、'.join(sorted(need - set(df.columns)))}")
    bad = ~df["param"].isin(AIR_CODES)
    if bad.any():
        code = str(df.loc[bad, "param"].iloc[0])
        get_param(code)
        raise ComplianceError(f"项目“{code}”（{param_name(code)}）不是环境空气 AQI 评价项目")
    values = pd.to_numeric(df["value"], errors="coerce").astype(float)
    junk = values.isna() & df["value"].notna()
    if junk.any():
        i = junk.idxmax()
        raise InvalidValueError(str(df.at[i, "param"]), df.at[i, "value"], "不是数值")
    for mask, reason in ((values < 0, "浓度不能为负数"), (np.isinf(values), "不是有限数值")):
        if mask.any():
            i = mask.idxmax()
            raise InvalidValueError(str(df.at[i, "param"]), df.at[i, "value"], reason)
    co = (df["param"] == "CO") & (values >= CO_SUSPECT_MG)
    if co.any():
        raise SuspectedUnitError("CO", df.loc[co, "value"].iloc[0])
    out = df[["site_id", "time", "param"]].copy()
    out["value"] = values
    return out


def _round_vec(code: str, x: np.ndarray) -> np.ndarray:
    """GB/T 8170 half-even rounding on floats, in integer units (µg/m³, or 0.1 mg/m³ for CO)."""
    return np.rint(np.round(x * _SCALE.get(code, 1), 6))


def _iaqi_vec(code: str, c: np.ndarray, column: str, standard: str) -> np.ndarray:
    """Vectorised IAQI of integer-unit concentrations; NaN if missing or above a column that stops early."""
    scale = _SCALE.get(code, 1)
    bps = breakpoints(standard)[column]
    nodes_i = np.array([i for i, _ in bps], dtype=np.int64)
    nodes_c = np.array([int(b * scale) for _, b in bps], dtype=np.int64)
    valid = ~np.isnan(c)
    ci = np.where(valid, c, 0).astype(np.int64)
    k = np.clip(np.searchsorted(nodes_c, ci, side="left") - 1, 0, len(nodes_c) - 2)
    il, ih, bl, bh = nodes_i[k], nodes_i[k + 1], nodes_c[k], nodes_c[k + 1]
    num = (ih - il) * (ci - bl)
    value = (il + -((-num) // (bh - bl))).astype(float)
    above = ci > nodes_c[-1]
    value = np.where(above, IAQI_CAP if nodes_i[-1] >= IAQI_CAP else np.nan, value)
    return np.where(valid, value, np.nan)


def daily_aqi_table(df: pd.DataFrame) -> pd.DataFrame:
    """Daily AQI of a long table (site_id, time, param, value): one row per site and day.

    Returns columns site_id, time, aqi, level, category, primary (comma-joined codes, '' when none),
    standard, and iaqi_<code> per indicator; aqi/level are nullable integers (<NA> for NA).
    Agrees with :func:`daily_aqi` row by row.
    """
    long = _check_long(df)
    try:
        wide = long.pivot(index=["site_id", "time"], columns="param", values="value")
    except ValueError:  # duplicate (site, time, param): find one to name it
        dup = long[long.duplicated(["site_id", "time", "param"], keep=False)].iloc[0]
        raise ComplianceError(f"站点“{dup['site_id']}”{dup['time']} 的项目“{dup['param']}”有重复记录") from None
    dates = pd.to_datetime(wide.index.get_level_values("time"))
    is_2026 = np.asarray(dates >= pd.Timestamp(SWITCH_DATE))
    n = len(wide)
    conc = {c: _round_vec(c, wide[c].to_numpy(float)) if c in wide else np.full(n, np.nan) for c in AIR_CODES}
    sub: dict[str, np.ndarray] = {}
    for code in DAILY_CODES:
        a = _iaqi_vec(code, conc[code], _DAILY_COLUMN[code], HJ633_2012)
        b = _iaqi_vec(code, conc[code], _DAILY_COLUMN[code], HJ633_2026)
        sub[code] = np.where(is_2026, b, a)
    o3_1h = np.where(is_2026, np.nan, _iaqi_vec("O3", conc["O3"], "O3_1h", HJ633_2012))
    o3_high = conc["O3_8h"] > 800
    sub["O3_8h"] = np.where(o3_high & is_2026, 300.0, sub["O3_8h"])
    sub["O3"] = o3_1h
    stack = np.column_stack([sub[c] for c in (*DAILY_CODES, "O3")])
    present = ~np.isnan(stack)
    top = np.where(present.any(axis=1), np.nanmax(np.where(present, stack, -1), axis=1), np.nan)
    absent = np.column_stack([np.isnan(conc[c]) for c in DAILY_CODES])
    o3_lost = o3_high & ~is_2026 & np.isnan(o3_1h)  # 2012: O3 8 h > 800 and no 1 h value
    n_missing = absent.sum(axis=1) + o3_lost
    aqi = np.where((n_missing > 0) & ~(top > 100), np.nan, top)
    level = np.select([aqi <= 50, aqi <= 100, aqi <= 150, aqi <= 200, aqi <= 300, aqi > 300], [1, 2, 3, 4, 5, 6], 0)
    order = (*DAILY_CODES, "O3")
    mask = np.zeros(n, dtype=np.int64)
    for bit, code in enumerate(order):
        mask |= ((aqi > 50) & (sub[code] == aqi)).astype(np.int64) << bit
    uniq, inverse = np.unique(mask, return_inverse=True)
    names = np.array([",".join(c for b, c in enumerate(order) if m >> b & 1) for m in uniq], dtype=object)
    primary = names[inverse]
    categories = np.array([None] + [AQI_LEVEL_STYLE[i][1] for i in range(1, 7)], dtype=object)
    out = pd.DataFrame(
        {
            "site_id": wide.index.get_level_values("site_id"),
            "time": wide.index.get_level_values("time"),
            "aqi": _nullable_int(aqi),
            "level": _nullable_int(np.where(np.isnan(aqi), np.nan, level)),
            "category": categories[np.where(np.isnan(aqi), 0, level)],
            "primary": primary,
            "standard": np.where(is_2026, HJ633_2026, HJ633_2012),
        }
    )
    for code in (*DAILY_CODES, "O3"):
        out[f"iaqi_{code}"] = _nullable_int(sub[code])
    return out


def _nullable_int(x: np.ndarray) -> pd.Series:
    """Float array with NaN -> nullable Int64 (NaN becomes <NA>)."""
    return pd.Series(x, dtype="float64").astype("Int64")


# ------------------------------------------------------------------------------- annual statistics
@dataclass(frozen=True)
class AnnualStats:
    """Period statistics of one site (or one area's daily series)."""

    start: dt.date | None
    end: dt.date | None
    days: int
    valid_days: int
    good_days: int
    good_ratio: float | None
    means: dict[str, float]
    co_p95: float | None
    o3_8h_p90: float | None
    mixed_rules: bool
    note: str
    standards: tuple[str, ...]
    explanation: str


MIXED_NOTE = (
    "统计期跨越 2026-03-01：此前按 HJ 633-2012/GB 3095-2012，此后按 HJ 633—2026/GB 3095—2026，"
    "混合两套规则（“良”的颗粒物分段收紧），前后优良天数比例不可直接比较"
)


def annual_stats(daily: pd.DataFrame) -> AnnualStats:
    """Means, CO 95th and O3_8h 90th percentiles and the good-day ratio on valid days.

    ``daily``: columns time, param, value (daily values of one site).  Valid day: all six indicators present,
    or an AQI computable by the NA rule; good day: AQI ≤ 100.  Percentiles interpolate linearly between
    ranks (HJ 663-2013 formula, equal to numpy's default).  Means are of the daily values, unrounded.
    """
    if "site_id" in daily.columns and daily["site_id"].nunique() > 1:
        raise ComplianceError("年度统计只接受单个站点的日数据，请按站点分别统计")
    frame = daily.assign(site_id="_") if "site_id" not in daily.columns else daily
    table = daily_aqi_table(frame[["site_id", "time", "param", "value"]])
    dates = pd.to_datetime(table["time"]).dt.date
    long = _check_long(frame[["site_id", "time", "param", "value"]])
    by = {p: g["value"].dropna().to_numpy(float) for p, g in long.groupby("param")}
    means = {c: float(np.mean(by[c])) for c in _ANNUAL_MEAN_CODES if c in by and len(by[c])}
    co = float(np.percentile(by["CO"], 95)) if "CO" in by and len(by["CO"]) else None
    o3 = float(np.percentile(by["O3_8h"], 90)) if "O3_8h" in by and len(by["O3_8h"]) else None
    valid = table["aqi"].notna()
    n_valid = int(valid.sum())
    n_good = int((table.loc[valid, "aqi"] <= 100).sum())
    ratio = round(100 * n_good / n_valid, 1) if n_valid else None
    start, end = (min(dates), max(dates)) if len(dates) else (None, None)
    mixed = bool(start and end and start < SWITCH_DATE <= end)
    standards = tuple(sorted(set(table["standard"])))
    ratio_text = f"{ratio:.1f}%" if ratio is not None else "无法计算"
    parts = [
        f"{start}至{end}" if start else "无数据",
        f"有效天数 {n_valid}/{len(table)}，优良 {n_good} 天，优良天数比例 {ratio_text}",
    ]
    if "PM2_5" in means:
        parts.append(f"PM2.5 均值 {means['PM2_5']:.1f} µg/m³")
    if mixed:
        parts.append(MIXED_NOTE)
    return AnnualStats(
        start,
        end,
        len(table),
        n_valid,
        n_good,
        ratio,
        means,
        co,
        o3,
        mixed,
        MIXED_NOTE if mixed else "",
        standards,
        "；".join(parts),
    )


@dataclass(frozen=True)
class PlanItem:
    """One plan target and where the statistic stands."""

    key: str
    name: str
    actual: float | None
    target: float
    met: bool | None
    explanation: str


@dataclass(frozen=True)
class PlanProgress:
    """Progress of the period statistics against the plan's air targets."""

    items: tuple[PlanItem, ...]
    all_met: bool | None
    explanation: str


def plan_progress(stats: AnnualStats, targets: Mapping[str, float] | None = None) -> PlanProgress:
    """Compare ``stats`` with the plan targets (PM2.5 ≤ 31.7 µg/m³, good-day ratio ≥ 92.5 %)."""
    t = {**PLAN_TARGETS, **(targets or {})}
    pm = stats.means.get("PM2_5")
    items = []
    if pm is None:
        items.append(PlanItem("PM2_5", "PM2.5 年均浓度", None, t["PM2_5"], None, "PM2.5 无数据，无法评估"))
    else:
        met = round(pm, 1) <= t["PM2_5"]
        gap = round(pm, 1) - t["PM2_5"]
        text = f"PM2.5 均值 {pm:.1f} µg/m³，目标 ≤ {t['PM2_5']:g}，" + ("已达到" if met else f"尚差 {gap:.1f} µg/m³")
        items.append(PlanItem("PM2_5", "PM2.5 年均浓度", pm, t["PM2_5"], met, text))
    r = stats.good_ratio
    if r is None:
        items.append(PlanItem("good_ratio", "优良天数比例", None, t["good_ratio"], None, "无有效天，无法评估"))
    else:
        met = r >= t["good_ratio"]
        text = f"优良天数比例 {r:.1f}%，目标 ≥ {t['good_ratio']:g}%，" + (
            "已达到" if met else f"尚差 {t['good_ratio'] - r:.1f} 个百分点"
        )
        items.append(PlanItem("good_ratio", "优良天数比例", r, t["good_ratio"], met, text))
    flags = [i.met for i in items]
    all_met = None if None in flags else all(flags)
    text = "；".join(i.explanation for i in items) + ("；" + MIXED_NOTE if stats.mixed_rules else "")
    return PlanProgress(tuple(items), all_met, text)
