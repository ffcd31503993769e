#!/usr/bin/env bash
# Installs what the build and the tests need and is missing; does nothing that is already done.
# Everything a new Debian 12 machine (root, Rust via rustup, Node 20) lacks is installed here.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Rust's wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen CLI, the same version as the crate (pinned with "=" in Cargo.toml).
want=$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*$/\1/p' Cargo.toml)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (about 5 minutes)"
  # No --locked: its lockfile pins a crate version the registry here does not have.
  cargo install wasm-bindgen-cli --version "$want"
fi

# cargo-fuzz, for the fuzz smoke test and `make fuzz` (stable Rust: run with --sanitizer none).
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (about 1 minute)"
  cargo install cargo-fuzz
fi

# Debian's Chromium and ChromeDriver, for the browser tests.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "installing chromium and chromium-driver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The JS tooling (binaryen's wasm-opt, the official signer for cross-checks, Miniflare, ...),
# reinstalled only when package-lock.json changed.
stamp=node_modules/.gpdb-edge-setup
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "installing the JS tooling (npm ci)"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > "$stamp"
fi
