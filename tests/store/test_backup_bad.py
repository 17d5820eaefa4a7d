"""A bad backup archive is refused with one Chinese message naming archive, member, row and field, and the
target store is left exactly as it was (row for row on both backends; byte for byte for the SQLite file)."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from store import Store, open_store
from store import schema as s
from store.backup import export_archive, restore_archive
from store.errors import BackupFormatError

Members = dict[str, bytes]


def _members(path: Path) -> Members:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _write(members: Members, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _lines(m: Members, member: str) -> list[dict]:
    return [json.loads(line) for line in m[member].splitlines() if line.strip()]


def _set_lines(m: Members, member: str, rows: list[dict], count: int | None = None) -> None:
    m[member] = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)
    if count is not None:
        manifest = json.loads(m["manifest.json"])
        manifest["tables"][member.removeprefix("tables/").removesuffix(".jsonl")] = count
        m["manifest.json"] = json.dumps(manifest).encode()


def _missing_member(m: Members) -> None:
    del m["tables/sites.jsonl"]


def _bad_json(m: Members) -> None:
    lines = m["tables/sites.jsonl"].splitlines()
    lines[1] = b'{"site_id": "W-L", "name": '
    m["tables/sites.jsonl"] = b"\n".join(lines) + b"\n"


def _missing_key(m: Members) -> None:
    rows = _lines(m, "tables/sites.jsonl")
    del rows[2]["name"]
    _set_lines(m, "tables/sites.jsonl", rows)


def _duplicate_site(m: Members) -> None:
    rows = _lines(m, "tables/sites.jsonl")
    _set_lines(m, "tables/sites.jsonl", [*rows, rows[0]], len(rows) + 1)


def _duplicate_measurement(m: Members) -> None:
    rows = _lines(m, "tables/measurements.jsonl")
    _set_lines(m, "tables/measurements.jsonl", [*rows[:5], rows[3], *rows[5:]], len(rows) + 1)


def _infinity(m: Members) -> None:
    rows = _lines(m, "tables/sites.jsonl")
    assert rows[1]["geom"]["type"] == "Point"
    rows[1]["geom"]["coordinates"] = [float("inf"), float("inf")]
    _set_lines(m, "tables/sites.jsonl", rows)
    assert b'"coordinates": [Infinity, Infinity]' in m["tables/sites.jsonl"]  # what json.dumps writes


def _point_township(m: Members) -> None:
    rows = _lines(m, "tables/boundary_features.jsonl")
    rows[0]["geom"] = {"type": "Point", "coordinates": [115.9, 29.6]}
    _set_lines(m, "tables/boundary_features.jsonl", rows)


def _wrong_type(m: Members) -> None:
    rows = _lines(m, "tables/measurements.jsonl")
    rows[1]["time"] = 20250115
    _set_lines(m, "tables/measurements.jsonl", rows)


def _missing_evidence(m: Members) -> None:
    rows = _lines(m, "tables/tasks.jsonl")
    ev = {"id": 1, "task_id": rows[0]["task_id"], "file_name": "a.jpg", "content_type": "image/jpeg",
          "sha256": hashlib.sha256(b"x").hexdigest(), "size": 1, "data": None, "username": "admin",
          "created_at": "2026-01-01T00:00:00"}
    _set_lines(m, "tables/task_evidence.jsonl", [ev], 1)


MUTATIONS: dict[str, tuple[Callable[[Members], None], tuple[str, ...]]] = {
    "member missing": (_missing_member, ("成员“tables/sites.jsonl”", "缺少此成员")),
    "bad JSON": (_bad_json, ("成员“tables/sites.jsonl”第 2 行", "不是有效的 JSON")),
    "missing key": (_missing_key, ("成员“tables/sites.jsonl”第 3 行，字段“name”", "缺少此字段")),
    "duplicate site id": (_duplicate_site, ("成员“tables/sites.jsonl”第 6 行，字段“site_id”", "重复")),
    "duplicate measurement id": (_duplicate_measurement, ("成员“tables/measurements.jsonl”第 6 行，字段“id”", "重复")),
    "Infinity coordinate": (_infinity, ("成员“tables/sites.jsonl”第 2 行，字段“geom”", "非有限数值")),
    "point in townships": (_point_township, ("成员“tables/boundary_features.jsonl”第 1 行，字段“geom”",
                                             "边界图层“townships”只允许")),
    "wrong type": (_wrong_type, ("成员“tables/measurements.jsonl”第 2 行，字段“time”", "不是 ISO")),
    "evidence missing": (_missing_evidence, ("成员“tables/task_evidence.jsonl”第 1 行，字段“data”", "evidence/1.bin")),
}


def _snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table (metadata included), in a stable order."""
    out = {}
    with store.engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted(tuple(repr(v) for v in r) for r in rows)
    return out


