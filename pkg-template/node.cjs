// Node.js (and Bun): the one instance of the module, for `require` and, through node.mjs, `import`.
// It requires the ES module glue that every entry shares (require(esm): Node 20.19+, 22.12+).
'use strict';
const wasm = require('./gpdb_edge_web.mjs');
const glue = require('./glue.mjs');

// Installed, this file sits beside the .wasm: reading it takes 0.4 ms. A bundled server carries
// modules, not files (bundlers rename this file, rewrite or drop `__filename` and copy no .wasm):
// there the bytes come from a module, whose brotli decode costs about 4 ms more (README,
// Performance). The name check keeps a bundle from reading another .wasm that happens to be
// beside it.
function wasmBytes() {
  try {
    if (/[\\/]node\.cjs$/.test(__filename)) return require('fs').readFileSync(`${__dirname}/gpdb_edge_bg.wasm`);
  } catch {
    // No __filename, no `require('fs')` (esbuild's ESM output) or no file: the embedded bytes.
  }
  return require('./gpdb_edge_bg_wasm.cjs');
}

// The nonces' random bytes, from /dev/urandom: Node loads its crypto module on the first
// crypto.getRandomValues (randomFillSync loads as much), a quarter of a cold start; the kernel's
// CSPRNG costs three system calls (README, Performance). Without it (Windows) or when it fails:
// crypto.getRandomValues, from then on.
let fromDevUrandom = true;
function fillRandom(bytes) {
  if (fromDevUrandom) {
    let fs;
    let fd;
    try {
      // process.getBuiltinModule (Node 20.16+, Bun) first: in esbuild's ESM output `require` throws.
      fs = process.getBuiltinModule?.('fs') ?? require('fs');
      fd = fs.openSync('/dev/urandom', 'r');
      if (fs.readSync(fd, bytes) === bytes.length) return;
    } catch {
      fromDevUrandom = false;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  globalThis.crypto.getRandomValues(bytes);
}

wasm.setFillRandom(fillRandom);
wasm.initSync({ module: wasmBytes() });
wasm.install(glue);

module.exports = {
  cancelUploadDocumentJob: wasm.cancelUploadDocumentJob,
  getUploadDocumentJob: wasm.getUploadDocumentJob,
  waitForUploadDocumentJob: (options) => glue.waitForUploadDocumentJob(wasm.getUploadDocumentJob, options),
  signCancelUploadDocumentJob: wasm.signCancelUploadDocumentJob,
  signGetUploadDocumentJob: wasm.signGetUploadDocumentJob,
  callApi: wasm.callApi,
  signApiRequest: wasm.signApiRequest,
  assumeRole: (options) => glue.assumeRole(wasm.assumeRoleOnce, options, wasm.checkAssumeRole),
  GpdbError: glue.GpdbError,
  isGpdbError: glue.isGpdbError,
  ready: () => Promise.resolve(),
};
