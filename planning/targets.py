"""Choose inspection targets: by status/kind/township filters and inside a drawn area (polygon or circle).

Areas are tested in metres (EPSG:4548, ``geo.crs.METRIC_CRS``).  A feature is inside an area when its geometry
intersects it (a river reach or park counts when any part is inside).  Each target gets one stop position: the
point itself, or a point on a line/polygon (``representative_point``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from compliance.sites import KIND_LABELS
from compliance.status import STATUS_STYLE, SiteStatus, Status
from geo.crs import CGCS2000, METRIC_CRS, project_geometry
from planning.errors import PlanningError

TARGET_COLUMNS = ["site_id", "name", "kind", "kind_label", "township", "status", "status_label", "explanation",
                  "lon", "lat"]
DEFAULT_STATUSES: frozenset[Status] = frozenset({Status.EXCEED, Status.OVERDUE})
"""This month's problems, as the bureau asked: every 超标 site and every overdue task."""


@dataclass(frozen=True)
class Circle:
    """A circle given by its centre (lon, lat, CGCS2000) and radius in metres."""

    lon: float
    lat: float
    radius_m: float

    def __post_init__(self) -> None:
        if not self.radius_m > 0:
            raise PlanningError(f"圆形范围的半径“{self.radius_m}”应大于 0 米")

    def metric(self) -> BaseGeometry:
        """The circle in EPSG:4548 (a 256-segment polygon; the test itself uses exact distances)."""
        return project_geometry(Point(self.lon, self.lat), CGCS2000, METRIC_CRS).buffer(self.radius_m, 64)


Area: TypeAlias = Circle | BaseGeometry


@dataclass(frozen=True)
class TargetFilter:
    """Which features to visit; ``None`` means "no restriction" for each criterion."""

    statuses: frozenset[Status] | None = DEFAULT_STATUSES
    kinds: frozenset[str] | None = None
    townships: frozenset[str] | None = None
    area: Area | None = None
    include: frozenset[str] = frozenset()
    """Site/task ids always included (they still need a position)."""


@dataclass(frozen=True)
class TargetSelection:
    """Chosen targets (one row per stop) and the matching features that have no position."""

    targets: pd.DataFrame
    unlocated: tuple[str, ...]


def _in_area(metric: gpd.GeoSeries, area: Area) -> pd.Series:
    if isinstance(area, Circle):
        centre = project_geometry(Point(area.lon, area.lat), CGCS2000, METRIC_CRS)
        return metric.distance(centre) <= area.radius_m
    if area.is_empty or area.geom_type not in ("Polygon", "MultiPolygon"):
        raise PlanningError(f"检查范围应为多边形，实际为“{area.geom_type}”")
    return metric.intersects(project_geometry(area, CGCS2000, METRIC_CRS))


def _labels(statuses: Mapping[str, SiteStatus], ids: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    codes, labels, texts = [], [], []
    for sid in ids:
        st = statuses.get(sid)
        codes.append(st.status.value if st else "")
        labels.append(STATUS_STYLE[st.status].label if st else "")
        texts.append(st.explanation if st else "")
    return codes, labels, texts


def choose_targets(features: gpd.GeoDataFrame, statuses: Mapping[str, SiteStatus],
                   flt: TargetFilter = TargetFilter()) -> TargetSelection:
    """Features matching ``flt`` as stops (columns ``TARGET_COLUMNS``), in register order.

    ``features``: the map's features frame (``site_id, name, kind, township, geometry``; tasks have
    ``kind='task'``), CGCS2000.  ``statuses``: ``site_id``/``task_id`` → ``SiteStatus``.
    """
    missing = {"site_id", "name", "kind", "township"} - set(features.columns)
    if missing:
        raise PlanningError(f"要素表缺少列：{'、'.join(sorted(missing))}")
    if features.crs is not None and features.crs.to_epsg() not in (4490, 4326):
        raise PlanningError(f"要素表坐标系应为 CGCS2000（EPSG:4490），实际为 {features.crs.to_string()}")
    ids = features["site_id"].astype(str)
    keep = pd.Series(True, index=features.index)
    if flt.statuses is not None:
        wanted = {s.value for s in flt.statuses}
        keep &= ids.map(lambda i: i in statuses and statuses[i].status.value in wanted)
    if flt.kinds is not None:
        keep &= features["kind"].isin(flt.kinds)
    if flt.townships is not None:
        keep &= features["township"].isin(flt.townships)
    geoms = gpd.GeoSeries(features.geometry, crs=CGCS2000)
    located = geoms.notna() & ~geoms.is_empty
    if flt.area is not None:
        metric = geoms.where(located).to_crs(METRIC_CRS)
        keep &= located & _in_area(metric, flt.area).fillna(False).astype(bool)
    keep |= ids.isin(flt.include)
    unlocated = tuple(ids[keep & ~located])
    chosen = features[keep & located]
    pts = gpd.GeoSeries(chosen.geometry, crs=CGCS2000).representative_point()
    cid = chosen["site_id"].astype(str).tolist()
    codes, labels, texts = _labels(statuses, cid)
    out = pd.DataFrame({
        "site_id": cid,
        "name": chosen["name"].astype(str).tolist(),
        "kind": chosen["kind"].astype(str).tolist(),
        "kind_label": [KIND_LABELS.get(k, "整改任务" if k == "task" else k) for k in chosen["kind"].astype(str)],
        "township": chosen["township"].fillna("").astype(str).tolist(),
        "status": codes,
        "status_label": labels,
        "explanation": texts,
        "lon": pts.x.to_numpy(dtype=float),
        "lat": pts.y.to_numpy(dtype=float),
    }, columns=TARGET_COLUMNS)
    return TargetSelection(out, unlocated)


def area_from_drawings(features: list[dict[str, Any]] | None) -> BaseGeometry | None:
    """The union of the polygons drawn on the map (GeoJSON features, lon/lat), or None when there are none.

    Points and lines (e.g. a stray marker) are ignored; an invalid (self-crossing) ring is repaired.
    """
    polys = []
    for f in features or []:
        geom = (f or {}).get("geometry")
        if not geom or geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        try:
            g = shapely.make_valid(shape(geom))
        except (ValueError, TypeError, AttributeError):
            raise PlanningError("地图上绘制的范围无法识别，请删除后重新绘制") from None
        polys.append(g)
    if not polys:
        return None
    area = shapely.union_all(polys)
    if area.geom_type == "GeometryCollection":
        area = shapely.union_all([g for g in area.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return None if area.is_empty else area
