"""Inspection findings and the rectification loop (整改中 → 逾期 / 已销号), on top of the store's public API.

Roles are checked by the store on every write (an editor or admin is needed to record).  What is stored where:

- a finding → one ``inspections`` row (site, date, inspectors, text incl. the observation time, result, position);
- "open a rectification task" → one ``tasks`` row (origin ``inspection``, owner, due date) linked from the
  inspection; the finding's photos are attached to that task as evidence files (``现场照片-…``);
- closing a task → closure evidence files, then ``closed`` + ``closure_note`` (version-checked).

The status (整改中 / 逾期 / 已销号) is never stored: ``compliance.schedule.task_status`` computes it from the
dates, so a task whose due date passes shows as 逾期 without anyone touching it.

The store has no table for photos of an inspection without a task yet; until it has (lead: see the report),
photos are accepted only together with a rectification task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from compliance.schedule import task_status
from compliance.status import STATUS_STYLE, Status
from planning.draw import DrawRecord
from planning.errors import PlanningError

RESULT_PROBLEM = "发现问题"
RESULT_OK = "未发现问题"
PHOTO_PREFIX = "现场照片-"
DRAW_ENTITY = "inspection_draw"
MAX_ID_ATTEMPTS = 20


@dataclass(frozen=True)
class Photo:
    """An uploaded file (photo or document)."""

    file_name: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Finding:
    """What an inspector recorded at a stop."""

    site_id: str | None
    text: str
    observed_at: dt.datetime
    lon: float | None = None
    lat: float | None = None
    inspectors: str | None = None
    problem: bool = True
    photos: tuple[Photo, ...] = ()
    task_id: str | None = None
    """An existing task this inspection re-checks (复查), if any."""


@dataclass(frozen=True)
class Rectification:
    """A rectification task opened from a finding."""

    owner: str
    due: dt.date
    title: str | None = None
    township: str | None = None


@dataclass(frozen=True)
class RecordedFinding:
    """Ids of what ``record_finding`` wrote."""

    inspection_id: int
    task_id: str | None
    evidence_ids: tuple[int, ...]


def _username(actor: Any) -> str:
    return str(getattr(actor, "username", actor))


def _check_finding(f: Finding, r: Rectification | None) -> None:
    if not f.text or not f.text.strip():
        raise PlanningError("检查情况（发现的问题）不能为空")
    if (f.lon is None) != (f.lat is None):
        raise PlanningError("检查位置的经度和纬度须同时填写")
    if f.photos and r is None:
        raise PlanningError("现场照片目前随整改任务一起保存：请勾选“开具整改任务”，或先不上传照片")
    for p in f.photos:
        if not p.data:
            raise PlanningError(f"照片“{p.file_name}”是空文件")
    if r is not None:
        if not r.owner or not r.owner.strip():
            raise PlanningError("整改责任单位/责任人不能为空")
        if r.due < f.observed_at.date():
            raise PlanningError(f"整改期限“{r.due.isoformat()}”早于检查日期“{f.observed_at.date().isoformat()}”")


def next_task_id(store: Any, day: dt.date, prefix: str = "XC") -> str:
    """The next free id of the form ``XC-20261128-001`` (XC = 巡查)."""
    stem = f"{prefix}-{day:%Y%m%d}-"
    ids = store.list_tasks()["task_id"].astype(str)
    nums = [int(i[len(stem):]) for i in ids if i.startswith(stem) and i[len(stem):].isdigit()]
    return f"{stem}{max(nums, default=0) + 1:03d}"


def _open_task(store: Any, actor: Any, f: Finding, r: Rectification) -> str:
    site = store.get_site(f.site_id) if f.site_id else {}
    record = {
        "title": (r.title or f.text.strip().splitlines()[0])[:200],
        "origin": "inspection",
        "site_id": f.site_id,
        "township": r.township or site.get("township"),
        "owner": r.owner.strip(),
        "opened": f.observed_at.date(),
        "due": r.due,
        "description": f.text.strip(),
        "lon": f.lon,
        "lat": f.lat,
    }
    from store import StoreError

    for _ in range(MAX_ID_ATTEMPTS):
        tid = next_task_id(store, f.observed_at.date())
        try:
            store.create_task(actor, tid, record)
        except StoreError as exc:
            if "已存在" in str(exc):
                continue  # someone took the number meanwhile
            raise
        return tid
    raise PlanningError("生成整改任务编号失败（并发冲突过多），请稍后重试")


def record_finding(store: Any, actor: Any, finding: Finding, *,
                   rectification: Rectification | None = None) -> RecordedFinding:
    """Record a finding; optionally open a rectification task and attach the photos to it.

    Raises ``PlanningError`` for bad input and the store's errors (``PermissionDeniedError`` for a viewer,
    ``NotFoundError`` for an unknown site) unchanged.
    """
    _check_finding(finding, rectification)
    if finding.site_id:
        store.get_site(finding.site_id)  # NotFoundError before anything is written
    if finding.task_id:
        store.get_task(finding.task_id)
    task_id = _open_task(store, actor, finding, rectification) if rectification else None
    text = f"{finding.text.strip()}\n（现场记录时间：{finding.observed_at:%Y-%m-%d %H:%M}）"
    iid = store.record_inspection(
        actor, inspected_on=finding.observed_at.date(), site_id=finding.site_id, task_id=task_id or finding.task_id,
        inspectors=finding.inspectors or None, findings=text,
        result=RESULT_PROBLEM if finding.problem else RESULT_OK, lon=finding.lon, lat=finding.lat)
    evidence = tuple(
        store.add_evidence(actor, task_id, f"{PHOTO_PREFIX}{p.file_name}", p.data, p.content_type)
        for p in finding.photos
    ) if task_id else ()
    return RecordedFinding(int(iid), task_id, evidence)


def close_task(store: Any, actor: Any, task_id: str, *, closed: dt.date, note: str,
               evidence: Sequence[Photo] = (), expected_version: int) -> dict[str, Any]:
    """销号: attach closure evidence, then set ``closed`` and ``closure_note`` (version-checked).

    At least one evidence file must exist (already attached or given now), and the note must say what was done.
    """
    if not note or not note.strip():
        raise PlanningError("销号说明不能为空：请写明整改完成情况")
    task = store.get_task(task_id)
    if task.get("closed"):
        raise PlanningError(f"整改任务“{task_id}”已于 {task['closed']} 销号")
    if task["version"] != expected_version:
        from store import ConcurrentEditError

        raise ConcurrentEditError("整改任务", task_id, expected_version, task["version"])
    if task.get("opened") and closed < task["opened"]:
        raise PlanningError(f"销号日期“{closed.isoformat()}”早于立案日期“{task['opened']}”")
    existing = store.list_evidence(task_id)
    closing_files = [n for n in existing["file_name"].astype(str) if not n.startswith(PHOTO_PREFIX)] \
        if len(existing) else []
    if not evidence and not closing_files:
        raise PlanningError("销号须上传整改完成的证明材料（照片或文件）")
    for p in evidence:
        if not p.data:
            raise PlanningError(f"证明材料“{p.file_name}”是空文件")
        store.add_evidence(actor, task_id, p.file_name, p.data, p.content_type)
    return store.update_task(actor, task_id, {"closed": closed, "closure_note": note.strip()},
                             expected_version=expected_version)


def task_table(tasks: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Tasks with their computed status (``status``, ``status_label``), overdue first, then by due date."""
    df = tasks.copy()
    if df.empty:
        return df.assign(status=pd.Series(dtype=str), status_label=pd.Series(dtype=str))
    sts = [task_status(due=_d(r.get("due")), closed=_d(r.get("closed")), as_of=as_of)
           for r in df.to_dict("records")]
    df["status"] = [s.status.value for s in sts]
    df["status_label"] = [s.label for s in sts]
    df["explanation"] = [s.explanation for s in sts]
    order = {s.value: STATUS_STYLE[s].order for s in (Status.OVERDUE, Status.IN_PROGRESS, Status.CLOSED)}
    df["_o"] = df["status"].map(order).fillna(99)
    return df.sort_values(["_o", "due", "task_id"], na_position="last").drop(columns="_o").reset_index(drop=True)


def _d(v: object) -> dt.date | None:
    if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)) or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return pd.Timestamp(str(v)).date()


def record_draw(store: Any, actor: Any, record: DrawRecord) -> None:
    """Write a 双随机 draw to the audit trail (editor+; the recorded drawer must be the acting user).

    The store checks the role and writes the audit entry in one transaction.
    """
    if record.who != _username(actor):
        raise PlanningError(f"抽取记录的抽取人“{record.who}”与当前用户“{_username(actor)}”不一致")
    entity_id = f"{record.when}#{record.seed}"
    detail = f"双随机抽查：共抽取 {sum(len(v) for v in record.drawn.values())} 个对象，随机种子 {record.seed}"
    store.record_event(actor, "draw", DRAW_ENTITY, entity_id, after=record.to_audit(), detail=detail)
