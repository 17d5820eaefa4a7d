"""Fast site layers: compact columnar payload, canvas circle markers, tooltip and popup built in the browser.

Why: one GeoJSON feature per site with inline popup HTML costs ~1 KB a site (10 MB at 10 000 sites) and one
``folium.Marker`` per site needs ~30 s to draw 10 000 of them.  Here each map group (图层分组) is a
``folium.FeatureGroup`` holding one ``CompactSites`` element whose payload is a few arrays:

- positions quantised to 1e-5° (≈1 m) as integers, longitudes delta-encoded after sorting (problems last, so
  they are drawn on top), latitudes as offsets from the group's minimum;
- a status index per site into a small status table (code, label, colour from ``compliance.status``);
- ``site_id`` and name per site (raw UTF-8, not escaped); the explanation only while the whole map stays
  under ``EXPLAIN_MAX_SITES`` sites (then the popup shows it; beyond, the detail panel does).

The browser turns the arrays into ``L.circleMarker`` layers on the map's shared canvas renderer; each carries
``layer.feature.properties`` (``site_id, name, kind, group, status, status_label, explanation, sample``) so
streamlit-folium's click handler returns them as ``last_active_drawing``.  Tooltips and popups are bound
lazily on the first hover / click (no per-site DOM or closures up front).  Lines and polygons (few) travel as
GeoJSON geometries with an index into the same arrays.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Sequence
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry import mapping

from compliance.status import STATUS_STYLE, Status
from layers.sitetable import SITE_GROUPS
from layers.style import POINT_RADIUS

QUANT = 100_000  # 1e-5 degree ≈ 1.1 m
EXPLAIN_MAX_SITES = 3_000
PACK_MIN_SITES = 2_000  # from here on: gzip+base64 payload, unstroked circles
GEOM_DECIMALS = 5
DETAIL_HINT = "详细监测值、趋势图和整改任务见地图下方“点位详情”"


def _json(obj: Any) -> str:
    """Compact JSON for a <script>: raw UTF-8 (a third of the escaped bytes), '</' and U+2028/9 escaped."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def status_table() -> list[list[str]]:
    """[code, label, colour] of every status, palette order (index = position)."""
    ordered = sorted(STATUS_STYLE, key=lambda s: STATUS_STYLE[s].order)
    return [[s.value, STATUS_STYLE[s].label, STATUS_STYLE[s].color] for s in ordered]


_STATUS_INDEX = {row[0]: i for i, row in enumerate(status_table())}


def _round_coords(geom: Any) -> Any:
    """GeoJSON geometry dict with coordinates rounded to ``GEOM_DECIMALS``."""

    def rnd(c: Any) -> Any:
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(float(v), GEOM_DECIMALS) for v in c[:2]]
        return [rnd(x) for x in c]

    g = mapping(geom)
    return {"type": g["type"], "coordinates": rnd(g["coordinates"])}


def group_payload(rows: pd.DataFrame, *, explain: bool) -> dict[str, Any]:
    """The compact payload of one group's rows (columns of ``layers.sitetable.COLUMNS``)."""
    order = rows["status"].map(lambda s: -STATUS_STYLE[Status(s)].order)
    rows = rows.assign(_o=order.to_numpy()).sort_values(["_o", "lon"], kind="stable")
    qx = np.round(rows["lon"].to_numpy(dtype=float) * QUANT).astype(np.int64)
    qy = np.round(rows["lat"].to_numpy(dtype=float) * QUANT).astype(np.int64)
    y0 = int(qy.min()) if len(qy) else 0
    dx = np.diff(qx, prepend=0) if len(qx) else qx
    kinds = list(dict.fromkeys(rows["kind"]))
    payload: dict[str, Any] = {
        "dx": dx.tolist(),
        "y0": y0,
        "y": (qy - y0).tolist(),
        "s": [_STATUS_INDEX[s] for s in rows["status"]],
        "id": rows["site_id"].tolist(),
        "n": rows["name"].tolist(),
        "k": kinds,
    }
    if len(kinds) > 1:
        index = {k: i for i, k in enumerate(kinds)}
        payload["ki"] = [index[k] for k in rows["kind"]]
    sample = rows["sample"].to_numpy(dtype=bool)
    payload["smp"] = 1 if sample.all() else 0 if not sample.any() else sample.astype(int).tolist()
    if explain:
        texts = list(dict.fromkeys(rows["explanation"]))
        index = {t: i for i, t in enumerate(texts)}
        payload["ex"] = texts
        payload["e"] = [index[t] for t in rows["explanation"]]
    shapes = rows["geom_type"].to_numpy() != "Point"
    if shapes.any():
        positions = np.flatnonzero(shapes)
        geoms = rows["geometry"].to_numpy()[positions]
        payload["geo"] = [[int(i), _round_coords(g)] for i, g in zip(positions, geoms, strict=True)]
    return payload


