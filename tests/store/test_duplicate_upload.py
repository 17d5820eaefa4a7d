"""Duplicate uploads are recognised by the SHA-256 of the uploaded bytes, whatever path they take (both backends).

Before: the import page parsed the upload (``ingest.parse_sheet``) and handed the store the parsed frame,
which hashed ``DataFrame.to_csv()`` — so the batch's SHA-256 was not the file's and the same file imported
once as bytes and once through the page was not recognised.
"""

from __future__ import annotations

import gzip
import hashlib

import pytest

from ingest import ImportFileError, ImportResult, parse_sheet
from store import DuplicateImportError, ImportValidationError
from store.backup import dump_tables
from ui.imports import stored_overlap

SHEET = "点位编号,日期,监测项目,监测值,单位\nW-A,2026-06-15,化学需氧量,5,mg/L\nW-A,2026-07-15,化学需氧量,6,mg/L\n"
DATA = SHEET.encode("utf-8")


def _parsed(data: bytes, name: str) -> ImportResult:
    result = parse_sheet(data, filename=name, known_ids={"W-A"})
    assert result.ok, [str(i) for i in result.errors]
    return result


def test_the_batch_records_the_sha256_of_the_uploaded_bytes(store, editor) -> None:
    res = store.import_measurements(editor, _parsed(DATA, "六月.csv"))
    assert res.stored and res.batch_id is not None
    assert (res.rows, res.rows_read, res.file) == (2, 2, "六月.csv")
    assert res.sha256 == hashlib.sha256(DATA).hexdigest()
    batch = store.import_batches().set_index("id").loc[res.batch_id]
    assert batch["sha256"] == hashlib.sha256(DATA).hexdigest()
    assert store.find_import(hashlib.sha256(DATA).hexdigest())["id"] == res.batch_id


#: A long-form sheet both paths read: the store's own reader (bytes) and the page's parse_sheet (parsed frame).
LONG = b"site_id,time,param,value,unit,source\nW-A,2026-06-15,COD,5,mg/L,manual\n"


def _upload(store, editor, path: str, data: bytes, name: str) -> ImportResult:
    if path == "bytes":
        return store.import_measurements(editor, data, file_name=name)
    return store.import_measurements(editor, _parsed(data, name))


@pytest.mark.parametrize(("first", "again"), [("bytes", "page"), ("page", "bytes"), ("page", "page")])
def test_the_same_bytes_again_are_refused_naming_the_earlier_batch(store, editor, first: str, again: str) -> None:
    earlier = _upload(store, editor, first, LONG, "六月.csv")
    before = dump_tables(store)
    with pytest.raises(DuplicateImportError) as info:
        _upload(store, editor, again, LONG, "六月副本.csv")
    message = str(info.value)
    assert message.startswith("文件“六月副本.csv”：")
    assert f"第 {earlier.batch_id} 批导入（文件“六月.csv”" in message and "已拒绝重复导入" in message
    assert info.value.batch_id == earlier.batch_id
    assert isinstance(info.value, ImportFileError) and info.value.file == "六月副本.csv"
    assert dump_tables(store) == before


def test_the_same_rows_in_another_encoding_pass_the_hash_and_are_caught_row_by_row(store, editor) -> None:
    store.import_measurements(editor, _parsed(DATA, "六月.csv"))
    for other in (SHEET.encode("gb18030"), gzip.compress(DATA, mtime=0)):
        again = _parsed(other, "六月.csv")
        assert again.sha256 != hashlib.sha256(DATA).hexdigest()
        assert store.find_import(again.sha256) is None  # not the same upload ...
        stored = store.measurements(["W-A"])
        assert stored_overlap(again.preview, stored) == 2  # ... but every value is flagged as already stored


def test_an_unreadable_upload_is_one_refused_file_error(store, editor) -> None:
    before = dump_tables(store)
    with pytest.raises(ImportValidationError) as info:
        store.import_measurements(editor, gzip.compress(b"")[:-3], file_name="坏.csv.gz")
    assert isinstance(info.value, ImportFileError)
    assert str(info.value) == "文件“坏.csv.gz”：gzip 压缩文件已损坏或不完整，无法解压"
    assert dump_tables(store) == before
