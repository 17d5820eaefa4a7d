"""Errors of the geo package; messages are Chinese because they reach users unchanged."""

from __future__ import annotations


class GeoError(ValueError):
    """Base class of every error raised by :mod:`geo` (spatial input the app cannot use as is)."""


class MissingCRSError(GeoError):
    """A layer without a coordinate reference system."""

    def __init__(self, layer: str = "图层") -> None:
        super().__init__(f"{layer}缺少坐标参考系（CRS），无法确定坐标含义；请提供 .prj 文件或指定坐标系")
        self.layer = layer


class CRSMismatchError(GeoError):
    """A layer in another CRS than the one an operation requires."""

    def __init__(self, expected: object, actual: object, layer: str = "图层") -> None:
        super().__init__(f"{layer}的坐标系为“{actual}”，与要求的“{expected}”不一致，请先转换")
        self.expected = expected
        self.actual = actual
        self.layer = layer


class CoordinateOutOfRangeError(GeoError):
    """A coordinate outside its valid range (e.g. a latitude above 90°)."""

    def __init__(self, field: str, value: object, valid: str) -> None:
        super().__init__(f"坐标字段“{field}”的值“{value}”超出有效范围（{valid}）")
        self.field = field
        self.value = value
        self.valid = valid


class UnknownConversionError(GeoError):
    """An offset conversion name that the module does not provide."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"未知的坐标偏移转换“{name}”；可用转换：{', '.join(known)}")
        self.name = name


class InvalidGeometryError(GeoError):
    """A geometry that is empty or cannot be repaired."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}的几何无效：{reason}")
        self.what = what
        self.reason = reason
