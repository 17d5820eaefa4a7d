"""The briefing PDF parsed back: title, townships, KPI values from the data, atlas pages, fonts, PNG render."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image
from pypdf import PdfReader

from briefing import SUMMARY_PAGES, Briefing
from briefing.fonts import rc_params
from briefing.render import summary_page
from compliance import air
from compliance.sites import assess_all
from compliance.status import STATUS_STYLE, Status
from geo.dataset import DATA_DIR, Dataset
from geo.io import read_geojson
from tests.briefing.conftest import pdftoppm

AS_OF = dt.date(2026, 10, 31)


_TEXTS: dict[Path, list[str]] = {}


def page_texts(path: Path) -> list[str]:
    """Text of every page (parsed once per file: pypdf is slow on CJK fonts)."""
    if path not in _TEXTS:
        _TEXTS[path] = [p.extract_text() for p in PdfReader(path).pages]
    return _TEXTS[path]


def township_names() -> list[str]:
    return [str(n) for n in read_geojson(DATA_DIR / "boundaries" / "townships.geojson")["name"]]


def district_air(ds: Dataset, first: dt.date, last: dt.date) -> air.AnnualStats:
    """District statistics (mean of the stations per day), derived here from the raw measurements."""
    ids = set(ds.sites.loc[ds.sites["kind"] == "air_station", "site_id"])
    m = ds.measurements
    m = m[m["site_id"].isin(ids) & m["param"].isin(air.DAILY_CODES)
          & (m["time"] >= pd.Timestamp(first)) & (m["time"] <= pd.Timestamp(last))]
    daily = m.groupby([m["time"].dt.normalize(), "param"])["value"].mean().reset_index()
    return air.annual_stats(daily)


def test_pdf_has_title_period_and_all_township_names(briefing: Briefing, atlas_pdf: Path) -> None:
    texts = page_texts(atlas_pdf)
    first = texts[0]
    assert "柴桑区生态环境简报" in first
    assert "2026年10月" in first
    everything = "\n".join(texts)
    names = township_names()
    assert len(names) == 11
    for name in names:
        assert name in first, f"{name} missing from the summary map"
        assert name in everything


def test_summary_kpis_are_the_values_computed_from_the_data(dataset: Dataset, atlas_pdf: Path) -> None:
    first = page_texts(atlas_pdf)[0].replace("\n", " ")
    year = district_air(dataset, dt.date(2025, 1, 1), dt.date(2025, 12, 31))  # last complete year
    assert "PM2.5 浓度（2025年）" in first
    assert f"{year.means['PM2_5']:.1f} µg/m³" in first
    assert f"{year.good_ratio:.1f}%" in first
    ytd = district_air(dataset, dt.date(2026, 1, 1), AS_OF)
    assert f"2026年1–10月：{ytd.means['PM2_5']:.1f} µg/m³" in first
    assert f"2026年1–10月：{ytd.good_ratio:.1f}%" in first
    statuses = assess_all(dataset.sites, dataset.measurements, dataset.progress,
                          dataset.tasks[pd.to_datetime(dataset.tasks["opened"]) <= pd.Timestamp(AS_OF)], as_of=AS_OF)
    n_exceed = sum(1 for sid in dataset.sites["site_id"] if statuses[sid].status == Status.EXCEED)
    n_overdue = sum(1 for tid in dataset.tasks["task_id"] if tid in statuses and statuses[tid].status == Status.OVERDUE)
    assert f"超标点位 {n_exceed} 个" in first
    assert f"逾期整改任务 {n_overdue} 项" in first
    assert "目标 ≤ 31.7" in first and "目标 ≥ 92.5%" in first
    met = year.means["PM2_5"] <= 31.7
    assert ("已达到目标" if met else "未达到目标") in first.split("PM2.5 浓度")[1][:80]


def test_plan_page_lists_the_25_indicators_and_8_projects(atlas_pdf: Path) -> None:
    plan = page_texts(atlas_pdf)[1]
    for name in ("细颗粒物（PM2.5）浓度", "森林覆盖率", "城市生活垃圾处理率", "集中式饮用水水源达标率"):
        assert name in plan
    for project in ("赤湖污水处理厂提标改造", "机动车黑烟车抓拍系统", "环境执法能力建设"):
        assert project in plan
    assert "1,030,021" in plan  # total investment of the 重大项目表 (plan digest: 1 030 021 万元)


def test_atlas_has_one_page_per_township_after_the_summary(briefing: Briefing, atlas_pdf: Path) -> None:
    texts = page_texts(atlas_pdf)
    names = township_names()
    assert len(texts) == SUMMARY_PAGES + len(names)
    for name, text in zip(names, texts[SUMMARY_PAGES:], strict=True):
        assert f"{name}  ·  分乡镇图册" in text or f"{name} · 分乡镇图册" in text.replace("  ", " ")


def test_atlas_page_lists_the_township_problems(briefing: Briefing, atlas_pdf: Path) -> None:
    texts = page_texts(atlas_pdf)
    probs = briefing.problems
    town = str(probs.iloc[0]["乡镇"])
    page = texts[SUMMARY_PAGES + briefing.township_names.index(town)]
    for name in probs.loc[probs["乡镇"] == town, "名称"]:
        assert str(name)[:8] in page


def test_fonts_are_embedded_and_chinese_text_extractable(atlas_pdf: Path) -> None:
    reader = PdfReader(atlas_pdf)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        for desc in font.get("/DescendantFonts", []):
            fd = desc.get_object()["/FontDescriptor"].get_object()
            embedded.append(any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert embedded and all(embedded)
    assert "示例数据（非真实监测）" in page_texts(atlas_pdf)[0]


def test_map_notes_crs_scale_north_and_labels(atlas_pdf: Path) -> None:
    first = page_texts(atlas_pdf)[0]
    assert "CGCS2000 / EPSG:4490" in first
    assert "公里" in first and "北" in first
    assert "（示意）" in first and "示例数据" in first
    assert "数据来源" in first


def _legend_box_px(briefing: Briefing, width_px: int, height_px: int) -> tuple[int, int, int, int]:
    """Pixel box of the map legend on page 1, from the figure the PDF was drawn from."""
    import matplotlib

    with matplotlib.rc_context(rc_params()):
        fig = summary_page(briefing)
        fig.canvas.draw()
        legend = fig.axes[0].get_legend()
        bb = legend.get_window_extent().transformed(fig.transFigure.inverted())
    x0, x1 = int(bb.x0 * width_px), int(bb.x1 * width_px)
    y0, y1 = int((1 - bb.y1) * height_px), int((1 - bb.y0) * height_px)
    return x0, y0, x1, y1


def _has_colour(pixels: np.ndarray, hex_colour: str, tol: int = 40) -> bool:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return bool((np.abs(pixels[..., :3].astype(int) - rgb).sum(axis=-1) < tol).any())


def test_page_rendered_with_pdftoppm_is_not_blank_and_has_its_legend(briefing: Briefing, atlas_pdf: Path,
                                                                      tmp_path: Path) -> None:
    exe = pdftoppm()
    subprocess.run([exe, "-f", "1", "-l", "1", "-r", "60", "-png", str(atlas_pdf), str(tmp_path / "p")], check=True,
                   capture_output=True, timeout=60)
    png = next(tmp_path.glob("p*.png"))
    img = np.asarray(Image.open(png).convert("RGB"))
    assert (img.mean(axis=-1) < 245).mean() > 0.05, "page is (almost) blank"
    x0, y0, x1, y1 = _legend_box_px(briefing, img.shape[1], img.shape[0])
    box = img[y0:y1, x0:x1]
    assert box.size and box.shape[0] > 40, "legend missing or tiny"
    present = {str(s) for s in briefing.features["status"]}
    for code in present:
        assert _has_colour(box, STATUS_STYLE[Status(code)].color), f"legend lacks {code}"
    absent = [s for s in STATUS_STYLE if s.value not in present and s != Status.INFO]
    assert absent, "test needs a status that is not on the map"
    assert not _has_colour(box, "#0000ff", tol=10)  # sanity: a colour nobody uses is not "found"
