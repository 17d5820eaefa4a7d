"""数据导入: upload → detect → preview (table, map, issues with file/row/field) → confirm → stored by the store.

Thin page: parsing lives in ingest/ and geo.io, storing (roles, transactions, audit) in store/, tables and
maps for the preview in ui/imports.py.  The store checks the role again on every write.
"""

from __future__ import annotations

import hashlib
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import CRSNotDeterminedError, GeoError
from geo.io import read_vector
from ingest import IMPORT_ERRORS, ImportResult, Issue, parse_register, parse_sheet, register_template, sheet_template
from layers.offline import use_local_assets
from store import (
    DuplicateImportError,
    ImportValidationError,
    PermissionDeniedError,
    Role,
    Store,
    StoreError,
    User,
)
from store.sites import normalise_site
from textsafe import md
from ui.auth import can, current_user
from ui.data import map_data
from ui.imports import (
    BOUNDARY_KINDS,
    CODE_FIELD_HINTS,
    COORD_CHOICES,
    DUPLICATE_CHOICES,
    KIND_CHOICES,
    NAME_FIELD_HINTS,
    attribute_columns,
    boundary_geojson,
    coordinate_table,
    guess_field,
    issue_table,
    preview_map,
    problem_table,
    sheet_summary,
    stored_overlap,
)
from ui.store import get_store

ss = st.session_state
use_local_assets()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title("数据导入")
st.caption("上传本单位的文件 → 自动识别编码、坐标系和表格格式 → 预览并核对问题 → "
           "确认后整批写入（有任何错误则整个文件不导入）。")

with st.expander("下载 Excel 模板（含中文表头、示例行和“说明”页）"):
    c1, c2, c3 = st.columns(3)
    c1.download_button("点位登记表模板", register_template(), "点位登记表模板.xlsx", XLSX, key="tpl_register")
    c2.download_button("监测数据长表模板", sheet_template("long"), "监测数据长表模板.xlsx", XLSX, key="tpl_long")
    c3.download_button("监测月报宽表模板", sheet_template("wide"), "监测月报宽表模板.xlsx", XLSX, key="tpl_wide")

user = current_user()
if not can(user, Role.EDITOR):
    st.warning("导入数据需要“编辑”或“管理”权限。当前"
               + ("未登录" if user is None else f"账号为“{user.role.label}”权限（只读）")
               + "：可以下载模板，但不能上传和导入。如需导入，请联系管理员开通编辑权限。")
    st.stop()
assert user is not None
store = get_store()

done = ss.pop("import_done", None)
if done:
    st.success(done)


def _issues(issues: list[Any]) -> None:
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    if errors:
        st.error(f"发现 {len(errors)} 处错误，须改正后重新上传（整个文件不会导入）：")
        for i in errors[:10]:
            st.markdown(f"- {_md(str(i))}")
    if warnings:
        st.info(f"{len(warnings)} 条提示（不影响导入）：\n\n" + "\n\n".join(_md(str(i)) for i in warnings[:5])
                + ("\n\n……（全部见下表）" if len(warnings) > 5 else ""))
    if issues:
        st.dataframe(issue_table(issues), hide_index=True, width="stretch")


def _md(text: str) -> str:
    """Text shown in markdown as text (no markup, no HTML, no directives, no autolinks)."""
    return md(text)


def _store_error(exc: StoreError) -> None:
    if isinstance(exc, ImportValidationError):
        st.error("导入失败，未保存任何数据。")
        st.dataframe(problem_table(exc.file_name, exc.problems), hide_index=True, width="stretch")
    else:
        st.error(md(exc))


def _finish(message: str) -> None:
    ss.import_done = message + "　切换到“一张图”即可看到新数据。"
    ss.import_nonce = ss.get("import_nonce", 0) + 1  # fresh uploader: the stored file is not offered again
    st.rerun()


def _confirm(label: str, blocked: bool, why: str) -> bool:
    if blocked:
        st.button(label, disabled=True, type="primary", key="import_confirm", help=why)
        st.caption(f"“{label}”不可用：{md(why)}")
        return False
    return st.button(label, type="primary", key="import_confirm")


# ---- monitoring sheets ----------------------------------------------------------------------------------------


@st.cache_data(show_spinner="正在识别表格…", max_entries=4)
def _parse_sheet(data: bytes, name: str, form: str, duplicates: str, known: tuple[str, ...],
                 names: tuple[tuple[str, str], ...]) -> ImportResult[pd.DataFrame]:
    return parse_sheet(data, filename=name, form=form, duplicates=duplicates,  # type: ignore[arg-type]
                       known_ids=set(known), name_to_id=dict(names))


