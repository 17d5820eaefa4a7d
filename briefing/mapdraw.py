"""Static maps for print, drawn in EPSG:4548 (CGCS2000 3° GK, metres) so that the scale bar is true."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any, cast

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from shapely.geometry.base import BaseGeometry

from briefing.fonts import bold
from briefing.model import Briefing
from compliance.sites import KIND_LABELS
from compliance.status import PRINT_STYLE, STATUS_STYLE, Status, status_color
from geo.crs import METRIC_CRS

KIND_MARKERS: dict[str, str] = {
    "water_section": "o",
    "drinking_source": "h",
    "air_station": "^",
    "wwtp": "s",
    "project": "D",
    "enterprise": "P",
    "park": "p",
    "ship_waste": "v",
    "task": "X",
}
NICE_KM: tuple[float, ...] = (0.5, 1, 2, 5, 10, 20, 50)


def _metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(METRIC_CRS) if len(frame) else frame


def _figure_size(ax: Axes) -> tuple[float, float]:
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    w, h = fig.get_size_inches()
    return float(w), float(h)


def fit_extent(bounds: Sequence[float], ax: Axes, margin: float = 0.04) -> tuple[float, float, float, float]:
    """Extent around ``bounds`` (minx, miny, maxx, maxy) with the aspect ratio of the axes box."""
    minx, miny, maxx, maxy = bounds
    w, h = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    minx, maxx = minx - margin * w, maxx + margin * w
    miny, maxy = miny - margin * h, maxy + margin * h
    w, h = maxx - minx, maxy - miny
    fig_w, fig_h = _figure_size(ax)
    pos = ax.get_position()
    box_ratio = (pos.height * fig_h) / (pos.width * fig_w)
    if h / w < box_ratio:
        extra = (w * box_ratio - h) / 2
        miny, maxy = miny - extra, maxy + extra
    else:
        extra = (h / box_ratio - w) / 2
        minx, maxx = minx - extra, maxx + extra
    return minx, miny, maxx, maxy


def _rings(geom: BaseGeometry | None) -> list[np.ndarray]:
    if geom is None or geom.is_empty:
        return []
    return [np.asarray(p.exterior.coords) for p in getattr(geom, "geoms", [geom]) if p.geom_type == "Polygon"]


def _polygons(ax: Axes, geom: BaseGeometry, **kw: Any) -> None:
    """One polygon (or multipolygon) as a single collection, without touching the data limits."""
    rings = _rings(geom)
    if rings:
        ax.add_collection(PolyCollection(rings, closed=True, **kw), autolim=False)


def _draw_areas(ax: Axes, frame: gpd.GeoDataFrame, **kw: Any) -> None:
    rings = [r for geom in frame.geometry for r in _rings(geom)]
    if rings:
        ax.add_collection(PolyCollection(rings, closed=True, **kw), autolim=False)


def _in_extent(x: float, y: float, ext: Sequence[float]) -> bool:
    return ext[0] <= x <= ext[2] and ext[1] <= y <= ext[3]


def draw_base(ax: Axes, b: Briefing, ext: Sequence[float], focus: str | None) -> None:
    """Neighbours (light), the district, townships (dashed, 示意 label), the focused township highlighted."""
    ps = PRINT_STYLE
    nb = _metric(b.neighbours)
    _draw_areas(ax, nb, facecolor=ps["neighbour_fill"], edgecolor=ps["neighbour_edge"], linewidth=0.6, zorder=1)
    for name, geom in zip(nb["name"], nb.geometry, strict=True):
        p = geom.representative_point()
        if _in_extent(p.x, p.y, ext):
            ax.text(p.x, p.y, str(name), fontsize=8, color=ps["neighbour_text"], ha="center", va="center", zorder=2)
    _draw_areas(ax, _metric(b.district), facecolor=ps["district_fill"], edgecolor="none", zorder=2)
    towns = _metric(b.townships)
    suffix = "\n（示意）" if b.approximate_townships else ""
    for name, geom in zip(towns["name"], towns.geometry, strict=True):
        is_focus = focus is not None and str(name) == focus
        _polygons(ax, geom, facecolor=ps["focus_fill"] if is_focus else "none",
                  edgecolor=ps["focus_edge"] if is_focus else ps["township_edge"],
                  linewidth=1.4 if is_focus else 0.6, linestyle="-" if is_focus else (0, (4, 3)), zorder=3)
        p = geom.representative_point()
        if _in_extent(p.x, p.y, ext):
            ax.text(p.x, p.y, f"{name}{suffix}", fontsize=11 if is_focus else 8.5, color=ps["muted"],
                    ha="center", va="center", zorder=4, **(bold(ps["muted"]) if is_focus else {}),
                    linespacing=1.1)
    _draw_areas(ax, _metric(b.district), facecolor="none", edgecolor=ps["district_edge"], linewidth=1.6, zorder=5)


def _severity_rank(status: str) -> int:
    return -STATUS_STYLE[Status(status)].order


def draw_features(ax: Axes, feats: gpd.GeoDataFrame, *, size: float = 70, numbers: dict[str, int] | None = None,
                  alpha: float = 1.0) -> None:
    """Sites and tasks coloured by status, marker by kind, problems on top; ``numbers``: site_id -> map label."""
    ps = PRINT_STYLE
    metric = _metric(feats)
    order = sorted(range(len(metric)), key=lambda i: _severity_rank(str(metric["status"].iloc[i])))
    for z, i in enumerate(order):
        geom = metric.geometry.iloc[i]
        status = str(metric["status"].iloc[i])
        color = status_color(status)
        kind = str(metric["kind"].iloc[i])
        zorder = 10 + z * 0.01
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("LineString", "MultiLineString"):
            for part in getattr(geom, "geoms", [geom]):
                xs, ys = part.xy
                ax.plot(xs, ys, color=color, linewidth=3.5, solid_capstyle="round", zorder=zorder, alpha=alpha)
            anchor = geom.interpolate(0.5, normalized=True)
        elif geom.geom_type in ("Polygon", "MultiPolygon"):
            _polygons(ax, geom, facecolor=color, alpha=0.35 * alpha, edgecolor=color, linewidth=1.2, zorder=zorder)
            anchor = geom.representative_point()
        else:
            anchor = geom
        ax.scatter([anchor.x], [anchor.y], s=size, marker=KIND_MARKERS.get(kind, "o"), c=[color],
                   edgecolors=ps["text"], linewidths=0.6, zorder=zorder + 0.005, alpha=alpha)
        number = (numbers or {}).get(str(metric["site_id"].iloc[i]))
        if number is not None:
            ax.annotate(str(number), (anchor.x, anchor.y), xytext=(5, 3), textcoords="offset points", fontsize=8,
                        color=ps["text"], zorder=30, **bold(ps["text"]),
                        bbox={"boxstyle": "round,pad=0.12", "fc": ps["white"], "ec": ps["rule"], "lw": 0.4,
                              "alpha": 0.85})


def draw_legend(ax: Axes, b: Briefing, feats: gpd.GeoDataFrame, loc: str = "lower right") -> None:
    """Status colours with counts, then marker shapes by kind, then the boundary keys."""
    ps = PRINT_STYLE
    counts = Counter(str(s) for s in feats["status"])
    handles: list[Line2D] = []
    for status in sorted(counts, key=lambda s: STATUS_STYLE[Status(s)].order):
        label = f"{STATUS_STYLE[Status(status)].label}  {counts[status]}"
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=8,
                              markerfacecolor=status_color(status), markeredgecolor=ps["text"], label=label))
    for kind in [k for k in KIND_MARKERS if k in set(feats["kind"])]:
        handles.append(Line2D([], [], linestyle="none", marker=KIND_MARKERS[kind], markersize=7,
                              markerfacecolor=ps["white"], markeredgecolor=ps["text"], label=KIND_LABELS[kind]))
    handles.append(Line2D([], [], color=ps["district_edge"], linewidth=1.6, label="区界"))
    town = "乡镇界（示意，非法定界线）" if b.approximate_townships else "乡镇界"
    handles.append(Line2D([], [], color=ps["township_edge"], linewidth=0.8, linestyle=(0, (4, 3)), label=town))
    leg = ax.legend(handles=handles, loc=cast(Any, loc), fontsize=8, title=f"图例（共 {len(feats)} 处）",
                    title_fontsize=9, frameon=True, framealpha=0.92, borderpad=0.6, labelspacing=0.45, ncols=1)
    leg.set_zorder(40)


def nice_length_km(width_m: float, fraction: float = 0.22) -> float:
    """A round scale-bar length (km) close to ``fraction`` of the map width."""
    want = width_m * fraction / 1000
    return max((k for k in NICE_KM if k <= want), default=NICE_KM[0])


def draw_scale_bar(ax: Axes, ext: Sequence[float]) -> float:
    """Two-segment scale bar at the lower left; returns its length in km."""
    ps = PRINT_STYLE
    width = ext[2] - ext[0]
    km = nice_length_km(width)
    x0 = ext[0] + 0.04 * width
    y0 = ext[1] + 0.045 * (ext[3] - ext[1])
    h = 0.008 * (ext[3] - ext[1])
    half = km * 500
    ax.add_patch(Rectangle((x0, y0), half, h, facecolor=ps["black"], edgecolor=ps["black"], linewidth=0.8, zorder=41))
    ax.add_patch(Rectangle((x0 + half, y0), half, h, facecolor=ps["white"], edgecolor=ps["black"], linewidth=0.8,
                           zorder=41))
    for dx, text in ((0, "0"), (half, _km(km / 2)), (2 * half, f"{_km(km)} 公里")):
        ax.text(x0 + dx, y0 + 1.8 * h, text, fontsize=8, ha="center", va="bottom", color=ps["text"], zorder=41)
    return km


def _km(v: float) -> str:
    return f"{v:g}"


def draw_north_arrow(ax: Axes) -> None:
    """North arrow at the upper right (grid north of EPSG:4548; convergence here is under 1°)."""
    ps = PRINT_STYLE
    ax.annotate("", xy=(0.955, 0.965), xytext=(0.955, 0.885), xycoords="axes fraction",
                arrowprops={"facecolor": ps["black"], "edgecolor": ps["black"], "width": 3, "headwidth": 11,
                            "headlength": 12}, zorder=41)
    ax.text(0.955, 0.865, "北", transform=ax.transAxes, ha="center", va="top", fontsize=11, color=ps["text"],
            zorder=41, **bold(ps["text"]))


def draw_map(ax: Axes, b: Briefing, *, township: str | None = None, legend: bool = True,
             numbers: dict[str, int] | None = None) -> tuple[float, float, float, float]:
    """The district map (or one township zoomed in) with legend, scale bar and north arrow; returns the extent."""
    towns = _metric(b.townships)
    if township is not None:
        sel = towns[towns["name"].astype(str) == township]
        feats = b.features[b.features["township"].astype(str) == township]
        geoms = list(sel.geometry) + list(_metric(feats).geometry)
        bounds = gpd.GeoSeries(geoms, crs=METRIC_CRS).total_bounds if geoms else _metric(b.district).total_bounds
    else:
        feats = b.features
        bounds = _metric(b.district).total_bounds
    ext = fit_extent(tuple(float(v) for v in bounds), ax, margin=0.08 if township else 0.03)
    ax.set_xlim(ext[0], ext[2])
    ax.set_ylim(ext[1], ext[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    draw_base(ax, b, ext, township)
    if township is not None:
        others = b.features[b.features["township"].astype(str) != township]
        draw_features(ax, others, size=60, alpha=0.35)
    draw_features(ax, feats, size=110 if township else 70, numbers=numbers)
    if legend:
        draw_legend(ax, b, feats)
    draw_scale_bar(ax, ext)
    draw_north_arrow(ax)
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
    ax.set_xlim(ext[0], ext[2])
    ax.set_ylim(ext[1], ext[3])
    if not math.isfinite(ext[0]):  # pragma: no cover - empty boundaries
        ax.set_axis_off()
    return ext
