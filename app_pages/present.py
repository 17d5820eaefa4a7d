"""汇报模式: full-screen map, large type, KPI strip against the plan's 2025 targets, no controls."""

from __future__ import annotations

from ui.present import run_presentation

run_presentation()
