"""Hostile text in every spreadsheet and CSV the app writes: route sheet, 公示表, Excel templates.

A text beginning with = + - @ tab or CR must not be a live formula: xlsx cells are string cells with the quote
prefix (text unchanged), CSV cells get a leading '.  Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from ingest.templates import register_template, sheet_template
from planning.draw import DrawResult, draw, publication_csv, publication_xlsx
from planning.export import Stop, route_xlsx

HOSTILE = ['=HYPERLINK("http://203.0.113.9/x","点击领取")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1:A9)",
           "\t=1+1"]


def no_formulas(data: bytes) -> dict[str, list[list[object]]]:
    """Every sheet's values by sheet title; fails when any cell of the file is a formula (parsed cells and raw XML)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(name)), f"formula element in {name}"
    wb = load_workbook(io.BytesIO(data))
    sheets: dict[str, list[list[object]]] = {}
    for ws in wb.worksheets:
        rows = sheets.setdefault(ws.title, [])
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t")):
                    assert c.quotePrefix, f"{ws.title}!{c.coordinate} lacks the quote prefix"
            rows.append([c.value for c in row])
    return sheets


def hostile_stops() -> list[Stop]:
    return [Stop(seq=i + 1, day=1, site_id=f"S-{i}", name=text, lon=115.9 + i / 100, lat=-29.6 + i / 100,
                 kind_label="企业", township=text, status_label="超标", leg_m=1200.0 * i, arrive_min=30.0 * i)
            for i, text in enumerate(HOSTILE)]


def test_route_sheet_writes_hostile_names_as_text_and_numbers_as_numbers() -> None:
    rows = no_formulas(route_xlsx(hostile_stops(), title="=1+1 路线单", subtitle="@编制"))["路线单"]
    assert rows[0][0] == "=1+1 路线单" and rows[1][0] == "@编制"
    body = rows[3:]
    assert [r[3] for r in body] == HOSTILE  # 名称, exactly as typed
    assert [r[5] for r in body] == HOSTILE  # 乡镇
    lat = [r[8] for r in body]
    assert all(isinstance(v, float) and v < 0 for v in lat)  # a negative number stays a number


@pytest.fixture
def hostile_draw() -> DrawResult:
    population = pd.DataFrame({"site_id": [f"E-{i}" for i in range(len(HOSTILE))], "name": HOSTILE,
                               "kind": "enterprise", "township": HOSTILE})
    return draw(population, who="=cmd|' /C calc'!A0", seed=7, fraction=1.0,
                inspectors=["-张三", "@李四"], strata=("kind",))


def test_publication_xlsx_writes_hostile_text_as_text(hostile_draw: DrawResult) -> None:
    sheets = no_formulas(publication_xlsx(hostile_draw))
    rows = sheets["抽查结果"]
    names = [str(r[1]) for r in rows[2:]]
    assert sorted(names) == sorted(HOSTILE)
    assert all(r[10] == "=cmd|' /C calc'!A0" for r in rows[2:])  # 抽取人
    assert all(isinstance(r[0], int) for r in rows[2:])  # 序号 stays a number
    params = {r[0]: r[1] for r in sheets["抽取参数"]}
    assert params["抽取人"] == "=cmd|' /C calc'!A0"


def test_publication_csv_prefixes_formula_like_text(hostile_draw: DrawResult) -> None:
    data = publication_csv(hostile_draw).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    header, body = rows[0], rows[1:]
    col = header.index("抽查对象")
    assert sorted(r[col] for r in body) == sorted("'" + t for t in HOSTILE)
    assert {r[header.index("抽取人")] for r in body} == {"'=cmd|' /C calc'!A0"}
    assert {r[header.index("序号")] for r in body} == {str(i) for i in range(1, len(HOSTILE) + 1)}


@pytest.mark.parametrize("data", [register_template(), sheet_template("long"), sheet_template("wide")],
                         ids=["register", "long", "wide"])
def test_templates_hold_no_formula(data: bytes) -> None:
    sheets = no_formulas(data)
    assert sum(len(rows) for rows in sheets.values()) > 3
