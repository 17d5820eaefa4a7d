"""Geometry is checked in the store's write path (both backends): type per layer / site kind, validity (repair
or refuse), finite lon/lat inside China.  Every refusal names file, row and field and stores nothing."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon, mapping

from store import ImportValidationError, StoreError
from store.backup import dump_tables

BOWTIE = Polygon([(116.0, 29.6), (116.1, 29.7), (116.1, 29.6), (116.0, 29.7), (116.0, 29.6)])
SQUARE = Polygon([(116.0, 29.6), (116.1, 29.6), (116.1, 29.7), (116.0, 29.7), (116.0, 29.6)])


def _layer(*geoms: object) -> bytes:
    feats = [{"type": "Feature", "properties": {"name": f"乡镇{i + 1}", "adcode": f"36040{i}"},
              "geometry": g if isinstance(g, dict) else mapping(g)} for i, g in enumerate(geoms)]
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False).encode()


def _register(rows: list[tuple[str, str, object]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame({"site_id": [r[0] for r in rows], "name": [r[0] for r in rows],
                              "kind": [r[1] for r in rows]}, geometry=[r[2] for r in rows], crs=4490)
    frame.index = range(2, 2 + len(rows))
    return frame


def test_a_township_layer_mixing_points_lines_and_polygons_is_refused(store, admin) -> None:
    before = dump_tables(store)
    mixed = _layer(SQUARE, Point(116.05, 29.65), LineString([(116.0, 29.6), (116.1, 29.7)]))
    with pytest.raises(ImportValidationError) as exc:
        store.load_boundary_layer(admin, "townships", mixed, file_name="乡镇.geojson")
    text = str(exc.value)
    assert "文件“乡镇.geojson”第 2 行，字段“geometry”" in text and "乡镇2" in text and "点（Point）" in text
    assert "第 3 行" in text and "线（LineString）" in text
    assert "第 1 行" not in text
    assert dump_tables(store) == before


def test_the_district_layer_takes_only_areas_and_other_layers_one_family(store, admin) -> None:
    with pytest.raises(ImportValidationError, match=r"第 1 行.*只允许"):
        store.load_boundary_layer(admin, "district", _layer(Point(116.0, 29.6)), file_name="区界.geojson")
    with pytest.raises(ImportValidationError, match=r"第 2 行.*混有面和线"):
        store.load_boundary_layer(admin, "rivers", _layer(SQUARE, LineString([(116, 29.6), (116.1, 29.7)])))
    store.load_boundary_layer(admin, "rivers", _layer(LineString([(116, 29.6), (116.1, 29.7)])))
    assert len(store.boundary_layer("rivers")) == 1


def test_an_invalid_township_polygon_is_repaired_with_a_warning_naming_the_feature(store, admin) -> None:
    store.load_boundary_layer(admin, "townships", _layer(SQUARE, BOWTIE), file_name="乡镇.geojson")
    stored = store.boundary_layer("townships")
    assert stored.geometry.is_valid.all()
    assert stored.geometry.iloc[1].geom_type == "MultiPolygon"
    assert stored.geometry.iloc[1].area == pytest.approx(0.005)  # both triangles of the bow-tie kept
    detail = store.audit_log(admin, action="import", entity="boundary_layer")["detail"].iloc[0]
    assert "文件“乡镇.geojson”第 2 行，字段“geometry”" in detail and "已自动修复" in detail
    assert "Self-intersection" in detail


def test_a_polygon_whose_repair_is_not_an_area_is_refused(store, admin) -> None:
    flat = {"type": "Polygon", "coordinates": [[[116.0, 29.6], [116.1, 29.7], [116.0, 29.6], [116.0, 29.6]]]}
    before = dump_tables(store)
    with pytest.raises(ImportValidationError, match=r"第 1 行，字段“geometry”：几何无效.*自动修复后为.*不符合要求"):
        store.load_boundary_layer(admin, "townships", _layer(flat))
    assert dump_tables(store) == before


@pytest.mark.parametrize("geom", [Point(float("inf"), float("inf")), Point(float("nan"), 29.6),
                                  LineString([(115.9, 29.6), (float("nan"), 29.65), (115.95, 29.7)])])
def test_non_finite_coordinates_are_refused_in_a_register(store, editor, geom) -> None:
    before = dump_tables(store)
    register = _register([("N-1", "park", Point(116.0, 29.6)), ("N-2", "water_section", geom)])
    with pytest.raises(ImportValidationError, match="第 3 行，字段“geometry”：坐标含非有限数值"):
        store.import_sites(editor, register, file_name="登记表.xlsx")
    assert dump_tables(store) == before


def test_site_geometry_follows_the_kind(store, editor) -> None:
    register = _register([("A-1", "air_station", SQUARE), ("E-1", "enterprise", LineString([(116, 29.6),
                                                                                          (116.1, 29.7)]))])
    with pytest.raises(ImportValidationError) as exc:
        store.import_sites(editor, register, file_name="登记表.xlsx")
    text = str(exc.value)
    assert "第 2 行，字段“geometry”：几何类型为面（Polygon），类型为“air_station”的站点只允许 点（Point）" in text
    assert "第 3 行" in text and "enterprise" in text
    ok = _register([("P-1", "park", SQUARE), ("R-1", "water_section", LineString([(116, 29.6), (116.1, 29.7)])),
                    ("J-1", "project", Point(116.0, 29.6))])
    assert store.import_sites(editor, ok) == {"created": 3, "updated": 0}


def test_single_site_edits_go_through_the_same_checks(store, editor, admin) -> None:
    with pytest.raises(StoreError, match=r"geometry.*非有限"):
        store.update_site(editor, "W-A", {"geometry": Point(float("inf"), 29.6)}, expected_version=1)
    with pytest.raises(StoreError, match=r"geometry.*只允许 点"):
        store.create_site(editor, {"site_id": "A-9", "name": "空气站", "kind": "air_station"}, SQUARE)
    site = store.update_site(editor, "PARK-1", {"geometry": BOWTIE}, expected_version=1)
    assert site["geometry"].is_valid
    detail = store.audit_log(admin, action="update", entity="site", entity_id="PARK-1")["detail"].iloc[0]
    assert "已自动修复" in detail
