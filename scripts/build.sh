#!/usr/bin/env bash
# Builds the npm package in dist/: compile once, wasm-opt once, wasm-bindgen once per target,
# then assemble dist/ from pkg-template/ and pack it. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

out=target/pkg
rm -rf "$out" dist target/gpdb-edge-*.tgz
mkdir -p "$out/web" "$out/node" dist

# 1. Compile once. Panic locations name source files: strip the build machine's directories
# (the crate sources, the registry cache and the toolchain's library path) so the module holds
# none of them, and is smaller. sha2's compact SHA-256 (a loop, not 64 unrolled rounds) keeps the
# module 2 KB gzip smaller, under its 52 KB ceiling (README, Performance).
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
remap="--remap-path-prefix=$PWD/= --remap-path-prefix=$cargo_home/registry/src/="
for index in "$cargo_home"/registry/src/*/; do remap="$remap --remap-path-prefix=$index="; done
rustc_commit="$(rustc -vV | sed -n 's/^commit-hash: //p')"
[ -n "$rustc_commit" ] && remap="$remap --remap-path-prefix=/rustc/$rustc_commit/library/="
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$remap --cfg sha2_backend_soft=\"compact\"" cargo build --release --target wasm32-unknown-unknown --quiet
# 2. wasm-opt once (npm binaryen; Debian's binaryen 108 produces modules that fail to instantiate).
node_modules/.bin/wasm-opt -Oz target/wasm32-unknown-unknown/release/gpdb_edge.wasm -o "$out/gpdb_edge.wasm"
# 3. wasm-bindgen once per target; the _bg.wasm is the same for both.
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$out/web" "$out/gpdb_edge.wasm"
wasm-bindgen --target nodejs --no-typescript --remove-name-section --remove-producers-section --out-dir "$out/node" "$out/gpdb_edge.wasm"
cmp -s "$out/web/gpdb_edge_bg.wasm" "$out/node/gpdb_edge_bg.wasm" || { echo "build: the targets' wasm differ" >&2; exit 1; }

# 4. Assemble dist/.
cp -R pkg-template/. dist/
cp "$out/web/gpdb_edge_bg.wasm" dist/gpdb_edge_bg.wasm
# wasm-bindgen's JS without its comments and whitespace (names kept): a third of its size.
minify=(node_modules/.bin/esbuild --minify-whitespace --minify-syntax --log-level=warning)
"${minify[@]}" "$out/web/gpdb_edge.js" --format=esm --outfile=dist/gpdb_edge_web.mjs
mv "$out/node/gpdb_edge.js" "$out/node/gpdb_edge.cjs" # CommonJS: say so to esbuild, under our "type": "module"
"${minify[@]}" "$out/node/gpdb_edge.cjs" --format=cjs --outfile=dist/gpdb_edge_node.cjs
cp src/runtime/glue.mjs dist/glue.mjs
node_modules/.bin/esbuild src/runtime/glue.mjs --format=cjs --log-level=warning --outfile=dist/glue.cjs
cp dist/index.d.ts dist/index.d.cts
(cd dist && npm pack --silent --pack-destination ../target >/dev/null)

tarball=$(ls target/gpdb-edge-*.tgz)
wasm=dist/gpdb_edge_bg.wasm
printf 'build: %s %s bytes (gzip %s, brotli %s); %s %s bytes\n' "$wasm" "$(stat -c %s $wasm)" \
  "$(gzip -9c $wasm | wc -c)" "$(node -e "process.stdout.write(String(require('zlib').brotliCompressSync(require('fs').readFileSync('$wasm')).length))")" \
  "$tarball" "$(stat -c %s "$tarball")"