_JS_LIB = """
if (!window.ChaisangSites) { window.ChaisangSites = (function () {
  var ST = %(statuses)s, HINT = %(hint)s, Q = %(quant)s, R = %(radius)s, CHUNK = 16, CELL = 3;
  function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]; }); }
  function tip(p) { return esc(p.name) + (p.sample ? '（示例）' : '') + '：' + esc(p.status_label); }
  function popup(p) {
    var st = ST[p._si];
    return '<div class="site-popup" style="font-size:13px;line-height:1.55;min-width:200px"><b>' + esc(p.name)
      + '</b>' + (p.sample ? ' <span class="badge-sample">[示例]</span>' : '')
      + '<div class="site-status" data-status="' + esc(p.status) + '"><span style="color:' + st[2]
      + '">●</span> ' + esc(p.status_label) + '</div>'
      + (p.explanation ? '<div class="site-explanation">' + esc(p.explanation) + '</div>' : '')
      + '<div class="site-more" style="color:GrayText;font-size:12px">' + esc(HINT) + '</div></div>';
  }
  function style(si, gtype) {
    var c = ST[si][2];
    if (gtype === 'LineString' || gtype === 'MultiLineString')
      return {color: c, weight: 5, opacity: 1, fill: false};
    if (gtype === 'Polygon' || gtype === 'MultiPolygon')
      return {color: c, weight: 2, opacity: 1, fillColor: c, fillOpacity: 0.3};
    return {radius: R, color: c, weight: 1.5, opacity: 1, fillColor: c, fillOpacity: 0.85};
  }
  function props(d, i, group) {
    var si = d.s[i], sm = d.smp;
    var p = {site_id: d.id[i], name: d.n[i], kind: d.k[d.ki ? d.ki[i] : 0], group: group,
             status: ST[si][0], status_label: ST[si][1], _si: si,
             sample: sm === 1 || (Array.isArray(sm) && sm[i] === 1)};
    if (d.ex) p.explanation = d.ex[d.e[i]];
    return p;
  }
  function ready(n, group) {
    window.chaisangReady = (window.chaisangReady || 0) + n;
    if (window.performance && performance.mark) performance.mark('sites:' + group);
  }
  function bindLazy(fg) {
    fg.on('mouseover', function (e) {
      var l = e.layer; if (!l || !l.feature || !l.bindTooltip) return;
      if (!l._tooltip) { l.bindTooltip(tip(l.feature.properties), {sticky: true}); l.openTooltip(e.latlng); }
    });
    fg.on('click', function (e) {
      var l = e.layer; if (!l || !l.feature || !l.bindPopup) return;
      if (!l._popup) { l.bindPopup(popup(l.feature.properties), {maxWidth: 360}); l.openPopup(e.latlng); }
    });
  }
  // Many points: one L.Path per group on the map's own canvas renderer.  It draws all its points in one path
  // per status colour, and its _containsPoint() hit-tests them, so Leaflet's canvas picks the topmost layer
  // (sites above township polygons) and fires 'click' / 'mouseover' on it.  toGeoJSON() returns the site under
  // the pointer, so streamlit-folium reports it as last_active_drawing exactly like a Leaflet marker.
  var BATCHES = [];
  var Batch = L.Path.extend({
    initialize: function (group) {
      L.setOptions(this, {interactive: true});
      this._group = group; this._d = null; this._hit = -1; this._shown = -1;
      this._tip = L.tooltip({direction: 'top', offset: [0, -R], className: 'site-tooltip'});
      this.on('mousemove mouseover', this._onHover, this).on('mouseout', this._onOut, this)
          .on('click', this._onClick, this);
    },
    setData: function (d, idx) {
      var n = idx.length, u = new Float64Array(n), v = new Float64Array(n), lat = new Float64Array(n),
          lon = new Float64Array(n), s = new Uint8Array(n), crs = L.CRS.EPSG3857, x = 0, k = 0;
      for (var i = 0; i < d.id.length; i++) {
        x += d.dx[i];
        if (idx[k] !== i) continue;
        lon[k] = x / Q; lat[k] = (d.y0 + d.y[i]) / Q; s[k] = d.s[i];
        var p = crs.latLngToPoint(L.latLng(lat[k], lon[k]), 0); u[k] = p.x / 256; v[k] = p.y / 256; k++;
      }
      this._d = {src: d, idx: idx, n: n, u: u, v: v, lat: lat, lon: lon, s: s,
                 px: new Float64Array(n), py: new Float64Array(n)};
      if (this._map) this.redraw();
    },
    onAdd: function (map) { L.Path.prototype.onAdd.call(this, map); BATCHES.push(this); },
    onRemove: function (map) {
      map.closeTooltip(this._tip);
      BATCHES = BATCHES.filter(function (b) { return b !== this; }, this);
      L.Path.prototype.onRemove.call(this, map);
    },
    _project: function () {
      var d = this._d, map = this._map;
      if (!d || !d.n) { this._pxBounds = L.bounds([0, 0], [0, 0]); return; }
      var scale = map.options.crs.scale(map.getZoom()), o = map.getPixelOrigin(),
          x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var i = 0; i < d.n; i++) {
        var x = d.u[i] * scale - o.x, y = d.v[i] * scale - o.y; d.px[i] = x; d.py[i] = y;
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
      this._pxBounds = L.bounds([x0 - R, y0 - R], [x1 + R, y1 + R]);
    },
    _update: function () { if (this._map) this._updatePath(); },
    _empty: function () { return !this._d || !this._d.n; },
    _updatePath: function () {
      var rd = this._renderer, d = this._d;
      if (!rd._drawing || !d) return;
      var ctx = rd._ctx, b = rd._redrawBounds || rd._bounds, r = R - 1, cur = -1, k = 0,
          xa = b.min.x - r, ya = b.min.y - r, xb = b.max.x + r, yb = b.max.y + r,
          gw = Math.ceil((xb - xa) / CELL) + 1, gh = Math.ceil((yb - ya) / CELL) + 1,
          grid = new Uint8Array(gw * gh), keep = new Uint8Array(d.n);
      // dense views: a circle whose centre falls in a CELL-pixel cell already covered by a site of the same or a
      // worse status (drawn later, on top) would be invisible; skip it (sites are sorted worst last)
      for (var j = d.n - 1; j >= 0; j--) {
        var xj = d.px[j], yj = d.py[j];
        if (xj < xa || yj < ya || xj > xb || yj > yb) continue;
        var c = ((yj - ya) / CELL | 0) * gw + ((xj - xa) / CELL | 0);
        if (grid[c]) continue;
        grid[c] = 1; keep[j] = 1;
      }
      ctx.globalAlpha = 0.85;
      for (var i = 0; i < d.n; i++) {
        if (!keep[i]) continue;
        var x = d.px[i], y = d.py[i];
        if (d.s[i] !== cur || k === CHUNK) {  // short paths rasterise much faster than one huge path
          if (cur >= 0) ctx.fill();
          cur = d.s[i]; k = 0; ctx.beginPath(); ctx.fillStyle = ST[cur][2];
        }
        ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 6.283185307); k++;
      }
      if (cur >= 0) ctx.fill();
      ctx.globalAlpha = 1;
    },
    _containsPoint: function (p) {
      var d = this._d; this._hit = -1; if (!d) return false;
      var t = (R + 2) * (R + 2);
      for (var i = d.n - 1; i >= 0; i--) {
        var dx = d.px[i] - p.x, dy = d.py[i] - p.y;
        if (dx * dx + dy * dy <= t) { this._hit = i; return true; }
      }
      return false;
    },
    _props: function (i) { return props(this._d.src, this._d.idx[i], this._group); },
    _latlng: function (i) { return L.latLng(this._d.lat[i], this._d.lon[i]); },
    toGeoJSON: function () {
      var i = this._hit; if (i < 0) return null;
      return {type: 'Feature', properties: this._props(i),
              geometry: {type: 'Point', coordinates: [this._d.lon[i], this._d.lat[i]]}};
    },
    _onHover: function () {
      var i = this._hit; if (i < 0 || i === this._shown) return;
      this._shown = i;
      this._tip.setLatLng(this._latlng(i)).setContent(tip(this._props(i)));
      this._map.openTooltip(this._tip);
    },
    _onOut: function () { this._shown = -1; if (this._map) this._map.closeTooltip(this._tip); },
    _onClick: function () {
      var i = this._hit; if (i < 0) return;
      this._map.openPopup(popup(this._props(i)), this._latlng(i), {maxWidth: 360});
    }
  });
  function add(d, group, fg, batch) {
    var n = d.id.length, x = 0, shapes = {}, points = [];
    (d.geo || []).forEach(function (g) { shapes[g[0]] = g[1]; });
    for (var i = 0; i < n; i++) {
      x += d.dx[i];
      var g = shapes[i];
      if (batch && !g) { points.push(i); continue; }
      var p = props(d, i, group), layer;
      if (g) {
        layer = L.geoJSON({type: 'Feature', geometry: g, properties: p},
                          {style: function () { return style(p._si, g.type); }}).getLayers()[0];
      } else {
        layer = L.circleMarker([(d.y0 + d.y[i]) / Q, x / Q], style(p._si, 'Point'));
      }
      layer.feature = {type: 'Feature', properties: p};
      fg.addLayer(layer);
    }
    if (batch) batch.setData(d, points);
    bindLazy(fg);
    ready(n, group);
  }
  function addPacked(b64, group, fg) {
    if (typeof DecompressionStream === 'undefined') {
      window.chaisangError = '浏览器版本过低，无法解压点位数据：请使用新版 Chrome、Edge、Firefox 或 360 极速模式';
      return;
    }
    var batch = new Batch(group);  // on the map now, so streamlit-folium attaches its click handler to it
    fg.addLayer(batch);
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    new Response(stream).text().then(function (t) { add(JSON.parse(t), group, fg, batch); });
  }
  return {add: add, addPacked: addPacked, esc: esc, tip: tip, popup: popup, statuses: ST, Batch: Batch,
          batches: function () { return BATCHES; }};
})(); }
"""


