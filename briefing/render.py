"""Pages of the briefing (matplotlib, Agg) and their PDF / PNG output.

Page 1: map, KPI panel, changes since the previous month, ranked problems, next inspection plan.
Page 2: the plan's 25 indicators and 8 key projects.  With ``atlas=True`` one page per township follows.
Rendering is deterministic (fixed sizes, DPI and fonts; no timestamps in the PDF) and needs no network.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from briefing.errors import BriefingError
from briefing.fonts import bold, rc_params
from briefing.mapdraw import draw_map
from briefing.model import Briefing, short, township_features, township_problems
from compliance import indicators as ind
from compliance.sites import KIND_LABELS
from compliance.status import PRINT_STYLE, Status, status_color

PAPER: dict[str, tuple[float, float]] = {"A3": (16.54, 11.69), "A4": (11.69, 8.27)}
"""Landscape page sizes in inches."""
SUMMARY_PAGES = 2
PNG_DPI = 150
PROBLEM_ROWS = 12
MAP_RECT = (0.02, 0.065, 0.56, 0.805)


Rect = tuple[float, float, float, float]
"""Figure-fraction rectangle (left, bottom, width, height)."""


@dataclass(frozen=True)
class Col:
    """A table column: title, width (fraction of the table), alignment."""

    title: str
    width: float
    align: str = "left"


@contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(cast(Any, rc_params())):
        yield


def _scale(paper: str) -> float:
    if paper not in PAPER:
        raise BriefingError(f"纸张“{paper}”无效；可用：{'、'.join(PAPER)}")
    return 1.0 if paper == "A3" else 0.72


# ------------------------------------------------------------------------------------------- text utils
def text_width(text: str) -> float:
    """Width of ``text`` in em (CJK and full-width characters 1, others about 0.56)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.56 for c in text)


def fit_text(text: str, width_pt: float, fontsize: float) -> str:
    """``text`` cut with '…' so that it fits ``width_pt`` points at ``fontsize``."""
    limit = width_pt / fontsize
    if text_width(text) <= limit:
        return text
    out = ""
    for c in text:
        if text_width(out + c) + 1.0 > limit:
            break
        out += c
    return out + "…"


def _ax_width_pt(ax: Axes) -> float:
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    return float(ax.get_position().width * fig.get_size_inches()[0] * 72)


def _panel(fig: Figure, rect: Rect, title: str, fs: float) -> Axes:
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.text(0, 1, title, fontsize=fs * 1.25, color=PRINT_STYLE["title"], va="top", ha="left",
            **bold(PRINT_STYLE["title"]))
    return ax


def draw_table(ax: Axes, cols: Sequence[Col], rows: Sequence[Sequence[str]], *, top: float, row_h: float,
               fs: float, colors: Sequence[str | None] | None = None, color_col: int | None = None) -> float:
    """A ruled table in axes coordinates from ``top`` down; the ``color_col`` cell gets a status chip.

    Returns the y of the bottom line.
    """
    ps = PRINT_STYLE
    width_pt = _ax_width_pt(ax)
    xs = [0.0]
    for c in cols:
        xs.append(xs[-1] + c.width)
    ax.add_patch(Rectangle((0, top - row_h), 1, row_h, facecolor=ps["header_fill"], edgecolor="none"))
    for c, x in zip(cols, xs, strict=False):
        ax.text(x + 0.005, top - row_h / 2, c.title, fontsize=fs, va="center", ha="left",
                color=ps["text"])
    y = top - row_h
    for r, row in enumerate(rows):
        for k, (c, x, cell) in enumerate(zip(cols, xs, row, strict=False)):
            cell_w = c.width * width_pt - 0.012 * width_pt
            text = fit_text(str(cell), cell_w, fs)
            if color_col is not None and k == color_col and colors is not None and colors[r]:
                ax.add_patch(Rectangle((x + 0.003, y - row_h * 0.82), c.width - 0.008, row_h * 0.64,
                                       facecolor=colors[r], edgecolor="none"))
                ax.text(x + c.width / 2, y - row_h / 2, text, fontsize=fs, va="center", ha="center",
                        color=ps["white"])
                continue
            if c.align == "right":
                ax.text(x + c.width - 0.006, y - row_h / 2, text, fontsize=fs, va="center", ha="right",
                        color=ps["text"])
            else:
                ax.text(x + 0.005, y - row_h / 2, text, fontsize=fs, va="center", ha="left", color=ps["text"])
        y -= row_h
        ax.plot([0, 1], [y, y], color=ps["rule"], linewidth=0.5)
    ax.plot([0, 1], [top, top], color=ps["text"], linewidth=0.8)
    ax.plot([0, 1], [top - row_h, top - row_h], color=ps["text"], linewidth=0.5)
    return y


