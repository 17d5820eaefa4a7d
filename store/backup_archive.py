"""Reading a backup archive for restore without trusting it.

``RestoreArchive`` reads zip members through a stream that counts uncompressed bytes against one budget for the
whole archive (the zip headers' sizes are checked first but never relied on) and bounds line length.
``RowChecker`` turns each JSON line into column values, refusing what the database would refuse (missing or
null required fields, wrong types, over-long text, non-finite numbers, geometry of the wrong type or outside
China).  Every refusal is one ``BackupFormatError`` naming archive, member, row and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from shapely.geometry import shape
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    select,
)

from store import schema as s
from store.boundaries import LAYER_GEOMETRY
from store.errors import BackupFormatError
from store.geom import ANY_SHAPE, POINTS, Geom, checked_shape
from store.sites import KIND_GEOMETRY
from store.work import MAX_EVIDENCE_BYTES

FORMAT = "chaisang-store-backup"
FORMAT_VERSION = 1
SECRET_COLUMNS = {"users": {"password_hash"}}
MAX_RESTORE_BYTES = 8 * 1024**3  # uncompressed bytes of all members together
MAX_LINE_BYTES = 256 * 1024**2  # one JSON line (a row); a boundary polygon of a few MB is far below
MAX_MANIFEST_BYTES = 1024**2
_READ = 1024**2
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


class RestoreArchive:
    """A backup zip opened for restore (use as a context manager)."""

    def __init__(self, path: Path, max_bytes: int = MAX_RESTORE_BYTES) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.max_bytes = max_bytes
        self.left = max_bytes
        self.members: set[str] = set()
        self._zip: zipfile.ZipFile | None = None

    def fail(self, message: str, member: str | None = None, row: int | None = None,
             field: str | None = None) -> NoReturn:
        """Raise the one error of this restore."""
        raise BackupFormatError(self.name, message, member, row, field)

    def __enter__(self) -> RestoreArchive:
        if not self.path.is_file():
            self.fail("文件不存在")
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except _ZIP_ERRORS as exc:
            self.close()
            self.fail(f"不是 zip 文件或文件已损坏（可能未完整传输）：{exc}")
        declared = sum(i.file_size for i in infos)
        if declared > self.max_bytes:
            self.close()
            self.fail(f"解压后共 {declared} 字节，超过恢复上限 {self.max_bytes} 字节（疑似压缩炸弹）")
        self.members = {i.filename for i in infos}
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip file."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def chunks(self, member: str) -> Iterator[bytes]:
        """Uncompressed bytes of ``member``, counted against the archive's budget as they are produced."""
        if member not in self.members or self._zip is None:
            self.fail("缺少此成员（备份不完整）", member)
        try:
            with self._zip.open(member) as fh:
                while chunk := fh.read(_READ):
                    self.left -= len(chunk)
                    if self.left < 0:
                        self.fail(f"解压后超过恢复上限 {self.max_bytes} 字节（疑似压缩炸弹，或 zip 头记录的大小不实）",
                                  member)
                    yield chunk
        except BackupFormatError:
            raise
        except _ZIP_ERRORS as exc:
            self.fail(f"无法解压（文件损坏或不完整）：{exc}", member)

    def read(self, member: str, limit: int) -> bytes:
        """A whole (small) member, refused beyond ``limit`` bytes."""
        parts, size = [], 0
        for chunk in self.chunks(member):
            size += len(chunk)
            if size > limit:
                self.fail(f"超过 {limit} 字节，不是本系统写出的内容", member)
            parts.append(chunk)
        return b"".join(parts)

    def lines(self, member: str) -> Iterator[tuple[int, bytes]]:
        """(line number from 1, line) of a JSON Lines member; a line longer than MAX_LINE_BYTES is refused."""
        buf = b""
        lineno = 0
        for chunk in self.chunks(member):
            buf += chunk
            *complete, buf = buf.split(b"\n")
            for line in complete:
                lineno += 1
                yield lineno, line
            if len(buf) > MAX_LINE_BYTES:
                self.fail(f"一行超过 {MAX_LINE_BYTES} 字节", member, lineno + 1)
        if buf:
            yield lineno + 1, buf

    def manifest(self) -> dict[str, Any]:
        """manifest.json, checked: our format and version, ``tables`` as name → row count."""
        member = "manifest.json"
        if member not in self.members:
            self.fail("缺少 manifest.json，不是本系统的备份文件")
        try:
            manifest = json.loads(self.read(member, MAX_MANIFEST_BYTES))
        except (ValueError, RecursionError) as exc:
            self.fail(f"不是有效的 JSON：{exc}", member)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            self.fail("不是本系统的备份文件（format 不符）", member, field="format")
        if manifest.get("format_version") != FORMAT_VERSION:
            self.fail(f"备份格式版本“{manifest.get('format_version')}”不受支持（支持 {FORMAT_VERSION}）", member,
                      field="format_version")
        tables = manifest.get("tables")
        if not isinstance(tables, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                                   for v in tables.values()):
            self.fail("tables 应为“表名: 行数”", member, field="tables")
        return manifest

    def evidence(self, member: str, row: int, rec: Mapping[str, Any]) -> bytes:
        """The closure-evidence file of a task_evidence row, checked against its size and SHA-256."""
        name = f"evidence/{rec['id']}.bin"
        if name not in self.members:
            self.fail(f"证据文件“{name}”缺失", member, row, "data")
        data = self.read(name, MAX_EVIDENCE_BYTES)
        if len(data) != rec["size"] or hashlib.sha256(data).hexdigest() != rec["sha256"]:
            self.fail(f"证据文件“{name}”与记录的大小或 SHA-256 不符（文件被改动或损坏）", member, row, "sha256")
        return data


