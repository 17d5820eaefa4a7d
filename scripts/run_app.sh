#!/usr/bin/env bash
# README command (1): set up, then run the app on the embedded default data.
# With CHAISANG_AUTH_MODE=proxy the user name comes from a request header, which anyone who can reach Streamlit
# directly could forge: Streamlit then listens on 127.0.0.1 only (behind the proxy), and a non-loopback
# --server.address / STREAMLIT_SERVER_ADDRESS is refused before anything starts.
set -euo pipefail
cd "$(dirname "$0")/.."

is_loopback() { case "$1" in 127.*|localhost|::1|"[::1]") return 0 ;; *) return 1 ;; esac; }

if [ "${CHAISANG_AUTH_MODE:-local}" = "proxy" ]; then
  address="${STREAMLIT_SERVER_ADDRESS:-}"
  next_is_address=0
  for arg in "$@"; do
    if [ "$next_is_address" = 1 ]; then address="$arg"; next_is_address=0; continue; fi
    case "$arg" in
      --server.address) next_is_address=1 ;;
      --server.address=*) address="${arg#--server.address=}" ;;
    esac
  done
  if [ -n "$address" ] && ! is_loopback "$address"; then
    echo "错误：CHAISANG_AUTH_MODE=proxy 时 Streamlit 只能监听 127.0.0.1（反向代理之后），不能监听“$address”：否则任何人都可直接访问并伪造用户名请求头。未启动。" >&2
    exit 2
  fi
  set -- "$@" --server.address "${address:-127.0.0.1}"
fi

bash scripts/setup.sh app
exec .venv/bin/streamlit run app.py "$@"
