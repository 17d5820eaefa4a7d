"""Small HTML snippets for Streamlit markdown (labels are escaped)."""

from __future__ import annotations

import html


def swatch_table(items: list[tuple[str, str]]) -> str:
    """An inline list of colour swatches with their labels."""
    cells = "".join(
        f'<span style="display:inline-block;margin:2px 12px 2px 0">'
        f'<span style="display:inline-block;width:14px;height:14px;border-radius:7px;'
        f'background:{html.escape(color)};border:1px solid #555;vertical-align:middle"></span> '
        f"{html.escape(label)}</span>"
        for label, color in items
    )
    return f"<div>{cells}</div>"
