// Run by memory.mjs in a fresh `node --expose-gc` process:
//   memory-child.mjs gpdb-edge <project dir> <calls>   or   memory-child.mjs official - <calls>
// Prints { before, after } with the process RSS and, for gpdb-edge, the wasm linear memory.
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { SIGN_JOBS } from '../params.mjs';
import { watchingWasmMemory } from '../../tests/package/wasm-memory.mjs';

const [which, projectDir, callsArg] = process.argv.slice(2);
const calls = Number(callsArg);

let sign;
let wasmMemory = () => null;
if (which === 'gpdb-edge') {
  const require = createRequire(join(projectDir, 'package.json'));
  const entry = require.resolve('gpdb-edge'); // node.cjs, through the exports map
  const { value: lib, memory } = watchingWasmMemory(() => require(entry));
  sign = (i) => lib.signCancelUploadDocumentJob(SIGN_JOBS[i & 255]);
  wasmMemory = () => memory.buffer.byteLength;
} else {
  const { signWithOpenApiUtil } = await import('../signers/official.mjs');
  sign = (i) => signWithOpenApiUtil(SIGN_JOBS[i & 255]);
}

const snapshot = () => {
  globalThis.gc();
  return { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed, wasm: wasmMemory() };
};

const before = snapshot();
let sink = 0;
for (let i = 0; i < calls; i++) sink += sign(i).url.length;
const after = snapshot();
if (!sink) throw new Error('nothing signed');
process.stdout.write(JSON.stringify({ before, after }));
