"""Errors of the planning package (Chinese messages: they reach users unchanged)."""

from __future__ import annotations


class PlanningError(ValueError):
    """Base class of every error planning raises on purpose."""


class NoCJKFontError(PlanningError):
    """No Chinese (CJK) font is installed, so a PDF with Chinese text cannot be produced."""

    def __init__(self) -> None:
        super().__init__(
            "未找到中文字体（Noto Sans CJK SC），无法生成含中文的 PDF 路线单；"
            "请由管理员安装 Debian 软件包 fonts-noto-cjk 后重试（Excel 路线单不受影响）"
        )


class RoutingServiceError(PlanningError):
    """The configured road-network service (OSRM) is refused, unreachable or answers nonsense."""
