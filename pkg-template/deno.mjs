// Deno: the wasm is imported as a compiled module (source phase import), so loading the package
// needs no read permission.
import source module from './gpdb_edge_bg.wasm';
import {
  assumeRoleOnce, callApi, cancelUploadDocumentJob, checkAssumeRole, getUploadDocumentJob, initSync, install, signApiRequest,
  signCancelUploadDocumentJob, signGetUploadDocumentJob,
} from './gpdb_edge_web.mjs';
import * as glue from './glue.mjs';

initSync({ module });
install(glue);

export { callApi, cancelUploadDocumentJob, getUploadDocumentJob, signApiRequest, signCancelUploadDocumentJob, signGetUploadDocumentJob };
export const waitForUploadDocumentJob = (options) => glue.waitForUploadDocumentJob(getUploadDocumentJob, options);
export const assumeRole = (options) => glue.assumeRole(assumeRoleOnce, options, checkAssumeRole);
export { GpdbError, isGpdbError } from './glue.mjs';
export const ready = () => Promise.resolve();
