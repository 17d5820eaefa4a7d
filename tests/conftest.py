"""Shared fixtures.  Browser fixtures live in tests/browser/conftest.py."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores a fixed set of examples (reproducible runs); local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def require_or_skip(env_flag: str, reason: str) -> None:
    """Skip, unless the suite runs in a mode (CI) that demands this part: then fail loudly."""
    if os.environ.get(env_flag) == "1":
        pytest.fail(f"{reason} (required because {env_flag}=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    """Handlers added by ``config.setup_logging`` (app.py, the briefing CLI) do not outlive the test."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
