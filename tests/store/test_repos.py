from __future__ import annotations

import datetime as dt

import pytest

from store import NotFoundError


def test_measurements_by_site_param_and_inclusive_dates(store) -> None:
    df = store.measurements(["W-A"], params=["COD"], start=dt.date(2025, 3, 15), end=dt.date(2025, 5, 15))
    assert df["time"].dt.strftime("%Y-%m-%d").tolist() == ["2025-03-15", "2025-04-15", "2025-05-15"]
    assert df["value"].tolist() == [13.0, 14.0, 15.0]
    assert list(df.columns[:6]) == ["id", "site_id", "time", "param", "value", "raw"]
    assert store.measurements(["NOPE"]).empty


def test_latest_value_per_site_and_param(store, editor) -> None:
    latest = store.latest_values()
    got = {(r.site_id, r.param): (r.time.strftime("%Y-%m-%d"), r.value) for r in latest.itertuples()}
    assert got == {("W-A", "COD"): ("2025-12-15", 22.0), ("W-A", "NH3N"): ("2025-12-15", 0.025),
                   ("WWTP-1", "TP"): ("2025-12-01", 1.2)}
    store.import_measurements(editor, b"site_id,time,param,raw\nW-A,2026-01-01 08:30,COD,7\n", file_name="n.csv")
    assert store.latest_values(["W-A"], params=["COD"])["value"].tolist() == [7.0]
    assert store.latest_values([]).empty


def test_sites_projects_tasks_boundaries(store, admin, tmp_path) -> None:
    water = store.list_sites(kind="water_section")
    assert sorted(water["site_id"]) == ["W-A", "W-L"]
    assert (water["version"] == 1).all()
    proj = store.list_projects()
    assert proj.loc[0, "progress_pct"] == 60.0
    assert proj.loc[0, "related_site"] == "WWTP-1"
    assert store.milestones(1)["name"].tolist() == ["开工", "完工"]
    tasks = store.list_tasks(open_only=True)
    assert tasks["task_id"].tolist() == ["T-1"]
    assert tasks.loc[0, "lon"] == 115.9
    town = store.boundary_layer("townships")
    assert town.crs.to_epsg() == 4490
    assert town["name"].tolist() == ["沙河街道", "港口街镇"]
    new = (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"\xe6\xb2\x99"},'
           b'"geometry":{"type":"Polygon","coordinates":[[[116,29],[116.1,29],[116.1,29.1],[116,29]]]}}]}')
    store.load_boundary_layer(admin, "townships", new, file_name="new.geojson")
    versions = store.boundary_versions("townships")
    assert versions["layer_version"].tolist() == [1, 2]
    assert versions["active"].tolist() == [False, True]
    assert store.boundary_layer("townships")["name"].tolist() == ["沙"]
    assert len(store.boundary_layer("townships", layer_version=1)) == 2
    with pytest.raises(NotFoundError):
        store.boundary_layer("rivers")


def test_evidence_and_inspections(store, editor) -> None:
    eid = store.add_evidence(editor, "T-1", "整改后.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")
    assert store.get_evidence(eid) == ("整改后.jpg", b"\xff\xd8\xff jpeg")
    ev = store.list_evidence("T-1")
    assert ev["size"].tolist() == [len(b"\xff\xd8\xff jpeg")]
    assert "data" not in ev.columns
    iid = store.record_inspection(editor, inspected_on=dt.date(2026, 2, 1), site_id="W-A", task_id="T-1",
                                  inspectors="张三、李四", findings="已整改", result="合格", lon=115.9, lat=29.6)
    ins = store.list_inspections(site_id="W-A")
    assert ins["id"].tolist() == [iid]
    assert ins.loc[0, "lat"] == 29.6
    assert ins.loc[0, "username"] == "editor1"