def sheet_section(store: Store, user: User, data: bytes, name: str) -> None:
    """Monitoring sheet: options, preview, confirm."""
    c1, c2 = st.columns(2)
    forms = {"auto": "自动识别", "long": "长表（每行一个数值）", "wide": "月报宽表（每列一个项目）"}
    form = c1.radio("表格形式", list(forms), horizontal=True, key="imp_form", format_func=forms.get)
    dup = c2.radio("文件内的重复数据（同一点位、时间、项目）", list(DUPLICATE_CHOICES), key="imp_dup",
                   format_func=DUPLICATE_CHOICES.get)
    sites = store.list_sites()
    known = tuple(sorted(sites["site_id"].astype(str)))
    names = tuple(sorted((str(n), str(i)) for n, i in zip(sites["name"], sites["site_id"], strict=True)))
    try:
        result = _parse_sheet(data, name, form, dup, known, names)
    except IMPORT_ERRORS as exc:
        st.error(md(exc))
        return
    meta = result.meta
    summary = sheet_summary(result.preview)
    st.markdown(f"**识别结果**：{'月报宽表' if meta.get('form') == 'wide' else '长表'}"
                + (f"，工作表“{_md(str(meta['sheet']))}”" if meta.get("sheet") else "")
                + (f"，编码 {meta['encoding']}" if meta.get("encoding") else "")
                + f"；读取 {meta.get('rows_read', 0)} 行，得到 {summary['rows']} 个监测值"
                + (f"（{summary['sites']} 个点位、{summary['params']} 个项目，{summary['start']} 至 {summary['end']}）"
                   if summary["rows"] else ""))
    _issues(result.issues)
    if summary["rows"]:
        st.dataframe(result.preview.head(500).reset_index(), hide_index=True, width="stretch",
                     column_config={"excel_row": "Excel 行"})
        overlap = stored_overlap(result.preview, store.measurements(
            sorted(set(result.preview["site_id"])), start=pd.Timestamp(summary["start"]).date(),
            end=pd.Timestamp(summary["end"]).date()))
        if overlap:
            st.warning(f"其中 {overlap} 个值（同一点位、日期、项目）库中已有记录；导入后两条并存。"
                       "如需替换原数据，请管理员先撤销原导入批次。")
    earlier = store.find_import(result.sha256) if result.sha256 else None
    if earlier is not None:  # the same bytes again: the store refuses them, say so before the button
        st.error(md(DuplicateImportError(name, earlier["id"], earlier["created_at"].strftime("%Y-%m-%d %H:%M"),
                                         earlier["file_name"])))
    if _confirm(f"确认导入 {summary['rows']} 个监测值", not result.ok or not summary["rows"] or earlier is not None,
                "文件中仍有错误" if not result.ok else "没有可导入的数据" if not summary["rows"] else "此文件已导入过"):
        try:
            res = store.import_measurements(user, result)
        except (DuplicateImportError, PermissionDeniedError, StoreError) as exc:
            _store_error(exc)
        else:
            _finish(f"已导入 {res.rows} 个监测值（第 {res.batch_id} 批，文件“{md(res.file)}”）。")


# ---- site registers -----------------------------------------------------------------------------------------


@st.cache_data(show_spinner="正在识别登记表…", max_entries=4)
def _parse_register(data: bytes, name: str, coord: str) -> ImportResult[gpd.GeoDataFrame]:
    return parse_register(data, filename=name, coord_system=coord)  # type: ignore[arg-type]


def _site_props(row: pd.Series) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "geometry"}


