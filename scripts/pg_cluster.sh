#!/usr/bin/env bash
# Private PostgreSQL + PostGIS cluster for tests and benchmarks (no systemd, loopback only).
#   scripts/pg_cluster.sh start DIR PORT   initdb (trust) if needed, start on 127.0.0.1:PORT, socket in DIR,
#                                          create database chaisang_test with PostGIS; prints the URL last
#   scripts/pg_cluster.sh stop DIR         fast shutdown (no-op when not running)
# Idempotent.  Run as root: the cluster is owned by the `postgres` user; otherwise by the current user.
# Progress goes to stderr; stdout carries only the URL.
set -euo pipefail

die() { echo "[pg_cluster] $*" >&2; exit 1; }

pg_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$d" ] || d="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")"
  [ -x "$d/pg_ctl" ] || die "找不到 PostgreSQL（pg_ctl）。请先安装：apt-get install postgresql postgresql-postgis"
  echo "$d"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || die "用法：$0 start DIR PORT | stop DIR"
case "$cmd" in start|stop) ;; *) die "未知子命令：$cmd（可用：start、stop）" ;; esac
BIN="$(pg_bindir)"
[ "$cmd" = "start" ] && mkdir -p "$dir"
if [ -d "$dir" ]; then dir="$(cd "$dir" && pwd)"; fi
data="$dir/data"

running() { [ -f "$data/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case "$cmd" in
  start)
    port="${3:-}"
    [[ "$port" =~ ^[0-9]+$ ]] || die "端口无效：'$port'"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || die "缺少系统用户 postgres（安装 postgresql 软件包会创建它）"
      chown postgres: "$dir"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      echo "[pg_cluster] initdb $data" >&2
      as_owner "$BIN/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
    fi
    if running; then
      cur="$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)"
      [ "$cur" = "$port" ] || die "集群已在端口 $cur 运行（请求的是 $port）"
      echo "[pg_cluster] already running on $port" >&2
    else
      echo "[pg_cluster] start on 127.0.0.1:$port" >&2
      as_owner "$BIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null \
        || { tail -n 20 "$dir/server.log" >&2 || true; die "启动失败"; }
    fi
    psql=("$BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1)
    exists="$("${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'chaisang_test'")"
    [ "$exists" = "1" ] || "${psql[@]}" -d postgres -c "CREATE DATABASE chaisang_test" >/dev/null
    "${psql[@]}" -d chaisang_test -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null 2>&1 \
      || die "无法创建 PostGIS 扩展（请安装 postgresql-postgis）"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/chaisang_test"
    ;;
  stop)
    if running; then
      echo "[pg_cluster] stop $data" >&2
      as_owner "$BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    else
      echo "[pg_cluster] not running" >&2
    fi
    ;;
  *) die "未知子命令：$cmd（可用：start、stop）" ;;
esac
