"""Parameter names and units as monitoring reports write them.

They are mapped to the codes and canonical units of :mod:`compliance.params`.

``resolve_param("氨氮（NH3-N）")`` → ``"NH3N"``; ``conversion_factor("TP", "µg/L")`` → ``0.001``;
``split_header("总磷(mg/L)")`` → ``("总磷", "mg/L")``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from compliance.params import PARAMS
from ingest.errors import UnknownUnitError

# Extra spellings (normalised by _key) beyond each parameter's code and Chinese name.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "WT": ("水温", "温度", "watertemperature", "temp"),
    "pH": ("ph", "ph值", "酸碱度"),
    "DO": ("溶解氧", "do"),
    "CODMn": ("高锰酸盐指数", "codmn", "imn", "高锰酸钾指数"),
    "COD": ("化学需氧量", "cod", "codcr", "化学耗氧量"),
    "BOD5": ("五日生化需氧量", "bod5", "bod", "生化需氧量"),
    "NH3N": ("氨氮", "nh3n", "nh4n", "氨氮nh3n", "nh3"),
    "TP": ("总磷", "tp", "总磷以p计"),
    "TN": ("总氮", "tn", "总氮以n计"),
    "F": ("氟化物", "氟化物以f计"),
    "CN": ("氰化物",),
    "phenol": ("挥发酚", "挥发性酚"),
    "oil": ("石油类",),
    "LAS": ("阴离子表面活性剂", "las"),
    "S2": ("硫化物",),
    "Cr6": ("六价铬", "铬六价", "cr6"),
    "fecal_coliform": ("粪大肠菌群", "粪大肠菌群数", "粪大肠杆菌"),
    "chla": ("叶绿素a", "叶绿素", "chla"),
    "SD": ("透明度", "sd"),
    "SO4": ("硫酸盐", "硫酸盐以so4计", "硫酸盐（以SO4²⁻计）", "硫酸根", "so4", "so42"),
    "Cl": ("氯化物", "氯化物以cl计", "氯化物（以Cl⁻计）", "氯离子", "cl"),
    "NO3N": ("硝酸盐氮", "硝酸盐", "硝酸盐以n计", "硝酸盐氮以n计", "no3n"),
    "Fe": ("铁", "总铁", "fe"),
    "Mn": ("锰", "总锰", "mn"),
    "SS": ("悬浮物", "ss", "悬浮固体"),
    "animal_oil": ("动植物油", "动植物油类"),
    "color": ("色度",),
    "SO2": ("二氧化硫", "so2"),
    "NO2": ("二氧化氮", "no2"),
    "CO": ("一氧化碳", "co"),
    "O3": ("臭氧", "o3", "臭氧1小时", "臭氧1h", "o31h"),
    "O3_8h": ("臭氧8小时", "o38h", "臭氧日最大8小时滑动平均", "臭氧日最大8小时平均", "o3日最大8小时"),
    "PM10": ("pm10", "可吸入颗粒物"),
    "PM2_5": ("pm25", "细颗粒物"),
}


def _key(text: str) -> str:
    """Normalised lookup key: NFKC, lower case, no spaces, brackets, dots, dashes or underscores."""
    t = unicodedata.normalize("NFKC", str(text)).lower()
    t = t.replace("₂", "2").replace("₃", "3").replace("₅", "5").replace("₄", "4")
    return re.sub(r"[\s()（）\[\]【】.\-_·、/]", "", t)


_LOOKUP: dict[str, str] = {}
for _code, _p in PARAMS.items():
    _LOOKUP[_key(_code)] = _code
    _LOOKUP[_key(_p.name)] = _code
for _code, _names in _SYNONYMS.items():
    for _n in _names:
        _LOOKUP[_key(_n)] = _code


def resolve_param(text: object) -> str | None:
    """Parameter code for a name, code or common spelling (None if unknown)."""
    if text is None:
        return None
    return _resolve(str(text))


@lru_cache(maxsize=4096)
def _resolve(text: str) -> str | None:
    key = _key(text)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "氨氮nh3n" style: Chinese name followed by a formula in brackets.
    head = re.match(r"^[\u4e00-\u9fff]+[a-z0-9]?", key)
    if head and head.group(0) in _LOOKUP:
        return _LOOKUP[head.group(0)]
    return None


_BRACKET_UNIT = re.compile(r"^(?P<name>.*?)\s*[/]?\s*[(（\[【](?P<unit>[^()（）\[\]【】]*)[)）\]】]\s*$")


def split_header(text: object) -> tuple[str, str | None]:
    """Split ``总磷(mg/L)`` / ``氨氮（mg/L）`` / ``总磷 mg/L`` into name and unit (unit None if absent)."""
    return _split(str(text))


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[str, str | None]:
    t = unicodedata.normalize("NFKC", text).strip()
    m = _BRACKET_UNIT.match(t)
    if m and m.group("name") and looks_like_unit(m.group("unit")):
        return m.group("name").strip(), m.group("unit").strip()
    parts = t.rsplit(None, 1)
    if len(parts) == 2 and looks_like_unit(parts[1]):
        return parts[0].strip(), parts[1].strip()
    return t, None


# --- units ------------------------------------------------------------------------------------------

_MASS_MG = {"g": 1e3, "mg": 1.0, "ug": 1e-3, "ng": 1e-6, "克": 1e3, "毫克": 1.0, "微克": 1e-3, "纳克": 1e-6}
_VOLUME_L = {"l": 1.0, "ml": 1e-3, "m3": 1e3, "dm3": 1.0, "升": 1.0, "毫升": 1e-3, "立方米": 1e3, "100ml": 0.1}
_COUNT = {"个", "mpn", "cfu", "个数"}
_DIMENSIONLESS = {"", "无量纲", "无", "-", "—", "--", "/", "ph", "ph单位", "无单位", "1"}
_TEMPERATURE = {"℃", "°c", "c", "摄氏度", "度"}
_LENGTH_M = {"m": 1.0, "cm": 0.01, "mm": 0.001, "米": 1.0, "厘米": 0.01, "毫米": 0.001}
_DILUTION = {"稀释倍数", "倍", "度"}


def normalise_unit(unit: object) -> str:
    """Normalised unit text: NFKC, lower case, ``u`` for micro, no spaces, ``m3`` for m³."""
    if unit is None:
        return ""
    return _norm_unit(str(unit))


@lru_cache(maxsize=1024)
def _norm_unit(unit: str) -> str:
    t = unicodedata.normalize("NFKC", unit).strip().lower()
    t = t.replace("μ", "u").replace("µ", "u").replace("³", "3").replace(" ", "").replace("／", "/")
    return t.replace("每", "/")


def _concentration(u: str) -> tuple[str, float] | None:
    """('mass', mg per L) or ('count', count per L) for 'a/b' units."""
    if "/" not in u:
        return None
    num, den = u.split("/", 1)
    den = den.strip("()")
    if den not in _VOLUME_L:
        return None
    if num in _MASS_MG:
        return "mass", _MASS_MG[num] / _VOLUME_L[den]
    if num in _COUNT:
        return "count", 1.0 / _VOLUME_L[den]
    return None


def looks_like_unit(text: str) -> bool:
    """Whether a header fragment is a unit we know of (used to split ``name(unit)``)."""
    u = normalise_unit(text)
    return bool(
        _concentration(u) or u in _TEMPERATURE or u in _LENGTH_M or u in _DILUTION or u in (_DIMENSIONLESS - {""})
    )


def conversion_factor(param: str, unit: object) -> float:
    """Factor turning a value of ``param`` in ``unit`` into the canonical unit (empty unit = canonical).

    Raises :class:`UnknownUnitError` when the unit is unknown or of the wrong kind.
    """
    canonical = PARAMS[param].unit
    u = normalise_unit(unit)
    c = normalise_unit(canonical)
    if u == "" or u == c:
        return 1.0
    if canonical == "无量纲":
        if u in _DIMENSIONLESS:
            return 1.0
    elif canonical == "℃":
        if u in _TEMPERATURE:
            return 1.0
    elif canonical == "稀释倍数":
        if u in _DILUTION:
            return 1.0
    elif canonical == "m":
        if u in _LENGTH_M:
            return _LENGTH_M[u]
    else:
        have, want = _concentration(u), _concentration(c)
        air_ok = "air" not in PARAMS[param].domains or u.endswith(("/m3", "/立方米"))
        if have and want and have[0] == want[0] and air_ok:
            return have[1] / want[1]
    raise UnknownUnitError(PARAMS[param].name, str(unit), canonical)