# ------------------------------------------------------------------------------------------------ parts
def _header(fig: Figure, b: Briefing, title: str, subtitle: str, fs: float) -> None:
    ps = PRINT_STYLE
    fig.text(0.02, 0.972, title, fontsize=fs * 2.2, color=ps["title"], va="top",
             **bold(ps["title"]))
    fig.text(0.02, 0.925, subtitle, fontsize=fs * 1.05, color=ps["muted"], va="top")
    if b.sample:
        fig.text(0.98, 0.968, "示例数据（非真实监测）", fontsize=fs * 1.2, color=ps["sample"],
                 va="top", ha="right",
                 bbox={"boxstyle": "round,pad=0.3", "fc": ps["white"], "ec": ps["sample"], "lw": 1.2})
    fig.add_artist(matplotlib.lines.Line2D([0.02, 0.98], [0.905, 0.905], color=ps["title"], linewidth=1.2))


def _footer(fig: Figure, b: Briefing, page: int, fs: float) -> None:
    ps = PRINT_STYLE
    half = (len(b.notes) + 1) // 2
    text = "；".join(b.notes[:half]) + "\n" + "；".join(b.notes[half:])
    fig.text(0.02, 0.012, text, fontsize=fs * 0.72, color=ps["muted"], va="bottom", ha="left", linespacing=1.4)
    fig.text(0.98, 0.012, f"第 {page} 页", fontsize=fs * 0.8, color=ps["muted"], va="bottom", ha="right")


def _subtitle(b: Briefing) -> str:
    return (f"{b.period_label}  ·  评价时点 {b.as_of.isoformat()}（数据截至 {b.data_end.isoformat()}）"
            "  ·  柴桑区生态环境局  ·  由“柴桑生态环境一张图”自动生成")


def kpi_panel(fig: Figure, rect: Rect, b: Briefing, fs: float) -> None:
    """KPI tiles in two columns: label, value, target, coloured status."""
    ps = PRINT_STYLE
    ax = _panel(fig, rect, "核心指标（对照“十四五”规划 2025 年目标；规划指标取最近完整年度）", fs)
    n = len(b.kpis)
    per_col = (n + 1) // 2
    tile_h = 0.86 / per_col
    for i, k in enumerate(b.kpis):
        col, row = divmod(i, per_col)
        x0, y0 = col * 0.5, 0.86 - (row + 1) * tile_h
        ax.add_patch(Rectangle((x0 + 0.005, y0 + 0.015), 0.012, tile_h - 0.03, facecolor=k.color, edgecolor="none"))
        ax.text(x0 + 0.03, y0 + tile_h * 0.82, k.label, fontsize=fs * 0.95, color=ps["text"], va="center")
        ax.text(x0 + 0.03, y0 + tile_h * 0.5, k.value_text, fontsize=fs * 1.5, color=k.color, **bold(k.color),
                va="center")
        right = 0.2 * _ax_width_pt(ax)
        ax.text(x0 + 0.29, y0 + tile_h * 0.52, fit_text(k.target_text, right, fs * 0.8),
                fontsize=fs * 0.8, color=ps["muted"], va="center")
        ax.text(x0 + 0.29, y0 + tile_h * 0.31, fit_text(k.status_text, right, fs * 0.8),
                fontsize=fs * 0.8, color=k.color, va="center")
        if k.note:
            ax.text(x0 + 0.03, y0 + tile_h * 0.16, fit_text(k.note, 0.45 * _ax_width_pt(ax), fs * 0.75),
                    fontsize=fs * 0.75, color=ps["muted"], va="center")


