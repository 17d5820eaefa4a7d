"""Reading and validating imported files.

Validation is complete before anything is written: one bad cell and the whole file is refused, with every
problem named by file, row and field.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import warnings
import zlib
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from compliance.errors import ComplianceError
from compliance.params import PARAMS
from compliance.values import parse_value
from geo.detect import content_kind
from geo.errors import VectorFileError
from geo.unpack import MAX_CELLS, MAX_INFLATED_BYTES, CellLimitError, gunzip
from ingest.errors import TableReadError
from ingest.tabular import EXCEL_EXTS, TEXT_EXTS, check_xlsx, not_a_table, openpyxl_errors, xls_errors
from store.errors import ImportValidationError, RowProblem, StoreError

SOURCES = {"manual", "auto"}
_SOURCE_ALIASES = {"手工": "manual", "人工": "manual", "自动": "auto", "在线": "auto", "": "manual"}
ORIGINS = {"inspection", "complaint", "inspection_central"}


@dataclass(frozen=True)
class LoadedFile:
    """An uploaded file: its name, bytes and SHA-256."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        """Hex digest of the content."""
        return hashlib.sha256(self.data).hexdigest()


def load_file(source: Path | str | bytes, file_name: str | None = None) -> LoadedFile:
    """Read a path (or take bytes) once, so that hashing and parsing see the same content."""
    if isinstance(source, bytes):
        return LoadedFile(file_name or "上传文件", source)
    path = Path(source)
    try:
        return LoadedFile(file_name or path.name, path.read_bytes())
    except OSError as exc:
        raise StoreError(f"无法读取文件“{path}”：{exc.strerror}") from None


def read_table(f: LoadedFile) -> pd.DataFrame:
    """CSV (optionally gzip-compressed, UTF-8 or GBK) or Excel as text cells; header row required.

    Bounded like every reader of user files (:mod:`geo.unpack`): gzip is inflated in a counting stream,
    workbooks are measured member by member before pandas sees them, and no sheet may exceed
    :data:`~geo.unpack.MAX_CELLS` cells.  Every failure is one :class:`StoreError` naming the file.
    """
    try:
        return _read_table(f)
    except (TableReadError, VectorFileError) as exc:  # the readers' own messages: file, member, limit
        raise StoreError(str(exc)) from None


def _read_table(f: LoadedFile) -> pd.DataFrame:
    name, data = f.name, f.data
    if len(data) > MAX_INFLATED_BYTES:
        raise TableReadError(name, f"文件大小 {len(data) / 1e6:.1f} MB 超过上限 {MAX_INFLATED_BYTES / 1e6:.0f} MB，"
                                   "请拆分后再导入")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip(data, name)
        except (zlib.error, EOFError):
            raise TableReadError(name, "gzip 压缩文件已损坏或不完整，无法解压") from None
    if not data.strip():
        raise TableReadError(name, "文件为空")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        df = _read_xlsx(data, name)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        df = _read_xls(data, name)
    elif (kind := content_kind(data)) is not None:
        raise not_a_table(name, f"内容是 {kind}")
    elif (ext := Path(name.lower().removesuffix(".gz")).suffix) in EXCEL_EXTS:
        raise not_a_table(name, "内容是纯文本")
    elif ext and ext not in TEXT_EXTS:
        raise not_a_table(name, f"扩展名为“{ext}”，内容是纯文本")
    else:
        df = _read_csv(data, name)
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _read_xlsx(data: bytes, name: str) -> pd.DataFrame:
    check_xlsx(data, name)  # bombs, DTDs, oversized sheets: refused before openpyxl reads anything
    try:
        return pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
    except openpyxl_errors() as exc:
        raise not_a_table(name, f"工作簿内容损坏：{type(exc).__name__}") from None


def _read_xls(data: bytes, name: str) -> pd.DataFrame:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, ragged_rows=True)
        sheet = book.sheet_by_index(0)
        if sheet.nrows * sheet.ncols > MAX_CELLS:
            raise CellLimitError(name, sheet.nrows, sheet.ncols, where=f"工作表“{sheet.name}”")
        return pd.read_excel(book, dtype=str, keep_default_na=False, engine="xlrd")
    except xls_errors() as exc:
        raise not_a_table(name, f".xls 工作簿已损坏：{type(exc).__name__}") from None


def _read_csv(data: bytes, name: str) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise not_a_table(name, "内容既不是 Excel 工作簿，也不是 UTF-8 或 GBK 编码的文本") from None
    if "\x00" in text or sum(ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 4:
        raise not_a_table(name, "文件含二进制内容")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    cols = len(next(csv.reader([first]), [])) or 1
    lines = text.count("\n") + 1
    if lines * cols > MAX_CELLS:  # the frame pandas would build: every line padded to the header's width
        raise CellLimitError(name, lines, cols)
    try:
        with warnings.catch_warnings():
            # a first data row wider than the header would silently become the index (shifting every column)
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except pd.errors.EmptyDataError:
        raise TableReadError(name, "文件中没有表头行") from None
    except (pd.errors.ParserWarning, pd.errors.ParserError):
        raise TableReadError(name, _csv_shape_problem(text)) from None


def _csv_shape_problem(text: str) -> str:
    """What pandas could not read: the first row wider than the header, or unbalanced quotes."""
    try:
        reader = csv.reader(io.StringIO(text))
        width = len(next(reader, []))
        for line, row in enumerate(reader, start=2):
            if len(row) > width:
                return (f"第 {line} 行有 {len(row)} 列，多于表头的 {width} 列"
                        "（文字中的英文逗号须加引号，或另存为 .xlsx）")
    except csv.Error:
        pass
    return "CSV 格式错误，无法按逗号分隔的表格读取（请检查引号是否成对）"


def require_columns(df: pd.DataFrame, needed: tuple[str, ...], file_name: str) -> None:
    """Refuse a file that lacks a column."""
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ImportValidationError(file_name, [RowProblem(1, c, "缺少此列") for c in missing])


def _dates(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col.str.strip(), errors="coerce", format="ISO8601")


def validate_measurements(df: pd.DataFrame, file_name: str, known_sites: Set[str]) -> pd.DataFrame:
    """Check every row of a long-form measurement table; return the rows ready to store.

    Columns: ``site_id, time, param`` and ``raw`` and/or ``value``; optional ``unit, source, quality_flag``.
    """
    require_columns(df, ("site_id", "time", "param"), file_name)
    if "raw" not in df.columns and "value" not in df.columns:
        raise ImportValidationError(file_name, [RowProblem(1, "raw", "缺少数值列（raw 或 value）")])
    n = len(df)
    blank = pd.Series([""] * n, index=df.index, dtype=object)
    site = df["site_id"].astype(str).str.strip()
    param = df["param"].astype(str).str.strip()
    times = _dates(df["time"].astype(str))
    raw = df["raw"].astype(str).str.strip() if "raw" in df.columns else blank
    if "value" in df.columns:
        raw = raw.where(raw != "", df["value"].astype(str).str.strip())
    unit = df["unit"].astype(str).str.strip() if "unit" in df.columns else blank
    source = df["source"].astype(str).str.strip() if "source" in df.columns else blank
    source = source.map(lambda v: _SOURCE_ALIASES.get(v, v))
    flag = df["quality_flag"].astype(str).str.strip() if "quality_flag" in df.columns else None
    canon = param.map({c: p.unit for c, p in PARAMS.items()})
    known_param = canon.notna().to_numpy()
    time_text = df["time"].astype(str).tolist()
    site_l, param_l, unit_l, source_l, canon_l = (x.tolist() for x in (site, param, unit, source, canon))
    checks = (
        ("site_id", ~site.isin(list(known_sites)).to_numpy(), lambda i: f"站点编号“{site_l[i]}”不在站点名录中"),
        ("time", times.isna().to_numpy(),
         lambda i: f"“{time_text[i]}”不是日期/时间（应为 2026-10-15 或 2026-10-15 08:00）"),
        ("param", ~known_param, lambda i: f"未知的监测项目代码“{param_l[i]}”"),
        ("unit", ((unit != "") & (unit != canon)).to_numpy() & known_param,
         lambda i: f"单位“{unit_l[i]}”与项目“{param_l[i]}”的标准单位“{canon_l[i]}”不符，请先换算"),
        ("source", ~source.isin(list(SOURCES)).to_numpy(),
         lambda i: f"“{source_l[i]}”应为 manual（手工）或 auto（自动）"),
    )
    raw_l = raw.tolist()
    found: list[tuple[int, int, RowProblem]] = []
    for order, (field, bad, message) in enumerate(checks):
        for i in bad.nonzero()[0][:1000]:
            found.append((int(i), order, RowProblem(int(i) + 2, field, message(int(i)))))

    values = [0.0] * n
    below = [False] * n
    dls: list[float | None] = [None] * n
    value_field = "raw" if "raw" in df.columns else "value"
    cache: dict[tuple[str, str], object] = {}
    for i, (p, r) in enumerate(zip(param_l, raw_l, strict=True)):
        if not known_param[i]:
            continue
        key = (p, r)
        parsed = cache.get(key)
        if parsed is None:
            try:
                parsed = parse_value(p, r)
            except ComplianceError as exc:
                parsed = exc
            cache[key] = parsed
        if isinstance(parsed, ComplianceError):
            found.append((i, len(checks), RowProblem(i + 2, value_field, str(parsed))))
            if len(found) > 5000:
                break
            continue
        values[i] = parsed.value  # type: ignore[attr-defined]
        below[i] = parsed.below_dl  # type: ignore[attr-defined]
        dls[i] = parsed.dl  # type: ignore[attr-defined]
    if found:
        found.sort(key=lambda t: (t[0], t[1]))
        raise ImportValidationError(file_name, [f for _, _, f in found])
    units = canon_l
    return pd.DataFrame({
        "site_id": site_l, "time": times.to_numpy(), "param": param_l,
        "value": values, "raw": raw_l, "unit": units, "below_dl": below, "detection_limit": dls,
        "source": source_l,
        "quality_flag": (flag.where(flag != "", None).to_numpy() if flag is not None else [None] * n),
    })


def parse_date(value: str, row: int, field: str, problems: list[RowProblem], *, required: bool) -> dt.date | None:
    """An ISO date cell (empty allowed unless ``required``)."""
    v = (value or "").strip()
    if not v:
        if required:
            problems.append(RowProblem(row, field, "不能为空"))
        return None
    try:
        return dt.date.fromisoformat(v[:10])
    except ValueError:
        problems.append(RowProblem(row, field, f"“{v}”不是日期（应为 YYYY-MM-DD）"))
        return None


def parse_float(value: str, row: int, field: str, problems: list[RowProblem], *, required: bool) -> float | None:
    """A number cell (empty allowed unless ``required``)."""
    v = (value or "").strip()
    if not v:
        if required:
            problems.append(RowProblem(row, field, "不能为空"))
        return None
    try:
        x = float(v)
    except ValueError:
        problems.append(RowProblem(row, field, f"“{v}”不是数值"))
        return None
    if x != x or x in (float("inf"), float("-inf")):
        problems.append(RowProblem(row, field, f"“{v}”不是有限数值"))
        return None
    return x
