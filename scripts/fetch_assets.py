"""Copy the vendored front-end assets from node_modules/ into static/vendor/ (run by fetch_assets.sh).

The manifest lives in layers/assets.py.  Rebuilds static/vendor/ in a temporary folder and swaps it in, so a
half-finished copy is never served.  Standard library only.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layers.assets import GENERATED_FILES, NODE_MODULES, VENDOR_DIR, VENDOR_FILES  # noqa: E402


def _copy_all(target: Path) -> int:
    count = 0
    for item in VENDOR_FILES:
        src = NODE_MODULES / item.package / item.source
        if not src.exists():
            raise SystemExit(f"缺少前端资源文件：{src}（请先运行 npm ci）")
        dest = target / item.dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest)
            count += sum(1 for p in dest.rglob("*") if p.is_file())
        else:
            shutil.copy2(src, dest)
            count += 1
    for rel, make in GENERATED_FILES.items():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(make(), encoding="utf-8")
        count += 1
    return count


def main() -> int:
    tmp = VENDOR_DIR.with_name("vendor.tmp")
    old = VENDOR_DIR.with_name("vendor.old")
    for leftover in (tmp, old):
        shutil.rmtree(leftover, ignore_errors=True)
    count = _copy_all(tmp)
    if VENDOR_DIR.exists():
        VENDOR_DIR.rename(old)
    tmp.rename(VENDOR_DIR)
    shutil.rmtree(old, ignore_errors=True)
    print(f"static/vendor: {count} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
