"""Boundary layers: 柴桑区 outline, neighbouring districts (light context) and townships with labels.

Inputs are GeoDataFrames with a CRS (EPSG:4490 as stored; anything else is reprojected for display) and a
``name`` column; townships may carry ``approximate``, ``note`` and ``seat_lon``/``seat_lat`` (label position).
Every name and note reaching HTML is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
import shapely
from shapely.geometry import mapping

from compliance.status import Status, status_color
from layers._features import Feature, esc, json_value, require_columns, to_display_crs, truthy
from layers.style import district_options, neighbour_options, path_options, township_options

APPROXIMATE_LABEL = "示意边界"
DEFAULT_TOWNSHIP_NOTE = "乡镇边界为示意边界，非法定界线；可导入正式边界替换"


def _popup_html(name: Any, approximate: bool, note: Any) -> str:
    parts = [f"<b>{esc(name)}</b>"]
    if approximate:
        parts.append(f'<span class="approximate">{APPROXIMATE_LABEL}</span>')
        parts.append(esc(note) or esc(DEFAULT_TOWNSHIP_NOTE))
    return "<br>".join(parts)


def _features(gdf: gpd.GeoDataFrame, layer: str) -> list[Feature]:
    """GeoJSON features with escaped ``tooltip_html`` / ``popup_html`` next to the raw properties."""
    require_columns(gdf, ["name"], layer)
    shown = to_display_crs(gdf, layer)
    features = []
    for _, row in shown.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        approximate = truthy(row.get("approximate"))
        props = {
            "name": json_value(row["name"]),
            "approximate": approximate,
            "note": json_value(row.get("note")),
            "tooltip_html": esc(row["name"]),
            "popup_html": _popup_html(row["name"], approximate, row.get("note")),
        }
        features.append({"type": "Feature", "properties": props, "geometry": mapping(row.geometry)})
    return features


_BIND_JS = folium.JsCode(
    """function (feature, layer) {
        var p = feature.properties || {};
        if (p.tooltip_html) { layer.bindTooltip(p.tooltip_html, {sticky: true}); }
        if (p.popup_html) { layer.bindPopup(p.popup_html, {maxWidth: 320}); }
    }"""
)


def for_display(gdf: gpd.GeoDataFrame, tolerance: float, grid: float = 1e-4) -> gpd.GeoDataFrame:
    """A copy simplified by ``tolerance`` degrees and snapped to ``grid`` degrees (display only, smaller HTML)."""
    out = to_display_crs(gdf, "边界图层")
    geoms = out.geometry.simplify(tolerance, preserve_topology=True)
    out["geometry"] = shapely.set_precision(geoms.to_numpy(), grid)
    return out[~out.geometry.is_empty]


def _geojson(
    features: list[Feature], name: str, style: dict[str, Any], *, interactive: bool
) -> folium.GeoJson:
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=lambda _f, s=style: s,
        on_each_feature=_BIND_JS if interactive else None,
        interactive=interactive,
    )


def build_district(gdf: gpd.GeoDataFrame, *, name: str = "柴桑区界") -> folium.GeoJson:
    """Outline of the district (unfilled, dark), with its name as tooltip."""
    return _geojson(_features(gdf, "区界图层"), name, district_options(), interactive=True)


def build_neighbours(gdf: gpd.GeoDataFrame, *, name: str = "周边区县") -> folium.GeoJson:
    """Neighbouring districts, drawn light and dashed as context; names as tooltips."""
    return _geojson(_features(gdf, "周边区县图层"), name, neighbour_options(), interactive=True)


def _label_location(row: Any) -> tuple[float, float]:
    """(lat, lon) of a township label: the seat when given, else a point inside the polygon."""
    lon, lat = json_value(row.get("seat_lon")), json_value(row.get("seat_lat"))
    if isinstance(lon, (int, float)) and isinstance(lat, (int, float)):
        return float(lat), float(lon)
    point = row.geometry.representative_point()
    return point.y, point.x


_LABEL_STYLE = (
    "font-size:12px;font-weight:600;color:CanvasText;text-align:center;white-space:nowrap;"
    "text-shadow:0 0 3px Canvas,0 0 3px Canvas,0 0 3px Canvas;pointer-events:none"
)


def _label(name: Any, location: tuple[float, float]) -> folium.Marker:
    text = esc(name)
    icon = folium.DivIcon(
        html=f'<div class="township-label" data-name="{text}" style="{_LABEL_STYLE}">{text}</div>',
        class_name="township-label-icon",
        icon_size=(96, 18),
        icon_anchor=(48, 9),
    )
    return folium.Marker(location=list(location), icon=icon, interactive=False)


def build_townships(
    gdf: gpd.GeoDataFrame, *, name: str = "乡镇（街道）", labels: bool = True
) -> folium.FeatureGroup:
    """Township polygons (dashed when approximate) with popups saying 示意边界 + note, and name labels.

    Labels sit at the township seat (``seat_lon``/``seat_lat``) when present, else inside the polygon.
    """
    features = _features(gdf, "乡镇图层")
    group = folium.FeatureGroup(name=name)
    for feature in features:
        style = township_options(feature["properties"]["approximate"])
        single = {"type": "FeatureCollection", "features": [feature]}
        folium.GeoJson(
            single, style_function=lambda _f, s=style: s, on_each_feature=_BIND_JS, control=False
        ).add_to(group)
    if labels:
        shown = to_display_crs(gdf, "乡镇图层")
        for _, row in shown.iterrows():
            if row.geometry is not None and not row.geometry.is_empty:
                _label(row["name"], _label_location(row)).add_to(group)
    return group


# problems per township -> palette status used as fill (0: 达标 green, 1-2: 预警 amber, 3+: 超标 red)
ROLLUP_BANDS: tuple[tuple[int, Status, str], ...] = (
    (0, Status.GOOD, "无问题"),
    (1, Status.WARN, "1–2 个问题"),
    (3, Status.EXCEED, "3 个及以上问题"),
)


def rollup_band(count: int) -> tuple[Status, str]:
    """(palette status, band text) of a township's problem count."""
    found = ROLLUP_BANDS[0]
    for band in ROLLUP_BANDS:
        if count >= band[0]:
            found = band
    return found[1], found[2]


def build_township_rollup(
    gdf: gpd.GeoDataFrame, problems: Mapping[str, int], *, name: str = "乡镇边界"
) -> folium.FeatureGroup:
    """Choropleth of problems per township; each polygon carries ``township`` so a click can filter by it."""
    shown = to_display_crs(gdf, "乡镇图层")
    group = folium.FeatureGroup(name=name)
    for _, row in shown.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        town = str(json_value(row["name"]))
        count = int(problems.get(town, 0))
        status, band = rollup_band(count)
        approximate = truthy(row.get("approximate"))
        style = path_options(
            status_color(status), weight=1.5, fill_opacity=0.45, dash_array="6 4" if approximate else None
        )
        note = f"（{APPROXIMATE_LABEL}）" if approximate else ""
        props = {
            "township": town,
            "problems": count,
            "tooltip_html": f"{esc(town)}：问题 {count} 个（{esc(band)}）{note}",
        }
        feature = {"type": "Feature", "properties": props, "geometry": mapping(row.geometry)}
        folium.GeoJson(
            {"type": "FeatureCollection", "features": [feature]},
            style_function=lambda _f, s=style: s,
            on_each_feature=_BIND_JS,
            control=False,
        ).add_to(group)
        _label(town, _label_location(row)).add_to(group)
    return group
