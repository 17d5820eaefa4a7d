"""First-run seeding from data/sample/ and data/boundaries/ (one transaction, through the import paths)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from shapely.geometry import shape
from sqlalchemy import Connection

from store.core import SYSTEM_USER
from store.errors import ImportValidationError, RowProblem
from store.ingest import load_file, read_frame
from store.sites import normalise_site

if TYPE_CHECKING:
    from store.api import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
BOUNDARIES_DIR = ROOT / "data" / "boundaries"


def seed(store: Store, conn: Connection, sample_dir: Path | None, boundaries_dir: Path | None) -> dict[str, int]:
    """Load whatever of the default files exist; any bad row aborts the whole seeding."""
    counts: dict[str, int] = {}
    if sample_dir is not None and (sample_dir / "sites.geojson").exists():
        counts["sites"] = _seed_sites(store, conn, sample_dir / "sites.geojson")
        for name in ("measurements.csv.gz", "measurements.csv"):
            if (sample_dir / name).exists():
                f = load_file(sample_dir / name)
                res = store._import_measurements(conn, SYSTEM_USER, f, read_frame(f), False, None)
                counts["measurements"] = res.rows
                break
        if (sample_dir / "project_progress.csv").exists():
            f = load_file(sample_dir / "project_progress.csv")
            counts["progress_reports"] = store._import_progress(conn, SYSTEM_USER, f, read_frame(f))
        if (sample_dir / "tasks.csv").exists():
            f = load_file(sample_dir / "tasks.csv")
            counts["tasks"] = store._import_tasks(conn, SYSTEM_USER, f, read_frame(f))
    if boundaries_dir is not None and boundaries_dir.is_dir():
        for path in sorted(boundaries_dir.glob("*.geojson")):
            store._load_layer(conn, SYSTEM_USER, path.stem, load_file(path), "name", "adcode",
                              "data/boundaries/" + path.name)
            counts[f"boundary:{path.stem}"] = 1
    return counts


def _seed_sites(store: Store, conn: Connection, path: Path) -> int:
    f = load_file(path)
    try:
        features = json.loads(f.data.decode("utf-8-sig"))["features"]
    except (ValueError, KeyError) as exc:
        raise ImportValidationError(f.name, [RowProblem(1, "features", f"不是 GeoJSON 要素集：{exc}")]) from None
    problems: list[RowProblem] = []
    recs = []
    seen: set[str] = set()
    for i, feat in enumerate(features):
        try:
            geom = shape(feat["geometry"]) if feat.get("geometry") else None
        except Exception as exc:
            problems.append(RowProblem(i + 1, "geometry", f"无法解析：{exc}"))
            geom = None
        rec, p = normalise_site(feat.get("properties") or {}, geom, i + 1)
        if rec["site_id"] in seen:
            p.append(RowProblem(i + 1, "site_id", f"站点编号“{rec['site_id']}”重复"))
        seen.add(rec["site_id"])
        problems += p
        recs.append(rec)
    if problems:
        raise ImportValidationError(f.name, problems)
    for rec in recs:
        store._insert_site(conn, rec)
    store._audit(conn, SYSTEM_USER, "import", "sites", None, after={"file_name": f.name, "sha256": f.sha256,
                                                                     "rows": len(recs)})
    return len(recs)