def register_section(store: Store, user: User, data: bytes, name: str) -> None:
    """Site register: coordinate system, preview table and map, create (and optionally update) sites."""
    coord = st.radio("经纬度来源坐标系", list(COORD_CHOICES), key="imp_coord", format_func=COORD_CHOICES.get,
                     help="X/Y（高斯投影米制）坐标列自动识别带号；经纬度列按此处选择纠偏到 CGCS2000")
    try:
        result = _parse_register(data, name, coord)
    except IMPORT_ERRORS as exc:
        st.error(md(exc))
        return
    frame = result.preview
    existing = store.list_sites()
    # versions as read for this preview (kept across reruns): confirm checks them, an edit saved since is a conflict
    versions = ss.setdefault(f"imp_versions_{hashlib.sha256(data).hexdigest()[:16]}_{ss.get('import_nonce', 0)}",
                             dict(zip(existing["site_id"].astype(str), existing["version"], strict=True)))
    update = st.checkbox("登记表中已存在的点位编号：更新其属性和位置（否则视为错误）", key="imp_update")
    extra: list[Any] = []
    for rownum, row in frame.iterrows():
        sid = str(row["site_id"] or "")
        if sid in versions and not update:
            message = f"点位编号“{sid}”已在库中；如需更新请勾选上方选项"
            extra.append(_issue("error", name, message, int(rownum), "site_id"))
        elif row.geometry is not None:
            _rec, problems = normalise_site(_site_props(row), row.geometry, int(rownum))
            extra += [_issue("error", name, p.message, int(rownum), p.field) for p in problems]
    issues = list(result.issues) + ([] if not result.ok else extra)
    new = [s for s in frame["site_id"].astype(str) if s not in versions]
    st.markdown(f"**识别结果**：{len(frame)} 个点位（新增 {len(new)}，已存在 {len(frame) - len(new)}）")
    _issues(issues)
    if len(frame):
        shown = pd.DataFrame(frame.drop(columns="geometry")).dropna(axis=1, how="all")
        shown["经度"] = frame.geometry.x.round(6)
        shown["纬度"] = frame.geometry.y.round(6)
        st.dataframe(shown.reset_index(), hide_index=True, width="stretch", column_config={"excel_row": "Excel 行"})
        st_folium(preview_map(frame, label_field="name", context=map_data().district), height=380,
                  returned_objects=[], key="imp_map_register")
    errors = [i for i in issues if i.severity == "error"]
    if _confirm(f"确认导入 {len(frame)} 个点位", bool(errors) or not len(frame),
                "文件中仍有错误" if errors else "没有可导入的点位"):
        _store_register(store, user, result.data, versions, name)


def _issue(severity: str, file: str, message: str, row: int | None, field: str | None) -> Issue:
    return Issue(severity, file, message, row, field)  # type: ignore[arg-type]


def _store_register(store: Store, user: User, frame: gpd.GeoDataFrame, versions: dict[str, int], name: str) -> None:
    """All rows in one store transaction: a failure stores nothing."""
    rows = []
    try:  # a site deleted since the preview is a NotFoundError here, a site saved since a conflict below
        for _, row in frame.iterrows():
            props, sid = _site_props(row), str(row["site_id"])
            if sid in versions:  # fields left empty in the register keep their stored value
                kept = {k: v for k, v in store.get_site(sid).items() if k not in ("geometry", "version", "updated_at")}
                props = kept | {k: v for k, v in props.items() if v is not None and v == v}
            rows.append(props | {"geometry": row.geometry})
        register = gpd.GeoDataFrame(rows, geometry="geometry", crs=4490, index=frame.index)
        counts = store.import_sites(user, register, file_name=name, update_existing=True, expected_versions=versions)
    except StoreError as exc:
        st.error(f"导入失败，未保存任何点位：{md(exc)}")
        return
    _finish(f"已新增 {counts['created']} 个点位，更新 {counts['updated']} 个点位。")


# ---- boundaries ------------------------------------------------------------------------------------------------


@st.cache_data(show_spinner="正在读取矢量文件并识别坐标系…", max_entries=4)
def _read_boundary(data: bytes, name: str, crs: int | None, swap: bool) -> gpd.GeoDataFrame:
    return read_vector(data, filename=name, crs=crs, swap_xy=swap)


