"""One-click leadership briefing: the month's map, KPIs against the plan, changes, problems, township atlas.

>>> from briefing import build_briefing, load_dataset, render_pdf
>>> b = build_briefing(load_dataset(), "2026-10")
>>> render_pdf(b, "简报.pdf", atlas=True)
"""

from __future__ import annotations

from briefing.errors import BriefingError, FontMissingError
from briefing.fonts import cjk_family
from briefing.model import Briefing, Kpi, build_briefing, build_store_briefing
from briefing.render import (
    PAPER,
    SUMMARY_PAGES,
    page_count,
    pdf_bytes,
    png_bytes,
    render_map_png,
    render_pdf,
    render_png,
)
from briefing.source import entries_path, inspection_plan, load_dataset

__all__ = [
    "PAPER",
    "SUMMARY_PAGES",
    "Briefing",
    "BriefingError",
    "FontMissingError",
    "Kpi",
    "build_briefing",
    "build_store_briefing",
    "cjk_family",
    "entries_path",
    "inspection_plan",
    "load_dataset",
    "page_count",
    "pdf_bytes",
    "png_bytes",
    "render_map_png",
    "render_pdf",
    "render_png",
]
