"""Engine set-up, transactions, roles, optimistic locking and the audit trail shared by all repositories."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import BigInteger, Connection, Engine, Table, Text, cast, event, select, text, update

from store import schema as s
from store.errors import ConcurrentEditError, NotFoundError, PermissionDeniedError

log = logging.getLogger("store")

SYSTEM_USER = "system"


class Role(StrEnum):
    """Account roles, weakest first."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Chinese label: 查看 / 编辑 / 管理."""
        return ROLE_LABEL[self]

    @property
    def rank(self) -> int:
        """Order of power (viewer 0 < editor 1 < admin 2)."""
        return _RANK[self]


ROLE_LABEL: dict[Role, str] = {Role.VIEWER: "查看", Role.EDITOR: "编辑", Role.ADMIN: "管理"}
_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def parse_role(value: object) -> Role:
    """Role from its code or Chinese label; Chinese error otherwise."""
    for role in Role:
        if value in (role, role.value, role.label):
            return role
    from store.errors import StoreError

    raise StoreError(f"未知的角色“{value}”；可用：查看(viewer)、编辑(editor)、管理(admin)")


@dataclass(frozen=True)
class User:
    """An account as the UI sees it (never carries the password hash)."""

    id: int
    username: str
    role: Role
    display_name: str | None = None
    external: bool = False
    active: bool = True
    version: int = 1
    must_change_password: bool = False


def actor_name(actor: object, action: str, needed: str = "查看") -> str:
    """User name of the acting user: a ``User`` or a non-empty name; anything else (``None``…) is refused.

    ``str(None)`` would otherwise act as a user called "None" (an external header can create that name).
    """
    if isinstance(actor, User):
        return actor.username
    if isinstance(actor, str) and actor.strip():
        return actor
    raise PermissionDeniedError("（未登录）", action, needed)


def new_id(result: Any) -> int:
    """Primary key of the row an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def now() -> dt.datetime:
    """Current UTC time without tzinfo, to the microsecond (how every timestamp is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def jsonable(value: Any) -> Any:
    """Audit/backup-safe JSON value: dates ISO, geometries GeoJSON, bytes summarised."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, BaseGeometry):
        return shapely.geometry.mapping(value)
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(value)} 字节>"
    if isinstance(value, float) and value != value:  # NaN
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _set_wal(cur: Any) -> None:
    """Switch a file database to WAL; the switch needs a moment without other connections, so retry briefly."""
    import sqlite3
    import time

    for attempt in range(100):
        mode = str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode in ("wal", "memory"):
            return
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if attempt == 99:
                raise
            time.sleep(0.05)


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys, WAL, busy timeout; write transactions take the write lock up front (BEGIN IMMEDIATE)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        _set_wal(cur)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class StoreBase:
    """Engine, transactions and the cross-cutting rules (roles, versions, audit, data version)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backend: str = engine.dialect.name
        if self.backend == "sqlite":
            _configure_sqlite(engine)

    # ---- transactions -------------------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: commits and bumps the data version, or rolls back everything."""
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            yield conn
            conn.execute(
                update(s.meta)
                .where(s.meta.c.key == "data_version")
                .values(value=cast(cast(s.meta.c.value, BigInteger) + 1, Text))
            )

    def _exclusive(self, conn: Connection) -> None:
        """Serialise this transaction with other store-wide ones (SQLite already holds the write lock)."""
        if self.backend == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4490405)"))

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read-only connection (one consistent snapshot)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def data_version(self) -> int:
        """A number that changes on every committed write (use it in cache keys)."""
        with self.engine.connect() as conn:
            value = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "data_version")).scalar()
        return int(value or 0)

    def close(self) -> None:
        """Release all connections."""
        self.engine.dispose()

    # ---- roles --------------------------------------------------------------------------------------------
    def _check(self, conn: Connection, actor: object, needed: Role, action: str) -> str:
        """Re-read the actor's role from the database and refuse if too weak; return the user name."""
        username = actor_name(actor, action, needed.label)
        if username == SYSTEM_USER:
            raise PermissionDeniedError(username, action, needed.label)
        row = conn.execute(
            select(s.users.c.role, s.users.c.active).where(s.users.c.username == username)
        ).first()
        if row is None or not row.active or Role(row.role).rank < needed.rank:
            raise PermissionDeniedError(username, action, needed.label)
        return username

    # ---- audit --------------------------------------------------------------------------------------------
    def _audit(
        self,
        conn: Connection,
        username: str,
        action: str,
        entity: str,
        entity_id: object = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        detail: str | None = None,
    ) -> None:
        conn.execute(
            s.audit_log.insert().values(
                at=now(),
                username=username,
                action=action,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                before=None if before is None else jsonable(dict(before)),
                after=None if after is None else jsonable(dict(after)),
                detail=detail,
            )
        )
        log.info("audit %s %s %s %s", username, action, entity, entity_id)

    # ---- optimistic locking -------------------------------------------------------------------------------
    def _versioned_update(
        self,
        conn: Connection,
        table: Table,
        key: object,
        expected_version: int,
        values: Mapping[str, Any],
        label: str,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Update one row only if it is still at ``expected_version``; return (before, after)."""
        pk = next(iter(table.primary_key.columns))
        before = conn.execute(select(table).where(pk == key)).mappings().first()
        if before is None:
            raise NotFoundError(label, key)
        if before["version"] != expected_version:
            raise ConcurrentEditError(label, key, expected_version, before["version"])
        res = conn.execute(
            update(table)
            .where(pk == key, table.c.version == expected_version)
            .values(**values, version=expected_version + 1)
        )
        if res.rowcount != 1:  # lost a race between the read and the update
            current = conn.execute(select(table.c.version).where(pk == key)).scalar()
            raise ConcurrentEditError(label, key, expected_version, current)
        after = conn.execute(select(table).where(pk == key)).mappings().one()
        return dict(before), dict(after)

    def _versioned_delete(
        self, conn: Connection, table: Table, key: object, expected_version: int, label: str
    ) -> dict[str, Any]:
        pk = next(iter(table.primary_key.columns))
        before = conn.execute(select(table).where(pk == key)).mappings().first()
        if before is None:
            raise NotFoundError(label, key)
        res = conn.execute(table.delete().where(pk == key, table.c.version == expected_version))
        if res.rowcount != 1:
            raise ConcurrentEditError(label, key, expected_version, before["version"])
        return dict(before)
