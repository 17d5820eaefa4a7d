"""Fuzzing: no input may make the parsers raise anything but the project's own error family.

The inner functions are fuzzed too (``geo.io._read_vector``, ``ingest.*._parse``), i.e. without the
public functions' last-resort wrapping, so that the wrapping is not what makes these tests pass.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import io as gio
from ingest import registers, sheets
from ingest.dms import parse_angle
from ingest.errors import IMPORT_ERRORS, DMSParseError, ImportResult, Issues
from ingest.tabular import read_table

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = {
    name: (DATA / name).read_bytes()
    for name in (
        "good/official_townships_zone39.zip",
        "bad/folders_extdata.kml",
        "bad/out_of_district.geojson",
        "good/register_dms.xlsx",
        "good/monthly_wide.xlsx",
        "bad/sheet_mixed_units.csv",
        "bad/plain.kmz",
    )
}
#: ``FUZZ_EXAMPLES=2000 pytest tests/ingest/test_fuzz.py`` for a longer hunt.
FAST = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


def survives(fn: Callable[[], Any]) -> None:
    with contextlib.suppress(IMPORT_ERRORS):
        fn()


def vector_inner(data: bytes, name: str) -> None:
    survives(lambda: gio._read_vector(data, name, None, None, None, "auto", False, None, None, None, 10_000_000))


def register_inner(data: bytes, name: str) -> None:
    survives(lambda: registers._parse(read_table(data, filename=name), "cgcs2000", None))


def sheet_inner(data: bytes, name: str) -> None:
    def run() -> None:
        table = read_table(data, filename=name)
        ctx = sheets._Ctx(Issues(name), {"W-01"}, {}, "manual")
        assert isinstance(sheets._parse(table, "auto", "reject", ctx), ImportResult)

    survives(run)


EXTS = st.sampled_from([".zip", ".kml", ".kmz", ".geojson", ".gpkg", ".shp", ".csv", ".xlsx", ".xls", ""])


@FAST
@given(data=st.binary(max_size=3000), ext=EXTS)
def test_random_bytes(data: bytes, ext: str) -> None:
    vector_inner(data, f"f{ext}")
    register_inner(data, f"f{ext}")
    sheet_inner(data, f"f{ext}")


@FAST
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6),
    truncate=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_mutated_valid_files(seed: str, cuts: list[tuple[int, bytes]], truncate: int | None) -> None:
    data = bytearray(SEEDS[seed])
    for pos, chunk in cuts:
        p = pos % len(data)
        data[p : p + len(chunk)] = chunk
    if truncate is not None:
        data = data[: truncate % (len(data) + 1)]
    blob = bytes(data)
    name = Path(seed).name
    if seed.endswith((".zip", ".kml", ".kmz", ".geojson")):
        vector_inner(blob, name)
    else:
        register_inner(blob, name)
        sheet_inner(blob, name)


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "115°57′30.5″",
            "29:39:15",
            "ND",
            "0.01L",
            "<0.5",
            "-1",
            "Ⅲ类",
            "断面",
            "2026-10-15",
            "2026年13月",
            "µg/L",
            "nan",
            "inf",
            "1e308",
            "=A1",
            "个/100mL",
            "",
            "∞",
        ]
    ),
)


def to_csv(rows: list[list[str]]) -> bytes:
    def q(v: str) -> str:
        return '"' + v.replace('"', '""') + '"'

    return "\n".join(",".join(q(v) for v in r) for r in rows).encode("utf-8")


@FAST
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=7), min_size=1, max_size=6))
def test_random_cells_under_real_headers(rows: list[list[str]]) -> None:
    reg = to_csv([["编号", "名称", "类型", "乡镇", "经度", "纬度", "水质目标"], *rows])
    register_inner(reg, "r.csv")
    long = to_csv([["点位编号", "日期", "监测项目", "监测值", "单位"], *rows])
    sheet_inner(long, "s.csv")
    wide = to_csv([["点位编号", "日期", "总磷(µg/L)", "pH", "氨氮（mg/L）", "PM2.5"], *rows])
    sheet_inner(wide, "w.csv")
    reg_xy = to_csv([["编号", "名称", "类型", "X", "Y"], *rows])
    register_inner(reg_xy, "xy.csv")


@FAST
@given(
    props=st.dictionaries(st.text(max_size=6), st.one_of(st.text(max_size=8), st.floats(), st.none()), max_size=4),
    coords=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=6),
    gtype=st.sampled_from(["Point", "LineString", "Polygon", "MultiPoint", "Bogus"]),
)
def test_random_geojson(props: dict[str, Any], coords: list[float], gtype: str) -> None:
    pairs = [coords[i : i + 2] for i in range(0, len(coords) - 1, 2)]
    geom_coords: Any = pairs[0] if gtype == "Point" and pairs else [pairs] if gtype == "Polygon" else pairs
    doc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": props, "geometry": {"type": gtype, "coordinates": geom_coords}}],
    }
    vector_inner(json.dumps(doc, ensure_ascii=False, allow_nan=True).encode("utf-8"), "g.geojson")


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.text(max_size=20))
def test_dms_random_text(text: str) -> None:
    try:
        a = parse_angle(text)
    except DMSParseError:
        return
    assert a.degrees == a.degrees  # never NaN
