"""规划指标 shows GB 3095 annual compliance per air station and for the district (issue 13 item 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from compliance import air_annual as aa
from tests.compliance.test_air_annual import _year
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("air_annual_page")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHAISANG_DATA_DIR", str(path))
        yield path


def _sites(*ids: str) -> pd.DataFrame:
    return pd.DataFrame({"site_id": list(ids), "kind": ["air_station"] * len(ids)})


def test_frame_names_each_statistic_its_limit_and_the_district_last() -> None:
    data = pd.concat([_year(2025, {"PM2_5": 40.0}, site="A1"), _year(2025, site="A2")], ignore_index=True)
    results = aa.district_annual_compliance(_sites("A1", "A2"), data, 2025)
    frame = aa.annual_frame(results, {"A1": "示例站甲", "A2": "示例站乙"})
    assert frame["站点"].tolist() == ["示例站甲", "示例站乙", "全区"]
    assert frame["状态"].tolist() == ["超标", "达标", "达标"]  # the district's daily mean is (40 + 20) / 2 = 30
    pm = frame.set_index("站点")["PM2.5 年平均（µg/m³）"]
    assert pm["全区"] == "30（限值 35）"
    assert pm["示例站甲"] == "40（限值 35） 超标"
    assert pm["示例站乙"] == "20（限值 35）"


def test_january_only_is_not_evaluated_and_says_how_many_days() -> None:
    jan = _year(2025, site="A1")
    jan = jan[pd.to_datetime(jan["time"]).dt.month == 1]
    frame = aa.annual_frame(aa.district_annual_compliance(_sites("A1"), jan, 2025), {"A1": "示例站"})
    row = frame.set_index("站点").loc["示例站"]
    assert row["状态"] == aa.INSUFFICIENT
    assert row["PM2.5 年平均（µg/m³）"] == "数据不足（31 天）"
    assert "324" in row["说明"]


def test_complete_years_only() -> None:
    times = pd.Series(pd.to_datetime(["2024-05-01", "2025-03-01", "2026-10-01"]))
    assert aa.complete_years(times, dt.date(2026, 10, 31)) == [2025, 2024]
    assert aa.complete_years(times, dt.date(2026, 12, 31)) == [2026, 2025, 2024]


def test_dashboard_shows_the_engines_annual_result(data_dir: Path) -> None:
    from geo.dataset import read_dataset

    at = AppTest.from_file(str(ROOT / "app_pages" / "dashboard.py"), default_timeout=120).run()
    assert not at.exception
    assert any(h.value == "环境空气年度达标评价（GB 3095）" for h in at.subheader)
    year_box = next(sb for sb in at.selectbox if sb.label == "评价年度")
    year = int(year_box.value)
    ds = read_dataset()
    expected = aa.district_annual_compliance(ds.sites, ds.measurements, year)
    table = next(df.value for df in at.dataframe if "评价标准" in df.value.columns)
    assert table["站点"].iloc[-1] == "全区"
    assert table["状态"].tolist() == [r.status for r in expected.values() if r is not expected["全区"]] + [
        expected["全区"].status]
    assert any(c.value == f"全区：{expected['全区'].explanation}" for c in at.caption)
    earlier = [y for y in year_box.options if int(y) != year]
    if earlier:
        year_box.select(earlier[-1]).run()
        assert not at.exception
        table = next(df.value for df in at.dataframe if "评价标准" in df.value.columns)
        assert set(table["年份"]) == {int(earlier[-1])}
