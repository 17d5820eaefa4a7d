"""Register re-import with 更新已有点位 never overwrites an edit saved after the preview (both backends).

The page reads the versions when it builds the preview and passes them to ``Store.import_sites``; the store
checks them at confirm time inside the import's one transaction.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from store import ConcurrentEditError, StoreError
from store.backup import dump_tables


def _register(rows: list[tuple[str, str, str, float, float]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"site_id": [r[0] for r in rows], "name": [r[1] for r in rows], "kind": [r[2] for r in rows]},
        geometry=[Point(r[3], r[4]) for r in rows], crs=4490,
    )
    frame.index = range(2, 2 + len(rows))
    return frame


def _preview_versions(store) -> dict[str, int]:
    """What the import page captures when it shows the preview."""
    sites = store.list_sites()
    return dict(zip(sites["site_id"].astype(str), sites["version"].astype(int), strict=True))


def _imports(store, admin) -> int:
    log = store.audit_log(admin, action="import", entity="site")
    return len(log)


def test_an_edit_saved_after_the_preview_is_a_conflict_and_nothing_is_stored(store, editor, admin) -> None:
    register = _register([("N-1", "新点", "park", 116.0, 29.6),
                          ("W-A", "甲断面（登记表）", "water_section", 115.91, 29.61)])
    versions = _preview_versions(store)  # preview built
    store.update_site(editor, "W-A", {"name": "甲断面（编辑者刚保存）"}, expected_version=versions["W-A"])
    before = dump_tables(store)
    with pytest.raises(ConcurrentEditError) as exc:
        store.import_sites(editor, register, file_name="登记表.xlsx", update_existing=True,
                           expected_versions=versions)
    message = str(exc.value)
    assert "W-A" in message and "已被其他用户修改" in message
    assert dump_tables(store) == before  # nothing changed: not N-1, not W-A
    assert store.get_site("W-A")["name"] == "甲断面（编辑者刚保存）"
    assert _imports(store, admin) == 0


def test_a_site_deleted_or_created_after_the_preview_is_refused(store, editor, admin) -> None:
    versions = _preview_versions(store)
    store.delete_site(editor, "W-L", expected_version=versions["W-L"])
    store.create_site(editor, {"site_id": "N-2", "name": "别人新增", "kind": "park"}, Point(116.0, 29.6))
    before = dump_tables(store)
    gone = _register([("W-L", "沙河段", "water_section", 115.86, 29.55)])
    with pytest.raises(ConcurrentEditError, match=r"W-L.*记录已被删除"):
        store.import_sites(editor, gone, update_existing=True, expected_versions=versions)
    new = _register([("N-2", "登记表中的新点", "park", 116.0, 29.6)])
    with pytest.raises(StoreError, match=r"N-2.*预览之后已被其他用户新增"):
        store.import_sites(editor, new, update_existing=True, expected_versions=versions)
    assert dump_tables(store) == before
    assert _imports(store, admin) == 0


def test_without_intervening_edits_the_import_updates_at_the_previewed_version(store, editor, admin) -> None:
    versions = _preview_versions(store)
    register = _register([("N-1", "新点", "park", 116.0, 29.6),
                          ("W-A", "甲断面（登记表）", "water_section", 115.91, 29.61)])
    counts = store.import_sites(editor, register, update_existing=True, expected_versions=versions)
    assert counts == {"created": 1, "updated": 1}
    assert store.get_site("W-A")["version"] == versions["W-A"] + 1
    assert _imports(store, admin) == 1
