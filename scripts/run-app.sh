#!/usr/bin/env bash
# Builds and opens the Switchboard desktop app.
#
#   scripts/run-app.sh [--xvfb] [APP ARGS...]
#
# Installs what is missing (scripts/setup.sh --app), builds the front end and
# the desktop binary (target/debug/switchboard-desktop), then runs it. The
# workspace is switchboard.db in the data folder ($XDG_DATA_HOME/switchboard,
# ~/.local/share/switchboard by default); on an empty workspace the app offers
# the demo. SWITCHBOARD_DATABASE_URL=sqlite:///path/x.db or postgres://... picks
# another one.
#
# Needs a display (DISPLAY or WAYLAND_DISPLAY). On a machine without one,
# --xvfb runs it on a virtual screen (nothing to see; proves it starts) and
# saves a screenshot to target/run-app.png after it has painted.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SB_ROOT"

XVFB=0
if [ "${1:-}" = "--xvfb" ]; then XVFB=1; shift; fi
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0; fi

if [ "$XVFB" = 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    cat >&2 <<'MSG'
error: no display: neither DISPLAY nor WAYLAND_DISPLAY is set, so the app's window
cannot open here. Run this from a desktop session (or ssh -X), or use
    ./scripts/run-app.sh --xvfb
to start it on a virtual screen (Xvfb) and save a screenshot to target/run-app.png.
MSG
    exit 2
fi

section "setup"
if [ "$XVFB" = 1 ]; then
    "$SB_ROOT/scripts/setup.sh"        # brings xvfb too
else
    "$SB_ROOT/scripts/setup.sh" --app
fi

section "front end: npm run build"
(cd ui && npm run build)

section "desktop app: cargo build -p switchboard-desktop --features custom-protocol"
cargo build -p switchboard-desktop --features custom-protocol
sb_sections_done

APP="$SB_ROOT/target/debug/switchboard-desktop"
if [ -n "${SWITCHBOARD_DATABASE_URL:-}" ]; then
    echo "workspace: SWITCHBOARD_DATABASE_URL (from the environment)"
else
    echo "workspace: ${XDG_DATA_HOME:-$HOME/.local/share}/switchboard/switchboard.db"
fi

if [ "$XVFB" = 0 ]; then
    echo "starting $APP"
    exec "$APP" "$@"
fi

echo "starting $APP on a virtual screen (Xvfb); Ctrl-C stops it"
export NO_AT_BRIDGE=1
exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash -c '
    app="$1"; shift
    "$app" "$@" &
    pid=$!
    trap "kill \$pid 2>/dev/null" INT TERM
    # Let it paint, then save what the screen shows.
    sleep 5
    if kill -0 "$pid" 2>/dev/null && command -v import >/dev/null 2>&1; then
        import -window root target/run-app.png && echo "screenshot: target/run-app.png"
    fi
    wait "$pid"
' run-app "$APP" "$@"
