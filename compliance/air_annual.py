"""Annual ambient-air statistics: data validity (GB 3095 Table 4 / HJ 663) and annual compliance with GB 3095.

Validity (GB 3095—2026 Table 4, the same numbers as GB 3095-2012 and HJ 663-2013):

- a daily value from hourly data needs ≥ 20 hourly values (SO2, NO2, CO, PM10, PM2.5); a daily maximum 8-hour
  ozone value needs ≥ 14 valid 8-hour means among the 17 windows starting 00:00–16:00 of the day (HJ 663), an
  8-hour mean ≥ 6 hourly values;
- an annual statistic needs ≥ 324 daily values in the year and ≥ 27 in each month (≥ 25 in February).
  For a span shorter than a calendar year (年初至今) the monthly minimum applies to each complete month in the
  span; the 324 rule applies to a full calendar year only (this app's reading for partial years).

Annual compliance (GB 3095 with HJ 663's statistics): annual means of SO2, NO2, PM10 and PM2.5 against the annual
limits; the 95th percentile of daily CO against the 24-hour CO limit; the 90th percentile of the daily maximum
8-hour O3 against the 8-hour limit.  Statistics are rounded per GB/T 8170 (µg/m³ to 1, CO to 0.1 mg/m³); exactly
at the limit meets it.  The limit set is the one in force on the last day of the year (2025 → GB 3095-2012,
2026–2030 → GB 3095—2026 transition limits, from 2031 final limits); a year that spans 2026-03-01 says so.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from compliance import air
from compliance.errors import ComplianceError
from compliance.params import get_param

YEAR_MIN_DAYS = 324
MONTH_MIN_DAYS = 27
FEB_MIN_DAYS = 25
HOURS_MIN = 20
O3_8H_WINDOWS_MIN = 14
O3_8H_HOURS_MIN = 6
INSUFFICIENT = "数据不足，不评价"
RULE = "GB 3095 表4 / HJ 663 数据有效性规定"

#: statistic of each annual item: (code, statistic, (param, averaging) row of the GB 3095 table)
ANNUAL_ITEMS: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("SO2", "mean", ("SO2", "annual")),
    ("NO2", "mean", ("NO2", "annual")),
    ("PM10", "mean", ("PM10", "annual")),
    ("PM2_5", "mean", ("PM2_5", "annual")),
    ("CO", "p95", ("CO", "daily")),
    ("O3_8h", "p90", ("O3", "8h")),
)
_STAT_CN = {"mean": "年平均", "p95": "日均值第95百分位数", "p90": "日最大8小时平均第90百分位数"}


def month_minimum(month: int) -> int:
    """Minimum number of daily values in a month for an annual statistic (25 in February, else 27)."""
    return FEB_MIN_DAYS if month == 2 else MONTH_MIN_DAYS


# ------------------------------------------------------------------------------------------ daily values
def daily_values(long: pd.DataFrame) -> pd.DataFrame:
    """Daily values of a long table (``site_id`` optional, ``time``, ``param``, ``value``) with their validity.

    A single value at midnight is taken as a daily value as given.  Otherwise the rows are hourly values: the
    daily mean needs ≥ 20 of them; ``O3_8h`` hourly 8-hour means give the daily maximum when ≥ 14 exist; ``O3``
    hourly values give 8-hour means (≥ 6 values each) whose daily maximum is the ``O3_8h`` daily value (≥ 14
    valid 8-hour means).  Returns ``site_id, time (date), param, value, n, valid``.
    """
    frame = long.assign(site_id="_") if "site_id" not in long.columns else long
    frame = frame[["site_id", "time", "param", "value"]].dropna(subset=["value"]).copy()
    t = pd.to_datetime(frame["time"])
    frame["day"] = t.dt.normalize()
    frame["hourly"] = t != frame["day"]
    frame["value"] = frame["value"].astype("float64")
    cols = ["site_id", "time", "param", "value", "n", "valid"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    g = frame.groupby(["site_id", "day", "param"], sort=True).agg(
        n=("value", "size"), mean=("value", "mean"), max=("value", "max"), hourly=("hourly", "any")
    ).reset_index()
    peak = g["param"].isin(["O3_8h", "O3"])
    given = (g["n"] == 1) & ~g["hourly"]
    need = np.where(g["param"] == "O3_8h", O3_8H_WINDOWS_MIN, HOURS_MIN)
    res = pd.DataFrame({"site_id": g["site_id"], "time": g["day"], "param": g["param"],
                        "value": np.where(peak & ~given, g["max"], g["mean"]), "n": g["n"],
                        "valid": given | (g["n"] >= need)})
    o3_1h = frame[(frame["param"] == "O3") & frame["hourly"]]
    if not o3_1h.empty:
        # an O3_8h daily value computed from hourly O3 does not replace one given directly
        derived = _o3_8h_from_hourly(o3_1h)
        res = pd.concat([derived, res], ignore_index=True).drop_duplicates(
            subset=["site_id", "time", "param"], keep="last")
    return res[cols].sort_values(["site_id", "time", "param"]).reset_index(drop=True)


def _o3_8h_from_hourly(o3: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for site, grp in o3.groupby("site_id", sort=True):
        s = grp.set_index(pd.to_datetime(grp["time"]))["value"].sort_index()
        s = s[~s.index.duplicated()]
        full = pd.date_range(s.index.min().normalize(), s.index.max().normalize() + pd.Timedelta(hours=23), freq="h")
        s = s.reindex(full)
        means = s.rolling(8, min_periods=O3_8H_HOURS_MIN).mean()  # 8-hour mean ending at each hour
        means = means[means.index.hour >= 7]  # windows starting 00:00–16:00 of the day (17 a day)
        days = means.index.normalize()
        for day, m in means.groupby(days):
            valid_windows = m.dropna()
            rows.append({"site_id": site, "time": day, "param": "O3_8h",
                         "value": float(valid_windows.max()) if len(valid_windows) else np.nan,
                         "n": len(valid_windows), "valid": len(valid_windows) >= O3_8H_WINDOWS_MIN})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ validity
@dataclass(frozen=True)
class Validity:
    """Whether a series has enough daily values for an annual (or year-to-date) statistic."""

    ok: bool
    n_days: int
    per_month: dict[int, int]
    shortfalls: tuple[str, ...]

    def text(self, what: str) -> str:
        """'PM2.5 有效日均值 31 天，……：数据不足，不评价' or an empty string when valid."""
        if self.ok:
            return ""
        return f"{what}有效日数 {self.n_days} 天（{'；'.join(self.shortfalls)}）：{INSUFFICIENT}（{RULE}）"


def _complete_months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        m_first = dt.date(y, m, 1)
        m_last = dt.date(y, m, calendar.monthrange(y, m)[1])
        if first <= m_first and m_last <= last:
            months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def validity(days: Sequence[dt.date] | pd.Series, first: dt.date, last: dt.date) -> Validity:
    """Check valid daily dates against the annual rules over ``first``–``last`` (see module docstring)."""
    dates = sorted({d for d in (pd.Timestamp(x).date() for x in days) if first <= d <= last})
    full_year = first == dt.date(first.year, 1, 1) and last == dt.date(first.year, 12, 31)
    per_month: dict[int, int] = {}
    for d in dates:
        per_month[d.month] = per_month.get(d.month, 0) + 1
    short = []
    if full_year and len(dates) < YEAR_MIN_DAYS:
        short.append(f"全年少于 {YEAR_MIN_DAYS} 天")
    bad = [(m, per_month.get(m, 0)) for y, m in _complete_months(first, last)
           if per_month.get(m, 0) < month_minimum(m)]
    if bad:
        listed = "、".join(f"{m}月 {n} 天" for m, n in bad[:4]) + ("等" if len(bad) > 4 else "")
        short.append(f"{len(bad)} 个月不足每月 {MONTH_MIN_DAYS} 天（2月 {FEB_MIN_DAYS} 天）：{listed}")
    if not dates:
        short.append("无有效日数据")
    return Validity(not short, len(dates), per_month, tuple(short))


# ------------------------------------------------------------------------------------------ compliance
@dataclass(frozen=True)
class AnnualItem:
    """One annual statistic against its GB 3095 limit."""

    code: str
    statistic: str
    value: Decimal | None
    limit: Decimal
    unit: str
    standard: str
    n_days: int
    valid: bool
    meets: bool | None
    explanation: str


@dataclass(frozen=True)
class AnnualCompliance:
    """Annual 达标 / 超标 / 数据不足，不评价 of one station or the district."""

    year: int
    status: str
    items: tuple[AnnualItem, ...]
    standard: str
    explanation: str

    @property
    def exceeding(self) -> tuple[str, ...]:
        """Codes of the items above their annual limit."""
        return tuple(i.code for i in self.items if i.meets is False)


def _statistic(values: np.ndarray, stat: str) -> float:
    if stat == "mean":
        return float(np.mean(values))
    return float(np.percentile(values, 95 if stat == "p95" else 90))


def annual_compliance(daily: pd.DataFrame, year: int, air_class: int = 2) -> AnnualCompliance:
    """Annual compliance of one series of daily values (``time, param, value``; hourly rows are aggregated).

    Status: 超标 when a valid statistic is above its limit; 达标 when all six are valid and meet their limits;
    otherwise 数据不足，不评价 (the explanation gives the counts).
    """
    if "site_id" in daily.columns and daily["site_id"].nunique() > 1:
        raise ComplianceError("年度达标评价只接受单个站点（或全区合成）的数据，请按站点分别评价")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    version, column, label = air.limit_standard(last, air_class)
    table = air.gb3095_limits(version)
    dv = daily_values(daily)
    dv = dv[dv["valid"] & (pd.to_datetime(dv["time"]).dt.year == year)]
    items = []
    for code, stat, key in ANNUAL_ITEMS:
        rows = dv[dv["param"] == code]
        limit = table[key][column]
        unit = get_param(code).unit
        check = validity(rows["time"], first, last)
        name = f"{air._label(code)} {_STAT_CN[stat]}"
        if rows.empty or not check.ok:
            value = None if rows.empty else air.round_concentration(code, _statistic(rows["value"].to_numpy(), stat))
            items.append(AnnualItem(code, stat, value, limit, unit, label, check.n_days, False, None,
                                    check.text(name + " ")))
            continue
        value = air.round_concentration(code, _statistic(rows["value"].to_numpy(float), stat))
        meets = value <= limit
        word = "达标" if meets else "超标"
        text = f"{name} {value} {unit}，限值 {limit} {unit}（{label}），{word}"
        items.append(AnnualItem(code, stat, value, limit, unit, label, check.n_days, True, meets, text))
    if any(i.meets is False for i in items):
        status = "超标"
    elif all(i.meets for i in items):
        status = "达标"
    else:
        status = INSUFFICIENT
    mixed = "；统计年跨越 2026-03-01，按年末适用的标准评价" if first < air.SWITCH_DATE <= last else ""
    text = f"{year}年{status}：" + "；".join(i.explanation for i in items) + mixed
    return AnnualCompliance(year, status, tuple(items), label, text)


def district_annual_compliance(
    sites: pd.DataFrame, measurements: pd.DataFrame, year: int, air_class: int = 2
) -> dict[str, AnnualCompliance]:
    """Annual compliance of every air station (by ``site_id``) and of the district (key ``'全区'``).

    The district series is the mean of the stations' valid daily values per day and item (as indicator 1).
    """
    ids = sites.loc[sites["kind"] == "air_station", "site_id"].astype(str).tolist()
    data = measurements[measurements["site_id"].astype(str).isin(ids)
                        & measurements["param"].isin(air.AIR_CODES)]
    out: dict[str, AnnualCompliance] = {}
    station_days = []
    for sid in ids:
        sub = data[data["site_id"].astype(str) == sid]
        out[sid] = annual_compliance(sub[["time", "param", "value"]], year, air_class)
        dv = daily_values(sub[["time", "param", "value"]])
        station_days.append(dv[dv["valid"]])
    days = pd.concat(station_days, ignore_index=True) if station_days else pd.DataFrame()
    if days.empty:
        district = pd.DataFrame(columns=["time", "param", "value"])
    else:
        district = days.groupby(["time", "param"], as_index=False)["value"].mean()
    out["全区"] = annual_compliance(district, year, air_class)
    return out


#: map of an annual status word to the shared status code (colours and legend)
ANNUAL_STATUS: dict[str, str] = {"达标": "good", "超标": "exceed", INSUFFICIENT: "nodata"}


def _item_cell(item: AnnualItem) -> str:
    """``34（限值 35）`` or ``数据不足（212 天）`` for one annual statistic."""
    if not item.valid:
        return f"数据不足（{item.n_days} 天）"
    mark = "" if item.meets else " 超标"
    return f"{item.value}（限值 {item.limit}）{mark}"


def annual_frame(results: dict[str, AnnualCompliance], names: dict[str, str]) -> pd.DataFrame:
    """One row per station (the district last): status, each statistic against its limit, explanation.

    ``names`` maps a site id to its display name; the district row is ``全区``.  Columns are Chinese labels.
    """
    rows = []
    order = [k for k in results if k != "全区"] + (["全区"] if "全区" in results else [])
    for key in order:
        r = results[key]
        row: dict[str, object] = {"站点": names.get(key, key), "年份": r.year, "状态": r.status}
        for item in r.items:
            unit = item.unit
            row[f"{air._label(item.code)} {_STAT_CN[item.statistic]}（{unit}）"] = _item_cell(item)
        row["评价标准"] = r.standard
        row["说明"] = r.explanation
        rows.append(row)
    return pd.DataFrame(rows)


def complete_years(times: pd.Series, as_of: dt.date) -> list[int]:
    """Calendar years with data that are complete at ``as_of`` (newest first)."""
    if times.empty:
        return []
    years = sorted(set(pd.to_datetime(times).dt.year.astype(int)), reverse=True)
    last_complete = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
    return [y for y in years if y <= last_complete]
