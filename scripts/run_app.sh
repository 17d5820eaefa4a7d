#!/usr/bin/env bash
# README command (1): set up, then run the app on the embedded default data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
exec .venv/bin/streamlit run app.py "$@"
