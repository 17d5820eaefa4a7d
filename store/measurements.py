"""Measurements: long-form reading, latest values, all-or-nothing imports with a fast bulk path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select, text

from ingest.errors import ImportResult
from store import schema as s
from store.core import Role, StoreBase, new_id, now
from store.errors import DuplicateImportError, StoreError
from store.ingest import LoadedFile, load_file, read_frame, validate_measurements

MEASUREMENT_COLUMNS = ("id", "site_id", "time", "param", "value", "raw", "unit", "below_dl", "detection_limit",
                       "source", "quality_flag", "batch_id", "version")
_INSERT_COLUMNS = ("site_id", "time", "param", "value", "raw", "unit", "below_dl", "detection_limit", "source",
                   "quality_flag", "batch_id", "version")
CHUNK = 20_000
Progress = Callable[[int], None]


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
        source: Path | str | bytes | pd.DataFrame | ImportResult[pd.DataFrame],
        *,
        file_name: str | None = None,
        allow_duplicate: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult[pd.DataFrame]:
        """Import a long-form measurement file (CSV/CSV.gz/Excel), a parsed sheet or a DataFrame, all or nothing.

        A parsed sheet (:func:`ingest.parse_sheet`'s result) carries the SHA-256 of the uploaded bytes, so
        the same upload is recognised again whatever form it was parsed from; a bare DataFrame has no
        upload and is identified by its CSV serialisation.  Editor or higher.

        Returns
        -------
        ImportResult
            The stored rows as ``data``, with ``batch_id``, ``rows`` (stored), ``rows_read`` and ``sha256``.

        Raises
        ------
        DuplicateImportError
            The same bytes were imported before (names the earlier batch); nothing stored.
        ImportValidationError
            The file is unreadable or a row is bad (file, row and field named); nothing stored.
        """
        f, table, rows_read = self._measurement_source(source, file_name)
        with self._write() as conn:
            who = self._check(conn, actor, Role.EDITOR, "导入监测数据")
            res = self._import_measurements(conn, who, f, table, allow_duplicate, progress)
        res.rows_read = rows_read
        return res

    @staticmethod
    def _measurement_source(source: Path | str | bytes | pd.DataFrame | ImportResult[pd.DataFrame],
                            file_name: str | None) -> tuple[LoadedFile, pd.DataFrame, int]:
        if isinstance(source, ImportResult):
            frame = source.data  # refuses a result with errors (ImportRefusedError)
            table = frame.astype(str).where(frame.notna(), "")
            data = frame.to_csv(index=False).encode("utf-8")
            return LoadedFile(file_name or source.file, data, source.sha256 or None), table, source.rows_read
        if isinstance(source, pd.DataFrame):
            table = source.astype(str).where(source.notna(), "")
            return LoadedFile(file_name or "数据表", source.to_csv(index=False).encode("utf-8")), table, len(table)
        f = load_file(source, file_name)
        table = read_frame(f)
        return f, table, len(table)

    def _import_measurements(self, conn: Connection, who: str, f: LoadedFile, table: pd.DataFrame,
                             allow_duplicate: bool, progress: Progress | None) -> ImportResult[pd.DataFrame]:
        sha = f.sha256
        if not allow_duplicate:
            self._refuse_duplicate(conn, "measurements", f)
        known = set(conn.execute(select(s.sites.c.site_id)).scalars())
        clean = validate_measurements(table, f.name, known)
        batch_id = self._new_batch(conn, who, "measurements", f, len(clean))
        clean["batch_id"] = batch_id
        clean["version"] = 1
        self._bulk_insert_measurements(conn, clean, progress)
        self._audit(conn, who, "import", "measurements", batch_id,
                    after={"file_name": f.name, "sha256": sha, "rows": len(clean)})
        return ImportResult(f.name, [], clean, sha256=sha, rows_read=len(table), rows=len(clean), batch_id=batch_id)

    @staticmethod
    def _refuse_duplicate(conn: Connection, kind: str, f: LoadedFile) -> None:
        """Raise :class:`DuplicateImportError` if an earlier batch of ``kind`` has the upload's SHA-256."""
        b = s.import_batches
        prev = conn.execute(select(b).where(b.c.sha256 == f.sha256, b.c.kind == kind).order_by(b.c.id)).first()
        if prev is not None:
            raise DuplicateImportError(f.name, prev.id, prev.created_at.strftime("%Y-%m-%d %H:%M"), prev.file_name)

    def find_import(self, sha256: str, kind: str = "measurements") -> dict[str, Any] | None:
        """The earliest import batch of ``kind`` whose upload had this SHA-256 (None: never imported)."""
        b = s.import_batches
        with self._read() as conn:
            q = select(b).where(b.c.sha256 == sha256, b.c.kind == kind).order_by(b.c.id)
            row = conn.execute(q).mappings().first()
        return dict(row) if row is not None else None

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


