// The exports of the entries that instantiate the wasm asynchronously (browser.mjs, edge-light.mjs):
// the sending functions wait for it; the signing functions are synchronous and need it done
// (`await ready()` first). `source` gives init its module or URL, the one thing the entries differ in.
// Member accesses only (no namespace passed as a value), so that bundlers drop what is unused.
import init, * as gpdbEdge from './gpdb_edge.mjs';

export function lazyEntry(source) {
  let loading;
  let loaded = false;

  // Loads the wasm once; a failure lets a later call try again.
  function ready() {
    loading ??= init({ module_or_path: source() }).then(
      () => {
        gpdbEdge.install(gpdbEdge.glue);
        loaded = true;
      },
      (cause) => {
        loading = undefined;
        throw new gpdbEdge.GpdbError(`could not load gpdb-edge's WebAssembly: ${cause?.message ?? cause}`,
          { kind: 'network', code: 'WasmLoadFailed', retryable: true, attempts: 0 }, cause);
      },
    );
    return loading;
  }

  const afterReady = (call) => async (options) => {
    await ready();
    return call(options);
  };
  const whenLoaded = (name, sign) => (options) => {
    if (!loaded) {
      throw new gpdbEdge.GpdbError(`${name} needs the WebAssembly loaded: \`await ready()\` first`,
        { kind: 'environment', code: 'NotReady', retryable: false, attempts: 0 });
    }
    return sign(options);
  };

  return {
    ready,
    cancelUploadDocumentJob: afterReady((options) => gpdbEdge.cancelUploadDocumentJob(options)),
    getUploadDocumentJob: afterReady((options) => gpdbEdge.getUploadDocumentJob(options)),
    waitForUploadDocumentJob: afterReady((options) => gpdbEdge.waitForUploadDocumentJob(gpdbEdge.getUploadDocumentJob, options)),
    signCancelUploadDocumentJob: whenLoaded('signCancelUploadDocumentJob', gpdbEdge.signCancelUploadDocumentJob),
    signGetUploadDocumentJob: whenLoaded('signGetUploadDocumentJob', gpdbEdge.signGetUploadDocumentJob),
    callApi: afterReady((options) => gpdbEdge.callApi(options)),
    signApiRequest: whenLoaded('signApiRequest', gpdbEdge.signApiRequest),
    // The options are checked when the provider is made if the wasm is loaded by then, else
    // before its first request.
    assumeRole: (options) => gpdbEdge.assumeRole(afterReady((o) => gpdbEdge.assumeRoleOnce(o)), options, loaded ? gpdbEdge.checkAssumeRole : undefined),
  };
}
