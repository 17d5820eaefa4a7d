r"""Text set by users or files, made inert for each output sink (one helper per sink, used by every writer).

- Spreadsheets (CSV, xlsx): a text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is a live
  formula in Excel / WPS / LibreOffice (OWASP "CSV injection", e.g. ``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``).
  CSV cells get a leading ``'`` (:func:`csv_text`, :func:`csv_frame`); xlsx cells keep the text exactly and are
  written as string cells with Excel's quote prefix (:func:`xlsx_value`, :func:`xlsx_append`).  Numbers stay
  numbers; only text is changed.
- matplotlib: a ``$…$`` pair starts mathtext (``$\foo$`` raises while drawing).  :data:`LITERAL_TEXT_RC` turns
  math parsing and TeX off for every text created under it (titles, labels, tables, legends, annotations).
- Streamlit Markdown (``st.markdown``, ``st.warning``, ``st.caption``, labels, ``help=`` …): :func:`md` escapes
  every Markdown special so that a link, an image, a heading, ``$math$`` or a ``:color[…]`` / ``:material/…:``
  directive in the text shows as the characters typed.  :func:`html_text` is the counterpart for text inside an
  HTML snippet rendered with ``unsafe_allow_html``.

This module imports nothing from the project, so every package may use it.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet application read a cell as a formula (OWASP)."""

LITERAL_TEXT_RC: dict[str, object] = {"text.parse_math": False, "text.usetex": False}
"""matplotlib rcParams under which every text is drawn as typed (no mathtext, no TeX)."""

# CommonMark lets any ASCII punctuation be backslash-escaped.  ':' is written as an entity instead: Streamlit
# turns ':material/…:' and ':emoji:' into icons by matching the parsed text, where a backslash is already gone.
_MD_ESCAPES = {c: "\\" + c for c in string.punctuation if c != ":"} | {":": "&#58;"}
_MD_TABLE = str.maketrans(_MD_ESCAPES)
# GFM autolinks (``http://…``, ``www.…``, ``a@b.c``) are also found in the parsed text, so escapes cannot stop
# them: an invisible WORD JOINER (U+2060) goes where the pattern needs its ``//``, its ``.`` or its ``@``.
_WORD_JOINER = "\u2060"
_AUTOLINK_SPOTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


# ---- spreadsheets ---------------------------------------------------------------------------------------------
def formula_like(value: object) -> bool:
    """Whether ``value`` is a text a spreadsheet would evaluate (starts with = + - @ tab or CR)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value: Any) -> Any:
    """``value`` for a CSV cell: formula-like text gets a leading ``'``; anything else is returned unchanged."""
    return "'" + value if formula_like(value) else value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every formula-like text cell (and header) neutralised for CSV."""
    out = frame.map(csv_text)
    out.columns = [csv_text(c) for c in frame.columns]
    return out


def xlsx_value(cell: Cell, value: Any) -> None:
    """Set ``cell`` to ``value``; text is always a string cell, formula-like text also gets the quote prefix."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store '=…' as a formula
        if formula_like(value):
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def xlsx_append(ws: Worksheet, values: Iterable[Any]) -> None:
    """Append one row to ``ws`` like ``ws.append``, each text cell set through :func:`xlsx_value`."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = Cell(ws)
        xlsx_value(cell, value)
        cells.append(cell)
    ws.append(cells)


# ---- Markdown / HTML --------------------------------------------------------------------------------------------
def md(text: object) -> str:
    """``text`` for a Streamlit Markdown sink: every Markdown, HTML, math and directive character escaped.

    The reader sees the characters typed (plus invisible word joiners that keep URLs and e-mail addresses from
    becoming links).
    """
    return _AUTOLINK_SPOTS.sub(_WORD_JOINER, str(text)).translate(_MD_TABLE)


def html_text(text: object) -> str:
    """``text`` for an HTML snippet shown with ``unsafe_allow_html``: escaped and on one line.

    (A blank line would end the HTML block and let the rest be read as Markdown.)
    """
    return html.escape(" ".join(str(text).split()), quote=True)
