"""The one reader of table files (xlsx, xls, csv, gzip-compressed csv) for every import of the app.

:func:`read_table` gives raw cell rows with the row numbers users see in Excel.  Cells keep their type
(str, float, int, datetime, None); nothing is interpreted here except encodings, formula cells (cached
results are used; formulas without a result are reported) and header detection, which
:mod:`ingest.registers` and :mod:`ingest.sheets` share.  :func:`header_frame` turns a table with its
header in the first row into text columns (the store's task and measurement sheets, via
``store.ingest.read_frame``).

Every input is bounded before parsing (:mod:`geo.unpack`): the file size, gzip inflated in a counting
stream, workbooks measured member by member, sheets capped at :data:`~geo.unpack.MAX_CELLS` cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from defusedxml import DefusedXmlException

from geo.detect import content_kind, decode_strict
from geo.errors import VectorFileError
from geo.unpack import (
    MAX_CELLS,
    MAX_TABLE_FILE_BYTES,
    ZIP_ERRORS,
    CellLimitError,
    SheetExtent,
    XMLPrologScanner,
    check_zip,
    gunzip,
)
from ingest.errors import TableReadError

#: Default upper bound for one table file (its size on disk; the uncompressed bound is in geo.unpack).
DEFAULT_MAX_BYTES = MAX_TABLE_FILE_BYTES
#: Sheets skipped when choosing the data sheet of a workbook (the templates' instructions).
INSTRUCTION_SHEETS = {"说明", "填写说明", "使用说明"}
EXCEL_EXTS = (".xlsx", ".xlsm", ".xls")
TEXT_EXTS = (".csv", ".txt", ".tsv")
_OLE = b"\xd0\xcf\x11\xe0"
_GZIP = b"\x1f\x8b"

Cell = Any


@dataclass
class Table:
    """Rows of one sheet; ``rows[i]`` is Excel row ``i + 1``."""

    file: str
    sheet: str | None
    fmt: str
    rows: list[list[Cell]]
    formula_missing: set[tuple[int, int]] = field(default_factory=set)
    formula_count: int = 0
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    sha256: str = ""  # of the bytes as uploaded (before decompression)


def _load(source: str | Path | bytes, filename: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = Path(filename).name if filename else "上传文件"
    else:
        path = Path(source)
        name = Path(filename).name if filename else path.name
        if not path.is_file():
            raise TableReadError(name, "文件不存在")
        size = path.stat().st_size
        if size > max_bytes:
            raise TableReadError(
                name, f"文件大小 {size / 1e6:.1f} MB 超过上限 {max_bytes / 1e6:.1f} MB，请拆分后再导入"
            )
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise TableReadError(
            name, f"文件大小 {len(data) / 1e6:.1f} MB 超过上限 {max_bytes / 1e6:.1f} MB，请拆分后再导入"
        )
    if not data.strip():
        raise TableReadError(name, "文件为空")
    return data, name


def _gunzip(data: bytes, name: str) -> bytes:
    """A gzip-compressed table inflated in a counting stream (refused above :data:`~geo.unpack.MAX_INFLATED_BYTES`)."""
    try:
        inner = gunzip(data, name)
    except VectorFileError as exc:  # geo.unpack.UnpackLimitError: a bomb
        raise TableReadError(name, exc.detail) from None
    except (zlib.error, EOFError):
        raise TableReadError(name, "gzip 压缩文件已损坏或不完整，无法解压") from None
    if not inner.strip():
        raise TableReadError(name, "文件为空")
    return inner


def not_a_table(name: str, what: str) -> TableReadError:
    """The error for a file that is no table at all, worded after its extension (Excel or not)."""
    if Path(name.lower().removesuffix(".gz")).suffix in EXCEL_EXTS:
        return TableReadError(name, f"不是有效的 Excel 文件（{what}）；请在 Excel/WPS 中打开后另存为 .xlsx 再导入")
    return TableReadError(name, f"不是表格文件（{what}）；请上传 .xlsx、.xls 或 .csv 文件")


def header_missing(table: Table, expected: str) -> TableReadError:
    """No header row found: for a text file named like a workbook (or an archive) that means "not a table"."""
    ext = Path(table.file.lower().removesuffix(".gz")).suffix
    if table.fmt == "csv" and ext and ext not in TEXT_EXTS:
        return not_a_table(table.file, f"内容是纯文本，前 12 行中没有“{expected}”等列名")
    return TableReadError(table.file, f"未找到表头：前 12 行中没有“{expected}”等列名")


def _clean(v: Cell) -> Cell:
    if type(v) is str or isinstance(v, str):
        v = v.strip()
        if "\u3000" in v:
            v = v.replace("\u3000", " ").strip()
        return v or None
    if isinstance(v, float) and v != v:  # NaN
        return None
    return v


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    out = []
    for r in rows:
        r = [_clean(v) for v in r]
        while r and r[-1] is None:
            r.pop()
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


def _pick_sheet(names: list[str], sheet: str | None, file: str) -> str:
    if sheet is not None:
        if sheet not in names:
            raise TableReadError(file, f"没有名为“{sheet}”的工作表；可选：{'、'.join(names)}")
        return sheet
    data = [n for n in names if n.strip() not in INSTRUCTION_SHEETS]
    if not data:
        raise TableReadError(file, "工作簿中没有数据工作表")
    return data[0]


# --- xlsx ---------------------------------------------------------------------------------------------------


class _XlsxScan:
    """One bounded pass over a workbook's members: refuses DTDs, measures each worksheet, spots formulas."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.sheets: dict[str, SheetExtent] = {}
        self._xml: dict[str, XMLPrologScanner] = {}

    def __call__(self, info: zipfile.ZipInfo, chunk: bytes) -> None:
        member = info.filename
        if member.lower().endswith((".xml", ".rels", ".vml")):
            self._xml.setdefault(member, XMLPrologScanner(self.file, member)).feed(chunk)
        if member.startswith("xl/worksheets/") and member.endswith(".xml"):
            self.sheets.setdefault(member, SheetExtent()).feed(chunk)

    @property
    def formulas(self) -> bool:
        """Whether any worksheet holds a formula (``<f>`` element)."""
        return any(e.formulas for e in self.sheets.values())


