r"""Titles and names are drawn as typed: ``$\foo$`` in a task title crashed the 一键简报 page and the route PDF.

``python -m briefing`` failed the same way (matplotlib read the title as mathtext).  Each output is rendered with
hostile text and parsed back with pdftotext (poppler-utils).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import build_briefing, png_bytes, render_pdf
from geo.dataset import Dataset
from planning.export import Stop, find_cjk_font, route_pdf
from store import open_store
from tests.briefing.conftest import PERIOD
from tests.conftest import ROOT, require_or_skip

HOSTILE = [r"$\foo$", r"$x^2$", r"a\nb", "$5 与 $6"]


def pdftotext(path: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        require_or_skip("CHAISANG_REQUIRE_BROWSER", "pdftotext (Debian poppler-utils) is not installed")
    assert exe is not None
    return subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


def hostile_tasks(ds: Dataset) -> Dataset:
    tasks = ds.tasks.copy()
    tasks["title"] = [HOSTILE[i % len(HOSTILE)] for i in range(len(tasks))]
    return dataclasses.replace(ds, tasks=tasks)


def test_briefing_pdf_draws_hostile_task_titles_literally(dataset: Dataset, tmp_path: Path) -> None:
    b = build_briefing(hostile_tasks(dataset), PERIOD)
    out = tmp_path / "hostile.pdf"
    assert render_pdf(b, out, atlas=True) > 2
    text = pdftotext(out)
    for title in HOSTILE:
        assert title in text, f"{title!r} missing from the briefing PDF"


def test_briefing_preview_png_renders_hostile_titles(dataset: Dataset) -> None:
    b = build_briefing(hostile_tasks(dataset), PERIOD)
    assert png_bytes(b, page=1, paper="A4").startswith(b"\x89PNG")  # the page's preview image


def test_route_pdf_draws_hostile_names_literally(tmp_path: Path) -> None:
    if find_cjk_font() is None:
        pytest.skip("no CJK font installed")
    stops = [Stop(seq=i + 1, day=1, site_id=f"S-{i}", name=name, lon=115.9, lat=29.6, township=name)
             for i, name in enumerate(HOSTILE)]
    out = tmp_path / "route.pdf"
    out.write_bytes(route_pdf(stops, title=r"路线单 $\alpha$", subtitle="$x^2$ 编制", qr_text="路线"))
    text = pdftotext(out)
    for name in [*HOSTILE, r"路线单 $\alpha$", "$x^2$ 编制"]:
        assert name in text, f"{name!r} missing from the route PDF"


def test_command_line_briefing_with_hostile_titles_in_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "CHAISANG_DATABASE_URL"}
    env |= {"CHAISANG_DATA_DIR": str(data), "CHAISANG_ADMIN_USER": "admin", "CHAISANG_BCRYPT_ROUNDS": "4",
            "CHAISANG_ADMIN_PASSWORD": "测试管理员-Secret-9183", "PYTHONPATH": str(ROOT)}
    for k in ("CHAISANG_ADMIN_USER", "CHAISANG_ADMIN_PASSWORD", "CHAISANG_BCRYPT_ROUNDS"):
        monkeypatch.setenv(k, env[k])
    store = open_store(data_dir=data)
    try:
        admin = store.authenticate("admin", "测试管理员-Secret-9183")
        for i, title in enumerate(HOSTILE):
            store.create_task(admin, f"T-HOSTILE-{i}", {"title": title, "origin": "complaint", "township": "沙河街道",
                                                         "opened": "2026-10-05", "due": "2026-10-20",
                                                         "lon": 115.93, "lat": 29.61})
    finally:
        store.close()
    out = tmp_path / "简报.pdf"
    run = subprocess.run([sys.executable, "-m", "briefing", "--out", str(out), "--period", PERIOD], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    text = pdftotext(out)
    for title in HOSTILE:
        assert title in text, f"{title!r} missing from the command line's PDF"
