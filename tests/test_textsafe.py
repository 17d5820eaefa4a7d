"""The shared sink helpers of textsafe.py: spreadsheet formulas, matplotlib mathtext, Markdown."""

from __future__ import annotations

import io
import re

import pytest
from markdown_it import MarkdownIt
from openpyxl import Workbook, load_workbook

from textsafe import FORMULA_START, csv_text, formula_like, html_text, md, xlsx_append

HOSTILE_CELLS = ['=HYPERLINK("http://203.0.113.9/x","点击")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)",
                 "\t=1+1", "\r=1+1"]
HOSTILE_MD = [
    "![x](http://203.0.113.9/x.png)",
    "[click](javascript:alert(1))",
    "<img src=http://203.0.113.9/y.png>",
    "<http://203.0.113.9/z>",
    "http://203.0.113.9/auto and www.example.org, HTTPS://x.y and mail@example.org",
    "# 标题\n\n- 列表\n1. 编号",
    "**粗体** _斜体_ `代码` ~~删除~~ | 表 |",
    "$x^2$ 与 $$\\foo$$",
    ":red[红色] :material/home: :smile:",
    "a\\b {c} (d) !e. f+g=h",
]


@pytest.mark.parametrize("text", HOSTILE_CELLS)
def test_formula_like_text_is_prefixed_for_csv(text: str) -> None:
    assert formula_like(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["赛城湖口", "W-01", "a=b", 12, -5, -0.5, None, 3.25])
def test_other_values_are_unchanged(value: object) -> None:
    assert not formula_like(value)
    assert csv_text(value) == value


def test_xlsx_cells_keep_the_text_as_a_string_and_numbers_as_numbers() -> None:
    wb = Workbook()
    ws = wb.active
    xlsx_append(ws, ["标题"])
    ws.append([])  # blank rows written with the plain append are kept
    xlsx_append(ws, [*HOSTILE_CELLS, -5, 2.5, None, "普通文本"])
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    row = [c for c in back[3]]
    # (XML reads a carriage return back as a line feed; the cell is still text)
    assert [c.value for c in row[: len(HOSTILE_CELLS)]] == [t.replace("\r", "\n") for t in HOSTILE_CELLS]
    assert all(c.data_type == "s" and c.quotePrefix for c in row[: len(HOSTILE_CELLS)])
    assert (row[7].value, row[7].data_type) == (-5, "n")
    assert (row[8].value, row[8].data_type) == (2.5, "n")
    assert row[9].value is None
    assert (row[10].value, row[10].data_type, row[10].quotePrefix) == ("普通文本", "s", False)
    assert back["A1"].value == "标题" and back["A2"].value is None


def _rendered(text: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md(text))


@pytest.mark.parametrize("text", HOSTILE_MD)
def test_md_text_renders_as_the_characters_typed(text: str) -> None:
    out = _rendered(text)
    assert not re.search(r"<(a|img|h\d|ul|ol|li|em|strong|code|s|del|table)\b", out), out
    # what the reader sees is the text itself (entities decoded, whitespace as in a paragraph)
    import html

    shown = html.unescape(re.sub(r"<[^>]+>", "", out))
    assert " ".join(shown.replace("\u2060", "").split()) == " ".join(text.split())
    # Streamlit (remark-gfm) finds autolinks in the parsed text, escapes or not: its patterns must not match
    assert not re.search(r"(https?://|www(?=\.))([-.\w]+)", shown, re.IGNORECASE), shown
    assert not re.search(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", shown), shown


def test_md_leaves_no_directive_math_or_icon_syntax() -> None:
    out = md(":red[x] :material/home: $y$")
    assert ":" not in out.replace("&#58;", "")
    assert "$" not in out.replace("\\$", "")
    assert "[" not in out.replace("\\[", "")


def test_md_keeps_chinese_text_and_full_width_punctuation() -> None:
    assert md("沙河街道（示意）：超标") == "沙河街道（示意）：超标"


def test_html_text_is_escaped_and_on_one_line() -> None:
    assert html_text('<b>"a"</b>\n\n![x](y)') == "&lt;b&gt;&quot;a&quot;&lt;/b&gt; ![x](y)"


def test_formula_start_is_the_owasp_list() -> None:
    assert set(FORMULA_START) == {"=", "+", "-", "@", "\t", "\r"}
