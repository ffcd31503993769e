// Run by cold-steps.mjs in a fresh `node`: the steps of the installed Node entry (node.mjs and
// gpdb_edge.mjs's nodeInstance), one by one and timed, then the step only a bundled server takes (the
// embedded bytes). An ES module, as a user's `import` is: Node's ESM loader is loaded before the
// first step, as it is in the floor. Prints { step: [wall ms, CPU ms] } as JSON; the CPU time is
// the process's (all threads).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const [packageDir] = process.argv.slice(2);
const options = JSON.parse(process.env.BENCH_SIGN_OPTIONS);
const ms = {};
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
let last = [performance.now(), cpuNow()];
const step = (name, run) => {
  const value = run();
  const now = [performance.now(), cpuNow()];
  ms[name] = [now[0] - last[0], now[1] - last[1]];
  last = now;
  return value;
};

// Imported as node.mjs imports it.
const gpdbEdge = await import(pathToFileURL(join(packageDir, 'gpdb_edge.mjs')).href);
step('import gpdb_edge.mjs (the JS: our glue and wasm-bindgen\'s)', () => {});
const bytes = step('read gpdb_edge_bg.wasm', () => fs.readFileSync(join(packageDir, 'gpdb_edge_bg.wasm')));
const compiled = step('compile (new WebAssembly.Module)', () => new WebAssembly.Module(bytes));
step('instantiate (initSync)', () => gpdbEdge.initSync({ module: compiled }));
// node-instance.mjs's random source, which keeps Node's crypto module unloaded: /dev/urandom.
gpdbEdge.setFillRandom((random) => {
  const fd = fs.openSync('/dev/urandom', 'r');
  fs.readSync(fd, random);
  fs.closeSync(fd);
});
step('install the JS glue', () => gpdbEdge.install(gpdbEdge.glue));
const signed = step('first signCancelUploadDocumentJob', () => gpdbEdge.signCancelUploadDocumentJob(options));
if (!signed.headers.authorization) throw new Error('not signed');
step('second signCancelUploadDocumentJob', () => gpdbEdge.signCancelUploadDocumentJob(options));
// What a bundle does instead of the read: zlib's first load, base64 and brotli decode.
step('bundled only (node-bundled.mjs): the embedded bytes (gpdb_edge_bg_wasm.mjs)', () => require(join(packageDir, 'gpdb_edge_bg_wasm.mjs')).default());
process.stdout.write(JSON.stringify(ms));
