"""Portable backup and restore of the whole store.

Archive (zip): ``manifest.json``; ``tables/<table>.jsonl`` for every table (JSON Lines, geometries as GeoJSON,
dates ISO); ``evidence/<id>.bin`` for closure evidence files; ``sites.geojson`` and
``boundaries/<layer>_v<n>.geojson`` for reading in any GIS.  Users are exported without password hashes: after a
restore, passwords must be set again (the command sets the first admin's, see ``main``).

Restore trusts nothing in the archive (``store.backup_archive``): uncompressed bytes are counted against a cap
(``--max-bytes``, default 8 GiB) while reading, whatever the zip headers say; each row is checked (JSON, required
fields, types, geometry type/validity/finite lon/lat) and the row counts must match the manifest.  Any problem
is one Chinese message naming archive, member, row and field, and nothing is stored.

Command line::

    python -m store.backup export FILE.zip [--url URL | --data-dir DIR]
    python -m store.backup import FILE.zip [--url URL | --data-dir DIR] [--max-bytes N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry import mapping
from sqlalchemy import Connection, LargeBinary, Table, UniqueConstraint, func, select, text
from sqlalchemy.exc import DBAPIError, StatementError

import config
from store import schema as s
from store.accounts import hash_password
from store.api import Store, open_store
from store.backup_archive import FORMAT, FORMAT_VERSION, MAX_RESTORE_BYTES, SECRET_COLUMNS, RestoreArchive, RowChecker
from store.core import SYSTEM_USER, Role, jsonable, now
from store.errors import BackupFormatError, StoreError, StoreNotEmptyError
from store.geom import Geom
from store.migrate import head_revision

CHUNK = 5000


def _encode(table: Table, row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        if col.name in SECRET_COLUMNS.get(table.name, ()):
            continue
        v = row[col.name]
        if v is None:
            out[col.name] = None
        elif isinstance(col.type, Geom):
            out[col.name] = mapping(v)
        elif isinstance(col.type, LargeBinary):
            out[col.name] = None  # written as a separate file
        elif isinstance(v, (dt.date, dt.datetime)):
            out[col.name] = v.isoformat()
        else:
            out[col.name] = jsonable(v)
    return out


def _rows(conn: Connection, table: Table) -> Iterator[Any]:
    pk = list(table.primary_key.columns)
    result = conn.execution_options(yield_per=CHUNK).execute(select(table).order_by(*pk)).mappings()
    yield from result


def dump_tables(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every table as the archive encodes it (tests compare stores with this)."""
    with store._read() as conn:
        return {t.name: [_encode(t, r) for r in _rows(conn, t)] for t in s.DATA_TABLES}


def export_archive(store: Store, path: Path) -> dict[str, int]:
    """Write the whole store to ``path`` (zip); returns row counts per table."""
    counts: dict[str, int] = {}
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z, store._read() as conn:
        for table in s.DATA_TABLES:
            n = 0
            with z.open(f"tables/{table.name}.jsonl", "w") as fh:
                for row in _rows(conn, table):
                    fh.write(json.dumps(_encode(table, row), ensure_ascii=False).encode("utf-8") + b"\n")
                    n += 1
            counts[table.name] = n
        ev = select(s.task_evidence.c.id, s.task_evidence.c.data).order_by(s.task_evidence.c.id)
        for eid, data in conn.execution_options(yield_per=10).execute(ev):
            z.writestr(f"evidence/{eid}.bin", bytes(data))
        z.writestr("sites.geojson", store.list_sites().to_json(drop_id=True, ensure_ascii=False, default=str))
        for layer in store.boundary_versions().itertuples():
            gdf = store.boundary_layer(layer.name, layer_version=layer.layer_version)
            z.writestr(f"boundaries/{layer.name}_v{layer.layer_version}.geojson",
                       gdf.to_json(drop_id=True, ensure_ascii=False, default=str))
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": head_revision(),
                    "created_at": now().isoformat() + "Z", "source_backend": store.backend, "tables": counts,
                    "note": "用户不含密码哈希；恢复后须重新设置密码"}
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    os.replace(tmp, path)
    return counts


def _ensure_empty(conn: Connection) -> None:
    for table in s.DATA_TABLES:
        if conn.execute(select(func.count()).select_from(table)).scalar():
            raise StoreNotEmptyError(f"表 {table.name} 中的数据")


