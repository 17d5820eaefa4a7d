#!/usr/bin/env bash
# Install the pinned front-end assets (package-lock.json) and copy them into static/vendor/.
# Idempotent: npm ci runs only when package-lock.json changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "npm not found: installing Debian's npm" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
  else
    echo "缺少 npm：请先安装 Node.js 与 npm（Debian：apt-get install npm）" >&2
    exit 1
  fi
fi

stamp=node_modules/.chaisang-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

py=.venv/bin/python
[ -x "$py" ] || py=python3
"$py" scripts/fetch_assets.py
