"""Period means of surface-water items, computed one way for the scalar and the vectorised paths.

- A mean is the sum of the group's values in ascending order divided by their count, so it depends only on the
  group's own values (not on other sites or periods in the same table, as a pandas groupby mean can).
- The mean is then rounded to the item's reporting precision (``tables/water_precision.csv``) per GB/T 8170
  (四舍六入五成双) before it is compared with a limit: 0.81, 1.07, 1.12 average to 1.000 mg/L, which meets the
  NH3-N Ⅲ limit 1.0, where the float sum gave 1.0000000000000002 (Ⅳ).
- Values below the detection limit enter at the detection limit (``ND_FULL``, the default) or, by the rule of
  环办监测函〔2020〕82号 point 7, at half of it (``ND_HALF``); a value without a stated limit enters as given.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from compliance.errors import ComplianceError
from compliance.params import get_param
from compliance.values import _L_SUFFIX, _LT, _ND_WORDS

PRECISION_PATH = Path(__file__).resolve().parent / "tables" / "water_precision.csv"

ND_FULL = "full"
ND_HALF = "half"
ND_RULES: dict[str, str] = {
    ND_FULL: "未检出按检出限计入均值",
    ND_HALF: "未检出按检出限的一半计入均值（环办监测函〔2020〕82号 第七条）",
}


@lru_cache(maxsize=1)
def precision_table() -> dict[str, int]:
    """Parameter code → decimals kept in a reported period mean."""
    with open(PRECISION_PATH, encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    out = {}
    for rec in csv.DictReader(lines):
        get_param(rec["param"])
        out[rec["param"]] = int(rec["decimals"])
    return out


def decimals(param: str) -> int:
    """Decimals of ``param`` in a reported mean (error for a code without a row)."""
    try:
        return precision_table()[param]
    except KeyError:
        raise ComplianceError(f"项目“{param}”没有均值修约位数（compliance/tables/water_precision.csv）") from None


def check_nd_rule(rule: str) -> str:
    """``rule`` if it is a known rule for undetected values in means, else a clear error."""
    if rule not in ND_RULES:
        raise ComplianceError(f"未检出计入均值的规则“{rule}”无效；可用：{'、'.join(ND_RULES)}")
    return rule


def round_half_even(values: np.ndarray, places: np.ndarray) -> np.ndarray:
    """GB/T 8170 rounding of each value to its number of decimals (element-wise).

    The scaled value is first rounded to 6 decimals so that binary noise (1.0000000000000002) does not decide a
    tie; a tie at the kept digit then goes to the even digit, as for single air values (``air._round_vec``).
    """
    scale = np.power(10.0, places.astype("float64"))
    return np.rint(np.round(values * scale, 6)) / scale


def nd_adjusted(values: np.ndarray, below_dl: np.ndarray | None, rule: str) -> np.ndarray:
    """Values as they enter a mean: undetected values halved under ``ND_HALF``."""
    check_nd_rule(rule)
    if below_dl is None or rule == ND_FULL:
        return values
    return np.where(below_dl, values / 2.0, values)


def group_means(codes: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of ``values`` per group code 0..n_groups-1: ascending values summed in order, then / count."""
    order = np.lexsort((values, codes))
    sorted_codes = codes[order]
    sorted_vals = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sums = np.zeros(n_groups)
    counts = np.zeros(n_groups)
    if len(values):
        # np.add.reduceat sums each segment on its own, so a group's sum depends only on its sorted values
        sums[sorted_codes[starts]] = np.add.reduceat(sorted_vals, starts)
        counts[sorted_codes[starts]] = np.diff(np.r_[starts, len(sorted_vals)])
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def reported_means(
    codes: np.ndarray, values: np.ndarray, params: np.ndarray, n_groups: int, *, keep_single: bool = False
) -> np.ndarray:
    """Group means rounded to the reporting precision of each group's parameter (``params`` per group).

    ``keep_single``: a group of one value keeps that value as given (duplicates within one sample are averaged,
    a lone single value is not re-rounded).
    """
    means = group_means(codes, values, n_groups)
    uniques, inverse = np.unique(np.asarray(params, dtype=object).astype(str), return_inverse=True)
    places = np.array([decimals(str(u)) for u in uniques], dtype=np.int64)[inverse]
    out = round_half_even(means, places)
    if keep_single:
        counts = np.bincount(codes, minlength=n_groups)
        out = np.where(counts == 1, means, out)
    return out


def below_dl_mask(frame: pd.DataFrame) -> np.ndarray | None:
    """Which rows are undetected: the ``below_dl`` column, else the detection-limit forms of ``raw``, else None."""
    if "below_dl" in frame.columns:
        return frame["below_dl"].fillna(False).astype(bool).to_numpy()
    if "raw" in frame.columns:
        raw = frame["raw"].astype("string").str.strip().fillna("")
        lower = raw.str.lower()
        nd = lower.isin(sorted(_ND_WORDS)) | raw.str.match(_LT.pattern) | raw.str.match(_L_SUFFIX.pattern)
        return nd.fillna(False).to_numpy(dtype=bool)
    return None
