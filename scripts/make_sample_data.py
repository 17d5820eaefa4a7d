"""Generate the default sample data (示例数据) in data/sample/ — deterministic, fixed seed.

Usage: ``.venv/bin/python scripts/make_sample_data.py [--out DIR]``

Writes sites.geojson (the register of scripts/sample_register.py), measurements.csv.gz (gzip with mtime 0),
project_progress.csv and tasks.csv, in the format of docs/data-contract.md.  All values are synthetic but
shaped to be plausible and consistent with the plan and the standards (GB 3838, GB 3095/HJ 633, GB 18918).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compliance.params import get_param  # noqa: E402
from compliance.values import parse_value  # noqa: E402
from scripts.sample_register import (  # noqa: E402
    TOWNSHIP_SEATS,
    build_register,
    representative_point,
    township_of,
)

SEED = 20260101
START = dt.date(2021, 1, 1)
END = dt.date(2026, 10, 31)
OUT_DIR = ROOT / "data" / "sample"
CRS_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}

MEAS_COLUMNS = ("site_id", "time", "param", "value", "raw", "unit", "source")
PROGRESS_COLUMNS = ("site_id", "date", "progress_pct", "note")
TASK_COLUMNS = (
    "task_id", "title", "origin", "site_id", "lon", "lat", "township", "owner", "opened", "due", "closed",
    "description",
)

Row = tuple[str, str, str, str, str, str, str]

# ------------------------------------------------------------------------------------------------ helpers


def _rng(component: int) -> np.random.Generator:
    """Independent stream per component, so editing one part leaves the others unchanged."""
    return np.random.default_rng([SEED, component])


def _fmt(x: float, decimals: int) -> str:
    """Fixed decimals, no negative zero."""
    s = f"{x:.{decimals}f}"
    return "0" if decimals == 0 and s in {"-0", "0"} else s


def _row(site: str, day: dt.date, param: str, raw: str, source: str) -> Row:
    reading = parse_value(param, raw)
    return (site, day.isoformat(), param, f"{reading.value:.6g}", raw, get_param(param).unit, source)


def _days() -> list[dt.date]:
    n = (END - START).days + 1
    return [START + dt.timedelta(days=i) for i in range(n)]


def _season(day: dt.date, peak_doy: int) -> float:
    """Cosine in [-1, 1] peaking on day-of-year ``peak_doy``."""
    return math.cos(2 * math.pi * (day.timetuple().tm_yday - peak_doy) / 365.25)


def _months() -> list[tuple[int, int]]:
    out = []
    y, m = START.year, START.month
    while (y, m) <= (END.year, END.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# ------------------------------------------------------------------------------------------- surface water

# Class limits used only to shape the synthetic data (the engine has its own tables).
_LE: dict[str, tuple[float, ...]] = {
    "CODMn": (2, 4, 6, 10, 15),
    "COD": (15, 15, 20, 30, 40),
    "BOD5": (3, 3, 4, 6, 10),
    "NH3N": (0.15, 0.5, 1.0, 1.5, 2.0),
    "TP_river": (0.02, 0.1, 0.2, 0.3, 0.4),
    "TP_lake": (0.01, 0.025, 0.05, 0.1, 0.2),
}
_DO_GE = (7.5, 6.0, 5.0, 3.0, 2.0)
_DEC = {"CODMn": 1, "COD": 0, "BOD5": 1, "NH3N": 3, "TP_river": 2, "TP_lake": 3, "DO": 1}


def _tp_key(body: str) -> str:
    return "TP_river" if body == "river" else "TP_lake"


def _class_of(values: dict[str, float], body: str) -> int:
    """Worst class of the core items (self-check of the generator; mirrors GB 3838 single-factor rule)."""
    worst = 1
    for p, v in values.items():
        if p == "DO":
            cls = next((k + 1 for k, lim in enumerate(_DO_GE) if v >= lim), 6)
        else:
            key = _tp_key(body) if p == "TP" else p
            cls = next((k + 1 for k, lim in enumerate(_LE[key]) if v <= lim), 6)
        worst = max(worst, cls)
    return worst


# Typical levels per site profile: param -> (median, seasonal amplitude as fraction, log sigma).
_PROFILES: dict[str, dict[str, tuple[float, float, float]]] = {
    "lake": {"CODMn": (4.1, 0.15, 0.15), "NH3N": (0.32, -0.2, 0.35), "TP": (0.032, 0.2, 0.22)},
    "clean_river": {"CODMn": (2.9, 0.15, 0.18), "NH3N": (0.28, -0.2, 0.4), "TP": (0.075, 0.15, 0.3)},
    "urban_river": {"CODMn": (4.8, 0.12, 0.15), "NH3N": (0.85, -0.15, 0.25), "TP": (0.17, 0.1, 0.2)},
    "reservoir": {"CODMn": (2.6, 0.15, 0.18), "NH3N": (0.18, -0.2, 0.4), "TP": (0.022, 0.2, 0.3)},
    "source_river": {"CODMn": (2.4, 0.15, 0.18), "NH3N": (0.2, -0.2, 0.4), "TP": (0.07, 0.15, 0.3)},
}


def _core_values(
    rng: np.random.Generator, day: dt.date, profile: str, body: str, cls: int, drivers: Iterable[str], wt: float,
    do_factor: tuple[float, float],
) -> dict[str, float]:
    """Core class-setting items for one sample, shaped so that its class is exactly ``cls``."""
    prof = _PROFILES[profile]
    summer = _season(day, 200)
    vals: dict[str, float] = {}
    for p, (med, amp, sig) in prof.items():
        vals[p] = med * (1 + amp * summer) * float(np.exp(rng.normal(0, sig)))
    vals["COD"] = vals["CODMn"] * float(rng.uniform(2.6, 3.5))
    vals["BOD5"] = vals["CODMn"] * float(rng.uniform(0.45, 0.7))
    vals["DO"] = 468 / (31.6 + wt) * float(rng.uniform(*do_factor))
    # Cap every item at the limit of the intended class (with a margin), then force the drivers into its band.
    for p in ("CODMn", "COD", "BOD5", "NH3N", "TP"):
        key = _tp_key(body) if p == "TP" else p
        cap = _LE[key][cls - 1] * 0.97
        floor = _LE[key][0] * 0.3
        vals[p] = min(max(vals[p], floor), cap)
    vals["DO"] = max(vals["DO"], _DO_GE[cls - 1] + 0.3)
    for p in drivers:
        key = _tp_key(body) if p == "TP" else p
        lims = _LE[key]
        lo = lims[cls - 2] if cls >= 2 else 0.0
        hi = lims[cls - 1]
        vals[p] = float(rng.uniform(lo + 0.12 * (hi - lo), hi - 0.03 * (hi - lo)))
    out = {}
    for p, v in vals.items():
        key = _tp_key(body) if p == "TP" else p
        out[p] = round(v, _DEC[key])
    got = _class_of(out, body)
    if got != cls:
        raise AssertionError(f"generator produced class {got} for intended {cls} on {day}: {out}")
    return out


def _drivers_for(rng: np.random.Generator, profile: str, cls: int) -> list[str]:
    if cls == 2:
        options = ["TP", "NH3N", "CODMn"]
    elif profile == "urban_river":
        options = ["TP", "NH3N"] if cls == 4 else ["TP", "NH3N", "CODMn"]
    elif profile in {"lake", "reservoir"}:
        options = ["TP", "TP", "CODMn"]
    else:
        options = ["TP", "NH3N", "CODMn"]
    first = str(rng.choice(options))
    drivers = [first]
    if profile == "urban_river" and cls == 4 and rng.random() < 0.3:
        drivers = ["TP", "NH3N"]
    return drivers


def _dl_or(rng: np.random.Generator, p_detect: float, lo: float, hi: float, decimals: int, dl_text: str) -> str:
    """A detected value in [lo, hi], or the below-DL text (e.g. '0.004L')."""
    if rng.random() < p_detect:
        return _fmt(float(rng.uniform(lo, hi)), decimals)
    return dl_text


def _extra_items(rng: np.random.Generator, urban: bool) -> list[tuple[str, str]]:
    """Metals and other Table 1 items (all well within Ⅱ, mostly below the detection limit)."""
    return [
        ("Cu", _dl_or(rng, 0.6, 0.001, 0.006, 4, "0.001L")),
        ("Zn", _dl_or(rng, 0.4, 0.006, 0.04, 3, "0.05L")),
        ("As", _dl_or(rng, 0.7, 0.0004, 0.0030, 4, "0.0003L")),
        ("Hg", _dl_or(rng, 0.1, 0.00001, 0.00004, 5, "0.00004L")),
        ("Cd", _dl_or(rng, 0.3, 0.00005, 0.0004, 5, "0.00005L")),
        ("Pb", _dl_or(rng, 0.4, 0.0002, 0.004, 4, "0.0002L" if rng.random() < 0.7 else "0.001L")),
        ("Cr6", "ND" if rng.random() < 0.3 else "0.004L"),
        ("F", _fmt(float(rng.uniform(0.15, 0.45)), 2)),
        ("Se", "0.0004L"),
        ("CN", "0.004L" if rng.random() < 0.8 else "0.001L"),
        ("phenol", "0.0003L"),
        ("oil", _dl_or(rng, 0.8 if urban else 0.3, 0.01, 0.045 if urban else 0.03, 2, "0.01L")),
        ("LAS", _dl_or(rng, 0.7 if urban else 0.2, 0.05, 0.12 if urban else 0.08, 2, "0.05L")),
        ("S2", "ND" if rng.random() < 0.3 else "0.005L"),
    ]


def _water_sample(
    rng: np.random.Generator, site: str, day: dt.date, profile: str, body: str, cls: int, full: bool,
    lake_items: bool, fecal: tuple[float, float] | None, do_factor: tuple[float, float],
) -> list[Row]:
    wt = 18.5 + 10.5 * _season(day, 205) + float(rng.normal(0, 1.0))
    drivers = _drivers_for(rng, profile, cls)
    core = _core_values(rng, day, profile, body, cls, drivers, wt, do_factor)
    ph = float(np.clip(rng.normal(7.6 if body == "river" else 7.9, 0.3), 6.6, 8.8))
    tn_base = {"lake": 0.85, "reservoir": 0.55, "river": 1.4}[body] * (2.0 if profile == "urban_river" else 1.0)
    tn = tn_base * (1 - 0.15 * _season(day, 200)) * float(np.exp(rng.normal(0, 0.2)))
    items: list[tuple[str, str]] = [
        ("WT", _fmt(wt, 1)),
        ("pH", _fmt(ph, 2)),
        ("DO", _fmt(core["DO"], 1)),
        ("CODMn", _fmt(core["CODMn"], 1)),
        ("COD", _fmt(core["COD"], 0) if core["COD"] >= 4 else "4L"),
        ("BOD5", _fmt(core["BOD5"], 1) if core["BOD5"] >= 0.5 else "0.5L"),
        ("NH3N", _fmt(core["NH3N"], 3) if core["NH3N"] >= 0.025 else "0.025L"),
        ("TP", _fmt(core["TP"], 2 if body == "river" else 3) if core["TP"] >= 0.01 else "0.01L"),
        ("TN", _fmt(tn, 2)),
    ]
    if lake_items:
        summer = _season(day, 215)
        chla = 9.0 * (1 + 0.6 * summer) * float(np.exp(rng.normal(0, 0.3)))
        sd = float(np.clip(1.05 - 0.3 * summer + rng.normal(0, 0.12), 0.35, 1.8))
        items += [("chla", _fmt(chla, 1)), ("SD", _fmt(sd, 2))]
    if full:
        items += _extra_items(rng, urban=profile == "urban_river")
    if fecal is not None:
        items.append(("fecal_coliform", _fmt(float(rng.uniform(*fecal)), 0)))
    return [_row(site, day, p, raw, "manual") for p, raw in items]


def _section_class(rng: np.random.Generator, site: str, year: int, month: int) -> int:
    r = rng.random()
    if site == "W-SCHK":  # lake outlet: Ⅱ–Ⅲ, occasional summer Ⅳ (lake TP limits)
        p4 = 0.14 if month in (6, 7, 8, 9) else 0.02
        return 4 if r < p4 else (2 if r < p4 + 0.36 else 3)
    if site == "W-QLS":  # clean county-boundary river section: mostly Ⅱ
        return 4 if r < 0.015 else (2 if r < 0.64 else 3)
    # 沙河“人民医院”: Ⅲ target, intermittently Ⅳ on TP / NH3-N, improving after project 2 (done 2022)
    p4 = {2021: 0.45, 2022: 0.33}.get(year, 0.2)
    return 4 if r < p4 else 3


_SECTIONS = {
    "W-SCHK": ("lake", "lake", (0.78, 0.98)),
    "W-QLS": ("clean_river", "river", (0.82, 0.98)),
    "W-RMYY": ("urban_river", "river", (0.66, 0.9)),
}


def water_section_rows() -> list[Row]:
    """Monthly samples of the three sections; full Table 1 items in Jan/Apr/Jul/Oct."""
    rows: list[Row] = []
    for k, (site, (profile, body, do_factor)) in enumerate(_SECTIONS.items()):
        rng = _rng(10 + k)
        classes = {(y, m): _section_class(rng, site, y, m) for y, m in _months()}
        if site == "W-RMYY":
            classes[(END.year, END.month)] = 4  # the plan's problem section shows its latest Ⅳ on the map
            for year in range(START.year, END.year + 1):  # at least one Ⅳ month each year
                if all(classes[(y, m)] != 4 for y, m in classes if y == year):
                    classes[(year, 8)] = 4
        for (y, m), cls in classes.items():
            day = dt.date(y, m, int(rng.integers(5, 17)))
            rows += _water_sample(
                rng, site, day, profile, body, cls, full=m in (1, 4, 7, 10), lake_items=body == "lake",
                fecal=None, do_factor=do_factor,
            )
    return rows


# Rare exceedances at drinking sources (site, year, quarter-month) -> class Ⅳ.
_DW_EXCEED = {("DW-02", 2022, 7), ("DW-07", 2023, 1), ("DW-08", 2024, 7)}
_DW_STALE = "DW-09"  # its 2026-10 sample is missing on purpose (shows 数据过期)


def drinking_rows(register: dict[str, Any]) -> list[Row]:
    """Quarterly samples (Jan/Apr/Jul/Oct) of the nine township sources, full Table 1 items."""
    rows: list[Row] = []
    rng = _rng(20)
    sources = [f["properties"] for f in register["features"] if f["properties"]["kind"] == "drinking_source"]
    for props in sources:
        site, body = props["site_id"], props["water_body"]
        profile = "reservoir" if body == "reservoir" else "source_river"
        for y, m in _months():
            if m not in (1, 4, 7, 10) or (site == _DW_STALE and (y, m) == (END.year, 10)):
                continue
            cls = 4 if (site, y, m) in _DW_EXCEED else (2 if rng.random() < 0.55 else 3)
            day = dt.date(y, m, int(rng.integers(8, 21)))
            fecal = (20.0, 800.0) if body == "reservoir" else (200.0, 2000.0)
            rows += _water_sample(
                rng, site, day, profile, "lake" if body == "reservoir" else "river", cls, full=True,
                lake_items=False, fecal=fecal, do_factor=(0.82, 0.98),
            )
    return rows


# --------------------------------------------------------------------------------------------------- air

# District PM2.5 annual means (µg/m³): 35.7 in 2020 → plan target 31.7 in 2025.
PM25_ANNUAL_TARGET = {2021: 36.1, 2022: 35.2, 2023: 34.1, 2024: 33.0, 2025: 32.0, 2026: 31.5}
_PM_SEASON = 0.45  # winter/summer swing of PM2.5 around the annual mean


def _pm_season(day: dt.date) -> float:
    return 1 + _PM_SEASON * _season(day, 10)


def air_rows() -> list[Row]:
    """Daily means of SO2, NO2, CO, O3_8h, PM10, PM2_5 at the two stations."""
    rng = _rng(30)
    days = _days()
    n = len(days)
    # Regional AR(1) log-anomaly shared by both stations.
    eps = rng.normal(0, 1, n)
    anomaly = np.zeros(n)
    for i in range(1, n):
        anomaly[i] = 0.72 * anomaly[i - 1] + 0.29 * eps[i]
    season = np.array([_pm_season(d) for d in days])
    pm = season * np.exp(anomaly)
    years = np.array([d.year for d in days])
    for year, target in PM25_ANNUAL_TARGET.items():
        sel = years == year
        expected = target * season[sel].mean() / 1.0  # full-year mean of the seasonal factor is 1
        pm[sel] *= expected / pm[sel].mean()
    o3_season = np.array([max(_season(d, 165), -0.6) for d in days])
    o3 = (86 + 36 * o3_season) * np.exp(0.3 * anomaly + rng.normal(0, 0.15, n))
    o3 *= 1 + 0.015 * (years - 2021)  # the plan notes ozone rising year by year
    rows: list[Row] = []
    for site, bias in (("AIR-HBJ", 1.03), ("AIR-ZXYEY", 0.97)):
        srng = _rng(31 if site == "AIR-HBJ" else 32)
        local = np.exp(srng.normal(0, 0.08, n))
        pm25 = np.clip(pm * bias * local, 4, 260)
        pm10 = pm25 * srng.uniform(1.45, 1.85, n) + srng.gamma(2.0, 3.0, n)
        winter = np.array([_season(d, 10) for d in days])
        no2 = (26 + 9 * winter) * np.exp(0.45 * anomaly + srng.normal(0, 0.2, n)) * (1.08 if bias > 1 else 0.95)
        so2 = (10 + 3 * winter) * np.exp(srng.normal(0, 0.25, n))
        co = (0.8 + 0.25 * winter) * np.exp(0.3 * anomaly + srng.normal(0, 0.15, n))
        o3s = o3 * np.exp(srng.normal(0, 0.05, n)) * (0.96 if bias > 1 else 1.04)
        for i, d in enumerate(days):
            for code, val, dec in (
                ("SO2", so2[i], 0), ("NO2", no2[i], 0), ("CO", max(co[i], 0.2), 1),
                ("O3_8h", min(o3s[i], 260), 0), ("PM10", pm10[i], 0), ("PM2_5", pm25[i], 0),
            ):
                rows.append(_row(site, d, code, _fmt(float(val), dec), "auto"))
    return rows


# ---------------------------------------------------------------------------------------------- effluent

UPGRADE_DONE = dt.date(2024, 7, 1)  # 一级A from this day (project 1 completed 2024-06-30)
_EFF_LEVELS = {  # param -> (1B-era median, 1A-era median, log sigma, 1B cap, 1A cap, decimals)
    "COD": (32.0, 24.0, 0.18, 56.0, 46.0, 1),
    "NH3N": (2.2, 0.9, 0.45, 7.4, 4.6, 3),
    "TP": (0.45, 0.22, 0.28, 0.93, 0.46, 3),
    "TN": (11.5, 9.0, 0.18, 18.8, 14.2, 2),
    "SS": (11.0, 6.0, 0.25, 18.5, 9.4, 0),
}
# Injected exceedances: (date, param, raw) — a few days above the grade in force (with WT > 12 ℃ for NH3-N).
EFFLUENT_EXCEEDANCES = (
    (dt.date(2021, 8, 17), "COD", "66.3"),
    (dt.date(2022, 7, 26), "NH3N", "9.41"),
    (dt.date(2023, 6, 12), "TP", "1.14"),
    (dt.date(2024, 9, 3), "TP", "0.612"),
    (dt.date(2025, 1, 21), "SS", "13"),
    (dt.date(2025, 8, 9), "NH3N", "5.83"),
    (dt.date(2026, 5, 19), "COD", "54.2"),
)


def _upgrade_weight(day: dt.date) -> float:
    """0 before commissioning (May 2024), 1 from the 一级A date, linear in between."""
    start = dt.date(2024, 5, 1)
    if day < start:
        return 0.0
    if day >= UPGRADE_DONE:
        return 1.0
    return (day - start).days / (UPGRADE_DONE - start).days


def effluent_rows() -> list[Row]:
    """Daily effluent of the 赤湖 plant: online COD/NH3N/TP/TN/pH/WT (auto) and lab SS (manual)."""
    rng = _rng(40)
    injected = {(d, p): raw for d, p, raw in EFFLUENT_EXCEEDANCES}
    rows: list[Row] = []
    for d in _days():
        w = _upgrade_weight(d)
        wt = 20.0 + 8.5 * _season(d, 210) + float(rng.normal(0, 0.8))
        rows.append(_row("WWTP-CH", d, "WT", _fmt(wt, 1), "auto"))
        rows.append(_row("WWTP-CH", d, "pH", _fmt(float(np.clip(rng.normal(7.2, 0.22), 6.4, 8.2)), 2), "auto"))
        for p, (m1b, m1a, sig, cap1b, cap1a, dec) in _EFF_LEVELS.items():
            med = m1b + (m1a - m1b) * w
            cap = cap1a if d >= UPGRADE_DONE else cap1b
            val = min(med * float(np.exp(rng.normal(0, sig))), cap)
            raw = _fmt(val, dec)
            if p == "NH3N" and val < 0.025:
                raw = "0.025L"
            if p == "SS" and val < 4:
                raw = "4L"
            raw = injected.get((d, p), raw)
            rows.append(_row("WWTP-CH", d, p, raw, "manual" if p == "SS" else "auto"))
    return rows


# ------------------------------------------------------------------------------------- project progress

# (site_id, date, pct, note)
PROGRESS: tuple[tuple[str, str, int, str], ...] = (
    ("PRJ-01", "2022-06-30", 5, "完成可研及初步设计"),
    ("PRJ-01", "2022-12-31", 18, "9月开工，土建施工中"),
    ("PRJ-01", "2023-06-30", 40, "深度处理单元土建完成过半"),
    ("PRJ-01", "2023-12-31", 68, "设备安装中"),
    ("PRJ-01", "2024-06-30", 100, "提标改造完工通水，7月1日起执行一级A标准"),
    ("PRJ-02", "2021-06-30", 20, "4月开工，排污口排查与截污"),
    ("PRJ-02", "2021-12-31", 55, "排污口强化治理基本完成，开展水生态修复"),
    ("PRJ-02", "2022-06-30", 85, "水生植物种植、生态护岸建设"),
    ("PRJ-02", "2022-12-31", 100, "11月完工验收，转入后期维护"),
    ("PRJ-03", "2021-06-30", 45, "设备采购完成，点位施工"),
    ("PRJ-03", "2021-12-31", 100, "四套黑烟车抓拍系统上线运行"),
    ("PRJ-04", "2022-12-31", 3, "方案编制，资金申报中"),
    ("PRJ-04", "2023-06-30", 8, "前期手续办理，进度滞后"),
    ("PRJ-04", "2023-12-31", 15, "10月开工，渣堆清理"),
    ("PRJ-04", "2024-06-30", 24, "酸性水收集池建设，进度滞后"),
    ("PRJ-04", "2024-12-31", 33, "渣堆覆土阻隔施工"),
    ("PRJ-04", "2025-06-30", 41, "资金到位不足，进度滞后"),
    ("PRJ-04", "2025-12-31", 50, "未按计划完工，申请延期"),
    ("PRJ-04", "2026-06-30", 58, "延期实施中，酸性水处理站调试"),
    ("PRJ-05", "2022-12-31", 10, "首批开工：分布式屋顶光伏"),
    ("PRJ-05", "2023-06-30", 22, "集中式光伏项目陆续开工"),
    ("PRJ-05", "2023-12-31", 35, "分布式屋顶光伏5个全部并网"),
    ("PRJ-05", "2024-06-30", 48, "江新洲岛风电项目开工"),
    ("PRJ-05", "2024-12-31", 60, "集中式光伏并网11个"),
    ("PRJ-05", "2025-06-30", 70, "风电项目吊装"),
    ("PRJ-05", "2025-12-31", 81, "集中式光伏并网16个，风电2个并网，略有滞后"),
    ("PRJ-05", "2026-06-30", 88, "剩余集中式光伏建设中"),
    ("PRJ-06", "2022-12-31", 15, "首批行政村污水处理设施开工"),
    ("PRJ-06", "2023-12-31", 45, "完成22个行政村设施建设"),
    ("PRJ-06", "2024-12-31", 75, "配套管网建设"),
    ("PRJ-06", "2025-12-31", 100, "设施及管网全部建成"),
    ("PRJ-07", "2021-12-31", 12, "畜禽养殖污染治理启动"),
    ("PRJ-07", "2022-12-31", 30, "规模养殖场粪污设施提升"),
    ("PRJ-07", "2023-12-31", 52, "农田退水生态沟渠建设"),
    ("PRJ-07", "2024-12-31", 73, "农村生活污水治理配套建设"),
    ("PRJ-07", "2025-12-31", 94, "剩余农田面源工程收尾"),
    ("PRJ-07", "2026-06-30", 100, "全部完工"),
    ("PRJ-08", "2022-12-31", 30, "首批无人机、移动执法终端配发"),
    ("PRJ-08", "2023-12-31", 60, "移动执法箱配发"),
    ("PRJ-08", "2024-12-31", 85, "执法装备补充采购"),
    ("PRJ-08", "2025-12-31", 100, "全部装备配发到位"),
)


# ------------------------------------------------------------------------------------------------- tasks

# (task_id, title, origin, township or None, site_id or None, owner, opened, due, closed, description)
TASKS: tuple[tuple[str, str, str, str | None, str | None, str, str, str, str, str], ...] = (
    ("RW-2021-001", "沙河人民医院断面上游雨污混接排口整治", "inspection", None, "W-RMYY", "沙河街道办事处",
     "2021-03-12", "2021-06-30", "2021-06-18", "排查发现沙河城区段3处雨污混接排口，需完成截污改造"),
    ("RW-2021-002", "涌泉乡秸秆露天焚烧", "complaint", "涌泉乡", None, "涌泉乡人民政府",
     "2021-05-28", "2021-06-10", "2021-06-02", "12369举报：村道旁农田焚烧秸秆，烟雾较大"),
    ("RW-2021-003", "赛城湖周边养殖尾水直排", "inspection_central", None, "W-SCHK", "港口街镇人民政府",
     "2021-07-05", "2021-12-31", "2021-12-20", "督察交办：赛城湖沿岸池塘养殖尾水未经处理直排入湖"),
    ("RW-2021-004", "鑫山水泥厂区无组织排放整改", "inspection", None, "ENT-01", "柴桑生态环境局执法大队",
     "2021-09-14", "2022-12-31", "2022-12-15", "物料堆场未全封闭，需于2022年底前达到特别排放限值"),
    ("RW-2021-005", "沙河街道汽修厂喷涂废气扰民", "complaint", "沙河街道", None, "柴桑生态环境局执法大队",
     "2021-11-03", "2021-12-03", "2021-11-26", "12369举报：汽修厂露天喷漆，异味明显"),
    ("RW-2022-001", "华林特钢超低排放改造进度滞后", "inspection_central", None, "ENT-02", "区工信局",
     "2022-03-22", "2023-12-31", "2024-03-28", "督察指出超低排放改造未按计划推进，已延期完成"),
    ("RW-2022-002", "新合镇饮用水水源地总磷超标原因排查", "inspection", None, "DW-02", "新合镇人民政府",
     "2022-07-22", "2022-09-30", "2022-09-16", "7月季度监测总磷超Ⅲ类，排查库区周边面源"),
    ("RW-2022-003", "马回岭镇水源保护区内违规种植", "inspection", None, "DW-03", "马回岭镇人民政府",
     "2022-04-08", "2022-07-31", "2022-07-05", "一级保护区内存在农作物种植，需清理并设置隔离网"),
    ("RW-2022-004", "绿洲源木业喷涂工序VOCs收集不到位", "inspection", None, "ENT-03", "柴桑生态环境局执法大队",
     "2022-05-17", "2022-08-31", "2022-08-22", "喷涂车间未密闭，VOCs收集效率不足"),
    ("RW-2022-005", "沙河河道垃圾漂浮物", "complaint", None, "PRJ-02", "沙河景区服务中心",
     "2022-08-09", "2022-08-20", "2022-08-15", "群众反映沙河城区段水面漂浮垃圾较多"),
    ("RW-2022-006", "江洲镇养殖场废水直排长江", "inspection_central", "江洲镇", None, "江洲镇人民政府",
     "2022-10-11", "2023-03-31", "2023-03-20", "督察交办：江新洲岛生猪养殖场废水经沟渠直排长江"),
    ("RW-2023-001", "国孚润滑油储罐泄漏检测与修复未开展", "inspection", None, "ENT-04", "柴桑生态环境局执法大队",
     "2023-02-20", "2023-06-30", "2023-06-26", "储罐呼吸阀、法兰未开展LDAR检测"),
    ("RW-2023-002", "永安乡水源保护区标志牌缺失", "inspection", None, "DW-07", "永安乡人民政府",
     "2023-01-30", "2023-04-30", "2023-04-12", "二级保护区边界标志牌缺失2处"),
    ("RW-2023-003", "赤湖污水处理厂出水总磷超标", "inspection", None, "WWTP-CH", "沿江新材料产业发展中心",
     "2023-06-14", "2023-07-31", "2023-07-10", "在线监测6月12日总磷日均值超一级B标准，需查明原因并整改"),
    ("RW-2023-004", "岷山乡水源地上游畜禽养殖粪污外溢", "complaint", None, "DW-08", "岷山乡人民政府",
     "2023-05-06", "2023-06-30", "2023-06-21", "群众反映养殖场粪污经雨水沟外溢"),
    ("RW-2023-005", "马回岭镇砖瓦窑脱硫设施未正常运行", "inspection", "马回岭镇", None, "柴桑生态环境局执法大队",
     "2023-09-19", "2023-11-30", "2023-11-08", "现场检查脱硫设施停运，烟气直排"),
    ("RW-2023-006", "岷山乡矿山扬尘治理措施缺失", "inspection", "岷山乡", None, "区自然资源局",
     "2023-10-25", "2024-01-31", "2024-04-15", "采石场破碎、运输环节未落实喷淋抑尘，逾期后完成整改"),
    ("RW-2024-001", "城子镇砂石码头堆场未覆盖", "inspection", "城子镇", None, "城子镇人民政府",
     "2024-03-05", "2024-04-30", "2024-04-22", "沿江砂石堆场未覆盖、未喷淋"),
    ("RW-2024-002", "狮子街道建筑工地夜间施工噪声", "complaint", "狮子街道", None, "区住建局",
     "2024-06-18", "2024-06-30", "2024-06-25", "12369举报：工地夜间22时后施工"),
    ("RW-2024-003", "赤湖污水处理厂出水总磷超一级A限值", "inspection", None, "WWTP-CH", "沿江新材料产业发展中心",
     "2024-09-05", "2024-10-31", "2024-10-18", "提标后9月3日总磷日均值超一级A标准"),
    ("RW-2024-004", "高铁新区拆迁工地扬尘", "inspection", "狮子街道", None, "区住建局",
     "2024-11-12", "2024-12-31", "2024-12-20", "拆迁作业未湿法作业，渣土未覆盖"),
    ("RW-2025-001", "赤湖码头船舶污染物接收台账不规范", "inspection", None, "SHIP-02", "区交通运输局",
     "2025-03-11", "2025-05-31", "2025-05-27", "船舶含油污水接收、转运联单不全"),
    ("RW-2025-002", "小腊子山渣堆酸性水渗漏", "inspection_central", None, "PRJ-04", "港口街镇人民政府",
     "2025-04-16", "2025-12-31", "", "督察交办：历史遗留渣堆雨季酸性水渗出，影响周边农田"),
    ("RW-2025-003", "永安乡加油站油气回收在线监控未联网", "inspection", "永安乡", None, "柴桑生态环境局",
     "2025-06-03", "2025-08-31", "2025-08-28", "加油站油气回收在线监控系统未与平台联网"),
    ("RW-2025-004", "港口街镇历史遗留矿山二期农田治理滞后", "inspection_central", "港口街镇", None,
     "港口街镇人民政府", "2025-09-02", "2026-10-15", "", "历史遗留矿山重金属污染治理二期农田区域治理未按期完成"),
    ("RW-2026-001", "城子镇入江排口未建档立标", "inspection", "城子镇", None, "城子镇人民政府",
     "2026-02-26", "2026-06-30", "", "长江入河排污口编码、命名和标志牌未完成"),
    ("RW-2026-002", "华航石油油气回收装置运行不正常", "inspection", None, "ENT-05", "柴桑生态环境局执法大队",
     "2026-05-20", "2026-09-30", "", "储罐区油气回收装置停运，VOCs排放超标风险"),
    ("RW-2026-003", "柴桑区中心幼儿园周边餐饮油烟扰民", "complaint", None, "AIR-ZXYEY", "区城管局",
     "2026-06-08", "2026-07-08", "2026-07-02", "12369举报：幼儿园周边餐饮店油烟未经净化直排"),
    ("RW-2026-004", "港口街镇采石场扬尘防治措施不到位", "inspection", "港口街镇", None, "港口街镇人民政府",
     "2026-07-14", "2026-09-15", "2026-09-10", "破碎车间未封闭，道路未硬化"),
    ("RW-2026-005", "新塘乡农村生活污水处理设施停运", "inspection", "新塘乡", None, "区农业农村局",
     "2026-09-09", "2026-11-15", "", "村级污水处理设施停运，出水未处理直排"),
    ("RW-2026-006", "沙城工业园企业夜间异味扰民", "complaint", None, "PARK-01", "柴桑生态环境局执法大队",
     "2026-10-12", "2026-11-20", "", "12369举报：工业园区夜间刺激性异味"),
    ("RW-2026-007", "赤湖工业园雨水排口异常排水", "complaint", None, "PARK-02", "沿江新材料产业发展中心",
     "2026-10-21", "2026-12-15", "", "群众反映雨水排口晴天排水，颜色异常"),
    ("RW-2026-008", "江新洲岛船舶生活垃圾接收设施未建成", "inspection_central", None, "SHIP-01", "江洲镇人民政府",
     "2026-03-30", "2026-12-31", "", "督察交办：江新洲岛船舶污染物接收设施建设滞后"),
    ("RW-2026-009", "新合镇家具厂违规露天喷漆", "complaint", "新合镇", None, "新合镇人民政府",
     "2026-10-27", "2027-01-31", "", "12369举报：家具厂在厂房外露天喷漆"),
)


def task_rows(register: dict[str, Any]) -> list[dict[str, str]]:
    """Tasks with positions: near the related site, or within 600 m of the township seat."""
    rng = _rng(50)
    by_id = {f["properties"]["site_id"]: f for f in register["features"]}
    out = []
    for tid, title, origin, town, site, owner, opened, due, closed, desc in TASKS:
        if site is not None:
            base = representative_point(by_id[site]["geometry"])
            r_min, r_max = 80.0, 350.0
        else:
            assert town is not None
            base = TOWNSHIP_SEATS[town]
            r_min, r_max = 150.0, 600.0
        for _ in range(50):
            ang = float(rng.uniform(0, 2 * math.pi))
            r = float(rng.uniform(r_min, r_max))
            lon = base[0] + r * math.cos(ang) / (111320 * math.cos(math.radians(base[1])))
            lat = base[1] + r * math.sin(ang) / 110570
            expected = town or by_id[str(site)]["properties"]["township"]
            if township_of(lon, lat) == expected:
                break
        else:  # pragma: no cover - the seats are far apart
            raise AssertionError(f"无法为任务 {tid} 找到落在{expected}的位置")
        out.append({
            "task_id": tid, "title": title, "origin": origin, "site_id": site or "", "lon": _fmt(lon, 5),
            "lat": _fmt(lat, 5), "township": expected, "owner": owner, "opened": opened, "due": due,
            "closed": closed, "description": desc,
        })
    return out


# ------------------------------------------------------------------------------------------------ writers


def _csv_text(columns: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(columns))
    w.writerows(rows)
    return buf.getvalue()


def measurement_rows(register: dict[str, Any]) -> list[Row]:
    """All measurement rows, sorted by site, time and parameter."""
    rows = water_section_rows() + drinking_rows(register) + air_rows() + effluent_rows()
    rows = [r for r in rows if START.isoformat() <= r[1] <= END.isoformat()]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def geojson_text(fc: dict[str, Any]) -> str:
    """FeatureCollection text: one feature per line, UTF-8 Chinese, CRS member naming EPSG:4490."""
    head = {"type": "FeatureCollection", "name": fc["name"], "crs": CRS_MEMBER}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]]
    return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":[\n' + ",\n".join(
        lines
    ) + "\n]}\n"


def write_gzip(path: Path, text: str) -> None:
    """Gzip without a file name and with mtime 0, so that output is byte-stable."""
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))


def generate(out_dir: Path = OUT_DIR) -> dict[str, Path]:
    """Write the four sample files into ``out_dir``; return their paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    register = build_register()
    paths = {
        "sites": out_dir / "sites.geojson",
        "measurements": out_dir / "measurements.csv.gz",
        "project_progress": out_dir / "project_progress.csv",
        "tasks": out_dir / "tasks.csv",
    }
    paths["sites"].write_text(geojson_text(register), encoding="utf-8")
    write_gzip(paths["measurements"], _csv_text(MEAS_COLUMNS, measurement_rows(register)))
    paths["project_progress"].write_text(_csv_text(PROGRESS_COLUMNS, PROGRESS), encoding="utf-8")
    task_table = ([t[c] for c in TASK_COLUMNS] for t in task_rows(register))
    paths["tasks"].write_text(_csv_text(TASK_COLUMNS, task_table), encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成示例数据（固定随机种子，可重复）")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="输出目录（默认 data/sample/）")
    args = ap.parse_args(argv)
    for name, path in generate(args.out).items():
        print(f"{name}: {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
