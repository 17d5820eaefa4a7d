"""The site register: validation, reading as a GeoDataFrame, versioned writes, spatial queries."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, func, select, text

from store import schema as s
from store.core import Role, StoreBase, now
from store.errors import ConcurrentEditError, ImportValidationError, NotFoundError, RowProblem, StoreError
from store.geom import ANY_SHAPE, AREAS, LINES, POINTS, SRID, checked_shape, to_ewkb_hex

CRS = "EPSG:4490"
METRIC_CRS = 4548  # CGCS2000 / 3-degree Gauss-Kruger CM 117E: distances in metres

KINDS = {"water_section", "drinking_source", "air_station", "wwtp", "project", "enterprise", "park", "ship_waste"}
SITE_COLUMNS = ("name", "kind", "township", "control_level", "water_body", "target_class", "monitoring_freq",
                "air_class", "approximate", "location_note", "sample", "source")
PROJECT_FIELDS = ("project_no", "investment_wan", "start_year", "end_year", "responsible", "content",
                  "related_site", "milestones")
_CHOICES: dict[str, set[Any]] = {
    "kind": KINDS,
    "control_level": {"国控", "省控", "市控", "区控"},
    "water_body": {"river", "lake", "reservoir"},
    "monitoring_freq": {"daily", "monthly", "quarterly"},
    "target_class": {1, 2, 3, 4, 5},
    "air_class": {1, 2},
}
_INT_FIELDS = ("target_class", "air_class", "project_no", "start_year", "end_year")
_BOOL_FIELDS = ("approximate", "sample")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _as_int(v: Any, field: str, problems: list[RowProblem], row: int) -> int | None:
    if _blank(v):
        return None
    try:
        f = float(v)
        if f != int(f):
            raise ValueError
        return int(f)
    except (TypeError, ValueError):
        problems.append(RowProblem(row, field, f"“{v}”不是整数"))
        return None


def _as_bool(v: Any, field: str, problems: list[RowProblem], row: int) -> bool:
    if _blank(v):
        return False
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    t = str(v).strip().lower()
    if t in {"true", "1", "yes", "是"}:
        return True
    if t in {"false", "0", "no", "否"}:
        return False
    problems.append(RowProblem(row, field, f"“{v}”不是是/否值"))
    return False


# Geometry a site of each kind may have: every kind is a place (point); a river section may be drawn as its
# reach (line), parks and drinking-water sources as their area, projects as the works' point, line or area.
KIND_GEOMETRY: dict[str, frozenset[str]] = {
    "water_section": POINTS | LINES,
    "drinking_source": POINTS | AREAS,
    "air_station": POINTS,
    "wwtp": POINTS,
    "project": POINTS | LINES | AREAS,
    "enterprise": POINTS,
    "park": POINTS | AREAS,
    "ship_waste": POINTS,
}


def check_geometry(geom: Any, field: str, problems: list[RowProblem], row: int, *,
                   allowed: frozenset[str] = ANY_SHAPE, notes: list[RowProblem] | None = None,
                   repair: bool = True, where: str = "此处") -> BaseGeometry | None:
    """A non-empty geometry of an ``allowed`` type, finite lon/lat inside China's extent (CGCS2000 degrees).

    An invalid geometry is repaired (make_valid) with a warning appended to ``notes``; refused if the repair
    gives the wrong type.  Problems and warnings name ``row`` and ``field``.
    """
    if isinstance(geom, Mapping):
        try:
            geom = shape(geom)
        except Exception as exc:
            problems.append(RowProblem(row, field, f"无法解析的几何：{exc}"))
            return None
    out, error, warning = checked_shape(geom, allowed, repair=repair, where=where)
    if error is not None:
        problems.append(RowProblem(row, field, error))
    if warning is not None and notes is not None:
        notes.append(RowProblem(row, field, warning))
    return out


def normalise_site(props: Mapping[str, Any], geom: Any, row: int = 2, *, notes: list[RowProblem] | None = None
                   ) -> tuple[dict[str, Any], list[RowProblem]]:
    """Split a feature's properties into site columns, dated grades, project fields and free attributes.

    The geometry must suit the kind (``KIND_GEOMETRY``); repairs of invalid geometry are added to ``notes``.
    """
    problems: list[RowProblem] = []
    p = {k: v for k, v in props.items() if not _blank(v)}
    site_id = str(p.pop("site_id", "") or "").strip()
    if not site_id:
        problems.append(RowProblem(row, "site_id", "站点编号不能为空"))
    rec: dict[str, Any] = {"site_id": site_id}
    for col in SITE_COLUMNS:
        v = p.pop(col, None)
        if col in _INT_FIELDS:
            v = _as_int(v, col, problems, row)
        elif col in _BOOL_FIELDS:
            v = _as_bool(v, col, problems, row)
        elif v is not None:
            v = str(v)
        if v is not None and col in _CHOICES and v not in _CHOICES[col]:
            allowed = "、".join(str(c) for c in sorted(_CHOICES[col], key=str))
            problems.append(RowProblem(row, col, f"“{v}”不是允许的取值（{allowed}）"))
        rec[col] = v
    if not rec["name"]:
        problems.append(RowProblem(row, "name", "名称不能为空"))
    if not rec["kind"]:
        problems.append(RowProblem(row, "kind", "类型不能为空"))
    kind = rec["kind"] or ""
    rec["geom"] = check_geometry(geom, "geometry", problems, row, notes=notes,
                                 allowed=KIND_GEOMETRY.get(kind, ANY_SHAPE), where=f"类型为“{kind}”的站点")
    rec["grades"] = _parse_dated(p.pop("grade_history", None), "grade", "grade_history", problems, row)
    project = {k: p.pop(k) for k in PROJECT_FIELDS if k in p}
    if project:
        for k in ("project_no", "start_year", "end_year"):
            project[k] = _as_int(project.get(k), k, problems, row)
        if project.get("investment_wan") is not None:
            try:
                project["investment_wan"] = float(project["investment_wan"])
            except (TypeError, ValueError):
                problems.append(RowProblem(row, "investment_wan", f"“{project['investment_wan']}”不是数值"))
        project["milestones"] = _parse_dated(project.get("milestones"), "name", "milestones", problems, row,
                                             date_key="date")
        if project.get("project_no") is None:
            problems.append(RowProblem(row, "project_no", "项目须有项目编号"))
    rec["project"] = project or None
    rec["attrs"] = {k: (v.item() if hasattr(v, "item") else v) for k, v in p.items()}
    return rec, problems


def _parse_dated(
    value: Any, key: str, field: str, problems: list[RowProblem], row: int, date_key: str = "from"
) -> list[tuple[dt.date, str]]:
    if _blank(value):
        return []
    try:
        items = json.loads(value) if isinstance(value, str) else list(value)
        out = [(dt.date.fromisoformat(str(i[date_key])[:10]), str(i[key])) for i in items]
    except (ValueError, TypeError, KeyError) as exc:
        problems.append(RowProblem(row, field, f"格式应为 [{{\"{date_key}\": \"YYYY-MM-DD\", \"{key}\": …}}]：{exc}"))
        return []
    return sorted(out)


def _notes_text(notes: list[RowProblem], file_name: str | None = None) -> str | None:
    """Warnings (e.g. repaired geometry) for the audit entry's detail, or None."""
    if not notes:
        return None
    return "\n".join(n.text(file_name) if file_name else f"字段“{n.field}”：{n.message}" for n in notes)


