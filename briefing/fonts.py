"""Finding a CJK font for matplotlib and the rcParams that make output deterministic and text extractable."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager

from briefing.errors import FontMissingError
from textsafe import LITERAL_TEXT_RC

PREFERRED: tuple[str, ...] = (
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
)
"""Font families tried in order.

TrueType-outline fonts come first (Debian fonts-wqy-zenhei; Windows 微软雅黑 / 黑体): matplotlib embeds them as
proper CID TrueType (Type 42) fonts.  Noto Sans CJK / Source Han Sans (Debian fonts-noto-cjk) have CFF outlines,
which matplotlib writes into a TrueType slot (matplotlib issue #20870): poppler and browsers show them, but strict
readers may complain.  WenQuanYi Micro Hei has empty glyphs for ℃, Ⅴ and Ⅹ, so it comes late.
"""

_FILE_HINTS = ("notosanscjk", "sourcehansans", "wqy", "msyh", "simhei")

MISSING_TEXT = (
    "未找到中文字体，无法生成简报（中文会显示为方框）。请安装 Noto Sans CJK SC 字体"
    "（Debian/Ubuntu：apt-get install fonts-noto-cjk；Windows 自带“微软雅黑”或“黑体”），然后重启应用。"
)


def _known() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


def _add_system_fonts() -> None:
    """Register CJK font files installed after matplotlib built its cache (instead of clearing the cache)."""
    have = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        name = Path(path).name.lower().replace("-", "").replace("_", "")
        if path not in have and any(h in name for h in _FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # pragma: no cover - unreadable font file
                continue


@cache
def cjk_family() -> str:
    """Name of the first installed CJK font family of :data:`PREFERRED`; raises :class:`FontMissingError`."""
    _add_system_fonts()
    known = _known()
    for name in PREFERRED:
        if name in known:
            return name
    raise FontMissingError(MISSING_TEXT)


def font_path() -> str:
    """File of the regular face of :func:`cjk_family` (for tests and diagnostics)."""
    prop = font_manager.FontProperties(family=cjk_family())
    return font_manager.findfont(prop, fallback_to_default=False)


def rc_params() -> dict[str, object]:
    r"""RcParams for briefing figures: CJK font, embedded TrueType/OpenType text, no timestamps, fixed hashes.

    Text is drawn as typed (:data:`textsafe.LITERAL_TEXT_RC`): a site name or task title such as ``$\foo$`` is
    user text, not mathtext.
    """
    return {
        "font.family": "sans-serif",
        "font.weight": regular_weight(),
        "axes.titleweight": regular_weight(),
        "axes.labelweight": regular_weight(),
        "figure.titleweight": regular_weight(),
        "font.sans-serif": [cjk_family(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.hashsalt": "chaisang",
        "path.simplify": True,
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "text.antialiased": True,
        **LITERAL_TEXT_RC,
    }


@cache
def regular_weight() -> int:
    """Lightest weight of :func:`cjk_family` (WenQuanYi Zen Hei's only face is 500, not 400)."""
    family = cjk_family()
    weights = [int(f.weight) for f in font_manager.fontManager.ttflist if f.name == family]
    return min(weights, default=400)


@cache
def has_bold() -> bool:
    """Whether :func:`cjk_family` has a bold face (WenQuanYi Micro Hei has none)."""
    family = cjk_family()
    return any(f.name == family and int(f.weight) >= 600 for f in font_manager.fontManager.ttflist)


def bold(color: str) -> dict[str, Any]:
    """Text keyword arguments for bold text: the bold face, or nothing when the family has none.

    (Faking bold with a stroke path effect would turn the text into paths and make it unextractable.)
    ``color`` is accepted for call-site symmetry.
    """
    del color
    return {"fontweight": "bold"} if has_bold() else {}
