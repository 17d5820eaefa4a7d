"""Measurements: long-form reading, latest values, all-or-nothing imports with a fast bulk path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select, text

from store import schema as s
from store.core import Role, StoreBase, new_id, now
from store.errors import DuplicateImportError, StoreError
from store.ingest import LoadedFile, load_file, read_table, validate_measurements

MEASUREMENT_COLUMNS = ("id", "site_id", "time", "param", "value", "raw", "unit", "below_dl", "detection_limit",
                       "source", "quality_flag", "batch_id", "version")
_INSERT_COLUMNS = ("site_id", "time", "param", "value", "raw", "unit", "below_dl", "detection_limit", "source",
                   "quality_flag", "batch_id", "version")
CHUNK = 20_000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    """Outcome of a committed import."""

    batch_id: int
    rows: int
    file_name: str
    sha256: str


def _frame(rows: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
    df = pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(columns))
    if "time" in df.columns:
        df["time"] = pd.to_datetime(df["time"])
    return df


class MeasurementsMixin(StoreBase):
    """Monitoring values in long form."""

    def measurements(
        self,
        site_ids: Iterable[str] | None = None,
        *,
        params: Iterable[str] | None = None,
        start: dt.date | dt.datetime | None = None,
        end: dt.date | dt.datetime | None = None,
    ) -> pd.DataFrame:
        """Values for sites/params in ``start <= time <= end`` (dates inclusive), ordered by site, param, time."""
        m = s.measurements
        q = select(*[m.c[c] for c in MEASUREMENT_COLUMNS]).order_by(m.c.site_id, m.c.param, m.c.time, m.c.id)
        if site_ids is not None:
            q = q.where(m.c.site_id.in_(list(site_ids)))
        if params is not None:
            q = q.where(m.c.param.in_(list(params)))
        if start is not None:
            q = q.where(m.c.time >= _as_dt(start))
        if end is not None:
            end_dt = _as_dt(end) + (dt.timedelta(days=1) if not isinstance(end, dt.datetime) else dt.timedelta())
            q = q.where(m.c.time < end_dt if not isinstance(end, dt.datetime) else m.c.time <= end_dt)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return _frame(rows, MEASUREMENT_COLUMNS)

    def latest_values(self, site_ids: Iterable[str] | None = None, *, params: Iterable[str] | None = None
                      ) -> pd.DataFrame:
        """The most recent value of every (site, param), one row each (ties: the last stored)."""
        cols = ", ".join(f"m.{c}" for c in MEASUREMENT_COLUMNS)
        where, binds = [], {}
        if site_ids is not None:
            ids = list(site_ids)
            if not ids:
                return _frame([], MEASUREMENT_COLUMNS)
            where.append("m.site_id IN :sites")
            binds["sites"] = ids
        if params is not None:
            where.append("m.param IN :params")
            binds["params"] = list(params)
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        if self.backend == "postgresql":
            sql = (f"SELECT DISTINCT ON (m.site_id, m.param) {cols} FROM measurements m{cond} "
                   "ORDER BY m.site_id, m.param, m.time DESC, m.id DESC")
        else:
            sql = (f"SELECT {cols} FROM measurements m JOIN (SELECT site_id, param, max(time) AS t "
                   f"FROM measurements m{cond} GROUP BY site_id, param) x "
                   "ON m.site_id = x.site_id AND m.param = x.param AND m.time = x.t "
                   "ORDER BY m.site_id, m.param, m.id")
        from sqlalchemy import bindparam

        stmt = text(sql)
        for k in binds:
            stmt = stmt.bindparams(bindparam(k, expanding=True))
        with self._read() as conn:
            rows = conn.execute(stmt, binds).all()
        df = _frame(rows, MEASUREMENT_COLUMNS)
        if self.backend != "postgresql" and len(df):
            df = df.drop_duplicates(["site_id", "param"], keep="last").reset_index(drop=True)
        return df

    # ---- writing ------------------------------------------------------------------------------------------
    def import_measurements(
        self,
        actor: Any,
        source: Path | str | bytes | pd.DataFrame,
        *,
        file_name: str | None = None,
        allow_duplicate: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import a long-form measurement file (CSV/CSV.gz/Excel) or DataFrame, all or nothing (editor+)."""
        if isinstance(source, pd.DataFrame):
            f = LoadedFile(file_name or "数据表", source.to_csv(index=False).encode("utf-8"))
            table = source.astype(str).where(source.notna(), "")
        else:
            f = load_file(source, file_name)
            table = read_table(f)
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "导入监测数据")
            return self._import_measurements(conn, who, f, table, allow_duplicate, progress)

    def _import_measurements(self, conn: Connection, who: str, f: LoadedFile, table: pd.DataFrame,
                             allow_duplicate: bool, progress: Progress | None) -> ImportResult:
        sha = f.sha256
        if not allow_duplicate:
            prev = conn.execute(select(s.import_batches).where(s.import_batches.c.sha256 == sha,
                                                               s.import_batches.c.kind == "measurements")).first()
            if prev is not None:
                raise DuplicateImportError(f.name, prev.id, prev.created_at.strftime("%Y-%m-%d %H:%M"))
        known = set(conn.execute(select(s.sites.c.site_id)).scalars())
        clean = validate_measurements(table, f.name, known)
        batch_id = self._new_batch(conn, who, "measurements", f, len(clean))
        clean["batch_id"] = batch_id
        clean["version"] = 1
        self._bulk_insert_measurements(conn, clean, progress)
        self._audit(conn, who, "import", "measurements", batch_id,
                    after={"file_name": f.name, "sha256": sha, "rows": len(clean)})
        return ImportResult(batch_id, len(clean), f.name, sha)

    def _new_batch(self, conn: Connection, who: str, kind: str, f: LoadedFile, rows: int) -> int:
        res = conn.execute(s.import_batches.insert().values(kind=kind, file_name=f.name, sha256=f.sha256,
                                                            rows=rows, username=who, created_at=now()))
        return new_id(res)

    def _bulk_insert_measurements(self, conn: Connection, df: pd.DataFrame, progress: Progress | None = None,
                                  with_ids: bool = False) -> None:
        """Insert validated rows in chunks inside the caller's transaction (COPY on PostgreSQL)."""
        cols = ("id", *_INSERT_COLUMNS) if with_ids else _INSERT_COLUMNS
        data = df.loc[:, list(cols)]
        times = pd.to_datetime(data["time"])
        dl = data["detection_limit"].astype(object).where(data["detection_limit"].notna(), None)
        qf = data["quality_flag"].astype(object).where(data["quality_flag"].notna(), None)
        batch = data["batch_id"].astype(object).where(data["batch_id"].notna(), None)
        batch = batch.map(lambda v: None if v is None else int(v))
        done = 0
        if self.backend == "postgresql":
            raw_conn: Any = conn.connection.driver_connection
            with raw_conn.cursor() as cur, cur.copy(f"COPY measurements ({', '.join(cols)}) FROM STDIN") as cp:
                for row in zip(*self._columns(data, cols, times.dt.to_pydatetime(), dl, qf, batch), strict=True):
                    cp.write_row(row)
                    done += 1
                    if progress is not None and done % CHUNK == 0:
                        progress(done)
        else:
            stamps = times.dt.strftime("%Y-%m-%d %H:%M:%S.%f")
            sql = f"INSERT INTO measurements ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            rows = list(zip(*self._columns(data, cols, stamps, dl, qf, batch), strict=True))
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            for i in range(0, len(rows), CHUNK):
                cur.executemany(sql, rows[i:i + CHUNK])
                done += len(rows[i:i + CHUNK])
                if progress is not None:
                    progress(done)
            cur.close()
        if progress is not None:
            progress(done)

    @staticmethod
    def _columns(data: pd.DataFrame, cols: Sequence[str], times: Any, dl: pd.Series, qf: pd.Series,
                 batch: pd.Series) -> list[Any]:
        special = {"time": list(times), "detection_limit": dl.tolist(), "quality_flag": qf.tolist(),
                   "batch_id": batch.tolist(), "below_dl": [bool(b) for b in data["below_dl"]]}
        return [special[c] if c in special else data[c].tolist() for c in cols]

    def set_quality_flag(self, actor: Any, measurement_id: int, flag: str | None, *, expected_version: int
                         ) -> dict[str, Any]:
        """Mark a value (e.g. 存疑 / 无效); versioned and audited (editor+)."""
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "标记数据质量")
            before, after = self._versioned_update(conn, s.measurements, measurement_id, expected_version,
                                                   {"quality_flag": flag or None}, "监测数据")
            self._audit(conn, who, "update", "measurement", measurement_id, before, after)
        return after

    def delete_import(self, actor: Any, batch_id: int) -> int:
        """Remove every measurement of one import batch (admin); returns the number removed."""
        with self._write() as conn:
            who = self._check(conn, actor, Role.ADMIN, "撤销导入批次")
            batch = conn.execute(select(s.import_batches).where(s.import_batches.c.id == batch_id)).mappings().first()
            if batch is None:
                raise StoreError(f"导入批次“{batch_id}”不存在")
            n = conn.execute(s.measurements.delete().where(s.measurements.c.batch_id == batch_id)).rowcount
            self._audit(conn, who, "delete", "import_batch", batch_id, before=dict(batch), detail=f"删除 {n} 条")
        return int(n)

    def import_batches(self) -> pd.DataFrame:
        """Every import: file name, SHA-256, rows, who, when."""
        with self._read() as conn:
            rows = conn.execute(select(s.import_batches).order_by(s.import_batches.c.id)).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=[c.name for c in s.import_batches.c])

    def measurement_count(self) -> int:
        """Number of stored values."""
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(s.measurements)).scalar() or 0)


def _as_dt(d: dt.date | dt.datetime) -> dt.datetime:
    return d if isinstance(d, dt.datetime) else dt.datetime(d.year, d.month, d.day)


