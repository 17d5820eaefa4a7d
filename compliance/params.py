"""Parameter codes used across the project (see shared/reference/standards.md).

Every table, template and API names parameters by these codes, in these canonical units.
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance.errors import UnknownParameterError


@dataclass(frozen=True)
class Param:
    """One measured parameter: its code, Chinese name and canonical unit."""

    code: str
    name: str
    unit: str
    domains: tuple[str, ...]


_P = Param
PARAMS: dict[str, Param] = {
    p.code: p
    for p in (
        _P("WT", "水温", "℃", ("water", "effluent")),
        _P("pH", "pH值", "无量纲", ("water", "effluent")),
        _P("DO", "溶解氧", "mg/L", ("water",)),
        _P("CODMn", "高锰酸盐指数", "mg/L", ("water",)),
        _P("COD", "化学需氧量", "mg/L", ("water", "effluent")),
        _P("BOD5", "五日生化需氧量", "mg/L", ("water", "effluent")),
        _P("NH3N", "氨氮", "mg/L", ("water", "effluent")),
        _P("TP", "总磷", "mg/L", ("water", "effluent")),
        _P("TN", "总氮", "mg/L", ("water", "effluent")),
        _P("Cu", "铜", "mg/L", ("water",)),
        _P("Zn", "锌", "mg/L", ("water",)),
        _P("F", "氟化物", "mg/L", ("water",)),
        _P("Se", "硒", "mg/L", ("water",)),
        _P("As", "砷", "mg/L", ("water", "effluent")),
        _P("Hg", "汞", "mg/L", ("water", "effluent")),
        _P("Cd", "镉", "mg/L", ("water", "effluent")),
        _P("Cr6", "六价铬", "mg/L", ("water", "effluent")),
        _P("Pb", "铅", "mg/L", ("water", "effluent")),
        _P("CN", "氰化物", "mg/L", ("water",)),
        _P("phenol", "挥发酚", "mg/L", ("water",)),
        _P("oil", "石油类", "mg/L", ("water", "effluent")),
        _P("LAS", "阴离子表面活性剂", "mg/L", ("water", "effluent")),
        _P("S2", "硫化物", "mg/L", ("water",)),
        _P("fecal_coliform", "粪大肠菌群", "个/L", ("water", "effluent")),
        _P("chla", "叶绿素a", "mg/m³", ("water",)),
        _P("SD", "透明度", "m", ("water",)),
        # GB 3838-2002 Table 2: supplementary items for centralised drinking-water surface sources
        _P("SO4", "硫酸盐", "mg/L", ("water",)),
        _P("Cl", "氯化物", "mg/L", ("water",)),
        _P("NO3N", "硝酸盐氮", "mg/L", ("water",)),
        _P("Fe", "铁", "mg/L", ("water",)),
        _P("Mn", "锰", "mg/L", ("water",)),
        _P("SS", "悬浮物", "mg/L", ("effluent",)),
        _P("animal_oil", "动植物油", "mg/L", ("effluent",)),
        _P("color", "色度", "稀释倍数", ("effluent",)),
        _P("SO2", "二氧化硫", "µg/m³", ("air",)),
        _P("NO2", "二氧化氮", "µg/m³", ("air",)),
        _P("CO", "一氧化碳", "mg/m³", ("air",)),
        _P("O3", "臭氧(1小时)", "µg/m³", ("air",)),
        _P("O3_8h", "臭氧日最大8小时滑动平均", "µg/m³", ("air",)),
        _P("PM10", "PM10", "µg/m³", ("air",)),
        _P("PM2_5", "PM2.5", "µg/m³", ("air",)),
    )
}


def get_param(code: str) -> Param:
    """Return the parameter for ``code`` or raise :class:`UnknownParameterError`."""
    try:
        return PARAMS[code]
    except KeyError:
        raise UnknownParameterError(code, sorted(PARAMS)) from None


def param_name(code: str) -> str:
    """Chinese display name of a parameter code."""
    return get_param(code).name
