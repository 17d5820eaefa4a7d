"""Reading and validating imported files (the table reader itself is :func:`ingest.tabular.read_table`).

Validation is complete before anything is written: one bad cell and the whole file is refused, with every
problem named by file, row and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from compliance.errors import ComplianceError
from compliance.params import PARAMS
from compliance.values import parse_value
from geo.unpack import MAX_INFLATED_BYTES
from ingest.errors import ImportFileError
from ingest.tabular import EXCEL_EXTS, TEXT_EXTS, header_frame, not_a_table, read_table
from store.errors import ImportValidationError, RowProblem, StoreError

SOURCES = {"manual", "auto"}
_SOURCE_ALIASES = {"手工": "manual", "人工": "manual", "自动": "auto", "在线": "auto", "": "manual"}
ORIGINS = {"inspection", "complaint", "inspection_central"}


@dataclass(frozen=True)
class LoadedFile:
    """An uploaded file: its name, bytes and the SHA-256 of the bytes as uploaded.

    ``digest`` is given when ``data`` is not the upload itself (a parsed sheet re-serialised by
    :meth:`~store.Store.import_measurements`): duplicate detection always compares the upload's digest.
    """

    name: str
    data: bytes
    digest: str | None = None

    @property
    def sha256(self) -> str:
        """Hex digest of the uploaded bytes."""
        return self.digest or hashlib.sha256(self.data).hexdigest()


def load_file(source: Path | str | bytes, file_name: str | None = None) -> LoadedFile:
    """Read a path (or take bytes) once, so that hashing and parsing see the same content."""
    if isinstance(source, bytes):
        return LoadedFile(file_name or "上传文件", source)
    path = Path(source)
    try:
        return LoadedFile(file_name or path.name, path.read_bytes())
    except OSError as exc:
        raise StoreError(f"无法读取文件“{path}”：{exc.strerror}") from None


def read_frame(f: LoadedFile) -> pd.DataFrame:
    """A task or measurement sheet as text columns under its header row, read by :func:`ingest.tabular.read_table`.

    CSV (optionally gzip-compressed, UTF-8 or GBK), .xlsx or .xls, bounded like every reader of user files
    (:mod:`geo.unpack`); files up to :data:`~geo.unpack.MAX_INFLATED_BYTES` (measurement exports are large).
    Plain text under a workbook's or an unknown extension is refused.  Every failure is one
    :class:`~store.errors.ImportValidationError` (a ``StoreError`` and an ``ImportFileError``) naming the file.
    """
    try:
        table = read_table(f.data, filename=f.name, max_bytes=MAX_INFLATED_BYTES)
        ext = Path(f.name.lower().removesuffix(".gz")).suffix
        if table.fmt == "csv" and ext in EXCEL_EXTS:
            raise not_a_table(f.name, "内容是纯文本")
        if table.fmt == "csv" and ext and ext not in TEXT_EXTS:
            raise not_a_table(f.name, f"扩展名为“{ext}”，内容是纯文本")
        return header_frame(table)
    except ImportFileError as exc:  # the reader's own message: file, member, limit
        raise ImportValidationError.unreadable(exc) from None


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
