"""Child process for the kill test: starts a large import and reports progress on stdout."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from store import open_store  # noqa: E402


def main() -> None:
    url, user, password, csv_path = sys.argv[1:5]
    store = open_store(url, initialise=False)
    actor = store.authenticate(user, password)
    first = [True]

    def progress(n: int) -> None:
        print(f"inserted {n}", flush=True)
        if first[0]:
            first[0] = False
            time.sleep(60)  # hold the import open mid-way; the parent kills us here

    store.import_measurements(actor, Path(csv_path), progress=progress)
    print("committed", flush=True)


if __name__ == "__main__":
    main()
