#!/usr/bin/env bash
# Installs what the web build and the browser tests need, idempotently (fast when all is there):
#   the wasm32 target, wasm-bindgen-cli at the exact version in Cargo.lock,
#   npm packages (playwright-core, binaryen for wasm-opt), and Debian's Chromium (when root).
# Usage: scripts/setup.sh [wasm|browser|fuzz|all]   (default: all; fuzz is not part of all)
#   fuzz: cargo-fuzz at a pinned version, for scripts/fuzz.sh (the runs of docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

say() { echo "setup: $*" >&2; }

setup_wasm() {
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        say "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
    local want
    want="$(scripts/wasm-bindgen-version.sh)"
    local have=""
    if command -v wasm-bindgen >/dev/null 2>&1; then
        have="$(wasm-bindgen --version | awk '{print $2}')"
    fi
    if [ "$have" != "$want" ]; then
        say "installing wasm-bindgen-cli $want (was: ${have:-none}); this takes a few minutes once"
        cargo install wasm-bindgen-cli --version "$want" --force
    fi
    setup_npm
}

setup_npm() {
    # package-lock.json pins the versions; skip npm when node_modules already matches it.
    if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
        || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        say "installing npm packages (playwright-core, binaryen)"
        npm ci --no-audit --no-fund --loglevel=error
    fi
}

setup_browser() {
    setup_npm
    if [ -x /usr/bin/chromium ]; then return; fi
    if [ "$(id -u)" = 0 ]; then
        say "installing Debian's chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium >/dev/null
    else
        say "Chromium is missing: run 'sudo apt-get install chromium' (or set CHROMIUM=/path/to/chrome)"
        [ -n "${CHROMIUM:-}" ] || exit 1
    fi
}

# cargo-fuzz drives libFuzzer; scripts/fuzz.sh runs it on the one (stable) toolchain with
# RUSTC_BOOTSTRAP=1, since its sanitizer flags are nightly-only and no nightly can be fetched.
CARGO_FUZZ_VERSION=0.13.2
setup_fuzz() {
    local have=""
    if command -v cargo-fuzz >/dev/null 2>&1; then
        have="$(cargo-fuzz --version | awk '{print $2}')"
    fi
    if [ "$have" != "$CARGO_FUZZ_VERSION" ]; then
        say "installing cargo-fuzz $CARGO_FUZZ_VERSION (was: ${have:-none}); this takes a few minutes once"
        cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
    fi
}

case "$what" in
    wasm) setup_wasm ;;
    browser) setup_browser ;;
    fuzz) setup_fuzz ;;
    all) setup_wasm; setup_browser ;;
    *) echo "usage: $0 [wasm|browser|fuzz|all]" >&2; exit 2 ;;
esac
