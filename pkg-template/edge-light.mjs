// Vercel and Next.js edge functions, middleware and edge routes (`edge-light`): they forbid
// compiling wasm from bytes at run time, and Next compiles a `?module` import at build time (in
// another realm, so initSync would refuse it: async init takes it). Each export is a local
// function: with "sideEffects": false, Turbopack drops an entry's initialisation when it only
// re-exports.
import module from './gpdb_edge_bg.wasm?module';
import init, * as wasm from './gpdb_edge_web.mjs';
import * as glue from './glue.mjs';
import { GpdbError } from './glue.mjs';

let loading;
let loaded = false;

/** Instantiates the wasm; resolves once `signCancelUploadDocumentJob` may be called. */
export function ready() {
  loading ??= init({ module_or_path: module }).then(
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
