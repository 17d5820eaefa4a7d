"""双随机 draw: a stratified random sample of inspection objects (and optionally inspector teams).

Reproducible: the population is sorted by id, strata are visited in sorted order and every random choice comes
from one ``numpy.random.Generator(PCG64(seed))``; the seed is recorded, so the same population and parameters
give the same draw.  Allocation: a total (``n``, or ``fraction`` of the population) spread over the strata in
proportion to their size (largest remainder), optionally at least ``min_per_stratum`` each.  Must-include items
count against their stratum's quota; when they exceed it the stratum takes them all and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planning.errors import PlanningError
from textsafe import csv_frame, xlsx_append

DEFAULT_STRATA = ("kind", "township")
STRATUM_SEP = " / "


@dataclass(frozen=True)
class DrawRecord:
    """Everything needed to reproduce, audit and publish a draw."""

    who: str
    when: str
    """ISO time (UTC) of the draw."""
    seed: int
    strata: tuple[str, ...]
    fraction: float | None
    n: int | None
    min_per_stratum: int
    population: dict[str, int]
    """Population size per stratum (``kind / township``)."""
    quotas: dict[str, int]
    drawn: dict[str, list[str]]
    must_include: tuple[str, ...]
    population_sha256: str
    """Hash of the sorted population ids, to prove a re-run used the same population."""
    teams: dict[str, list[str]] = field(default_factory=dict)
    """Drawn object id → inspector names (the second 随机)."""
    note: str = ""

    def to_audit(self) -> dict[str, Any]:
        """A JSON-safe dict for the audit trail."""
        d = asdict(self)
        d["strata"] = list(self.strata)
        d["must_include"] = list(self.must_include)
        return d


@dataclass(frozen=True)
class DrawResult:
    """The drawn rows (population columns + ``stratum``, ``must``, ``inspectors``) and the record."""

    selected: pd.DataFrame
    record: DrawRecord


def new_seed() -> int:
    """A fresh 63-bit seed from the OS (record it: it makes the draw reproducible)."""
    return secrets.randbits(63)


def _stratum(df: pd.DataFrame, strata: Sequence[str]) -> pd.Series:
    if not strata:
        return pd.Series("全部", index=df.index)
    parts = [df[c].fillna("（未填）").astype(str).replace("", "（未填）") for c in strata]
    out = parts[0]
    for p in parts[1:]:
        out = out + STRATUM_SEP + p
    return out


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def allocate(sizes: dict[str, int], *, fraction: float | None = None, n: int | None = None,
             min_per_stratum: int = 0) -> dict[str, int]:
    """Quota per stratum from a total ``n`` or a ``fraction`` of the population.

    The total (``fraction`` × population rounded half up, at least 1) is spread in proportion to stratum size by
    largest remainder (ties by stratum name), then raised to ``min_per_stratum`` and capped at the stratum size.
    """
    if (fraction is None) == (n is None):
        raise PlanningError("抽取比例与抽取数量须且只能填写一项")
    total = sum(sizes.values())
    if fraction is not None:
        if not 0 < fraction <= 1:
            raise PlanningError(f"抽取比例“{fraction}”应在 0 到 1 之间（如 0.1 表示 10%）")
        n = min(total, max(1, _round_half_up(total * fraction)))
    assert n is not None
    if not 0 < n <= total:
        raise PlanningError(f"抽取数量“{n}”应在 1 到总体数量 {total} 之间")
    exact = {k: n * v / total for k, v in sizes.items()}
    quotas = {k: math.floor(x) for k, x in exact.items()}
    left = n - sum(quotas.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - quotas[k]), k))[:left]:
        quotas[k] += 1
    return {k: min(sizes[k], max(min_per_stratum, q)) for k, q in quotas.items()}


def _teams(ids: list[str], inspectors: Sequence[str], team_size: int, rng: np.random.Generator
           ) -> dict[str, list[str]]:
    """Randomly assign ``team_size`` distinct inspectors to every drawn object."""
    pool = sorted({str(p).strip() for p in inspectors if str(p).strip()})
    if len(pool) < team_size:
        raise PlanningError(f"执法人员名录只有 {len(pool)} 人，少于每组所需的 {team_size} 人")
    return {i: [pool[j] for j in rng.choice(len(pool), size=team_size, replace=False)] for i in ids}


def draw(population: pd.DataFrame, *, who: str, seed: int | None = None, strata: Sequence[str] = DEFAULT_STRATA,
         fraction: float | None = None, n: int | None = None, min_per_stratum: int = 0,
         must_include: Sequence[str] = (), id_col: str = "site_id", inspectors: Sequence[str] = (),
         team_size: int = 2, when: dt.datetime | None = None, note: str = "") -> DrawResult:
    """Draw a stratified random sample from ``population`` (one row per object, ``id_col`` unique).

    Returns the selected rows sorted by stratum and id, and a ``DrawRecord`` (who, when, seed, strata,
    population sizes, quotas, drawn ids, inspector teams) for the audit trail and the publication table.
    """
    if not who or not str(who).strip():
        raise PlanningError("抽取人不能为空（双随机抽查须记录操作人）")
    for col in (id_col, *strata):
        if col not in population.columns:
            raise PlanningError(f"抽查对象名录缺少列“{col}”")
    ids = population[id_col].astype(str)
    if ids.duplicated().any():
        raise PlanningError(f"抽查对象编号重复：“{ids[ids.duplicated()].iloc[0]}”")
    unknown = sorted(set(must_include) - set(ids))
    if unknown:
        raise PlanningError(f"必查对象“{unknown[0]}”不在抽查对象名录中")
    seed = new_seed() if seed is None else int(seed)
    if seed < 0:
        raise PlanningError(f"随机种子“{seed}”应为非负整数")
    df = population.assign(**{id_col: ids}).sort_values(id_col, kind="stable").reset_index(drop=True)
    df["stratum"] = _stratum(df, strata)
    sizes = {k: int(v) for k, v in df.groupby("stratum").size().sort_index().items()}
    quotas = allocate(sizes, fraction=fraction, n=n, min_per_stratum=min_per_stratum)
    rng = np.random.Generator(np.random.PCG64(seed))
    must = set(must_include)
    drawn: dict[str, list[str]] = {}
    for key in sorted(sizes):
        members = df.loc[df["stratum"] == key, id_col].tolist()
        forced = [m for m in members if m in must]
        rest = [m for m in members if m not in must]
        k = max(0, min(len(rest), quotas[key] - len(forced)))
        picked = [rest[j] for j in sorted(rng.choice(len(rest), size=k, replace=False))] if k else []
        drawn[key] = sorted(forced + picked)
        quotas[key] = max(quotas[key], len(forced))
    chosen = [i for key in sorted(drawn) for i in drawn[key]]
    teams = _teams(chosen, inspectors, team_size, rng) if inspectors else {}
    selected = df.set_index(id_col).loc[chosen].reset_index()
    selected["must"] = selected[id_col].isin(must)
    selected["inspectors"] = selected[id_col].map(lambda i: "、".join(teams.get(i, [])))
    stamp = (when or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    record = DrawRecord(
        who=str(who), when=stamp.isoformat(), seed=seed, strata=tuple(strata), fraction=fraction, n=n,
        min_per_stratum=min_per_stratum, population=sizes, quotas=quotas, drawn=drawn,
        must_include=tuple(sorted(must)), population_sha256=hashlib.sha256("\n".join(df[id_col]).encode()).hexdigest(),
        teams=teams, note=note,
    )
    return DrawResult(selected, record)


def publication_table(result: DrawResult, *, name_col: str = "name") -> pd.DataFrame:
    """The 一公开 table: one row per drawn object with the draw's parameters (Chinese headers)."""
    rec = result.record
    sel = result.selected
    rows = []
    for i, r in enumerate(sel.to_dict("records"), start=1):
        rows.append({
            "序号": i,
            "抽查对象": r.get(name_col, ""),
            "对象编号": r.get("site_id", ""),
            "类别/乡镇（分层）": r["stratum"],
            "该层对象总数": rec.population[r["stratum"]],
            "该层抽取数": len(rec.drawn[r["stratum"]]),
            "抽取方式": "必查" if r["must"] else "随机抽取",
            "检查人员": r.get("inspectors", ""),
            "抽取时间（UTC）": rec.when,
            "随机种子": str(rec.seed),
            "抽取人": rec.who,
        })
    cols = ["序号", "抽查对象", "对象编号", "类别/乡镇（分层）", "该层对象总数", "该层抽取数", "抽取方式", "检查人员",
            "抽取时间（UTC）", "随机种子", "抽取人"]
    return pd.DataFrame(rows, columns=cols)


