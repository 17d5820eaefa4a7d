"""DMS spellings, parameter names and unit conversion."""

from __future__ import annotations

import pytest

from ingest.dms import format_dms, parse_angle
from ingest.errors import DMSParseError, UnknownUnitError
from ingest.units import conversion_factor, resolve_param, split_header

DEG = 115 + 57 / 60 + 30.5 / 3600


@pytest.mark.parametrize(
    "text",
    [
        "115°57′30.5″",
        "115度57分30.5秒",
        "115:57:30.5",
        "115 57 30.5",
        "E115°57'30.5\"",
        "东经115°57′30.5″",
        "115°57′30.5″E",
        "115°57'30.5''",
        "１１５°５７′３０．５″",
        " 115° 57′ 30.5″ ",
        "e115°57′30.5″",
    ],
)
def test_dms_spellings(text: str) -> None:
    assert parse_angle(text).degrees == pytest.approx(DEG, abs=1e-9)


def test_axis_and_hemisphere_prefixes() -> None:
    assert parse_angle("北纬29°39′").axis == "lat"
    assert parse_angle("N29.65").degrees == pytest.approx(29.65)
    assert parse_angle("E115.5").axis == "lon"
    assert parse_angle("W10°30′").degrees == pytest.approx(-10.5)
    assert parse_angle("115°57.5′").degrees == pytest.approx(115 + 57.5 / 60)
    assert parse_angle(115.25).degrees == 115.25


@pytest.mark.parametrize("text", ["abc", "115°75′", "115°57′61″", "", "115.5°30′", "E115°N", "1e5", "115°57′30″N29°"])
def test_bad_dms_raises_project_error(text: str) -> None:
    with pytest.raises(DMSParseError) as info:
        parse_angle(text)
    assert "无法识别" in str(info.value)


def test_format_dms_round_trips() -> None:
    for v in (115.958472, 29.6500, 116.0):
        assert parse_angle(format_dms(v, "lon")).degrees == pytest.approx(v, abs=0.01 / 3600)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("氨氮", "NH3N"),
        ("NH3-N", "NH3N"),
        ("氨氮（NH3-N）", "NH3N"),
        ("总磷", "TP"),
        ("高锰酸盐指数", "CODMn"),
        ("化学需氧量", "COD"),
        ("CODcr", "COD"),
        ("PM2.5", "PM2_5"),
        ("细颗粒物", "PM2_5"),
        ("PM₂.₅", "PM2_5"),
        ("可吸入颗粒物", "PM10"),
        ("O3-8h", "O3_8h"),
        ("pH值", "pH"),
        ("粪大肠菌群", "fecal_coliform"),
        ("溶解氧", "DO"),
    ],
)
def test_param_names(name: str, code: str) -> None:
    assert resolve_param(name) == code


def test_unknown_param_is_none() -> None:
    assert resolve_param("钼") is None  # GB 3838 Table 3 item, not in the app
    assert resolve_param("") is None


@pytest.mark.parametrize(
    ("header", "name", "unit"),
    [
        ("总磷(mg/L)", "总磷", "mg/L"),
        ("氨氮（mg/L）", "氨氮", "mg/L"),
        ("总磷 mg/L", "总磷", "mg/L"),
        ("pH", "pH", None),
        ("PM2.5(μg/m³)", "PM2.5", "μg/m3"),
        ("臭氧(1小时)", "臭氧(1小时)", None),
    ],
)
def test_split_header(header: str, name: str, unit: str | None) -> None:
    assert split_header(header) == (name, unit)


@pytest.mark.parametrize(
    ("param", "unit", "factor"),
    [
        ("TP", "µg/L", 1e-3),
        ("TP", "ug/L", 1e-3),
        ("TP", "μg/L", 1e-3),
        ("TP", "mg/l", 1.0),
        ("TP", "", 1.0),
        ("TP", "毫克/升", 1.0),
        ("SO2", "mg/m3", 1000.0),
        ("CO", "µg/m³", 1e-3),
        ("PM2_5", "μg/m3", 1.0),
        ("fecal_coliform", "个/100mL", 10.0),
        ("fecal_coliform", "MPN/100mL", 10.0),
        ("fecal_coliform", "MPN/L", 1.0),
        ("chla", "µg/L", 1.0),
        ("chla", "mg/L", 1000.0),
        ("SD", "cm", 0.01),
        ("pH", "无量纲", 1.0),
        ("WT", "°C", 1.0),
    ],
)
def test_conversion_factor(param: str, unit: str, factor: float) -> None:
    assert conversion_factor(param, unit) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("param", "unit"), [("TP", "个/L"), ("TN", "ppm"), ("SO2", "mg/L"), ("pH", "mg/L"), ("WT", "K")]
)
def test_unknown_or_wrong_units(param: str, unit: str) -> None:
    with pytest.raises(UnknownUnitError) as info:
        conversion_factor(param, unit)
    assert unit in str(info.value)
