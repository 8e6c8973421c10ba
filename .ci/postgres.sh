#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (and the archive benchmark).
#
#   eval "$(.ci/postgres.sh start [DIR] [PORT])"   # prints `export MINUTEBOOK_TEST_PG=postgresql://...`
#   .ci/postgres.sh stop [DIR]
#
# Uses the Debian server package (installs `postgresql` with apt-get when no server binaries are
# found and we are root). The cluster lives in DIR (default /tmp/minutebook-pg), listens on
# 127.0.0.1:PORT (default 54329) and a socket in DIR, with trust authentication on loopback only:
# for tests, never for real data. Run as root, the server runs as the `postgres` user.
set -euo pipefail
cmd="${1:-}"
dir="${2:-/tmp/minutebook-pg}"
port="${3:-54329}"

bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if ! bin="$(bindir)"; then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "postgres.sh: installing the Debian postgresql package" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends postgresql >&2 \
          || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends postgresql >&2; }
        bin="$(bindir)"
      else
        echo "postgres.sh: no PostgreSQL server binaries found; install the postgresql package" >&2
        exit 1
      fi
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # throwaway data: no fsync (MINUTEBOOK_PG_DURABLE=1 keeps the defaults, e.g. for benchmarks)
    fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${MINUTEBOOK_PG_DURABLE:-0}" = 1 ] && fast=""
    as_pg "$bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $fast" \
      start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "export MINUTEBOOK_TEST_PG=postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if bin="$(bindir)" && [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac
