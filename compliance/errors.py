"""Errors of the standards engine; messages are Chinese because they reach users unchanged."""

from __future__ import annotations


class ComplianceError(ValueError):
    """Base class: input the engine cannot evaluate without guessing."""


class UnknownParameterError(ComplianceError):
    """A parameter code that no table knows."""

    def __init__(self, code: str, known: list[str] | None = None) -> None:
        hint = f"；可用代码：{', '.join(known)}" if known else ""
        super().__init__(f"未知的监测项目代码“{code}”{hint}")
        self.code = code


class InvalidValueError(ComplianceError):
    """A value that is neither a number nor a detection-limit form, or is physically impossible."""

    def __init__(self, param: str, raw: object, reason: str) -> None:
        super().__init__(f"项目“{param}”的数值“{raw}”无效：{reason}")
        self.param = param
        self.raw = raw


class UnitMismatchError(ComplianceError):
    """A value given in a unit other than the parameter's canonical unit."""

    def __init__(self, param: str, unit: str, expected: str) -> None:
        super().__init__(f"项目“{param}”的单位“{unit}”与标准单位“{expected}”不符，请先换算")
        self.param = param
        self.unit = unit
