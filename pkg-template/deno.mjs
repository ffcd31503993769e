// Deno: the wasm is imported as a compiled module (source phase import), so loading the package
// needs no read permission.
import source module from './gpdb_edge_bg.wasm';
import {
  cancelUploadDocumentJob, getUploadDocumentJob, initSync, install, signCancelUploadDocumentJob, signGetUploadDocumentJob,
} from './gpdb_edge_web.mjs';
import * as glue from './glue.mjs';

initSync({ module });
install(glue);

export { cancelUploadDocumentJob, getUploadDocumentJob, signCancelUploadDocumentJob, signGetUploadDocumentJob };
export const waitForUploadDocumentJob = (options) => glue.waitForUploadDocumentJob(getUploadDocumentJob, options);
export { GpdbError, isGpdbError } from './glue.mjs';
export const ready = () => Promise.resolve();
