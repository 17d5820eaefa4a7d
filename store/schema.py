"""Tables of the store (SQLAlchemy Core).

The Alembic migrations in store/migrations are the source of the DDL; a test checks that they and this
metadata agree.

Every mutable row carries ``version`` (optimistic locking: an update names the version it read and is refused
when someone else saved in between).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from store.geom import Geom

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# BIGINT on PostgreSQL, INTEGER (rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def _version() -> Column[int]:
    return Column("version", Integer, nullable=False, default=1)


meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(128), nullable=False, unique=True),
    Column("display_name", String(200)),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200)),
    Column("external", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
    _version(),
    # set for a generated or admin-reset password: after login the app offers only the change-password form
    Column("must_change_password", Boolean, nullable=False, default=False, server_default=false()),
)

# Failed logins per account name and per client address (kind "user" / "client"), kept in the database so a
# lockout holds across restarts and replicas.  Not backed up: it is short-lived state, not data.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", DateTime, nullable=False),
    Column("locked_until", DateTime),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("rows", Integer, nullable=False),
    Column("username", String(128), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("note", Text),
)

sites = Table(
    "sites",
    metadata,
    Column("site_id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    Column("township", String(64), index=True),
    Column("geom", Geom(), nullable=False),
    Column("control_level", String(16)),
    Column("water_body", String(16)),
    Column("target_class", Integer),
    Column("monitoring_freq", String(16)),
    Column("air_class", Integer),
    Column("approximate", Boolean, nullable=False, default=False),
    Column("location_note", Text),
    Column("sample", Boolean, nullable=False, default=False),
    Column("source", Text),
    Column("attrs", JSON, nullable=False, default=dict),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    _version(),
)

# Dated attributes: the standard, grade or target a site is held to from a date on (e.g. WWTP 1B → 1A).
site_standards = Table(
    "site_standards",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", String(64), ForeignKey("sites.site_id", ondelete="CASCADE"), nullable=False, index=True),
    Column("attribute", String(32), nullable=False),
    Column("value", String(64), nullable=False),
    Column("valid_from", Date, nullable=False),
    _version(),
    UniqueConstraint("site_id", "attribute", "valid_from"),
)

measurements = Table(
    "measurements",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site_id", String(64), ForeignKey("sites.site_id"), nullable=False),
    Column("time", DateTime, nullable=False),
    Column("param", String(32), nullable=False),
    Column("value", Float, nullable=False),
    Column("raw", String(64), nullable=False),
    Column("unit", String(32), nullable=False),
    Column("below_dl", Boolean, nullable=False, default=False),
    Column("detection_limit", Float),
    Column("source", String(16), nullable=False),
    Column("quality_flag", String(32)),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), index=True),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_measurements_site_param_time", "site_id", "param", "time"),
)

projects = Table(
    "projects",
    metadata,
    Column("project_no", Integer, primary_key=True, autoincrement=False),
    Column("site_id", String(64), ForeignKey("sites.site_id"), unique=True),
    Column("name", String(300), nullable=False),
    Column("investment_wan", Float),
    Column("start_year", Integer),
    Column("end_year", Integer),
    Column("responsible", String(300)),
    Column("content", Text),
    Column("related_site", String(64)),
    _version(),
)

milestones = Table(
    "milestones",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_no", Integer, ForeignKey("projects.project_no", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("planned", Date, nullable=False),
    Column("name", String(200), nullable=False),
    Column("achieved", Date),
    _version(),
)

progress_reports = Table(
    "progress_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_no", Integer, ForeignKey("projects.project_no", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("date", Date, nullable=False),
    Column("progress_pct", Float, nullable=False),
    Column("note", Text),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    _version(),
)

tasks = Table(
    "tasks",
    metadata,
    Column("task_id", String(64), primary_key=True),
    Column("title", String(500), nullable=False),
    Column("origin", String(32), nullable=False),
    Column("site_id", String(64), ForeignKey("sites.site_id")),
    Column("geom", Geom()),
    Column("township", String(64), index=True),
    Column("owner", String(200)),
    Column("opened", Date, nullable=False),
    Column("due", Date),
    Column("closed", Date),
    Column("description", Text),
    Column("closure_note", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    _version(),
)

task_evidence = Table(
    "task_evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", String(64), ForeignKey("tasks.task_id", ondelete="CASCADE"), nullable=False, index=True),
    Column("file_name", String(500), nullable=False),
    Column("content_type", String(100)),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("username", String(128), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

inspections = Table(
    "inspections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", String(64), ForeignKey("sites.site_id"), index=True),
    Column("task_id", String(64), ForeignKey("tasks.task_id")),
    Column("inspected_on", Date, nullable=False),
    Column("inspectors", String(300)),
    Column("findings", Text),
    Column("result", String(32)),
    Column("geom", Geom()),
    Column("username", String(128), nullable=False),
    Column("created_at", DateTime, nullable=False),
    _version(),
)

boundary_layers = Table(
    "boundary_layers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("layer_version", Integer, nullable=False),
    Column("source", Text),
    Column("file_name", String(500)),
    Column("sha256", String(64)),
    Column("active", Boolean, nullable=False, default=True),
    Column("loaded_at", DateTime, nullable=False),
    Column("username", String(128), nullable=False),
    _version(),
    UniqueConstraint("name", "layer_version"),
)

boundary_features = Table(
    "boundary_features",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("layer_id", Integer, ForeignKey("boundary_layers.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("name", String(200), nullable=False, index=True),
    Column("code", String(64)),
    Column("geom", Geom(), nullable=False),
    Column("attrs", JSON, nullable=False, default=dict),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("username", String(128), nullable=False, index=True),
    Column("action", String(32), nullable=False, index=True),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(200)),
    Column("before", JSON),
    Column("after", JSON),
    Column("detail", Text),
)

# Tables in dependency order (backup/restore, wiping test databases).
DATA_TABLES: tuple[Table, ...] = (
    users,
    import_batches,
    sites,
    site_standards,
    measurements,
    projects,
    milestones,
    progress_reports,
    tasks,
    task_evidence,
    inspections,
    boundary_layers,
    boundary_features,
    audit_log,
)
