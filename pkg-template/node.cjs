// Node.js (and Bun): the one instance of the module, for `require` and, through node.mjs, `import`.
'use strict';
const wasm = require('./gpdb_edge_node.cjs');
const glue = require('./glue.cjs');

wasm.install(glue);

module.exports = {
  cancelUploadDocumentJob: wasm.cancelUploadDocumentJob,
  signCancelUploadDocumentJob: wasm.signCancelUploadDocumentJob,
  GpdbError: glue.GpdbError,
  ready: () => Promise.resolve(),
};
