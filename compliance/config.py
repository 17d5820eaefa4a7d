"""Settings of the standards engine that are product choices, not national rules.

Everything here is a documented, configurable choice (see shared/reference/standards.md §6 and the UNCONFIRMED
points of §2).  Callers may pass their own values to the functions that use them; these are the defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from compliance.errors import ComplianceError

#: Days after which the latest sample of a site counts as 数据过期, by monitoring frequency.
STALE_AFTER_DAYS: Final = MappingProxyType({"daily": 3, "monthly": 45, "quarterly": 120})

#: Chinese names of the monitoring frequencies (for explanations).
FREQ_LABEL: Final = MappingProxyType({"daily": "日测", "monthly": "月测", "quarterly": "季测"})

#: Default early-warning band: an item at or above this fraction of its target limit is 预警.
#: This is the bureau's own threshold (局内预警阈值), not a national standard.
WARN_FRACTION_DEFAULT: Final = 0.8

#: Items that go first among the main pollutants when they exceed Ⅲ (环办〔2011〕22号: cyanide and heavy metals
#: such as Pb and Cr).  Which metals count is an app choice.
PRIORITY_POLLUTANTS: Final = frozenset({"CN", "Hg", "Cd", "Cr6", "Pb", "As", "Cu", "Zn", "Se"})


def stale_after_days(freq: str, table: MappingProxyType[str, int] | dict[str, int] | None = None) -> int:
    """Allowed age in days of the latest sample for a monitoring frequency.

    ``table`` may name only some frequencies (a partial setting such as ``monthly=60``); the others keep
    :data:`STALE_AFTER_DAYS`.
    """
    days = {**STALE_AFTER_DAYS, **(table or {})}
    try:
        return int(days[freq])
    except KeyError:
        raise ComplianceError(
            f"未知的监测频次“{freq}”；可用：{', '.join(sorted(days))}"
        ) from None
