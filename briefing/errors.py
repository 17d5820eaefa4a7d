"""Errors of the briefing package; messages are Chinese because they reach users unchanged."""

from __future__ import annotations


class BriefingError(ValueError):
    """Base class: a briefing that cannot be produced as asked."""


class FontMissingError(BriefingError):
    """No font with Chinese glyphs is installed, so Chinese text would print as boxes."""
