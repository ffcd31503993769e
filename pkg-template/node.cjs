// Node.js (and Bun) `require`: node-instance.mjs's instance, given the ES module glue that every
// entry shares (require(esm): Node 20.19+, 22.12+), each required by itself: requiring a module
// that imports them took 3 ms more.
'use strict';
const { nodeInstance } = require('./node-instance.mjs');

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

module.exports = nodeInstance(require('./gpdb_edge_web.mjs'), require('./glue.mjs'), wasmBytes);
