"""Monitoring sheets (监测数据表) → the long form of docs/data-contract.md.

Two layouts are recognised:

* long form: one row per value — site, time, parameter, value, unit;
* wide monthly-report form: one row per site and date, one column per parameter with the unit in the
  header (``总磷(mg/L)``, ``氨氮（mg/L）``), possibly under a merged group header (``监测项目(mg/L)``).

Values keep their detection-limit notation (``ND``, ``未检出``, ``<0.01``, ``0.01L``) through
:func:`compliance.values.parse_value`; units are converted to the canonical unit of each parameter;
negative values, pH > 14, unknown parameters/units/sites and duplicates are reported with the Excel row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from compliance.errors import ComplianceError
from compliance.params import PARAMS
from compliance.values import Reading, parse_value
from ingest.errors import ImportResult, Issues, TableReadError, UnknownUnitError
from ingest.tabular import DEFAULT_MAX_BYTES, Header, Table, cell_text, find_header, header_missing, read_table
from ingest.units import conversion_factor, normalise_unit, resolve_param, split_header

Form = Literal["auto", "long", "wide"]
DuplicatePolicy = Literal["keep", "replace", "reject"]
OUTPUT_COLUMNS = ["site_id", "time", "param", "value", "raw", "unit", "source"]

_HEADERS: dict[str, tuple[str, ...]] = {
    "site_id": (
        "点位编号",
        "站点编号",
        "断面编号",
        "编号",
        "site_id",
        "siteid",
        "站点代码",
        "点位代码",
        "监测点位编号",
    ),
    "site_name": ("点位名称", "站点名称", "断面名称", "点位", "断面", "监测点位", "名称", "站点", "site_name"),
    "time": (
        "时间",
        "日期",
        "采样日期",
        "监测日期",
        "采样时间",
        "监测时间",
        "time",
        "date",
        "年月",
        "月份",
        "监测月份",
    ),
    "param": ("监测项目", "项目", "指标", "参数", "监测指标", "污染物", "param", "parameter", "项目名称"),
    "value": ("监测值", "数值", "浓度", "结果", "测定值", "监测结果", "value", "浓度值", "检测结果"),
    "unit": ("单位", "计量单位", "unit"),
    "source": ("来源", "数据来源", "监测方式", "source"),
    "_ignore": (
        "序号",
        "备注",
        "水质类别",
        "达标情况",
        "是否达标",
        "乡镇",
        "河流",
        "所在河流",
        "水体",
        "超标倍数",
        "超标项目",
        "类别",
        "示例",
        "评价结果",
        "说明",
    ),
}
_EMPTY = {"", "-", "—", "--", "/", "未监测", "未测", "缺测", "停测", "无"}
_SOURCES = {
    "manual": "manual",
    "auto": "auto",
    "手工": "manual",
    "人工": "manual",
    "自动": "auto",
    "在线": "auto",
    "自动监测": "auto",
    "手工监测": "manual",
}


def _hkey(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).lower()
    return re.sub(r"[\s_\-:：*＊()（）]", "", t)


_LOOKUP = {_hkey(s): col for col, names in _HEADERS.items() for s in names}


def header_column(text: str) -> str | None:
    """Sheet column key for a header (``site_id``, ``time``, ``param``, ``value``…), None if unknown."""
    return _LOOKUP.get(_hkey(text))


def _recognise(text: str) -> bool:
    col = header_column(text)
    if col not in (None, "_ignore"):
        return True
    return resolve_param(split_header(text)[0]) is not None


# --- cell parsers --------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2})[:时](\d{2})(?:[:分](\d{2}))?秒?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERNS = (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), re.compile(r"^(\d{4})(\d{2})$"))
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


@dataclass
class _Time:
    text: str
    month_only: bool = False


def parse_time(value: Any) -> _Time | None:
    """ISO text of a date/time cell (None if not a date); month-only cells map to the 1st."""
    if isinstance(value, dt.datetime):
        return _Time(_iso(value))
    if isinstance(value, dt.date):
        return _Time(value.isoformat())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= float(value) <= 80000:  # Excel serial date
            return _Time(_iso(_EXCEL_EPOCH + dt.timedelta(days=float(value))))
        value = cell_text(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pat in _DATE_PATTERNS:
        m = pat.match(text)
        if m:
            parts = [int(g) if g else 0 for g in m.groups()] + [0] * (6 - len(m.groups()))
            try:
                y, mo, d, h, mi, sec = parts[:6]
                return _Time(_iso(dt.datetime(y, mo, d, h, mi, sec)))
            except ValueError:
                return None
    for pat in _MONTH_PATTERNS:
        m = pat.match(text)
        if m:
            try:
                return _Time(dt.date(int(m.group(1)), int(m.group(2)), 1).isoformat(), month_only=True)
            except ValueError:
                return None
    return None


def _iso(t: dt.datetime) -> str:
    if t.hour == t.minute == t.second == 0:
        return t.date().isoformat()
    return t.isoformat(sep=" ", timespec="minutes" if t.second == 0 else "seconds")


# --- collecting rows --------------------------------------------------------------------------------------


@dataclass
class _Row:
    rownum: int
    field: str
    site_id: str
    time: str
    param: str
    reading: Reading
    factor: float
    unit_given: str
    source: str


@dataclass
class _Ctx:
    issues: Issues
    known_ids: Collection[str] | None
    name_to_id: Mapping[str, str]
    default_source: str
    out: list[_Row] = field(default_factory=list)
    units_seen: dict[str, set[str]] = field(default_factory=dict)
    month_only: int = 0
    factors: dict[tuple[str, str], float] = field(default_factory=dict)
    times: dict[str, _Time] = field(default_factory=dict)


def _site(row: list[Any], cols: dict[str, int], rownum: int, ctx: _Ctx) -> str | None:
    sid = cell_text(_get(row, cols.get("site_id")))
    name = cell_text(_get(row, cols.get("site_name")))
    if not sid and name:
        sid = ctx.name_to_id.get(name, "")
        if not sid and ctx.known_ids is not None and name in ctx.known_ids:
            sid = name
        if not sid:
            ctx.issues.error(f"点位名称“{name}”在点位台账中找不到，请填写点位编号", rownum, "点位名称")
            return None
    if not sid:
        ctx.issues.error("缺少点位编号", rownum, "点位编号")
        return None
    if ctx.known_ids is not None and sid not in ctx.known_ids:
        ctx.issues.error(f"点位编号“{sid}”不在点位台账中，请先导入该点位", rownum, "点位编号")
        return None
    return sid


def _get(row: list[Any], j: int | None) -> Any:
    return row[j] if j is not None and j < len(row) else None


def _time(row: list[Any], cols: dict[str, int], rownum: int, ctx: _Ctx) -> str | None:
    v = _get(row, cols.get("time"))
    if v is None:
        ctx.issues.error("缺少监测日期", rownum, "日期")
        return None
    t = ctx.times.get(v) if isinstance(v, str) else None
    if t is None:
        t = parse_time(v)
        if isinstance(v, str) and t is not None and len(ctx.times) < 100_000:
            ctx.times[v] = t
    if t is None:
        ctx.issues.error(
            f"日期“{cell_text(v)}”无法识别；可写作 2026-10-15、2026/10/15 或 2026年10月15日", rownum, "日期"
        )
        return None
    ctx.month_only += t.month_only
    return t.text


def _source(row: list[Any], cols: dict[str, int], rownum: int, ctx: _Ctx) -> str | None:
    v = _get(row, cols.get("source"))
    if v is None:
        return ctx.default_source
    s = _SOURCES.get(cell_text(v).lower())
    if s is None:
        ctx.issues.error(f"数据来源“{cell_text(v)}”应为“手工”或“自动”", rownum, "来源")
    return s


def _value(
    ctx: _Ctx,
    rownum: int,
    field_name: str,
    sid: str,
    time: str,
    param: str,
    raw: Any,
    unit: str | None,
    source: str,
    unit_field: str | None = None,
) -> None:
    key = (param, unit or "")
    if key not in ctx.factors:
        try:
            ctx.factors[key] = conversion_factor(param, unit)
        except UnknownUnitError as exc:
            ctx.issues.error(str(exc), rownum, unit_field or field_name)
            return
    try:
        reading = parse_value(param, raw)
    except ComplianceError as exc:
        ctx.issues.error(str(exc), rownum, field_name)
        return
    factor = ctx.factors[key]
    if param == "pH" and reading.value * factor > 14:
        ctx.issues.error(f"pH 值“{cell_text(raw)}”大于 14，不可能", rownum, field_name)
        return
    ctx.units_seen.setdefault(param, set()).add(normalise_unit(unit) or normalise_unit(PARAMS[param].unit))
    ctx.out.append(_Row(rownum, field_name, sid, time, param, reading, factor, unit or "", source))


def _map_columns(header: Header, issues: Issues) -> tuple[dict[str, int], list[tuple[int, str, str | None]]]:
    """Fixed columns and wide-form parameter columns ``(index, code, unit)``."""
    cols: dict[str, int] = {}
    params: list[tuple[int, str, str | None]] = []
    for j, name in enumerate(header.names):
        if not name:
            continue
        col = header_column(name)
        if col == "_ignore":
            continue
        if col is not None:
            if col in cols:
                issues.warn(f"列“{name}”与前面的列含义重复，已忽略", header.first_row + 1, name)
            else:
                cols[col] = j
            continue
        label, unit = split_header(name)
        code = resolve_param(label)
        if code is None and unit is None and header.groups[j]:
            code = resolve_param(name)
        if unit is None and header.groups[j]:
            unit = split_header(header.groups[j] or "")[1]
        if code is not None:
            params.append((j, code, unit))
        elif unit is not None:
            issues.error(f"未知的监测项目“{label}”", header.first_row + header.height, name)
        else:
            issues.warn(f"未识别的列“{name}”，已忽略", header.first_row + header.height, name)
    return cols, params


def _long_rows(rows: list[tuple[int, list[Any]]], cols: dict[str, int], ctx: _Ctx) -> None:
    for rownum, row in rows:
        sid = _site(row, cols, rownum, ctx)
        time = _time(row, cols, rownum, ctx)
        src = _source(row, cols, rownum, ctx)
        ptext = cell_text(_get(row, cols["param"]))
        label, unit_in_name = split_header(ptext) if ptext else ("", None)
        param = resolve_param(label)
        if not ptext:
            ctx.issues.error("缺少监测项目", rownum, "监测项目")
        elif param is None:
            ctx.issues.error(f"未知的监测项目“{ptext}”", rownum, "监测项目")
        raw = _get(row, cols["value"])
        if raw is None or cell_text(raw) in _EMPTY:
            ctx.issues.error("缺少监测值", rownum, "监测值")
            continue
        unit = cell_text(_get(row, cols.get("unit"))) or unit_in_name
        if sid and time and param and src:
            _value(ctx, rownum, "监测值", sid, time, param, raw, unit, src, "单位")


def _wide_rows(
    rows: list[tuple[int, list[Any]]],
    cols: dict[str, int],
    params: list[tuple[int, str, str | None]],
    ctx: _Ctx,
    header: Header,
) -> None:
    for j, code, unit in params:
        if unit is None and PARAMS[code].unit not in ("无量纲",):
            ctx.issues.warn(
                f"列“{header.names[j]}”未注明单位，按标准单位 {PARAMS[code].unit} 处理",
                header.first_row + header.height,
                header.names[j],
            )
    for rownum, row in rows:
        sid = _site(row, cols, rownum, ctx)
        time = _time(row, cols, rownum, ctx)
        src = _source(row, cols, rownum, ctx)
        for j, code, unit in params:
            raw = _get(row, j)
            if raw is None or cell_text(raw) in _EMPTY:
                continue
            if sid and time and src:
                _value(ctx, rownum, header.names[j] or code, sid, time, code, raw, unit, src)


def _dedupe(ctx: _Ctx, policy: DuplicatePolicy) -> list[_Row]:
    seen: dict[tuple[str, str, str], _Row] = {}
    order: list[tuple[str, str, str]] = []
    identical = 0
    for r in ctx.out:
        key = (r.site_id, r.time, r.param)
        prev = seen.get(key)
        if prev is None:
            seen[key] = r
            order.append(key)
            continue
        same = (
            prev.reading.value * prev.factor == r.reading.value * r.factor
            and prev.reading.below_dl == r.reading.below_dl
        )
        where = f"点位“{r.site_id}”、{r.time}、{PARAMS[r.param].name}"
        if same:
            identical += 1
        elif policy == "reject":
            ctx.issues.error(
                f"{where} 的数据重复且数值不同（首次出现在第 {prev.rownum} 行）；请删除重复行，"
                "或选择“保留首次”/“以后者替换”",
                r.rownum,
                r.field,
            )
        elif policy == "replace":
            ctx.issues.warn(f"{where} 的数据重复，已用本行替换第 {prev.rownum} 行的值", r.rownum, r.field)
            seen[key] = r
        else:
            ctx.issues.warn(f"{where} 的数据重复，保留第 {prev.rownum} 行的值，忽略本行", r.rownum, r.field)
    if identical:
        ctx.issues.warn(f"{identical} 行为完全相同的重复数据，已只保留一次")
    return [seen[k] for k in order]


def _frame(rows: list[_Row]) -> pd.DataFrame:
    recs = []
    for r in rows:
        rd = r.reading
        value = rd.value * r.factor
        if r.factor == 1.0:
            raw = rd.raw.strip()
        elif rd.below_dl and rd.dl is not None:
            raw = f"{rd.dl * r.factor:.6g}L"
        elif rd.below_dl:
            raw = "ND"
        else:
            raw = f"{value:.6g}"
        recs.append((r.site_id, r.time, r.param, value, raw, PARAMS[r.param].unit, r.source))
    df = pd.DataFrame.from_records(recs, columns=OUTPUT_COLUMNS)
    df.index = pd.Index([r.rownum for r in rows], name="excel_row")
    return df


def parse_sheet(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    form: Form = "auto",
    known_ids: Collection[str] | None = None,
    name_to_id: Mapping[str, str] | None = None,
    duplicates: DuplicatePolicy = "reject",
    default_source: Literal["manual", "auto"] = "manual",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportResult[pd.DataFrame]:
    """Parse and validate a monitoring sheet (.xlsx / .xls / .csv), long or wide form.

    Parameters
    ----------
    known_ids
        Site ids of the register; other ids are errors (None: not checked).
    name_to_id
        Site name → id, to accept sheets that only name the sites (点位名称).
    duplicates
        Same site, time and parameter with different values: ``reject`` (error), ``keep`` (first wins)
        or ``replace`` (last wins).  Identical repeated rows are always kept once, with a warning.

    Returns
    -------
    ImportResult
        ``preview`` / ``data``: a DataFrame with the contract columns ``site_id, time, param, value, raw,
        unit, source`` (value and raw in the canonical unit; index = Excel row).

    Raises
    ------
    TableReadError
        The file cannot be read as a table or has no recognisable header.
    """
    if duplicates not in ("keep", "replace", "reject"):
        raise TableReadError(filename or "上传文件", f"未知的重复数据处理方式“{duplicates}”")
    # no catch-all: read_table turns every sign of a bad file into TableReadError, the checks below report
    # bad cells as issues; anything else is a bug and must reach the operator as one
    table = read_table(source, filename=filename, sheet=sheet, max_bytes=max_bytes)
    ctx = _Ctx(Issues(table.file), known_ids, dict(name_to_id or {}), default_source)
    result = _parse(table, form, duplicates, ctx)
    rows_read = result.meta.get("rows_read")
    result.sha256, result.rows = table.sha256, len(result.preview)
    result.rows_read = rows_read if isinstance(rows_read, int) else 0
    return result


def _parse(table: Table, form: Form, duplicates: DuplicatePolicy, ctx: _Ctx) -> ImportResult[pd.DataFrame]:
    header = find_header(table.rows, _recognise)
    if header is None:
        raise header_missing(table, "点位编号、日期、监测项目")
    for note in table.notes:
        ctx.issues.warn(note)
    cols, params = _map_columns(header, ctx.issues)
    if form == "auto":
        form = "long" if "param" in cols and "value" in cols else "wide"
    meta: dict[str, object] = {"form": form, "sheet": table.sheet, "format": table.fmt, "encoding": table.encoding}
    if "site_id" not in cols and "site_name" not in cols:
        ctx.issues.error("缺少“点位编号”列", header.first_row + 1, "点位编号")
    if "time" not in cols:
        ctx.issues.error("缺少“日期”列", header.first_row + 1, "日期")
    if form == "long" and ("param" not in cols or "value" not in cols):
        ctx.issues.error("长表需要“监测项目”和“监测值”两列", header.first_row + 1)
    if form == "wide" and not params:
        ctx.issues.error("没有找到任何监测项目列（如“总磷(mg/L)”）", header.first_row + 1)
    rows = [(i + 1, r) for i, r in enumerate(table.rows) if i >= header.data_start and any(v is not None for v in r)]
    if not rows and not ctx.issues.has_errors:
        ctx.issues.error("表格只有表头，没有数据行", header.first_row + 1)
    if ctx.issues.has_errors:
        return ImportResult(table.file, ctx.issues.items, pd.DataFrame(columns=OUTPUT_COLUMNS), meta)
    for i, j in sorted(table.formula_missing):
        name = header.names[j] if j < len(header.names) else None
        ctx.issues.error("公式单元格没有计算结果，请在 Excel 中打开并保存（或粘贴为数值）后再导入", i + 1, name)
    if table.formula_count:
        ctx.issues.warn(f"{table.formula_count} 个单元格为公式，已按其计算结果读取")
    if form == "long":
        _long_rows(rows, cols, ctx)
    else:
        _wide_rows(rows, cols, params, ctx, header)
    if ctx.month_only:
        ctx.issues.warn(f"{ctx.month_only} 行的日期只有年月，按当月 1 日记录")
    for param, units in ctx.units_seen.items():
        if len(units) > 1:
            ctx.issues.warn(
                f"项目“{PARAMS[param].name}”使用了多种单位（{'、'.join(sorted(units))}），"
                f"已统一换算为 {PARAMS[param].unit}"
            )
    kept = _dedupe(ctx, duplicates)
    meta["rows_read"] = len(rows)
    return ImportResult(table.file, ctx.issues.items, _frame(kept), meta)