def _finite(v: Any) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, dict):
        return all(_finite(x) for x in v.values())
    if isinstance(v, list):
        return all(_finite(x) for x in v)
    return True


class RowChecker:
    """Decode and check archive rows inside the restore transaction (boundary layers are looked up there)."""

    def __init__(self, archive: str, conn: Connection) -> None:
        self.archive = archive
        self.conn = conn
        self._layers: dict[int, str] | None = None

    def record(self, table: Table, member: str, row: int, line: bytes) -> dict[str, Any]:
        """Column values of one JSON line, or BackupFormatError naming the row and field."""
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise BackupFormatError(self.archive, f"不是有效的 JSON：{exc}", member, row) from None
        if not isinstance(rec, dict):
            raise BackupFormatError(self.archive, "应为一个 JSON 对象（一行一条记录）", member, row)
        out: dict[str, Any] = {}
        for col in table.columns:
            try:
                out[col.name] = self._value(table, col, rec)
            except (ValueError, TypeError) as exc:
                raise BackupFormatError(self.archive, str(exc), member, row, col.name) from None
        return out

    def _value(self, table: Table, col: Column[Any], rec: Mapping[str, Any]) -> Any:
        if col.name not in rec:
            if col.nullable or col.name in SECRET_COLUMNS.get(table.name, ()) or isinstance(col.type, LargeBinary):
                return None
            if col.default is not None and getattr(col.default, "is_scalar", False):
                return getattr(col.default, "arg", None)
            if col.default is not None and getattr(col.default, "is_callable", False):
                return col.default.arg(None)  # type: ignore[attr-defined]
            raise ValueError("缺少此字段")
        v = rec[col.name]
        if v is None:
            if not col.nullable and not isinstance(col.type, LargeBinary):
                raise ValueError("不能为空")
            return None
        return self._typed(table, col, v, rec)

    def _typed(self, table: Table, col: Column[Any], v: Any, rec: Mapping[str, Any]) -> Any:
        t = col.type
        if isinstance(t, Geom):
            return self._geometry(table, v, rec)
        if isinstance(t, (DateTime, Date)):
            if not isinstance(v, str):
                raise ValueError(f"“{v}”不是 ISO 日期/时间文本")
            try:
                return dt.datetime.fromisoformat(v) if isinstance(t, DateTime) else dt.date.fromisoformat(v)
            except ValueError:
                raise ValueError(f"“{v}”不是 ISO 日期/时间") from None
        if isinstance(t, Boolean):
            if not isinstance(v, bool):
                raise ValueError(f"“{v}”不是 true/false")
        elif isinstance(t, Integer):
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"“{v}”不是整数")
        elif isinstance(t, Float):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"“{v}”不是有限数值")
        elif isinstance(t, String):
            if not isinstance(v, str):
                raise ValueError(f"“{v}”不是文本")
            if t.length is not None and len(v) > t.length:
                raise ValueError(f"长度 {len(v)} 超过上限 {t.length}")
        elif isinstance(t, JSON):
            if not _finite(v):
                raise ValueError("含非有限数值（NaN 或 Infinity）")
        elif isinstance(t, LargeBinary):
            return None  # the bytes travel as a separate member
        return v

    def _geometry(self, table: Table, v: Any, rec: Mapping[str, Any]) -> Any:
        try:
            geom = shape(v)
        except Exception as exc:  # shapely raises several kinds for malformed GeoJSON
            raise ValueError(f"不是有效的 GeoJSON 几何：{exc}") from None
        allowed, where = ANY_SHAPE, "此处"
        if table is s.sites:
            allowed, where = KIND_GEOMETRY.get(str(rec.get("kind")), ANY_SHAPE), f"类型为“{rec.get('kind')}”的站点"
        elif table is s.boundary_features:
            layer = self._layer_name(rec.get("layer_id"))
            allowed, where = LAYER_GEOMETRY.get(layer, ANY_SHAPE), f"边界图层“{layer}”"
        elif table in (s.tasks, s.inspections):
            allowed, where = POINTS, "整改任务和检查记录"
        out, error, _ = checked_shape(geom, allowed, repair=False, where=where)
        if error is not None:
            raise ValueError(error)
        return out

    def _layer_name(self, layer_id: Any) -> str:
        if self._layers is None:
            bl = s.boundary_layers
            self._layers = {int(i): str(n) for i, n in self.conn.execute(select(bl.c.id, bl.c.name))}
        return self._layers.get(layer_id, "") if isinstance(layer_id, int) else ""
