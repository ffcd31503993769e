// Node.js `import`, installed: the .wasm beside this file, read in 0.4 ms. Node reads the `import`
// condition; the bundlers of Node servers read `module` first and get node-bundled.mjs, which
// carries the wasm in a module. Leaving that module (a 62 KB string) out of this graph made
// `import` + first sign 1.9 ms faster (README, Performance). ES modules only: through node.cjs
// (CommonJS: cjs-module-lexer), the `import` cold start took 3 ms more CPU. The JS is one module,
// gpdb_edge.mjs: two modules to load, not four (README, Performance).
import * as gpdbEdge from './gpdb_edge.mjs';

// Not written `new URL('./gpdb_edge_bg.wasm', import.meta.url)`, which bundlers would copy as an
// asset. A bundler that reads no `module` condition (esbuild given its own `--conditions`) bundles
// this file, with no .wasm beside it: the embedded bytes, through an `import()` that bundlers
// follow and Node never runs here.
function wasmBeside() {
  try {
    if (/\/node\.mjs$/.test(import.meta.url)) {
      return process.getBuiltinModule('fs').readFileSync(new URL(import.meta.url.replace(/node\.mjs$/, 'gpdb_edge_bg.wasm')));
    }
  } catch {
    // No file there: the embedded bytes.
  }
  return undefined;
}
// None when node.cjs has made the instance (a process that `require`s the package, then `import`s it).
const bytes = gpdbEdge.hasNodeInstance() ? undefined : wasmBeside() ?? (await import('./gpdb_edge_bg_wasm.mjs')).default();

export const {
  cancelUploadDocumentJob, getUploadDocumentJob, waitForUploadDocumentJob, signCancelUploadDocumentJob, signGetUploadDocumentJob,
  callApi, signApiRequest, assumeRole, GpdbError, isGpdbError, ready,
} = gpdbEdge.nodeInstance(gpdbEdge, () => bytes, () => process.getBuiltinModule('fs'));
