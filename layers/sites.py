"""Site layers: every register feature coloured by its status, one toggleable group per kind.

Points are drawn as canvas-friendly circle markers (no icon images); lines and polygons take the status
colour.
Each feature keeps its data in GeoJSON properties — ``site_id``, ``name``, ``kind``, ``status`` (a
``compliance.status.Status`` value), ``status_label``, ``explanation``, ``sample``, ``approximate`` — plus the
escaped ``tooltip_html`` / ``popup_html`` that the map shows.  Issues and rectification tasks use
``kind='task'`` (``site_id`` = task id, ``name`` = title).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
from shapely.geometry import mapping

from compliance.errors import UnknownParameterError
from compliance.params import get_param
from compliance.status import SiteStatus, Status, status_color, status_label, water_class_label
from layers._features import Feature, esc, json_value, require_columns, to_display_crs, truthy
from layers.errors import LayerError
from layers.style import highlight_options, status_path_options

# kind -> layer group label, in display order
KIND_GROUPS: dict[str, str] = {
    "water_section": "监测断面",
    "drinking_source": "饮用水源",
    "air_station": "空气站点",
    "wwtp": "污水处理厂",
    "project": "重点项目",
    "enterprise": "重点企业",
    "park": "园区",
    "ship_waste": "船舶污染物接收",
    "task": "问题与整改",
}

SAMPLE_LABEL = "示例"
APPROXIMATE_LABEL = "位置待核实"
MISSING_STATUS_TEXT = "未提供评价结果"
REQUIRED_COLUMNS = ("site_id", "name", "kind")
_POPUP_STYLE = "font-size:13px;line-height:1.55;min-width:200px"


def _value_text(code: str, value: Any) -> tuple[str, str]:
    """(display name, display text) of one latest value; numbers get the parameter's unit."""
    try:
        param = get_param(code)
        name, unit = param.name, param.unit
    except UnknownParameterError:
        name, unit = code, ""
    value = json_value(value)
    if isinstance(value, float):
        return name, f"{value:g} {unit}".strip()
    return name, "" if value is None else f"{value} {unit}".strip() if isinstance(value, int) else str(value)


def _target_text(detail: Mapping[str, Any], site_status: SiteStatus, target_class: Any) -> str | None:
    target = detail.get("target")
    if target is None:
        target = next((b.target for b in site_status.basis if b.target), None)
    if target is None:
        target = json_value(target_class)
    if isinstance(target, int) and not isinstance(target, bool):
        return f"{water_class_label(target)}（水质目标）"
    return None if target is None else str(target)


def _standard_text(detail: Mapping[str, Any], site_status: SiteStatus) -> str | None:
    standard = detail.get("standard") or detail.get("limit_standard")
    if standard:
        return str(standard)
    names = list(dict.fromkeys(b.standard for b in site_status.basis if b.standard))
    return "；".join(names) or None


def _detail_rows(site_status: SiteStatus, target_class: Any) -> list[tuple[str, str]]:
    """(caption, text) rows for the popup, from what the status detail and basis hold."""
    detail = site_status.detail or {}
    rows: list[tuple[str, str]] = []
    day = detail.get("date") or detail.get("sample_date")
    if day:
        rows.append(("监测日期", str(day)))
    label = detail.get("label") or detail.get("grade_label")
    if label:
        rows.append(("评价", str(label)))
    if detail.get("aqi") is not None:
        rows.append(("AQI", f"{detail['aqi']} {detail.get('category') or ''}".strip()))
    target = _target_text(detail, site_status, target_class)
    if target:
        rows.append(("目标", target))
    standard = _standard_text(detail, site_status)
    if standard:
        rows.append(("标准", standard))
    return rows


def _values_html(detail: Mapping[str, Any]) -> str:
    values = detail.get("values")
    if not isinstance(values, Mapping) or not values:
        return ""
    cells = "".join(
        f'<tr><td style="padding-right:10px">{esc(n)}</td><td>{esc(t)}</td></tr>'
        for n, t in (_value_text(str(c), v) for c, v in values.items())
    )
    return f'<div class="latest-values"><b>最新监测值</b><table>{cells}</table></div>'


def _badges(sample: bool, approximate: bool) -> str:
    badges = [f'<span class="badge-sample">[{SAMPLE_LABEL}]</span>'] if sample else []
    if approximate:
        badges.append(f'<span class="badge-approximate">[{APPROXIMATE_LABEL}]</span>')
    return " ".join(badges)


