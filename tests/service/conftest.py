"""Service fixtures: the store suite's fresh stores on both backends (SQLite file, PostGIS schema)."""

from tests.store.conftest import (  # noqa: F401
    _admin_env,
    admin,
    backend,
    db_url,
    editor,
    fixture_dir,
    store,
    url_factory,
    viewer,
)
