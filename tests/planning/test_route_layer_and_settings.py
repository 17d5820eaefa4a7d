from __future__ import annotations

import pandas as pd
import pytest

from layers.route import build_route, day_color, route_map
from planning import settings
from planning.errors import PlanningError


@pytest.fixture
def stops() -> pd.DataFrame:
    return pd.DataFrame({"seq": [1, 2, 3], "day": [1, 1, 2], "name": ["甲<script>", "乙", "丙"],
                         "lon": [115.9, 115.8, 115.7], "lat": [29.6, 29.7, 29.8], "status_label": ["超标", "", "逾期"]})


def test_route_layer_numbers_stops_and_escapes_names(stops: pd.DataFrame) -> None:
    html = route_map(stops, depot=(115.88, 29.60)).get_root().render()
    for seq in (1, 2, 3):
        assert f'data-seq=\\"{seq}\\"' in html
    assert "甲<script>" not in html and "甲&lt;script&gt;" in html  # the name is escaped
    assert day_color(1) in html and day_color(2) in html
    assert "L.tileLayer(" not in html  # vector only: works offline


def test_route_layer_polylines_run_depot_to_depot(stops: pd.DataFrame) -> None:
    group = build_route(stops, depot=(115.88, 29.60))
    import folium

    lines = [c for c in group._children.values() if isinstance(c, folium.PolyLine)]
    assert len(lines) == 2
    first = lines[0].locations
    assert first[0] == first[-1] == [29.60, 115.88]
    assert [p for p in first[1:-1]] == [[29.6, 115.9], [29.7, 115.8]]
    with pytest.raises(ValueError, match="缺少列"):
        build_route(stops.drop(columns="seq"))


def test_depot_setting_and_lonlat_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.parse_lonlat("115.9，29.6") == (115.9, 29.6)
    with pytest.raises(PlanningError, match="经度,纬度"):
        settings.parse_lonlat("abc")
    with pytest.raises(PlanningError, match="写反"):
        settings.parse_lonlat("29.6,115.9")
    monkeypatch.setenv("CHAISANG_BUREAU_LONLAT", "115.95,29.65")
    monkeypatch.setenv("CHAISANG_BUREAU_NAME", "分局")
    d = settings.depot()
    assert d.lonlat == (115.95, 29.65) and d.name == "分局"
    monkeypatch.setenv("CHAISANG_OSRM_URL", " http://10.0.0.5:5000 ")
    assert settings.osrm_url() == "http://10.0.0.5:5000"
