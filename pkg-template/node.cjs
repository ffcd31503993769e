// Node.js (and Bun) `require`: the process's one instance (nodeInstance), from the ES module of JS
// that every entry shares (require(esm): Node 20.19+, 22.12+).
'use strict';
const gpdbEdge = require('./gpdb_edge.mjs');

// Installed, this file sits beside the .wasm: reading it takes 0.4 ms. A bundled server carries
// modules, not files (bundlers rename this file, rewrite or drop `__filename` and copy no .wasm):
// there the bytes come from a module, required only then (a sync require is what bundlers
// follow), decoded about 4 ms slower (README, Performance). The name check keeps a bundle from
// reading another .wasm that happens to be beside it.
function wasmBytes() {
  try {
    if (/[\\/]node\.cjs$/.test(__filename)) return require('fs').readFileSync(`${__dirname}/gpdb_edge_bg.wasm`);
  } catch {
    // No __filename, no `require('fs')` (esbuild's ESM output) or no file: the embedded bytes.
  }
  return require('./gpdb_edge_bg_wasm.mjs').default();
}

module.exports = gpdbEdge.nodeInstance(gpdbEdge, wasmBytes, () => require('fs'));
