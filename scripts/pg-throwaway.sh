#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suites: trust auth, fsync off,
# on 127.0.0.1 and a socket in its own temporary folder; removed when stopped.
#
# Sourced (what scripts/test.sh does):
#     source scripts/pg-throwaway.sh
#     pg_throwaway_start      # exports SWITCHBOARD_TEST_PG_URL
#     ...                     # tests
#     pg_throwaway_stop       # call it from your EXIT trap
#
# Run directly, it starts a cluster, prints the export line and keeps it until
# Ctrl-C:   scripts/pg-throwaway.sh   (then in another shell: export ...; cargo test)
#
# PG_THROWAWAY_PORT picks the first port to try (default 55432).

PG_THROWAWAY_DIR=""
PG_THROWAWAY_PORT_USED=""

pg_throwaway_bindir() {
    local d
    if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return 0; fi
    # The newest installed major first.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

# Runs a command as the cluster's owner: postgres when we are root (initdb
# refuses root), ourselves otherwise.
pg_throwaway_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_throwaway_port_free() {
    # Nothing answers on it (bash's /dev/tcp; a refused connect means free).
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_throwaway_start() {
    local bindir port tries=0
    bindir="$(pg_throwaway_bindir)" || {
        echo "error: PostgreSQL server binaries (initdb, pg_ctl) not found; run scripts/setup.sh" >&2
        return 1
    }
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "error: running as root but there is no 'postgres' user to own the cluster" >&2
        return 1
    fi
    PG_THROWAWAY_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sb-pg.XXXXXX")"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_THROWAWAY_DIR"
    pg_throwaway_as_owner "$bindir/initdb" -D "$PG_THROWAWAY_DIR/data" -U postgres -A trust \
        -E UTF8 --locale=C >"$PG_THROWAWAY_DIR/initdb.log" 2>&1 || {
        cat "$PG_THROWAWAY_DIR/initdb.log" >&2
        echo "error: initdb failed" >&2
        return 1
    }
    port="${PG_THROWAWAY_PORT:-55432}"
    while :; do
        tries=$((tries + 1))
        if pg_throwaway_port_free "$port" &&
            pg_throwaway_as_owner "$bindir/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -l "$PG_THROWAWAY_DIR/server.log" \
                -o "-p $port -k $PG_THROWAWAY_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
                -w -t 60 start >/dev/null; then
            break
        fi
        if [ "$tries" -ge 20 ]; then
            tail -n 20 "$PG_THROWAWAY_DIR/server.log" >&2 2>/dev/null || true
            echo "error: could not start PostgreSQL on any port from ${PG_THROWAWAY_PORT:-55432}" >&2
            return 1
        fi
        port=$((port + 1))
    done
    PG_THROWAWAY_PORT_USED="$port"
    export SWITCHBOARD_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port ($PG_THROWAWAY_DIR)"
    echo "export SWITCHBOARD_TEST_PG_URL=$SWITCHBOARD_TEST_PG_URL"
}

pg_throwaway_stop() {
    local bindir
    [ -n "$PG_THROWAWAY_DIR" ] || return 0
    if [ -f "$PG_THROWAWAY_DIR/data/postmaster.pid" ] && bindir="$(pg_throwaway_bindir)"; then
        pg_throwaway_as_owner "$bindir/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_THROWAWAY_DIR"
    PG_THROWAWAY_DIR=""
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    trap pg_throwaway_stop EXIT
    trap 'exit 130' INT TERM
    pg_throwaway_start
    echo "(Ctrl-C stops and removes it)"
    while :; do sleep 3600; done
fi
