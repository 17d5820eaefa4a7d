"""Planning fixtures: a fresh SQLite store seeded with the small store fixture, and its users."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import Store, User, open_store
from tests.store.conftest import write_fixture

os.environ.setdefault("CHAISANG_BCRYPT_ROUNDS", "4")
ADMIN, ADMIN_PW = "admin", "规划测试-Secret-2718"


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


@pytest.fixture
def admin(store: Store) -> User:
    return store.authenticate(ADMIN, ADMIN_PW)


@pytest.fixture
def editor(store: Store, admin: User) -> User:
    return store.create_user(admin, "editor1", "editor-password-1", "editor")


@pytest.fixture
def viewer(store: Store, admin: User) -> User:
    return store.create_user(admin, "viewer1", "viewer-password-1", "viewer")
