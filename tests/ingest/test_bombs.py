"""Decompression bombs against every reader of user files: one Chinese message, and memory stays flat.

Each case runs in a child process (so a failing reader cannot take the test run down with it): the child
imports everything, builds the bomb in memory, caps its address space at its current size + 1.5 GB and
reports the reader's outcome and the growth of its peak resident memory.  Before the bounds in geo/unpack.py,
a 0.9 MB gzip task sheet took the server +2.4 GB and a 1 MB xlsx +1.9 GB; a two-cell xlsx spanning
A1:XFD1048576 aborted the whole process inside python-calamine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from geo.unpack import MAX_INFLATED_BYTES, MAX_KML_BYTES
from tests.ingest import bombs

ROOT = Path(__file__).resolve().parents[2]
#: Allowed growth of peak RSS while refusing a bomb (the bombs inflate to 1 GB).
MAX_GROWTH_MB = 150

CHILD = textwrap.dedent(
    """
    import json, resource, sys
    sys.path.insert(0, {root!r})
    import openpyxl, python_calamine, xlrd  # noqa: F401  (every parser library loaded before measuring)
    import geo.io, ingest, store.ingest
    from tests.ingest import bombs

    data = getattr(bombs, {builder!r})(*{args!r})
    name = {name!r}
    readers = {{
        "sheet": lambda: ingest.parse_sheet(data, filename=name),
        "register": lambda: ingest.parse_register(data, filename=name),
        "tasks": lambda: store.ingest.read_frame(store.ingest.LoadedFile(name, data)),
        "vector": lambda: geo.io.read_vector(data, filename=name),
    }}
    vm = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (vm + 1_500_000_000, vm + 1_500_000_000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        readers[{reader!r}]()
        outcome = ("returned", "")
    except BaseException as exc:
        outcome = (type(exc).__name__, str(exc))
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(json.dumps({{"error": outcome[0], "message": outcome[1], "growth_mb": growth, "size": len(data)}}))
    """
)


def run_child(reader: str, builder: str, args: tuple, name: str) -> dict:
    code = CHILD.format(root=str(ROOT), builder=builder, args=args, name=name, reader=reader)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240, check=False)
    assert proc.returncode == 0, f"reader crashed (rc {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


LIMIT = f"解压后超过 {MAX_INFLATED_BYTES // 1_000_000} MB 上限"
SHEET = "（成员 xl/worksheets/sheet1.xml）"
TABLE_ERRORS = {"sheet": "TableReadError", "register": "TableReadError", "tasks": "ImportValidationError"}
CASES = [
    # (reader, builder, args, file name, expected substring)
    *[(r, "xlsx_sheet_bomb", (), "月报.xlsx", LIMIT + SHEET) for r in TABLE_ERRORS],
    *[(r, "xlsx_sheet_bomb", (1000 * bombs.MB, 5000), "月报.xlsx", LIMIT + SHEET) for r in TABLE_ERRORS],
    *[(r, "xlsx_extent_bomb", (), "台账.xlsx", "1048576 行 × 16384 列") for r in TABLE_ERRORS],
    ("tasks", "csv_gzip_bomb", (), "整改任务.csv.gz", LIMIT),
    ("tasks", "csv_gzip_bomb", (), "整改任务.csv", LIMIT),
    # the one table reader inflates gzip CSV for every parser, in the same counting stream
    ("sheet", "csv_gzip_bomb", (), "月报.csv.gz", LIMIT),
    ("register", "csv_gzip_bomb", (), "登记表.csv.gz", LIMIT),
    ("vector", "kmz_bomb", (), "巡查.kmz", LIMIT + "（成员 doc.kml）"),
    ("vector", "kmz_bomb", (MAX_KML_BYTES + 20 * bombs.MB,), "巡查.kmz",
     f"KML 文档超过 {MAX_KML_BYTES // 1_000_000} MB 上限（成员 doc.kml）"),
    ("vector", "shp_zip_bomb", (), "乡镇.zip", LIMIT + "（成员 a.dbf）"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("reader", "builder", "args", "name", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{'lying' if len(c[2]) > 1 else c[3]}" for c in CASES])
def test_bomb_is_refused_with_flat_memory(reader: str, builder: str, args: tuple, name: str, expected: str) -> None:
    out = run_child(reader, builder, args, name)
    assert out["size"] < 4_000_000, "the bomb itself is small"
    assert out["error"] == TABLE_ERRORS.get(reader, "UnpackLimitError"), out
    assert expected in out["message"], out["message"]
    assert f"“{name}”" in out["message"]
    assert out["growth_mb"] < MAX_GROWTH_MB, f"peak memory grew {out['growth_mb']:.0f} MB"


def test_lying_directory_is_no_way_past_the_limit() -> None:
    """A zip directory that declares 100 bytes for a 300 MB member: the counting stream decides, not the header."""
    import io
    import zipfile

    from geo.unpack import UnpackLimitError, check_zip

    sheet = bombs.deflate_repeated(b"<a>", b" " * bombs.MB, 300, b"</a>")
    data = bombs.zip_of({"doc.kml": sheet}, {"doc.kml": 100})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.infolist()[0].file_size == 100
        with pytest.raises(UnpackLimitError, match=r"（成员 doc.kml）"):
            check_zip(zf, "x.kmz")


def test_understated_member_within_the_limit_is_a_damaged_archive() -> None:
    import io
    import zipfile

    from geo.unpack import check_zip

    data = bombs.zip_of({"doc.kml": bombs.deflate(b"<kml>" + b" " * 5000 + b"</kml>")}, {"doc.kml": 10})
    with zipfile.ZipFile(io.BytesIO(data)) as zf, pytest.raises(zipfile.BadZipFile):
        check_zip(zf, "x.kmz")


def test_gunzip_keeps_ordinary_files_and_multi_member_streams() -> None:
    import gzip

    from geo.unpack import UnpackLimitError, gunzip

    assert gunzip(gzip.compress(b"a,b\n") + gzip.compress(b"1,2\n"), "x.csv.gz") == b"a,b\n1,2\n"
    with pytest.raises(UnpackLimitError, match="解压后超过 0 MB 上限"):
        gunzip(gzip.compress(b"x" * 1000), "x.csv.gz", limit=999)
    with pytest.raises(EOFError):
        gunzip(gzip.compress(b"x" * 1000)[:-12], "x.csv.gz")


def test_ordinary_workbook_still_reads_through_the_bounds() -> None:
    from ingest.tabular import read_table

    table = read_table(bombs.small_xlsx([["点位编号", "日期"], ["W-01", "2026-10-15"]]), filename="a.xlsx")
    assert table.rows == [["点位编号", "日期"], ["W-01", "2026-10-15"]]
