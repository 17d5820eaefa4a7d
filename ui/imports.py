"""Pure helpers of the 数据导入 and 账号与审计 pages (no streamlit): tables, summaries, GeoJSON for the store.

Everything here takes and returns plain data so it can be tested without a running app.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely

from store import ROLE_LABEL, Role, User

KIND_CHOICES: dict[str, str] = {
    "sheet": "监测数据表（长表或月报宽表）",
    "register": "点位登记表（Excel/CSV）",
    "townships": "乡镇（街道）边界（矢量文件）",
    "district": "行政区界（矢量文件）",
    "tasks": "整改任务表（CSV/Excel）",
}
BOUNDARY_KINDS = ("townships", "district")
COORD_CHOICES: dict[str, str] = {
    "cgcs2000": "CGCS2000 / WGS84 经纬度（GPS、天地图、测绘成果）",
    "gcj02": "GCJ-02（高德、腾讯、奥维互动地图拾取）",
    "bd09": "BD-09（百度地图拾取）",
}
DUPLICATE_CHOICES: dict[str, str] = {
    "reject": "拒绝：同一点位、同一时间、同一项目出现不同数值时报错",
    "keep": "保留先出现的一条",
    "replace": "以后出现的一条为准",
}
NAME_FIELD_HINTS = ("name", "名称", "乡镇名称", "乡镇", "街道", "XZMC", "xzmc", "NAME", "MC", "区名", "县名")
CODE_FIELD_HINTS = ("adcode", "代码", "区划代码", "行政代码", "XZDM", "xzdm", "CODE", "code", "DM")
_ISSUE_COLUMNS = ["级别", "文件", "行", "字段", "说明"]
AUDIT_TABLE_COLUMNS = ["编号", "时间（UTC）", "用户", "操作", "对象", "对象编号", "说明", "修改前", "修改后"]


def issue_table(issues: Iterable[Any]) -> pd.DataFrame:
    """Errors first, then warnings, one row each: 级别, 文件, 行 (Excel row), 字段, 说明."""
    rows = [
        ("错误" if i.severity == "error" else "提示", i.file, "" if i.row is None else str(i.row), i.field or "",
         i.message)
        for i in issues
    ]
    rows.sort(key=lambda r: r[0] != "错误")
    return pd.DataFrame(rows, columns=_ISSUE_COLUMNS)


def problem_table(file_name: str, problems: Iterable[Any]) -> pd.DataFrame:
    """The store's :class:`~store.RowProblem` list in the same layout as :func:`issue_table`."""
    rows = [("错误", file_name, "" if p.row is None else str(p.row), p.field or "", p.message) for p in problems]
    return pd.DataFrame(rows, columns=_ISSUE_COLUMNS)


def sheet_summary(df: pd.DataFrame) -> dict[str, Any]:
    """Counts of a parsed monitoring sheet: values, sites, parameters, first and last date."""
    if df.empty:
        return {"rows": 0, "sites": 0, "params": 0, "start": "", "end": ""}
    times = sorted(str(t)[:10] for t in df["time"])
    return {"rows": len(df), "sites": int(df["site_id"].nunique()), "params": int(df["param"].nunique()),
            "start": times[0], "end": times[-1]}


def stored_overlap(new: pd.DataFrame, stored: pd.DataFrame) -> int:
    """How many (site, date, parameter) of ``new`` already have a stored value."""
    if new.empty or stored.empty:
        return 0
    def keys(df: pd.DataFrame) -> pd.Series:
        return df["site_id"].astype(str) + "|" + df["time"].astype(str).str[:10] + "|" + df["param"].astype(str)
    return int(keys(new).isin(set(keys(stored))).sum())


def guess_field(columns: Sequence[str], hints: Sequence[str]) -> str | None:
    """First column whose name equals (or, failing that, contains) one of ``hints``."""
    for hint in hints:
        for c in columns:
            if str(c).strip().lower() == hint.lower():
                return str(c)
    for hint in hints:
        for c in columns:
            if hint.lower() in str(c).lower() and len(hint) > 1:
                return str(c)
    return None


def attribute_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """Attribute columns of a read vector file (not the geometry, not our ``outside_district`` flag)."""
    return [str(c) for c in gdf.columns if c != gdf.geometry.name and c != "outside_district"]


def boundary_geojson(gdf: gpd.GeoDataFrame, name_field: str, code_field: str | None, *, note: str) -> bytes:
    """GeoJSON (EPSG:4490 lon/lat) for ``Store.load_boundary_layer``: ``name``/``adcode`` plus the attributes.

    ``approximate`` is set to false on every feature: an official file replaces the 示意 boundaries, so the
    map's 示意 marks (which read this property) disappear.  ``note`` is stored with each feature.
    """
    out = gdf.drop(columns=[c for c in ("outside_district",) if c in gdf.columns]).copy()
    out["name"] = out[name_field].map(lambda v: "" if v is None or v != v else str(v).strip())
    if code_field:
        out["adcode"] = out[code_field].map(lambda v: None if v is None or v != v else str(v).strip())
    for col in {name_field, code_field} - {None, "name", "adcode"}:
        out = out.drop(columns=[col])
    out["approximate"] = False
    out["note"] = note
    return out.to_json(ensure_ascii=False, default=str, to_wgs84=False).encode("utf-8")