def restore_archive(store: Store, path: Path, *, max_bytes: int = MAX_RESTORE_BYTES) -> dict[str, int]:
    """Load an archive into an empty store (either backend), all or nothing; returns row counts.

    Every member is read through a stream that stops after ``max_bytes`` uncompressed bytes in all (whatever
    the zip headers claim); every row is checked (JSON, required fields, types, geometry) before it is
    inserted.  Any problem is one ``BackupFormatError`` naming archive, member, row and field, and the store is
    left exactly as it was.
    """
    counts: dict[str, int] = {}
    with RestoreArchive(Path(path), max_bytes) as archive:
        manifest = archive.manifest()
        with store._write() as conn:
            _ensure_empty(conn)
            rows = RowChecker(archive.name, conn)
            for table in s.DATA_TABLES:
                counts[table.name] = _restore_table(store, conn, archive, rows, table, manifest["tables"])
            _reset_sequences(store, conn)
            conn.execute(s.meta.delete().where(s.meta.c.key == "initialised"))
            conn.execute(s.meta.insert().values(key="initialised", value="restore"))
            store._audit(conn, SYSTEM_USER, "restore", "store", None, after=counts,
                         detail=f"从备份恢复（{manifest.get('created_at')}，来源 {manifest.get('source_backend')}）")
    return counts


def _restore_table(store: Store, conn: Connection, archive: RestoreArchive, rows: RowChecker, table: Table,
                   expected: Mapping[str, Any]) -> int:
    member = f"tables/{table.name}.jsonl"
    if table.name not in expected:
        return 0  # not in this archive's format (an older schema)
    n = 0
    batch: list[tuple[int, dict[str, Any]]] = []
    for lineno, line in archive.lines(member):
        if not line.strip():
            continue
        rec = rows.record(table, member, lineno, line)
        if table is s.task_evidence:
            rec["data"] = archive.evidence(member, lineno, rec)
        batch.append((lineno, rec))
        n += 1
        if len(batch) >= CHUNK * 10:
            _insert_batch(store, conn, archive.name, member, table, batch)
    _insert_batch(store, conn, archive.name, member, table, batch)
    if n != expected[table.name]:
        raise BackupFormatError(archive.name, f"有 {n} 行，而 manifest.json 记录为 {expected[table.name]} 行"
                                "（备份不完整或被改动）", member)
    return n


def _insert(store: Store | None, conn: Connection, table: Table, recs: list[dict[str, Any]]) -> None:
    """Insert rows; with ``store``, measurements take the bulk path (COPY on PostgreSQL)."""
    if not recs:
        return
    if store is not None and table is s.measurements:
        store._bulk_insert_measurements(conn, pd.DataFrame(recs), with_ids=True)
    else:
        conn.execute(table.insert(), recs)


def _db_errors(conn: Connection) -> tuple[type[BaseException], ...]:
    return (DBAPIError, StatementError, conn.dialect.dbapi.Error) if conn.dialect.dbapi else (DBAPIError,)


def _insert_batch(store: Store, conn: Connection, archive: str, member: str, table: Table,
                  batch: list[tuple[int, dict[str, Any]]]) -> None:
    """Insert rows under a savepoint; when the database refuses them, find and name the first bad row."""
    recs = [r for _, r in batch]
    errors = _db_errors(conn)
    try:
        with conn.begin_nested():
            _insert(store, conn, table, recs)
    except errors as exc:
        lineno, field, why = _first_refused_row(conn, table, batch, errors, exc)
        raise BackupFormatError(archive, why, member, lineno, field) from None
    batch.clear()


def _first_refused_row(conn: Connection, table: Table, batch: list[tuple[int, dict[str, Any]]],
                       errors: tuple[type[BaseException], ...], exc: BaseException) -> tuple[int, str | None, str]:
    """Bisect the batch for the shortest refused prefix; explain its last row against what precedes it."""
    recs = [r for _, r in batch]

    def refused(k: int) -> BaseException | None:
        nested = conn.begin_nested()
        try:
            _insert(None, conn, table, recs[:k])
        except errors as e:
            return e
        finally:
            nested.rollback()
        return None

    lo, hi = 0, len(recs)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if refused(mid) is not None else (mid, hi)
    nested = conn.begin_nested()
    try:
        _insert(None, conn, table, recs[:hi - 1])
        field, why = _explain(conn, table, recs[hi - 1], refused(hi) or exc)
    finally:
        nested.rollback()
    return batch[hi - 1][0], field, why


