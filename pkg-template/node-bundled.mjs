// A bundled Node server (webpack, esbuild, Rollup and Vite read the `module` condition, for
// `import` and `require` alike; Node reads none): a bundle carries modules, not files, so the
// wasm comes from a module, decoded about 4 ms slower than a read (README, Performance).
import embeddedWasm from './gpdb_edge_bg_wasm.mjs';
import * as gpdbEdge from './gpdb_edge.mjs';

export const {
  cancelUploadDocumentJob, getUploadDocumentJob, waitForUploadDocumentJob, signCancelUploadDocumentJob, signGetUploadDocumentJob,
  callApi, signApiRequest, assumeRole, GpdbError, isGpdbError, ready,
} = gpdbEdge.nodeInstance(gpdbEdge, embeddedWasm, () => process.getBuiltinModule('fs'));
