"""Errors and issue lists of the import layer; messages are Chinese because they reach users unchanged.

A parse returns an :class:`ImportResult`: the issues (errors and warnings, each with file, Excel row
number and field) and the parsed data.  The data is only reachable through :attr:`ImportResult.data`,
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


class TableReadError(IngestError):
    """A table file (xlsx/xls/csv) that cannot be read at all."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"文件“{file}”：{message}")
        self.file = file
        self.detail = message


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


class ImportRefusedError(IngestError):
    """Raised when the data of a result with errors is requested: nothing may be stored."""

    def __init__(self, issues: list[Issue]) -> None:
        errors = [i for i in issues if i.severity == "error"]
        shown = "\n".join(str(i) for i in errors[:20])
        more = f"\n……另有 {len(errors) - 20} 条错误" if len(errors) > 20 else ""
        super().__init__(f"导入被拒绝：发现 {len(errors)} 条错误，未保存任何数据。\n{shown}{more}")
        self.issues = issues


@dataclass
class ImportResult(Generic[T]):
    """Parsed data plus issues.  ``data`` raises :class:`ImportRefusedError` unless :attr:`ok`."""

    file: str
    issues: list[Issue]
    preview: T
    meta: dict[str, object] = field(default_factory=dict)

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
