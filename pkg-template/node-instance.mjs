// The one instance in a Node.js (or Bun) process, for node.mjs (`import`) and node.cjs (`require`)
// alike: one wasm instance, one credentials cache, one clock offset. The first entry loaded makes it.
let exports;

// The nonces' random bytes from /dev/urandom (three system calls): crypto.getRandomValues loads
// Node's crypto module, a quarter of a cold start (README, Performance). Without it (Windows) or
// once it fails: crypto.getRandomValues.
let fromDevUrandom = true;
function fillRandom(bytes) {
  if (fromDevUrandom) {
    let fs;
    let fd;
    try {
      fs = process.getBuiltinModule('fs');
      fd = fs.openSync('/dev/urandom', 'r');
      if (fs.readSync(fd, bytes) === bytes.length) return;
    } catch {
      fromDevUrandom = false;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  globalThis.crypto.getRandomValues(bytes);
}

/** Whether an entry has made the instance already: node.mjs then reads no wasm. */
export function hasNodeInstance() {
  return exports !== undefined;
}

export function nodeInstance(wasm, glue, wasmBytes) {
  if (exports) return exports;
  wasm.setFillRandom(fillRandom);
  wasm.initSync({ module: wasmBytes() });
  wasm.install(glue);
  exports = {
    cancelUploadDocumentJob: wasm.cancelUploadDocumentJob,
    getUploadDocumentJob: wasm.getUploadDocumentJob,
    waitForUploadDocumentJob: (options) => glue.waitForUploadDocumentJob(wasm.getUploadDocumentJob, options),
    signCancelUploadDocumentJob: wasm.signCancelUploadDocumentJob,
    signGetUploadDocumentJob: wasm.signGetUploadDocumentJob,
    callApi: wasm.callApi,
    signApiRequest: wasm.signApiRequest,
    assumeRole: (options) => glue.assumeRole(wasm.assumeRoleOnce, options, wasm.checkAssumeRole),
    GpdbError: glue.GpdbError,
    isGpdbError: glue.isGpdbError,
    ready: () => Promise.resolve(),
  };
  return exports;
}
