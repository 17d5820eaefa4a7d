#!/usr/bin/env bash
# README command (2): set up, then run the complete test suite (browser and PostGIS tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test

pgdir="$(mktemp -d /tmp/chaisang-pg.XXXXXX)"
pgport="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { bash scripts/pg_cluster.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap cleanup EXIT
export CHAISANG_TEST_PG_URL="$(bash scripts/pg_cluster.sh start "$pgdir" "$pgport" | tail -n 1)"
export CHAISANG_REQUIRE_BROWSER=1 CHAISANG_REQUIRE_POSTGIS=1

echo "[test] ruff"
.venv/bin/ruff check .
echo "[test] import-linter (.importlinter: the layers and forbidden imports of ARCHITECTURE.md)"
.venv/bin/lint-imports --no-cache
echo "[test] mypy"
.venv/bin/mypy .
echo "[test] pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
