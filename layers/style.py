"""Shared Leaflet style options, built from the one status palette (compliance.status); no colours here.

Context layers (district, neighbours, townships) reuse palette entries too: the district outline and township
lines take the neutral greys of ``Status.STALE`` / ``Status.NODATA``, so a palette change reaches every layer.
"""

from __future__ import annotations

from typing import Any

from compliance.status import STATUS_STYLE, Status, status_color

PathOptions = dict[str, Any]

POINT_RADIUS = 7  # px, circle markers of sites


def path_options(
    color: str,
    *,
    weight: float = 2,
    opacity: float = 1.0,
    fill: bool = True,
    fill_color: str | None = None,
    fill_opacity: float = 0.35,
    dash_array: str | None = None,
) -> PathOptions:
    """Leaflet path options (camelCase keys, as folium's style functions return them)."""
    options: PathOptions = {
        "color": color,
        "weight": weight,
        "opacity": opacity,
        "fill": fill,
        "fillColor": fill_color or color,
        "fillOpacity": fill_opacity if fill else 0,
    }
    if dash_array:
        options["dashArray"] = dash_array
    return options


def status_path_options(status: Status | str, geom_type: str) -> PathOptions:
    """Style of a site feature by status: filled circle for points, thick line, translucent area."""
    color = status_color(status)
    if geom_type in ("LineString", "MultiLineString"):
        return path_options(color, weight=5, fill=False)
    if geom_type in ("Polygon", "MultiPolygon"):
        return path_options(color, weight=2, fill_opacity=0.3)
    return {**path_options(color, weight=1.5, fill_opacity=0.85), "radius": POINT_RADIUS}


def highlight_options() -> PathOptions:
    """Hover highlight: thicker outline, stronger fill; colour unchanged."""
    return {"weight": 4, "fillOpacity": 0.95}


def district_options() -> PathOptions:
    """Outline of 柴桑区: dark, solid, unfilled."""
    return path_options(STATUS_STYLE[Status.STALE].color, weight=3, fill=False)


def neighbour_options() -> PathOptions:
    """Neighbouring districts: light, dashed, faint fill (context only)."""
    color = STATUS_STYLE[Status.NODATA].color
    return path_options(color, weight=1, dash_array="4 4", fill_opacity=0.05)


def township_options(approximate: bool) -> PathOptions:
    """Township boundaries: thin; dashed when the boundary is approximate (示意边界)."""
    color = STATUS_STYLE[Status.STALE].color
    return path_options(color, weight=1.2, fill_opacity=0.02, dash_array="6 4" if approximate else None)
