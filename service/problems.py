"""The problem list: one ordering, by severity, for the map's panel, 汇报模式 and the briefing."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from compliance.sites import KIND_LABELS
from compliance.status import PROBLEM_STATUSES, STATUS_STYLE, SiteStatus

COLUMNS = ["序号", "状态", "名称", "类型", "乡镇", "说明", "site_id", "status"]


def severity(status: SiteStatus) -> float:
    """How bad a problem is within its status: the worst exceedance multiple, then days overdue (÷ 1000)."""
    multiples = [b.multiple for b in status.basis if b.multiple is not None]
    days = status.detail.get("days_overdue") if isinstance(status.detail, dict) else None
    extra = float(days) / 1000.0 if isinstance(days, (int, float)) else 0.0
    return float(max(multiples, default=0.0)) + extra


def rank_problems(features: pd.DataFrame, statuses: Mapping[str, SiteStatus]) -> pd.DataFrame:
    """Problem features, worst first: status order (超标 before 逾期 …), then severity, township, name.

    Columns: 序号, 状态, 名称, 类型, 乡镇, 说明 (the full explanation), site_id, status.
    """
    rows = []
    for f in features.to_dict("records"):
        st = statuses.get(str(f["site_id"]))
        if st is None or st.status not in PROBLEM_STATUSES:
            continue
        rows.append({
            "状态": st.label, "名称": str(f["name"]), "类型": KIND_LABELS.get(str(f["kind"]), str(f["kind"])),
            "乡镇": str(f.get("township") or ""), "说明": st.explanation, "site_id": str(f["site_id"]),
            "status": st.status.value, "_o": STATUS_STYLE[st.status].order, "_s": -severity(st),
        })
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.DataFrame(rows).sort_values(["_o", "_s", "乡镇", "名称"], kind="stable").reset_index(drop=True)
    out["序号"] = range(1, len(out) + 1)
    return out[COLUMNS]
