"""A site register is imported in one transaction: every row or none, on both backends."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from store import ImportValidationError, StoreError


def register(rows: list[tuple[str, str, str, float, float]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"site_id": [r[0] for r in rows], "name": [r[1] for r in rows], "kind": [r[2] for r in rows]},
        geometry=[Point(r[3], r[4]) for r in rows], crs=4490,
    )
    frame.index = range(2, 2 + len(rows))  # spreadsheet rows, as ingest.parse_register gives them
    return frame


def test_a_bad_row_stores_nothing_and_names_the_row(store, editor) -> None:
    before = len(store.list_sites())
    bad = register([("N-1", "新点一", "park", 116.0, 29.6), ("N-2", "坐标反了", "park", 29.6, 116.0)])
    with pytest.raises(ImportValidationError, match="第 3 行"):
        store.import_sites(editor, bad, file_name="登记表.xlsx")
    assert len(store.list_sites()) == before


def test_a_clash_late_in_the_file_rolls_back_the_earlier_rows(store, editor) -> None:
    before = len(store.list_sites())
    rows = register([("N-1", "新点一", "park", 116.0, 29.6), ("W-A", "与已有编号重复", "park", 116.0, 29.6)])
    with pytest.raises(StoreError, match="W-A"):
        store.import_sites(editor, rows)
    assert len(store.list_sites()) == before
    assert "N-1" not in set(store.list_sites()["site_id"])


def test_import_creates_and_with_consent_updates(store, editor, admin) -> None:
    counts = store.import_sites(editor, register([("N-1", "新点一", "park", 116.0, 29.6)]))
    assert counts == {"created": 1, "updated": 0}
    renamed = register([("N-1", "新点一（更正）", "park", 116.01, 29.61)])
    counts = store.import_sites(editor, renamed, update_existing=True)
    assert counts == {"created": 0, "updated": 1}
    site = store.get_site("N-1")
    assert site["name"] == "新点一（更正）"
    assert site["version"] == 2
    log = store.audit_log(admin, entity="site", entity_id="N-1")
    assert {"create", "update"} <= set(log["action"])
