"""The plan's 25 indicators: the table, the computed values on synthetic data, staff entries, progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from compliance import air
from compliance import indicators as ind
from compliance.status import Status

AS_OF = dt.date(2026, 2, 28)  # before the 2026 air-standard switch: one rule set for the whole period


def test_table_has_25_indicators_15_binding_10_expected() -> None:
    nos = [i.no for i in ind.INDICATORS]
    assert nos == list(range(1, 26))
    assert sum(i.binding for i in ind.INDICATORS) == 15
    assert sum(not i.binding for i in ind.INDICATORS) == 10
    assert ind.indicator(1).target == air.PLAN_TARGETS["PM2_5"]
    assert ind.indicator(2).target == air.PLAN_TARGETS["good_ratio"]
    assert ind.indicator(19).base == 34.37 and ind.indicator(19).target == 35.68
    assert set(ind.COMPUTABLE) == {1, 2, 3, 4, 5, 21}
    with pytest.raises(ind.IndicatorError, match="指标序号"):
        ind.indicator(26)


def _air_rows(site: str, pm25: float, days: int) -> list[dict[str, object]]:
    low = {"SO2": 8.0, "NO2": 20.0, "CO": 0.6, "O3_8h": 80.0, "PM10": 40.0}
    rows = []
    for d in pd.date_range("2026-01-01", periods=days, freq="D"):
        for p, v in {**low, "PM2_5": pm25}.items():
            rows.append({"site_id": site, "time": d, "param": p, "value": v})
    return rows


def _water_rows(site: str, nh3n: float, times: list[str]) -> list[dict[str, object]]:
    return [{"site_id": site, "time": pd.Timestamp(t), "param": "NH3N", "value": nh3n} for t in times]


@pytest.fixture
def synthetic() -> tuple[pd.DataFrame, pd.DataFrame]:
    sites = pd.DataFrame([
        {"site_id": "A1", "kind": "air_station", "control_level": "国控", "water_body": None, "target_class": None},
        {"site_id": "A2", "kind": "air_station", "control_level": "省控", "water_body": None, "target_class": None},
        {"site_id": "N1", "kind": "water_section", "control_level": "国控", "water_body": "river", "target_class": 3},
        {"site_id": "N2", "kind": "water_section", "control_level": "国控", "water_body": "river", "target_class": 3},
        {"site_id": "C1", "kind": "water_section", "control_level": "市控", "water_body": "river", "target_class": 3},
        {"site_id": "D1", "kind": "drinking_source", "control_level": "区控", "water_body": "river", "target_class": 3},
        {"site_id": "D2", "kind": "drinking_source", "control_level": "区控", "water_body": "river", "target_class": 3},
    ])
    rows = _air_rows("A1", 40.0, 59) + _air_rows("A2", 20.0, 59)  # every day of the span (validity rules)
    rows += _water_rows("N1", 0.4, ["2026-01-10", "2026-02-10"])   # Ⅱ
    rows += _water_rows("N2", 1.2, ["2026-01-10", "2026-02-10"])   # Ⅳ
    rows += _water_rows("C1", 0.1, ["2026-01-10"])                 # 市控: not counted
    rows += _water_rows("D1", 0.3, ["2026-01-15"])                 # meets Ⅲ
    rows += _water_rows("D2", 1.4, ["2026-01-15"])                 # Ⅳ: misses Ⅲ
    rows += _water_rows("N2", 0.1, ["2025-12-10"])                 # last year: ignored
    return sites, pd.DataFrame(rows)


def test_computed_values_on_synthetic_data(synthetic: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sites, m = synthetic
    c = ind.compute_indicators(sites, m, as_of=AS_OF, span="ytd")
    assert c[1].value == pytest.approx(30.0)  # mean of the two stations' daily values
    assert c[2].value == 100.0
    assert c[3].value == 50.0  # one of two 国控 sections Ⅲ or better
    assert 4 not in c  # no 省控 section
    assert c[5].value == 50.0  # 国控+省控 Ⅱ or better: N1 only
    assert c[21].value == 50.0
    assert c[1].period == "2026年1–2月"


def test_a_month_without_data_gives_no_value(synthetic: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sites, m = synthetic
    assert ind.compute_indicators(sites, m.iloc[0:0], as_of=AS_OF, span="ytd") == {}
    last_year = ind.compute_indicators(sites, m, as_of=AS_OF, span="year")  # 2025: one N2 sample (Ⅰ类) only
    assert set(last_year) == {3, 5} and last_year[3].value == 100.0 and last_year[3].period == "2025年"



def test_table_status_colour_and_progress(synthetic: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sites, m = synthetic
    computed = ind.compute_indicators(sites, m, as_of=AS_OF, span="ytd")
    rows = {r.indicator.no: r for r in ind.indicator_table(computed, {}, as_of=AS_OF, ytd=computed)}
    assert rows[1].ytd_text == "2026年1–2月：30.0 µg/m³"
    assert rows[1].met is True and rows[1].status == Status.GOOD and rows[1].origin == "computed"
    assert rows[3].met is False and rows[3].status == Status.DELAYED
    assert rows[4].origin == "none" and rows[4].status == Status.NODATA
    assert rows[19].value_text == "—"
    assert rows[1].color.startswith("#")


def test_spans_last_complete_year_and_year_to_date() -> None:
    assert ind.reference_year(dt.date(2026, 10, 31)) == 2025
    assert ind.reference_year(dt.date(2026, 12, 31)) == 2026
    assert ind.span_dates(dt.date(2026, 10, 31), "year") == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2025年")
    assert ind.span_dates(dt.date(2026, 1, 31), "ytd")[2] == "2026年1月"
    with pytest.raises(ind.IndicatorError, match="统计区间"):
        ind.span_dates(dt.date(2026, 1, 31), "week")


def test_progress_from_baseline_towards_target() -> None:
    pm = ind.indicator(1)
    assert ind.progress(pm, 33.7) == pytest.approx(50.0)
    assert ind.progress(pm, 30.0) == 100.0 and ind.progress(pm, 40.0) == 0.0
    forest = ind.indicator(19)
    assert ind.progress(forest, 35.025) == pytest.approx(50.0)
    assert ind.progress(ind.indicator(22), 28.0) == pytest.approx(50.0)
    assert ind.progress(ind.indicator(18), 1.0) is None
    assert ind.meets(ind.indicator(17), 0.0) is True and ind.meets(ind.indicator(17), 1.0) is False


def test_entries_validate_with_chinese_messages() -> None:
    ok = ind.entry(19, "35.9%", source="林业局年报", date="2026-03-01", entered_by="张三")
    assert ok.value == 35.9 and ok.date == dt.date(2026, 3, 1)
    with pytest.raises(ind.IndicatorError, match="数据来源"):
        ind.entry(19, 35.9, source=" ", date="2026-03-01")
    with pytest.raises(ind.IndicatorError, match="填报日期"):
        ind.entry(19, 35.9, source="x", date="2026/03/01")
    with pytest.raises(ind.IndicatorError, match="百分比"):
        ind.entry(22, 130, source="x", date="2026-03-01")
    with pytest.raises(ind.IndicatorError, match="不是数值"):
        ind.entry(22, "约五成", source="x", date="2026-03-01")
    with pytest.raises(ind.IndicatorError, match="缺少填报值"):
        ind.entry(22, None, source="x", date="2026-03-01")
    with pytest.raises(ind.IndicatorError, match="是否达到目标"):
        ind.entry(18, text="稳中向好", source="x", date="2026-03-01", met="也许")


def test_entries_fill_the_table_computed_values_win_and_old_entries_go_stale(
    synthetic: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    sites, m = synthetic
    entries = {
        19: ind.entry(19, 35.0, source="林业局", date="2026-01-20"),
        18: ind.entry(18, text="EQI 稳中向好", source="省厅通报", date="2026-01-05", met="是"),
        22: ind.entry(22, 60, source="住建局", date="2024-01-01"),
        1: ind.entry(1, 99, source="手工", date="2026-02-01"),
    }
    computed = ind.compute_indicators(sites, m, as_of=AS_OF, span="ytd")
    rows = {r.indicator.no: r for r in ind.indicator_table(computed, entries, as_of=AS_OF)}
    assert rows[19].origin == "entered" and rows[19].met is False and rows[19].status == Status.DELAYED
    assert "林业局" in rows[19].explanation and rows[19].period == "2026-01-20"
    assert rows[18].status == Status.GOOD and rows[18].value_text == "EQI 稳中向好"
    assert rows[22].status == Status.STALE
    assert rows[1].origin == "computed" and rows[1].value == pytest.approx(30.0)


def test_entries_round_trip_through_json(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "entries.json"
    assert ind.load_entries(path) == {}
    e = [ind.entry(25, 100, source="城管局", date="2026-02-01"), ind.entry(12, text="完成市下达任务", source="发改委",
                                                                            date="2026-01-31", met=True)]
    ind.save_entries(path, e)
    back = ind.load_entries(path)
    assert back[25] == e[0] and back[12] == e[1]
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ind.IndicatorError, match="JSON"):
        ind.load_entries(path)


def test_frame_has_chinese_columns(synthetic: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sites, m = synthetic
    frame = ind.indicator_frame(ind.indicator_table(ind.compute_indicators(sites, m, as_of=AS_OF, span="ytd"), {},
                                                    as_of=AS_OF))
    assert len(frame) == 25
    assert {"序号", "指标", "2020年", "2025年目标", "最新值", "进度%", "状态"} <= set(frame.columns)
    assert frame.loc[frame["序号"] == 8, "2025年目标"].iloc[0] == "[85]"


def test_air_indicators_need_valid_data_for_the_year() -> None:
    # only January 2025 data, evaluated for the year 2025: before, "PM2.5 47.1 µg/m³, 优良天数比例 96.8%"
    sites = pd.DataFrame([{"site_id": "A1", "kind": "air_station", "control_level": "国控", "water_body": None,
                           "target_class": None}])
    rows = []
    for d in pd.date_range("2025-01-01", "2025-01-31", freq="D"):
        for p, v in {"SO2": 8.0, "NO2": 20.0, "CO": 0.6, "O3_8h": 80.0, "PM10": 60.0, "PM2_5": 47.1}.items():
            rows.append({"site_id": "A1", "time": d, "param": p, "value": v})
    c = ind.compute_indicators(sites, pd.DataFrame(rows), as_of=dt.date(2026, 1, 15), span="year")
    assert c[1].insufficient and c[2].insufficient
    assert "数据不足，不评价" in c[1].explanation and "有效日数 31 天" in c[1].explanation
    assert "全年少于 324 天" in c[1].explanation and "11 个月不足每月 27 天" in c[1].explanation
    table = {r.indicator.no: r for r in ind.indicator_table(c, {}, as_of=dt.date(2026, 1, 15))}
    assert table[1].value is None and table[1].value_text == "数据不足，不评价"
    assert table[1].status == Status.NODATA and table[2].value_text == "数据不足，不评价"
