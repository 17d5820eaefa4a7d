from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from shapely.geometry import Polygon, shape

from store import ImportValidationError, open_store
from store.migrate import current_revision, head_revision, include_object
from store.schema import metadata
from tests.store.conftest import SITES


def test_migrations_create_exactly_the_schema(store) -> None:
    with store.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Did not recognize type 'geometry'")
            diffs = compare_metadata(ctx, metadata)
    # the PostGIS column reflects as NullType, which alembic does not report as a difference
    assert diffs == []


def test_first_run_seeds_everything_once(store, db_url, fixture_dir) -> None:
    sites = store.list_sites()
    assert sorted(sites["site_id"]) == sorted(s[0] for s in SITES)
    assert store.measurement_count() == 36
    assert len(store.list_tasks()) == 2
    assert store.project_progress()["progress_pct"].tolist() == [20.0, 60.0]
    assert store.boundary_versions()["name"].tolist() == ["townships"]
    before = store.data_version()
    again = open_store(db_url, sample_dir=fixture_dir / "sample", boundaries_dir=fixture_dir / "boundaries")
    assert again.measurement_count() == 36
    assert again.data_version() == before
    again.close()


def test_geometry_and_chinese_text_round_trip_exactly(store, fixture_dir) -> None:
    fc = json.loads((fixture_dir / "sample" / "sites.geojson").read_text(encoding="utf-8"))
    want = {f["properties"]["site_id"]: (shape(f["geometry"]), f["properties"]["name"]) for f in fc["features"]}
    got = store.list_sites()
    assert got.crs.to_epsg() == 4490
    for row in got.itertuples():
        geom, name = want[row.site_id]
        assert row.geometry.equals_exact(geom, 0)
        assert row.geometry.geom_type == geom.geom_type
        assert row.name == name
    wwtp = store.get_site("WWTP-1")
    assert json.loads(wwtp["grade_history"]) == [{"from": "2019-01-01", "grade": "1B"},
                                                 {"from": "2024-07-01", "grade": "1A"}]
    assert wwtp["built"] == "2010-05-01"  # free attribute kept
    std = store.site_standards("WWTP-1")
    assert std["value"].tolist() == ["1B", "1A"] and std["valid_from"].tolist() == [dt.date(2019, 1, 1),
                                                                                    dt.date(2024, 7, 1)]
    assert store.get_site("W-L")["approximate"] is True
    prj = store.get_site("PRJ-01")
    assert prj["project_no"] == 1
    assert json.loads(prj["milestones"])[1]["name"] == "完工"


def test_seeding_is_one_transaction(tmp_path: Path, fixture_dir: Path, url_factory, backend) -> None:
    bad = tmp_path / "sample"
    bad.mkdir()
    for f in (fixture_dir / "sample").iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    (bad / "tasks.csv").write_text(
        "task_id,title,origin,site_id,lon,lat,township,owner,opened,due,closed,description\n"
        "T-9,x,complaint,,,,沙河街道,张三,2025-13-01,,,\n", encoding="utf-8")
    url = url_factory(backend)
    with pytest.raises(ImportValidationError) as exc:
        open_store(url, sample_dir=bad, boundaries_dir=None)
    assert "tasks.csv" in str(exc.value)
    assert "第 2 行" in str(exc.value)
    assert "opened" in str(exc.value)
    st = open_store(url, initialise=False)
    assert not st.is_initialised()
    assert st.measurement_count() == 0
    assert len(st.list_sites()) == 0
    assert st.list_users() == []
    st.close()


def test_default_location_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAISANG_DATA_DIR", str(tmp_path / "d"))
    st = open_store(sample_dir=None, boundaries_dir=None)
    assert st.backend == "sqlite"
    assert (tmp_path / "d" / "chaisang.sqlite").exists()
    st.close()
    monkeypatch.setenv("CHAISANG_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    st = open_store(sample_dir=None, boundaries_dir=None)
    assert (tmp_path / "other.sqlite").exists()
    assert "other.sqlite" in st.url
    st.close()


def test_real_sample_data_seeds_when_present(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    if not (root / "data" / "sample" / "sites.geojson").exists():
        pytest.skip("data/sample 尚未生成")
    st = open_store(f"sqlite:///{tmp_path / 'real.sqlite'}")
    fc = json.loads((root / "data" / "sample" / "sites.geojson").read_text(encoding="utf-8"))
    assert len(st.list_sites()) == len(fc["features"])
    assert st.measurement_count() > 0
    st.close()


def test_polygon_site_is_stored_as_area(store) -> None:
    assert isinstance(store.get_site("PARK-1")["geometry"], Polygon)


@pytest.mark.postgis
def test_postgres_database_without_postgis_gets_it_enabled() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.store.conftest import pg_url_or_skip

    base = make_url(pg_url_or_skip())
    name = "chaisang_nogis_test"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        st = open_store(base.set(database=name).render_as_string(hide_password=False), sample_dir=None,
                        boundaries_dir=None)
        st.create_site(st.authenticate("admin", "测试管理员-Secret-9183"),
                       {"site_id": "A", "name": "点", "kind": "park"}, Polygon([(116, 29), (116.1, 29), (116, 29.1)]))
        assert st.sites_in_polygon(Polygon([(115, 28), (117, 28), (117, 30)]))["site_id"].tolist() == ["A"]
        st.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def test_unreachable_database_gives_a_chinese_error() -> None:
    from store import StoreError

    with pytest.raises(StoreError, match="无法打开数据库") as exc:
        open_store("postgresql://someone:pw-Secret-1@127.0.0.1:1/nothing", sample_dir=None, boundaries_dir=None)
    assert "pw-Secret-1" not in str(exc.value)


def test_explicit_data_dir_wins_over_environment_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAISANG_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    st = open_store(data_dir=tmp_path / "mine", sample_dir=None, boundaries_dir=None)
    assert st.backend == "sqlite" and (tmp_path / "mine" / "chaisang.sqlite").exists()
    st.close()
