// Vercel's edge runtime (the npm package `edge-runtime`, its EdgeVM) with wasm code generation
// disabled, as on Vercel: nothing may compile wasm from bytes. The `edge-light` entry is bundled
// the way Next and Vercel do it (esbuild here): the `?module` import becomes a global holding a
// module compiled by the host, in the host's realm, before the function runs.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { build } from 'esbuild';
import { EdgeRuntime } from 'edge-runtime';

import { assertScenario, ROOT, scratchProject, startMockGpdb } from './harness.mjs';

const FUNCTION = `
  import * as lib from 'gpdb-edge';
  import { runScenario, scenarioOptions } from './scenario.mjs';
  // JSON across the realms: the host asserts plain data.
  globalThis.run = async (endpoint) => JSON.stringify(await runScenario(lib, scenarioOptions({ endpoint })));
`;

const BINDING = 'wasm_gpdb_edge_bg';

let dir;
let mock;
let bundle; // { code, wasmPaths }
let installedWasm; // the package's .wasm

before(async () => {
  dir = scratchProject('edge-runtime', { 'function.mjs': FUNCTION });
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'scenario.mjs'));
  const wasmPaths = [];
  const result = await build({
    absWorkingDir: dir,
    entryPoints: ['function.mjs'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    conditions: ['edge-light'],
    logLevel: 'silent',
    plugins: [{
      // As Vercel's build does: `x.wasm?module` is a binding, the module compiled outside.
      name: 'wasm-module-binding',
      setup(b) {
        b.onResolve({ filter: /\.wasm\?module$/ }, (args) => {
          wasmPaths.push(join(args.resolveDir, args.path.replace(/\?module$/, '')));
          return { path: args.path, namespace: 'wasm-binding' };
        });
        b.onLoad({ filter: /.*/, namespace: 'wasm-binding' }, () => ({ contents: `export default globalThis.${BINDING};` }));
      },
    }],
  });
  bundle = { code: result.outputFiles[0].text, wasmPaths };
  installedWasm = join(dir, 'node_modules/gpdb-edge/gpdb_edge_bg.wasm');
  mock = await startMockGpdb({ quiet: true });
});

after(() => mock?.close());

function edgeRuntime() {
  const compiled = new WebAssembly.Module(readFileSync(installedWasm));
  return new EdgeRuntime({
    codeGeneration: { strings: false, wasm: false }, // the package's default allows wasm
    extend: (context) => Object.assign(context, { [BINDING]: compiled }),
  });
}

test('the bundle took the edge-light entry and its one ?module import', () => {
  assert.deepEqual(bundle.wasmPaths, [installedWasm]);
  assert.ok(bundle.code.includes('each entry passes init its wasm'), 'the web glue is bundled');
  assert.ok(!bundle.code.includes('readFileSync') && !bundle.code.includes('brotliDecompressSync'), 'no Node entry');
});

test('the runtime refuses to compile wasm from bytes', async () => {
  const runtime = edgeRuntime();
  const bytes = readFileSync(installedWasm);
  runtime.context.bytes = new runtime.context.Uint8Array(bytes);
  await assert.rejects(runtime.evaluate('WebAssembly.compile(bytes)'), /code generation disallowed|Wasm code generation/i);
  assert.throws(() => runtime.evaluate('new WebAssembly.Module(bytes)'), /code generation disallowed|Wasm code generation/i);
});

test('edge-light in EdgeVM: cancels, reports the API error, and signs like the official signer', async () => {
  const runtime = edgeRuntime();
  runtime.evaluate(bundle.code);
  mock.reset();
  const report = await runtime.evaluate(`run(${JSON.stringify(mock.url)})`);
  assertScenario(JSON.parse(report), mock);
});
