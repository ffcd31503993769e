// Vercel and Next.js edge functions, middleware and edge routes (`edge-light`): they forbid
// compiling wasm from bytes at run time, and Next compiles a `?module` import at build time (in
// another realm, so initSync would refuse it: async init takes it).
import module from './gpdb_edge_bg.wasm?module';
import { lazyEntry } from './lazy.mjs';

// Bindings of this module, not re-exports: with "sideEffects": false, Turbopack dropped an
// entry's initialisation when it only re-exported.
export const {
  ready, cancelUploadDocumentJob, getUploadDocumentJob, waitForUploadDocumentJob, signCancelUploadDocumentJob, signGetUploadDocumentJob,
  callApi, signApiRequest, assumeRole,
} = lazyEntry(() => module);
export { GpdbError, isGpdbError } from './gpdb_edge.mjs';