def _file_digest(db_url: str) -> str | None:
    if not db_url.startswith("sqlite:///"):
        return None
    return hashlib.sha256(Path(db_url.removeprefix("sqlite:///")).read_bytes()).hexdigest()


@pytest.fixture
def good(store: Store, admin, tmp_path: Path) -> Path:
    export_archive(store, tmp_path / "good.zip")
    return tmp_path / "good.zip"


def _assert_refused(url: str, archive: Path, expected: tuple[str, ...], **kw: int) -> None:
    target = open_store(url, initialise=False)
    target.close()
    digest = _file_digest(url)
    target = open_store(url, initialise=False)
    before = _snapshot(target)
    with pytest.raises(BackupFormatError) as exc:
        restore_archive(target, archive, **kw)
    message = str(exc.value)
    assert f"备份文件“{archive.name}”" in message and "未恢复任何数据" in message
    for part in expected:
        assert part in message, message
    assert _snapshot(target) == before
    target.close()
    assert _file_digest(url) == digest


@pytest.mark.parametrize("case", list(MUTATIONS))
def test_a_bad_archive_is_named_and_changes_nothing(case, good, url_factory, backend, tmp_path: Path) -> None:
    mutate, expected = MUTATIONS[case]
    members = _members(good)
    mutate(members)
    _assert_refused(url_factory(backend), _write(members, tmp_path / "bad.zip"), expected)


def test_a_truncated_or_foreign_file_is_refused(good, url_factory, backend, tmp_path: Path) -> None:
    url = url_factory(backend)
    data = good.read_bytes()
    (tmp_path / "bad.zip").write_bytes(data[: len(data) // 2])
    _assert_refused(url, tmp_path / "bad.zip", ("不是 zip 文件或文件已损坏",))
    (tmp_path / "bad.zip").write_bytes("用户名,密码\n".encode() * 10)
    _assert_refused(url, tmp_path / "bad.zip", ("不是 zip 文件或文件已损坏",))
    # a member cut short inside an intact directory: the bytes do not decompress (or fail their CRC)
    members = _members(good)
    with zipfile.ZipFile(tmp_path / "bad.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    raw = bytearray((tmp_path / "bad.zip").read_bytes())
    info = zipfile.ZipFile(tmp_path / "bad.zip").getinfo("tables/sites.jsonl")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start: start + info.compress_size] = bytes(info.compress_size)  # zeroed deflate stream
    (tmp_path / "bad.zip").write_bytes(bytes(raw))
    _assert_refused(url, tmp_path / "bad.zip", ("成员“tables/sites.jsonl”", "无法解压"))


def _bomb(good: Path, path: Path, *, lie: bool) -> Path:
    members = _members(good)
    members["tables/audit_log.jsonl"] = b" " * (64 * 1024 * 1024)  # 64 MB of blanks, ~64 KB deflated
    _write(members, path)
    if lie:  # claim 1 000 bytes in both headers of the member
        raw = bytearray(path.read_bytes())
        info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("tables/audit_log.jsonl")
        struct.pack_into("<I", raw, info.header_offset + 22, 1000)
        central, pos = -1, 0
        while (pos := raw.find(b"PK\x01\x02", pos)) >= 0:
            name_len = struct.unpack_from("<H", raw, pos + 28)[0]
            if raw[pos + 46: pos + 46 + name_len] == b"tables/audit_log.jsonl":
                struct.pack_into("<I", raw, pos + 24, 1000)
                central = pos
            pos += 4
        assert central > 0
        path.write_bytes(bytes(raw))
    return path


def test_a_zip_bomb_is_refused_before_it_is_expanded(good, url_factory, backend, tmp_path: Path) -> None:
    url = url_factory(backend)
    bomb = _bomb(good, tmp_path / "bomb.zip", lie=False)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    _assert_refused(url, bomb, ("超过恢复上限", "压缩炸弹"), max_bytes=16 * 1024 * 1024)
    liar = _bomb(good, tmp_path / "liar.zip", lie=True)
    assert zipfile.ZipFile(liar).getinfo("tables/audit_log.jsonl").file_size == 1000
    _assert_refused(url, liar, ("成员“tables/audit_log.jsonl”",), max_bytes=16 * 1024 * 1024)


def test_the_good_archive_still_restores(good, url_factory, backend) -> None:
    target = open_store(url_factory(backend), initialise=False)
    counts = restore_archive(target, good)
    assert counts["sites"] == 5 and counts["measurements"] == 36
    target.close()
