"""The store: SQLite by default, PostgreSQL + PostGIS when a database URL is configured.

>>> store = open_store()                      # ./var/chaisang.sqlite, seeded from data/sample on first run
>>> user = store.authenticate("admin", "…")
>>> store.update_site(user, "W-SCHK", {"name": "…"}, expected_version=3)
"""

from __future__ import annotations

from ingest.errors import ImportResult
from store.api import Store, open_store, resolve_url
from store.core import ROLE_LABEL, Role, User
from store.errors import (
    AuthenticationError,
    ConcurrentEditError,
    DuplicateImportError,
    ImportValidationError,
    NotFoundError,
    PermissionDeniedError,
    RowProblem,
    StoreError,
    StoreNotEmptyError,
)

__all__ = [
    "ROLE_LABEL",
    "AuthenticationError",
    "ConcurrentEditError",
    "DuplicateImportError",
    "ImportResult",
    "ImportValidationError",
    "NotFoundError",
    "PermissionDeniedError",
    "Role",
    "RowProblem",
    "Store",
    "StoreError",
    "StoreNotEmptyError",
    "User",
    "open_store",
    "resolve_url",
]