def publication_csv(result: DrawResult, **kwargs: Any) -> bytes:
    """The publication table as UTF-8 CSV with BOM (opens correctly in Excel; formula-like text gets a ')."""
    return csv_frame(publication_table(result, **kwargs)).to_csv(index=False).encode("utf-8-sig")


def publication_xlsx(result: DrawResult, *, title: str = "“双随机、一公开”抽查结果", **kwargs: Any) -> bytes:
    """The publication table as an Excel workbook (title row, the table, the draw's parameters)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    table = publication_table(result, **kwargs)
    wb = Workbook()
    ws = wb.active
    ws.title = "抽查结果"
    xlsx_append(ws, [title])  # names, inspectors and the drawer are user text: never written as formulas
    ws["A1"].font = Font(bold=True, size=14)
    xlsx_append(ws, list(table.columns))
    for c in ws[2]:
        c.font = Font(bold=True)
    for row in table.itertuples(index=False):
        xlsx_append(ws, list(row))
    rec = result.record
    info = wb.create_sheet("抽取参数")
    for k, v in (("抽取人", rec.who), ("抽取时间（UTC）", rec.when), ("随机种子", str(rec.seed)),
                 ("分层字段", "、".join(rec.strata)), ("抽取比例", rec.fraction if rec.fraction is not None else ""),
                 ("抽取数量", rec.n if rec.n is not None else ""), ("必查对象", "、".join(rec.must_include)),
                 ("总体名录校验值（SHA-256）", rec.population_sha256),
                 ("各层总数", json.dumps(rec.population, ensure_ascii=False))):
        xlsx_append(info, [k, v])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
