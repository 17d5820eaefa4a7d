"""Errors and results of every import; messages are Chinese because they reach users unchanged.

One error type means "this file is refused": :class:`ImportFileError`, naming the file and, where known,
the row (as Excel counts it) and the field.  Its subclasses say why: :class:`TableReadError` (the file
cannot be read as a table at all), :class:`ImportRefusedError` (validation found errors) and, in the
store, ``store.errors.ImportValidationError`` / ``DuplicateImportError`` (also ``StoreError``).

One result type: :class:`ImportResult` — the issues (errors and warnings, each with file, Excel row
number and field), the parsed data, the SHA-256 of the uploaded bytes, the row counts and, once the
store has committed it, the batch id.  The data is only reachable through :attr:`ImportResult.data`,
which raises :class:`ImportRefusedError` while any error exists, so a caller cannot store a file that
failed validation by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from compliance.errors import ComplianceError
from geo.errors import GeoError

Severity = Literal["error", "warning"]
T = TypeVar("T")


class IngestError(ValueError):
    """Base class of every error raised by :mod:`ingest` (a file the app cannot import)."""


def locate(file: str, row: int | None = None, field: str | None = None) -> str:
    """Where a problem is, in Chinese: ``文件“a.csv”第 3 行，字段“time”``."""
    return f"文件“{file}”" + (f"第 {row} 行" if row is not None else "") + (f"，字段“{field}”" if field else "")


class ImportFileError(IngestError):
    """A file the app refuses to import; nothing of it was stored.

    ``file``, ``row`` (Excel numbering, header = 1) and ``field`` say where, ``detail`` what; ``text``
    replaces the default one-line message (``文件“a.csv”第 3 行，字段“time”：…``) for composite messages.
    """

    def __init__(self, file: str, message: str, *, row: int | None = None, field: str | None = None,
                 text: str | None = None) -> None:
        super().__init__(text if text is not None else f"{locate(file, row, field)}：{message}")
        self.file = file
        self.row = row
        self.field = field
        self.detail = message


class TableReadError(ImportFileError):
    """A table file (xlsx/xls/csv, gzip CSV) that cannot be read at all."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(file, message)


class DMSParseError(IngestError):
    """A coordinate text that is neither decimal degrees nor degrees-minutes-seconds."""

    def __init__(self, text: str, reason: str = "") -> None:
        extra = f"：{reason}" if reason else ""
        super().__init__(f"坐标“{text}”无法识别{extra}；可写作 115.9583 或 115°57′30.5″、115度57分30.5秒")
        self.text = text


class UnknownUnitError(IngestError):
    """A unit the converter does not know for a parameter."""

    def __init__(self, param: str, unit: str, canonical: str) -> None:
        super().__init__(f"项目“{param}”的单位“{unit}”无法识别或无法换算为标准单位“{canonical}”")
        self.param = param
        self.unit = unit


#: Every error a parser of this project may raise (the fuzz tests hold the parsers to it).
IMPORT_ERRORS: tuple[type[Exception], ...] = (IngestError, GeoError, ComplianceError)


@dataclass(frozen=True)
class Issue:
    """One finding of a validation: ``row`` is the row number the user sees in Excel (header row = 1)."""

    severity: Severity
    file: str
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [f"文件“{self.file}”"]
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.field:
            where.append(f"字段“{self.field}”")
        label = "错误" if self.severity == "error" else "提示"
        return f"[{label}] {' '.join(where)}：{self.message}"


class ImportRefusedError(ImportFileError):
    """Raised when the data of a result with errors is requested: nothing may be stored."""

    def __init__(self, issues: list[Issue]) -> None:
        errors = [i for i in issues if i.severity == "error"]
        shown = "\n".join(str(i) for i in errors[:20])
        more = f"\n……另有 {len(errors) - 20} 条错误" if len(errors) > 20 else ""
        first = errors[0] if errors else None
        super().__init__(first.file if first else "", first.message if first else "导入被拒绝",
                         row=first.row if first else None, field=first.field if first else None,
                         text=f"导入被拒绝：发现 {len(errors)} 条错误，未保存任何数据。\n{shown}{more}")
        self.issues = issues


@dataclass
class ImportResult(Generic[T]):
    """One import, parsed and (once stored) committed.  ``data`` raises :class:`ImportRefusedError` unless :attr:`ok`.

    ``sha256`` is the digest of the bytes as uploaded (before any decompression; the store's duplicate
    check compares it), ``rows_read`` the data rows read from the file, ``rows`` the valid rows (after a
    commit: the rows stored) and ``batch_id`` the store's import batch (None until stored).
    """

    file: str
    issues: list[Issue]
    preview: T
    meta: dict[str, object] = field(default_factory=dict)
    sha256: str = ""
    rows_read: int = 0
    rows: int = 0
    batch_id: int | None = None

    @property
    def stored(self) -> bool:
        """Whether the store has committed this import (it then has a batch id)."""
        return self.batch_id is not None

    @property
    def errors(self) -> list[Issue]:
        """The issues of severity ``error``."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """The issues of severity ``warning``."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error: the data may be stored."""
        return not self.errors

    @property
    def data(self) -> T:
        """The validated data; raises :class:`ImportRefusedError` if any error was found."""
        if not self.ok:
            raise ImportRefusedError(self.issues)
        return self.preview


class Issues:
    """Collector used by the parsers."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Issue] = []

    def error(self, message: str, row: int | None = None, field: str | None = None) -> None:
        """Record an error (the import will be refused)."""
        self.items.append(Issue("error", self.file, message, row, field))

    def warn(self, message: str, row: int | None = None, field: str | None = None) -> None:
        """Record a warning (shown, import allowed)."""
        self.items.append(Issue("warning", self.file, message, row, field))

    @property
    def has_errors(self) -> bool:
        """Whether any error was recorded."""
        return any(i.severity == "error" for i in self.items)