def check_xlsx(data: bytes, name: str) -> _XlsxScan:
    """Refuse a workbook before any parser sees it: damaged zip, bomb, DTD, or a sheet above :data:`MAX_CELLS`.

    Raises
    ------
    TableReadError
        With one Chinese message naming the file (and the member or sheet range and the limit).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if not any(n.startswith("xl/") for n in zf.namelist()):
                raise not_a_table(name, "是 zip 压缩包，其中没有 Excel 工作簿")
            scan = _XlsxScan(name)
            check_zip(zf, name, inspect=scan)
    except VectorFileError as exc:  # geo.unpack: inflated size above the limit, DOCTYPE/ENTITY declarations
        raise TableReadError(name, exc.detail) from None
    except ZIP_ERRORS as exc:
        raise not_a_table(name, f"压缩结构损坏或文件不完整：{type(exc).__name__}") from None
    for member, extent in scan.sheets.items():
        rows, cols = extent.dense
        if rows * cols > MAX_CELLS:
            raise TableReadError(name, CellLimitError(name, rows, cols, where=f"工作表（成员 {member}）").detail)
    return scan


def _read_xlsx_fast(data: bytes, name: str, sheet: str | None) -> Table | None:
    """Read a formula-free xlsx with python-calamine (≈10x faster than openpyxl); None if unavailable."""
    try:
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError:
        return None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        title = _pick_sheet(list(wb.sheet_names), sheet, name)
        rows = [list(r) for r in wb.get_sheet_by_name(title).to_python(skip_empty_area=False)]
    except (CalamineError, ValueError, OSError):  # let openpyxl produce the diagnosis for damaged files
        return None
    return Table(name, title, "xlsx", _trim(rows))


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Table:
    scan = check_xlsx(data, name)
    if not scan.formulas:
        fast = _read_xlsx_fast(data, name, sheet)
        if fast is not None:
            return fast
    return _read_xlsx_careful(data, name, sheet)


def _openpyxl_rows(data: bytes, name: str, sheet: str | None, *, data_only: bool) -> tuple[str, list[list[Any]]]:
    """Cells of one sheet (openpyxl, read-only, dimensions taken from the cells, not from the file's claim)."""
    import openpyxl  # local import: only needed for Excel files

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        title = _pick_sheet(wb.sheetnames, sheet, name)
        ws = wb[title]
        ws.reset_dimensions()  # read-only sheets: no padding to a declared range
        return title, [list(r) for r in ws.iter_rows()]
    finally:
        wb.close()


def openpyxl_errors() -> tuple[type[Exception], ...]:
    """What openpyxl (and pandas on top of it) raise for a damaged workbook."""
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import InvalidFileException

    # damaged parts surface as these from openpyxl and its XML parser (missing members are KeyError)
    return (
        *ZIP_ERRORS, InvalidFileException, ParseError, ValueError, TypeError, AttributeError, UnicodeDecodeError,
    )


def _read_xlsx_careful(data: bytes, name: str, sheet: str | None) -> Table:
    try:
        title, cells = _openpyxl_rows(data, name, sheet, data_only=False)
        rows: list[list[Cell]] = []
        formulas: list[tuple[int, int]] = []
        for i, row in enumerate(cells):
            vals = []
            for j, c in enumerate(row):
                v = getattr(c, "value", None)
                if getattr(c, "data_type", None) == "f" or (isinstance(v, str) and v.startswith("=")):
                    formulas.append((i, j))
                vals.append(v)
            rows.append(vals)
        missing: set[tuple[int, int]] = set()
        if formulas:
            _, cached_cells = _openpyxl_rows(data, name, title, data_only=True)
            cached = [[c.value for c in r] for r in cached_cells]
            for i, j in formulas:
                v = cached[i][j] if i < len(cached) and j < len(cached[i]) else None
                rows[i][j] = v
                if v is None:
                    missing.add((i, j))
    except TableReadError:
        raise
    except DefusedXmlException:
        raise TableReadError(name, "XML 含 DOCTYPE/ENTITY 声明，可能是实体扩展攻击，为安全起见拒绝读取") from None
    except openpyxl_errors() as exc:
        raise not_a_table(name, f"工作簿内容损坏：{type(exc).__name__}") from None
    return Table(name, title, "xlsx", _trim(rows), missing, len(formulas))


# --- xls ----------------------------------------------------------------------------------------------------


def xls_errors() -> tuple[type[Exception], ...]:
    """What xlrd raises for a damaged .xls workbook."""
    import struct

    import xlrd
    from xlrd.compdoc import CompDocError

    # xlrd reports damaged BIFF/OLE2 files through its own errors and plain struct/index/assert failures
    return (xlrd.XLRDError, CompDocError, struct.error, AssertionError, IndexError, KeyError, ValueError,
            EOFError, OverflowError, TypeError)


def _read_xls(data: bytes, name: str, sheet: str | None) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, ragged_rows=True)
        title = _pick_sheet(book.sheet_names(), sheet, name)
        sh = book.sheet_by_name(title)
        if sh.nrows * sh.ncols > MAX_CELLS:
            raise TableReadError(name, CellLimitError(name, sh.nrows, sh.ncols, where=f"工作表“{title}”").detail)
        rows: list[list[Cell]] = []
        for i in range(sh.nrows):
            vals: list[Cell] = []
            for j in range(sh.row_len(i)):
                c = sh.cell(i, j)
                if c.ctype == xlrd.XL_CELL_DATE:
                    vals.append(xlrd.xldate_as_datetime(c.value, book.datemode))
                elif c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    vals.append(None)
                elif c.ctype == xlrd.XL_CELL_BOOLEAN:
                    vals.append(bool(c.value))
                else:
                    vals.append(c.value)
            rows.append(vals)
    except TableReadError:
        raise
    except xls_errors() as exc:
        raise not_a_table(name, f".xls 工作簿已损坏：{type(exc).__name__}") from None
    return Table(name, title, "xls", _trim(rows))


