"""Map legend: each status present with its colour and count, plus 示意边界 and 示例数据 lines.

Counts come per layer group from the site table that is drawn (``group_status_counts``), and the legend follows
the layer switcher and later filter changes.
The legend is a Leaflet control (inside the map container, also in full screen) with stable hooks for tests:
``<div id="map-legend" data-total="N">`` and one
``<div class="legend-row" data-status="exceed" data-count="3">`` per status.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from branca.element import MacroElement
from folium.template import Template

from compliance.status import STATUS_STYLE, Status
from layers._features import esc
from layers.errors import LayerError
from layers.style import township_options

LEGEND_ID = "map-legend"
POSITIONS = ("topleft", "topright", "bottomleft", "bottomright")
APPROXIMATE_TEXT = "示意边界（非法定界线）"
SAMPLE_TEXT = "示例数据（非真实监测）"


def _row(status: Status, count: int) -> str:
    style = STATUS_STYLE[status]
    swatch = (
        f'<span class="legend-swatch" style="display:inline-block;width:12px;height:12px;border-radius:50%;'
        f'background:{style.color};margin-right:6px;vertical-align:middle"></span>'
    )
    return (
        f'<div class="legend-row" data-status="{status.value}" data-count="{count}">'
        f'{swatch}<span class="legend-label">{esc(style.label)}</span> '
        f'<span class="legend-count">{count}</span></div>'
    )


def _line_row(key: str, text: str, dash: str | None, color: str) -> str:
    border = f"2px {'dashed' if dash else 'solid'} {color}"
    return (
        f'<div class="legend-row legend-{key}" data-key="{key}">'
        f'<span style="display:inline-block;width:18px;height:0;border-top:{border};margin-right:6px;'
        f'vertical-align:middle"></span>{esc(text)}</div>'
    )


def group_status_counts(table: Any) -> dict[str, dict[str, int]]:
    """{group: {status code: count}} of a site table (``layers.sitetable``), for the live legend."""
    if len(table) == 0:
        return {}
    grouped = table.groupby(["group", "status"], sort=False).size()
    out: dict[str, dict[str, int]] = {}
    for (group, status), n in grouped.items():
        out.setdefault(str(group), {})[str(status)] = int(n)
    return out


def live_legend_html(
    counts: Mapping[str, Mapping[str, int]],
    *,
    sample: bool,
    approximate_boundaries: bool = True,
    title: str = "图例",
    extra_rows: Iterable[str] = (),
) -> str:
    """Legend HTML from per-group counts: one row per status present, counts summed over the groups."""
    totals: Counter[str] = Counter()
    for per_status in counts.values():
        totals.update(per_status)
    ordered = sorted((Status(s) for s in totals), key=lambda s: STATUS_STYLE[s].order)
    rows = [_row(s, totals[s.value]) for s in ordered]
    if approximate_boundaries:
        opts = township_options(True)
        rows.append(_line_row("approximate", APPROXIMATE_TEXT, opts.get("dashArray"), opts["color"]))
    rows.extend(extra_rows)
    if sample:
        rows.append(f'<div class="legend-row legend-sample" data-key="sample">[示例] {esc(SAMPLE_TEXT)}</div>')
    return (
        f'<div id="{LEGEND_ID}" class="map-legend" data-total="{sum(totals.values())}" '
        'style="background:Canvas;color:CanvasText;padding:6px 10px;border-radius:4px;'
        'box-shadow:0 1px 4px GrayText;font-size:12px;line-height:20px;max-height:60vh;overflow:auto">'
        f"<b>{esc(title)}</b>{''.join(rows)}</div>"
    )


class LiveLegend(MacroElement):
    """Legend control whose counts follow the layer switcher (groups hidden there stop counting).

    ``window.ChaisangLegend.update(html, counts)`` replaces the rows and counts later (``LegendUpdate``): the map
    page swaps the site layers after a filter change without reloading the map, and the legend follows.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, hidden = {};
            var state = window.ChaisangLegend = {counts: {{ this.counts|tojson }}, box: null};
            var ctl = L.control({position: {{ this.position|tojson }}});
            ctl.onAdd = function () {
                var div = state.box = L.DomUtil.create("div", "leaflet-control map-legend-control");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            ctl.addTo(map);
            function recount() {
                var tot = {}, all = 0, counts = state.counts;
                Object.keys(counts).forEach(function (g) {
                    if (hidden[g]) return;
                    Object.keys(counts[g]).forEach(function (s) { tot[s] = (tot[s] || 0) + counts[g][s]; });
                });
                state.box.querySelectorAll(".legend-row[data-status]").forEach(function (r) {
                    var n = tot[r.dataset.status] || 0; all += n;
                    r.dataset.count = n; r.querySelector(".legend-count").textContent = n;
                    r.style.display = n ? "" : "none";
                });
                var box = document.getElementById("{{ this.legend_id }}");
                if (box) box.dataset.total = all;
            }
            state.update = function (html, counts) {
                state.counts = counts; hidden = {};
                state.box.innerHTML = html;
            };
            map.on("overlayremove", function (e) { if (e.name in state.counts) { hidden[e.name] = 1; recount(); } });
            map.on("overlayadd", function (e) { if (e.name in state.counts) { delete hidden[e.name]; recount(); } });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str, counts: Mapping[str, Mapping[str, int]], position: str = "bottomright") -> None:
        if position not in POSITIONS:
            raise LayerError(f"图例位置“{position}”无效；可用：{'、'.join(POSITIONS)}")
        super().__init__()
        self._name = "LiveLegend"
        self.html = html
        self.counts = {g: dict(c) for g, c in counts.items()}
        self.position = position
        self.legend_id = LEGEND_ID


class LegendUpdate(MacroElement):
    """Sets the rows and counts of the map's ``LiveLegend`` (added with the site layers it describes)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.ChaisangLegend) { window.ChaisangLegend.update({{ this.html|tojson }}, {{ this.counts|tojson }}); }
        {% endmacro %}
        """
    )

    def __init__(self, html: str, counts: Mapping[str, Mapping[str, int]]) -> None:
        super().__init__()
        self._name = "LegendUpdate"
        self.html = html
        self.counts = {g: dict(c) for g, c in counts.items()}
