from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from geo.offset import wgs84_to_bd09, wgs84_to_gcj02
from planning import export
from planning.errors import NoCJKFontError
from planning.export import (
    Stop,
    amap_link,
    baidu_link,
    qr_png,
    route_gpx,
    route_kml,
    route_pdf,
    route_xlsx,
    stop_list_text,
    stops_from_plan,
)
from planning.route import plan_route

BUREAU = (115.8835, 29.6045)


def same_points(a, b) -> None:
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=1e-7)


@pytest.fixture
def stops() -> list[Stop]:
    targets = pd.DataFrame({
        "site_id": ["W-SCHK", "DW-01", "ENT-01", "T-9"],
        "name": ["赛城湖口", "港口街镇集中式饮用水水源地", "鑫山水泥", "沙河“人民医院”断面上游排口"],
        "kind_label": ["地表水断面", "饮用水水源地", "重点企业", "整改任务"],
        "township": ["港口街镇", "港口街镇", "城子镇", "沙河街道"],
        "status_label": ["超标", "超标", "超标", "逾期"],
        "lon": [115.89, 115.80039, 115.70763, 115.87802],
        "lat": [29.72178, 29.71281, 29.79733, 29.61597],
    })
    plan = plan_route(list(zip(targets["lon"], targets["lat"], strict=True)), start=BUREAU, end=BUREAU,
                      day_budget_min=150, service_min=30)
    return stops_from_plan(plan, targets)


def test_stops_follow_the_plan(stops: list[Stop]) -> None:
    assert [s.seq for s in stops] == [1, 2, 3, 4]
    assert len({s.day for s in stops}) >= 2  # the budget forces more than one day


def test_gpx_parses_back_with_the_same_points(stops: list[Stop]) -> None:
    root = ET.fromstring(route_gpx(stops, depot=BUREAU))
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    assert root.get("version") == "1.1"
    wpts = root.findall("g:wpt", ns)
    same_points([(float(w.get("lon")), float(w.get("lat"))) for w in wpts], [(s.lon, s.lat) for s in stops])
    assert [w.find("g:name", ns).text for w in wpts] == [f"{s.seq}. {s.name}" for s in stops]
    rtes = root.findall("g:rte", ns)
    assert len(rtes) == len({s.day for s in stops})
    inner = [(float(p.get("lon")), float(p.get("lat"))) for r in rtes for p in r.findall("g:rtept", ns)[1:-1]]
    same_points(inner, [(s.lon, s.lat) for s in stops])


def test_kml_parses_back_with_the_same_points(stops: list[Stop]) -> None:
    root = ET.fromstring(route_kml(stops, depot=BUREAU))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    pts = [p.find("k:Point/k:coordinates", ns).text for p in root.iter("{http://www.opengis.net/kml/2.2}Placemark")
           if p.find("k:Point", ns) is not None]
    same_points([tuple(map(float, c.split(",")[:2])) for c in pts], [(s.lon, s.lat) for s in stops])
    lines = root.findall(".//k:LineString/k:coordinates", ns)
    assert len(lines) == len({s.day for s in stops})
    first = [tuple(map(float, c.split(",")[:2])) for c in lines[0].text.split()]
    assert first[0] == pytest.approx(BUREAU) and first[-1] == pytest.approx(BUREAU)


def test_amap_link_uses_gcj02_lon_first(stops: list[Stop]) -> None:
    s = stops[0]
    q = parse_qs(urlparse(amap_link(s.lon, s.lat, s.name)).query)
    lon, lat, name = q["to"][0].split(",", 2)
    glon, glat = wgs84_to_gcj02(s.lon, s.lat)
    assert (float(lon), float(lat)) == pytest.approx((glon, glat), abs=1e-6)
    assert name == s.name and q["coordinate"] == ["gaode"]
    assert abs(float(lon) - s.lon) > 1e-3  # really shifted (≈ 500 m here)


def test_baidu_link_uses_bd09_lat_first(stops: list[Stop]) -> None:
    s = stops[1]
    q = parse_qs(urlparse(baidu_link(s.lon, s.lat, s.name)).query)
    lat, lon = map(float, q["location"][0].split(","))
    blon, blat = wgs84_to_bd09(s.lon, s.lat)
    assert (lon, lat) == pytest.approx((blon, blat), abs=1e-6)
    assert q["coord_type"] == ["bd09ll"] and q["title"] == [s.name]


def test_excel_sheet_has_chinese_headers_links_and_every_stop(stops: list[Stop]) -> None:
    wb = load_workbook(io.BytesIO(route_xlsx(stops, subtitle="2026-11-28")))
    ws = wb["路线单"]
    assert [c.value for c in ws[3]][:4] == ["序号", "日程", "编号", "名称"]
    assert [ws.cell(row=4 + i, column=4).value for i in range(len(stops))] == [s.name for s in stops]
    link = ws.cell(row=4, column=12).hyperlink.target
    assert link == amap_link(stops[0].lon, stops[0].lat, stops[0].name)


def test_pdf_contains_the_chinese_stop_names(stops: list[Stop]) -> None:
    pypdf = pytest.importorskip("pypdf")
    if export.find_cjk_font() is None:
        pytest.skip("no CJK font installed (Debian fonts-noto-cjk)")
    data = route_pdf(stops, subtitle="示例", qr_text=stop_list_text(stops))
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    for s in stops:
        assert s.name in text
    assert "执法检查路线单" in text


def test_pdf_without_a_cjk_font_says_so(stops: list[Stop], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "find_cjk_font", lambda: None)
    with pytest.raises(NoCJKFontError, match="fonts-noto-cjk"):
        route_pdf(stops)


def test_qr_encodes_the_stop_list(stops: list[Stop]) -> None:
    png = qr_png(stop_list_text(stops))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    text = stop_list_text(stops)
    assert all(s.name in text and f"{s.lon:.5f},{s.lat:.5f}" in text for s in stops)
    with pytest.raises(export.PlanningError, match="二维码"):
        qr_png("测" * 3000)
