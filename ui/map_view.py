"""The map component: a composed folium map shown with st_folium, panning without reruns."""

from __future__ import annotations

from typing import Any

from streamlit_folium import st_folium

from layers.compose import ComposedMap


def show_map(composed: ComposedMap, *, key: str = "map", height: int = 680) -> dict[str, Any] | None:
    """Render the map; only a click on a feature reruns the page (not pan or zoom)."""
    return st_folium(
        composed.map,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
