"""Static map against a committed reference image; fonts; reproducibility; PNG output."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from briefing import SUMMARY_PAGES, Briefing, BriefingError, FontMissingError, render_map_png, render_pdf, render_png
from briefing import fonts as fonts_mod
from briefing.mapdraw import nice_length_km
from briefing.render import fit_text, text_width

REF = Path(__file__).parent / "ref" / "district_map.png"
RMS_TOLERANCE = 6.0
"""Root-mean-square pixel difference (0–255) allowed against the reference (anti-aliasing, library updates)."""


def rms(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a.astype(float) - b.astype(float)) ** 2)))


def map_pixels(briefing: Briefing, township: str | None = None) -> np.ndarray:
    buf = io.BytesIO()
    render_map_png(briefing, buf, township=township)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def test_static_map_matches_reference_image(briefing: Briefing) -> None:
    img = map_pixels(briefing)
    if os.environ.get("CHAISANG_UPDATE_REF") == "1":
        REF.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(img).save(REF, optimize=True)
    ref = np.asarray(Image.open(REF).convert("RGB"))
    assert img.shape == ref.shape
    assert rms(img, ref) <= RMS_TOLERANCE, "map differs from ref/district_map.png (regenerate: CHAISANG_UPDATE_REF=1)"


def test_reference_comparison_detects_a_different_map(briefing: Briefing) -> None:
    ref = np.asarray(Image.open(REF).convert("RGB"))
    other = map_pixels(briefing, township="沙河街道")
    assert rms(other, ref) > RMS_TOLERANCE


def test_rendering_is_deterministic(briefing: Briefing) -> None:
    assert np.array_equal(map_pixels(briefing), map_pixels(briefing))


def test_pdf_has_no_timestamp_so_output_is_reproducible(briefing: Briefing, tmp_path: Path) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert render_pdf(briefing, a) == SUMMARY_PAGES
    render_pdf(briefing, b)
    assert a.read_bytes() == b.read_bytes()
    reader = PdfReader(a)
    assert len(reader.pages) == SUMMARY_PAGES
    assert reader.metadata.get("/CreationDate") is None
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert width > height  # landscape
    assert abs(width / 72 * 25.4 - 420) < 1 and abs(height / 72 * 25.4 - 297) < 1  # A3


def test_a4_paper_and_bad_paper(briefing: Briefing, tmp_path: Path) -> None:
    out = tmp_path / "a4.png"
    render_png(briefing, out, page=2, paper="A4", dpi=50)
    w, h = Image.open(out).size
    assert (w, h) == (int(11.69 * 50), int(8.27 * 50))
    with pytest.raises(BriefingError, match="纸张"):
        render_png(briefing, tmp_path / "x.png", paper="B5")


def test_png_page_bounds(briefing: Briefing, tmp_path: Path) -> None:
    with pytest.raises(BriefingError, match="页码"):
        render_png(briefing, tmp_path / "x.png", page=SUMMARY_PAGES + 1)
    render_png(briefing, tmp_path / "t.png", page=SUMMARY_PAGES + 1, atlas=True, dpi=40)
    assert Image.open(tmp_path / "t.png").size[0] > 500


def test_missing_cjk_font_raises_a_clear_chinese_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fonts_mod.cjk_family.cache_clear()
    monkeypatch.setattr(fonts_mod, "PREFERRED", ("No Such CJK Font 42",))
    try:
        with pytest.raises(FontMissingError, match="未找到中文字体") as err:
            fonts_mod.cjk_family()
        assert "fonts-noto-cjk" in str(err.value)
    finally:
        monkeypatch.undo()
        fonts_mod.cjk_family.cache_clear()
    assert fonts_mod.cjk_family()


def test_cjk_font_is_found_and_renders_chinese() -> None:
    path = fonts_mod.font_path()
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    assert all(font.get_char_index(ord(c)) for c in "柴桑区沙河街道")


def test_text_fitting_and_scale_bar_lengths() -> None:
    assert text_width("柴桑") == 2.0
    cut = fit_text("柴桑区生态环境局沙河街道办事处", 50, 10)
    assert cut.endswith("…") and text_width(cut) <= 5
    assert fit_text("短", 50, 10) == "短"
    assert nice_length_km(60_000) == 10
    assert nice_length_km(12_000) == 2
