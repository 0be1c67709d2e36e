#!/usr/bin/env bash
# Every test of Switchboard, as CI runs them (.ci/run calls this):
#   setup -> throwaway PostgreSQL -> Rust suites (SQLite + PostgreSQL) -> UI unit
#   tests -> UI build -> desktop binary -> end-to-end test of the real app
#   under Xvfb and a private D-Bus session.
# Exits non-zero on the first failure; stops everything it started.
#
#   SB_SKIP_SETUP=1   do not run scripts/setup.sh (you know all is installed)
#   SB_SKIP_E2E=1     stop after building the desktop binary (refused under CI)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/pg-throwaway.sh
source "$SB_ROOT/scripts/pg-throwaway.sh"
cd "$SB_ROOT"

SB_CI_GIVEN="${CI:-}"
# Under CI the PostgreSQL half of the store suites must run, never skip.
export CI=true

TEST_START="$(sb_now)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/sb-test.XXXXXX")"
E2E_PID=""
E2E_PGID=""
# Every runner's output is also kept here, to add up the passed/failed tests.
RUNNER_LOG="$TMP/runners.log"
: >"$RUNNER_LOG"
logged() { "$@" 2>&1 | tee -a "$RUNNER_LOG"; }

# Sums the counts that cargo test, vitest and node --test printed.
count_tests() {
    sed 's/\x1b\[[0-9;]*m//g' "$RUNNER_LOG" | awk '
        /^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
        /^ *Tests +[0-9]/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
        /^# pass [0-9]+$/ { p += $3 }
        /^# fail [0-9]+$/ { f += $3 }
        END { printf "%d passed, %d failed\n", p, f }'
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$E2E_PID" ]; then
        kill -TERM -- "-$E2E_PID" 2>/dev/null || true
        kill -TERM "$E2E_PID" 2>/dev/null || true
        wait "$E2E_PID" 2>/dev/null || true
    fi
    if [ -n "$E2E_PGID" ]; then
        # Anything left of the end-to-end run's process group, and of tauri-driver's
        # (the test starts it in a group of its own, with WebKitWebDriver and the app).
        kill -KILL -- "-$E2E_PGID" 2>/dev/null || true
        if [ -s "$TMP/tauri-driver.pid" ]; then
            kill -KILL -- "-$(cat "$TMP/tauri-driver.pid")" 2>/dev/null || true
        fi
    fi
    pg_throwaway_stop
    local failed_in="$SB_SECTION" counts
    counts="$(count_tests 2>/dev/null || true)"
    rm -rf "$TMP"
    sb_sections_done
    if [ "$rc" -eq 0 ]; then
        printf '\ntest.sh: everything passed in %ss\n' "$(sb_elapsed "$TEST_START")"
        printf 'total: %s\n' "$counts"
    else
        printf '\ntest.sh: FAILED (exit %s) in "%s" after %ss\n' "$rc" "${failed_in:-?}" "$(sb_elapsed "$TEST_START")" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${SB_SKIP_SETUP:-0}" != 1 ]; then
    section "setup (scripts/setup.sh)"
    "$SB_ROOT/scripts/setup.sh"
fi

section "throwaway PostgreSQL"
pg_throwaway_start

section "Rust suites: cargo test (SQLite + PostgreSQL)"
bindings_before="$(git status --porcelain -- ui/src/lib/bindings 2>/dev/null || true)"
# The vault's tests use the real OS keychain: a kernel session keyring
# (keyctl) and a private D-Bus session with an unlocked GNOME Keyring serving
# the Secret Service, whose keyring files live in a fresh folder (never the
# user's own keyrings). SWITCHBOARD_TEST_KEYCHAIN tells them it is there.
mkdir -p "$TMP/keyring-home"
logged env XDG_DATA_HOME="$TMP/keyring-home" keyctl session - dbus-run-session -- bash -c '
    printf "test" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
    kr=$!
    for _ in $(seq 1 100); do
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true" && break
        sleep 0.1
    done
    SWITCHBOARD_TEST_KEYCHAIN=1 cargo test --locked --workspace --exclude switchboard-desktop --no-fail-fast
    rc=$?
    kill "$kr" 2>/dev/null || true
    exit "$rc"
'
bindings_after="$(git status --porcelain -- ui/src/lib/bindings 2>/dev/null || true)"
if [ "$bindings_before" != "$bindings_after" ]; then
    git status --short -- ui/src/lib/bindings
    if [ -n "$SB_CI_GIVEN" ]; then
        sb_die "cargo test regenerated ui/src/lib/bindings: commit the regenerated TypeScript bindings"
    fi
    sb_note "note: cargo test regenerated ui/src/lib/bindings (commit them)"
fi

section "UI unit tests: npm test"
(cd ui && logged npm test)

section "UI build: npm run build"
(cd ui && npm run build)

section "desktop binary: cargo build -p switchboard-desktop --features custom-protocol (and the CLI the end-to-end test prepares workspaces with)"
cargo build --locked -p switchboard-desktop -p switchboard-cli --features switchboard-desktop/custom-protocol
[ -x target/debug/switchboard-desktop ] || sb_die "target/debug/switchboard-desktop was not built"
[ -x target/debug/switchboard ] || sb_die "target/debug/switchboard was not built"

if [ "${SB_SKIP_E2E:-0}" = 1 ]; then
    [ -z "$SB_CI_GIVEN" ] || sb_die "SB_SKIP_E2E=1 is not allowed under CI"
    sb_note "SB_SKIP_E2E=1: skipping the end-to-end test"
    exit 0
fi

section "end-to-end: the desktop app under Xvfb (tests/e2e)"
rm -rf tests/e2e/artifacts
E2E_HOME="$TMP/e2e-home"
mkdir -p "$E2E_HOME/data" "$E2E_HOME/config" "$E2E_HOME/cache" "$E2E_HOME/runtime"
chmod 700 "$E2E_HOME/runtime"
# Its own process group (setsid), so cleanup can end tauri-driver, WebKit, the
# app, Xvfb and the D-Bus session together. The Secret Service keyring is
# unlocked for code that uses the OS keychain; the kernel keyring too (keyctl).
env -u SWITCHBOARD_DATABASE_URL \
    NO_AT_BRIDGE=1 \
    XDG_DATA_HOME="$E2E_HOME/data" XDG_CONFIG_HOME="$E2E_HOME/config" \
    XDG_CACHE_HOME="$E2E_HOME/cache" XDG_RUNTIME_DIR="$E2E_HOME/runtime" \
    RUNNER_LOG="$RUNNER_LOG" SB_E2E_DRIVER_PIDFILE="$TMP/tauri-driver.pid" \
    setsid xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
    keyctl session - \
    dbus-run-session -- \
    bash -c '
        kr=""
        if command -v gnome-keyring-daemon >/dev/null 2>&1; then
            printf "e2e" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
            kr=$!
        fi
        cd tests/e2e && npm test 2>&1 | tee -a "$RUNNER_LOG"
        rc=${PIPESTATUS[0]}
        [ -z "$kr" ] || kill "$kr" 2>/dev/null || true
        exit "$rc"
    ' &
E2E_PID=$!
E2E_PGID=$E2E_PID
e2e_rc=0
wait "$E2E_PID" || e2e_rc=$?
E2E_PID=""
if [ -d tests/e2e/artifacts ]; then
    echo "artifacts (screenshots, tauri-driver log): tests/e2e/artifacts/"
    ls tests/e2e/artifacts
fi
[ "$e2e_rc" -eq 0 ] || exit "$e2e_rc"