def changes_panel(fig: Figure, rect: Rect, b: Briefing, fs: float) -> None:
    """New exceedances, recoveries, new overdue tasks, closed tasks, new tasks since the previous month."""
    ps = PRINT_STYLE
    ax = _panel(fig, rect, f"与上期（{b.changes.previous}）相比", fs)
    width = _ax_width_pt(ax)
    items = [
        ("新增超标", b.changes.names("new_exceed"), status_color(Status.EXCEED)),
        ("恢复达标", b.changes.names("recovered"), status_color(Status.GOOD)),
        ("新增逾期", b.changes.names("new_overdue"), status_color(Status.OVERDUE)),
        ("新销号", b.changes.names("closed"), status_color(Status.CLOSED)),
        ("新交办问题", [str(t) for t in b.changes.new_tasks["title"]], status_color(Status.IN_PROGRESS)),
    ]
    step = 0.8 / len(items)
    for i, (label, names, color) in enumerate(items):
        y = 0.78 - i * step - step / 2
        ax.text(0.0, y, f"{label} {len(names)}", fontsize=fs, color=color if names else ps["muted"],
                va="center")
        text = "、".join(names) if names else "无"
        ax.text(0.2, y, fit_text(text, 0.8 * width, fs * 0.9), fontsize=fs * 0.9, color=ps["text"], va="center")


def problems_panel(fig: Figure, rect: Rect, b: Briefing, fs: float, limit: int = PROBLEM_ROWS) -> None:
    """Ranked problem list (worst first), with a pointer to the atlas when it is longer than ``limit``."""
    ax = _panel(fig, rect, f"问题清单（按严重程度排序，共 {len(b.problems)} 项）", fs)
    rows = b.problems.head(limit)
    cols = [Col("序", 0.05), Col("状态", 0.1), Col("名称", 0.28), Col("乡镇", 0.11), Col("情况", 0.46)]
    body = [[str(r["序号"]), str(r["状态"]), str(r["名称"]), str(r["乡镇"]), str(r["说明"])]
            for r in rows.to_dict("records")]
    row_h = min(0.88 / (limit + 1), 0.075)
    y = draw_table(ax, cols, body, top=0.9, row_h=row_h, fs=fs * 0.85, colors=[status_color(s) for s in rows["status"]],
                   color_col=1)
    if len(b.problems) > limit:
        ax.text(0, y - 0.03, f"另有 {len(b.problems) - limit} 项，见分乡镇图册", fontsize=fs * 0.8,
                color=PRINT_STYLE["muted"], va="top")
    if b.problems.empty:
        ax.text(0, 0.75, "本期无问题点位", fontsize=fs, color=PRINT_STYLE["muted"])


def inspection_panel(fig: Figure, rect: Rect, b: Briefing, fs: float) -> None:
    """The next inspection plan, or a line saying there is none."""
    ax = _panel(fig, rect, "下次检查计划", fs)
    plan = b.inspection_plan
    if plan is None:
        ax.text(0, 0.55, "暂无已制定的检查计划。", fontsize=fs * 0.9, color=PRINT_STYLE["muted"], va="center")
        return
    cols = [Col("序", 0.06), Col("日期", 0.16), Col("对象", 0.44), Col("乡镇", 0.14), Col("事由", 0.2)]
    body = [[str(r.get("order", i + 1)), str(r.get("date", "")), str(r.get("name", "")), str(r.get("township", "")),
             str(r.get("reason", ""))] for i, r in enumerate(plan.head(5).to_dict("records"))]
    draw_table(ax, cols, body, top=0.78, row_h=0.13, fs=fs * 0.8)
    if len(plan) > 5:
        ax.text(0, 0.0, f"共 {len(plan)} 站，仅列前 5 站", fontsize=fs * 0.75, color=PRINT_STYLE["muted"])


