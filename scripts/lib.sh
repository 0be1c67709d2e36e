# Shared helpers for the scripts in this folder. Source it; do not run it.
# shellcheck shell=bash

SB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SB_ROOT

# Toolchains installed per user (rustup) are not always on a non-login PATH.
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) [ -d "$HOME/.cargo/bin" ] && PATH="$HOME/.cargo/bin:$PATH" ;; esac
export PATH

sb_now() { date +%s.%N; }
sb_elapsed() { awk -v a="$1" -v b="$(sb_now)" 'BEGIN { printf "%.1f", b - a }'; }

# section "title": prints a header; the previous section's time is printed when
# the next one starts or when sb_sections_done runs.
SB_SECTION=""
SB_SECTION_START=""
SB_SUMMARY=""
section() {
    sb_section_end
    SB_SECTION="$1"
    SB_SECTION_START="$(sb_now)"
    printf '\n==> %s\n' "$SB_SECTION"
}
sb_section_end() {
    if [ -n "$SB_SECTION" ]; then
        local t
        t="$(sb_elapsed "$SB_SECTION_START")"
        printf '<== %s: %ss\n' "$SB_SECTION" "$t"
        SB_SUMMARY+="$(printf '  %7ss  %s' "$t" "$SB_SECTION")"$'\n'
        SB_SECTION=""
    fi
}
sb_sections_done() {
    sb_section_end
    if [ -n "$SB_SUMMARY" ]; then
        printf '\nTimings:\n%s' "$SB_SUMMARY"
    fi
}

sb_die() { printf 'error: %s\n' "$*" >&2; exit 1; }
sb_note() { printf '%s\n' "$*" >&2; }
