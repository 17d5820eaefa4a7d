"""Store fixtures: every test gets a fresh database on each backend (SQLite file; PostGIS schema when
CHAISANG_TEST_PG_URL is set)."""

from __future__ import annotations

import gzip
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from store import Store, User, open_store
from tests.conftest import require_or_skip

os.environ.setdefault("CHAISANG_BCRYPT_ROUNDS", "4")  # fast hashes in tests only
PG_URL = os.environ.get("CHAISANG_TEST_PG_URL")
ADMIN = "admin"
ADMIN_PW = "测试管理员-Secret-9183"
BACKENDS = ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)]

SITES: list[tuple[str, str, str, str, dict[str, Any], dict[str, Any]]] = [
    ("W-A", "甲断面", "water_section", "沙河街道", {"type": "Point", "coordinates": [115.90, 29.60]},
     {"control_level": "国控", "water_body": "river", "target_class": 3, "monitoring_freq": "monthly"}),
    ("W-L", "沙河段", "water_section", "沙河街道",
     {"type": "LineString", "coordinates": [[115.85, 29.55], [115.87, 29.56]]},
     {"target_class": 3, "approximate": True, "location_note": "位置待核实：按规划文字示意，未经实地核准"}),
    ("WWTP-1", "城区污水厂", "wwtp", "港口街镇", {"type": "Point", "coordinates": [116.05, 29.70]},
     {"grade_history": json.dumps([{"from": "2019-01-01", "grade": "1B"}, {"from": "2024-07-01", "grade": "1A"}]),
      "built": "2010-05-01"}),
    ("PARK-1", "小腊子山", "park", "港口街镇",
     {"type": "Polygon", "coordinates": [[[116.00, 29.65], [116.02, 29.65], [116.02, 29.67], [116.00, 29.65]]]},
     {}),
    ("PRJ-01", "污水处理厂提标改造", "project", "港口街镇", {"type": "Point", "coordinates": [116.04, 29.69]},
     {"project_no": 1, "investment_wan": 1200.5, "start_year": 2021, "end_year": 2023, "responsible": "区住建局",
      "milestones": json.dumps([{"date": "2022-06-30", "name": "开工"}, {"date": "2023-12-31", "name": "完工"}],
                               ensure_ascii=False),
      "related_site": "WWTP-1"}),
]
TOWNSHIPS = [
    ("沙河街道", [[[115.80, 29.50], [115.95, 29.50], [115.95, 29.62], [115.80, 29.62], [115.80, 29.50]]]),
    ("港口街镇", [[[115.95, 29.62], [116.10, 29.62], [116.10, 29.75], [115.95, 29.75], [115.95, 29.62]]]),
]


def write_fixture(d: Path) -> Path:
    """A small data/sample-like directory following docs/data-contract.md."""
    sample = d / "sample"
    sample.mkdir(parents=True, exist_ok=True)
    feats = [{"type": "Feature", "geometry": g,
              "properties": {"site_id": sid, "name": name, "kind": kind, "township": town, "sample": True,
                             "source": "测试", **extra}}
             for sid, name, kind, town, g, extra in SITES]
    (sample / "sites.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                                                     ensure_ascii=False), encoding="utf-8")
    rows = ["site_id,time,param,value,raw,unit,source"]
    for m in range(1, 13):
        rows.append(f"W-A,2025-{m:02d}-15,COD,{10 + m},{10 + m},mg/L,manual")
        rows.append(f"W-A,2025-{m:02d}-15,NH3N,0.025,0.025L,mg/L,manual")
        rows.append(f"WWTP-1,2025-{m:02d}-01,TP,{0.1 * m:.1f},{0.1 * m:.1f},mg/L,auto")
    (sample / "measurements.csv.gz").write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))
    (sample / "project_progress.csv").write_text(
        "site_id,date,progress_pct,note\nPRJ-01,2022-07-01,20,开工\nPRJ-01,2023-01-01,60,\n", encoding="utf-8")
    (sample / "tasks.csv").write_text(
        "task_id,title,origin,site_id,lon,lat,township,owner,opened,due,closed,description\n"
        "T-1,河道垃圾,complaint,W-A,115.9,29.6,沙河街道,张三,2025-01-01,2025-02-01,,12369 投诉\n"
        "T-2,排口整改,inspection,,,,港口街镇,李四,2025-01-05,2025-03-01,2025-02-20,\n", encoding="utf-8")
    bdir = d / "boundaries"
    bdir.mkdir(exist_ok=True)
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": c},
         "properties": {"name": n, "approximate": True}} for n, c in TOWNSHIPS]}
    (bdir / "townships.geojson").write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture(tmp_path_factory.mktemp("fixture"))


@pytest.fixture(autouse=True)
def _admin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAISANG_ADMIN_USER", ADMIN)
    monkeypatch.setenv("CHAISANG_ADMIN_PASSWORD", ADMIN_PW)
    monkeypatch.delenv("CHAISANG_DATABASE_URL", raising=False)
    monkeypatch.delenv("CHAISANG_DATA_DIR", raising=False)


def pg_url_or_skip() -> str:
    if not PG_URL:
        require_or_skip("CHAISANG_REQUIRE_POSTGIS", "未设置 CHAISANG_TEST_PG_URL（scripts/pg_cluster.sh start …），"
                                                   "跳过 PostgreSQL + PostGIS 测试")
    assert PG_URL
    return PG_URL


class PgSchema:
    """A throw-away schema in the test database; its URL puts it first on the search path."""

    def __init__(self) -> None:
        base = pg_url_or_skip()
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        self.engine = create_engine(base)
        with self.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {self.name}"))
        sep = "&" if "?" in base else "?"
        self.url = f"{base}{sep}options={quote(f'-csearch_path={self.name},public')}"

    def drop(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {self.name} CASCADE"))
        self.engine.dispose()


def new_url(backend: str, tmp: Path, cleanups: list) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'{uuid.uuid4().hex[:8]}.sqlite'}"
    pg = PgSchema()
    cleanups.append(pg.drop)
    return pg.url


@pytest.fixture
def url_factory(tmp_path: Path) -> Iterator:
    """Make fresh empty database URLs: ``url_factory("sqlite" | "postgis")``."""
    cleanups: list = []
    yield lambda backend: new_url(backend, tmp_path, cleanups)
    for c in cleanups:
        c()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgis":
        pg_url_or_skip()
    return request.param


@pytest.fixture
def db_url(backend: str, url_factory) -> str:
    return url_factory(backend)


@pytest.fixture
def store(db_url: str, fixture_dir: Path) -> Iterator[Store]:
    st = open_store(db_url, sample_dir=fixture_dir / "sample", boundaries_dir=fixture_dir / "boundaries")
    yield st
    st.close()


@pytest.fixture
def admin(store: Store) -> User:
    return store.authenticate(ADMIN, ADMIN_PW)


@pytest.fixture
def editor(store: Store, admin: User) -> User:
    return store.create_user(admin, "editor1", "editor-password-1", "editor")


@pytest.fixture
def viewer(store: Store, admin: User) -> User:
    return store.create_user(admin, "viewer1", "viewer-password-1", "viewer")
