#!/usr/bin/env bash
# Builds the npm package in dist/: compile once, wasm-bindgen once (web target), wasm-opt once,
# then assemble dist/ from pkg-template/ and pack it. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

out=target/pkg
rm -rf "$out" dist target/gpdb-edge-*.tgz
mkdir -p "$out/web" dist

# 1. Compile once. Panic locations name source files: strip the build machine's directories
# (the crate sources, the registry cache and the toolchain's library path) so the module holds
# none of them, and is smaller. sha2's compact SHA-256 (a loop, not 64 unrolled rounds) keeps the
# module 2 KB gzip smaller (README, Performance). LLVM's inlining
# threshold at "z" is 5; at 15 it inlines the small helpers that "z" calls from a single place or
# two, and the module is 0.8 KB gzip smaller (at 10 0.4 KB, at 20 and 25 0.5; 12 to 15 build the
# same module).
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
remap="--remap-path-prefix=$PWD/= --remap-path-prefix=$cargo_home/registry/src/="
for index in "$cargo_home"/registry/src/*/; do remap="$remap --remap-path-prefix=$index="; done
rustc_commit="$(rustc -vV | sed -n 's/^commit-hash: //p')"
[ -n "$rustc_commit" ] && remap="$remap --remap-path-prefix=/rustc/$rustc_commit/library/="
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$remap --cfg sha2_backend_soft=\"compact\" -Cllvm-args=-inline-threshold=15" cargo build --release --target wasm32-unknown-unknown --quiet
# 2. wasm-bindgen once, web target: every entry instantiates through its init or initSync.
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$out/web" target/wasm32-unknown-unknown/release/gpdb_edge.wasm
# 3. wasm-opt once, on wasm-bindgen's output, so that its shims are optimised too (0.6 KB gzip
# less than before it). The module ships twice in the tarball (the .wasm and the embedded copy),
# so each byte counts against its 140 KB ceiling (gzip -9 by Node's zlib): --flatten --rereloop and a second
# -Oz 350 B, --low-memory-unused 160 B (Rust places no data below 1 KiB: its stack starts at 1 MiB),
# --converge 150 B, --strip-target-features (the section that lists the features the code uses,
# which no runtime reads) 100 B. npm's binaryen: Debian's binaryen 108 produces modules that fail
# to instantiate.
node_modules/.bin/wasm-opt --low-memory-unused -Oz --flatten --rereloop -Oz --converge --strip-target-features "$out/web/gpdb_edge_bg.wasm" -o "$out/web/gpdb_edge_bg.wasm"
# Every entry passes init its wasm; the glue's own default, `new URL('gpdb_edge_bg.wasm',
# import.meta.url)`, only made Turbopack add a second copy of the wasm to each edge function.
node -e '
  const fs = require("fs"), file = process.argv[1], text = fs.readFileSync(file, "utf8");
  const url = "new URL(\x27gpdb_edge_bg.wasm\x27, import.meta.url)";
  if (text.split(url).length !== 2) throw new Error(`build: wasm-bindgen glue without exactly one ${url}`);
  fs.writeFileSync(file, text.replace(url, "(() => { throw new Error(\x27gpdb-edge: each entry passes init its wasm\x27); })()"));
' "$out/web/gpdb_edge.js"

# 4. Assemble dist/.
cp -R pkg-template/. dist/
cp "$out/web/gpdb_edge_bg.wasm" dist/gpdb_edge_bg.wasm
# The wasm-bindgen glue, one copy for every entry (node.cjs requires it: require(esm), Node 20.19+
# and 22.12+). Its one WebCrypto call goes through a hook that the Node entries point at
# /dev/urandom (README, Performance), so that no `fs` code runs in the browser's and the Workers'
# glue. Then without its comments and whitespace (names kept): a third of its size.
node -e '
  const fs = require("fs"), file = process.argv[1], text = fs.readFileSync(file, "utf8");
  const call = "globalThis.crypto.getRandomValues(";
  if (text.split(call).length !== 2) throw new Error(`build: wasm-bindgen glue without exactly one ${call}`);
  fs.writeFileSync(file, `${text.replace(call, "fillRandom(")}
// Where the nonces\x27 random bytes come from: WebCrypto, unless node.cjs sets /dev/urandom.
let fillRandom = (bytes) => globalThis.crypto.getRandomValues(bytes);
export function setFillRandom(fill) { fillRandom = fill; }
`);
' "$out/web/gpdb_edge.js"
# The imports that catch a JS exception are written `function() { return handleError(function
# (arg0, arg1) {...}, arguments); }`: arity 0 for a wasm signature of 2. V8 11 (Node 20) compiles
# each import signature's wrapper with the module, for JS functions of matching arity, and a second
# one at instantiation for the others: the outer function declares the parameters, and
# instantiation takes 1.0 ms less (README, Performance). Newer V8 has one generic wrapper. (The
# outer names differ from the inner ones, which esbuild would otherwise rename.)
node -e '
  const fs = require("fs"), file = process.argv[1], text = fs.readFileSync(file, "utf8");
  const wrapper = /function\(\) \{ return handleError\(function \(([\w, ]+)\)/g;
  if (!wrapper.test(text)) throw new Error("build: wasm-bindgen glue without its handleError imports");
  fs.writeFileSync(file, text.replace(wrapper, (_, params) => `function(${params.replace(/\w+/g, "_$&")}) { return handleError(function (${params})`));
' "$out/web/gpdb_edge.js"
minify=(node_modules/.bin/esbuild --minify-whitespace --minify-syntax --format=esm --log-level=warning)
"${minify[@]}" "$out/web/gpdb_edge.js" --outfile="$out/web/gpdb_edge_web.mjs"
# The Node entry's wasm, as a module: bundlers of Node servers (webpack, Turbopack, esbuild, Rollup)
# carry modules into their output but not a file read at run time (README, "Platforms").
node scripts/embed-wasm.mjs dist/gpdb_edge_bg.wasm dist/gpdb_edge_bg_wasm.mjs
# The package's JS as one module that every entry imports, gpdb_edge.mjs: our glue, the Node
# entries' one instance, then wasm-bindgen's glue, one after the other (none imports anything).
# Node's ES module loader pays for each module: with one module instead of three, a Node `import`
# reached its first signed request 1.2 to 2.2 ms sooner in-process, with 3.5 ms less CPU (README,
# Performance, the fifth round). Our glue, the CLI and the entries ship as written, comments
# included: minified (names kept) they packed 1.8, 0.6 and 1.6 KB less, which the 140 KB ceiling
# no longer needs; the code a user steps into from their stack trace stays readable.
node -e '
  const fs = require("fs"), [file, ...parts] = process.argv.slice(1);
  const texts = parts.map((part) => {
    const text = fs.readFileSync(part, "utf8");
    if (/^\s*import[\s{*]/m.test(text)) throw new Error(`build: ${part} imports a module; gpdb_edge.mjs is parts put one after the other`);
    return `// ---- ${part.replace(/^target\/pkg\/web\//, "wasm-bindgen: ")}\n${text.trimEnd()}\n`;
  });
  fs.writeFileSync(file, [
    "// The package\x27s JS, one module that every entry imports (scripts/build.sh puts these parts one",
    "// after the other: one module for Node to load, not three).",
    ...texts,
  ].join("\n"));
' dist/gpdb_edge.mjs src/runtime/glue.mjs pkg-template/node-instance.mjs "$out/web/gpdb_edge_web.mjs"
rm dist/node-instance.mjs
# A name declared by two parts is a syntax error here, not in a user's process.
node --check dist/gpdb_edge.mjs
# One copy of the declarations, in index.d.cts (CommonJS, for `require`); index.d.ts (an ES module
# in this "type": "module" package) re-exports it: TypeScript lets ESM re-export CommonJS
# declarations, not the reverse. Two full copies packed 7 KB more. Deno reads `./index.cjs`
# literally (no .d.cts for it), so the `deno` branch of exports names index.d.cts itself.
mv dist/index.d.ts dist/index.d.cts
printf '%s\n' '// The declarations are in index.d.cts, one copy for both module formats.' 'export * from "./index.cjs";' > dist/index.d.ts
(cd dist && npm pack --silent --pack-destination ../target >/dev/null)

tarball=$(ls target/gpdb-edge-*.tgz)
wasm=dist/gpdb_edge_bg.wasm
printf 'build: %s %s bytes (gzip %s, brotli %s); %s %s bytes\n' "$wasm" "$(stat -c %s $wasm)" \
  "$(gzip -9c $wasm | wc -c)" "$(node -e "process.stdout.write(String(require('zlib').brotliCompressSync(require('fs').readFileSync('$wasm')).length))")" \
  "$tarball" "$(stat -c %s "$tarball")"
