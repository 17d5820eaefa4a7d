from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from planning.draw import allocate, draw, publication_csv, publication_table, publication_xlsx
from planning.errors import PlanningError


@pytest.fixture
def population() -> pd.DataFrame:
    rows = []
    for kind, towns in (("enterprise", {"沙河街道": 23, "城子镇": 11, "新合镇": 4}),
                        ("wwtp", {"城子镇": 3, "沙河街道": 2}), ("ship_waste", {"江洲镇": 1})):
        for town, n in towns.items():
            rows += [{"site_id": f"{kind[:3].upper()}-{town}-{i:02d}", "name": f"{town}{kind}{i}", "kind": kind,
                      "township": town} for i in range(n)]
    return pd.DataFrame(rows).sample(frac=1, random_state=3).reset_index(drop=True)  # order must not matter


def test_same_seed_same_draw_regardless_of_row_order(population: pd.DataFrame) -> None:
    a = draw(population, who="张三", seed=20261128, fraction=0.2)
    b = draw(population.iloc[::-1], who="李四", seed=20261128, fraction=0.2)
    assert a.selected["site_id"].tolist() == b.selected["site_id"].tolist()
    assert a.record.population_sha256 == b.record.population_sha256
    c = draw(population, who="张三", seed=20261129, fraction=0.2)
    assert c.selected["site_id"].tolist() != a.selected["site_id"].tolist()


def test_strata_quotas_and_membership(population: pd.DataFrame) -> None:
    res = draw(population, who="张三", seed=7, fraction=0.25)
    sizes = population.groupby(["kind", "township"]).size()
    total = math.floor(len(population) * 0.25 + 0.5)
    assert len(res.selected) == total
    for (kind, town), size in sizes.items():
        key = f"{kind} / {town}"
        assert res.record.population[key] == size
        got = res.selected[res.selected["stratum"] == key]
        share = total * size / len(population)
        assert math.floor(share) <= len(got) <= math.ceil(share)  # proportional allocation
        assert len(got) == res.record.quotas[key]
        assert (got["kind"] == kind).all() and (got["township"] == town).all()
    assert not res.selected["site_id"].duplicated().any()
    floor1 = draw(population, who="张三", seed=7, fraction=0.05, min_per_stratum=1)
    assert set(floor1.selected["stratum"]) == {f"{k} / {t}" for k, t in sizes.index}


def test_must_include_items_are_drawn_and_count_against_the_quota(population: pd.DataFrame) -> None:
    must = population[population["township"] == "沙河街道"]["site_id"].sort_values().iloc[:2].tolist()
    res = draw(population, who="张三", seed=1, fraction=0.1, must_include=must)
    assert set(must) <= set(res.selected["site_id"])
    assert res.selected.set_index("site_id").loc[must, "must"].all()
    key = "enterprise / 沙河街道"
    # 10 % of 44 = 4 in total; this stratum's share is 4 × 23/44 = 2.09 → a quota of 2, filled by the must-includes
    assert res.record.quotas[key] == 2
    assert set(res.record.drawn[key]) == set(must)


def test_total_n_is_allocated_proportionally() -> None:
    assert allocate({"a": 50, "b": 30, "c": 20}, n=10) == {"a": 5, "b": 3, "c": 2}
    q = allocate({"a": 7, "b": 7, "c": 7}, n=10)
    assert sum(q.values()) == 10 and max(q.values()) - min(q.values()) <= 1


def test_inspector_teams_are_random_distinct_and_reproducible(population: pd.DataFrame) -> None:
    staff = ["王一", "王二", "王三", "王四", "王五"]
    a = draw(population, who="张三", seed=5, n=6, inspectors=staff, team_size=2)
    b = draw(population, who="张三", seed=5, n=6, inspectors=staff, team_size=2)
    assert a.record.teams == b.record.teams
    for names in a.record.teams.values():
        assert len(set(names)) == 2 and set(names) <= set(staff)
    with pytest.raises(PlanningError, match="少于每组所需"):
        draw(population, who="张三", seed=5, n=6, inspectors=["王一"], team_size=2)


def test_record_and_publication(population: pd.DataFrame) -> None:
    when = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)
    res = draw(population, who="张三", seed=99, n=8, when=when)
    audit = res.record.to_audit()
    assert audit["who"] == "张三" and audit["seed"] == 99 and audit["when"].startswith("2026-11-28T08:00")
    assert sum(audit["population"].values()) == len(population)
    table = publication_table(res)
    assert len(table) == 8 and set(table["对象编号"]) == set(res.selected["site_id"])
    assert (table["随机种子"] == "99").all()
    csv = pd.read_csv(io.BytesIO(publication_csv(res)), encoding="utf-8-sig", dtype=str)
    assert csv["抽查对象"].tolist() == table["抽查对象"].tolist()
    wb = load_workbook(io.BytesIO(publication_xlsx(res)))
    ws = wb["抽查结果"]
    assert [c.value for c in ws[2]][:3] == ["序号", "抽查对象", "对象编号"]
    assert ws.max_row == 2 + 8
    params = {r[0].value: r[1].value for r in wb["抽取参数"].iter_rows()}
    assert params["随机种子"] == "99"


def test_bad_input(population: pd.DataFrame) -> None:
    with pytest.raises(PlanningError, match="抽取人"):
        draw(population, who=" ", seed=1, n=3)
    with pytest.raises(PlanningError, match="必查对象"):
        draw(population, who="张三", seed=1, n=3, must_include=["NOPE"])
    with pytest.raises(PlanningError, match="抽取比例"):
        draw(population, who="张三", seed=1, fraction=1.5)
    with pytest.raises(PlanningError, match="只能填写一项"):
        draw(population, who="张三", seed=1)
    with pytest.raises(PlanningError, match="缺少列"):
        draw(population.drop(columns="kind"), who="张三", seed=1, n=3)
    with pytest.raises(PlanningError, match="重复"):
        draw(pd.concat([population, population.iloc[:1]]), who="张三", seed=1, n=3)
