"""Every setting is documented in README.md, and the README's first two commands are the ones CI runs."""

from __future__ import annotations

import re

import pytest

import config
from tests.conftest import ROOT


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in config.SETTINGS if f"`{s.name}`" not in readme]
    assert not missing, f"settings missing from README.md: {missing}"


def test_readme_first_two_commands_and_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block, "README has no bash block"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands[:2] == ["bash scripts/run_app.sh", "bash scripts/run_tests.sh"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/run_tests.sh" in ci


def test_warn_fraction_is_validated(monkeypatch) -> None:
    monkeypatch.setenv("CHAISANG_WARN_FRACTION", "1.5")
    with pytest.raises(ValueError, match="CHAISANG_WARN_FRACTION"):
        config.warn_fraction()
    monkeypatch.setenv("CHAISANG_WARN_FRACTION", "0.9")
    assert config.warn_fraction() == 0.9


def test_stale_days_is_parsed_and_validated(monkeypatch) -> None:
    monkeypatch.setenv("CHAISANG_STALE_DAYS", "daily=2, monthly=40")
    assert config.stale_days() == {"daily": 2, "monthly": 40, "quarterly": 120}
    monkeypatch.setenv("CHAISANG_STALE_DAYS", "weekly=7")
    with pytest.raises(ValueError, match="weekly=7"):
        config.stale_days()


def test_partial_stale_days_merge_with_defaults_and_evaluate(monkeypatch) -> None:
    """``CHAISANG_STALE_DAYS=monthly=60`` once made every evaluation raise 未知的监测频次“quarterly”."""
    import datetime as dt

    import pandas as pd

    from compliance.status import Status
    from compliance.water import site_status

    monkeypatch.setenv("CHAISANG_STALE_DAYS", "monthly=60")
    stale = config.stale_days()
    assert stale == {"daily": 3, "monthly": 60, "quarterly": 120}
    samples = pd.DataFrame({"time": ["2026-06-15"] * 2, "param": ["NH3N", "COD"], "value": [0.3, 12.0]})
    quarterly = site_status(samples, water_body="river", target=3, freq="quarterly",
                            as_of=dt.date(2026, 7, 31), stale_after=stale)
    assert quarterly.status == Status.GOOD
    monthly = site_status(samples, water_body="river", target=3, freq="monthly",
                          as_of=dt.date(2026, 8, 31), stale_after=stale)  # 77 days > 60
    assert monthly.status == Status.STALE
