"""Monitoring sheets: long and wide forms, units, detection limits, duplicates and validation."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from ingest.errors import ImportRefusedError
from ingest.sheets import OUTPUT_COLUMNS, parse_sheet, parse_time


def csv(rows: list[list[object]]) -> bytes:
    return "".join(",".join("" if v is None else str(v) for v in r) + "\n" for r in rows).encode("utf-8")


LONG = ["点位编号", "日期", "监测项目", "监测值", "单位"]


def test_long_form_contract_columns() -> None:
    res = parse_sheet(csv([LONG, ["W", "2026-10-15", "总磷", "41", "µg/L"]]), filename="s.csv")
    assert res.ok
    df = res.data
    assert list(df.columns) == OUTPUT_COLUMNS
    row = df.iloc[0]
    assert (row.site_id, row.time, row.param, row.unit, row.source) == ("W", "2026-10-15", "TP", "mg/L", "manual")
    assert row.value == pytest.approx(0.041)
    assert row.raw == "0.041"  # raw is rewritten in the canonical unit so compliance can re-parse it


def test_detection_limit_converted_keeps_notation() -> None:
    res = parse_sheet(csv([LONG, ["W", "2026-10-15", "总磷", "10L", "µg/L"]]), filename="s.csv")
    row = res.data.iloc[0]
    assert row.raw == "0.01L"
    assert row.value == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("cell", "iso"),
    [
        ("2026-10-15", "2026-10-15"),
        ("2026/10/5", "2026-10-05"),
        ("2026年10月15日", "2026-10-15"),
        ("20261015", "2026-10-15"),
        ("2026.10.15", "2026-10-15"),
        ("2026-10-15 14:00", "2026-10-15 14:00"),
        (dt.datetime(2026, 10, 15), "2026-10-15"),
        (46310.0, "2026-10-15"),
        ("2026年10月", "2026-10-01"),
    ],
)
def test_time_spellings(cell: object, iso: str) -> None:
    t = parse_time(cell)
    assert t is not None
    assert t.text == iso


@pytest.mark.parametrize("cell", ["2026-13-01", "昨天", "2026-02-30", "15/10/2026"])
def test_bad_times(cell: str) -> None:
    assert parse_time(cell) is None


def test_duplicate_policies() -> None:
    rows = [LONG, ["W", "2026-10-15", "氨氮", "0.2", "mg/L"], ["W", "2026-10-15", "氨氮", "0.3", "mg/L"]]
    rejected = parse_sheet(csv(rows), filename="s.csv")
    assert [e.row for e in rejected.errors] == [3]
    with pytest.raises(ImportRefusedError):
        _ = rejected.data
    kept = parse_sheet(csv(rows), filename="s.csv", duplicates="keep").data
    replaced = parse_sheet(csv(rows), filename="s.csv", duplicates="replace").data
    assert list(kept["value"]) == [0.2]
    assert list(replaced["value"]) == [0.3]


def test_unknown_sites_and_names() -> None:
    rows = [
        ["点位名称", "日期", "监测项目", "监测值"],
        ["赛城湖口", "2026-10-15", "氨氮", "0.2"],
        ["某地", "2026-10-15", "氨氮", "0.2"],
    ]
    res = parse_sheet(csv(rows), filename="s.csv", known_ids={"W-SCHK"}, name_to_id={"赛城湖口": "W-SCHK"})
    assert [e.row for e in res.errors] == [3]
    assert list(res.preview["site_id"]) == ["W-SCHK"]


def test_impossible_values_rejected_with_rows() -> None:
    rows = [
        LONG,
        ["W", "2026-10-15", "pH", "15", ""],
        ["W", "2026-10-15", "总氮", "-1", "mg/L"],
        ["W", "2026-10-15", "氨氮", "abc", "mg/L"],
        ["W", "2026-10-15", "氨氮", "", "mg/L"],
    ]
    res = parse_sheet(csv(rows), filename="s.csv")
    assert sorted(e.row for e in res.errors) == [2, 3, 4, 5]


def test_wide_form_with_group_header_unit_and_source_column() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年10月空气质量日报"])
    ws.append(["站点编号", "监测日期", "污染物浓度(µg/m³)", None, "一氧化碳(mg/m³)", "数据来源"])
    ws.append([None, None, "PM2.5", "二氧化硫", None, None])
    ws.merge_cells("C2:D2")
    ws.append(["AIR-1", dt.datetime(2026, 10, 1), 35, 8, 0.6, "自动"])
    ws.append(["AIR-1", dt.datetime(2026, 10, 2), "—", 9, 0.7, "自动"])
    buf = io.BytesIO()
    wb.save(buf)
    res = parse_sheet(buf.getvalue(), filename="air.xlsx")
    assert res.ok, [str(i) for i in res.issues]
    df = res.data
    assert len(df) == 5
    assert set(df["source"]) == {"auto"}
    assert df[(df.param == "PM2_5")]["value"].tolist() == [35]
    assert df[(df.param == "CO")]["unit"].iloc[0] == "mg/m³"
    assert list(df.index[:3]) == [4, 4, 4]


def test_wide_column_without_unit_is_warned() -> None:
    res = parse_sheet(csv([["点位编号", "日期", "总磷"], ["W", "2026-10-15", "0.05"]]), filename="s.csv")
    assert res.ok
    assert any("未注明单位" in str(w) for w in res.warnings)


def test_missing_columns_are_errors() -> None:
    res = parse_sheet(csv([["点位编号", "监测项目", "监测值"], ["W", "氨氮", "1"]]), filename="s.csv")
    assert any("日期" in str(e) for e in res.errors)
