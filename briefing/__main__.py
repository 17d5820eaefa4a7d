"""Command line: ``python -m briefing --out FILE.pdf [--period YYYY-MM] [--atlas]`` (PNG when FILE ends in .png).

Reads the configured store (CHAISANG_DATABASE_URL / CHAISANG_DATA_DIR), or the default files with
``--source files``.  Errors of the input (configuration, data, store, files) are printed in Chinese and exit
with status 2; anything else is a bug and propagates with its traceback.  Log records go to the configured log
file (``config.setup_logging``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import config
from briefing.errors import BriefingError
from briefing.model import Briefing, build_briefing, build_store_briefing
from briefing.render import PAPER, page_count, render_pdf, render_png
from briefing.source import SOURCES, check_source, entries_path, inspection_plan
from compliance.errors import ComplianceError
from compliance.indicators import load_entries
from geo.dataset import read_dataset
from geo.errors import GeoError
from service import EvalSettings
from store import StoreError, open_store

#: The errors that mean "the input cannot make a briefing"; their messages are Chinese.
INPUT_ERRORS = (BriefingError, ComplianceError, StoreError, GeoError, config.ConfigError, OSError)


def parser() -> argparse.ArgumentParser:
    """The argument parser (help texts in Chinese)."""
    p = argparse.ArgumentParser(prog="python -m briefing", description="生成柴桑区生态环境简报（PDF 或 PNG）")
    p.add_argument("--out", required=True, help="输出文件：.pdf 或 .png（PNG 为单页；加 --atlas 时每页一个文件）")
    p.add_argument("--period", default=None, help="简报月份 YYYY-MM，默认为数据中最近的月份")
    p.add_argument("--atlas", action="store_true", help="附分乡镇图册（每个乡镇一页）")
    p.add_argument("--paper", default="A3", choices=sorted(PAPER), help="纸张（横向），默认 A3")
    p.add_argument("--source", default="store", choices=SOURCES,
                   help="数据来源：store＝已配置的数据库（默认），files＝内置默认数据文件")
    return p


def png_paths(out: Path, n: int) -> list[Path]:
    """``out`` for one page; ``stem-01.png`` … for several."""
    if n == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{k:02d}{out.suffix}") for k in range(1, n + 1)]


def briefing_from(source: str, period: str | None) -> Briefing:
    """The briefing of ``period`` from the store (through the service, as the app) or the default files."""
    check_source(source)
    entries, plan = load_entries(entries_path()), inspection_plan()
    if source == "files":
        return build_briefing(read_dataset(), period, entries=entries, inspection_plan=plan,
                              settings=EvalSettings.from_config())
    store = open_store()
    try:
        return build_store_briefing(store, period, entries=entries, inspection_plan=plan)
    finally:
        store.close()


def run(argv: Sequence[str] | None = None) -> int:
    """Produce the briefing; returns the exit status."""
    args = parser().parse_args(argv)
    out = Path(args.out)
    suffix = out.suffix.lower()
    try:
        config.setup_logging()
        if suffix not in (".pdf", ".png"):
            raise BriefingError(f"输出文件“{out.name}”的扩展名无效：应为 .pdf 或 .png")
        if not out.parent.exists():
            raise BriefingError(f"输出目录“{out.parent}”不存在")
        started = time.perf_counter()
        b = briefing_from(args.source, args.period)
        if suffix == ".pdf":
            n = render_pdf(b, out, atlas=args.atlas, paper=args.paper)
            written = [out]
        else:
            n = page_count(b, atlas=args.atlas)
            written = png_paths(out, n if args.atlas else 1)
            for k, path in enumerate(written, start=1):
                render_png(b, path, page=k, paper=args.paper, atlas=args.atlas)
    except INPUT_ERRORS as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    took = time.perf_counter() - started
    print(f"已生成{b.period_label}简报：{', '.join(str(p) for p in written)}（{n} 页，用时 {took:.1f} 秒）")
    return 0


if __name__ == "__main__":
    sys.exit(run())
