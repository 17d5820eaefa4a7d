"""Route layer: the ordered inspection route with numbered stops, one colour per day, and the depot.

Input is a plain table (no planning import): ``seq, day, name, lon, lat`` and optionally ``status_label`` and
``site_id``; coordinates CGCS2000 (= WGS84).  The route is drawn as straight legs between stops (the real
road path is the navigation app's job).  Every name reaching HTML is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import pandas as pd

from layers._features import esc

DAY_COLORS = ("#1c7ed6", "#e8590c", "#2b8a3e", "#862e9c", "#c2255c", "#0b7285", "#5c940d", "#a61e4d")
ROUTE_LAYER_NAME = "检查路线"


def day_color(day: int) -> str:
    """Colour of a day's route (cycles after eight days)."""
    return DAY_COLORS[(int(day) - 1) % len(DAY_COLORS)]


def _number_icon(seq: int, color: str) -> folium.DivIcon:
    html = (f'<div class="route-stop" data-seq="{int(seq)}" style="background:{color};color:#fff;'
            'border:2px solid #fff;border-radius:50%;width:24px;height:24px;line-height:20px;text-align:center;'
            f'font:bold 12px sans-serif;box-shadow:0 0 3px #333">{int(seq)}</div>')
    return folium.DivIcon(html=html, icon_size=(24, 24), icon_anchor=(12, 12))


def build_route(stops: pd.DataFrame, *, depot: tuple[float, float] | None = None, depot_name: str = "出发/返回点",
                name: str = ROUTE_LAYER_NAME) -> folium.FeatureGroup:
    """A feature group: per-day polylines (depot → stops → depot) and numbered stop markers."""
    missing = {"seq", "day", "name", "lon", "lat"} - set(stops.columns)
    if missing:
        raise ValueError(f"路线表缺少列：{'、'.join(sorted(missing))}")
    group = folium.FeatureGroup(name=name, show=True)
    for day, rows in stops.sort_values("seq").groupby("day", sort=True):
        color = day_color(int(day))
        coords: list[Sequence[float]] = [(float(r.lat), float(r.lon)) for r in rows.itertuples()]
        if depot is not None:
            coords = [(depot[1], depot[0]), *coords, (depot[1], depot[0])]
        if len(coords) >= 2:
            folium.PolyLine(coords, color=color, weight=4, opacity=0.8,
                            tooltip=esc(f"第{int(day)}天：{len(rows)} 站")).add_to(group)
        for r in rows.itertuples():
            label = f"{int(r.seq)}. {r.name}"
            status = getattr(r, "status_label", "") or ""
            tip = f"<b>{esc(label)}</b>" + (f"<br>{esc(status)}" if status else "") + f"<br>第{int(day)}天"
            folium.Marker((float(r.lat), float(r.lon)), icon=_number_icon(int(r.seq), color),
                          tooltip=tip).add_to(group)
    if depot is not None:
        folium.Marker((depot[1], depot[0]), tooltip=esc(depot_name),
                      icon=folium.DivIcon(html='<div class="route-depot" style="font-size:22px">★</div>',
                                          icon_size=(22, 22), icon_anchor=(11, 11))).add_to(group)
    return group


def route_map(stops: pd.DataFrame, *, depot: tuple[float, float] | None = None, depot_name: str = "出发/返回点",
              context: Sequence[folium.Element] = ()) -> folium.Map:
    """A vector-only map (no tiles: works offline) fitted to the route, with optional context layers."""
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    for layer in context:
        layer.add_to(m)
    build_route(stops, depot=depot, depot_name=depot_name).add_to(m)
    lats = [*stops["lat"].astype(float)] + ([depot[1]] if depot else [])
    lons = [*stops["lon"].astype(float)] + ([depot[0]] if depot else [])
    if lats:
        m.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))], padding=(20, 20))
    return m


def selection_map(candidates: pd.DataFrame, *, context: Sequence[folium.Element] = (),
                  color: str = "#495057") -> folium.Map:
    """A vector-only map of candidate targets (``name, lon, lat``) with the Draw tool (polygon and rectangle).

    ``st_folium(..., returned_objects=["all_drawings"])`` then reports the drawn shapes as GeoJSON features
    (lon/lat).  The Draw plugin's leaflet-draw is vendored (layers/assets.py), so drawing works offline.
    """
    from folium.plugins import Draw

    m = folium.Map(tiles=None, control_scale=True)
    for layer in context:
        layer.add_to(m)
    for r in candidates.itertuples():
        folium.CircleMarker((float(r.lat), float(r.lon)), radius=5, color=color, weight=1, fill=True,
                            fill_opacity=0.8, tooltip=esc(r.name)).add_to(m)
    Draw(
        draw_options={"polyline": False, "circle": False, "marker": False, "circlemarker": False,
                      "polygon": {"allowIntersection": False}, "rectangle": True},
        edit_options={"edit": False, "remove": True},
    ).add_to(m)
    if len(candidates):
        m.fit_bounds([(candidates["lat"].min(), candidates["lon"].min()),
                      (candidates["lat"].max(), candidates["lon"].max())], padding=(20, 20))
    return m
