"""GB 3838-2002 Table 2 supplementary items for drinking-water sources; the 办法's grade at 60 % / 40 %."""

from __future__ import annotations

import pytest

from compliance import drinking, water
from compliance.errors import UnknownParameterError


def test_table2_every_cell() -> None:
    assert drinking.table2() == {"SO4": 250.0, "Cl": 250.0, "NO3N": 10.0, "Fe": 0.3, "Mn": 0.1}
    assert drinking.names()["NO3N"] == "硝酸盐（以N计）" and drinking.names()["Fe"] == "铁"


def test_supplementary_items() -> None:
    items = {i.param: i for i in drinking.assess_supplementary({"Fe": 0.3, "Mn": 0.15, "NO3N": "20L", "SO4": "ND"})}
    assert items["Fe"].meets is True and "达标" in items["Fe"].explanation
    assert items["Mn"].meets is False and "超标 0.5 倍" in items["Mn"].explanation
    assert items["NO3N"].meets is None and "无法判定，未评价" in items["NO3N"].explanation
    assert items["SO4"].meets is True
    with pytest.raises(UnknownParameterError):
        drinking.assess_supplementary({"COD": 10})


def test_basin_grade_at_60_percent_and_40_percent_worse_than_v() -> None:
    # 3 of 5 sections Ⅰ–Ⅲ (60 %), 2 劣Ⅴ (40 %): the 办法 defines no separate grade; the engine says 重度污染
    assert water.basin_grade([1, 2, 3, 6, 6]) == "重度污染"
    assert water.basin_grade([1, 2, 3, 6, 5]) == "中度污染"