# ------------------------------------------------------------------------------------------------ pages
def summary_page(b: Briefing, paper: str = "A3") -> Figure:
    """Page 1: map, KPIs, changes, problems, inspection plan."""
    fs = 11 * _scale(paper)
    fig = Figure(figsize=PAPER[paper])
    _header(fig, b, f"{b.title}（{b.period_label}）", _subtitle(b), fs)
    ax = fig.add_axes(MAP_RECT)
    draw_map(ax, b)
    ax.set_title(f"全区点位状态图（{b.as_of.isoformat()}）", fontsize=fs * 1.1, loc="left", pad=4)
    kpi_panel(fig, (0.61, 0.66, 0.37, 0.225), b, fs)
    changes_panel(fig, (0.61, 0.50, 0.37, 0.145), b, fs)
    problems_panel(fig, (0.61, 0.17, 0.37, 0.31), b, fs)
    inspection_panel(fig, (0.61, 0.05, 0.37, 0.11), b, fs)
    _footer(fig, b, 1, fs)
    return fig


def plan_page(b: Briefing, paper: str = "A3") -> Figure:
    """Page 2: the 25 indicators of 表2.3 and the 8 key projects."""
    fs = 9.5 * _scale(paper)
    fig = Figure(figsize=PAPER[paper])
    _header(fig, b, f"“十四五”规划指标与重点项目（{b.period_label}）", _subtitle(b), fs * 1.15)
    ax = _panel(fig, (0.02, 0.33, 0.96, 0.56), "规划主要指标（表2.3，25 项）", fs)
    cols = [Col("序号", 0.035, "right"), Col("指标", 0.25), Col("属性", 0.045), Col("2020年", 0.055),
            Col("2025年目标", 0.1), Col("最新值", 0.075), Col("来源", 0.055), Col("时段/日期", 0.075),
            Col("今年以来", 0.11), Col("进度", 0.045, "right"), Col("状态", 0.075), Col("说明", 0.075)]
    body = []
    for r in b.indicators:
        i = r.indicator
        target = i.target_text if i.target_text != "/" else f"五年累计 {i.cumulative_text} 吨"
        prog = "—" if r.progress_pct is None else f"{r.progress_pct:.0f}%"
        body.append([str(i.no), ind.full_name(i), i.kind_label, i.base_text, target, r.value_text,
                     ind.ORIGIN_LABEL[r.origin], r.period, r.ytd_text or "—", prog, r.status_text, r.explanation])
    draw_table(ax, cols, body, top=0.955, row_h=0.955 / 26.5, fs=fs * 0.85, colors=[r.color for r in b.indicators],
               color_col=10)
    ax2 = _panel(fig, (0.02, 0.05, 0.96, 0.25), "重大项目（附件 重大项目表，8 项）", fs)
    pcols = [Col("序号", 0.035, "right"), Col("项目", 0.25), Col("地点", 0.06), Col("投资（万元）", 0.08, "right"),
             Col("年限", 0.07), Col("责任单位", 0.17), Col("进度", 0.05, "right"), Col("应完成", 0.05, "right"),
             Col("状态", 0.07), Col("说明", 0.165)]
    pbody = [[str(p["序号"]), str(p["项目"]), str(p["地点"]), _num(p["投资（万元）"]), str(p["年限"]),
              str(p["责任单位"]), _pct(p["进度%"]), _pct(p["应完成%"]), str(p["状态"]), str(p["说明"])]
             for p in b.projects.to_dict("records")]
    total = b.projects["投资（万元）"].sum() if len(b.projects) else 0
    pbody.append(["", "合计", "", _num(total), "", "", "", "", "", ""])
    draw_table(ax2, pcols, pbody, top=0.86, row_h=0.086, fs=fs * 0.85,
               colors=[status_color(s) for s in b.projects["status"]] + [None], color_col=8)
    _footer(fig, b, 2, fs * 1.15)
    return fig


