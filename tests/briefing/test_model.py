"""What the briefing says: periods, changes since the previous month, ranking, projects, sources, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from briefing import Briefing, BriefingError, build_briefing, load_dataset
from briefing.__main__ import png_paths, run
from briefing.model import previous_month, resolve_period
from briefing.render import summary_page
from compliance.status import STATUS_STYLE, Status
from geo.dataset import Dataset

END = dt.date(2026, 10, 31)


def test_period_defaults_to_the_latest_month_and_validates() -> None:
    assert resolve_period(None, END) == ("2026-10", END)
    assert resolve_period("2026-09", END) == ("2026-09", dt.date(2026, 9, 30))
    assert previous_month("2026-01") == "2025-12"
    for bad in ("2026-13", "2026", "2026Q3", "十月"):
        with pytest.raises(BriefingError, match="YYYY-MM"):
            resolve_period(bad, END)
    with pytest.raises(BriefingError, match="尚无数据"):
        resolve_period("2026-12", END)


def _with_changes(ds: Dataset) -> Dataset:
    """Sample data plus an October exceedance at 赛城湖口 and an open task closed in October."""
    extra = pd.DataFrame([{"site_id": "W-SCHK", "time": pd.Timestamp(2026, 10, 25), "param": "TP", "value": 0.4,
                           "raw": "0.4", "unit": "mg/L", "source": "manual"}])
    tasks = ds.tasks.copy()
    open_before = tasks[(tasks["closed"] == "") & (pd.to_datetime(tasks["opened"]) < pd.Timestamp(2026, 9, 1))]
    tid = open_before["task_id"].iloc[0]
    tasks.loc[tasks["task_id"] == tid, "closed"] = "2026-10-20"
    return dataclasses.replace(ds, measurements=pd.concat([ds.measurements, extra], ignore_index=True), tasks=tasks)


def test_changes_since_previous_month_list_new_exceedances_and_closed_tasks(dataset: Dataset) -> None:
    ds = _with_changes(dataset)
    closed_id = ds.tasks.loc[ds.tasks["closed"] == "2026-10-20", "task_id"].iloc[0]
    closed_title = ds.tasks.loc[ds.tasks["task_id"] == closed_id, "title"].iloc[0]
    b = build_briefing(ds, "2026-10")
    assert "赛城湖口" in b.changes.names("new_exceed")
    assert closed_title in b.changes.names("closed")
    base = build_briefing(dataset, "2026-10")
    assert "赛城湖口" not in base.changes.names("new_exceed")
    assert closed_title not in base.changes.names("closed")
    assert b.changes.previous == "2026年9月"


def test_new_tasks_of_the_month_are_reported(briefing: Briefing, dataset: Dataset) -> None:
    opened = pd.to_datetime(dataset.tasks["opened"])
    expected = set(dataset.tasks.loc[(opened >= "2026-10-01") & (opened <= "2026-10-31"), "task_id"])
    assert set(briefing.changes.new_tasks["task_id"]) == expected


def test_tasks_opened_after_the_period_are_not_shown(dataset: Dataset) -> None:
    b = build_briefing(dataset, "2026-06")
    opened = dict(zip(dataset.tasks["task_id"], pd.to_datetime(dataset.tasks["opened"]), strict=True))
    shown = [sid for sid in b.features["site_id"] if sid in opened]
    assert shown and all(opened[sid] <= pd.Timestamp(2026, 6, 30) for sid in shown)


def test_problems_are_ranked_worst_first(briefing: Briefing) -> None:
    orders = [STATUS_STYLE[Status(s)].order for s in briefing.problems["status"]]
    assert orders == sorted(orders) and len(orders) > 3
    assert list(briefing.problems["序号"]) == list(range(1, len(orders) + 1))
    problem_codes = {s.value for s, st in STATUS_STYLE.items() if st.problem}
    assert set(briefing.problems["status"]) <= problem_codes


def test_projects_table_has_the_eight_key_projects(briefing: Briefing, dataset: Dataset) -> None:
    p = briefing.projects
    assert list(p["序号"]) == list(range(1, 9))
    reg = dataset.sites[dataset.sites["kind"] == "project"]
    assert p["投资（万元）"].sum() == pytest.approx(reg["investment_wan"].sum())
    assert set(p["status"]) <= {s.value for s in (Status.DONE, Status.DELAYED, Status.ON_TRACK, Status.NOT_STARTED)}
    delayed = p[p["status"] == Status.DELAYED.value]
    assert (delayed["进度%"] < 100).all()


def test_inspection_plan_is_printed_when_given(briefing: Briefing, tmp_path: Path) -> None:
    plan = pd.DataFrame({"order": [1, 2], "date": ["2026-11-05", "2026-11-05"],
                         "name": ["赛城湖口", "鑫山水泥"], "township": ["港口街镇", "城子镇"],
                         "reason": ["预警", "双随机"]})
    b = dataclasses.replace(briefing, inspection_plan=plan)
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from briefing.fonts import rc_params

    out = tmp_path / "p.pdf"
    with matplotlib.rc_context(rc_params()), PdfPages(out) as pdf:
        pdf.savefig(summary_page(b, "A4"))
    text = PdfReader(out).pages[0].extract_text()
    assert "鑫山水泥" in text and "双随机" in text
    assert "暂无已制定的检查计划" not in text


def test_store_source_gives_the_same_briefing_as_the_files(dataset: Dataset, briefing: Briefing,
                                                           tmp_path: Path) -> None:
    from_store = build_briefing(load_dataset("store", data_dir=tmp_path), "2026-10")
    assert [k.value_text for k in from_store.kpis] == [k.value_text for k in briefing.kpis]
    assert sorted(from_store.township_names) == sorted(briefing.township_names)
    assert len(from_store.problems) == len(briefing.problems)
    with pytest.raises(BriefingError, match="数据来源"):
        load_dataset("excel")


def test_cli_writes_a_pdf_and_reports_errors_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAISANG_DATA_DIR", str(tmp_path))
    out = tmp_path / "简报.png"
    assert run(["--out", str(out), "--period", "2026-09", "--source", "files", "--paper", "A4"]) == 0
    assert out.exists() and out.stat().st_size > 10_000
    assert "2026年9月" in capsys.readouterr().out
    assert run(["--out", str(tmp_path / "x.docx"), "--source", "files"]) == 2
    assert "扩展名无效" in capsys.readouterr().err
    assert run(["--out", str(tmp_path / "x.pdf"), "--period", "2026/09", "--source", "files"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_png_paths_number_the_pages() -> None:
    assert png_paths(Path("a/b.png"), 1) == [Path("a/b.png")]
    assert png_paths(Path("a/b.png"), 3)[-1] == Path("a/b-03.png")


def test_cli_sets_up_the_log_file_and_names_a_bad_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A config error once escaped as a traceback (only store errors were recognised, by module name)."""
    monkeypatch.setenv("CHAISANG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHAISANG_LOG_FILE", raising=False)
    monkeypatch.setenv("CHAISANG_LOG_LEVEL", "LOUD")
    assert run(["--out", str(tmp_path / "x.pdf"), "--source", "files"]) == 2
    assert "CHAISANG_LOG_LEVEL" in capsys.readouterr().err
    monkeypatch.setenv("CHAISANG_LOG_LEVEL", "INFO")
    assert run(["--out", str(tmp_path / "x.docx"), "--source", "files"]) == 2
    assert (tmp_path / "logs" / "app.log").exists()
