// Node.js (and Bun): the one instance of the module, for `require` and, through node.mjs, `import`.
'use strict';
const wasm = require('./gpdb_edge_node.cjs');
const glue = require('./glue.cjs');

// The bytes come from a module, not from a file beside this one: a bundled server (webpack,
// Turbopack, esbuild, Rollup) carries modules, not files read at run time.
wasm.initSync({ module: require('./gpdb_edge_bg_wasm.cjs') });
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
