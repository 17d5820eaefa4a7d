"""The one path from the store to every screen, report and API: "the district as of date D".

``district_as_of(store, as_of)`` returns a :class:`District` — sites, latest values, statuses with their
explanations, tasks, projects and the problem list in one severity order — computed once per store data version,
evaluation date and evaluation settings, and shared by every caller in the process (the map, 汇报模式, 规划指标,
执法检查, 一键简报, ``python -m briefing`` and the exports).  No Streamlit here.
"""

from service.district import District, EvalSettings, annual_air, build_district, clear_cache, district_as_of, snapshot
from service.problems import rank_problems

__all__ = ["District", "EvalSettings", "annual_air", "build_district", "clear_cache", "district_as_of", "rank_problems",
           "snapshot"]
