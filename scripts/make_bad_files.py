"""Generate the import catalogue: bad or awkward files plus three good reference files.

Writes tests/data/bad/* and tests/data/good/* (all small) and tests/data/manifest.json, which states for
each file the parser, its arguments and the expected outcome:

* ``ok``      — imports; ``count`` features/rows; every string of ``warnings`` occurs in some warning;
* ``refused`` — parses but the result has errors (nothing may be stored); ``errors`` lists
  ``[row, substring]`` pairs (row None = any row) that must occur among the errors;
* ``raise``   — raises ``error`` (a class of the project's error family) whose message contains ``message``.

Run:  .venv/bin/python scripts/make_bad_files.py
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
from shapely.geometry import LineString, Point, Polygon

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.dms import format_dms  # noqa: E402

DATA = ROOT / "tests" / "data"
BAD = DATA / "bad"
GOOD = DATA / "good"
MANIFEST: list[dict[str, Any]] = []
FIXED_TIME = dt.datetime(2026, 11, 1, 9, 0, 0)

# Points inside the district (checked against data/boundaries/district.geojson by the tests).
INSIDE = [(115.8905, 29.7205), (115.7696, 29.6009), (115.70, 29.55), (115.80, 29.65), (115.75, 29.45)]
OUTSIDE = (114.30, 30.60)  # Wuhan


def entry(path: Path, parser: str, expect: str, **kw: Any) -> None:
    MANIFEST.append({"file": str(path.relative_to(DATA)), "parser": parser, "expect": expect, **kw})


# --- helpers ----------------------------------------------------------------------------------------------


def shp_parts(gdf: gpd.GeoDataFrame, encoding: str, *, crs_out: int | None) -> dict[str, bytes]:
    """Shapefile parts (ext → bytes) written by GDAL; ``crs_out`` None writes no .prj."""
    with tempfile.TemporaryDirectory() as tmp:
        frame = gdf.to_crs(crs_out) if crs_out else gdf
        frame.to_file(Path(tmp) / "layer.shp", encoding=encoding, engine="pyogrio")
        return {p.suffix.lower(): p.read_bytes() for p in Path(tmp).iterdir()}


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def shp_zip(path: Path, stem: str, parts: dict[str, bytes], drop: tuple[str, ...] = ()) -> None:
    write_zip(path, {f"{stem}{ext}": data for ext, data in sorted(parts.items()) if ext not in drop})


def set_ldid(dbf: bytes, ldid: int) -> bytes:
    return dbf[:29] + bytes([ldid]) + dbf[30:]


def xlsx(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = (), title: str = "Sheet1") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(path)


def csv_bytes(rows: list[list[Any]]) -> str:
    return "".join(",".join("" if v is None else str(v) for v in r) + "\n" for r in rows)


def sites_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "名称": ["赛城湖口", "沙河水厂", "测试点三"],
            "编号": ["一号", "二号", "三号"],
            "类型": ["断面", "水源地", "企业"],
        },
        geometry=[Point(p) for p in INSIDE[:3]],
        crs=4490,
    )


# --- vector files -------------------------------------------------------------------------------------------


def vector_files() -> None:
    pts = sites_frame()
    gbk39 = shp_parts(pts, "gbk", crs_out=4527)

    p = BAD / "corrupt.zip"
    buf = io.BytesIO()
    shp_zip(Path(tempfile.gettempdir()) / "_tmp_ok.zip", "sites", gbk39)
    full = (Path(tempfile.gettempdir()) / "_tmp_ok.zip").read_bytes()
    os.remove(Path(tempfile.gettempdir()) / "_tmp_ok.zip")
    p.write_bytes(full[: len(full) // 2])
    entry(p, "vector", "raise", error="CorruptFileError", message="压缩包")
    del buf

    p = BAD / "missing_shx.zip"
    shp_zip(p, "sites", gbk39, drop=(".shx",))
    entry(p, "vector", "raise", error="MissingPartError", message=".shx")

    p = BAD / "gbk_no_cpg.zip"
    shp_zip(p, "sites", gbk39, drop=(".cpg",))
    entry(p, "vector", "ok", count=3, warnings=["GBK/GB18030", "按内容判断"], columns={"名称": "赛城湖口"})

    p = BAD / "gbk_ldid_byte.zip"
    parts = dict(gbk39)
    parts[".dbf"] = set_ldid(parts[".dbf"], 0x4D)
    shp_zip(p, "sites", parts, drop=(".cpg",))
    entry(p, "vector", "ok", count=3, warnings=["代码页标记"], columns={"名称": "赛城湖口"})

    p = BAD / "utf8_no_cpg.zip"
    shp_zip(p, "sites", shp_parts(pts, "utf-8", crs_out=4527), drop=(".cpg",))
    entry(p, "vector", "ok", count=3, warnings=["UTF-8"], columns={"名称": "赛城湖口"})

    p = BAD / "no_prj.zip"
    shp_zip(p, "sites", gbk39, drop=(".prj",))
    entry(p, "vector", "raise", error="CRSNotDeterminedError", message="EPSG:4527")

    p = BAD / "no_prj_confirmed.zip"
    shp_zip(p, "sites", gbk39, drop=(".prj",))
    entry(p, "vector", "ok", kwargs={"crs": 4527}, count=3, warnings=[], columns={"名称": "赛城湖口"})

    p = BAD / "gk_cm117_plain.zip"
    shp_zip(p, "sites", shp_parts(pts, "gbk", crs_out=4548))
    entry(p, "vector", "ok", count=3, warnings=[], columns={"名称": "赛城湖口"})

    p = BAD / "gk_cm117_no_prj.zip"
    shp_zip(p, "sites", shp_parts(pts, "gbk", crs_out=4548), drop=(".prj",))
    entry(p, "vector", "raise", error="CRSNotDeterminedError", message="EPSG:4548")

    p = BAD / "xian80_zone39.zip"
    shp_zip(p, "sites", shp_parts(pts, "gbk", crs_out=2363))
    entry(p, "vector", "ok", count=3, warnings=["旧坐标系", "位置近似"], attrs={"datum_approximate": True})

    p = BAD / "beijing54_cm117.zip"
    shp_zip(p, "sites", shp_parts(pts, "gbk", crs_out=2436))
    entry(p, "vector", "ok", count=3, warnings=["旧坐标系"], attrs={"datum_approximate": True})

    p = BAD / "beijing54_with_7params.zip"
    shp_zip(p, "sites", shp_parts(pts, "gbk", crs_out=2436))
    entry(
        p,
        "vector",
        "ok",
        kwargs={"towgs84": [-15.0, 150.0, 50.0, 0.0, 0.0, 0.0, 0.0]},
        count=3,
        warnings=["七参数"],
        attrs={"datum_approximate": False},
    )

    p = BAD / "swapped_axes_no_prj.zip"
    sw = pts.to_crs(4548)
    sw = sw.set_geometry([Point(g.y, g.x) for g in sw.geometry])
    shp_zip(p, "sites", shp_parts(sw.set_crs(None, allow_override=True), "gbk", crs_out=None), drop=(".prj",))
    entry(p, "vector", "raise", error="CRSNotDeterminedError", message="坐标轴顺序颠倒")

    p = BAD / "prj_disagrees.zip"
    wrong = shp_parts(pts, "gbk", crs_out=4527)
    wrong[".prj"] = shp_parts(pts, "gbk", crs_out=4548)[".prj"]
    shp_zip(p, "sites", wrong)
    entry(p, "vector", "raise", error="CRSNotDeterminedError", message="不符")

    p = BAD / "two_layers.zip"
    write_zip(p, {**{f"a{e}": d for e, d in gbk39.items()}, **{f"b{e}": d for e, d in gbk39.items()}})
    entry(p, "vector", "raise", error="LayerChoiceError", message="多个图层")

    p = BAD / "lone.shp"
    p.write_bytes(gbk39[".shp"])
    entry(p, "vector", "raise", error="MissingPartError", message=".shx")

    p = BAD / "invalid_bowtie.geojson"
    bowtie = Polygon([(115.70, 29.50), (115.80, 29.60), (115.80, 29.50), (115.70, 29.60), (115.70, 29.50)])
    gpd.GeoDataFrame({"名称": ["自相交面"]}, geometry=[bowtie], crs=4490).to_file(p, driver="GeoJSON")
    entry(p, "vector", "ok", count=1, warnings=["已自动修复"], attrs={"repaired_count": 1})

    p = BAD / "out_of_district.geojson"
    gpd.GeoDataFrame(
        {"名称": ["区内一", "区内二", "武汉"]}, geometry=[Point(INSIDE[0]), Point(INSIDE[1]), Point(OUTSIDE)], crs=4490
    ).to_file(p, driver="GeoJSON")
    entry(p, "vector", "ok", count=3, warnings=["区界之外"], attrs={"outside_count": 1})

    p = BAD / "html_names.geojson"
    gpd.GeoDataFrame(
        {"名称": ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]},
        geometry=[Point(INSIDE[0]), Point(INSIDE[1])],
        crs=4490,
    ).to_file(p, driver="GeoJSON")
    entry(p, "vector", "ok", count=2, warnings=["HTML"])

    p = BAD / "gk_geojson_no_crs.geojson"
    gk = pts.to_crs(4527)
    feats = [
        {"type": "Feature", "properties": {"名称": n}, "geometry": {"type": "Point", "coordinates": [g.x, g.y]}}
        for n, g in zip(gk["名称"], gk.geometry, strict=True)
    ]
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
    entry(p, "vector", "raise", error="CRSNotDeterminedError", message="EPSG:4527")

    p = BAD / "empty.geojson"
    p.write_bytes(b"")
    entry(p, "vector", "raise", error="EmptyFileError", message="为空")

    p = BAD / "no_features.geojson"
    p.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    entry(p, "vector", "raise", error="EmptyFileError", message="没有任何要素")

    p = BAD / "junk.bin"
    p.write_bytes(random.Random(7).randbytes(2048))
    entry(p, "vector", "raise", error="UnsupportedFormatError", message="无法识别")

    p = BAD / "geojson_named.kml"
    p.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"名称": "甲"},
                        "geometry": {"type": "Point", "coordinates": list(INSIDE[0])},
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    entry(p, "vector", "ok", count=1, warnings=["扩展名"])

    p = BAD / "oversized.geojson"
    big = gpd.GeoDataFrame({"名称": [f"点{i}" for i in range(40)]}, geometry=[Point(INSIDE[0])] * 40, crs=4490)
    big.to_file(p, driver="GeoJSON")
    entry(p, "vector", "raise", kwargs={"max_bytes": 1000}, error="FileTooLargeError", message="超过上限")

    p = BAD / "two_layers.gpkg"
    with tempfile.TemporaryDirectory() as tmp:
        g = Path(tmp) / "x.gpkg"
        pts.to_file(g, layer="点位", driver="GPKG")
        gpd.GeoDataFrame({"名称": ["河段"]}, geometry=[LineString([INSIDE[0], INSIDE[1]])], crs=4490).to_file(
            g, layer="河段", driver="GPKG"
        )
        p.write_bytes(g.read_bytes())
    entry(p, "vector", "raise", error="LayerChoiceError", message="多个图层")
    entry(p, "vector", "ok", kwargs={"layer": "河段"}, count=1, warnings=[], columns={"名称": "河段"})

    p = BAD / "truncated.gpkg"
    p.write_bytes((BAD / "two_layers.gpkg").read_bytes()[:3000])
    entry(p, "vector", "raise", error="CorruptFileError", message="损坏")

    kml_files()


KML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>{}</name>\n'
)


def placemark(name: str, lon: float, lat: float, ext: dict[str, str]) -> str:
    data = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in ext.items())
    return (
        f"<Placemark><name>{name}</name><ExtendedData>{data}</ExtendedData>"
        f"<Point><coordinates>{lon:.7f},{lat:.7f},0</coordinates></Point></Placemark>\n"
    )


def kml_files() -> None:
    p = BAD / "folders_extdata.kml"
    body = KML_HEAD.format("巡查点位")
    body += "<Folder><name>沙河街道</name>"
    body += placemark("排口一", *INSIDE[0], {"编号": "PK-01", "责任人": "张三"})
    body += "<Folder><name>二级文件夹</name>" + placemark("排口二", *INSIDE[1], {"编号": "PK-02", "责任人": "李四"})
    body += "</Folder></Folder><Folder><name>新塘乡</name>"
    body += placemark("排口三", *INSIDE[2], {"编号": "PK-03", "责任人": "王五"})
    body += "<Placemark><name>无坐标</name></Placemark></Folder></Document></kml>\n"
    p.write_text(body, encoding="utf-8")
    entry(p, "vector", "ok", count=3, warnings=["没有几何"], columns={"编号": "PK-01", "folder": "沙河街道"})

    from geo.offset import wgs84_to_gcj02

    p = BAD / "ovital_gcj02.kml"
    body = KML_HEAD.format("奥维互动地图导出") + "<!-- Ovital Map export -->\n"
    for i, (lon, lat) in enumerate(INSIDE[:3]):
        glon, glat = wgs84_to_gcj02(lon, lat)
        body += placemark(f"奥维点{i + 1}", glon, glat, {"备注": "高德坐标"})
    body += "</Document></kml>\n"
    p.write_text(body, encoding="utf-8")
    entry(p, "vector", "ok", count=3, warnings=["GCJ-02"], attrs={"offset": "gcj02"})

    p = BAD / "plain.kmz"
    body = KML_HEAD.format("普通") + placemark("点一", *INSIDE[0], {"编号": "A1"}) + "</Document></kml>\n"
    write_zip(p, {"doc.kml": body.encode("utf-8")})
    entry(p, "vector", "ok", count=1, warnings=[], columns={"编号": "A1"})

    p = BAD / "entity_bomb.kml"
    p.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&b;</name></Document></kml>\n',
        encoding="utf-8",
    )
    entry(p, "vector", "raise", error="UnsafeXMLError", message="DOCTYPE")

    p = BAD / "broken.kml"
    p.write_text(KML_HEAD.format("坏") + "<Placemark><name>x</name><Point><coordinates>115.8", encoding="utf-8")
    entry(p, "vector", "raise", error="CorruptFileError", message="XML")


# --- good reference files -------------------------------------------------------------------------------------


def good_files() -> None:
    towns = gpd.read_file(ROOT / "data" / "boundaries" / "townships.geojson")[["name", "geometry"]]
    towns = towns.rename(columns={"name": "乡镇名称"})
    towns["代码"] = [f"3604040{i:02d}" for i in range(len(towns))]
    parts = shp_parts(towns, "gbk", crs_out=4527)
    parts[".dbf"] = set_ldid(parts[".dbf"], 0x4D)
    p = GOOD / "official_townships_zone39.zip"
    shp_zip(p, "柴桑区乡镇界", parts, drop=(".cpg",))
    entry(p, "vector", "ok", count=len(towns), warnings=["代码页标记"], columns={"乡镇名称": towns["乡镇名称"][0]})

    sites = gpd.read_file(ROOT / "data" / "sample" / "sites.geojson")
    sites = sites[sites.geometry.geom_type == "Point"].head(8)
    kinds = {
        "water_section": "地表水断面",
        "drinking_source": "饮用水源",
        "air_station": "空气站",
        "wwtp": "污水处理厂",
        "project": "重点项目",
        "enterprise": "企业",
        "park": "园区",
        "ship_waste": "船舶污染物接收点",
    }
    spell = [
        lambda d, a: format_dms(d, a).replace("E", "").replace("N", ""),  # 115°57′30.50″
        lambda d, a: format_dms(d, a)[1:].replace("°", "度").replace("′", "分").replace("″", "秒"),
        lambda d, a: format_dms(d, a)[1:].replace("°", ":").replace("′", ":").replace("″", ""),
        lambda d, a: format_dms(d, a)[1:].replace("°", " ").replace("′", " ").replace("″", ""),
        lambda d, a: ("东经" if a == "lon" else "北纬") + format_dms(d, a)[1:],
        lambda d, a: format_dms(d, a).replace("′", "'").replace("″", '"'),
        lambda d, a: format_dms(d, a)[1:] + ("E" if a == "lon" else "N"),
        lambda d, a: f"{d:.7f}",
    ]
    rows: list[list[Any]] = [
        ["柴桑区监测点位台账（度分秒）"],
        ["点位编号", "点位名称", "类型", "乡镇", "经度", "纬度", "水质目标"],
    ]
    for i, (_, s) in enumerate(sites.iterrows()):
        f = spell[i % len(spell)]
        target = ["Ⅲ", "III", "3", "三类", "Ⅲ类", "II", "Ⅱ类", None][i % 8]
        rows.append(
            [
                s["site_id"],
                s["name"],
                kinds[s["kind"]],
                s["township"],
                f(s.geometry.x, "lon"),
                f(s.geometry.y, "lat"),
                target,
            ]
        )
    p = GOOD / "register_dms.xlsx"
    xlsx(p, rows, merges=("A1:G1",), title="点位台账")
    entry(p, "register", "ok", count=len(sites), warnings=[], columns={"site_id": sites["site_id"].iloc[0]})

    rows = [
        ["柴桑区2026年10月地表水环境质量监测月报"],
        [
            "断面编号",
            "断面名称",
            "采样日期",
            "监测项目（mg/L）",
            None,
            None,
            None,
            "pH",
            "粪大肠菌群(个/L)",
            "水质类别",
        ],
        [None, None, None, "溶解氧", "高锰酸盐指数", "氨氮", "总磷", None, None, None],
    ]
    data = [
        ["W-SCHK", "赛城湖口", dt.datetime(2026, 10, 12), 7.9, 3.2, 0.215, 0.041, 7.6, 1300, "Ⅲ"],
        ["W-SCHK", "赛城湖口", dt.datetime(2026, 9, 14), 8.1, 3.0, "0.025L", 0.038, 7.7, 1100, "Ⅱ"],
        ["W-QLS", "青龙寺", "2026年10月13日", 7.2, 4.1, 0.52, 0.09, 7.4, "ND", "Ⅲ"],
        ["W-QLS", "青龙寺", "2026/9/15", 7.5, "—", 0.47, "<0.01", 7.5, 2400, "Ⅲ"],
    ]
    p = GOOD / "monthly_wide.xlsx"
    xlsx(p, rows + data, merges=("A1:J1", "D2:G2", "A2:A3", "B2:B3", "C2:C3", "H2:H3", "I2:I3", "J2:J3"), title="月报")
    entry(p, "sheet", "ok", count=4 * 6 - 1, warnings=[], kwargs={"known_ids": ["W-SCHK", "W-QLS"]})


# --- registers ---------------------------------------------------------------------------------------------

REG_HEAD = ["点位编号", "点位名称", "类型", "乡镇", "经度", "纬度", "水质目标"]


def reg_rows(n: int = 3) -> list[list[Any]]:
    names = ["赛城湖口", "沙河水厂", "狮子工业园"]
    kinds = ["断面", "饮用水源", "园区"]
    return [
        [f"S-{i + 1:02d}", names[i % 3], kinds[i % 3], "沙河街道", INSIDE[i][0], INSIDE[i][1], "Ⅲ"] for i in range(n)
    ]


def register_files() -> None:
    p = BAD / "register_gbk.csv"
    p.write_bytes(csv_bytes([REG_HEAD, *reg_rows()]).encode("gbk"))
    entry(p, "register", "ok", count=3, warnings=["GBK"], columns={"name": "赛城湖口"})

    p = BAD / "register_bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + csv_bytes([REG_HEAD, *reg_rows()]).encode("utf-8"))
    entry(p, "register", "ok", count=3, warnings=["BOM"], columns={"name": "赛城湖口"})

    import xlwt  # dev-only dependency used to write the legacy .xls case

    p = BAD / "register_legacy.xls"
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("台账")
    for i, r in enumerate([REG_HEAD, *reg_rows()]):
        for j, v in enumerate(r):
            ws.write(i, j, v)
    buf = io.BytesIO()
    wb.save(buf)
    p.write_bytes(buf.getvalue())
    entry(p, "register", "ok", count=3, warnings=[], columns={"name": "赛城湖口"})

    p = BAD / "register_swapped.xlsx"
    rows = reg_rows()
    rows[1][4], rows[1][5] = rows[1][5], rows[1][4]
    xlsx(p, [REG_HEAD, *rows])
    entry(p, "register", "ok", count=3, warnings=["填反"])

    p = BAD / "register_html.xlsx"
    rows = reg_rows()
    rows[2][1] = "<img src=x onerror=alert(1)>"
    xlsx(p, [REG_HEAD, *rows])
    entry(p, "register", "refused", errors=[[4, "HTML"]])

    p = BAD / "register_dup_ids.csv"
    rows = reg_rows()
    rows[2][0] = rows[0][0]
    p.write_text(csv_bytes([REG_HEAD, *rows]), encoding="utf-8")
    entry(p, "register", "refused", errors=[[4, "重复"]])

    p = BAD / "register_unknown_kind.csv"
    rows = reg_rows()
    rows[1][2] = "加油站"
    p.write_text(csv_bytes([REG_HEAD, *rows]), encoding="utf-8")
    entry(p, "register", "refused", errors=[[3, "未知的点位类型"]])

    p = BAD / "register_header_only.xlsx"
    xlsx(p, [REG_HEAD])
    entry(p, "register", "refused", errors=[[1, "只有表头"]])

    p = BAD / "register_empty.csv"
    p.write_bytes(b"")
    entry(p, "register", "raise", error="TableReadError", message="为空")

    p = BAD / "register_formula.xlsx"
    rows = reg_rows()
    rows[0][4] = "=115+0.89"
    xlsx(p, [REG_HEAD, *rows])
    entry(p, "register", "refused", errors=[[2, "公式"]])

    p = BAD / "register_gcj02.csv"
    from geo.offset import wgs84_to_gcj02

    rows = reg_rows()
    for r in rows:
        r[4], r[5] = (round(v, 7) for v in wgs84_to_gcj02(r[4], r[5]))
    p.write_text(csv_bytes([REG_HEAD, *rows]), encoding="utf-8")
    entry(p, "register", "ok", kwargs={"coord_system": "gcj02"}, count=3, warnings=["GCJ-02"])

    p = BAD / "register_xy_gk.xlsx"
    from geo.crs import transformer

    t = transformer(4490, 4527)
    rows = []
    for r in reg_rows():
        e, n = t.transform(r[4], r[5])
        rows.append([*r[:4], round(n, 3), round(e, 3), r[6]])
    xlsx(p, [["点位编号", "点位名称", "类型", "乡镇", "X", "Y", "水质目标"], *rows])
    entry(p, "register", "ok", count=3, warnings=["X/Y 按", "EPSG:4527"])

    p = BAD / "register_out_of_district.csv"
    rows = reg_rows()
    rows[2][4], rows[2][5] = OUTSIDE
    p.write_text(csv_bytes([REG_HEAD, *rows]), encoding="utf-8")
    entry(p, "register", "ok", count=3, warnings=["区界之外"])

    p = BAD / "register_csv_named.xlsx"
    p.write_text(csv_bytes([REG_HEAD, *reg_rows()]), encoding="utf-8")
    entry(p, "register", "ok", count=3, warnings=["扩展名"])

    p = BAD / "register_junk.xlsx"
    p.write_bytes(b"PK\x03\x04" + random.Random(11).randbytes(1500))
    entry(p, "register", "raise", error="TableReadError", message="Excel")

    p = BAD / "register_target_classes.csv"
    rows = reg_rows(5) if len(INSIDE) >= 5 else reg_rows()
    for r, tc in zip(rows, ["Ⅲ", "III", "3", "三类", "Ⅲ类"], strict=False):
        r[6] = tc
    p.write_text(csv_bytes([REG_HEAD, *rows]), encoding="utf-8")
    entry(p, "register", "ok", count=5, warnings=[], columns={"target_class": 3})

    p = BAD / "register_bad_dms.csv"
    rows = reg_rows()
    rows[0][4] = "115°75′10″"
    p.write_text(csv_bytes([REG_HEAD, *rows]), encoding="utf-8")
    entry(p, "register", "refused", errors=[[2, "分应小于 60"]])

    p = BAD / "register_no_header.csv"
    p.write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")
    entry(p, "register", "raise", error="TableReadError", message="未找到表头")


# --- monitoring sheets ------------------------------------------------------------------------------------

LONG_HEAD = ["点位编号", "日期", "监测项目", "监测值", "单位"]


def long_rows() -> list[list[Any]]:
    return [
        ["W-01", "2026-10-15", "氨氮", "0.215", "mg/L"],
        ["W-01", "2026-10-15", "总磷", "0.01L", "mg/L"],
        ["W-01", "2026-10-15", "pH", "7.4", "无量纲"],
        ["W-02", "2026-10-15", "化学需氧量", "ND", "mg/L"],
    ]


def sheet_files() -> None:
    p = BAD / "sheet_long_gbk.csv"
    p.write_bytes(csv_bytes([LONG_HEAD, *long_rows()]).encode("gbk"))
    entry(p, "sheet", "ok", count=4, warnings=["GBK"], kwargs={"known_ids": ["W-01", "W-02"]})

    p = BAD / "sheet_mixed_units.csv"
    rows = [
        *long_rows(),
        ["W-02", "2026-10-15", "总磷", "35", "µg/L"],
        ["W-03", "2026-10-15", "PM2.5", "0.035", "mg/m³"],
        ["W-03", "2026-10-15", "粪大肠菌群", "23", "MPN/100mL"],
    ]
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(
        p,
        "sheet",
        "ok",
        count=7,
        warnings=["多种单位"],
        values=[["W-02", "TP", 0.035], ["W-03", "PM2_5", 35.0], ["W-03", "fecal_coliform", 230.0]],
    )

    p = BAD / "sheet_conflicting_dups.csv"
    rows = [*long_rows(), ["W-01", "2026-10-15", "氨氮", "0.300", "mg/L"]]
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(p, "sheet", "refused", errors=[[6, "重复"]])
    entry(p, "sheet", "ok", kwargs={"duplicates": "keep"}, count=4, warnings=["重复"], values=[["W-01", "NH3N", 0.215]])
    entry(
        p, "sheet", "ok", kwargs={"duplicates": "replace"}, count=4, warnings=["替换"], values=[["W-01", "NH3N", 0.3]]
    )

    p = BAD / "sheet_identical_dups.csv"
    rows = [*long_rows(), long_rows()[0], long_rows()[1]]
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(p, "sheet", "ok", count=4, warnings=["完全相同"])

    p = BAD / "sheet_ph15.csv"
    rows = [*long_rows(), ["W-02", "2026-10-15", "pH", "15", ""]]
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(p, "sheet", "refused", errors=[[6, "14"]])

    p = BAD / "sheet_negative.csv"
    rows = [*long_rows(), ["W-02", "2026-10-15", "总氮", "-0.5", "mg/L"]]
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(p, "sheet", "refused", errors=[[6, "负数"]])

    p = BAD / "sheet_unknown_param.csv"
    rows = [*long_rows(), ["W-02", "2026-10-15", "锰", "0.05", "mg/L"]]
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(p, "sheet", "refused", errors=[[6, "未知的监测项目"]])

    p = BAD / "sheet_unknown_unit.csv"
    rows = [*long_rows(), ["W-02", "2026-10-15", "总氮", "0.5", "ppm"]]
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(p, "sheet", "refused", errors=[[6, "单位"]])

    p = BAD / "sheet_unknown_site.csv"
    p.write_text(csv_bytes([LONG_HEAD, *long_rows()]), encoding="utf-8")
    entry(p, "sheet", "refused", kwargs={"known_ids": ["W-01"]}, errors=[[5, "不在点位台账"]])

    p = BAD / "sheet_formula.xlsx"
    rows = [*long_rows()]
    rows[0][3] = "=0.2+0.015"
    xlsx(p, [LONG_HEAD, *rows])
    entry(p, "sheet", "refused", errors=[[2, "公式"]])

    p = BAD / "sheet_oversized.csv"
    p.write_text(csv_bytes([LONG_HEAD, *(long_rows() * 20)]), encoding="utf-8")
    entry(p, "sheet", "raise", kwargs={"max_bytes": 500}, error="TableReadError", message="超过上限")

    p = BAD / "sheet_header_only.csv"
    p.write_text(csv_bytes([LONG_HEAD]), encoding="utf-8")
    entry(p, "sheet", "refused", errors=[[1, "只有表头"]])

    p = BAD / "sheet_detection_limits.csv"
    rows = [["W-01", "2026-10-15", "氨氮", v, "mg/L"] for v in ("ND", "未检出", "<0.025", "0.025L")]
    for i, r in enumerate(rows):
        r[1] = f"2026-10-{10 + i}"
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(p, "sheet", "ok", count=4, warnings=[])

    p = BAD / "sheet_bad_date.csv"
    rows = [*long_rows(), ["W-02", "2026-13-45", "总氮", "0.5", "mg/L"]]
    p.write_text(csv_bytes([LONG_HEAD, *rows]), encoding="utf-8")
    entry(p, "sheet", "refused", errors=[[6, "日期"]])

    p = BAD / "sheet_merged_header_units.xlsx"
    rows = [["点位编号", "日期", "监测项目(µg/L)", None], [None, None, "总磷", "氨氮"], ["W-01", "2026-10-15", 41, 215]]
    xlsx(p, rows, merges=("C1:D1", "A1:A2", "B1:B2"))
    entry(p, "sheet", "ok", count=2, warnings=[], values=[["W-01", "TP", 0.041], ["W-01", "NH3N", 0.215]])

    p = BAD / "sheet_wide_unknown_column.csv"
    p.write_text(
        csv_bytes([["点位编号", "日期", "总磷(mg/L)", "锰(mg/L)"], ["W-01", "2026-10-15", "0.05", "0.1"]]),
        encoding="utf-8",
    )
    entry(p, "sheet", "refused", errors=[[1, "未知的监测项目"]])

    p = BAD / "sheet_binary.csv"
    p.write_bytes(random.Random(5).randbytes(1024))
    entry(p, "sheet", "raise", error="TableReadError", message="不是")


# --- files that are no table / no vector file at all, and small bombs (issue 11 items 2 and 9) ---------------

#: Every reader of user files: the two ingest parsers, the store's task/measurement table reader, read_vector.
TABLE_PARSERS = ("sheet", "register", "tasks")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(200)
PLAIN_TEXT = "工作周报\n本周完成了三次巡查，详见附件。\n".encode()


def _raise_all(p: Path, table: tuple[str, str, str] | None, vector: tuple[str, str] | None) -> None:
    """Entries for one file: ``table`` = (ingest error, store error, message), ``vector`` = (error, message)."""
    if table is not None:
        ingest_error, store_error, message = table
        for parser in TABLE_PARSERS:
            error = store_error if parser == "tasks" else ingest_error
            entry(p, parser, "raise", error=error, message=message)
    if vector is not None:
        entry(p, "vector", "raise", error=vector[0], message=vector[1])


def unreadable_files() -> None:
    from tests.ingest import bombs  # the in-memory bomb builders of the tests (deterministic bytes)

    p = BAD / "empty.csv"
    p.write_bytes(b"")
    _raise_all(p, ("TableReadError", "StoreError", "为空"), ("EmptyFileError", "为空"))

    for ext in (".csv", ".xlsx"):
        p = BAD / f"picture_png{ext}"
        p.write_bytes(PNG)
        what = "不是表格文件（内容是 PNG 图片）" if ext == ".csv" else "不是有效的 Excel 文件（内容是 PNG 图片）"
        _raise_all(p, ("TableReadError", "StoreError", what), ("UnsupportedFormatError", "PNG 图片"))
    p = BAD / "picture_png.kmz"
    p.write_bytes(PNG)
    _raise_all(p, ("TableReadError", "StoreError", "PNG 图片"), ("CorruptFileError", "不是有效的 zip 文件"))

    for ext in (".xlsx", ".xls"):
        p = BAD / f"text_renamed{ext}"
        p.write_bytes(PLAIN_TEXT)
        _raise_all(p, ("TableReadError", "StoreError", "不是有效的 Excel 文件"), ("UnsupportedFormatError", "无法识别"))
    for ext in (".zip", ".kmz"):
        p = BAD / f"text_renamed{ext}"
        p.write_bytes(PLAIN_TEXT)
        _raise_all(p, ("TableReadError", "StoreError", "不是表格文件"), ("CorruptFileError", "不是有效的 zip 文件"))

    workbook = bombs.small_xlsx([["点位编号", "日期", "监测项目", "监测值"], ["W-01", "2026-10-15", "氨氮", "0.2"]])
    p = BAD / "truncated.xlsx"
    p.write_bytes(workbook[: len(workbook) // 2])
    _raise_all(p, ("TableReadError", "StoreError", "不是有效的 Excel 文件"), ("CorruptFileError", "压缩包"))
    p = BAD / "truncated_shp.zip"
    p.write_bytes((BAD / "gk_cm117_plain.zip").read_bytes()[:700])
    _raise_all(p, ("TableReadError", "StoreError", "不是表格文件"), ("CorruptFileError", "压缩包"))

    # zip directory that understates a member's size: the counting stream notices, whatever the header says
    sheet = bombs.deflate(bombs.SHEET_HEAD + bombs.inline_row(1, ["点位编号", "日期"]) + b" " * 5000 + bombs.SHEET_TAIL)
    p = BAD / "lying_header.xlsx"
    p.write_bytes(bombs.xlsx_of(sheet, declared={"xl/worksheets/sheet1.xml": 100}))
    _raise_all(p, ("TableReadError", "StoreError", "不是有效的 Excel 文件"), None)
    kml = KML_HEAD.format("谎报") + placemark("点一", *INSIDE[0], {}) + "</Document></kml>\n" + " " * 5000
    p = BAD / "lying_header.kmz"
    p.write_bytes(bombs.lying({"doc.kml": bombs.deflate(kml.encode())}, "doc.kml", 100))
    _raise_all(p, None, ("CorruptFileError", "压缩包"))

    p = BAD / "entity_bomb.xlsx"
    p.write_bytes(bombs.xlsx_entity_bomb())
    _raise_all(p, ("TableReadError", "StoreError", "DOCTYPE/ENTITY"), None)
    p = BAD / "entity_bomb.kmz"
    write_zip(p, {"doc.kml": (BAD / "entity_bomb.kml").read_bytes()})
    _raise_all(p, None, ("UnsafeXMLError", "DOCTYPE/ENTITY"))
    p = BAD / "extent_bomb.xlsx"
    p.write_bytes(bombs.xlsx_extent_bomb())
    _raise_all(p, ("TableReadError", "StoreError", "1048576 行 × 16384 列"), None)


def main() -> None:
    for d in (BAD, GOOD):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    vector_files()
    good_files()
    register_files()
    sheet_files()
    unreadable_files()
    (DATA / "manifest.json").write_text(json.dumps(MANIFEST, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    files = len({m["file"] for m in MANIFEST})
    print(f"{files} files, {len(MANIFEST)} manifest entries, {total / 1024:.0f} KB in {DATA}")


if __name__ == "__main__":
    # sqlite3 is imported so that a missing SQLite build fails loudly here rather than in GDAL.
    assert sqlite3.sqlite_version
    main()