def _num(v: object) -> str:
    return "—" if v is None or v != v else f"{float(v):,.0f}"  # type: ignore[arg-type]


def _pct(v: object) -> str:
    return "—" if v is None or v != v else f"{float(v):.0f}%"  # type: ignore[arg-type]


def township_page(b: Briefing, name: str, page: int, paper: str = "A3") -> Figure:
    """One township: its map zoomed in, its sites with status, its problems and open tasks."""
    fs = 11 * _scale(paper)
    fig = Figure(figsize=PAPER[paper])
    sub = "（乡镇边界为示意）" if b.approximate_townships else ""
    _header(fig, b, f"{name}  ·  分乡镇图册（{b.period_label}）", _subtitle(b) + sub, fs)
    ax = fig.add_axes(MAP_RECT)
    feats = township_features(b, name)
    sites = feats[feats["kind"] != "task"]
    numbers = {str(sid): k for k, sid in enumerate(sites["site_id"], start=1)}
    draw_map(ax, b, township=name, numbers=numbers)
    tasks = feats[feats["kind"] == "task"]
    probs = township_problems(b, name)
    n_prob = len(probs)
    ax.set_title(f"{name}点位状态图：点位 {len(sites)} 处，在办/本期整改任务 {len(tasks)} 项，问题 {n_prob} 项",
                 fontsize=fs * 1.05, loc="left", pad=4)
    panel = _panel(fig, (0.61, 0.40, 0.37, 0.49), f"点位与状态（{len(sites)} 处）", fs)
    cols = [Col("图号", 0.06, "right"), Col("名称", 0.32), Col("类型", 0.17), Col("状态", 0.17), Col("情况", 0.28)]
    limit = 16
    body = [[str(numbers[str(f["site_id"])]), str(f["name"]), KIND_LABELS.get(str(f["kind"]), str(f["kind"])),
             b.statuses[str(f["site_id"])].label, short(b.statuses[str(f["site_id"])].explanation, 80)]
            for f in sites.head(limit).to_dict("records")]
    if body:
        y = draw_table(panel, cols, body, top=0.93, row_h=min(0.9 / (limit + 1), 0.08), fs=fs * 0.8,
                       colors=[status_color(s) for s in sites.head(limit)["status"]], color_col=3)
        if len(sites) > limit:
            panel.text(0, y - 0.02, f"另有 {len(sites) - limit} 处未列出", fontsize=fs * 0.75,
                       color=PRINT_STYLE["muted"], va="top")
    else:
        panel.text(0, 0.8, "本乡镇暂无登记点位", fontsize=fs, color=PRINT_STYLE["muted"])
    tp = _panel(fig, (0.61, 0.05, 0.37, 0.33), f"问题与整改（{n_prob} 项问题）", fs)
    pcols = [Col("状态", 0.14), Col("名称", 0.36), Col("情况", 0.5)]
    rows = probs.head(10)
    pbody = [[str(r["状态"]), str(r["名称"]), str(r["说明"])] for r in rows.to_dict("records")]
    extra = tasks[~tasks["site_id"].astype(str).isin(set(probs["site_id"]))]
    for t in extra.head(max(0, 10 - len(pbody))).to_dict("records"):
        st = b.statuses[str(t["site_id"])]
        pbody.append([st.label, str(t["name"]), short(st.explanation, 80)])
    colors = [status_color(s) for s in rows["status"]] + [b.statuses[str(t)].color for t in
                                                          extra.head(max(0, 10 - len(rows)))["site_id"]]
    if pbody:
        draw_table(tp, pcols, pbody, top=0.88, row_h=min(0.85 / 11, 0.1), fs=fs * 0.8, colors=colors, color_col=0)
    else:
        tp.text(0, 0.7, "本期无问题点位、无在办整改任务", fontsize=fs, color=PRINT_STYLE["muted"])
    _footer(fig, b, page, fs)
    return fig


