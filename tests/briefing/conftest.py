"""Shared briefing fixtures: the default data's October 2026 briefing, rendered once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing import Briefing, build_briefing, render_pdf
from geo.dataset import Dataset, read_dataset
from tests.conftest import require_or_skip

PERIOD = "2026-10"


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return read_dataset()


@pytest.fixture(scope="session")
def briefing(dataset: Dataset) -> Briefing:
    return build_briefing(dataset, PERIOD)


@pytest.fixture(scope="session")
def atlas_pdf(briefing: Briefing, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("briefing") / "atlas.pdf"
    render_pdf(briefing, out, atlas=True)
    return out


def pdftoppm() -> str:
    exe = shutil.which("pdftoppm")
    if exe is None:
        require_or_skip("CHAISANG_REQUIRE_BROWSER", "pdftoppm (Debian poppler-utils) is not installed")
    assert exe is not None
    return exe
