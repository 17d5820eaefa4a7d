"""The Store facade and ``open_store``: pick the backend, migrate, seed on first run."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InternalError, OperationalError, ProgrammingError

import config
from store import migrate
from store import schema as s
from store.accounts import AccountsMixin
from store.auditlog import AuditMixin
from store.boundaries import BoundariesMixin
from store.core import SYSTEM_USER
from store.errors import StoreError
from store.measurements import MeasurementsMixin
from store.seed import BOUNDARIES_DIR, SAMPLE_DIR, seed
from store.sites import SitesMixin
from store.work import WorkMixin

log = logging.getLogger("store")
_USE_DEFAULT = Path("<default>")


class Store(AccountsMixin, SitesMixin, MeasurementsMixin, WorkMixin, BoundariesMixin, AuditMixin):
    """All repositories over one database.  Every write takes the acting user and checks the role."""

    @property
    def url(self) -> str:
        """Database URL without password (safe to show or log)."""
        return self.engine.url.render_as_string(hide_password=True)

    def is_initialised(self) -> bool:
        """True once first-run seeding (or a restore) has happened."""
        with self._read() as conn:
            return conn.execute(select(s.meta.c.key).where(s.meta.c.key == "initialised")).first() is not None

    def _initialise(self, sample_dir: Path | None, boundaries_dir: Path | None) -> None:
        if self.is_initialised():
            return
        with self._write() as conn:
            self._exclusive(conn)
            if conn.execute(select(s.meta.c.key).where(s.meta.c.key == "initialised")).first() is not None:
                return
            conn.execute(s.meta.insert().values(key="initialised", value="seed"))
            counts = seed(self, conn, sample_dir, boundaries_dir)
            self._ensure_first_admin(conn)
            self._audit(conn, SYSTEM_USER, "seed", "store", None, after=counts,
                        detail="首次运行：建库并载入示例数据")
        log.info("store initialised: %s", counts)


def _ensure_postgis(engine: Engine) -> None:
    """PostGIS must be enabled in the database; try to enable it, else say what the DBA must do."""
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first() is not None:
            return
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except (ProgrammingError, OperationalError, InternalError) as exc:
        raise StoreError(
            "数据库未启用 PostGIS 扩展，且当前账号无权启用：请数据库管理员在该库中执行 CREATE EXTENSION postgis;"
            f"（{str(exc.orig).strip().splitlines()[0]}）"
        ) from None


def resolve_url(url: str | None = None, data_dir: Path | None = None) -> str:
    """Database URL to use.

    Explicit URL; else an explicit data directory; else CHAISANG_DATABASE_URL; else SQLite
    (``chaisang.sqlite``) in the configured data directory (:func:`config.data_dir`).
    """
    if url is None and data_dir is None:
        url = config.database_url()
    if url is None:
        base = Path(data_dir or config.data_dir())
        base.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(base / 'chaisang.sqlite').resolve()}"
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def open_store(
    url: str | None = None,
    *,
    data_dir: Path | None = None,
    sample_dir: Path | None = _USE_DEFAULT,
    boundaries_dir: Path | None = _USE_DEFAULT,
    initialise: bool = True,
) -> Store:
    """Open (create, migrate and on first run seed) the store.

    ``url``: SQLAlchemy URL; default from CHAISANG_DATABASE_URL, else ``<data_dir>/chaisang.sqlite`` with
    ``data_dir`` from :func:`config.data_dir`.  ``sample_dir``/``boundaries_dir``: seed sources (default
    data/sample and data/boundaries; None to seed nothing).  ``initialise=False`` skips seeding and the first
    admin (used to restore a backup into an empty store).
    """
    full = resolve_url(url, data_dir)
    # pre-ping survives PostgreSQL restarts; pointless for a local SQLite file
    engine = create_engine(full, pool_pre_ping=not full.startswith("sqlite"))
    store = Store(engine)
    try:
        if store.backend == "postgresql":
            _ensure_postgis(engine)
        migrate.upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"无法打开数据库 {store.url}：{str(exc.orig).strip().splitlines()[0]}") from None
    if initialise:
        store._initialise(SAMPLE_DIR if sample_dir is _USE_DEFAULT else sample_dir,
                          BOUNDARIES_DIR if boundaries_dir is _USE_DEFAULT else boundaries_dir)
    return store
