"""The two pages run headless (Streamlit AppTest): dashboard table and entry form, briefing export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import Role, User
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("pages")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHAISANG_DATA_DIR", str(path))
        yield path


def dashboard(user: User | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "dashboard.py"), default_timeout=120)
    if user is not None:
        at.session_state["auth_user"] = user
    return at.run()


EDITOR = User(id=2, username="staff", role=Role.EDITOR)


def test_dashboard_shows_25_indicators_and_saves_a_staff_entry(data_dir: Path) -> None:
    at = dashboard(EDITOR)
    assert not at.exception
    assert at.title[0].value == "“十四五”规划指标与重点项目"
    tables = [df.value for df in at.dataframe]
    assert len(tables[0]) == 25 and len(tables[1]) == 8
    pick = next(sb for sb in at.selectbox if sb.label == "指标")
    pick.select(next(o for o in pick.options if o.startswith("19.")))
    at.text_input[0].input("35.9")
    at.text_input[2].input("林业局 2025 年森林资源公报")
    at.button[0].click().run()
    assert not at.exception and not at.error
    saved = json.loads((data_dir / "indicator_entries.json").read_text(encoding="utf-8"))
    assert saved[0]["no"] == 19 and saved[0]["value"] == 35.9
    assert saved[0]["entered_by"] == "staff"
    row = at.dataframe[0].value.set_index("序号").loc[19]
    assert row["来源"] == "人工填报" and row["最新值"] == "35.90%"


def test_dashboard_rejects_an_entry_without_source(data_dir: Path) -> None:
    entries = data_dir / "indicator_entries.json"
    before = entries.read_bytes() if entries.exists() else None
    at = dashboard(EDITOR)
    at.text_input[0].input("50")
    at.button[0].click().run()
    assert any("数据来源" in e.value for e in at.error)
    assert (entries.read_bytes() if entries.exists() else None) == before


@pytest.mark.parametrize("user", [None, User(id=3, username="leader", role=Role.VIEWER)])
def test_viewers_get_no_entry_form(data_dir: Path, user: User | None) -> None:
    at = dashboard(user)
    assert not at.exception
    assert len(at.dataframe) == 3  # indicators, projects, annual air compliance
    assert not [b for b in at.button if b.label == "保存"]
    assert any("编辑" in c.value for c in at.caption)


def test_report_page_generates_a_pdf_download(data_dir: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app_pages" / "report.py"), default_timeout=180).run()
    assert not at.exception
    at.toggle[0].set_value(False)
    at.run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert len(at.get("download_button")) == 1
