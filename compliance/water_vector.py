"""Vectorised GB 3838 classification of whole long-form tables (numpy/pandas, no Python loop over rows).

Agrees exactly with :func:`compliance.water.assess` on the same numbers (tested with Hypothesis): same class, same
target compliance, same worst item (highest class, then the largest C / C_Ⅲ, pH and DO last, then table order)
and the same exceedance multiple.

Values are the numeric ``value`` column (the detection limit for below-detection-limit values, as in the data
contract); an undetected DO must be given as 0 here.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from compliance import water_means
from compliance.errors import ComplianceError, InvalidValueError, UnknownParameterError
from compliance.status import WATER_CLASS_STYLE
from compliance.water import WATER_BODIES, WATER_CODES, body_kind, load_table, period_codes

_KIND_NONE, _KIND_MAX, _KIND_MIN, _KIND_RANGE = 0, 1, 2, 3


@lru_cache(maxsize=1)
def _arrays() -> dict[str, np.ndarray]:
    """Limit arrays indexed [body (0 river, 1 lake), param index] built from the CSV table."""
    n = len(WATER_CODES)
    lim = np.full((5, 2, n), np.nan)
    kind = np.zeros((2, n), dtype=np.int8)
    role_class = np.zeros((2, n), dtype=bool)
    lo = np.full(n, np.nan)
    hi = np.full(n, np.nan)
    table = load_table()
    for j, code in enumerate(WATER_CODES):
        for b, body in enumerate(("river", "lake")):
            row = table.get((code, body)) or table.get((code, "all"))
            if row is None:
                continue
            kind[b, j] = {"none": _KIND_NONE, "max": _KIND_MAX, "min": _KIND_MIN, "range": _KIND_RANGE}[row.bound]
            role_class[b, j] = row.role == "class"
            if row.bound in ("max", "min"):
                lim[:, b, j] = row.limits
            elif row.bound == "range":
                lo[j], hi[j] = row.lo, row.hi
    return {"lim": lim, "kind": kind, "role_class": role_class, "lo": lo, "hi": hi}


def _site_frame(sites: pd.DataFrame) -> pd.DataFrame:
    frame = sites.set_index("site_id") if "site_id" in sites.columns else sites
    if "target" not in frame.columns and "target_class" in frame.columns:
        frame = frame.rename(columns={"target_class": "target"})
    if "water_body" not in frame.columns:
        raise ComplianceError("站点表缺少列：water_body")
    return frame


def _param_index(params: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(params, sort=False)
    lookup = {c: i for i, c in enumerate(WATER_CODES)}
    mapped = np.empty(len(uniques), dtype=np.int64)
    for k, u in enumerate(uniques):
        if u not in lookup:
            raise UnknownParameterError(str(u), list(WATER_CODES))
        mapped[k] = lookup[u]
    if (codes < 0).any():
        raise UnknownParameterError("（空）", list(WATER_CODES))
    return mapped[codes]


def _check_values(v: np.ndarray, p: np.ndarray) -> None:
    bad = ~np.isfinite(v) | (v < 0) | ((p == WATER_CODES.index("pH")) & (v > 14))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(WATER_CODES[p[i]], v[i], "不是有限的非负数值（pH 不大于 14）")


def classify_table(
    measurements: pd.DataFrame,
    sites: pd.DataFrame,
    *,
    period: str | None = None,
    evaluate_lake_tn: bool = False,
    nd_rule: str = water_means.ND_FULL,
) -> pd.DataFrame:
    """Classify every sample (``period=None``) or period mean (``'month'``, ``'quarter'``, ``'year'``).

    Parameters
    ----------
    measurements
        long form with columns ``site_id, time, param, value``.
    sites
        one row per site (index or column ``site_id``) with ``water_body`` and ``target`` (or ``target_class``;
        NaN/None when no target); optional bool column ``evaluate_lake_tn`` overrides the keyword per site.
    nd_rule
        how undetected values (``below_dl`` column, or the detection-limit forms of ``raw``) enter period means:
        ``'full'`` at the detection limit (default) or ``'half'`` at half of it (环办监测函〔2020〕82号 第七条).

    Returns
    -------
    pandas.DataFrame
        one row per (site, sample time or period), sorted: ``site_id``, ``time`` or ``period``, ``water_body``,
        ``target``, ``water_class`` (Int8, NA when no class-setting item), ``label``, ``meets_target``
        (boolean, NA without target), ``worst_param``, ``worst_value``, ``worst_multiple`` (against the target
        limit, Ⅲ without target; NaN when met or for pH/DO), ``worst_multiple_iii``, ``n_items``,
        ``n_not_judged`` (undetected items whose detection limit is above the target limit: 无法判定，未评价).

    Period means (and means of duplicate values in one sample) are computed and rounded to the reporting
    precision by :mod:`compliance.water_means`, exactly as in :func:`compliance.water.assess_period`.
    """
    arr = _arrays()
    site_frame = _site_frame(sites)
    s_codes, s_uniques = pd.factorize(measurements["site_id"], sort=True)
    missing = ~pd.Index(s_uniques).isin(site_frame.index)
    if missing.any():
        raise ComplianceError(f"站点“{s_uniques[np.flatnonzero(missing)[0]]}”不在站点表中")
    site_info = site_frame.loc[s_uniques]
    bodies = site_info["water_body"].map(WATER_BODIES)
    if bodies.isna().any():
        body_kind(site_info["water_body"][bodies.isna()].iloc[0])  # raises, naming the value
    lake_site = (bodies == "lake").to_numpy(dtype=bool)
    target_site = pd.to_numeric(site_info.get("target", pd.Series(np.nan, index=site_info.index)),
                                errors="coerce").to_numpy(dtype="float64")
    ok_target = np.isnan(target_site) | np.isin(target_site, [1, 2, 3, 4, 5])
    if not ok_target.all():
        k = int(np.flatnonzero(~ok_target)[0])
        raise ComplianceError(f"站点“{s_uniques[k]}”的水质目标“{target_site[k]}”无效：应为 1–5")
    if "evaluate_lake_tn" in site_info.columns:
        tn_site = site_info["evaluate_lake_tn"].fillna(evaluate_lake_tn).to_numpy(dtype=bool)
    else:
        tn_site = np.full(len(s_uniques), evaluate_lake_tn)

    p = _param_index(measurements["param"])
    v = measurements["value"].to_numpy(dtype="float64")
    _check_values(v, p)

    # group key: (site, time) or (site, period)
    if period is None:
        t_codes, t_uniques = pd.factorize(measurements["time"], sort=True)
        t_labels = np.asarray(t_uniques)
    else:
        key, label = period_codes(measurements["time"], period)
        t_codes, t_uniques = pd.factorize(key.to_numpy(), sort=True)
        first = pd.Series(label.to_numpy()).groupby(t_codes).first()
        t_labels = first.to_numpy()
    nt = max(len(t_uniques), 1)
    g_key = s_codes.astype(np.int64) * nt + t_codes
    npar = len(WATER_CODES)
    item_key = g_key * npar + p
    i_codes, i_uniques = pd.factorize(item_key, sort=True)
    n_items_all = len(i_uniques)
    nd_rows = water_means.below_dl_mask(measurements)
    if period is not None:
        v = water_means.nd_adjusted(v, nd_rows, nd_rule)
    item_key = np.asarray(i_uniques)
    codes_arr = np.array(WATER_CODES, dtype=object)
    # item means per group: the same code as water.period_means (rounded to the reporting precision)
    v = water_means.reported_means(i_codes, v, codes_arr[item_key % npar], n_items_all, keep_single=period is None)
    nd_item = np.zeros(n_items_all, dtype=bool)
    if nd_rows is not None:
        nd_item = np.bincount(i_codes, weights=~nd_rows, minlength=n_items_all) == 0  # every value undetected
    p = (item_key % npar).astype(np.int64)
    g_key = item_key // npar
    g_codes, g_uniques = pd.factorize(g_key, sort=True)
    n_groups = len(g_uniques)
    g_site = (np.asarray(g_uniques) // nt).astype(np.int64)
    g_time = (np.asarray(g_uniques) % nt).astype(np.int64)

    lake = lake_site[g_site][g_codes].astype(np.int64)
    kind = arr["kind"][lake, p]
    setting = arr["role_class"][lake, p] | ((p == WATER_CODES.index("TN")) & (lake == 1) & tn_site[g_site][g_codes])
    setting &= kind != _KIND_NONE
    # an undetected item whose detection limit is above the target (Ⅲ without target) limit cannot be judged
    row_target = target_site[g_site][g_codes]
    t_row = np.where(np.isnan(row_target), 3, row_target).astype(np.int64) - 1
    lim_row_t = arr["lim"][t_row, lake, p]
    not_judged = setting & nd_item & (kind == _KIND_MAX) & (v > lim_row_t)
    setting &= ~not_judged

    cls = np.ones(len(v), dtype=np.int8)
    is_max = kind == _KIND_MAX
    is_min = kind == _KIND_MIN
    for k in range(5):
        lim_k = arr["lim"][k][lake, p]
        cls += (is_max & (v > lim_k)) | (is_min & (v < lim_k))
    is_range = kind == _KIND_RANGE
    in_range = (v >= arr["lo"][p]) & (v <= arr["hi"][p])
    cls = np.where(is_range & ~in_range, np.int8(6), cls)
    cls = np.where(setting, cls, np.int8(0))

    g_cls = np.zeros(n_groups, dtype=np.int8)
    np.maximum.at(g_cls, g_codes, cls)
    lim3 = arr["lim"][2][lake, p]
    ratio = np.where(is_max, v / np.where(is_max, lim3, 1.0), -np.inf)
    cand = setting & (cls == g_cls[g_codes])
    g_ratio = np.full(n_groups, -np.inf)
    np.maximum.at(g_ratio, g_codes[cand], ratio[cand])
    cand &= ratio == g_ratio[g_codes]
    g_order = np.full(n_groups, npar, dtype=np.int64)
    np.minimum.at(g_order, g_codes[cand], p[cand])
    cand &= p == g_order[g_codes]
    worst_row = np.full(n_groups, -1, dtype=np.int64)
    worst_row[g_codes[cand]] = np.flatnonzero(cand)
    n_items = np.bincount(g_codes, weights=setting, minlength=n_groups).astype(np.int64)

    has = worst_row >= 0
    wr = np.where(has, worst_row, 0)
    w_p = p[wr]
    w_v = v[wr]
    w_lake = lake[wr]
    w_max = is_max[wr] & has
    g_target = target_site[g_site]
    t_idx = np.where(np.isnan(g_target), 3, g_target).astype(np.int64) - 1
    lim_t = arr["lim"][t_idx, w_lake, w_p]
    lim_3 = arr["lim"][2, w_lake, w_p]
    mult_t = np.where(w_max & (w_v > lim_t), (w_v - lim_t) / lim_t, np.nan)
    mult_3 = np.where(w_max & (w_v > lim_3), (w_v - lim_3) / lim_3, np.nan)

    water_class = pd.array(np.where(has, g_cls, 0), dtype="Int8")
    water_class[~has] = pd.NA
    meets = pd.array(g_cls <= g_target, dtype="boolean")
    meets[~has | np.isnan(g_target)] = pd.NA
    labels = np.array(["无法评价"] + [WATER_CLASS_STYLE[c][0] for c in range(1, 7)], dtype=object)
    out = pd.DataFrame(
        {
            "site_id": np.asarray(s_uniques, dtype=object)[g_site],
            ("time" if period is None else "period"): t_labels[g_time],
            "water_body": site_info["water_body"].to_numpy(dtype=object)[g_site],
            "target": pd.array(np.where(np.isnan(g_target), 0, g_target).astype(np.int64), dtype="Int8"),
            "water_class": water_class,
            "label": labels[np.where(has, g_cls, 0)],
            "meets_target": meets,
            "worst_param": np.where(has, codes_arr[w_p], None),
            "worst_value": np.where(has, w_v, np.nan),
            "worst_multiple": mult_t,
            "worst_multiple_iii": mult_3,
            "n_items": n_items,
            "n_not_judged": np.bincount(g_codes, weights=not_judged, minlength=n_groups).astype(np.int64),
        }
    )
    out.loc[np.isnan(g_target), "target"] = pd.NA
    return out
