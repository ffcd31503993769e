// Deno: the wasm is imported as a compiled module (source phase import), so loading the package
// needs no read permission.
import source module from './gpdb_edge_bg.wasm';
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
