"""Alembic environment, driven programmatically by store.migrate (no alembic.ini needed)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from store.migrate import include_object
from store.schema import metadata


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


config = context.config
conn = config.attributes.get("connection")
if conn is not None:
    _run(conn)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as connection:
        _run(connection)