# --- csv ----------------------------------------------------------------------------------------------------


def _csv_rows(text: str, dialect: Any, name: str) -> list[list[str]]:
    """Rows of a CSV text, refused once they hold more than :data:`MAX_CELLS` cells."""
    rows: list[list[str]] = []
    cells = widest = 0
    for r in csv.reader(io.StringIO(text), dialect):
        rows.append(r)
        cells += len(r)
        widest = max(widest, len(r))
        if cells > MAX_CELLS:
            raise TableReadError(name, CellLimitError(name, len(rows), widest, partial=True).detail)
    return rows


def _read_csv(data: bytes, name: str) -> Table:
    try:
        text, codec = decode_strict(data)
    except UnicodeDecodeError:
        raise not_a_table(name, "内容既不是 Excel 工作簿，也不是 UTF-8 或 GBK 编码的文本") from None
    if "\x00" in text or sum(ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 4:
        raise not_a_table(name, "文件含二进制内容")
    head = text.lstrip()[:200].lower()
    if head.startswith(("<html", "<!doctype", "<table", "<?xml")):
        raise TableReadError(name, "文件内容是网页或 XML，不是表格；请在 Excel 中另存为 .xlsx")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = _csv_rows(text, dialect, name)
    except csv.Error as exc:
        raise TableReadError(name, f"CSV 格式错误（{exc}）") from None
    label = {"utf-8-sig": "UTF-8（带 BOM）", "utf-8": "UTF-8", "gb18030": "GBK/GB18030"}[codec]
    return Table(name, None, "csv", _trim(rows), encoding=codec, notes=[f"文本编码：{label}"])


def read_table(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Table:
    """Read an xlsx / xls / csv file, or a gzip-compressed one (format from the content, not the extension).

    Archives are measured before parsing (:func:`check_xlsx`), gzip is inflated in a counting stream,
    sheets are bounded to :data:`~geo.unpack.MAX_CELLS` cells; every failure is one :class:`TableReadError`
    naming the file.  ``Table.sha256`` is the digest of the bytes as given.
    """
    raw, name = _load(source, filename, max_bytes)
    data = _gunzip(raw, name) if raw.startswith(_GZIP) else raw
    ext = Path(name.lower().removesuffix(".gz")).suffix
    kind = content_kind(data)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        table = _read_xlsx(data, name, sheet)
    elif data.startswith(_OLE):
        table = _read_xls(data, name, sheet)
    elif kind == "gzip 压缩文件":
        raise TableReadError(name, "是嵌套的 gzip 压缩文件，请解压后再导入")
    elif kind is not None:
        raise not_a_table(name, f"内容是 {kind}")
    else:
        table = _read_csv(data, name)
    if (
        ext in (".xlsx", ".xls", ".csv", ".txt")
        and table.fmt != ext.lstrip(".")
        and not (ext == ".txt" and table.fmt == "csv")
    ):
        table.notes.append(f"文件扩展名“{ext}”与实际内容（{table.fmt}）不符，已按实际内容读取")
    if not table.rows:
        raise TableReadError(name, "文件中没有任何内容")
    table.sha256 = hashlib.sha256(raw).hexdigest()
    return table


def header_frame(table: Table) -> pd.DataFrame:
    """The table as text columns under its first non-empty row (the header), blank rows dropped.

    Cells are :func:`cell_text` (empty cells ``""``); header cells left empty are named ``Unnamed: j``
    and repeated names ``name.1``, ``name.2`` (as pandas does).  A CSV row wider than the header is
    refused (its cells would otherwise shift under the wrong columns).
    """
    rows = [r for r in table.rows if r]
    if not rows:
        raise TableReadError(table.file, "文件中没有表头行")
    header, body = rows[0], rows[1:]
    first = table.rows.index(header)
    width = len(header)
    if table.fmt == "csv":
        for i, r in enumerate(table.rows[first + 1:], start=first + 2):
            if len(r) > width:
                raise TableReadError(table.file, f"第 {i} 行有 {len(r)} 列，多于表头的 {width} 列"
                                                 "（文字中的英文逗号须加引号，或另存为 .xlsx）")
    width = max([width, *map(len, body)])
    if len(body) * width > MAX_CELLS:  # the frame built below: every row padded to the widest
        raise TableReadError(table.file, CellLimitError(table.file, len(body), width).detail)
    columns = _column_names([cell_text(header[j]) if j < len(header) else "" for j in range(width)])
    blank = [""] * width
    # cells of _trim are stripped text, None or typed values: only the last need cell_text (hot loop)
    cells = [["" if v is None else v if type(v) is str else cell_text(v) for v in r] + blank[len(r):] for r in body]
    return pd.DataFrame(cells, columns=columns, dtype=object) if cells else pd.DataFrame(columns=columns, dtype=object)


def _column_names(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for j, n in enumerate(names):
        n = n or f"Unnamed: {j}"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        seen.setdefault(n, 0)
        out.append(n)
    return out


# --- header detection ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """The header of a table: where it is and the text of each column."""

    first_row: int  # index into Table.rows
    height: int  # 1 or 2
    names: list[str | None]
    groups: list[str | None]  # the upper row of a two-row header, forward-filled over merged cells

    @property
    def data_start(self) -> int:
        """Index of the first data row."""
        return self.first_row + self.height


def _is_texty(v: Cell) -> bool:
    return isinstance(v, str)


def find_header(rows: list[list[Cell]], recognise: Callable[[str], bool], *, scan: int = 12) -> Header | None:
    """Find the header row and, below it, a second header row if the header is two rows high.

    The header is the first row (within ``scan``) with at least two recognised cells; a second row
    counts as header when it is all text, has recognised cells and those sit under empty (merged)
    cells of the first row — e.g. ``监测项目(mg/L)`` merged over ``氨氮 | 总磷``.
    """
    for i, row in enumerate(rows[:scan]):
        hits = sum(1 for v in row if _is_texty(v) and recognise(v))
        if hits < 2:
            continue
        height = 1
        nxt = rows[i + 1] if i + 1 < len(rows) else []
        if nxt and all(v is None or _is_texty(v) for v in nxt):
            below = [j for j, v in enumerate(nxt) if v is not None and recognise(v)]
            gaps = [j for j in below if j >= len(row) or row[j] is None]
            if below and gaps:
                height = 2
        width = max(len(row), len(nxt) if height == 2 else 0)
        top = [row[j] if j < len(row) else None for j in range(width)]
        if height == 1:
            return Header(i, 1, [str(v) if v is not None else None for v in top], [None] * width)
        filled: list[str | None] = []
        last: str | None = None
        for v in top:
            last = str(v) if v is not None else last
            filled.append(last)
        names = []
        for j in range(width):
            low = nxt[j] if j < len(nxt) else None
            names.append(str(low) if low is not None else (str(top[j]) if top[j] is not None else None))
        groups = [filled[j] if (j < len(nxt) and nxt[j] is not None) else None for j in range(width)]
        return Header(i, 2, names, groups)
    return None


def cell_text(v: Cell) -> str:
    """Text of a cell as the user typed it (floats without a spurious ``.0``)."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    return str(v).strip()
