"""The one status model and palette shared by every layer, legend, report and test.

Colours are defined here and nowhere else.  Water-class and AQI colours live here too:
- water classes follow the 蓝/绿/黄/橙/红 convention of 环办〔2011〕22号 (the 办法 names colours but gives no RGB,
  so the hex values are this app's choice);
- AQI colours are the official RGB of HJ 633 Appendix A.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """Status of any map feature.  Values are stable codes used in GeoJSON, URLs and the store."""

    GOOD = "good"
    WARN = "warn"
    EXCEED = "exceed"
    NODATA = "nodata"
    STALE = "stale"
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    DONE = "done"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    CLOSED = "closed"
    INFO = "info"


@dataclass(frozen=True)
class StatusStyle:
    """Display label and colour of a status; ``problem`` marks what the 只看问题 filter keeps."""

    label: str
    color: str
    problem: bool
    order: int


STATUS_STYLE: dict[Status, StatusStyle] = {
    Status.EXCEED: StatusStyle("超标", "#d7263d", True, 0),
    Status.WARN: StatusStyle("预警", "#f0a30a", True, 1),
    Status.GOOD: StatusStyle("达标", "#2e9e44", False, 2),
    Status.STALE: StatusStyle("数据过期", "#8d8d8d", True, 3),
    Status.NODATA: StatusStyle("无数据", "#c4c4c4", True, 4),
    Status.OVERDUE: StatusStyle("逾期", "#a4133c", True, 5),
    Status.IN_PROGRESS: StatusStyle("整改中", "#3f7fd6", False, 6),
    Status.CLOSED: StatusStyle("已销号", "#6c8a9b", False, 7),
    Status.DELAYED: StatusStyle("滞后", "#e8590c", True, 8),
    Status.ON_TRACK: StatusStyle("按期推进", "#1c7ed6", False, 9),
    Status.NOT_STARTED: StatusStyle("未开工", "#adb5bd", False, 10),
    Status.DONE: StatusStyle("已完工", "#2b8a3e", False, 11),
    Status.INFO: StatusStyle("仅位置（不评价）", "#6f5fbf", False, 12),
}

PROBLEM_STATUSES: frozenset[Status] = frozenset(s for s, st in STATUS_STYLE.items() if st.problem)


def status_label(status: Status | str) -> str:
    """Chinese label of a status."""
    return STATUS_STYLE[Status(status)].label


def status_color(status: Status | str) -> str:
    """Hex colour of a status."""
    return STATUS_STYLE[Status(status)].color


# Water quality classes 1..5 and 6 = 劣Ⅴ.  (label, 水质状况, colour word, hex)
WATER_CLASS_STYLE: dict[int, tuple[str, str, str, str]] = {
    1: ("Ⅰ类", "优", "蓝色", "#1565c0"),
    2: ("Ⅱ类", "优", "蓝色", "#42a5f5"),
    3: ("Ⅲ类", "良好", "绿色", "#2e9e44"),
    4: ("Ⅳ类", "轻度污染", "黄色", "#f2d022"),
    5: ("Ⅴ类", "中度污染", "橙色", "#f08c1a"),
    6: ("劣Ⅴ类", "重度污染", "红色", "#d62828"),
}

ROMAN = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ", 5: "Ⅴ", 6: "劣Ⅴ"}


def water_class_label(cls: int | None) -> str:
    """'Ⅲ类', '劣Ⅴ类', or '无法评价' when no class-setting item exists."""
    return WATER_CLASS_STYLE[cls][0] if cls else "无法评价"


def water_class_color(cls: int | None) -> str:
    """Hex colour of a water class (grey when none)."""
    return WATER_CLASS_STYLE[cls][3] if cls else STATUS_STYLE[Status.NODATA].color


# HJ 633 Appendix A (identical in 2012 and 2026): level -> (级别, 类别, 颜色, hex)
AQI_LEVEL_STYLE: dict[int, tuple[str, str, str, str]] = {
    1: ("一级", "优", "绿色", "#00E400"),
    2: ("二级", "良", "黄色", "#FFFF00"),
    3: ("三级", "轻度污染", "橙色", "#FF7E00"),
    4: ("四级", "中度污染", "红色", "#FF0000"),
    5: ("五级", "重度污染", "紫色", "#99004C"),
    6: ("六级", "严重污染", "褐红色", "#7E0023"),
}


@dataclass(frozen=True)
class Basis:
    """The structured reason behind a status: what was compared with what, under which rule."""

    param: str | None
    value: float | None
    unit: str | None
    limit: float | str | None
    standard: str
    rule: str = ""
    target: str | None = None
    raw: str | None = None
    multiple: float | None = None


@dataclass(frozen=True)
class SiteStatus:
    """Status of one map feature, with its one-line Chinese explanation and structured basis."""

    status: Status
    explanation: str
    basis: tuple[Basis, ...] = ()
    detail: dict[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Chinese label of the status."""
        return status_label(self.status)

    @property
    def color(self) -> str:
        """Hex colour of the status."""
        return status_color(self.status)


# Neutral colours of printed maps and tables (briefing): base map, outlines, text, table rules.
PRINT_STYLE: dict[str, str] = {
    "neighbour_fill": "#f0f0ec",
    "neighbour_edge": "#b8b8b8",
    "neighbour_text": "#9a9a9a",
    "district_fill": "#ffffff",
    "district_edge": "#2f2f2f",
    "township_edge": "#8a8a8a",
    "focus_fill": "#fff6dc",
    "focus_edge": "#b5651d",
    "text": "#1f1f1f",
    "muted": "#666666",
    "rule": "#d0d0d0",
    "header_fill": "#eef2f6",
    "title": "#0b3d6b",
    "sample": "#d7263d",
    "white": "#ffffff",
    "black": "#000000",
}
