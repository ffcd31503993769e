// Cloudflare Workers: workerd forbids compiling wasm from bytes at run time, so the module is
// imported (compiled at deploy time) and instantiated synchronously.
import module from './gpdb_edge_bg.wasm';
// Named imports, so that bundlers drop the loader that fetches the wasm by URL.
import {
  assumeRoleOnce, callApi, cancelUploadDocumentJob, checkAssumeRole, getUploadDocumentJob, glue, initSync, install, signApiRequest,
  signCancelUploadDocumentJob, signGetUploadDocumentJob,
} from './gpdb_edge.mjs';
// glue.mjs's helpers, whose names this entry exports.
import * as gpdbEdge from './gpdb_edge.mjs';

initSync({ module });
install(glue);

export { callApi, cancelUploadDocumentJob, getUploadDocumentJob, signApiRequest, signCancelUploadDocumentJob, signGetUploadDocumentJob };
export const waitForUploadDocumentJob = (options) => gpdbEdge.waitForUploadDocumentJob(getUploadDocumentJob, options);
export const assumeRole = (options) => gpdbEdge.assumeRole(assumeRoleOnce, options, checkAssumeRole);
export { GpdbError, isGpdbError } from './gpdb_edge.mjs';
export const ready = () => Promise.resolve();
