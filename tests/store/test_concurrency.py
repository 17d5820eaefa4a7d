from __future__ import annotations

import threading

from store import ConcurrentEditError, open_store
from tests.store.conftest import ADMIN, ADMIN_PW


def test_racing_saves_of_the_same_version_one_wins(store, db_url, admin, editor) -> None:
    """Several sessions (own connections, own Store objects) save version 1 at the same moment."""
    stores = [open_store(db_url) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    outcome: list[str] = []

    def save(i: int) -> None:
        barrier.wait()
        try:
            stores[i].update_site(admin if i % 2 else editor, "W-A", {"name": f"版本{i}"}, expected_version=1)
            outcome.append(f"版本{i}")
        except ConcurrentEditError:
            outcome.append("refused")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [o for o in outcome if o != "refused"]
    assert len(outcome) == 4 and len(winners) == 1
    site = store.get_site("W-A")
    assert site["name"] == winners[0] and site["version"] == 2
    assert len(store.audit_log(admin, entity="site", action="update")) == 1
    for s in stores:
        s.close()


def test_parallel_imports_all_arrive(store, db_url) -> None:
    stores = [open_store(db_url) for _ in range(3)]
    users = [s.authenticate(ADMIN, ADMIN_PW) for s in stores]
    errors: list[Exception] = []

    def run(i: int) -> None:
        try:
            for k in range(3):
                data = f"site_id,time,param,raw\nW-A,2026-0{k + 1}-0{i + 1},COD,{i}.{k}\n".encode()
                stores[i].import_measurements(users[i], data, file_name=f"{i}-{k}.csv")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert store.measurement_count() == 36 + 9
    assert len(store.import_batches()) == 1 + 2 + 9  # seed (measurements, tasks, progress) + 9
    for s in stores:
        s.close()


def test_simultaneous_first_runs_create_and_seed_once(url_factory, backend, fixture_dir) -> None:
    url = url_factory(backend)
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def first_run() -> None:
        barrier.wait()
        try:
            open_store(url, sample_dir=fixture_dir / "sample", boundaries_dir=fixture_dir / "boundaries").close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first_run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    st = open_store(url)
    assert st.measurement_count() == 36 and len(st.list_sites()) == 5 and len(st.list_users()) == 1
    st.close()
