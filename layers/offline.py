"""Point folium (and the plugins the project uses) at the vendored assets, and find off-server URLs in HTML.

folium keeps its CDN links as class attributes (``default_js`` / ``default_css``) of ``folium.Map`` and of
every plugin class; ``st_folium`` and ``Map.get_root().render()`` both read them from there.
``use_local_assets`` replaces them with URLs under ``base_url`` (``/app/static/vendor`` = ``./static/vendor``
served by Streamlit with ``server.enableStaticServing = true``).  Every other class whose links are the same
files (Vega and the time plugins list jQuery 3.7.1 too) is rewritten as well; what stays remote is reported
by ``remote_assets()``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

import folium
import folium.plugins
from folium.elements import JSCSSMixin

from layers.assets import CLASS_ASSETS, EXTRA_MAP_JS

DEFAULT_BASE_URL = "/app/static/vendor"

Links = list[tuple[str, str]]

# class -> (original default_js, default_css), captured once: repeated calls start from folium's lists
_ORIGINALS: dict[type, tuple[Links, Links]] = {}


def _all_asset_classes() -> Iterator[type]:
    """Every class that can carry default_js/default_css links (JSCSSMixin subclasses), each once."""
    seen: set[type] = set()
    stack = [JSCSSMixin]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                yield sub


def _originals(cls: type) -> tuple[Links, Links]:
    """Folium's own link lists of ``cls`` (copies taken before the first rewrite)."""
    if cls not in _ORIGINALS:
        _ORIGINALS[cls] = (list(getattr(cls, "default_js", [])), list(getattr(cls, "default_css", [])))
    return _ORIGINALS[cls]


def _vendored_classes() -> dict[type, dict[str, str]]:
    """Resolve the classes of ``CLASS_ASSETS``."""
    return {getattr(importlib.import_module(mod), name): paths for (mod, name), paths in CLASS_ASSETS.items()}


def _url_map(base_url: str) -> dict[str, str]:
    """Original CDN URL -> local URL, for every asset that is vendored."""
    mapping: dict[str, str] = {}
    for cls, paths in _vendored_classes().items():
        js, css = _originals(cls)
        for name, url in js + css:
            if name in paths:
                mapping[url] = f"{base_url}/{paths[name]}"
    return mapping


def _rewrite(links: Links, mapping: dict[str, str]) -> Links:
    return [(name, mapping.get(url, url)) for name, url in links]


def use_local_assets(base_url: str = DEFAULT_BASE_URL) -> None:
    """Serve Leaflet, folium's defaults and the plugins from ``base_url`` instead of public CDNs (idempotent).

    Parameters
    ----------
    base_url
        URL prefix under which ``static/vendor/`` is served, without a trailing slash; prefix
        ``server.baseUrlPath`` when Streamlit runs under one (e.g. ``/eco/app/static/vendor``).
    """
    base_url = base_url.rstrip("/")
    mapping = _url_map(base_url)
    for cls in _all_asset_classes():
        if "default_js" not in vars(cls) and "default_css" not in vars(cls):
            continue  # inherits its links
        js, css = _originals(cls)
        new_js = _rewrite(js, mapping)
        if cls is folium.Map:
            new_js += [(name, f"{base_url}/{path}") for name, path in EXTRA_MAP_JS.items()]
        # new lists, never in-place: JSCSSMixin.add_js_link mutates the class list it is given
        cls.default_js = new_js  # type: ignore[attr-defined]
        cls.default_css = _rewrite(css, mapping)  # type: ignore[attr-defined]


def remote_assets() -> list[tuple[str, str, str]]:
    """(class, resource name, URL) of every folium/plugin link that still points off the server."""
    found = []
    for cls in _all_asset_classes():
        for name, url in [*getattr(cls, "default_js", []), *getattr(cls, "default_css", [])]:
            if _is_offsite(url):
                found.append((f"{cls.__module__}.{cls.__qualname__}", name, url))
    return sorted(set(found))


_ATTR_RE = re.compile(r"""\b(?:src|href)\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_CSS_URL_RE = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""", re.IGNORECASE)
_STRING_URL_RE = re.compile(r"""(["'])((?:https?:)?//[^"'\s<>]+)\1""", re.IGNORECASE)
_OFFSITE_RE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def _is_offsite(url: str, same_origin: str | None = None) -> bool:
    if not _OFFSITE_RE.match(url):
        return False
    return not (same_origin and url.strip().lower().startswith(same_origin.rstrip("/").lower() + "/"))


def offsite_urls(html: str, *, same_origin: str | None = None) -> list[str]:
    """Every URL in ``html`` that would leave the server, in order of first appearance, without duplicates.

    Looks at ``src=`` / ``href=`` attributes, CSS ``url(...)`` and quoted ``http(s)://`` or ``//`` strings in
    scripts (tile URL templates live there).  Relative and root-relative URLs, ``data:`` and ``#`` are
    on-server.

    Parameters
    ----------
    html
        A rendered page, e.g. ``m.get_root().render()``.
    same_origin
        Optional ``scheme://host:port`` of the app; absolute URLs under it count as on-server.
    """
    found: dict[str, None] = {}
    for regex in (_ATTR_RE, _CSS_URL_RE, _STRING_URL_RE):
        for match in regex.finditer(html):
            url = match.group(2)
            if _is_offsite(url, same_origin):
                found.setdefault(url.strip(), None)
    return list(found)


def use_cdn_assets() -> None:
    """Undo ``use_local_assets``: give every rewritten class folium's own CDN links back (tests, online use)."""
    for cls, (js, css) in _ORIGINALS.items():
        cls.default_js = list(js)  # type: ignore[attr-defined]
        cls.default_css = list(css)  # type: ignore[attr-defined]
