// The one instance in a Node.js (or Bun) process, for node.mjs (`import`), node.cjs (`require`)
// and node-bundled.mjs alike: one wasm instance, one credentials cache, one clock offset. The
// first entry loaded makes it. Not a file of the package: build.sh appends it to gpdb_edge.mjs, the
// one module of JS that every entry imports. Nothing here runs until a Node entry calls it, and it
// names no Node API: Next.js flags one in an edge function's modules even where it never runs.
let nodeExports;

// The nonces' random bytes from /dev/urandom (three system calls): crypto.getRandomValues loads
// Node's crypto module, a quarter of a cold start (README, Performance). Without it (Windows) or
// once it fails: crypto.getRandomValues. `loadFs` is the entry's way to Node's fs.
let fromDevUrandom = true;
function fillFromDevUrandom(loadFs, bytes) {
  if (fromDevUrandom) {
    let fs;
    let fd;
    try {
      fs = loadFs();
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
  return nodeExports !== undefined;
}

/** The entry's exports, from gpdb_edge.mjs's namespace, the wasm's bytes and Node's fs. */
export function nodeInstance(gpdbEdge, wasmBytes, loadFs) {
  if (nodeExports) return nodeExports;
  gpdbEdge.setFillRandom((bytes) => fillFromDevUrandom(loadFs, bytes));
  gpdbEdge.initSync({ module: wasmBytes() });
  gpdbEdge.install(gpdbEdge.glue);
  nodeExports = {
    cancelUploadDocumentJob: gpdbEdge.cancelUploadDocumentJob,
    getUploadDocumentJob: gpdbEdge.getUploadDocumentJob,
    waitForUploadDocumentJob: (options) => gpdbEdge.waitForUploadDocumentJob(gpdbEdge.getUploadDocumentJob, options),
    signCancelUploadDocumentJob: gpdbEdge.signCancelUploadDocumentJob,
    signGetUploadDocumentJob: gpdbEdge.signGetUploadDocumentJob,
    callApi: gpdbEdge.callApi,
    signApiRequest: gpdbEdge.signApiRequest,
    assumeRole: (options) => gpdbEdge.assumeRole(gpdbEdge.assumeRoleOnce, options, gpdbEdge.checkAssumeRole),
    GpdbError: gpdbEdge.GpdbError,
    isGpdbError: gpdbEdge.isGpdbError,
    ready: () => Promise.resolve(),
  };
  return nodeExports;
}
