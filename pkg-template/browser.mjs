// Browsers and bundlers: the wasm is fetched and compiled on first use, not at import. Vite and
// webpack 5 recognise `new URL('./x.wasm', import.meta.url)` and emit the asset with no plugin;
// esbuild leaves the expression as it is, so with esbuild (ESM output) the .wasm is copied next
// to the bundle.
import init, * as wasm from './gpdb_edge_web.mjs';
import * as glue from './glue.mjs';
import { GpdbError } from './glue.mjs';

let loading;
let loaded = false;

/** Loads the wasm; resolves once `signCancelUploadDocumentJob` may be called. */
export function ready() {
  loading ??= init({ module_or_path: new URL('./gpdb_edge_bg.wasm', import.meta.url) }).then(
    () => {
      wasm.install(glue);
      loaded = true;
    },
    (cause) => {
      loading = undefined; // let a later call try again
      throw new GpdbError(`could not load gpdb-edge's WebAssembly: ${cause?.message ?? cause}`,
        { kind: 'network', code: 'WasmLoadFailed', retryable: true, attempts: 0 }, cause);
    },
  );
  return loading;
}

export async function cancelUploadDocumentJob(options) {
  await ready();
  return wasm.cancelUploadDocumentJob(options);
}

export async function getUploadDocumentJob(options) {
  await ready();
  return wasm.getUploadDocumentJob(options);
}

export async function waitForUploadDocumentJob(options) {
  await ready();
  return glue.waitForUploadDocumentJob(wasm.getUploadDocumentJob, options);
}

function loadedFor(name) {
  if (!loaded) {
    throw new GpdbError(`${name} needs the WebAssembly loaded: \`await ready()\` first`,
      { kind: 'input', code: 'NotReady', retryable: false, attempts: 0 });
  }
  return wasm[name];
}

export function signCancelUploadDocumentJob(options) {
  return loadedFor('signCancelUploadDocumentJob')(options);
}

export function signGetUploadDocumentJob(options) {
  return loadedFor('signGetUploadDocumentJob')(options);
}

export { GpdbError };
