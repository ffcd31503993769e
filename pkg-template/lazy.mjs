// The exports of the entries that instantiate the wasm asynchronously (browser.mjs, edge-light.mjs):
// the sending functions wait for it; the signing functions are synchronous and need it done
// (`await ready()` first). `source` gives init its module or URL, the one thing the entries differ in.
import init, * as wasm from './gpdb_edge_web.mjs';
import * as glue from './glue.mjs';
import { GpdbError } from './glue.mjs';

export function lazyEntry(source) {
  let loading;
  let loaded = false;

  // Loads the wasm once; a failure lets a later call try again.
  function ready() {
    loading ??= init({ module_or_path: source() }).then(
      () => {
        wasm.install(glue);
        loaded = true;
      },
      (cause) => {
        loading = undefined;
        throw new GpdbError(`could not load gpdb-edge's WebAssembly: ${cause?.message ?? cause}`,
          { kind: 'network', code: 'WasmLoadFailed', retryable: true, attempts: 0 }, cause);
      },
    );
    return loading;
  }

  const afterReady = (call) => async (options) => {
    await ready();
    return call(options);
  };
  const whenLoaded = (name) => (options) => {
    if (!loaded) {
      throw new GpdbError(`${name} needs the WebAssembly loaded: \`await ready()\` first`,
        { kind: 'environment', code: 'NotReady', retryable: false, attempts: 0 });
    }
    return wasm[name](options);
  };

  return {
    ready,
    cancelUploadDocumentJob: afterReady((options) => wasm.cancelUploadDocumentJob(options)),
    getUploadDocumentJob: afterReady((options) => wasm.getUploadDocumentJob(options)),
    waitForUploadDocumentJob: afterReady((options) => glue.waitForUploadDocumentJob(wasm.getUploadDocumentJob, options)),
    signCancelUploadDocumentJob: whenLoaded('signCancelUploadDocumentJob'),
    signGetUploadDocumentJob: whenLoaded('signGetUploadDocumentJob'),
    callApi: afterReady((options) => wasm.callApi(options)),
    signApiRequest: whenLoaded('signApiRequest'),
    // The options are checked when the provider is made if the wasm is loaded by then, else
    // before its first request.
    assumeRole: (options) => glue.assumeRole(afterReady((o) => wasm.assumeRoleOnce(o)), options, loaded ? wasm.checkAssumeRole : undefined),
  };
}
