"""Reading, filtering and exporting the audit trail (admins only)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import select

from store import schema as s
from store.core import Role, StoreBase
from store.errors import StoreError
from textsafe import csv_frame

AUDIT_COLUMNS = ("id", "at", "username", "action", "entity", "entity_id", "before", "after", "detail")
ACTION_LABEL = {
    "create": "新增", "update": "修改", "delete": "删除", "import": "导入", "login": "登录",
    "login_failed": "登录失败", "role_change": "角色变更", "password_change": "修改密码", "restore": "恢复备份",
    "seed": "初始化示例数据", "draw": "双随机抽取", "login_locked": "登录锁定",
}

#: Events that other modules may record through ``record_event`` (actions with their own write path are not here).
EVENT_ACTIONS = frozenset({"draw"})


class AuditMixin(StoreBase):
    """The audit log: who did what, when, with the record before and after."""

    def record_event(
        self, actor: Any, action: str, entity: str, entity_id: object = None, *,
        after: Mapping[str, Any] | None = None, detail: str | None = None,
    ) -> None:
        """Record an event that changes no table but must be accountable (e.g. a 双随机 draw; editor+)."""
        if action not in EVENT_ACTIONS:
            raise StoreError(f"不能直接记录“{action}”事件；可记录：{'、'.join(sorted(EVENT_ACTIONS))}")
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, f"记录{ACTION_LABEL.get(action, action)}")
            self._audit(conn, who, action, entity, entity_id, after=after, detail=detail)

    def audit_log(
        self,
        actor: Any,
        *,
        username: str | None = None,
        action: str | None = None,
        entity: str | None = None,
        entity_id: str | None = None,
        since: dt.datetime | dt.date | None = None,
        until: dt.datetime | dt.date | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Filtered audit entries, newest first (admin only; times are UTC)."""
        a = s.audit_log
        q = select(a).order_by(a.c.id.desc())
        for col, val in ((a.c.username, username), (a.c.action, action), (a.c.entity, entity),
                         (a.c.entity_id, entity_id)):
            if val is not None:
                q = q.where(col == val)
        if since is not None:
            q = q.where(a.c.at >= _start(since))
        if until is not None:
            q = q.where(a.c.at < _end(until))
        if limit is not None:
            q = q.limit(limit)
        with self._read() as conn:
            self._check(conn, actor, Role.ADMIN, "查看审计日志")
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(AUDIT_COLUMNS))

    def export_audit_csv(self, actor: Any, **filters: Any) -> bytes:
        """The filtered audit log as UTF-8 CSV (with BOM, opens in Excel); before/after as JSON text."""
        df = self.audit_log(actor, **filters)
        df["action_label"] = df["action"].map(lambda x: ACTION_LABEL.get(x, x))
        for col in ("before", "after"):
            df[col] = df[col].map(lambda v: "" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True))
        return csv_frame(df).to_csv(index=False).encode("utf-8-sig")  # no cell is a live formula in Excel


def _start(d: dt.datetime | dt.date) -> dt.datetime:
    return d if isinstance(d, dt.datetime) else dt.datetime(d.year, d.month, d.day)


def _end(d: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(d, dt.datetime):
        return d + dt.timedelta(microseconds=1)
    return dt.datetime(d.year, d.month, d.day) + dt.timedelta(days=1)
