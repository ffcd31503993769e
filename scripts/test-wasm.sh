#!/usr/bin/env bash
# Runs tests/wasm.rs, the exported JS functions, twice: in Node.js and in headless Chromium.
# tests/wasm.rs has no wasm_bindgen_test_configure!, so wasm-bindgen-test-runner picks the
# runtime from its environment: none (Node.js, the same CommonJS glue code as the package's Node
# build) or WASM_BINDGEN_USE_BROWSER (an ES module page in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Its own target dir, so it never waits on the lock of a build using target/.
export CARGO_TARGET_DIR="$PWD/target/wasm-test"

# No --quiet here: cargo would pass it on to the runner, which rejects it.
run() { cargo test --target wasm32-unknown-unknown --test wasm; }

cargo test --quiet --target wasm32-unknown-unknown --test wasm --no-run

echo "test-wasm: Node.js $(node --version)"
run

echo "test-wasm: headless Chromium"
# The runner already passes --headless and --no-sandbox (needed as root) to ChromeDriver.
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" WASM_BINDGEN_USE_BROWSER=1 run
