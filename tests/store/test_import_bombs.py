"""Bombs and unreadable files through the store's import path (both backends): refused, nothing stored.

``Store.import_tasks`` and ``Store.import_measurements`` read the upload with ``store.ingest.read_table``;
before the bounds of geo/unpack.py a gzip task sheet inflated without limit (a 0.9 MB gzip: +2.4 GB) and
pandas' own English texts reached the user.
"""

from __future__ import annotations

import pytest

from store import StoreError
from store.backup import dump_tables
from tests.ingest import bombs

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
CASES = {
    "gzip-bomb": ("tasks.csv.gz", lambda: bombs.csv_gzip_bomb(250 * bombs.MB), "解压后超过 200 MB 上限"),
    "xlsx-bomb": ("tasks.xlsx", bombs.xlsx_sheet_bomb, "解压后超过 200 MB 上限（成员 xl/worksheets/sheet1.xml）"),
    "xlsx-extent": ("tasks.xlsx", bombs.xlsx_extent_bomb, "1048576 行 × 16384 列"),
    "xlsx-entities": ("tasks.xlsx", bombs.xlsx_entity_bomb, "DOCTYPE/ENTITY"),
    "empty": ("tasks.csv", lambda: b"", "为空"),
    "png": ("tasks.csv", lambda: PNG, "不是表格文件（内容是 PNG 图片）"),
    "text-as-xlsx": ("tasks.xlsx", lambda: "任务清单\n见附件\n".encode(), "不是有效的 Excel 文件（内容是纯文本）"),
    "truncated-xlsx": ("tasks.xlsx", lambda: bombs.small_xlsx([["task_id", "title"]])[:300], "不是有效的 Excel 文件"),
    "row-wider-than-header": ("tasks.csv", lambda: b"task_id,title,origin,opened\nT-9,a,b,c,d,e\n",
                              "第 2 行有 6 列，多于表头的 4 列"),
}


def _import(store, editor, kind: str, data: bytes, name: str) -> None:
    if kind == "tasks":
        store.import_tasks(editor, data, file_name=name)
    else:
        store.import_measurements(editor, data, file_name=name)


@pytest.mark.parametrize(("name", "build", "expected"), list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize("kind", ["tasks", "measurements"])
def test_refused_with_one_chinese_message_and_nothing_stored(store, editor, kind, name, build, expected) -> None:
    before = dump_tables(store)
    data = build()
    with bombs.address_space_cap(), pytest.raises(StoreError) as info:
        _import(store, editor, kind, data, name)
    message = str(info.value)
    assert expected in message
    assert message.startswith(f"文件“{name}”：")
    assert "\n" not in message
    assert dump_tables(store) == before
