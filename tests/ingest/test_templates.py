"""Downloadable templates: Chinese headers, 示例 rows, a 说明 sheet, and a clean round trip."""

from __future__ import annotations

import io

import openpyxl
import pytest

from ingest.registers import parse_register
from ingest.sheets import parse_sheet
from ingest.templates import register_template, sheet_template


def test_register_template_round_trip() -> None:
    data = register_template()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["点位台账", "说明"]
    assert [c.value for c in wb["点位台账"][1]][:6] == ["点位编号", "点位名称", "类型", "乡镇", "经度", "纬度"]
    res = parse_register(data, filename="点位台账模板.xlsx")
    assert res.issues == []
    df = res.data
    assert len(df) == 3
    assert df["sample"].all()
    assert all(str(n).startswith("示例") for n in df["name"])


@pytest.mark.parametrize(("kind", "rows"), [("long", 4), ("wide", 20)])
def test_sheet_template_round_trip(kind: str, rows: int) -> None:
    data = sheet_template(kind)  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert "说明" in wb.sheetnames
    res = parse_sheet(data, filename="模板.xlsx")
    assert res.issues == []
    assert len(res.data) == rows
    assert all(str(s).startswith("示例") for s in res.data["site_id"])


def test_unknown_template_kind() -> None:
    with pytest.raises(ValueError, match="未知的模板类型"):
        sheet_template("diagonal")  # type: ignore[arg-type]
