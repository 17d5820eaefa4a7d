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
from store.ingest import LoadedFile, load_file
from store.sites import CRS, check_geometry


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
        problems: list[RowProblem] = []
        rows = []
        for i, feat in enumerate(features):
            props = dict(feat.get("properties") or {})
            label = str(props.pop(name_field, "") or "").strip()
            if not label:
                problems.append(RowProblem(i + 1, name_field, "要素缺少名称"))
            try:
                geom = shape(feat.get("geometry"))
            except Exception as exc:
                problems.append(RowProblem(i + 1, "geometry", f"无法解析：{exc}"))
                continue
            geom = check_geometry(geom, "geometry", problems, i + 1)
            code = props.pop(code_field, None)
            rows.append(dict(name=label, code=None if code is None else str(code), geom=geom, attrs=props))
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
                    after={"file_name": f.name, "sha256": f.sha256, "features": len(rows)})
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
