"""Dependency rules of ARCHITECTURE.md, checked by parsing imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOMAIN = ["geo", "compliance", "layers", "store", "planning", "briefing", "ingest"]
FORBIDDEN = {"streamlit", "streamlit_folium"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def domain_files() -> list[Path]:
    return [p for pkg in DOMAIN if (ROOT / pkg).is_dir() for p in sorted((ROOT / pkg).rglob("*.py"))]


def test_domain_packages_exist() -> None:
    assert (ROOT / "compliance").is_dir()
    assert len(domain_files()) > 5


@pytest.mark.parametrize("path", domain_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_module_does_not_import_streamlit(path: Path) -> None:
    assert not (imported_roots(path) & FORBIDDEN), f"{path} imports Streamlit; keep it in app.py, app_pages/, ui/"


def test_compliance_knows_nothing_of_maps_or_storage() -> None:
    for path in (ROOT / "compliance").rglob("*.py"):
        bad = imported_roots(path) & {"folium", "branca", "sqlalchemy", "geopandas", "store", "layers"}
        assert not bad, f"{path} imports {bad}"


def test_checker_detects_a_streamlit_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from streamlit import session_state\nimport os\n", encoding="utf-8")
    assert "streamlit" in imported_roots(bad)