def coordinate_table(gdf: gpd.GeoDataFrame, source_epsg: int | None, label_field: str | None,
                     limit: int = 20) -> pd.DataFrame:
    """Before/after: a representative point of each feature in the source CRS and in CGCS2000 (lon/lat)."""
    head = gdf.head(limit)
    pts = gpd.GeoSeries(shapely.point_on_surface(head.geometry.values), crs=head.crs, index=head.index)
    rows: dict[str, Any] = {}
    if label_field and label_field in head.columns:
        rows["名称"] = head[label_field].astype(str)
    if source_epsg and source_epsg not in (4326, 4490):
        src = pts.to_crs(source_epsg)
        rows["源坐标 X（东）"] = src.x.round(2)
        rows["源坐标 Y（北）"] = src.y.round(2)
    rows["经度（CGCS2000）"] = pts.x.round(6)
    rows["纬度（CGCS2000）"] = pts.y.round(6)
    return pd.DataFrame(rows).reset_index(drop=True)


def preview_map(gdf: gpd.GeoDataFrame, *, label_field: str | None = None, context: gpd.GeoDataFrame | None = None,
                max_points: int = 500) -> folium.Map:
    """A small map without tiles: the converted features (points as circles) over the district outline."""
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    bounds = gdf.total_bounds if len(gdf) else (context.total_bounds if context is not None else (115, 29, 116, 30))
    x0, y0, x1, y1 = (float(v) for v in bounds)
    m = folium.Map(location=[(y0 + y1) / 2, (x0 + x1) / 2], zoom_start=10, tiles=None, control_scale=True)
    if context is not None and len(context):
        folium.GeoJson(context[[context.geometry.name]].to_json(), name="区界",
                       style_function=lambda _f: {"color": "#666", "weight": 1.5, "fill": False}).add_to(m)
    points = gdf[gdf.geometry.geom_type == "Point"].head(max_points)
    others = gdf[gdf.geometry.geom_type != "Point"]
    if len(others):
        folium.GeoJson(others[[others.geometry.name]].to_json(), name="导入要素",
                       style_function=lambda _f: {"color": "#d9480f", "weight": 2, "fillOpacity": 0.1}).add_to(m)
    for _, row in points.iterrows():
        label = html.escape(str(row.get(label_field, ""))) if label_field else None
        folium.CircleMarker([row.geometry.y, row.geometry.x], radius=5, color="#d9480f", fill=True,
                            fill_opacity=0.8, tooltip=label or None).add_to(m)
    if len(gdf):
        m.fit_bounds([[y0, x0], [y1, x1]])
    return m


# ---- accounts and audit ------------------------------------------------------------------------------------


def role_label(role: Role | str) -> str:
    """查看 / 编辑 / 管理."""
    return ROLE_LABEL[Role(role)]


def users_table(users: Iterable[User]) -> pd.DataFrame:
    """One row per account for display."""
    rows = [(u.username, u.display_name or "", role_label(u.role), "启用" if u.active else "停用",
             "外部身份" if u.external else "本地账号", u.version) for u in users]
    return pd.DataFrame(rows, columns=["用户名", "显示名", "角色", "状态", "类型", "版本"])


def audit_filters(username: str | None, action: str | None, entity: str | None,
                  dates: Sequence[dt.date] | None) -> dict[str, Any]:
    """Keyword arguments of ``Store.audit_log`` / ``export_audit_csv`` from the filter widgets ("" = all)."""
    out: dict[str, Any] = {}
    if username:
        out["username"] = username
    if action:
        out["action"] = action
    if entity:
        out["entity"] = entity
    if dates:
        out["since"] = dates[0]
        out["until"] = dates[-1]
    return out


def export_name(filters: Mapping[str, Any], action_labels: Mapping[str, str], entity_labels: Mapping[str, str]
                ) -> str:
    """File name of an audit export that says what was filtered: 审计日志_<user>_<action>_<entity>_<from>-<to>.csv."""
    parts = ["审计日志"]
    if filters.get("username"):
        parts.append(str(filters["username"]))
    if filters.get("action"):
        parts.append(action_labels.get(filters["action"], filters["action"]))
    if filters.get("entity"):
        parts.append(entity_labels.get(filters["entity"], filters["entity"]))
    if filters.get("since") and filters.get("until"):
        parts.append(f"{filters['since']:%Y%m%d}-{filters['until']:%Y%m%d}")
    name = "_".join(parts)
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in name) + ".csv"


def _json_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)


def audit_table(df: pd.DataFrame, action_labels: Mapping[str, str]) -> pd.DataFrame:
    """The audit log for display: Chinese column names and action labels, before/after as JSON text."""
    if df.empty:
        return pd.DataFrame(columns=AUDIT_TABLE_COLUMNS)
    return pd.DataFrame({
        "编号": df["id"],
        "时间（UTC）": pd.to_datetime(df["at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "用户": df["username"],
        "操作": df["action"].map(lambda a: action_labels.get(a, a)),
        "对象": df["entity"],
        "对象编号": df["entity_id"].map(lambda v: "" if v is None else str(v)),
        "说明": df["detail"].map(lambda v: "" if v is None else str(v)),
        "修改前": df["before"].map(_json_text),
        "修改后": df["after"].map(_json_text),
    })
