"""Dependency rules of ARCHITECTURE.md, as import-linter contracts (``.importlinter``), run in the test command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINT = [sys.executable, "-c",
        "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]


def run_lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LINT, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def test_the_project_keeps_every_contract() -> None:
    result = run_lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _tree_with(tmp_path: Path, package: str, source: str) -> Path:
    """A copy of the contracts beside empty packages, one module of ``package`` holding ``source``."""
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    for pkg in ("geo", "compliance", "layers", "store", "planning", "briefing", "ingest", "service", "ui"):
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / package / "bad.py").write_text(source, encoding="utf-8")
    return tmp_path


def test_a_domain_package_importing_streamlit_breaks_a_contract(tmp_path: Path) -> None:
    result = run_lint(_tree_with(tmp_path, "store", "import streamlit\n"))
    assert result.returncode != 0
    assert "Streamlit" in result.stdout and "BROKEN" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_a_contract(tmp_path: Path) -> None:
    result = run_lint(_tree_with(tmp_path, "compliance", "import store\n"))
    assert result.returncode != 0
    assert "Layers" in result.stdout and "BROKEN" in result.stdout
