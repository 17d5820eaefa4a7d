"""Surface water: GB 3838-2002 with the evaluation rules of 环办〔2011〕22号.

Single-factor method over the 21 class-setting items; TN, fecal coliform and water temperature are reference items
(lake TN is class-setting only when ``evaluate_lake_tn`` is set).  The limit table is data:
``compliance/tables/gb3838_2002.csv``.

Conventions
-----------
- Classes are ints 1–5 and 6 for 劣Ⅴ; ``None`` when no class-setting item was given.
- A value exactly at a limit meets it; equal limits give the best class met.
- DO is a lower bound (Ⅰ = 7.5); pH meets every class inside 6–9 and is 劣Ⅴ outside.
- A value below the detection limit is evaluated at its detection limit (so it meets every limit at or above the
  detection limit) and the explanation says so; an undetected DO is evaluated as 0.  An undetected '≤' item whose
  detection limit is above the target limit (Ⅲ without target) cannot be judged: it does not set the class and
  the explanation says "检出限高于…限值，无法判定，未评价" (as for effluent).
- Period means are rounded to the item's reporting precision (GB/T 8170) before comparison
  (:mod:`compliance.water_means`); single values are compared as reported.
- Exceedance multiple (C − Cs)/Cs, none for pH, DO and water temperature.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compliance import config, water_means
from compliance.errors import ComplianceError, InvalidValueError, UnknownParameterError
from compliance.params import PARAMS, get_param
from compliance.status import ROMAN, Basis, SiteStatus, Status, water_class_label
from compliance.values import Reading, parse_value

STANDARD = "GB 3838-2002"
RULES = "环办〔2011〕22号"
METHOD = f"{STANDARD} 单因子评价"
TABLE_PATH = Path(__file__).resolve().parent / "tables" / "gb3838_2002.csv"
WARN_NOTE = "局内预警阈值（非国家标准）"

#: Codes accepted by :func:`assess` (parameters of the water domain).
WATER_CODES: tuple[str, ...] = tuple(c for c, p in PARAMS.items() if "water" in p.domains)

#: Accepted water bodies and how they are evaluated (reservoir as lake; river-type reservoirs pass "river").
WATER_BODIES = {"river": "river", "lake": "lake", "reservoir": "lake"}
_FREQ_PERIOD = {"month": "月", "quarter": "季", "year": "年"}


# --------------------------------------------------------------------------------------------- limit table


@dataclass(frozen=True)
class LimitRow:
    """One row of the GB 3838 table: limits of classes Ⅰ–Ⅴ (``lo``/``hi`` for the pH range)."""

    param: str
    water_body: str  # 'all', 'river' or 'lake'
    role: str  # 'class' or 'reference'
    bound: str  # 'max', 'min', 'range' or 'none'
    limits: tuple[float, ...] = ()  # Ⅰ..Ⅴ for max/min
    lo: float | None = None
    hi: float | None = None

    def limit(self, cls: int) -> float:
        """Limit of class ``cls`` (1–5) for a max/min item."""
        return self.limits[cls - 1]


@lru_cache(maxsize=1)
def load_table(path: str | None = None) -> dict[tuple[str, str], LimitRow]:
    """Read the limit table: ``(param, water_body) -> LimitRow``."""
    rows: dict[tuple[str, str], LimitRow] = {}
    with open(path or TABLE_PATH, encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    for rec in csv.DictReader(lines):
        cells = [rec[f"c{k}"] for k in range(1, 6)]
        bound = rec["bound"]
        if bound == "range":
            lo, hi = (float(x) for x in cells[0].split("~"))
            row = LimitRow(rec["param"], rec["water_body"], rec["role"], bound, (), lo, hi)
        elif bound == "none":
            row = LimitRow(rec["param"], rec["water_body"], rec["role"], bound)
        else:
            row = LimitRow(rec["param"], rec["water_body"], rec["role"], bound, tuple(float(x) for x in cells))
        get_param(row.param)
        rows[(row.param, row.water_body)] = row
    return rows


def body_kind(water_body: str) -> str:
    """'river' or 'lake' ('reservoir' is evaluated as lake); error for anything else."""
    try:
        return WATER_BODIES[water_body]
    except (KeyError, TypeError):
        raise ComplianceError(
            f"水体类型“{water_body}”无效；可用：river（河流）、lake（湖泊）、reservoir（水库）"
        ) from None


def limit_row(param: str, water_body: str = "river") -> LimitRow | None:
    """The GB 3838 row for a parameter and water body, or None when the standard has no row for it."""
    table = load_table()
    kind = body_kind(water_body)
    return table.get((param, kind)) or table.get((param, "all"))


def limit(param: str, cls: int, water_body: str = "river") -> float | tuple[float, float]:
    """Limit of class ``cls`` (1–5) for ``param``; ``(lo, hi)`` for pH."""
    row = limit_row(param, water_body)
    if row is None or row.bound == "none":
        raise ComplianceError(f"项目“{param}”在 {STANDARD} 中没有{_body_cn(water_body)}的分类限值")
    _check_class(cls, "类别")
    if row.bound == "range":
        assert row.lo is not None
        assert row.hi is not None
        return (row.lo, row.hi)
    return row.limit(cls)


def _body_cn(water_body: str) -> str:
    return "湖库" if body_kind(water_body) == "lake" else "河流"


def _check_class(cls: object, what: str) -> int:
    if isinstance(cls, bool) or not isinstance(cls, int) or not 1 <= cls <= 5:
        raise ComplianceError(f"{what}“{cls}”无效：应为 1–5（Ⅰ–Ⅴ类）")
    return cls


# --------------------------------------------------------------------------------------------- item level


def classify_item(row: LimitRow, value: float) -> int | None:
    """Class 1–6 of one value against one table row (None for rows without numeric limits)."""
    if row.bound == "max":
        for k, lim in enumerate(row.limits, start=1):
            if value <= lim:
                return k
        return 6
    if row.bound == "min":
        for k, lim in enumerate(row.limits, start=1):
            if value >= lim:
                return k
        return 6
    if row.bound == "range":
        assert row.lo is not None
        assert row.hi is not None
        return 1 if row.lo <= value <= row.hi else 6
    return None


def multiple(row: LimitRow, value: float, cls: int) -> float | None:
    """Exceedance multiple (C − Cs)/Cs against class ``cls``; None when met or for pH/DO/WT."""
    if row.bound != "max":
        return None
    lim = row.limit(cls)
    return (value - lim) / lim if value > lim else None


def severity(row: LimitRow, value: float) -> float:
    """Tie-break key inside a class: C / C_Ⅲ for '≤' items, −inf for pH and DO."""
    return value / row.limit(3) if row.bound == "max" else -math.inf


@dataclass(frozen=True)
class ItemResult:
    """One evaluated item."""

    param: str
    name: str
    unit: str
    value: float
    raw: str
    below_dl: bool
    dl: float | None
    item_class: int | None
    class_setting: bool
    bound: str

    @property
    def display(self) -> str:
        """Value as shown to users (detection-limit form kept)."""
        return Reading(self.value, self.raw, self.below_dl, self.dl).display()


@dataclass(frozen=True)
class Exceedance:
    """An item beyond the limit of ``limit_class``; ``multiple`` is None for pH and DO."""

    parameter: str
    name: str
    value: float
    unit: str
    limit: float | str
    limit_class: int
    multiple: float | None
    item_class: int
    below_dl: bool = False

    @property
    def param(self) -> str:
        """Alias of :attr:`parameter`."""
        return self.parameter

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "parameter": self.parameter,
            "name": self.name,
            "value": float(self.value),
            "unit": self.unit,
            "limit": self.limit if isinstance(self.limit, str) else float(self.limit),
            "limit_class": self.limit_class,
            "multiple": None if self.multiple is None else float(self.multiple),
            "item_class": self.item_class,
            "below_dl": self.below_dl,
        }


@dataclass(frozen=True)
class ReferenceItem:
    """A reported, not class-setting item (TN, fecal coliform, water temperature, chla, SD)."""

    param: str
    name: str
    value: float
    display: str
    unit: str
    item_class: int | None
    note: str


@dataclass(frozen=True)
class WaterAssessment:
    """Result of :func:`assess`."""

    water_class: int | None
    label: str
    water_body: str
    target: int | None
    meets_target: bool | None
    items: tuple[ItemResult, ...]
    item_classes: dict[str, int]
    worst: ItemResult | None
    exceedances: tuple[Exceedance, ...]
    exceedances_iii: tuple[Exceedance, ...]
    main_pollutants: tuple[str, ...]
    reference: tuple[ReferenceItem, ...]
    below_dl: tuple[str, ...]
    explanation: str
    basis: tuple[Basis, ...] = field(default=())
    not_judged: tuple[str, ...] = ()
    """Undetected items whose detection limit is above the target (Ⅲ) limit: 无法判定，未评价."""

    @property
    def worst_multiple(self) -> float | None:
        """Multiple of the worst item against the target limit (Ⅲ without target)."""
        if self.worst is None:
            return None
        row = limit_row(self.worst.param, self.water_body)
        assert row is not None
        return multiple(row, self.worst.value, self.target or 3)


# --------------------------------------------------------------------------------------------- assess


def _range_text(row: LimitRow) -> str:
    return f"{_fmt(row.lo or 0)}~{_fmt(row.hi or 0)}"


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _plain(x: float) -> str:
    """A limit in plain decimal notation ('0.00005', not '5e-05')."""
    return format(Decimal(repr(x)).normalize(), "f")


def fmt_multiple(m: float) -> str:
    """Exceedance multiple as printed: at most two decimals ('0.4', '1.25')."""
    return f"{round(m, 2):g}"


def _unit_text(unit: str) -> str:
    return "" if unit == "无量纲" else f" {unit}"


def _parse(param: str, raw: object) -> Reading:
    if param not in WATER_CODES:
        if param in PARAMS:
            raise UnknownParameterError(f"{param}（非地表水项目）", list(WATER_CODES))
        raise UnknownParameterError(str(param), list(WATER_CODES))
    reading = parse_value(param, raw)
    if param == "pH" and reading.below_dl:
        raise InvalidValueError(param, raw, "pH 不能写作未检出")
    if param == "DO" and reading.below_dl:
        return Reading(0.0, reading.raw, True, reading.dl)
    return reading


def _rank_key(item: ItemResult, row: LimitRow, order: int) -> tuple[int, float, int]:
    assert item.item_class is not None
    return (-item.item_class, -severity(row, item.value), order)


def _exceedances(items: Sequence[tuple[ItemResult, LimitRow]], cls: int) -> tuple[Exceedance, ...]:
    out = []
    for item, row in items:
        assert item.item_class is not None
        if item.item_class <= cls:
            continue
        lim: float | str = _range_text(row) if row.bound == "range" else row.limit(cls)
        out.append(
            Exceedance(item.param, item.name, item.value, item.unit, lim, cls, multiple(row, item.value, cls),
                       item.item_class, item.below_dl)
        )
    return tuple(out)


def _main_pollutants(exc_iii: Sequence[Exceedance]) -> tuple[str, ...]:
    ranked = _sorted_for_main(exc_iii)[:3]
    return tuple(f"{e.name}({fmt_multiple(e.multiple)})" if e.multiple is not None else e.name for e in ranked)


def assess(
    values: Mapping[str, float | str | Reading],
    *,
    water_body: str = "river",
    target: int | None = None,
    evaluate_lake_tn: bool = False,
) -> WaterAssessment:
    """Class of one sample (or of period means) by the single-factor method.

    Parameters
    ----------
    values
        parameter code → number in the canonical unit, or a raw text such as ``'0.01L'``, ``'<0.01'``, ``'ND'``.
    water_body
        ``'river'``, ``'lake'`` or ``'reservoir'`` (evaluated as lake; river-type reservoirs pass ``'river'``).
    target
        the site's target class 1–5 (水质目标), or None.
    evaluate_lake_tn
        make TN class-setting for lakes and reservoirs (off by default: a reference item).

    Raises
    ------
    ComplianceError
        unknown code, negative or non-numeric value, bad water body or target.
    """
    kind = body_kind(water_body)
    if target is not None:
        _check_class(target, "水质目标")
    class_items: list[tuple[ItemResult, LimitRow]] = []
    reference: list[ReferenceItem] = []
    below: list[str] = []
    all_items: list[ItemResult] = []
    not_judged: list[tuple[str, Reading, float]] = []
    for param, raw in values.items():
        reading = _parse(param, raw)
        p = get_param(param)
        row = limit_row(param, water_body)
        setting = row is not None and (row.role == "class" or (param == "TN" and evaluate_lake_tn))
        if setting and row is not None and _cannot_judge(reading, row, target or 3):
            not_judged.append((param, reading, row.limit(target or 3)))
            setting = False
        cls = classify_item(row, reading.value) if row is not None else None
        item = ItemResult(param, p.name, p.unit, reading.value, reading.raw, reading.below_dl, reading.dl,
                          cls, setting, row.bound if row else "none")
        all_items.append(item)
        if reading.below_dl:
            below.append(param)
        if setting and row is not None:
            class_items.append((item, row))
        elif not (not_judged and not_judged[-1][0] == param):
            reference.append(_reference_item(item, kind))
    order = {c: i for i, c in enumerate(WATER_CODES)}
    class_items.sort(key=lambda ir: _rank_key(ir[0], ir[1], order[ir[0].param]))
    water_class = class_items[0][0].item_class if class_items else None
    worst = class_items[0][0] if class_items else None
    meets = None if target is None or water_class is None else water_class <= target
    exc = _exceedances(class_items, target or 3) if water_class is not None else ()
    exc_iii = _exceedances(class_items, 3) if water_class is not None else ()
    mains = _main_pollutants(exc_iii) if water_class is not None and water_class > 3 else ()
    result = WaterAssessment(
        water_class=water_class,
        label=water_class_label(water_class),
        water_body=water_body,
        target=target,
        meets_target=meets,
        items=tuple(all_items),
        item_classes={i.param: i.item_class for i, _ in class_items if i.item_class is not None},
        worst=worst,
        exceedances=exc,
        exceedances_iii=exc_iii,
        main_pollutants=mains,
        reference=tuple(reference),
        below_dl=tuple(below),
        explanation="",
        basis=_basis(class_items, target, kind),
        not_judged=tuple(p for p, _, _ in not_judged),
    )
    return _with_explanation(result, class_items, kind, not_judged)


def _cannot_judge(reading: Reading, row: LimitRow, cls: int) -> bool:
    """An undetected '≤' item whose detection limit is above the limit of ``cls``: it cannot be judged."""
    return reading.below_dl and reading.dl is not None and row.bound == "max" and reading.dl > row.limit(cls)


def _not_judged_text(items: Sequence[tuple[str, Reading, float]], cls: int) -> str:
    parts = [f"{get_param(p).name} {r.display()}：检出限高于{ROMAN[cls]}类限值 {_plain(lim)}" for p, r, lim in items]
    return "；".join(parts) + "，无法判定，未评价"


def _reference_item(item: ItemResult, kind: str) -> ReferenceItem:
    if item.param == "TN" and kind == "river":
        note = "河流总氮不参与评价，仅报告"
    elif item.item_class is not None:
        note = f"参考项目，{water_class_label(item.item_class)}，不参与定类"
    else:
        note = "参考项目，仅报告"
    cls = item.item_class if not (item.param == "TN" and kind == "river") else None
    return ReferenceItem(item.param, item.name, item.value, item.display, item.unit, cls, note)


def _basis(items: Sequence[tuple[ItemResult, LimitRow]], target: int | None, kind: str) -> tuple[Basis, ...]:
    cls = target or 3
    tlabel = f"{ROMAN[cls]}类"
    rule = f"{RULES} 单因子评价" + ("（湖库）" if kind == "lake" else "")
    out = []
    for item, row in items:
        if row.bound == "range":
            lim: float | str = _range_text(row)
        else:
            lim = row.limit(cls)
        op = {"max": "≤", "min": "≥", "range": "范围"}[row.bound]
        out.append(Basis(item.param, item.value, item.unit, lim, STANDARD, f"{rule}；{op}", tlabel, item.raw,
                         multiple(row, item.value, cls)))
    return tuple(out)


def _item_phrase(item: ItemResult, row: LimitRow, cls: int) -> str:
    unit = _unit_text(item.unit)
    if row.bound == "range":
        return f"{item.name} {item.display}，超出 {_fmt(row.lo or 0)}~{_fmt(row.hi or 0)} 范围"
    lim = row.limit(cls)
    if row.bound == "min":
        return f"{item.name} {item.display}{unit}，低于{ROMAN[cls]}类限值 {_fmt(lim)}"
    m = multiple(row, item.value, cls)
    text = f"{item.name} {item.display}{unit}，{ROMAN[cls]}类限值 {_fmt(lim)}"
    return text + (f"，超标 {fmt_multiple(m)} 倍" if m is not None else "")


def _with_explanation(
    r: WaterAssessment,
    items: Sequence[tuple[ItemResult, LimitRow]],
    kind: str,
    not_judged: Sequence[tuple[str, Reading, float]] = (),
) -> WaterAssessment:
    method = METHOD + ("（湖库）" if kind == "lake" else "")
    nj = f"；{_not_judged_text(not_judged, r.target or 3)}" if not_judged else ""
    if r.water_class is None:
        names = "、".join(i.name for i in r.items) or "无"
        text = f"无法评价：无定类项目（已有：{names}）{nj} · {method}"
        return _replace(r, text)
    cmp_cls = r.target or 3
    exceeding = [(i, row) for i, row in items if (i.item_class or 0) > cmp_cls]
    if exceeding:
        prio = {e.parameter: n for n, e in enumerate(_sorted_for_main(r.exceedances))}
        exceeding.sort(key=lambda ir: prio.get(ir[0].param, 99))
        head, row = exceeding[0]
        detail = _item_phrase(head, row, cmp_cls)
        if len(exceeding) > 1:
            detail += f"；另有 {len(exceeding) - 1} 项超过{ROMAN[cmp_cls]}类限值"
    else:
        head, row = items[0]
        if row.bound == "range":
            detail = f"{head.name} {head.display}"
        else:
            lim = row.limit(r.water_class) if r.water_class <= 5 else row.limit(5)
            value = f"{head.display}{_unit_text(head.unit)}"
            detail = f"定类项目 {head.name} {value}，{ROMAN[r.water_class]}类限值 {_fmt(lim)}"
    text = f"{r.label}（{detail}）"
    if r.target is not None:
        text += f"；目标{ROMAN[r.target]}类，{'达标' if r.meets_target else '未达标'}"
    else:
        text += "；未设水质目标"
    judged_nd = [p for p in r.below_dl if p not in r.not_judged]
    if judged_nd:
        nd_names = [get_param(p).name for p in judged_nd]
        said = "、".join(nd_names) if len(nd_names) <= 3 else f"{'、'.join(nd_names[:2])}等 {len(nd_names)} 项"
        text += f"；{said}未检出（按检出限评价，视为符合检出限以上的限值）"
    return _replace(r, f"{text}{nj} · {method}")


def _sorted_for_main(exc: Sequence[Exceedance]) -> list[Exceedance]:
    def key(e: Exceedance) -> tuple[int, int, float]:
        prio = 0 if e.parameter in config.PRIORITY_POLLUTANTS else 1
        return (prio, -e.item_class, -(e.multiple if e.multiple is not None else -math.inf))

    return sorted(exc, key=key)


def _replace(r: WaterAssessment, explanation: str) -> WaterAssessment:
    from dataclasses import replace

    return replace(r, explanation=explanation)


# --------------------------------------------------------------------------------------------- site status


def latest_values(samples: pd.DataFrame) -> tuple[dt.date, dict[str, float | str]]:
    """The latest sampling date and its values (a text reading kept as text; repeats averaged as reported)."""
    times = pd.to_datetime(samples["time"])
    latest = times.max()
    day = samples[times == latest]
    out: dict[str, float | str] = {}
    for param, grp in day.groupby("param", sort=False):
        if len(grp) == 1 and "raw" in grp and isinstance(grp["raw"].iloc[0], str) and grp["raw"].iloc[0].strip():
            out[str(param)] = grp["raw"].iloc[0]
        else:
            vals = grp["value"].astype("float64").to_numpy()
            out[str(param)] = float(water_means.reported_means(
                np.zeros(len(vals), dtype=np.int64), vals, np.array([str(param)]), 1, keep_single=True)[0])
    return latest.date(), out


def _clean(samples: pd.DataFrame | None) -> pd.DataFrame:
    if samples is None or len(samples) == 0:
        return pd.DataFrame(columns=["time", "param", "value"])
    missing = {"time", "param", "value"} - set(samples.columns)
    if missing:
        raise ComplianceError(f"监测数据缺少列：{', '.join(sorted(missing))}")
    has_raw = "raw" in samples.columns
    keep = samples["value"].notna()
    if has_raw:
        keep |= samples["raw"].notna() & (samples["raw"].astype(str).str.strip() != "")
    return samples[keep]


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
    """Status of one water site from its latest sampling date.

    ``samples`` is long form (``time``, ``param``, ``value`` and optionally ``raw``).  Statuses: 达标, 超标,
    预警 (meets the target but an item is at ≥ ``warn_fraction`` of its target limit; DO at ≤ limit ÷ fraction;
    the bureau's own threshold), 无数据, 数据过期 (latest sample older than ``stale_after[freq]`` days).
    Without a target the national view (Ⅲ类) decides 达标/超标, and the explanation says so.
    """
    if not 0 < warn_fraction <= 1:
        raise ComplianceError(f"预警比例“{warn_fraction}”无效：应在 0–1 之间")
    body_kind(water_body)
    if target is not None:
        _check_class(target, "水质目标")
    data = _clean(samples)
    if len(data) > 0:
        data = data[pd.to_datetime(data["time"]).dt.date <= as_of]  # nothing after the evaluation date
    if len(data) == 0:
        return SiteStatus(Status.NODATA, "无数据：暂无地表水监测数据", (), {"water_class": None, "label": "无数据"})
    day, values = latest_values(data)
    r = assess(values, water_body=water_body, target=target, evaluate_lake_tn=evaluate_lake_tn)
    detail = _detail(r, day)
    age = (as_of - day).days
    detail["age_days"] = age
    if r.water_class is None:
        return SiteStatus(Status.NODATA, f"无数据：最新采样（{day.isoformat()}）无定类项目", r.basis, detail)
    if freq is not None:
        allowed = config.stale_after_days(freq, dict(stale_after) if stale_after is not None else None)
        detail["stale_after_days"] = allowed
        if age > allowed:
            flabel = config.FREQ_LABEL.get(freq, freq)
            text = (f"数据过期：最新采样 {day.isoformat()}，距评价日 {age} 天（{flabel}站点允许 {allowed} 天）；"
                    f"当时 {r.explanation}")
            return SiteStatus(Status.STALE, text, r.basis, detail)
    meets = r.meets_target if target is not None else r.water_class <= 3
    if not meets:
        return SiteStatus(Status.EXCEED, f"{day.isoformat()}：{r.explanation}", r.basis, detail)
    warn = _warn_items(r, warn_fraction)
    detail["warn"] = [{"parameter": p, "fraction": round(f, 4)} for p, f, _ in warn]
    if warn:
        p, frac, lim = warn[0]
        item = next(i for i in r.items if i.param == p)
        cls = target or 3
        word = "达" if item.bound == "max" else "仅为"
        head = (f"{r.label}（{item.name} {item.display}{_unit_text(item.unit)}，{word}{ROMAN[cls]}类限值 {_fmt(lim)} "
                f"的 {round(frac * 100):d}%）")
        tgt = f"目标{ROMAN[target]}类，达标但接近限值" if target is not None else "未设水质目标，按Ⅲ类接近限值"
        text = (f"{day.isoformat()}：{head}；{tgt}（预警为{WARN_NOTE}：限值的 {round(warn_fraction * 100):d}%） · "
                f"{METHOD}")
        return SiteStatus(Status.WARN, text, r.basis, detail)
    text = f"{day.isoformat()}：{r.explanation}"
    if target is None:
        text += "（按Ⅲ类判断达标）"
    return SiteStatus(Status.GOOD, text, r.basis, detail)


def _warn_items(r: WaterAssessment, fraction: float) -> list[tuple[str, float, float]]:
    """Class-setting, detected items near the target (or Ⅲ) limit: (param, value/limit or limit/value, limit)."""
    cls = r.target or 3
    out = []
    for item in r.items:
        if not item.class_setting or item.below_dl:
            continue
        row = limit_row(item.param, r.water_body)
        assert row is not None
        if row.bound == "max":
            lim = row.limit(cls)
            if item.value >= round(fraction * lim, 12):
                out.append((item.param, item.value / lim, lim))
        elif row.bound == "min":
            lim = row.limit(cls)
            if item.value <= round(lim / fraction, 12):
                out.append((item.param, item.value / lim if item.value else math.inf, lim))
    # the closest to its limit first: for '≤' items the largest share, for DO the smallest ratio
    out.sort(key=lambda t: -abs(math.log(t[1])) if t[1] not in (0.0, math.inf) else -math.inf)
    return out


def _detail(r: WaterAssessment, day: dt.date) -> dict[str, object]:
    return {
        "water_class": r.water_class,
        "label": r.label,
        "target": r.target,
        "meets_target": r.meets_target,
        "sample_date": day.isoformat(),
        "values": {i.param: f"{i.display}{_unit_text(i.unit)}" for i in r.items},
        "exceedances": [e.as_dict() for e in r.exceedances],
        "main_pollutants": list(r.main_pollutants),
        "below_dl": list(r.below_dl),
        "standard": STANDARD,
    }


# --------------------------------------------------------------------------------------------- periods


def period_codes(times: pd.Series, period: str) -> tuple[pd.Series, pd.Series]:
    """Integer key and label of the month/quarter/year of each time (shared with the vectorised path)."""
    if period not in _FREQ_PERIOD:
        raise ComplianceError(f"统计时段“{period}”无效；可用：month、quarter、year")
    t = pd.to_datetime(times)
    year = t.dt.year.astype("int64")
    if period == "month":
        month = t.dt.month.astype("int64")
        return year * 100 + month, year.astype(str) + "-" + month.astype(str).str.zfill(2)
    if period == "quarter":
        q = t.dt.quarter.astype("int64")
        return year * 10 + q, year.astype(str) + "Q" + q.astype(str)
    return year, year.astype(str)


def period_means(samples: pd.DataFrame, period: str, *, nd_rule: str = water_means.ND_FULL) -> pd.DataFrame:
    """Reported mean of each item per period: columns ``period_key, period, param, value, below_dl``.

    ``below_dl`` is true when every value of the group is undetected (the mean is then an undetected value at
    the mean detection limit).

    Means are computed and rounded by :mod:`compliance.water_means` (the same code as the vectorised path):
    undetected values enter at the detection limit, or at half of it with ``nd_rule='half'``.
    """
    data = _clean(samples)
    key, label = period_codes(data["time"], period)
    values = data["value"].astype("float64").to_numpy()
    nd_rows = water_means.below_dl_mask(data)
    values = water_means.nd_adjusted(values, nd_rows, nd_rule)
    frame = pd.DataFrame({"period_key": key.to_numpy(), "param": data["param"].astype(str).to_numpy()})
    groups = frame.drop_duplicates().sort_values(["period_key", "param"]).reset_index(drop=True)
    codes = pd.MultiIndex.from_frame(groups).get_indexer(pd.MultiIndex.from_frame(frame))
    groups["value"] = water_means.reported_means(codes, values, groups["param"].to_numpy(), len(groups))
    detected = np.ones(len(codes)) if nd_rows is None else (~nd_rows).astype("float64")
    groups["below_dl"] = np.bincount(codes, weights=detected, minlength=len(groups)) == 0
    labels = dict(zip(key.to_numpy().tolist(), label.to_numpy().tolist(), strict=True))
    groups["period"] = groups["period_key"].map(labels)
    return groups


def assess_period(
    samples: pd.DataFrame,
    period: str = "month",
    *,
    water_body: str = "river",
    target: int | None = None,
    evaluate_lake_tn: bool = False,
    nd_rule: str = water_means.ND_FULL,
) -> dict[str, WaterAssessment]:
    """Class of each period (``'2026-10'``, ``'2026Q4'``, ``'2026'``): item means first, then single-factor.

    Item means are rounded to the item's reporting precision before the comparison (see
    :mod:`compliance.water_means`).  Below-detection-limit values enter the mean at their detection limit (the
    ``value`` column), or at half of it with ``nd_rule='half'`` (环办监测函〔2020〕82号 第七条).
    """
    means = period_means(samples, period, nd_rule=nd_rule)
    out: dict[str, WaterAssessment] = {}
    for label, grp in means.groupby("period", sort=False):
        vals: dict[str, float | str | Reading] = {}
        for param, value, nd in zip(grp["param"].astype(str), grp["value"].astype(float), grp["below_dl"],
                                    strict=True):
            vals[param] = Reading(value, f"{_fmt(value)}L", True, value) if nd else value
        out[str(label)] = assess(vals, water_body=water_body, target=target, evaluate_lake_tn=evaluate_lake_tn)
    return out


def share_meeting_target(classes: Sequence[int | None], targets: Sequence[int | None]) -> float | None:
    """Share (0–1) of sections whose class meets their target; sections without class or target are skipped."""
    if len(classes) != len(targets):
        raise ComplianceError(f"断面类别数（{len(classes)}）与目标数（{len(targets)}）不一致")
    pairs = [(c, t) for c, t in zip(classes, targets, strict=True) if c is not None and t is not None]
    if not pairs:
        return None
    return sum(1 for c, t in pairs if c <= t) / len(pairs)


def basin_grade(classes: Sequence[int | None]) -> str | None:
    """River/basin grade (优 … 重度污染) from section classes; None for fewer than 5 classified sections.

    For fewer than 5 sections the 办法 averages each item over the sections and classifies the means: call
    :func:`assess` on those means.
    """
    valid = [c for c in classes if c is not None]
    for c in valid:
        if isinstance(c, bool) or not isinstance(c, int) or not 1 <= c <= 6:
            raise ComplianceError(f"断面类别“{c}”无效：应为 1–6（6 为劣Ⅴ类）")
    n = len(valid)
    if n < 5:
        return None
    good = Fraction(sum(1 for c in valid if c <= 3), n)
    worst = Fraction(sum(1 for c in valid if c == 6), n)
    if good >= Fraction(9, 10):
        return "优"
    if good >= Fraction(3, 4):
        return "良好"
    if worst < Fraction(1, 5):
        return "轻度污染"
    if worst < Fraction(2, 5):
        return "中度污染"
    return "重度污染"


# --------------------------------------------------------------------------------------------- trophic state

_TLI_R = {"chla": 1.0, "TP": 0.84, "TN": 0.82, "SD": -0.83, "CODMn": 0.83}
TLI_WEIGHTS: dict[str, float] = {k: r * r / sum(v * v for v in _TLI_R.values()) for k, r in _TLI_R.items()}


def _tli_component(param: str, x: float) -> float:
    ln = math.log(x)
    return {
        "chla": 10 * (2.5 + 1.086 * ln),
        "TP": 10 * (9.436 + 1.624 * ln),
        "TN": 10 * (5.453 + 1.694 * ln),
        "SD": 10 * (5.118 - 1.94 * ln),
        "CODMn": 10 * (0.109 + 2.661 * ln),
    }[param]


@dataclass(frozen=True)
class TrophicState:
    """Comprehensive trophic level index TLI(Σ) and its grade."""

    tli: float
    grade: str
    components: dict[str, float]
    explanation: str


def tli_grade(value: float) -> str:
    """Grade of a TLI value (总站生字〔2001〕090号 boundaries)."""
    if value < 30:
        return "贫营养"
    if value <= 50:
        return "中营养"
    if value <= 60:
        return "轻度富营养"
    if value <= 70:
        return "中度富营养"
    return "重度富营养"


def tli(values: Mapping[str, float | str]) -> TrophicState | None:
    """TLI(Σ) from chla (mg/m³), TP, TN, CODMn (mg/L) and SD (m); None unless all five exist."""
    if any(k not in values for k in _TLI_R):
        return None
    comps: dict[str, float] = {}
    for k in _TLI_R:
        reading = _parse(k, values[k])
        if reading.value <= 0:
            raise ComplianceError(f"项目“{k}”的数值“{values[k]}”无法计算营养状态指数：须大于 0")
        comps[k] = _tli_component(k, reading.value)
    total = sum(TLI_WEIGHTS[k] * comps[k] for k in _TLI_R)
    grade = tli_grade(total)
    return TrophicState(total, grade, comps, f"综合营养状态指数 TLI(Σ)={total:.1f}，{grade} · 总站生字〔2001〕090号")
