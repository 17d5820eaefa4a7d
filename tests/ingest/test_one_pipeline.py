"""One table reader, one refused-file error, one result — and bugs are not disguised as damaged files.

Before: ``parse_sheet`` and ``parse_register`` turned any exception (a programming error included) into
``TableReadError: 读取时出错（TypeError）``; ``ingest.tabular.read_table`` refused gzip CSV that the store's
own reader accepted; the parse result had no digest of the upload.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

import ingest.registers
import ingest.sheets
from ingest import ImportFileError, ImportRefusedError, TableReadError, parse_register, parse_sheet, read_table
from ingest.errors import Issue
from store.errors import DuplicateImportError, ImportValidationError, RowProblem, StoreError

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"
SHEET = "点位编号,日期,监测项目,监测值,单位\nW-A,2026-06-15,化学需氧量,5,mg/L\n\nW-A,2026-07-15,化学需氧量,6,mg/L\n"


def _bug(*_args: object, **_kwargs: object) -> None:
    raise TypeError("a programming error, not a bad file")


@pytest.mark.parametrize(("module", "helper", "parse", "path"), [
    (ingest.sheets, "_map_columns", parse_sheet, GOOD / "monthly_wide.xlsx"),
    (ingest.sheets, "_dedupe", parse_sheet, GOOD / "monthly_wide.xlsx"),
    (ingest.registers, "_map_columns", parse_register, GOOD / "register_dms.xlsx"),
    (ingest.registers, "_result", parse_register, GOOD / "register_dms.xlsx"),
])
def test_a_bug_in_a_parser_propagates_instead_of_blaming_the_file(monkeypatch, module, helper, parse, path) -> None:
    monkeypatch.setattr(module, helper, _bug)
    with pytest.raises(TypeError, match="programming error"):
        parse(path)


def test_a_bad_file_is_still_one_chinese_error_naming_it() -> None:
    with pytest.raises(TableReadError) as info:
        parse_sheet(b"\x89PNG\r\n\x1a\n" + bytes(64), filename="月报.xlsx")
    assert isinstance(info.value, ImportFileError)
    assert str(info.value).startswith("文件“月报.xlsx”：不是有效的 Excel 文件")


def test_gzip_csv_is_read_by_the_one_reader_with_the_digest_of_the_upload() -> None:
    raw = SHEET.encode("gb18030")
    packed = gzip.compress(raw, mtime=0)
    table = read_table(packed, filename="月报.csv.gz")
    assert (table.fmt, table.encoding) == ("csv", "gb18030")
    assert table.sha256 == hashlib.sha256(packed).hexdigest()
    result = parse_sheet(packed, filename="月报.csv.gz", known_ids={"W-A"})
    assert result.ok, [str(i) for i in result.errors]
    assert result.sha256 == hashlib.sha256(packed).hexdigest()
    assert (result.rows_read, result.rows, result.batch_id, result.stored) == (2, 2, None, False)
    assert result.preview["value"].tolist() == [5.0, 6.0]
    assert result.preview.index.tolist() == [2, 4]  # Excel rows, the blank line counted


def test_register_result_carries_digest_and_counts() -> None:
    data = (GOOD / "register_dms.xlsx").read_bytes()
    result = parse_register(data, filename="登记表.xlsx")
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.rows == result.rows_read == len(result.preview) > 0


def test_every_refusal_is_an_import_file_error_with_file_row_field() -> None:
    issue = Issue("error", "a.csv", "pH 不能大于 14", 6, "监测值")
    refused = ImportRefusedError([Issue("warning", "a.csv", "提示"), issue])
    assert (refused.file, refused.row, refused.field) == ("a.csv", 6, "监测值")
    bad_row = ImportValidationError("b.csv", [RowProblem(3, "time", "“x”不是日期")])
    assert "文件“b.csv”第 3 行，字段“time”：“x”不是日期" in str(bad_row)
    assert (bad_row.file, bad_row.row, bad_row.field) == ("b.csv", 3, "time")
    unreadable = ImportValidationError.unreadable(TableReadError("c.xlsx", "文件为空"))
    assert str(unreadable) == "文件“c.xlsx”：文件为空"
    dup = DuplicateImportError("d.csv", 7, "2026-06-01 08:00", "六月.csv")
    for exc in (refused, bad_row, unreadable, dup):
        assert isinstance(exc, ImportFileError)
    for exc in (bad_row, unreadable, dup):
        assert isinstance(exc, StoreError)
    assert "第 7 批导入（文件“六月.csv”，2026-06-01 08:00）" in str(dup)