def map_figure(b: Briefing, *, township: str | None = None, size: tuple[float, float] = (8.0, 6.0)) -> Figure:
    """The static map alone (used for the reference-image test and the page preview)."""
    fig = Figure(figsize=size)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    draw_map(ax, b, township=township)
    return fig


def page_figure(b: Briefing, page: int, *, atlas: bool = False, paper: str = "A3") -> Figure:
    """Page ``page`` (1-based) alone."""
    total = page_count(b, atlas=atlas)
    if not 1 <= page <= total:
        raise BriefingError(f"页码“{page}”无效：应为 1–{total}")
    if page == 1:
        return summary_page(b, paper)
    if page == 2:
        return plan_page(b, paper)
    return township_page(b, b.township_names[page - SUMMARY_PAGES - 1], page, paper)


def pages(b: Briefing, *, atlas: bool = False, paper: str = "A3") -> Iterator[Figure]:
    """The briefing's pages in order (figures are created lazily, one at a time)."""
    for k in range(1, page_count(b, atlas=atlas) + 1):
        yield page_figure(b, k, atlas=atlas, paper=paper)


def page_count(b: Briefing, *, atlas: bool = False) -> int:
    """Number of pages :func:`pages` yields."""
    return SUMMARY_PAGES + (len(b.township_names) if atlas else 0)


# ------------------------------------------------------------------------------------------------ output
def render_pdf(b: Briefing, out: str | Path | BinaryIO, *, atlas: bool = False, paper: str = "A3") -> int:
    """Write the PDF (fonts embedded, text extractable, no timestamp); returns the number of pages."""
    _scale(paper)
    n = 0
    metadata = {"Title": f"{b.title}（{b.period_label}）", "Author": "柴桑区生态环境局", "Subject": b.title,
                "Creator": "柴桑生态环境一张图", "Producer": "柴桑生态环境一张图", "CreationDate": None}
    with _style(), PdfPages(out, metadata=metadata) as pdf:
        for fig in pages(b, atlas=atlas, paper=paper):
            pdf.savefig(fig)
            n += 1
    return n


def render_png(b: Briefing, out: str | Path | BinaryIO, *, page: int = 1, paper: str = "A3", dpi: int = PNG_DPI,
               atlas: bool = False) -> None:
    """Write one page (1-based) as PNG."""
    _scale(paper)
    with _style():
        page_figure(b, page, atlas=atlas, paper=paper).savefig(out, format="png", dpi=dpi,
                                                               metadata={"Software": None})


def render_map_png(b: Briefing, out: str | Path | BinaryIO, *, township: str | None = None, dpi: int = 80) -> None:
    """The static map alone as PNG (deterministic: fixed size, DPI and fonts)."""
    with _style():
        map_figure(b, township=township).savefig(out, format="png", dpi=dpi, metadata={"Software": None})


def pdf_bytes(b: Briefing, *, atlas: bool = False, paper: str = "A3") -> bytes:
    """The PDF in memory (for the download button)."""
    buf = io.BytesIO()
    render_pdf(b, buf, atlas=atlas, paper=paper)
    return buf.getvalue()


def png_bytes(b: Briefing, *, page: int = 1, paper: str = "A3", atlas: bool = False) -> bytes:
    """One page as PNG in memory."""
    buf = io.BytesIO()
    render_png(b, buf, page=page, paper=paper, atlas=atlas)
    return buf.getvalue()
