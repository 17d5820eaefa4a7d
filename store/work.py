"""Rectification tasks (with closure evidence), inspections, projects with milestones and progress reports."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry import Point
from sqlalchemy import Connection, select

from store import schema as s
from store.core import Role, StoreBase, new_id, now
from store.errors import NotFoundError, RowProblem, StoreError
from store.ingest import ORIGINS, LoadedFile, load_file, parse_date, parse_float, read_frame, require_columns
from store.sites import check_geometry

TASK_FIELDS = ("title", "origin", "site_id", "township", "owner", "opened", "due", "closed", "description",
               "closure_note")
TASK_COLUMNS = ("task_id", *TASK_FIELDS, "lon", "lat", "version", "updated_at")
ORIGIN_LABEL = {"inspection": "执法检查", "complaint": "信访投诉", "inspection_central": "督察"}
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def _task_out(row: Mapping[Any, Any]) -> dict[str, Any]:
    g = row["geom"]
    out = {c: row[c] for c in ("task_id", *TASK_FIELDS)}
    out["lon"], out["lat"] = (g.x, g.y) if g is not None else (None, None)
    out["version"] = row["version"]
    out["updated_at"] = row["updated_at"]
    return out


def _task_values(rec: Mapping[str, Any], row: int, known_sites: set[str]) -> tuple[dict[str, Any], list[RowProblem]]:
    """Validate one task record (cells as text or Python values)."""
    problems: list[RowProblem] = []

    def cell(k: str) -> str:
        v = rec.get(k)
        if v is None or (isinstance(v, float) and v != v):
            return ""
        return v.isoformat() if isinstance(v, dt.date) else str(v).strip()

    out: dict[str, Any] = {}
    for k in ("title", "owner", "township", "description", "closure_note"):
        out[k] = cell(k) or None
    if not out["title"]:
        problems.append(RowProblem(row, "title", "标题不能为空"))
    origin = cell("origin")
    if origin not in ORIGINS:
        problems.append(RowProblem(row, "origin", f"“{origin}”应为 inspection（执法检查）、complaint（信访投诉）"
                                                  "或 inspection_central（督察）"))
    out["origin"] = origin
    site = cell("site_id") or None
    if site is not None and site not in known_sites:
        problems.append(RowProblem(row, "site_id", f"站点编号“{site}”不在站点名录中"))
    out["site_id"] = site
    out["opened"] = parse_date(cell("opened"), row, "opened", problems, required=True)
    out["due"] = parse_date(cell("due"), row, "due", problems, required=False)
    out["closed"] = parse_date(cell("closed"), row, "closed", problems, required=False)
    if out["opened"] and out["closed"] and out["closed"] < out["opened"]:
        problems.append(RowProblem(row, "closed", "销号日期早于立案日期"))
    lon = parse_float(cell("lon"), row, "lon", problems, required=False)
    lat = parse_float(cell("lat"), row, "lat", problems, required=False)
    out["geom"] = None
    if (lon is None) != (lat is None):
        problems.append(RowProblem(row, "lon" if lon is None else "lat", "经度和纬度须同时填写"))
    elif lon is not None and lat is not None:
        out["geom"] = check_geometry(Point(lon, lat), "lon/lat", problems, row)
    return out, problems


class WorkMixin(StoreBase):
    """Tasks, evidence, inspections, projects."""

    # ---- tasks --------------------------------------------------------------------------------------------
    def list_tasks(self, *, township: str | None = None, open_only: bool = False) -> pd.DataFrame:
        """Tasks as a table (columns as data/sample/tasks.csv + closure_note, version, updated_at)."""
        q = select(s.tasks).order_by(s.tasks.c.task_id)
        if township is not None:
            q = q.where(s.tasks.c.township == township)
        if open_only:
            q = q.where(s.tasks.c.closed.is_(None))
        with self._read() as conn:
            rows = conn.execute(q).mappings().all()
        return pd.DataFrame([_task_out(r) for r in rows], columns=list(TASK_COLUMNS))

    def get_task(self, task_id: str) -> dict[str, Any]:
        """One task (incl. ``version``)."""
        with self._read() as conn:
            return self._task(conn, task_id)

    def _task(self, conn: Connection, task_id: str) -> dict[str, Any]:
        row = conn.execute(select(s.tasks).where(s.tasks.c.task_id == task_id)).mappings().first()
        if row is None:
            raise NotFoundError("整改任务", task_id)
        return _task_out(row)

    def _known_sites(self, conn: Connection) -> set[str]:
        return set(conn.execute(select(s.sites.c.site_id)).scalars())

    def create_task(self, actor: Any, task_id: str, record: Mapping[str, Any]) -> dict[str, Any]:
        """Open a task (editor+)."""
        tid = (task_id or "").strip()
        if not tid:
            raise StoreError("任务编号不能为空")
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "新建整改任务")
            values, problems = _task_values(record, 0, self._known_sites(conn))
            if problems:
                raise StoreError("；".join(f"字段“{p.field}”：{p.message}" for p in problems))
            if conn.execute(select(s.tasks.c.task_id).where(s.tasks.c.task_id == tid)).first():
                raise StoreError(f"任务编号“{tid}”已存在")
            t = now()
            conn.execute(s.tasks.insert().values(task_id=tid, created_at=t, updated_at=t, version=1, **values))
            after = self._task(conn, tid)
            self._audit(conn, who, "create", "task", tid, after=after)
        return after

    def update_task(self, actor: Any, task_id: str, changes: Mapping[str, Any], *, expected_version: int
                    ) -> dict[str, Any]:
        """Edit a task (incl. closing it: ``closed``, ``closure_note``); refused on a version conflict."""
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "修改整改任务")
            before = self._task(conn, task_id)
            merged = {**before, **changes}
            values, problems = _task_values(merged, 0, self._known_sites(conn))
            if problems:
                raise StoreError("；".join(f"字段“{p.field}”：{p.message}" for p in problems))
            self._versioned_update(conn, s.tasks, task_id, expected_version, values | {"updated_at": now()},
                                   "整改任务")
            after = self._task(conn, task_id)
            self._audit(conn, who, "update", "task", task_id, before, after)
        return after

    def delete_task(self, actor: Any, task_id: str, *, expected_version: int) -> None:
        """Delete a task and its evidence (admin)."""
        with self._write() as conn:
            who = self._check(conn, actor, Role.ADMIN, "删除整改任务")
            before = self._task(conn, task_id)
            conn.execute(s.inspections.update().where(s.inspections.c.task_id == task_id).values(task_id=None))
            self._versioned_delete(conn, s.tasks, task_id, expected_version, "整改任务")
            self._audit(conn, who, "delete", "task", task_id, before=before)

    def import_tasks(self, actor: Any, source: Path | str | bytes, *, file_name: str | None = None) -> int:
        """Import tasks.csv-shaped rows, all or nothing (editor+); returns the number of tasks."""
        f = load_file(source, file_name)
        table = read_frame(f)
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "导入整改任务")
            return self._import_tasks(conn, who, f, table)

    def _import_tasks(self, conn: Connection, who: str, f: LoadedFile, table: pd.DataFrame) -> int:
        from store.errors import ImportValidationError

        require_columns(table, ("task_id", "title", "origin", "opened"), f.name)
        known = self._known_sites(conn)
        existing = set(conn.execute(select(s.tasks.c.task_id)).scalars())
        problems: list[RowProblem] = []
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        for i, rec in enumerate(table.to_dict("records")):
            tid = str(rec.get("task_id", "")).strip()
            if not tid:
                problems.append(RowProblem(i + 2, "task_id", "任务编号不能为空"))
            elif tid in existing or tid in seen:
                problems.append(RowProblem(i + 2, "task_id", f"任务编号“{tid}”重复"))
            seen.add(tid)
            values, p = _task_values(rec, i + 2, known)
            problems += p
            rows.append({"task_id": tid, **values})
        if problems:
            raise ImportValidationError(f.name, problems)
        batch = self._batch(conn, who, "tasks", f, len(rows))
        t = now()
        for r in rows:
            conn.execute(s.tasks.insert().values(created_at=t, updated_at=t, version=1, **r))
        self._audit(conn, who, "import", "tasks", batch, after={"file_name": f.name, "sha256": f.sha256,
                                                                 "rows": len(rows)})
        return len(rows)

    def _batch(self, conn: Connection, who: str, kind: str, f: LoadedFile, rows: int) -> int:
        res = conn.execute(s.import_batches.insert().values(kind=kind, file_name=f.name, sha256=f.sha256,
                                                            rows=rows, username=who, created_at=now()))
        return new_id(res)

    # ---- closure evidence ---------------------------------------------------------------------------------
    def add_evidence(self, actor: Any, task_id: str, file_name: str, data: bytes,
                     content_type: str | None = None) -> int:
        """Attach a closure evidence file to a task (editor+); returns its id."""
        if not data:
            raise StoreError(f"证明材料“{file_name}”是空文件")
        if len(data) > MAX_EVIDENCE_BYTES:
            raise StoreError(f"证明材料“{file_name}”超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB")
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "上传整改证明材料")
            self._task(conn, task_id)
            info = dict(task_id=task_id, file_name=file_name, content_type=content_type,
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data), username=who, created_at=now())
            eid = new_id(conn.execute(s.task_evidence.insert().values(data=data, **info)))
            self._audit(conn, who, "create", "task_evidence", eid, after=info)
        return eid

    def list_evidence(self, task_id: str) -> pd.DataFrame:
        """Evidence files of a task (without content)."""
        e = s.task_evidence
        cols = [e.c.id, e.c.task_id, e.c.file_name, e.c.content_type, e.c.sha256, e.c.size, e.c.username,
                e.c.created_at]
        with self._read() as conn:
            rows = conn.execute(select(*cols).where(e.c.task_id == task_id).order_by(e.c.id)).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=[c.name for c in cols])

    def get_evidence(self, evidence_id: int) -> tuple[str, bytes]:
        """(file name, content) of one evidence file."""
        with self._read() as conn:
            row = conn.execute(select(s.task_evidence.c.file_name, s.task_evidence.c.data)
                               .where(s.task_evidence.c.id == evidence_id)).first()
        if row is None:
            raise NotFoundError("证明材料", evidence_id)
        return row.file_name, bytes(row.data)

    # ---- inspections --------------------------------------------------------------------------------------
    def record_inspection(self, actor: Any, *, inspected_on: dt.date, site_id: str | None = None,
                          task_id: str | None = None, inspectors: str | None = None, findings: str | None = None,
                          result: str | None = None, lon: float | None = None, lat: float | None = None) -> int:
        """Record an inspection (editor+); returns its id."""
        problems: list[RowProblem] = []
        geom = check_geometry(Point(lon, lat), "lon/lat", problems, 0) if lon is not None and lat is not None \
            else None
        if problems:
            raise StoreError(f"检查位置无效：{problems[0].message}")
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "登记检查")
            if site_id is not None and site_id not in self._known_sites(conn):
                raise NotFoundError("站点", site_id)
            if task_id is not None:
                self._task(conn, task_id)
            values = dict(site_id=site_id, task_id=task_id, inspected_on=inspected_on, inspectors=inspectors,
                          findings=findings, result=result, geom=geom, username=who, created_at=now(), version=1)
            iid = new_id(conn.execute(s.inspections.insert().values(**values)))
            self._audit(conn, who, "create", "inspection", iid, after=values)
        return iid

    def update_inspection(self, actor: Any, inspection_id: int, changes: Mapping[str, Any], *,
                          expected_version: int) -> dict[str, Any]:
        """Edit findings/result/inspectors of an inspection; refused on a version conflict."""
        allowed = {"inspectors", "findings", "result", "inspected_on"}
        bad = set(changes) - allowed
        if bad:
            raise StoreError(f"字段“{sorted(bad)[0]}”不能修改")
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "修改检查记录")
            before, after = self._versioned_update(conn, s.inspections, inspection_id, expected_version,
                                                   dict(changes), "检查记录")
            self._audit(conn, who, "update", "inspection", inspection_id, before, after)
        return after

    def list_inspections(self, *, site_id: str | None = None) -> pd.DataFrame:
        """Inspections, newest first."""
        q = select(s.inspections).order_by(s.inspections.c.inspected_on.desc(), s.inspections.c.id.desc())
        if site_id is not None:
            q = q.where(s.inspections.c.site_id == site_id)
        with self._read() as conn:
            rows = conn.execute(q).mappings().all()
        out = []
        for r in rows:
            d = {k: v for k, v in r.items() if k != "geom"}
            d["lon"], d["lat"] = (r["geom"].x, r["geom"].y) if r["geom"] is not None else (None, None)
            out.append(d)
        return pd.DataFrame(out)

    # ---- projects -----------------------------------------------------------------------------------------
    def list_projects(self) -> pd.DataFrame:
        """The 重大项目表 with the latest reported progress."""
        with self._read() as conn:
            rows = conn.execute(select(s.projects).order_by(s.projects.c.project_no)).mappings().all()
            latest = {}
            for r in conn.execute(select(s.progress_reports).order_by(s.progress_reports.c.date,
                                                                      s.progress_reports.c.id)).mappings():
                latest[r["project_no"]] = r
        out = []
        for r in rows:
            d = dict(r)
            rep = latest.get(r["project_no"])
            d["progress_pct"] = rep["progress_pct"] if rep else None
            d["progress_date"] = rep["date"] if rep else None
            out.append(d)
        return pd.DataFrame(out)

    def project_progress(self, project_no: int | None = None) -> pd.DataFrame:
        """Progress reports (project_no, site_id, date, progress_pct, note), by project and date."""
        p, r = s.projects, s.progress_reports
        q = (select(r.c.id, r.c.project_no, p.c.site_id, r.c.date, r.c.progress_pct, r.c.note, r.c.version)
             .join(p, p.c.project_no == r.c.project_no).order_by(r.c.project_no, r.c.date, r.c.id))
        if project_no is not None:
            q = q.where(r.c.project_no == project_no)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records([tuple(x) for x in rows],
                                         columns=["id", "project_no", "site_id", "date", "progress_pct", "note",
                                                  "version"])

    def milestones(self, project_no: int | None = None) -> pd.DataFrame:
        """Planned milestones with achievement dates."""
        q = select(s.milestones).order_by(s.milestones.c.project_no, s.milestones.c.planned, s.milestones.c.id)
        if project_no is not None:
            q = q.where(s.milestones.c.project_no == project_no)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records([tuple(x) for x in rows], columns=[c.name for c in s.milestones.c])

    def add_progress_report(self, actor: Any, project_no: int, date: dt.date, progress_pct: float,
                            note: str | None = None) -> int:
        """Report a project's progress (editor+)."""
        if not 0 <= progress_pct <= 100:
            raise StoreError(f"进度“{progress_pct}”无效：应在 0–100 之间")
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "填报项目进度")
            if conn.execute(select(s.projects.c.project_no).where(s.projects.c.project_no == project_no)).first() \
                    is None:
                raise NotFoundError("项目", project_no)
            values = dict(project_no=project_no, date=date, progress_pct=progress_pct, note=note, version=1)
            rid = new_id(conn.execute(s.progress_reports.insert().values(**values)))
            self._audit(conn, who, "create", "progress_report", rid, after=values)
        return rid

    def update_project(self, actor: Any, project_no: int, changes: Mapping[str, Any], *, expected_version: int
                       ) -> dict[str, Any]:
        """Edit project fields (name, investment_wan, years, responsible, content); version-checked."""
        allowed = {"name", "investment_wan", "start_year", "end_year", "responsible", "content", "related_site"}
        bad = set(changes) - allowed
        if bad:
            raise StoreError(f"字段“{sorted(bad)[0]}”不能修改")
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "修改项目")
            before, after = self._versioned_update(conn, s.projects, project_no, expected_version, dict(changes),
                                                   "项目")
            self._audit(conn, who, "update", "project", project_no, before, after)
        return after

    def set_milestone_achieved(self, actor: Any, milestone_id: int, achieved: dt.date | None, *,
                               expected_version: int) -> dict[str, Any]:
        """Record (or clear) the date a milestone was reached; version-checked."""
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "更新项目节点")
            before, after = self._versioned_update(conn, s.milestones, milestone_id, expected_version,
                                                   {"achieved": achieved}, "项目节点")
            self._audit(conn, who, "update", "milestone", milestone_id, before, after)
        return after

    def _import_progress(self, conn: Connection, who: str, f: LoadedFile, table: pd.DataFrame) -> int:
        from store.errors import ImportValidationError

        require_columns(table, ("site_id", "date", "progress_pct"), f.name)
        by_site = {r.site_id: r.project_no for r in conn.execute(select(s.projects.c.site_id, s.projects.c.project_no))}
        problems: list[RowProblem] = []
        rows = []
        for i, rec in enumerate(table.to_dict("records")):
            row = i + 2
            no = by_site.get(str(rec["site_id"]).strip())
            if no is None:
                problems.append(RowProblem(row, "site_id", f"“{rec['site_id']}”不是项目站点"))
            date = parse_date(str(rec["date"]), row, "date", problems, required=True)
            pct = parse_float(str(rec["progress_pct"]), row, "progress_pct", problems, required=True)
            if pct is not None and not 0 <= pct <= 100:
                problems.append(RowProblem(row, "progress_pct", f"“{pct}”应在 0–100 之间"))
            rows.append(dict(project_no=no, date=date, progress_pct=pct, note=(str(rec.get("note") or "") or None)))
        if problems:
            raise ImportValidationError(f.name, problems)
        batch = self._batch(conn, who, "progress", f, len(rows))
        for r in rows:
            conn.execute(s.progress_reports.insert().values(batch_id=batch, version=1, **r))
        self._audit(conn, who, "import", "progress_reports", batch, after={"file_name": f.name, "rows": len(rows)})
        return len(rows)
