"""One evaluation date, one set of numbers: 执法检查, 一张图 and 一键简报 count tasks and order problems alike (#12)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from compliance.status import Status
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("one_path")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHAISANG_DATA_DIR", str(path))
        mp.setenv("CHAISANG_BCRYPT_ROUNDS", "4")
        from ui.store import get_store

        get_store.clear()
        yield path
        get_store().close()
        get_store.clear()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def test_task_counts_agree_between_inspections_map_and_briefing(data_dir: Path) -> None:
    from briefing.model import build_store_briefing
    from service import district_as_of
    from ui.store import get_store

    store = get_store()
    district = district_as_of(store)
    inspections = _page("inspections.py")
    counts = _metrics(inspections)
    assert int(counts["逾期"]) == district.task_counts()[Status.OVERDUE]
    assert int(counts["整改中"]) == district.task_counts()[Status.IN_PROGRESS]
    table = next(df.value for df in inspections.dataframe if "责任单位" in df.value.columns)
    assert (table["状态"] == "逾期").sum() == int(counts["逾期"])
    assert len(table) == sum(district.task_counts().values())

    on_map = _metrics(_page("present.py"))  # 汇报模式 shows the map with its KPI strip
    assert int(on_map["逾期任务"]) == int(counts["逾期"])
    assert int(on_map["未销号任务"]) == int(counts["逾期"]) + int(counts["整改中"])

    b = build_store_briefing(store, district.as_of.strftime("%Y-%m"))
    kpi = next(k for k in b.kpis if k.label == "逾期整改任务")
    assert kpi.value_text == f"{counts['逾期']} 项"
    assert kpi.target_text == f"在办 {int(counts['逾期']) + int(counts['整改中'])} 项"


def test_inspections_can_count_tasks_today_from_the_same_service(data_dir: Path) -> None:
    from service import district_as_of
    from ui.store import get_store

    at = _page("inspections.py")
    radio = next(r for r in at.radio if r.label == "任务状态计算日期")
    today = next(o for o in radio.options if o.startswith("今天"))
    radio.set_value(today).run()
    assert not at.exception
    expected = district_as_of(get_store(), dt.date.today()).task_counts()
    assert int(_metrics(at)["逾期"]) == expected[Status.OVERDUE]


def test_briefing_and_map_order_problems_alike(data_dir: Path) -> None:
    from briefing.model import build_store_briefing
    from service import district_as_of, rank_problems
    from ui.store import get_store

    store = get_store()
    district = district_as_of(store)
    b = build_store_briefing(store, district.as_of.strftime("%Y-%m"))
    on_map = rank_problems(district.features, district.statuses)
    assert b.problems["site_id"].tolist() == on_map["site_id"].tolist()
    assert len(on_map) > 3
    order = [Status(s) for s in on_map["status"]]
    from compliance.status import STATUS_STYLE

    assert [STATUS_STYLE[s].order for s in order] == sorted(STATUS_STYLE[s].order for s in order)


def _with_undetected_tp(ds: Any) -> Any:
    """示例 W-QLS (省控, target Ⅲ) with 2025 TP alternating 0.3 and 0.12L: mean 0.21 (Ⅳ) at the DL, 0.18 (Ⅲ) at half."""
    m = ds.measurements
    drop = (m["site_id"] == "W-QLS") & (m["param"] == "TP") & (pd.to_datetime(m["time"]).dt.year == 2025)
    days = pd.date_range("2025-01-10", periods=12, freq="MS") + pd.Timedelta(days=9)
    extra = pd.DataFrame({"site_id": "W-QLS", "time": days, "param": "TP", "value": [0.3, 0.12] * 6,
                          "raw": ["0.3", "0.12L"] * 6, "unit": "mg/L", "source": "示例"})
    return dataclasses.replace(ds, measurements=pd.concat([m[~drop], extra], ignore_index=True))


def test_half_detection_limit_rule_reaches_indicators_through_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.model import briefing_of
    from compliance.sites import default_as_of
    from geo.dataset import read_dataset
    from service import EvalSettings, build_district

    ds = _with_undetected_tp(read_dataset())
    end = default_as_of(ds.measurements)
    shown = {}
    for rule in ("full", "half"):
        monkeypatch.setenv("CHAISANG_ND_MEAN_RULE", rule)
        settings = EvalSettings.from_config()
        now = build_district("v", ds, end, end, settings)
        before = build_district("v", ds, dt.date(end.year, end.month, 1) - dt.timedelta(days=1), end, settings)
        row = next(r for r in briefing_of(now, before, end.strftime("%Y-%m")).indicators if r.indicator.no == 4)
        shown[rule] = row.explanation
    assert "2 个省控断面中 1 个达到或好于Ⅲ类" in shown["full"]
    assert "2 个省控断面中 2 个达到或好于Ⅲ类" in shown["half"]
