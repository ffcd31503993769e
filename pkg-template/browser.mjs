// Browsers and bundlers: the wasm is fetched and compiled on first use, not at import. Vite and
// webpack 5 recognise `new URL('./x.wasm', import.meta.url)` and emit the asset with no plugin;
// esbuild leaves the expression as it is, so with esbuild (ESM output) the .wasm is copied next
// to the bundle.
import { lazyEntry } from './lazy.mjs';

// Bindings of this module, not re-exports: with "sideEffects": false, Turbopack dropped an
// entry's initialisation when it only re-exported.
export const {
  ready, cancelUploadDocumentJob, getUploadDocumentJob, waitForUploadDocumentJob, signCancelUploadDocumentJob, signGetUploadDocumentJob,
  callApi, signApiRequest, assumeRole,
} = lazyEntry(() => new URL('./gpdb_edge_bg.wasm', import.meta.url));
export { GpdbError, isGpdbError } from './gpdb_edge.mjs';
