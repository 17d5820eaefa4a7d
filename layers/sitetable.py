"""The site table: one row per map feature with its status, built vectorised (fast at 100 000 sites).

Everything the map, the filters, the legend and the township roll-up need is a column here, so they all agree:
``site_id, name, kind, group, township, control_level, water_body, status, status_label, explanation, sample,
approximate, lon, lat, geom_type, geometry`` (``lon``/``lat`` = a representative point, EPSG:4326 display CRS).

Map groups (图层分组) follow the issue: 监测断面, 饮用水源, 空气站点, 重点项目, 重点企业, 问题与整改.  污水处理厂、园区
和船舶污染物接收点 are point sources and are drawn in the 重点企业 group (``GROUP_NOTE`` says so in the UI).
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from compliance.status import STATUS_STYLE, SiteStatus, Status
from layers._features import require_columns, to_display_crs
from layers.errors import LayerError

# kind -> map group (图层分组)
KIND_TO_GROUP: dict[str, str] = {
    "water_section": "监测断面",
    "drinking_source": "饮用水源",
    "air_station": "空气站点",
    "project": "重点项目",
    "enterprise": "重点企业",
    "wwtp": "重点企业",
    "park": "重点企业",
    "ship_waste": "重点企业",
    "task": "问题与整改",
}
SITE_GROUPS: tuple[str, ...] = tuple(dict.fromkeys(KIND_TO_GROUP.values()))
CONTEXT_GROUPS: tuple[str, ...] = ("乡镇边界", "背景")
GROUP_NOTE = "“重点企业”图层含重点企业、污水处理厂、工业园区和船舶污染物接收点"
MISSING_STATUS_TEXT = "未提供评价结果"

COLUMNS = (
    "site_id", "name", "kind", "group", "township", "control_level", "water_body", "status", "status_label",
    "explanation", "sample", "approximate", "lon", "lat", "geom_type", "geometry",
)
_LABELS = {s.value: st.label for s, st in STATUS_STYLE.items()}


def _bool_col(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series(False, index=frame.index)
    raw = frame[col]
    text = raw.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "1.0", "yes", "是"]).fillna(False).astype(bool)


def _text_col(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[col].astype("string").fillna("").astype(object)


def site_table(features: gpd.GeoDataFrame, statuses: Mapping[str, SiteStatus]) -> pd.DataFrame:
    """One row per feature with geometry (register order), status from ``statuses`` (missing: 无数据).

    Raises
    ------
    LayerError
        A required column is missing or a ``kind`` has no map group.
    """
    require_columns(features, ("site_id", "name", "kind"), "点位图层")
    shown = to_display_crs(features, "点位图层")
    shown = shown[shown.geometry.notna() & ~shown.geometry.is_empty]
    kinds = shown["kind"].astype(str)
    unknown = sorted(set(kinds) - set(KIND_TO_GROUP))
    if unknown:
        raise LayerError(f"点位类型“{'、'.join(unknown)}”未知；可用：{'、'.join(KIND_TO_GROUP)}")
    ids = shown["site_id"].astype(str)
    codes = {k: v.status.value for k, v in statuses.items()}
    texts = {k: v.explanation for k, v in statuses.items()}
    status = ids.map(codes).fillna(Status.NODATA.value)
    geom_type = shown.geometry.geom_type
    points = geom_type == "Point"
    rep = shown.geometry.where(points, shown.geometry.representative_point())
    return pd.DataFrame({
        "site_id": ids.to_numpy(),
        "name": _text_col(shown, "name").to_numpy(),
        "kind": kinds.to_numpy(),
        "group": kinds.map(KIND_TO_GROUP).to_numpy(),
        "township": _text_col(shown, "township").to_numpy(),
        "control_level": _text_col(shown, "control_level").to_numpy(),
        "water_body": _text_col(shown, "water_body").to_numpy(),
        "status": status.to_numpy(),
        "status_label": status.map(_LABELS).to_numpy(),
        "explanation": ids.map(texts).fillna(MISSING_STATUS_TEXT).to_numpy(),
        "sample": _bool_col(shown, "sample").to_numpy(),
        "approximate": _bool_col(shown, "approximate").to_numpy(),
        "lon": np.asarray(rep.x, dtype=float),
        "lat": np.asarray(rep.y, dtype=float),
        "geom_type": geom_type.to_numpy(),
        "geometry": shown.geometry.to_numpy(),
    })


def with_statuses(table: pd.DataFrame, statuses: Mapping[str, SiteStatus]) -> pd.DataFrame:
    """A copy of ``table`` with status, label and explanation replaced from ``statuses`` (another period)."""
    codes = {k: v.status.value for k, v in statuses.items()}
    texts = {k: v.explanation for k, v in statuses.items()}
    out = table.copy()
    out["status"] = out["site_id"].map(codes).fillna(Status.NODATA.value)
    out["status_label"] = out["status"].map(_LABELS)
    out["explanation"] = out["site_id"].map(texts).fillna(MISSING_STATUS_TEXT)
    return out


def status_counts(table: pd.DataFrame) -> dict[Status, int]:
    """Rows per status, palette order, only statuses present."""
    counts = table["status"].value_counts()
    present = [Status(s) for s in counts.index]
    return {s: int(counts[s.value]) for s in sorted(present, key=lambda s: STATUS_STYLE[s].order)}
