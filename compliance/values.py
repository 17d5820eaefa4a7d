"""Raw measurement values, including Chinese detection-limit notations.

Accepted forms: a number (``0.23``), ``ND`` / ``未检出`` (below an unstated detection limit),
``<0.01`` / ``＜0.01`` and ``0.01L`` (below the stated detection limit ``0.01``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from compliance.errors import InvalidValueError

_ND_WORDS = {"nd", "未检出", "n.d.", "n.d", "检出限以下", "低于检出限"}
_LT = re.compile(r"^[<＜]\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)$")
_L_SUFFIX = re.compile(r"^([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*[Ll]$")


@dataclass(frozen=True)
class Reading:
    """A parsed value.

    ``value`` is the number used for evaluation.  For a value below the detection limit it is the
    detection limit itself (or 0 when none is stated) and ``below_dl`` is true, so that it meets any
    limit above the detection limit; explanations say so.
    """

    value: float
    raw: str
    below_dl: bool = False
    dl: float | None = None

    def display(self) -> str:
        """Text shown to users: the number, or the detection-limit form."""
        if self.below_dl:
            return f"未检出(<{_fmt(self.dl)})" if self.dl is not None else "未检出"
        return _fmt(self.value)


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.6g}"


def parse_value(param: str, raw: object) -> Reading:
    """Parse one raw value for ``param``; raise :class:`InvalidValueError` on anything else.

    Negative numbers, NaN and infinities are rejected rather than guessed.
    """
    if isinstance(raw, Reading):
        return raw
    if isinstance(raw, bool) or raw is None:
        raise InvalidValueError(param, raw, "不是数值，也不是检出限写法（如 ND、未检出、<0.01、0.01L）")
    if isinstance(raw, (int, float)):
        return _number(param, float(raw), str(raw))
    text = str(raw).strip()
    if text.lower() in _ND_WORDS:
        return Reading(0.0, text, below_dl=True, dl=None)
    m = _LT.match(text) or _L_SUFFIX.match(text)
    if m:
        dl = float(m.group(1))
        return Reading(dl, text, below_dl=True, dl=dl)
    try:
        number = float(text)
    except ValueError:
        raise InvalidValueError(
            param, text, "不是数值，也不是检出限写法（如 ND、未检出、<0.01、0.01L）"
        ) from None
    return _number(param, number, text)


def _number(param: str, x: float, raw: str) -> Reading:
    if math.isnan(x) or math.isinf(x):
        raise InvalidValueError(param, raw, "不是有限数值")
    if x < 0:
        raise InvalidValueError(param, raw, "浓度不能为负数")
    if param == "pH" and x > 14:
        raise InvalidValueError(param, raw, "pH 不能大于 14")
    return Reading(x, raw)
