#!/usr/bin/env bash
# Idempotent set-up of a fresh machine (Debian + Python 3.11), run by both README commands.
#   scripts/setup.sh app    runtime only: Python packages for the app, offline front-end assets
#   scripts/setup.sh test   everything: dev packages, Debian chromium, PostgreSQL + PostGIS, CJK font
# Nothing is asked; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"
PY="${PYTHON:-python3}"

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "[setup] apt-get install ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Node/npm for the offline Leaflet assets; a CJK font for the PDF briefings and route sheets.
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
apt_install fonts-wqy-zenhei
if [ "$mode" = "test" ]; then
  apt_install chromium fonts-noto-cjk poppler-utils postgresql postgresql-postgis
fi

# Python virtual environment, re-synced only when the requirement files change.
[ -x .venv/bin/python ] || "$PY" -m venv .venv
req="requirements.txt"; [ "$mode" = "test" ] && req="requirements-dev.txt"
stamp=".venv/.req-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$mode"
if [ ! -f "$stamp" ]; then
  echo "[setup] pip install -r $req"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r "$req"
  touch "$stamp"
fi

# Leaflet & co. from the npm registry into static/vendor (git-ignored), served by Streamlit.
bash scripts/fetch_assets.sh
echo "[setup] ready ($mode)"