def js_library() -> str:
    """The shared browser helpers (defined once per page)."""
    return _JS_LIB % {
        "statuses": _json(status_table()),
        "hint": _json(DETAIL_HINT),
        "radius": POINT_RADIUS,
        "quant": QUANT,
    }


class CompactSites(MacroElement):
    """Adds the sites of one payload to its parent ``folium.FeatureGroup`` (see the module docstring)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.library }}
        {% if this.packed %}
        window.ChaisangSites.addPacked("{{ this.payload }}", {{ this.group|tojson }}, {{ this._parent.get_name() }});
        {% else %}
        window.ChaisangSites.add({{ this.payload }}, {{ this.group|tojson }}, {{ this._parent.get_name() }});
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict[str, Any], group: str, *, packed: bool = False) -> None:
        super().__init__()
        self._name = "CompactSites"
        self.packed = packed
        text = _json(payload)
        self.payload = base64.b64encode(gzip.compress(text.encode(), 6, mtime=0)).decode() if packed else text
        self.group = group
        self.library = js_library()


def build_compact_groups(table: pd.DataFrame, *, groups: Sequence[str] = SITE_GROUPS) -> list[folium.FeatureGroup]:
    """One ``folium.FeatureGroup`` per group with rows, in ``SITE_GROUPS`` order, each named by its group."""
    explain = len(table) <= EXPLAIN_MAX_SITES
    packed = len(table) >= PACK_MIN_SITES
    out = []
    for name in groups:
        rows = table[table["group"] == name]
        if rows.empty:
            continue
        fg = folium.FeatureGroup(name=name)
        payload = group_payload(rows, explain=explain)
        if packed:
            payload["big"] = 1
        fg.add_child(CompactSites(payload, name, packed=packed))
        out.append(fg)
    return out


def payload_bytes(groups: Sequence[folium.FeatureGroup]) -> int:
    """UTF-8 bytes of the site payloads (for the benchmark and the budget test)."""
    total = 0
    for fg in groups:
        for child in fg._children.values():
            if isinstance(child, CompactSites):
                total += len(child.payload.encode())
    return total
