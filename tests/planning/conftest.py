"""Planning fixtures: a fresh SQLite store seeded with the small store fixture, and its users."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import Store, open_store

# the role fixtures are the store suite's; they resolve against this module's SQLite ``store``
from tests.store.conftest import ADMIN, ADMIN_PW, admin, editor, viewer, write_fixture  # noqa: F401

os.environ.setdefault("CHAISANG_BCRYPT_ROUNDS", "4")


@pytest.fixture(scope="session")
def store_fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture(tmp_path_factory.mktemp("planning-fixture"))


@pytest.fixture
def store(tmp_path: Path, store_fixture_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("CHAISANG_ADMIN_USER", ADMIN)
    monkeypatch.setenv("CHAISANG_ADMIN_PASSWORD", ADMIN_PW)
    st = open_store(f"sqlite:///{tmp_path / 'planning.sqlite'}", sample_dir=store_fixture_dir / "sample",
                    boundaries_dir=store_fixture_dir / "boundaries")
    yield st
    st.close()

