"""Site registers: headers, coordinates, offsets, validation and the all-or-nothing result."""

from __future__ import annotations

import io

import openpyxl
import pytest
from shapely.geometry import Point

from geo.crs import distance_m, transformer
from geo.offset import wgs84_to_bd09, wgs84_to_gcj02
from ingest.errors import ImportRefusedError, TableReadError
from ingest.registers import CONTRACT_COLUMNS, kind_code, parse_register, target_class

P1 = (115.8905, 29.7205)
P2 = (115.7696, 29.6009)


def csv(rows: list[list[object]]) -> bytes:
    return "".join(",".join("" if v is None else str(v) for v in r) + "\n" for r in rows).encode("utf-8")


HEAD = ["编号", "名称", "类型", "乡镇", "经度", "纬度"]


def test_contract_columns_and_index_are_excel_rows() -> None:
    res = parse_register(
        csv([HEAD, ["A", "甲", "断面", "沙河街道", *P1], ["B", "乙", "空气站", "新塘乡", *P2]]), filename="r.csv"
    )
    assert res.ok
    df = res.data
    assert list(df.columns) == [*CONTRACT_COLUMNS, "geometry"]
    assert list(df.index) == [2, 3]
    assert list(df["kind"]) == ["water_section", "air_station"]
    assert df.crs.to_epsg() == 4490


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("断面", "water_section"),
        ("地表水断面", "water_section"),
        ("饮用水源", "drinking_source"),
        ("集中式饮用水水源地", "drinking_source"),
        ("空气站", "air_station"),
        ("污水处理厂", "wwtp"),
        ("重点项目", "project"),
        ("企业", "enterprise"),
        ("工业园区", "park"),
        ("园区", "park"),
        ("船舶污染物接收点", "ship_waste"),
        ("wwtp", "wwtp"),
    ],
)
def test_kind_names(text: str, code: str) -> None:
    assert kind_code(text) == code


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("Ⅲ", 3),
        ("III", 3),
        ("3", 3),
        ("三类", 3),
        ("Ⅲ类", 3),
        ("II类", 2),
        (3.0, 3),
        ("Ⅴ", 5),
        ("地表水Ⅳ类", 4),
        ("六类", None),
        ("Ⅲ-Ⅳ", None),
        (7, None),
    ],
)
def test_target_class_spellings(text: object, cls: int | None) -> None:
    assert target_class(text) == cls


def test_swapped_columns_fixed_with_warning() -> None:
    res = parse_register(csv([HEAD, ["A", "甲", "断面", None, P1[1], P1[0]]]), filename="r.csv")
    assert res.ok
    assert res.data.geometry.iloc[0].equals(Point(P1))
    assert any("填反" in str(w) for w in res.warnings)


def test_axis_prefix_decides_swap() -> None:
    res = parse_register(
        csv([HEAD, ["A", "甲", "断面", None, "北纬29°43′13.8″", "东经115°53′25.8″"]]), filename="r.csv"
    )
    assert res.ok
    assert res.data.geometry.iloc[0].x == pytest.approx(115.8905, abs=1e-6)


@pytest.mark.parametrize(("system", "forward"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_offset_sources_converted_back(system: str, forward: object) -> None:
    lon, lat = forward(*P1)  # type: ignore[operator]
    res = parse_register(
        csv([HEAD, ["A", "甲", "断面", None, f"{lon:.8f}", f"{lat:.8f}"]]), filename="r.csv", coord_system=system
    )  # type: ignore[arg-type]
    assert res.ok
    assert distance_m(res.data.geometry.iloc[0], Point(P1)) < 0.1
    unshifted = parse_register(csv([HEAD, ["A", "甲", "断面", None, f"{lon:.8f}", f"{lat:.8f}"]]), filename="r.csv")
    assert distance_m(unshifted.data.geometry.iloc[0], Point(P1)) > 100


def test_xy_columns_are_northing_then_easting() -> None:
    e, n = transformer(4490, 4548).transform(*P1)
    rows = [["编号", "名称", "类型", "X", "Y"], ["A", "甲", "断面", f"{n:.3f}", f"{e:.3f}"]]
    res = parse_register(csv(rows), filename="r.csv", xy_crs=4548)
    assert res.ok
    assert distance_m(res.data.geometry.iloc[0], Point(P1)) < 0.01
    detected = parse_register(csv(rows), filename="r.csv")
    assert distance_m(detected.data.geometry.iloc[0], Point(P1)) < 0.01
    assert any("EPSG:4548" in str(w) for w in detected.warnings)


def test_errors_refuse_the_whole_file() -> None:
    rows = [
        HEAD,
        ["A", "甲", "断面", None, *P1],
        ["A", "乙", "断面", None, *P2],
        ["C", "", "断面", None, *P2],
        ["D", "丁", "加油站", None, *P2],
        ["E", "戊", "断面", None, "abc", P2[1]],
    ]
    res = parse_register(csv(rows), filename="r.csv")
    assert not res.ok
    by_row = {(i.row, i.field) for i in res.errors}
    assert {(3, "site_id"), (4, "name"), (5, "kind"), (6, "经度")} <= by_row
    with pytest.raises(ImportRefusedError) as info:
        _ = res.data
    assert "未保存任何数据" in str(info.value)
    assert len(res.preview) == 5  # the preview stays available for the UI


def test_missing_coordinate_columns_is_an_error() -> None:
    res = parse_register(csv([["编号", "名称", "类型"], ["A", "甲", "断面"]]), filename="r.csv")
    assert not res.ok
    assert any("缺少坐标列" in str(e) for e in res.errors)


def test_title_row_and_township_prefix() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["柴桑区点位台账"])
    ws.append(["点位编号", "点位名称", "点位类型", "所在乡镇", "东经", "北纬", "控制级别", "水体类型", "监测频次"])
    ws.append(["A", "甲", "断面", "港口街", *P1, "国家级", "河流型水库", "每月"])
    buf = io.BytesIO()
    wb.save(buf)
    res = parse_register(buf.getvalue(), filename="t.xlsx")
    assert res.ok, [str(i) for i in res.issues]
    row = res.data.iloc[0]
    assert (row["township"], row["control_level"], row["water_body"], row["monitoring_freq"]) == (
        "港口街镇",
        "国控",
        "river",
        "monthly",
    )
    assert res.data.index[0] == 3


def test_unreadable_table_raises() -> None:
    with pytest.raises(TableReadError):
        parse_register(b"\x00\x01\x02" * 100, filename="x.csv")
    with pytest.raises(TableReadError):
        parse_register(csv([["a", "b"], ["1", "2"]]), filename="x.csv", coord_system="utm")  # type: ignore[arg-type]
