// Run by cold-steps.mjs in a fresh `node`: the steps of the installed Node entry (node.mjs and
// node-instance.mjs), one by one and timed, then the step only a bundled server takes (the
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

// Imported as node.mjs imports them (require(esm) of each, as node.cjs does, costs more).
const imported = async (name, file) => {
  const value = await import(pathToFileURL(join(packageDir, file)).href);
  step(name, () => {});
  return value;
};
const wasm = await imported('import the wasm-bindgen glue (gpdb_edge_web.mjs)', 'gpdb_edge_web.mjs');
const glue = await imported('import glue.mjs', 'glue.mjs');
const bytes = step('read gpdb_edge_bg.wasm', () => fs.readFileSync(join(packageDir, 'gpdb_edge_bg.wasm')));
const compiled = step('compile (new WebAssembly.Module)', () => new WebAssembly.Module(bytes));
step('instantiate (initSync)', () => wasm.initSync({ module: compiled }));
// node-instance.mjs's random source, which keeps Node's crypto module unloaded: /dev/urandom.
wasm.setFillRandom((random) => {
  const fd = fs.openSync('/dev/urandom', 'r');
  fs.readSync(fd, random);
  fs.closeSync(fd);
});
step('install the JS glue', () => wasm.install(glue));
const signed = step('first signCancelUploadDocumentJob', () => wasm.signCancelUploadDocumentJob(options));
if (!signed.headers.authorization) throw new Error('not signed');
step('second signCancelUploadDocumentJob', () => wasm.signCancelUploadDocumentJob(options));
// What a bundle does instead of the read: zlib's first load, base64 and brotli decode.
step('bundled only (node-bundled.mjs): the embedded bytes (gpdb_edge_bg_wasm.mjs)', () => require(join(packageDir, 'gpdb_edge_bg_wasm.mjs')).default());
process.stdout.write(JSON.stringify(ms));
