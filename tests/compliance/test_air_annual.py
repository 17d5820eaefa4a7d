"""Annual air statistics: GB 3095 Table 4 validity and annual compliance with the annual limits (issue 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from compliance import air_annual as aa
from compliance.errors import ComplianceError

LOW = {"SO2": 8.0, "NO2": 20.0, "CO": 0.6, "O3_8h": 80.0, "PM10": 40.0, "PM2_5": 20.0}


def _year(year: int, values: dict[str, float] | None = None, *, skip: set[dt.date] | None = None,
          site: str | None = None) -> pd.DataFrame:
    rows = []
    for d in pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D"):
        if skip and d.date() in skip:
            continue
        for p, v in {**LOW, **(values or {})}.items():
            rows.append({"time": d, "param": p, "value": v, **({"site_id": site} if site else {})})
    return pd.DataFrame(rows)


def test_validity_rules() -> None:
    first, last = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    all_days = pd.date_range(first, last, freq="D")
    assert aa.validity(all_days, first, last).ok
    jan = pd.date_range("2025-01-01", "2025-01-31", freq="D")
    v = aa.validity(jan, first, last)
    assert not v.ok and v.n_days == 31 and "全年少于 324 天" in v.shortfalls[0]
    assert "11 个月不足" in v.shortfalls[1]
    # 25 days in February are enough, 26 in another month are not
    feb_short = [d for d in all_days if not (d.month == 2 and d.day > 25)]
    assert aa.validity(feb_short, first, last).ok
    mar_short = [d for d in all_days if not (d.month == 3 and d.day > 26)]
    assert not aa.validity(mar_short, first, last).ok
    # ≥ 27 per month but only 12 × 27 = 324 in the year: exactly the minimum
    exact = [d for d in all_days if d.day <= (25 if d.month == 2 else 27)]
    assert len(exact) == 322 and not aa.validity(exact, first, last).ok  # 11 × 27 + 25 < 324
    # year to date: complete months only, no 324 rule
    ytd = pd.date_range("2026-01-01", "2026-02-28", freq="D")
    assert aa.validity(ytd, dt.date(2026, 1, 1), dt.date(2026, 3, 10)).ok


def test_daily_values_from_hourly_need_20_hours() -> None:
    hours = pd.date_range("2025-05-01 00:00", periods=24, freq="h")
    full = pd.DataFrame({"time": hours, "param": "PM2_5", "value": 30.0})
    short = pd.DataFrame({"time": hours[:19] + pd.Timedelta(days=1), "param": "PM2_5", "value": 30.0})
    dv = aa.daily_values(pd.concat([full, short]))
    assert dv["valid"].tolist() == [True, False] and dv["n"].tolist() == [24, 19]


def test_o3_8h_from_hourly_needs_14_windows() -> None:
    hours = pd.date_range("2025-05-01 00:00", periods=24, freq="h")
    o3 = pd.DataFrame({"time": hours, "param": "O3", "value": np.arange(24, dtype=float)})
    dv = aa.daily_values(o3)
    row = dv[dv["param"] == "O3_8h"].iloc[0]
    assert row["n"] == 17 and bool(row["valid"])  # windows starting 00:00 … 16:00
    assert row["value"] == pytest.approx(np.mean(np.arange(16, 24)))
    few = aa.daily_values(o3.iloc[:12])
    assert not bool(few[few["param"] == "O3_8h"].iloc[0]["valid"])


def test_annual_compliance_2025_uses_gb3095_2012() -> None:
    r = aa.annual_compliance(_year(2025, {"PM2_5": 35.4}), 2025)
    assert r.status == "达标" and r.standard.startswith("GB 3095-2012")
    pm = next(i for i in r.items if i.code == "PM2_5")
    assert (pm.value, pm.limit, pm.meets) == (Decimal("35"), Decimal("35"), True)
    assert "PM2.5 年平均 35 µg/m³，限值 35 µg/m³（GB 3095-2012 二级），达标" in r.explanation


def test_annual_compliance_2026_transition_and_2031_final() -> None:
    r = aa.annual_compliance(_year(2026, {"PM2_5": 32.0}), 2026)
    assert r.status == "超标" and r.exceeding == ("PM2_5",)
    assert "限值 30 µg/m³（GB 3095—2026 二级（过渡期限值））" in r.explanation
    assert "跨越 2026-03-01" in r.explanation
    f = aa.annual_compliance(_year(2031, {"PM2_5": 26.0, "NO2": 30.0}), 2031)
    assert f.status == "超标" and f.exceeding == ("PM2_5",)
    assert "（最终限值）" in f.standard


def test_co_p95_and_o3_p90_against_daily_limits() -> None:
    data = _year(2025)
    o3 = data["param"] == "O3_8h"
    idx = data.index[o3][:40]  # 40 of 365 days (11 %) above 160: the 90th percentile exceeds
    data.loc[idx, "value"] = 200.0
    r = aa.annual_compliance(data, 2025)
    o3_item = next(i for i in r.items if i.code == "O3_8h")
    assert o3_item.meets is False and o3_item.limit == Decimal("160")
    assert "日最大8小时平均第90百分位数" in o3_item.explanation
    co = next(i for i in r.items if i.code == "CO")
    assert co.meets is True and co.limit == Decimal("4") and co.value == Decimal("0.6")


def test_insufficient_data_is_not_evaluated() -> None:
    jan = _year(2025, {"PM2_5": 47.1})
    jan = jan[pd.to_datetime(jan["time"]).dt.month == 1]
    r = aa.annual_compliance(jan, 2025)
    assert r.status == "数据不足，不评价"
    assert all(i.meets is None for i in r.items)
    assert "有效日数 31 天" in r.explanation and "数据不足，不评价" in r.explanation


def test_district_and_stations() -> None:
    sites = pd.DataFrame({"site_id": ["A1", "A2", "W"], "kind": ["air_station", "air_station", "water_section"]})
    meas = pd.concat([_year(2025, {"PM2_5": 40.0}, site="A1"), _year(2025, {"PM2_5": 28.0}, site="A2")])
    out = aa.district_annual_compliance(sites, meas, 2025)
    assert out["A1"].status == "超标" and out["A2"].status == "达标"
    assert out["全区"].status == "达标"  # mean 34 ≤ 35
    with pytest.raises(ComplianceError, match="单个站点"):
        aa.annual_compliance(meas, 2025)
