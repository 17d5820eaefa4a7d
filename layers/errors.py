"""Errors of the layer builders; messages are Chinese because they reach users unchanged."""

from __future__ import annotations


class LayerError(ValueError):
    """Input a layer builder cannot draw without guessing (missing column, unknown kind, no CRS …)."""


class UnknownBasemapError(LayerError):
    """A basemap name that the registry does not know."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"未知的底图“{name}”；可选：{'、'.join(known)}")
        self.name = name


class MissingKeyError(LayerError):
    """A basemap that needs an access key was chosen without one."""

    def __init__(self, name: str) -> None:
        super().__init__(f"底图“{name}”需要天地图密钥（tk），请在配置中填写后再选择")
        self.name = name
