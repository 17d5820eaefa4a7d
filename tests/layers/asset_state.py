"""Snapshot and restore folium's class-level asset lists around tests that rewrite them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from folium.elements import JSCSSMixin


def _classes() -> list[type]:
    found, stack = [], [JSCSSMixin]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                stack.append(sub)
    return found


@contextmanager
def preserved_assets() -> Iterator[None]:
    """Restore every class's own default_js/default_css exactly as they were."""
    saved = {cls: {k: vars(cls)[k] for k in ("default_js", "default_css") if k in vars(cls)} for cls in _classes()}
    try:
        yield
    finally:
        for cls, attrs in saved.items():
            for key in ("default_js", "default_css"):
                if key in attrs:
                    setattr(cls, key, attrs[key])
                elif key in vars(cls):
                    delattr(cls, key)