class SitesMixin(StoreBase):
    """Sites: register, versioned edits, spatial queries (PostGIS on PostgreSQL, shapely on SQLite)."""

    # ---- reading ------------------------------------------------------------------------------------------
    def list_sites(self, *, kind: str | None = None, site_ids: Iterable[str] | None = None) -> gpd.GeoDataFrame:
        """The register as a GeoDataFrame in EPSG:4490, properties as in data/sample/sites.geojson + version."""
        q = select(s.sites).order_by(s.sites.c.site_id)
        if kind is not None:
            q = q.where(s.sites.c.kind == kind)
        if site_ids is not None:
            q = q.where(s.sites.c.site_id.in_(list(site_ids)))
        with self._read() as conn:
            rows = conn.execute(q).mappings().all()
            grades = self._grades(conn)
            projects = self._project_props(conn)
        records = [self._site_props(r, grades, projects) for r in rows]
        geoms = [r["geom"] for r in rows]
        if not records:
            cols = ["site_id", *SITE_COLUMNS, "version", "geometry"]
            return gpd.GeoDataFrame(pd.DataFrame(columns=cols[:-1]), geometry=[], crs=CRS)
        return gpd.GeoDataFrame(pd.DataFrame.from_records(records), geometry=geoms, crs=CRS)

    def get_site(self, site_id: str) -> dict[str, Any]:
        """One site's properties (incl. ``version``) and ``geometry``."""
        with self._read() as conn:
            return self._site_record(conn, site_id)

    def _site_record(self, conn: Connection, site_id: str) -> dict[str, Any]:
        row = conn.execute(select(s.sites).where(s.sites.c.site_id == site_id)).mappings().first()
        if row is None:
            raise NotFoundError("站点", site_id)
        rec = self._site_props(row, self._grades(conn, site_id), self._project_props(conn, site_id))
        rec["geometry"] = row["geom"]
        return rec

    @staticmethod
    def _site_props(row: Mapping[Any, Any], grades: dict[str, str], projects: dict[str, dict[str, Any]]
                    ) -> dict[str, Any]:
        rec: dict[str, Any] = {"site_id": row["site_id"]}
        rec.update({c: row[c] for c in SITE_COLUMNS})
        for k, v in (row["attrs"] or {}).items():
            rec.setdefault(k, v)
        rec["grade_history"] = grades.get(row["site_id"])
        rec.update(projects.get(row["site_id"], {}))
        rec["version"] = row["version"]
        rec["updated_at"] = row["updated_at"]
        return rec

    def site_standards(self, site_id: str | None = None) -> pd.DataFrame:
        """Dated attributes (e.g. ``grade`` 1B from 2019-01-01, 1A from 2024-07-01), by site and date."""
        q = select(s.site_standards).order_by(s.site_standards.c.site_id, s.site_standards.c.attribute,
                                              s.site_standards.c.valid_from)
        if site_id is not None:
            q = q.where(s.site_standards.c.site_id == site_id)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=[c.name for c in s.site_standards.c])

    def _grades(self, conn: Connection, site_id: str | None = None) -> dict[str, str]:
        q = select(s.site_standards).where(s.site_standards.c.attribute == "grade").order_by(
            s.site_standards.c.site_id, s.site_standards.c.valid_from)
        if site_id is not None:
            q = q.where(s.site_standards.c.site_id == site_id)
        out: dict[str, list[dict[str, str]]] = {}
        for r in conn.execute(q).mappings():
            out.setdefault(r["site_id"], []).append({"from": r["valid_from"].isoformat(), "grade": r["value"]})
        return {k: json.dumps(v, ensure_ascii=False) for k, v in out.items()}

    def _project_props(self, conn: Connection, site_id: str | None = None) -> dict[str, dict[str, Any]]:
        q = select(s.projects).where(s.projects.c.site_id.is_not(None))
        if site_id is not None:
            q = q.where(s.projects.c.site_id == site_id)
        out: dict[str, dict[str, Any]] = {}
        for p in conn.execute(q).mappings():
            ms = conn.execute(select(s.milestones).where(s.milestones.c.project_no == p["project_no"])
                              .order_by(s.milestones.c.planned, s.milestones.c.id)).mappings().all()
            out[p["site_id"]] = {
                "project_no": p["project_no"], "investment_wan": p["investment_wan"],
                "start_year": p["start_year"], "end_year": p["end_year"], "responsible": p["responsible"],
                "content": p["content"], "related_site": p["related_site"],
                "milestones": json.dumps([{"date": m["planned"].isoformat(), "name": m["name"]} for m in ms],
                                         ensure_ascii=False) if ms else None,
            }
        return out

    # ---- writing ------------------------------------------------------------------------------------------
    def create_site(self, actor: Any, properties: Mapping[str, Any], geometry: BaseGeometry) -> dict[str, Any]:
        """Add a site (editor or admin)."""
        notes: list[RowProblem] = []
        rec, problems = normalise_site(properties, geometry, notes=notes)
        if problems:
            raise StoreError("；".join(f"字段“{p.field}”：{p.message}" for p in problems))
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "新增站点")
            self._insert_site(conn, rec)
            after = self._site_record(conn, rec["site_id"])
            self._audit(conn, who, "create", "site", rec["site_id"], after=after, detail=_notes_text(notes))
        return after

    def import_sites(
        self, actor: Any, sites: gpd.GeoDataFrame, *, file_name: str = "点位登记表", update_existing: bool = False,
        expected_versions: Mapping[str, int] | None = None,
    ) -> dict[str, int]:
        """Add (and with ``update_existing`` replace) a whole register in one transaction: all rows or none.

        ``expected_versions``: site_id → version as read when the preview was built.  With it, a site that was
        saved (or deleted, or created) by someone else since then is a ``ConcurrentEditError`` and nothing is
        stored, so an import never overwrites a newer edit.  Row numbers in errors are the frame's index when it
        is an int (ingest indexes by spreadsheet row), else position + 2 (header = row 1).  Returns
        ``{"created": n, "updated": m}``, plus ``"repaired": k`` when k invalid geometries were repaired (the
        import's audit entry names them).
        """
        records, problems, notes = self._register_records(sites)
        if problems:
            raise ImportValidationError(file_name, problems)
        counts = {"created": 0, "updated": 0}
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "导入点位登记表")
            for rec in records:
                counts[self._upsert_site(conn, who, rec, update_existing, expected_versions)] += 1
            self._audit(conn, who, "import", "site", file_name, after={"file": file_name, **counts},
                        detail=_notes_text(notes, file_name))
        return counts | ({"repaired": len(notes)} if notes else {})

    @staticmethod
    def _register_records(sites: gpd.GeoDataFrame) -> tuple[list[dict[str, Any]], list[RowProblem], list[RowProblem]]:
        records: list[dict[str, Any]] = []
        problems: list[RowProblem] = []
        notes: list[RowProblem] = []
        for pos, (idx, row) in enumerate(sites.iterrows()):
            number = int(idx) if isinstance(idx, (int, np.integer)) else pos + 2
            props = {k: v for k, v in row.items() if k != sites.geometry.name}
            rec, bad = normalise_site(props, row[sites.geometry.name], number, notes=notes)
            records.append(rec)
            problems.extend(bad)
        return records, problems, notes

    def _upsert_site(self, conn: Connection, who: str, rec: Mapping[str, Any], update_existing: bool,
                     expected_versions: Mapping[str, int] | None = None) -> str:
        sid = rec["site_id"]
        current = conn.execute(select(s.sites.c.version).where(s.sites.c.site_id == sid)).first()
        expected = None if expected_versions is None else expected_versions.get(sid)
        if expected_versions is not None and expected is not None and current is None:
            raise ConcurrentEditError("站点", sid, int(expected), None)
        if current is None:
            self._insert_site(conn, rec)
            self._audit(conn, who, "create", "site", sid, after=self._site_record(conn, sid))
            return "created"
        if not update_existing:
            raise StoreError(f"站点编号“{sid}”已存在；如需用登记表覆盖，请勾选“更新已有点位”")
        if expected_versions is not None and expected is None:
            raise StoreError(f"站点“{sid}”在预览之后已被其他用户新增（预览时库中没有此编号）。为避免覆盖他人的数据，"
                             "本次导入未执行，请刷新后重新上传")
        before = self._site_record(conn, sid)
        values = {c: rec[c] for c in SITE_COLUMNS} | {"geom": rec["geom"], "attrs": rec["attrs"], "updated_at": now()}
        version = current[0] if expected is None else int(expected)
        self._versioned_update(conn, s.sites, sid, version, values, "站点")
        self._write_grades(conn, sid, rec["grades"])
        self._audit(conn, who, "update", "site", sid, before, self._site_record(conn, sid))
        return "updated"

    def _insert_site(self, conn: Connection, rec: Mapping[str, Any]) -> None:
        if conn.execute(select(s.sites.c.site_id).where(s.sites.c.site_id == rec["site_id"])).first():
            raise StoreError(f"站点编号“{rec['site_id']}”已存在")
        t = now()
        conn.execute(s.sites.insert().values(
            site_id=rec["site_id"], geom=rec["geom"], attrs=rec["attrs"], created_at=t, updated_at=t, version=1,
            **{c: rec[c] for c in SITE_COLUMNS}))
        self._write_grades(conn, rec["site_id"], rec["grades"], replace=False)
        if rec["project"]:
            self._insert_project(conn, rec["site_id"], rec["name"], rec["project"])

    def _write_grades(self, conn: Connection, site_id: str, grades: list[tuple[dt.date, str]],
                      replace: bool = True) -> None:
        if replace:
            conn.execute(s.site_standards.delete().where(s.site_standards.c.site_id == site_id,
                                                          s.site_standards.c.attribute == "grade"))
        for since, grade in grades:
            conn.execute(s.site_standards.insert().values(site_id=site_id, attribute="grade", value=grade,
                                                          valid_from=since, version=1))

    def _insert_project(self, conn: Connection, site_id: str | None, name: str, p: Mapping[str, Any]) -> None:
        no = p["project_no"]
        if conn.execute(select(s.projects.c.project_no).where(s.projects.c.project_no == no)).first():
            raise StoreError(f"项目编号“{no}”已存在")
        conn.execute(s.projects.insert().values(
            project_no=no, site_id=site_id, name=name, investment_wan=p.get("investment_wan"),
            start_year=p.get("start_year"), end_year=p.get("end_year"), responsible=p.get("responsible"),
            content=p.get("content"), related_site=p.get("related_site"), version=1))
        for planned, mname in p.get("milestones") or []:
            conn.execute(s.milestones.insert().values(project_no=no, planned=planned, name=mname, version=1))

    def update_site(
        self, actor: Any, site_id: str, changes: Mapping[str, Any], *, expected_version: int
    ) -> dict[str, Any]:
        """Change properties and/or ``geometry`` of a site; refused if someone saved since ``expected_version``."""
        bad = [k for k in changes if k in PROJECT_FIELDS or k in {"site_id", "version", "updated_at"}]
        if bad:
            raise StoreError(f"字段“{bad[0]}”不能在此修改（项目字段请在项目中修改，编号和版本不可改）")
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "修改站点")
            before = self._site_record(conn, site_id)
            merged = {k: v for k, v in before.items() if k not in PROJECT_FIELDS and k not in
                      {"geometry", "version", "updated_at"}}
            merged.update({k: v for k, v in changes.items() if k != "geometry"})
            notes: list[RowProblem] = []
            rec, problems = normalise_site(merged, changes.get("geometry", before["geometry"]), notes=notes)
            if problems:
                raise StoreError("；".join(f"字段“{p.field}”：{p.message}" for p in problems))
            values = {c: rec[c] for c in SITE_COLUMNS} | {"geom": rec["geom"], "attrs": rec["attrs"],
                                                         "updated_at": now()}
            self._versioned_update(conn, s.sites, site_id, expected_version, values, "站点")
            self._write_grades(conn, site_id, rec["grades"])
            after = self._site_record(conn, site_id)
            self._audit(conn, who, "update", "site", site_id, before, after, detail=_notes_text(notes))
        return after

    def delete_site(self, actor: Any, site_id: str, *, expected_version: int) -> None:
        """Delete a site without measurements, tasks or inspections (editor or admin)."""
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "删除站点")
            before = self._site_record(conn, site_id)
            for table, label in ((s.measurements, "条监测数据"), (s.tasks, "个整改任务"), (s.inspections, "次检查记录"),
                                 (s.projects, "个项目")):
                n = conn.execute(select(func.count()).select_from(table).where(table.c.site_id == site_id)).scalar()
                if n:
                    raise StoreError(f"站点“{site_id}”还有 {n} {label}，不能删除")
            self._versioned_delete(conn, s.sites, site_id, expected_version, "站点")
            self._audit(conn, who, "delete", "site", site_id, before=before)

    # ---- spatial queries ----------------------------------------------------------------------------------
    def sites_in_polygon(self, polygon: BaseGeometry) -> gpd.GeoDataFrame:
        """Sites whose geometry intersects a drawn polygon (EPSG:4490)."""
        return self.list_sites(site_ids=self._ids_intersecting(polygon))

    def sites_in_township(self, township: str, *, layer: str = "townships") -> gpd.GeoDataFrame:
        """Sites intersecting a township polygon of the active version of boundary ``layer``."""
        with self._read() as conn:
            geom = conn.execute(
                select(s.boundary_features.c.geom)
                .join(s.boundary_layers, s.boundary_layers.c.id == s.boundary_features.c.layer_id)
                .where(s.boundary_layers.c.name == layer, s.boundary_layers.c.active.is_(True),
                       s.boundary_features.c.name == township)
            ).scalars().all()
        if not geom:
            raise NotFoundError(f"边界图层“{layer}”中的乡镇", township)
        return self.sites_in_polygon(shapely.union_all(geom))

    def sites_within(self, lon: float, lat: float, metres: float) -> gpd.GeoDataFrame:
        """Sites within ``metres`` of a point (distance in EPSG:4548), nearest first, with ``distance_m``."""
        if not (metres >= 0 and math.isfinite(metres)):
            raise StoreError(f"距离“{metres}”无效：须为非负米数")
        ids, dist = self._ids_within(Point(lon, lat), metres)
        gdf = self.list_sites(site_ids=ids)
        gdf["distance_m"] = gdf["site_id"].map(dict(zip(ids, dist, strict=True)))
        return gdf.sort_values(["distance_m", "site_id"], ignore_index=True)

    def _ids_intersecting(self, polygon: BaseGeometry) -> list[str]:
        problems: list[RowProblem] = []
        if check_geometry(polygon, "polygon", problems, 0, repair=False) is None:
            raise StoreError(f"查询范围无效：{problems[0].message}")
        with self._read() as conn:
            if self.backend == "postgresql":
                q = text("SELECT site_id FROM sites WHERE ST_Intersects(geom, ST_GeomFromEWKB(decode(:g, 'hex'))) "
                         "ORDER BY site_id")
                return list(conn.execute(q, {"g": to_ewkb_hex(polygon)}).scalars())
            rows = conn.execute(select(s.sites.c.site_id, s.sites.c.geom).order_by(s.sites.c.site_id)).all()
        if not rows:
            return []
        geoms = np.array([r.geom for r in rows], dtype=object)
        hit = shapely.intersects(geoms, polygon)
        return [r.site_id for r, h in zip(rows, hit, strict=True) if h]

    def _ids_within(self, centre: Point, metres: float) -> tuple[list[str], list[float]]:
        with self._read() as conn:
            if self.backend == "postgresql":
                q = text(
                    "SELECT site_id, ST_Distance(ST_Transform(geom, :m), c) AS d FROM sites, "
                    "(SELECT ST_Transform(ST_GeomFromEWKB(decode(:g, 'hex')), :m) AS c) AS centre "
                    "WHERE ST_DWithin(ST_Transform(geom, :m), c, :r) ORDER BY site_id")
                rows = conn.execute(q, {"g": to_ewkb_hex(centre), "m": METRIC_CRS, "r": metres}).all()
                return [r[0] for r in rows], [float(r[1]) for r in rows]
            rows = conn.execute(select(s.sites.c.site_id, s.sites.c.geom).order_by(s.sites.c.site_id)).all()
        if not rows:
            return [], []
        to_metric = Transformer.from_crs(SRID, METRIC_CRS, always_xy=True)
        geoms = shapely.transform(np.array([r.geom for r in rows], dtype=object),
                                  lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])))
        c = shapely.transform(centre, lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])))
        d = shapely.distance(geoms, c)
        keep = [(r.site_id, float(x)) for r, x in zip(rows, d, strict=True) if x <= metres]
        return [k for k, _ in keep], [x for _, x in keep]


