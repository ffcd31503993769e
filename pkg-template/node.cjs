// Node.js (and Bun): the one instance of the module, for `require` and, through node.mjs, `import`.
'use strict';
const wasm = require('./gpdb_edge_node.cjs');
const glue = require('./glue.cjs');

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
