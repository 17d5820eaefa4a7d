"""Reading the live Leaflet map inside the st_folium component iframe (streamlit-folium sets window.map)."""

from __future__ import annotations

import itertools
from typing import Any

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
_tokens = itertools.count(1)

# In the page: mark the first map iframe in which ``predicate`` (a function source, evaluated in the frame's own
# window, so ``window`` and ``document`` are the frame's) holds. The component frames are same-origin.
_MARK_FRAME_JS = """
([selector, predicate, token]) => {
  for (const el of document.querySelectorAll(selector)) {
    try {
      const w = el.contentWindow;
      if (w && w.document && w.Function('return (' + predicate + ')()')()) {
        el.setAttribute('data-frame-match', token);
        return true;
      }
    } catch (e) { /* a frame being replaced by a rerun */ }
  }
  return false;
}
"""

SITE_FEATURES_JS = """
() => {
  const out = {};
  if (!window.map) return [];
  window.map.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.site_id !== undefined && !(p.site_id in out)) {
      const ll = l.getLatLng ? l.getLatLng() : (l.getBounds ? l.getBounds().getCenter() : null);
      out[p.site_id] = {site_id: p.site_id, status: p.status, status_label: p.status_label,
                        kind: p.kind, name: p.name, lat: ll && ll.lat, lng: ll && ll.lng};
    }
  });
  return Object.values(out);
}
"""


def wait_for_map_frame(page: Any, timeout: float = 60_000) -> Any:
    """The component frame once its Leaflet map has loaded."""
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=timeout)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function("() => window.map && window.map._loaded", timeout=timeout)
    return frame


def frame_where(page: Any, predicate_js: str, timeout: float = 60_000, selector: str = MAP_IFRAME) -> Any:
    """The component frame (``selector``) once ``predicate_js`` holds in it: a wait on state in the page, no sleeps
    (the iframe is re-rendered after a rerun, so whichever frame is current is checked on every animation frame)."""
    token = str(next(_tokens))
    page.wait_for_function(_MARK_FRAME_JS, arg=[selector, predicate_js, token], timeout=timeout)
    frame = page.locator(f'iframe[data-frame-match="{token}"]').element_handle(timeout=timeout).content_frame()
    if frame is None:
        raise AssertionError(f"the frame matching {predicate_js} went away")
    return frame


def site_features(frame: Any) -> list[dict[str, Any]]:
    """Every distinct site feature drawn on the map, with its properties and position."""
    return list(frame.evaluate(SITE_FEATURES_JS))


def count_site_features(frame: Any) -> int:
    """Number of distinct site features drawn on the map."""
    return len(site_features(frame))


def wait_for_sites(frame: Any, timeout: float = 60_000) -> list[dict[str, Any]]:
    """Wait until at least one site feature is drawn; return them all."""
    frame.wait_for_function(f"() => ({SITE_FEATURES_JS})().length > 0", timeout=timeout)
    return site_features(frame)


def legend_counts(frame: Any) -> dict[str, int]:
    """Status → count as shown by the legend (its data attributes)."""
    return dict(
        frame.evaluate(
            """() => Array.from(document.querySelectorAll('[data-status][data-count]'))
                 .map(e => [e.dataset.status, parseInt(e.dataset.count, 10)])"""
        )
    )
