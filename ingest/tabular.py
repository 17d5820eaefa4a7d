"""Reading table files (xlsx, xls, csv) into raw cell rows with the row numbers users see in Excel.

Cells keep their type (str, float, int, datetime, None); nothing is interpreted here except
encodings, formula cells (cached results are used; formulas without a result are reported) and
header detection, which :mod:`ingest.registers` and :mod:`ingest.sheets` share.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.detect import decode_strict
from ingest.errors import TableReadError

#: Default upper bound for one table file.
DEFAULT_MAX_BYTES = 50_000_000
#: Sheets skipped when choosing the data sheet of a workbook (the templates' instructions).
INSTRUCTION_SHEETS = {"说明", "填写说明", "使用说明"}

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


def _clean(v: Cell) -> Cell:
    if isinstance(v, str):
        v = v.strip().replace("\u3000", " ").strip()
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


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of an xlsx holds a formula (``<f>`` element); True if unsure."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(
                _FORMULA_TAG.search(zf.read(n))
                for n in zf.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")
            )
    except Exception:  # damaged archives go the careful way and fail there with a proper message
        return True


def _read_xlsx_fast(data: bytes, name: str, sheet: str | None) -> Table | None:
    """Read a formula-free xlsx with python-calamine (≈10x faster than openpyxl); None if unavailable."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        title = _pick_sheet(list(wb.sheet_names), sheet, name)
        rows = [list(r) for r in wb.get_sheet_by_name(title).to_python(skip_empty_area=False)]
    except TableReadError:
        raise
    except Exception:  # let openpyxl produce the diagnosis for damaged files
        return None
    return Table(name, title, "xlsx", _trim(rows))


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Table:
    if not _has_formulas(data):
        fast = _read_xlsx_fast(data, name, sheet)
        if fast is not None:
            return fast
    return _read_xlsx_careful(data, name, sheet)


def _read_xlsx_careful(data: bytes, name: str, sheet: str | None) -> Table:
    import openpyxl  # local import: only needed for Excel files

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        title = _pick_sheet(wb.sheetnames, sheet, name)
        ws = wb[title]
        rows: list[list[Cell]] = []
        formulas: list[tuple[int, int]] = []
        for i, row in enumerate(ws.iter_rows()):
            vals = []
            for j, c in enumerate(row):
                v = getattr(c, "value", None)
                if getattr(c, "data_type", None) == "f" or (isinstance(v, str) and v.startswith("=")):
                    formulas.append((i, j))
                vals.append(v)
            rows.append(vals)
        wb.close()
        missing: set[tuple[int, int]] = set()
        if formulas:
            wb2 = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            cached = [[c.value for c in r] for r in wb2[title].iter_rows()]
            wb2.close()
            for i, j in formulas:
                v = cached[i][j] if i < len(cached) and j < len(cached[i]) else None
                rows[i][j] = v
                if v is None:
                    missing.add((i, j))
    except TableReadError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, AttributeError, EOFError) as exc:
        raise TableReadError(name, f"Excel 文件已损坏或不是 .xlsx 格式（{type(exc).__name__}）") from None
    except Exception as exc:  # openpyxl/lxml raise assorted errors on damaged XML
        raise TableReadError(name, f"Excel 文件无法读取（{type(exc).__name__}）") from None
    return Table(name, title, "xlsx", _trim(rows), missing, len(formulas))


def _read_xls(data: bytes, name: str, sheet: str | None) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
        title = _pick_sheet(book.sheet_names(), sheet, name)
        sh = book.sheet_by_name(title)
        rows: list[list[Cell]] = []
        for i in range(sh.nrows):
            vals: list[Cell] = []
            for j in range(sh.ncols):
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
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError… on damaged files
        raise TableReadError(name, f".xls 文件已损坏或无法读取（{type(exc).__name__}）") from None
    return Table(name, title, "xls", _trim(rows))


def _read_csv(data: bytes, name: str) -> Table:
    if data[:2] == b"\x1f\x8b":
        raise TableReadError(name, "压缩文件请先解压后再导入")
    try:
        text, codec = decode_strict(data)
    except UnicodeDecodeError:
        raise TableReadError(name, "不是文本表格文件（既不是 UTF-8 也不是 GBK 编码），请另存为 .xlsx 或 CSV") from None
    if "\x00" in text or sum(ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 4:
        raise TableReadError(name, "文件含二进制内容，不是表格文件")
    head = text.lstrip()[:200].lower()
    if head.startswith(("<html", "<!doctype", "<table", "<?xml")):
        raise TableReadError(name, "文件内容是网页或 XML，不是表格；请在 Excel 中另存为 .xlsx")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
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
    """Read an xlsx / xls / csv file (format from the content, not the extension) into a :class:`Table`."""
    data, name = _load(source, filename, max_bytes)
    ext = Path(name).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data, name, sheet)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        table = _read_xls(data, name, sheet)
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
    return table


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
