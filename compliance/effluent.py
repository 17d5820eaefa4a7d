"""Urban WWTP effluent: GB 18918-2002, daily means (日均值), grade as a dated plant attribute.

Rules (shared/reference/standards.md §5):
- grades '1A' (一级A), '1B' (一级B), '2' (二级), '3' (三级); '–' cells are not evaluated for that grade;
- NH3-N: limit outside brackets for water temperature > 12 ℃, inside brackets for ≤ 12 ℃; temperature
  unknown → the stricter (> 12 ℃) limit, said so in the explanation;
- TP: plants built on or before 2005-12-31 vs from 2006-01-01; construction date unknown → the stricter
  (from-2006) limit, said so;
- pH is a range 6–9 (no multiple); exactly at a limit meets it; multiple = (C − Cs)/Cs;
- Table 2 class-1 pollutants (Hg, Cd, Cr6, As, Pb) apply to every grade;
- values below the detection limit (ND, <0.01, 0.01L) meet any limit above the detection limit, said so.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from compliance.config import WARN_FRACTION_DEFAULT, stale_after_days
from compliance.errors import ComplianceError
from compliance.params import PARAMS, get_param
from compliance.status import Basis, SiteStatus, Status
from compliance.values import Reading, parse_value

TABLES = Path(__file__).parent / "tables"
STANDARD = "GB 18918-2002"
GRADES: dict[str, str] = {"1A": "一级A", "1B": "一级B", "2": "二级", "3": "三级"}
TP_SPLIT = dt.date(2006, 1, 1)
WT_SPLIT = 12.0
WARN_LABEL = "局内预警阈值（非国家标准）"
STALE_DAYS = stale_after_days("daily")
NOT_EVALUATED = "–"


@dataclass(frozen=True)
class Limit:
    """One cell of GB 18918 Table 1/2: an upper limit, a pH range, or not evaluated (``None``)."""

    upper: float | None
    low: float | None = None

    @property
    def evaluated(self) -> bool:
        """Whether the cell sets a limit for the grade."""
        return self.upper is not None


@cache
def table() -> dict[tuple[str, str], dict[str, Limit]]:
    """GB 18918-2002 limits: (param, condition) -> {grade: Limit}; condition '' when unconditional."""
    with (TABLES / "gb18918_2002.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    out: dict[tuple[str, str], dict[str, Limit]] = {}
    for r in rows:
        out[(r["param"], r["condition"])] = {g: _cell(r[g]) for g in GRADES}
    return out


def _cell(text: str) -> Limit:
    text = text.strip()
    if text in (NOT_EVALUATED, "-", ""):
        return Limit(None)
    if "-" in text:
        lo, hi = text.split("-")
        return Limit(float(hi), float(lo))
    return Limit(float(text))


def evaluated_params() -> tuple[str, ...]:
    """Codes GB 18918 sets limits for (in table order)."""
    return tuple(dict.fromkeys(p for p, _ in table()))


def limit_for(
    param: str, grade: str, *, water_temp: float | None = None, built: dt.date | None = None
) -> tuple[Limit, str]:
    """Limit of ``param`` for ``grade`` and the condition note ('' when unconditional)."""
    grade = _grade(grade)
    t = table()
    if param == "NH3N":
        if water_temp is None:
            return t[("NH3N", "wt_gt_12")][grade], "水温未知，氨氮按较严的水温>12℃限值"
        warm = water_temp > WT_SPLIT
        cond = "wt_gt_12" if warm else "wt_le_12"
        return t[("NH3N", cond)][grade], f"水温 {water_temp:g}℃，氨氮按水温{'>' if warm else '≤'}12℃限值"
    if param == "TP":
        if built is None:
            return t[("TP", "built_ge_2006")][grade], "建设时间未知，总磷按较严的2006-01-01起建设限值"
        new = built >= TP_SPLIT
        cond = "built_ge_2006" if new else "built_le_2005"
        when = "2006-01-01起建设" if new else "2005-12-31前建设"
        return t[("TP", cond)][grade], f"总磷按{when}限值（建设日期 {built.isoformat()}）"
    key = (param, "")
    if key not in t:
        raise ComplianceError(f"项目“{param}”不是 {STANDARD} 的控制项目；可评价：{'、'.join(evaluated_params())}")
    return t[key][grade], ""


def _grade(grade: str) -> str:
    g = str(grade).strip().upper()
    g = {"一级A": "1A", "一级B": "1B", "二级": "2", "三级": "3"}.get(str(grade).strip(), g)
    if g not in GRADES:
        raise ComplianceError(f"排放标准等级“{grade}”无效：可用 1A、1B、2、3")
    return g


def grade_on(grade_history: Sequence[Mapping[str, str]] | str, day: dt.date) -> str:
    """Grade in force on ``day`` from a dated history ``[{"from": "2019-01-01", "grade": "1B"}, …]``.

    The history may be given as its JSON text.  A day before the first entry raises an error.
    """
    history = json.loads(grade_history) if isinstance(grade_history, str) else grade_history
    if not history:
        raise ComplianceError("未提供排放标准等级（grade_history 为空）")
    try:
        entries = sorted((dt.date.fromisoformat(str(h["from"])), _grade(h["grade"])) for h in history)
    except (KeyError, ValueError, TypeError):
        raise ComplianceError(f"排放标准等级历史“{grade_history}”格式无效") from None
    current = None
    for start, grade in entries:
        if start <= day:
            current = grade
    if current is None:
        raise ComplianceError(f"{day.isoformat()} 早于排放标准等级历史的起始日期 {entries[0][0].isoformat()}")
    return current


@dataclass(frozen=True)
class Exceedance:
    """One item outside its limit; ``multiple`` is (C − Cs)/Cs, None for pH."""

    param: str
    value: float
    limit: float | str
    multiple: float | None
    unit: str


@dataclass(frozen=True)
class EffluentResult:
    """Daily-mean effluent against GB 18918-2002 for one grade."""

    compliant: bool | None
    exceedances: tuple[Exceedance, ...]
    explanation: str
    basis: tuple[Basis, ...]
    grade: str
    ratios: dict[str, float]
    notes: tuple[str, ...]


def _name(code: str) -> str:
    return PARAMS[code].name


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _fmt_mult(m: float) -> str:
    return f"{m:.2f}".rstrip("0").rstrip(".")


def _read(values: Mapping[str, object]) -> dict[str, Reading]:
    out: dict[str, Reading] = {}
    for code, raw in values.items():
        get_param(code)
        if code != "WT" and code not in evaluated_params():
            raise ComplianceError(f"项目“{code}”不是 {STANDARD} 的控制项目；可评价：{'、'.join(evaluated_params())}")
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            continue
        out[code] = parse_value(code, raw)
    return out


def assess(
    values: Mapping[str, object],
    *,
    grade: str,
    water_temp: float | None = None,
    built: dt.date | None = None,
) -> EffluentResult:
    """Assess daily-mean effluent values against GB 18918-2002 ``grade`` ('1A', '1B', '2', '3').

    ``water_temp`` chooses the NH3-N limit; when None, a ``WT`` value in ``values`` is used.  ``built`` is the
    plant's construction date (TP limit).  Unknown temperature or date → the stricter limit, said so.
    """
    g = _grade(grade)
    readings = _read(values)
    if water_temp is None and "WT" in readings:
        water_temp = readings["WT"].value
    exceed: list[Exceedance] = []
    basis: list[Basis] = []
    ratios: dict[str, float] = {}
    notes: list[str] = []
    for code, r in readings.items():
        if code == "WT":
            continue
        limit, cond = limit_for(code, g, water_temp=water_temp, built=built)
        upper = limit.upper
        if upper is None:
            notes.append(f"{_name(code)}对{GRADES[g]}不作要求，未评价")
            continue
        if cond:
            notes.append(cond)
        unit = PARAMS[code].unit
        if limit.low is not None:  # pH range
            ok = limit.low <= r.value <= upper
            rng = f"{limit.low:g}–{upper:g}"
            basis.append(Basis(code, r.value, unit, rng, STANDARD, rule="范围", target=GRADES[g], raw=r.raw))
            if not ok:
                exceed.append(Exceedance(code, r.value, rng, None, unit))
            continue
        if r.below_dl and r.dl is not None and r.dl > upper:
            notes.append(f"{_name(code)}{r.display()}：检出限高于限值 {upper:g}，无法判定，未评价")
            continue
        over = r.value > upper and not r.below_dl
        mult = round((r.value - upper) / upper, 3) if over else None
        ratios[code] = 0.0 if r.below_dl else r.value / upper
        basis.append(
            Basis(
                code,
                r.value,
                unit,
                upper,
                STANDARD,
                rule="日均值",
                target=GRADES[g],
                raw=r.raw,
                multiple=mult,
            )
        )
        if r.below_dl:
            notes.append(f"{_name(code)}{r.display()}，按未超标计")
        if over:
            exceed.append(Exceedance(code, r.value, upper, mult, unit))
    compliant = None if not basis else not exceed
    return EffluentResult(
        compliant,
        tuple(exceed),
        _explain(compliant, exceed, g, notes, ratios),
        tuple(basis),
        g,
        ratios,
        tuple(notes),
    )


def _exceed_text(e: Exceedance) -> str:
    if e.multiple is None:
        return f"{_name(e.param)} {_fmt(e.value)}，超出 {e.limit} 范围"
    return f"{_name(e.param)} {_fmt(e.value)} {e.unit}，限值 {e.limit:g}，超标 {_fmt_mult(e.multiple)} 倍"


def _explain(
    compliant: bool | None, exceed: list[Exceedance], grade: str, notes: list[str], ratios: dict[str, float]
) -> str:
    label = f"{STANDARD} {GRADES[grade]} 日均值"
    tail = f"（{'；'.join(notes)}）" if notes else ""
    if compliant is None:
        return f"无可评价项目 · {label}{tail}"
    if exceed:
        return f"超标：{'；'.join(_exceed_text(e) for e in exceed)} · {label}{tail}"
    return f"达标：各项均未超过限值 · {label}{tail}"


def _prepare(daily: pd.DataFrame) -> pd.DataFrame:
    need = {"time", "param", "value"}
    if not need <= set(daily.columns):
        raise ComplianceError(f"出水日数据缺少列：{'、'.join(sorted(need - set(daily.columns)))}")
    cols = ["time", "param", "value"] + (["raw"] if "raw" in daily.columns else [])
    df = daily[cols].copy()
    df["date"] = pd.to_datetime(df["time"]).dt.date
    return df


def _day_values(rows: pd.DataFrame) -> dict[str, object]:
    out: dict[str, object] = {}
    for rec in rows.to_dict("records"):
        raw = rec.get("raw")
        value: object = raw if isinstance(raw, str) and raw.strip() else rec["value"]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        code = str(rec["param"])
        if code in out and str(out[code]) != str(value):
            raise ComplianceError(f"项目“{code}”在同一日期有多个不同数值：{out[code]}、{value}")
        out[code] = value
    return out


def site_status(
    daily: pd.DataFrame,
    *,
    grade_history: Sequence[Mapping[str, str]] | str,
    built: dt.date | None,
    as_of: dt.date,
    warn_fraction: float = WARN_FRACTION_DEFAULT,
    stale_after: Mapping[str, int] | None = None,
) -> SiteStatus:
    """Status of one WWTP from its latest daily means up to ``as_of``.

    EXCEED if any limit is exceeded (or pH outside 6–9), WARN if any item reaches ``warn_fraction`` of its
    limit (the bureau's own threshold, not a national rule), GOOD otherwise; NODATA without data; STALE when
    the latest day is more than 3 days before ``as_of``.
    """
    if not 0 < warn_fraction <= 1:
        raise ComplianceError(f"预警比例“{warn_fraction}”无效：应在 0 与 1 之间")
    df = _prepare(daily)
    df = df[(df["date"] <= as_of) & (df["value"].notna() | df.get("raw", df["value"]).notna())]
    if df.empty:
        return SiteStatus(Status.NODATA, f"无出水监测数据（截至 {as_of.isoformat()}）")
    latest = max(df["date"])
    try:
        grade = grade_on(grade_history, latest)
    except ComplianceError as err:  # no grade in force: the plant cannot be assessed, say why
        return SiteStatus(Status.NODATA, f"无法评价：{err}（最新出水数据 {latest.isoformat()}）")
    result = assess(_day_values(df[df["date"] == latest]), grade=grade, built=built)
    detail: dict[str, object] = {
        "date": latest.isoformat(),
        "grade": grade,
        "grade_label": GRADES[grade],
        "standard": STANDARD,
        "values": {b.param: b.value for b in result.basis},
        "exceedances": [
            {"param": e.param, "value": e.value, "limit": e.limit, "multiple": e.multiple} for e in result.exceedances
        ],
    }
    age = (as_of - latest).days
    allowed = stale_after_days("daily", dict(stale_after) if stale_after is not None else None)
    if age > allowed:
        text = (
            f"数据过期：最新出水数据 {latest.isoformat()}，距 {as_of.isoformat()} 已 {age} 天"
            f"（日监测允许 {allowed} 天）；当日{result.explanation}"
        )
        return SiteStatus(Status.STALE, text, result.basis, detail)
    if result.compliant is None:
        return SiteStatus(Status.NODATA, f"{latest.isoformat()} {result.explanation}", result.basis, detail)
    if result.exceedances:
        return SiteStatus(Status.EXCEED, f"{result.explanation} · {latest.isoformat()}", result.basis, detail)
    warn = {c: r for c, r in result.ratios.items() if r >= warn_fraction}
    if warn:
        c = max(warn, key=lambda k: warn[k])
        b = next(x for x in result.basis if x.param == c)
        text = (
            f"预警：{_name(c)} {_fmt(b.value or 0)} {b.unit} 达限值 {b.limit:g} 的 {warn[c]:.0%}"
            f"（{WARN_LABEL} {warn_fraction:.0%}）· {STANDARD} {GRADES[grade]} · {latest.isoformat()}"
        )
        return SiteStatus(Status.WARN, text, result.basis, detail)
    return SiteStatus(Status.GOOD, f"{result.explanation} · {latest.isoformat()}", result.basis, detail)
