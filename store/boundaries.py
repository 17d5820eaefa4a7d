"""Boundary layers (district, townships, …) with versions: a new load becomes active, older ones are kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape
from sqlalchemy import Connection, func, select

from store import schema as s
from store.core import Role, StoreBase, new_id, now
from store.errors import ImportValidationError, NotFoundError, RowProblem
from store.geom import ANY_SHAPE, AREAS, POINTS, family
from store.ingest import LoadedFile, load_file
from store.sites import CRS, check_geometry

# Geometry each named layer may hold; other layers take any one family (points, lines or areas), not a mix.
LAYER_GEOMETRY: dict[str, frozenset[str]] = {
    "district": AREAS,
    "townships": AREAS,
    "neighbours": AREAS,
    "township_seats": POINTS,
}


def layer_rows(name: str, features: list[Any], name_field: str, code_field: str
               ) -> tuple[list[dict[str, Any]], list[RowProblem], list[RowProblem]]:
    """Validated feature rows of layer ``name``: (rows, problems, warnings); row numbers count features from 1."""
    allowed = LAYER_GEOMETRY.get(name, ANY_SHAPE)
    problems: list[RowProblem] = []
    notes: list[RowProblem] = []
    rows = []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict):
            problems.append(RowProblem(i + 1, "feature", "不是 GeoJSON 要素（Feature）"))
            continue
        props = dict(feat.get("properties") or {})
        label = str(props.pop(name_field, "") or "").strip()
        if not label:
            problems.append(RowProblem(i + 1, name_field, "要素缺少名称"))
        try:
            geom = shape(feat.get("geometry"))
        except Exception as exc:
            problems.append(RowProblem(i + 1, "geometry", f"无法解析：{exc}"))
            continue
        where = f"边界图层“{name}”" + (f"的要素“{label}”" if label else "")
        geom = check_geometry(geom, "geometry", problems, i + 1, allowed=allowed, notes=notes, where=where)
        code = props.pop(code_field, None)
        rows.append(dict(name=label, code=None if code is None else str(code), geom=geom, attrs=props))
    problems += _mixed_families(name, rows)
    return rows, problems, notes


def _mixed_families(name: str, rows: list[dict[str, Any]]) -> list[RowProblem]:
    """A layer of free type must still be one family: the first feature of another family is named."""
    first: dict[str, int] = {}
    for i, r in enumerate(rows):
        if r["geom"] is not None:
            first.setdefault(family(r["geom"].geom_type), i + 1)
    if len(first) < 2:
        return []
    (main, _), *others = sorted(first.items(), key=lambda kv: kv[1])
    return [RowProblem(row, "geometry", f"图层“{name}”混有{main}和{fam}要素：一个图层只能是点、线或面中的一种")
            for fam, row in others]


class BoundariesMixin(StoreBase):
    """Versioned boundary layers."""

    def load_boundary_layer(self, actor: Any, name: str, source: Path | str | bytes, *,
                            file_name: str | None = None, name_field: str = "name", code_field: str = "adcode",
                            source_note: str | None = None) -> int:
        """Load a GeoJSON (EPSG:4490/WGS84 lon/lat) as the new active version of layer ``name`` (admin)."""
        f = load_file(source, file_name)
        with self._write() as conn:
            who = self._check(conn, actor, Role.ADMIN, "更新边界图层")
            return self._load_layer(conn, who, name, f, name_field, code_field, source_note)

    def _load_layer(self, conn: Connection, who: str, name: str, f: LoadedFile, name_field: str,
                    code_field: str, source_note: str | None) -> int:
        try:
            fc = json.loads(f.data.decode("utf-8-sig"))
            features = fc["features"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ImportValidationError(f.name, [RowProblem(1, "features", f"不是 GeoJSON 要素集：{exc}")]) from None
        rows, problems, notes = layer_rows(name, features if isinstance(features, list) else [], name_field,
                                           code_field)
        if not isinstance(features, list):
            problems.append(RowProblem(1, "features", "features 应为要素列表"))
        if problems:
            raise ImportValidationError(f.name, problems)
        latest = conn.execute(select(func.max(s.boundary_layers.c.layer_version))
                              .where(s.boundary_layers.c.name == name)).scalar()
        conn.execute(s.boundary_layers.update().where(s.boundary_layers.c.name == name,
                                                      s.boundary_layers.c.active.is_(True))
                     .values(active=False, version=s.boundary_layers.c.version + 1))
        layer_id = new_id(conn.execute(s.boundary_layers.insert().values(
            name=name, layer_version=(latest or 0) + 1, source=source_note, file_name=f.name, sha256=f.sha256,
            active=True, loaded_at=now(), username=who, version=1)))
        for r in rows:
            conn.execute(s.boundary_features.insert().values(layer_id=layer_id, **r))
        self._audit(conn, who, "import", "boundary_layer", f"{name} v{(latest or 0) + 1}",
                    after={"file_name": f.name, "sha256": f.sha256, "features": len(rows)},
                    detail="\n".join(n.text(f.name) for n in notes) or None)
        return layer_id

    def boundary_layer(self, name: str, *, layer_version: int | None = None) -> gpd.GeoDataFrame:
        """Features of the active (or a given) version of a layer, EPSG:4490."""
        bl, bf = s.boundary_layers, s.boundary_features
        q = select(bl.c.id).where(bl.c.name == name)
        q = q.where(bl.c.layer_version == layer_version) if layer_version is not None else q.where(
            bl.c.active.is_(True))
        with self._read() as conn:
            layer_id = conn.execute(q).scalar()
            if layer_id is None:
                raise NotFoundError("边界图层", name if layer_version is None else f"{name} v{layer_version}")
            rows = conn.execute(select(bf).where(bf.c.layer_id == layer_id).order_by(bf.c.id)).mappings().all()
        recs = [{"name": r["name"], "code": r["code"], **(r["attrs"] or {})} for r in rows]
        return gpd.GeoDataFrame(pd.DataFrame(recs), geometry=[r["geom"] for r in rows], crs=CRS)

    def boundary_versions(self, name: str | None = None) -> pd.DataFrame:
        """All loaded versions (name, layer_version, active, file, sha256, who, when)."""
        q = select(s.boundary_layers).order_by(s.boundary_layers.c.name, s.boundary_layers.c.layer_version)
        if name is not None:
            q = q.where(s.boundary_layers.c.name == name)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=[c.name for c in s.boundary_layers.c])
