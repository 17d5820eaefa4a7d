"""Planning settings: the depot (the bureau) and the optional OSRM service.

Read through ``config.get`` (environment first, then the default declared in ``config.SETTINGS``).
"""

from __future__ import annotations

from dataclasses import dataclass

import config
from planning.errors import PlanningError

DEFAULT_DEPOT_NAME = "柴桑区生态环境局（示意位置）"


@dataclass(frozen=True)
class Depot:
    """Where every inspection day starts and ends."""

    lon: float
    lat: float
    name: str = DEFAULT_DEPOT_NAME

    @property
    def lonlat(self) -> tuple[float, float]:
        """(lon, lat)."""
        return (self.lon, self.lat)


def parse_lonlat(text: str, field: str = "坐标") -> tuple[float, float]:
    """``"lon,lat"`` → (lon, lat), checked to lie in China's rough box; Chinese error otherwise."""
    parts = [p.strip() for p in str(text).replace("，", ",").split(",")]
    try:
        lon, lat = (float(p) for p in parts)
    except ValueError:
        raise PlanningError(f"{field}“{text}”应写成“经度,纬度”，例如 115.8835,29.6045") from None
    if not (73.0 <= lon <= 136.0 and 3.0 <= lat <= 54.0):
        raise PlanningError(f"{field}“{text}”不在中国范围内（经度 73–136，纬度 3–54；请检查是否把经纬度写反）")
    return lon, lat


def depot() -> Depot:
    """The configured depot (``CHAISANG_BUREAU_LONLAT``, ``CHAISANG_BUREAU_NAME``)."""
    lon, lat = parse_lonlat(config.get("CHAISANG_BUREAU_LONLAT"), "CHAISANG_BUREAU_LONLAT")
    return Depot(lon, lat, config.get("CHAISANG_BUREAU_NAME") or DEFAULT_DEPOT_NAME)


def osrm_url() -> str | None:
    """The configured OSRM base URL (``CHAISANG_OSRM_URL``; loopback/intranet only), or None."""
    return config.get("CHAISANG_OSRM_URL").strip() or None
