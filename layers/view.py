"""The map's view state (filters, layers, period, basemap, selection) and the pure filter over the site table.

The whole state round-trips through URL query parameters (``to_query`` / ``from_query``) so a view can be
bookmarked and shared; only values that differ from the defaults appear in the URL.  Unknown or invalid URL
values are dropped with a Chinese warning (a shared link must never crash the page).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import pandas as pd

from compliance.status import PROBLEM_STATUSES, STATUS_STYLE, Status
from layers.sitetable import CONTEXT_GROUPS, SITE_GROUPS

ALL_LAYERS: tuple[str, ...] = SITE_GROUPS + CONTEXT_GROUPS
CONTROL_LEVELS: tuple[str, ...] = ("国控", "省控", "市控", "区控")
WATER_BODIES: dict[str, str] = {"river": "河流", "lake": "湖库（湖泊）", "reservoir": "水库"}
PROBLEM_CODES: tuple[str, ...] = tuple(
    s.value for s in sorted(PROBLEM_STATUSES, key=lambda s: STATUS_STYLE[s].order)
)
PERIOD_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|Q([1-4]))?$")
_LIST_FIELDS = ("layers", "kinds", "statuses", "townships", "levels", "water_bodies")


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what the map shows; hashable (a cache key)."""

    layers: tuple[str, ...] = ALL_LAYERS
    kinds: tuple[str, ...] = ()  # empty: every kind
    statuses: tuple[str, ...] = ()  # empty: every status
    townships: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    water_bodies: tuple[str, ...] = ()
    problems_only: bool = False
    query: str = ""
    period: str = ""  # "" latest; "2026-10" month, "2026Q3" quarter, "2026" year
    compare: str = ""  # second period for 对比
    basemap: str = ""  # "" default
    site: str = ""  # selected site (detail panel)
    rollup: bool = False  # township choropleth

    def to_query(self) -> dict[str, str]:
        """Query parameters of the non-default fields (lists comma-joined, booleans as 1)."""
        default = ViewState()
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            if isinstance(value, tuple):
                out[f.name] = ",".join(value) if value else "-"
            elif isinstance(value, bool):
                out[f.name] = "1" if value else "0"
            else:
                out[f.name] = str(value)
        return out

    def with_(self, **changes: object) -> ViewState:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _split(raw: str) -> tuple[str, ...]:
    if raw.strip() == "-":
        return ()
    return tuple(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))


def _first(value: str | Sequence[str]) -> str:
    if isinstance(value, str):
        return value
    return value[0] if value else ""


def valid_period(text: str) -> bool:
    """True for '', 'YYYY', 'YYYY-MM' and 'YYYYQn'."""
    return text == "" or PERIOD_RE.match(text) is not None


def from_query(
    params: Mapping[str, str | Sequence[str]],
    *,
    kinds: Sequence[str] = (),
    townships: Sequence[str] = (),
    basemaps: Sequence[str] = (),
) -> tuple[ViewState, list[str]]:
    """Parse URL parameters into a ViewState, dropping what is not allowed; returns (state, warnings)."""
    allowed: dict[str, Sequence[str]] = {
        "layers": ALL_LAYERS,
        "kinds": kinds,
        "statuses": [s.value for s in Status],
        "townships": townships,
        "levels": CONTROL_LEVELS,
        "water_bodies": tuple(WATER_BODIES),
    }
    values: dict[str, object] = {}
    warnings: list[str] = []
    for name in _LIST_FIELDS:
        if name not in params:
            continue
        items = _split(_first(params[name]))
        ok = tuple(i for i in items if i in allowed[name] or not allowed[name])
        bad = [i for i in items if i not in ok]
        if bad:
            warnings.append(f"链接中的参数 {name} 含无效值：{'、'.join(bad)}，已忽略")
        values[name] = ok
    for name in ("problems_only", "rollup"):
        if name in params:
            values[name] = _first(params[name]) in ("1", "true", "yes")
    for name in ("query", "site"):
        if name in params:
            values[name] = _first(params[name])[:100]
    for name in ("period", "compare"):
        if name in params:
            text = _first(params[name]).strip()
            if valid_period(text):
                values[name] = text
            else:
                warnings.append(f"链接中的时段“{text}”无效（应为 2026、2026Q3 或 2026-10），已改为最新")
    if "basemap" in params:
        text = _first(params["basemap"])
        if text in basemaps:
            values["basemap"] = text
        else:
            warnings.append(f"链接中的底图“{text}”未知，已改为默认底图")
    return ViewState(**values), warnings  # type: ignore[arg-type]


def search_mask(table: pd.DataFrame, query: str) -> pd.Series:
    """Rows whose name or site_id contains ``query`` (case-insensitive, plain text, not a pattern)."""
    q = query.strip().lower()
    if not q:
        return pd.Series(True, index=table.index)
    names = table["name"].astype(str).str.lower().str.contains(q, regex=False)
    ids = table["site_id"].astype(str).str.lower().str.contains(q, regex=False)
    return names | ids


def filter_table(table: pd.DataFrame, view: ViewState) -> pd.DataFrame:
    """The rows of a site table (``layers.sitetable``) that the view shows.

    All filters combine with AND; an empty list means “all”.  ``problems_only`` keeps 超标, 预警, 数据过期,
    无数据, 逾期 and 滞后 (the statuses flagged ``problem`` in ``compliance.status``).  Control level and water
    body filters apply to the sites that have these attributes (sections, sources, air stations): other kinds
    are dropped while such a filter is set.
    """
    mask = table["group"].isin(view.layers)
    if view.kinds:
        mask &= table["kind"].isin(view.kinds)
    if view.statuses:
        mask &= table["status"].isin(view.statuses)
    if view.problems_only:
        mask &= table["status"].isin(PROBLEM_CODES)
    if view.townships:
        mask &= table["township"].isin(view.townships)
    if view.levels:
        mask &= table["control_level"].isin(view.levels)
    if view.water_bodies:
        mask &= table["water_body"].isin(view.water_bodies)
    if view.query:
        mask &= search_mask(table, view.query)
    return table[mask]


def bounds_of(rows: pd.DataFrame, pad: float = 0.01) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """((south, west), (north, east)) around ``rows`` (lat/lon), padded; None when empty."""
    if rows.empty:
        return None
    return (
        (float(rows["lat"].min()) - pad, float(rows["lon"].min()) - pad),
        (float(rows["lat"].max()) + pad, float(rows["lon"].max()) + pad),
    )
