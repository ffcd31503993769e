// Node.js `import`: ES modules only. Through node.cjs (CommonJS: cjs-module-lexer), the `import`
// cold start took 3 ms more CPU (README, Performance).
import embeddedWasm from './gpdb_edge_bg_wasm.mjs';
import * as glue from './glue.mjs';
import * as wasm from './gpdb_edge_web.mjs';
import { nodeInstance } from './node-instance.mjs';

// Installed, the .wasm beside this file (read in 0.4 ms); in a bundled server (which carries
// modules, not files), the embedded bytes, decoded in about 4 ms more: see node.cjs. Not written
// `new URL('./gpdb_edge_bg.wasm', import.meta.url)`, which bundlers would copy as an asset.
function wasmBytes() {
  try {
    if (/\/node\.mjs$/.test(import.meta.url)) {
      return process.getBuiltinModule('fs').readFileSync(new URL(import.meta.url.replace(/node\.mjs$/, 'gpdb_edge_bg.wasm')));
    }
  } catch {
    // No file there: the embedded bytes.
  }
  return embeddedWasm();
}

export const {
  cancelUploadDocumentJob, getUploadDocumentJob, waitForUploadDocumentJob, signCancelUploadDocumentJob, signGetUploadDocumentJob,
  callApi, signApiRequest, assumeRole, GpdbError, isGpdbError, ready,
} = nodeInstance(wasm, glue, wasmBytes);
