"""Killing the process in the middle of a large import leaves the store exactly as before."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from store import open_store
from store.backup import dump_tables
from tests.store.conftest import ADMIN, ADMIN_PW

CHILD = Path(__file__).with_name("kill_child.py")


def _big_file(path: Path, rows: int) -> Path:
    lines = ["site_id,time,param,raw,unit,source"]
    for i in range(rows):
        day = i // 3
        lines.append(f"W-A,{2000 + day // 365}-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d} "
                     f"{i % 24:02d}:00,COD,{i % 97 + 0.5},mg/L,auto")
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return path


@pytest.mark.slow
def test_sigkill_mid_import_leaves_store_unchanged(store, db_url, tmp_path: Path) -> None:
    before = dump_tables(store)
    version = store.data_version()
    store.close()
    big = _big_file(tmp_path / "big.csv.gz", 60_000)
    child = subprocess.Popen([sys.executable, str(CHILD), db_url, ADMIN, ADMIN_PW, str(big)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("inserted"), child.stderr.read() if child.stderr else line
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    reopened = open_store(db_url)
    after = dump_tables(reopened)
    # the child's successful login is the only thing that may have been committed before the import began
    after["audit_log"] = [a for a in after["audit_log"] if a["action"] != "login"]
    before["audit_log"] = [a for a in before["audit_log"] if a["action"] != "login"]
    assert after == before
    assert reopened.data_version() == version + 1  # only the login
    # and the store still works: the same file now imports completely
    res = reopened.import_measurements(reopened.authenticate(ADMIN, ADMIN_PW), big)
    assert res.rows == 60_000
    assert reopened.measurement_count() == 36 + 60_000
    reopened.close()
