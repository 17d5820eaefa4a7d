"""Benchmark: the full briefing with the per-township atlas (2 summary pages + 11 townships) from the default data.

Times each step — reading the data (default files, or the store seeded into a temporary directory), computing the
briefing, rendering the A3 PDF with the atlas, and one PNG page — and prints one JSON object.

    .venv/bin/python bench/briefing_bench.py [--source files|store] [--repeat 3] [--period 2026-10]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing import build_briefing, cjk_family, load_dataset, page_count, render_pdf, render_png


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--source", choices=("files", "store"), default="files")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--period", default=None)
    args = p.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        kwargs = {"data_dir": Path(tmp)} if args.source == "store" else {}
        for _ in range(args.repeat):
            ds, t_load = timed(load_dataset, args.source, **kwargs)
            b, t_build = timed(build_briefing, ds, args.period)
            buf = io.BytesIO()
            pages, t_pdf = timed(render_pdf, b, buf, atlas=True)
            png = io.BytesIO()
            _, t_png = timed(render_png, b, png, page=1)
            runs.append({"load_s": t_load, "build_s": t_build, "pdf_atlas_s": t_pdf, "png_page1_s": t_png,
                         "total_s": t_load + t_build + t_pdf, "pages": pages, "pdf_bytes": len(buf.getvalue()),
                         "png_bytes": len(png.getvalue())})
    keys = ("load_s", "build_s", "pdf_atlas_s", "png_page1_s", "total_s")
    print(json.dumps({
        "benchmark": "briefing full atlas (A3 PDF)",
        "source": args.source,
        "period": b.period,
        "font": cjk_family(),
        "pages": page_count(b, atlas=True),
        "townships": len(b.township_names),
        "repeat": args.repeat,
        "median": {k: round(statistics.median(r[k] for r in runs), 2) for k in keys},
        "min": {k: round(min(r[k] for r in runs), 2) for k in keys},
        "pdf_bytes": runs[-1]["pdf_bytes"],
        "note": "first run includes the store's one-time seeding when --source store" if args.source == "store"
        else "",
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
