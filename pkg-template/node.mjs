// Node.js `import`: re-exports the CommonJS entry, so that `import` and `require` in one
// process share one wasm instance, one credentials cache and one clock offset.
import node from './node.cjs';

export const {
  cancelUploadDocumentJob, getUploadDocumentJob, waitForUploadDocumentJob, signCancelUploadDocumentJob, signGetUploadDocumentJob,
  callApi, signApiRequest, assumeRole, GpdbError, isGpdbError, ready,
} = node;