def popup_html(row: Mapping[str, Any], site_status: SiteStatus) -> str:
    """Escaped popup: name, 示例 / 位置待核实, status, explanation, date, latest values, target, standard."""
    sample, approximate = truthy(row.get("sample")), truthy(row.get("approximate"))
    color = status_color(site_status.status)
    head = f"<b>{esc(row.get('name'))}</b> {_badges(sample, approximate)}".strip()
    status = (
        f'<div class="site-status" data-status="{esc(site_status.status.value)}">'
        f'<span style="color:{color}">●</span> {esc(site_status.label)}</div>'
    )
    parts = [head, status, f'<div class="site-explanation">{esc(site_status.explanation)}</div>']
    parts += [f"<div>{esc(c)}：{esc(t)}</div>" for c, t in _detail_rows(site_status, row.get("target_class"))]
    parts.append(_values_html(site_status.detail or {}))
    if approximate:
        note = esc(row.get("location_note")) or f"{APPROXIMATE_LABEL}：坐标为示意位置"
        parts.append(f'<div class="location-note">{note}</div>')
    return f'<div class="site-popup" style="{_POPUP_STYLE}">' + "".join(p for p in parts if p) + "</div>"


def tooltip_html(row: Mapping[str, Any], site_status: SiteStatus) -> str:
    """Escaped tooltip: name and status label (plus 示例 for sample records)."""
    suffix = f"（{SAMPLE_LABEL}）" if truthy(row.get("sample")) else ""
    return f"{esc(row.get('name'))}{suffix}：{esc(site_status.label)}"


def _status_of(site_id: str, statuses: Mapping[str, SiteStatus]) -> SiteStatus:
    found = statuses.get(site_id)
    return found if found is not None else SiteStatus(Status.NODATA, MISSING_STATUS_TEXT)


def _feature(row: Mapping[str, Any], geometry: Any, site_status: SiteStatus) -> Feature:
    site_id = str(json_value(row["site_id"]))
    props = {
        "site_id": site_id,
        "name": json_value(row.get("name")),
        "kind": str(row["kind"]),
        "group": KIND_GROUPS[str(row["kind"])],
        "township": json_value(row.get("township")),
        "status": site_status.status.value,
        "status_label": status_label(site_status.status),
        "explanation": site_status.explanation,
        "sample": truthy(row.get("sample")),
        "approximate": truthy(row.get("approximate")),
        "tooltip_html": tooltip_html(row, site_status),
        "popup_html": popup_html(row, site_status),
    }
    return {"type": "Feature", "id": site_id, "properties": props, "geometry": mapping(geometry)}


def site_features(gdf: gpd.GeoDataFrame, statuses: Mapping[str, SiteStatus]) -> list[Feature]:
    """GeoJSON features of every site with geometry, in register order (sites without a status: 无数据).

    Raises
    ------
    LayerError
        A required column is missing, or a ``kind`` is not one of ``KIND_GROUPS``.
    """
    require_columns(gdf, REQUIRED_COLUMNS, "点位图层")
    shown = to_display_crs(gdf, "点位图层")
    features = []
    for _, row in shown.iterrows():
        kind = str(row["kind"])
        if kind not in KIND_GROUPS:
            raise LayerError(f"点位“{row['site_id']}”的类型“{kind}”未知；可用：{'、'.join(KIND_GROUPS)}")
        if row.geometry is None or row.geometry.is_empty:
            continue
        features.append(_feature(row, row.geometry, _status_of(str(json_value(row["site_id"])), statuses)))
    return features


_BIND_JS = folium.JsCode(
    """function (feature, layer) {
        var p = feature.properties || {};
        layer.bindTooltip(p.tooltip_html, {sticky: true});
        layer.bindPopup(p.popup_html, {maxWidth: 360});
    }"""
)


def _style(feature: Feature) -> dict[str, Any]:
    return status_path_options(feature["properties"]["status"], feature["geometry"]["type"])


def build_group(features: Sequence[Feature], name: str) -> folium.FeatureGroup:
    """One toggleable group holding a GeoJson of ``features`` (circle markers for points)."""
    group = folium.FeatureGroup(name=name)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": list(features)},
        name=name,
        style_function=_style,
        highlight_function=lambda _f: highlight_options(),
        marker=folium.CircleMarker(),
        on_each_feature=_BIND_JS,
        control=False,
    ).add_to(group)
    return group


def build_site_groups(features: Sequence[Feature]) -> list[folium.FeatureGroup]:
    """Build one group per kind group that has features, in ``KIND_GROUPS`` order."""
    by_group: dict[str, list[Feature]] = {}
    for feature in features:
        by_group.setdefault(feature["properties"]["group"], []).append(feature)
    return [build_group(by_group[g], g) for g in dict.fromkeys(KIND_GROUPS.values()) if g in by_group]


def build_sites(gdf: gpd.GeoDataFrame, statuses: Mapping[str, SiteStatus]) -> list[folium.FeatureGroup]:
    """Site layers coloured by status: ``build_site_groups(site_features(gdf, statuses))``."""
    return build_site_groups(site_features(gdf, statuses))


def features_of(groups: Sequence[folium.FeatureGroup]) -> list[Feature]:
    """Collect the site features held by groups built here (for the legend and tests)."""
    found: list[Feature] = []
    for group in groups:
        for child in group._children.values():
            if isinstance(child, folium.GeoJson):
                found.extend(child.data["features"])
    return found
