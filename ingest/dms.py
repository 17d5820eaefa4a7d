"""Degrees-minutes-seconds and decimal-degree coordinate text, in the spellings Chinese registers use.

Accepted: ``115.9583``, ``115°57′30.5″``, ``115°57'30.5"``, ``115度57分30.5秒``, ``115:57:30.5``,
``115 57 30.5``, ``115°57.5′`` (decimal minutes), with ``E``/``N``/``W``/``S`` before or after and
``东经``/``北纬``/``西经``/``南纬``/``经度``/``纬度`` prefixes; full-width digits and punctuation too.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from ingest.errors import DMSParseError

Axis = Literal["lon", "lat"]

_PREFIX = re.compile(r"^(东经|北纬|西经|南纬|经度|纬度|[ENWS])\s*[:：]?\s*")
_SUFFIX = re.compile(r"\s*([ENWS])$")
_AXIS_OF = {
    "东经": "lon",
    "西经": "lon",
    "经度": "lon",
    "E": "lon",
    "W": "lon",
    "北纬": "lat",
    "南纬": "lat",
    "纬度": "lat",
    "N": "lat",
    "S": "lat",
}
_NEGATIVE = {"西经", "南纬", "W", "S"}
_MARKS = str.maketrans(
    {
        "度": "°",
        "分": "'",
        "秒": '"',
        "′": "'",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "″": '"',
        "”": '"',
        "“": '"',
        "º": "°",
        "˚": "°",
    }
)
_ALLOWED = re.compile(r"^[+\-]?[0-9.\s°'\":]+$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")


@dataclass(frozen=True)
class Angle:
    """A parsed coordinate: decimal degrees and the axis its spelling names (None if unnamed)."""

    degrees: float
    axis: Axis | None = None
    dms: bool = False


def _normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).strip().upper().translate(_MARKS)
    t = t.replace("''", '"').replace("°°", "°")
    return re.sub(r"\s+", " ", t)


def parse_angle(value: object) -> Angle:
    """Parse one coordinate value (number or text) into decimal degrees; raise :class:`DMSParseError`."""
    if isinstance(value, bool) or value is None:
        raise DMSParseError(str(value), "不是坐标")
    if isinstance(value, (int, float)):
        if not math.isfinite(float(value)):
            raise DMSParseError(str(value), "不是有限数值")
        return Angle(float(value))
    raw = str(value)
    text = _normalise(raw)
    if not text:
        raise DMSParseError(raw, "为空")
    axis: Axis | None = None
    sign = 1.0
    m = _PREFIX.match(text)
    if m:
        axis, sign = _AXIS_OF[m.group(1)], -1.0 if m.group(1) in _NEGATIVE else 1.0  # type: ignore[assignment]
        text = text[m.end() :]
    m = _SUFFIX.search(text)
    if m:
        if axis is not None and _AXIS_OF[m.group(1)] != axis:
            raise DMSParseError(raw, "前后方位标记矛盾")
        axis = _AXIS_OF[m.group(1)]  # type: ignore[assignment]
        sign = -1.0 if m.group(1) in _NEGATIVE else sign
        text = text[: m.start()]
    text = text.strip()
    if not text or not _ALLOWED.match(text):
        raise DMSParseError(raw)
    if text[0] in "+-":
        sign = -sign if text[0] == "-" else sign
        text = text[1:]
    return Angle(sign * _degrees(text, raw), axis, dms=bool(re.search(r"[°'\": ]", text.strip("°").strip())))


def _degrees(text: str, raw: str) -> float:
    tokens = _NUMBER.findall(text)
    rest = _NUMBER.sub("", text)
    if not tokens or len(tokens) > 3 or re.search(r"\d", rest) or rest.count(".") or rest.count("°") > 1:
        raise DMSParseError(raw)
    parts = [float(t) for t in tokens]
    if len(parts) > 1 and not parts[0].is_integer():
        raise DMSParseError(raw, "度带小数时不能再写分秒")
    if len(parts) > 2 and not parts[1].is_integer():
        raise DMSParseError(raw, "分带小数时不能再写秒")
    if len(parts) > 1 and parts[1] >= 60:
        raise DMSParseError(raw, "分应小于 60")
    if len(parts) > 2 and parts[2] >= 60:
        raise DMSParseError(raw, "秒应小于 60")
    minutes = parts[1] if len(parts) > 1 else 0.0
    seconds = parts[2] if len(parts) > 2 else 0.0
    return parts[0] + minutes / 60.0 + seconds / 3600.0


def format_dms(degrees: float, axis: Axis) -> str:
    """Chinese DMS text, e.g. ``115°57′30.50″`` (used by templates and messages)."""
    d = abs(degrees)
    deg = int(d)
    minutes = int((d - deg) * 60)
    seconds = (d - deg - minutes / 60) * 3600
    if seconds >= 59.995:
        seconds = 0.0
        minutes += 1
    if minutes == 60:
        minutes = 0
        deg += 1
    hemi = ("E" if degrees >= 0 else "W") if axis == "lon" else ("N" if degrees >= 0 else "S")
    return f"{hemi}{deg}°{minutes:02d}′{seconds:05.2f}″"