def _explain(conn: Connection, table: Table, rec: Mapping[str, Any], exc: BaseException) -> tuple[str | None, str]:
    """Which field makes the database refuse ``rec`` (with the earlier rows already inserted)."""
    keys = [tuple(table.primary_key.columns)] + [tuple(c.columns) for c in table.constraints
                                                 if isinstance(c, UniqueConstraint)]
    for cols in keys:
        values = [rec.get(c.name) for c in cols]
        if None not in values and conn.execute(select(func.count()).select_from(table).where(
                *[c == v for c, v in zip(cols, values, strict=True)])).scalar():
            names = "、".join(c.name for c in cols)
            shown = "、".join(str(v) for v in values)
            return names, f"“{shown}”与前面的行重复（{names} 须唯一）"
    for fk in table.foreign_keys:
        v = rec.get(fk.parent.name)
        if v is not None and not conn.execute(select(func.count()).select_from(fk.column.table)
                                              .where(fk.column == v)).scalar():
            return fk.parent.name, f"引用的 {fk.column.table.name}.{fk.column.name}“{v}”在备份中不存在"
    orig = getattr(exc, "orig", exc)
    return None, "数据库拒绝此行：" + (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def _reset_sequences(store: Store, conn: Connection) -> None:
    if store.backend != "postgresql":
        return
    for table in s.DATA_TABLES:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is True:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"COALESCE(MAX({pk[0].name}), 1), MAX({pk[0].name}) IS NOT NULL) FROM {table.name}"))


def set_admin_after_restore(store: Store) -> tuple[str, str | None]:
    """Give an admin a password after a restore: CHAISANG_ADMIN_USER/PASSWORD, else a generated one.

    Returns (user, generated password or None when it came from the environment).
    """
    name = config.explicit("CHAISANG_ADMIN_USER")
    password = config.explicit("CHAISANG_ADMIN_PASSWORD") or None
    generated = password is None
    if generated:
        password = secrets.token_urlsafe(12)
    assert password is not None
    with store._write() as conn:
        if name is None:
            name = conn.execute(select(s.users.c.username).where(s.users.c.role == Role.ADMIN.value,
                                                                  s.users.c.active.is_(True))
                                .order_by(s.users.c.id)).scalar() or "admin"
        row = conn.execute(select(s.users).where(s.users.c.username == name)).mappings().first()
        if row is None:
            store._insert_user(conn, SYSTEM_USER, name, hash_password(password), Role.ADMIN, "管理员")
        else:
            conn.execute(s.users.update().where(s.users.c.id == row["id"]).values(
                password_hash=hash_password(password), role=Role.ADMIN.value, active=True,
                version=row["version"] + 1))
            store._audit(conn, SYSTEM_USER, "password_change", "user", name, detail="恢复备份后设置管理员密码")
    return name, password if generated else None


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(prog="python -m store.backup", description="导出/恢复整个数据库（便携 zip 归档）")
    ap.add_argument("command", choices=["export", "import"], help="export 导出；import 恢复到空库")
    ap.add_argument("file", type=Path, help="备份文件 .zip")
    ap.add_argument("--url", help="数据库 URL（默认取 CHAISANG_DATABASE_URL，否则数据目录中的 SQLite 文件）")
    ap.add_argument("--data-dir", type=Path, help="数据目录（默认 CHAISANG_DATA_DIR，未设置时为项目目录下的 var）")
    ap.add_argument("--max-bytes", type=int, default=MAX_RESTORE_BYTES,
                    help=f"恢复时解压后的总字节上限（默认 {MAX_RESTORE_BYTES}）")
    args = ap.parse_args(argv)
    try:
        if args.command == "export":
            store = open_store(args.url, data_dir=args.data_dir)
            counts = export_archive(store, args.file)
            print(f"已导出到 {args.file}：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        else:
            store = open_store(args.url, data_dir=args.data_dir, initialise=False)
            counts = restore_archive(store, args.file, max_bytes=args.max_bytes)
            print(f"已从 {args.file} 恢复：" + "，".join(f"{k} {v}" for k, v in counts.items()))
            user, pw = set_admin_after_restore(store)
            if pw is not None:
                print(f"管理员“{user}”的新密码（仅显示这一次）：{pw}")
            else:
                print(f"管理员“{user}”的密码已按环境变量设置")
        store.close()
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

