"""Programmatic Alembic: migrations live in store/migrations and run on every open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
POSTGIS_TABLES = {"spatial_ref_sys", "geometry_columns", "geography_columns"}


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate filter: skip PostGIS's own tables and the PostgreSQL-only spatial (gix_) indexes."""
    if type_ == "table" and name in POSTGIS_TABLES:
        return False
    return not (type_ == "index" and name is not None and name.startswith("gix_"))


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at store/migrations (``url`` only for command-line use)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    """The newest migration id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at (None when never migrated)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision (no-op when already there), in one transaction.

    Concurrent openers are serialised (SQLite: the write lock taken by BEGIN IMMEDIATE; PostgreSQL: an advisory
    lock), so two processes starting at once cannot both create the tables.
    """
    head = head_revision()
    with engine.connect() as conn:
        if current_revision(conn) == head:
            return
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4490404)"))
        if current_revision(conn) == head:
            return
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