def boundary_section(store: Store, user: User, data: bytes, name: str, layer: str) -> None:
    """Boundary layer: CRS detection (with proposals), before/after table, preview map, replace the layer."""
    key = f"imp_crs_{hashlib.sha256(data).hexdigest()[:16]}"
    chosen = ss.get(key)
    try:
        gdf = _read_boundary(data, name, chosen[0] if chosen else None, chosen[1] if chosen else False)
    except CRSNotDeterminedError as exc:
        proposals = exc.proposals
        st.warning(md(exc.reason) + "。请根据坐标数值推测的结果确认坐标系：")
        if not proposals:
            st.error(md(exc))
            return
        pick = st.radio("源坐标系", range(len(proposals)), key=f"{key}_pick",
                        format_func=lambda i: proposals[i].describe())
        if st.button("按所选坐标系读取", key=f"{key}_go"):
            ss[key] = (proposals[pick].epsg, bool(proposals[pick].swap_xy))
            st.rerun()
        return
    except GeoError as exc:
        st.error(md(exc))
        return
    a = gdf.attrs
    st.markdown(f"**识别结果**：{md(a.get('format'))}，{a.get('feature_count')} 个要素；"
                f"源坐标系 {md(a.get('source_crs'))}"
                + (f"；属性表编码 {md(a.get('encoding'))}" if a.get("encoding") else ""))
    for w in a.get("warnings", []):
        st.info(md(w))
    cols = attribute_columns(gdf)
    if not cols:
        st.error("文件没有属性字段，无法确定各要素的名称")
        return
    c1, c2 = st.columns(2)
    name_guess = guess_field(cols, NAME_FIELD_HINTS) or cols[0]
    name_field = c1.selectbox("名称字段", cols, index=cols.index(name_guess), key="imp_name_field")
    code_opts = ["（无）", *cols]
    code_guess = guess_field(cols, CODE_FIELD_HINTS)
    code_field = c2.selectbox("区划代码字段", code_opts, index=code_opts.index(code_guess) if code_guess else 0,
                              key="imp_code_field")
    names = gdf[name_field].map(lambda v: "" if v is None or v != v else str(v).strip())
    blank = [i + 1 for i, n in enumerate(names) if not n]
    table = coordinate_table(gdf, a.get("source_epsg"), name_field)
    st.markdown("坐标换算前后对照（每个要素取一个内部点）：")
    st.dataframe(table, hide_index=True, width="stretch")
    if layer == "townships":
        current = set(map_data().townships["name"].astype(str))
        missing = sorted(current - set(names))
        if missing:
            st.info(f"新边界中没有这些原有乡镇（街道）名称：{md('、'.join(missing))}；点位的乡镇归属按名称匹配，请核对。")
    st_folium(preview_map(gdf, context=map_data().district if layer != "district" else None), height=380,
              returned_objects=[], key=f"imp_map_{layer}")
    if blank:
        st.error(f"第 {'、'.join(map(str, blank[:20]))} 个要素的名称字段“{md(name_field)}”为空")
    label = "乡镇（街道）边界" if layer == "townships" else "行政区界"
    if _confirm(f"确认以此文件替换{label}", bool(blank), "有要素缺少名称"):
        note = f"正式边界：{name}"
        payload = boundary_geojson(gdf, name_field, None if code_field == "（无）" else code_field, note=note)
        try:
            store.load_boundary_layer(user, layer, payload, file_name=name, name_field="name", code_field="adcode",
                                      source_note=f"导入文件 {name}（源坐标系 {a.get('source_crs')}）")
        except StoreError as exc:
            _store_error(exc)
        else:
            _finish(f"已用“{md(name)}”替换{label}（{len(gdf)} 个要素），原版本保留在历史中；"
                    "地图上的“示意边界”标记随之取消。")


# ---- tasks -------------------------------------------------------------------------------------------------------


def tasks_section(store: Store, user: User, data: bytes, name: str) -> None:
    """Rectification tasks (tasks.csv columns): preview, then the store validates and stores all or nothing."""
    from store.ingest import LoadedFile, read_frame

    try:
        table = read_frame(LoadedFile(name, data))
    except StoreError as exc:
        st.error(md(exc))
        return
    st.markdown(f"**识别结果**：{len(table)} 行；列：{_md('、'.join(map(str, table.columns)))}")
    st.caption("必需列：task_id、title、origin（inspection/complaint/inspection_central）、opened；"
               "可选：site_id、lon、lat、township、owner、due、closed、description。确认时逐行校验，有错误则整表不导入。")
    st.dataframe(table.head(500), hide_index=True, width="stretch")
    if _confirm(f"确认导入 {len(table)} 个整改任务", table.empty, "没有数据行"):
        try:
            n = store.import_tasks(user, data, file_name=name)
        except StoreError as exc:
            _store_error(exc)
        else:
            _finish(f"已导入 {n} 个整改任务。")


# ---- the page ----------------------------------------------------------------------------------------------------

kinds = [k for k in KIND_CHOICES if k not in BOUNDARY_KINDS or can(user, Role.ADMIN)]
kind = st.radio("导入什么", kinds, format_func=KIND_CHOICES.get, key="imp_kind")
if not can(user, Role.ADMIN):
    st.caption("替换行政区界、乡镇边界需要“管理”权限。")
types = {"sheet": ["xlsx", "xls", "csv"], "register": ["xlsx", "xls", "csv"], "tasks": ["csv", "xlsx", "xls"],
         "townships": ["zip", "geojson", "json", "gpkg", "kml", "kmz"],
         "district": ["zip", "geojson", "json", "gpkg", "kml", "kmz"]}[kind]
upload = st.file_uploader("选择文件" + ("（Shapefile 请打包为 .zip）" if kind in BOUNDARY_KINDS else ""), type=types,
                          key=f"imp_file_{kind}_{ss.get('import_nonce', 0)}")
if upload is None:
    st.info("请选择要导入的文件。")
    st.stop()
payload, fname = upload.getvalue(), upload.name
if kind == "sheet":
    sheet_section(store, user, payload, fname)
elif kind == "register":
    register_section(store, user, payload, fname)
elif kind == "tasks":
    tasks_section(store, user, payload, fname)
else:
    boundary_section(store, user, payload, fname, kind)
