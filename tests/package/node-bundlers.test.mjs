// A Node server bundled with its dependencies, as for a serverless deploy: esbuild
// (`--bundle --platform=node`, CommonJS and ESM output) and Vite's SSR build (Rollup, every
// dependency bundled). The bundle is then copied alone into an empty folder, with no node_modules
// and no .wasm beside it, and run there: it must carry the wasm within itself. These bundlers read
// the `module` condition (node-bundled.mjs); esbuild given its own `--conditions` reads none, and
// bundles node.mjs, whose embedded-bytes fallback it must carry too.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { assertScenario, BIN, ROOT, scratchProject, startMockGpdb } from './harness.mjs';

// No top-level await: esbuild's CommonJS output has none.
const SERVER = `
  import * as lib from 'gpdb-edge';
  import { runScenario, scenarioOptions } from './scenario.mjs';
  runScenario(lib, scenarioOptions({ endpoint: process.env.ENDPOINT })).then((report) => console.log(JSON.stringify(report)));
`;

const VITE_CONFIG = `
  export default {
    logLevel: 'warn',
    ssr: { noExternal: true }, // bundle every dependency, as for a deploy without node_modules
    build: { ssr: 'server.mjs', outDir: 'dist/vite', target: 'node20' },
  };
`;

const BUNDLERS = [
  { name: 'esbuild --bundle --platform=node (CommonJS)', bin: 'esbuild', args: ['server.mjs', '--bundle', '--platform=node', '--log-level=warning', '--outfile=dist/esbuild-cjs/server.cjs'], out: 'dist/esbuild-cjs' },
  { name: 'esbuild --bundle --platform=node --format=esm', bin: 'esbuild', args: ['server.mjs', '--bundle', '--platform=node', '--format=esm', '--log-level=warning', '--outfile=dist/esbuild-esm/server.mjs'], out: 'dist/esbuild-esm' },
  { name: 'esbuild --bundle --platform=node --format=esm --conditions=production (no `module` condition: node.mjs)', bin: 'esbuild',
    args: ['server.mjs', '--bundle', '--platform=node', '--format=esm', '--conditions=production', '--log-level=warning', '--outfile=dist/esbuild-conditions/server.mjs'], out: 'dist/esbuild-conditions' },
  // Vite 7 by its path: node_modules/.bin/vite may be Vite 8 (the npm alias vite-8, tests/package/bundlers.test.mjs).
  { name: 'Vite SSR build (Rollup)', bin: process.execPath, args: [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], out: 'dist/vite' },
];

let dir;
let mock;
const runDirs = [];

before(async () => {
  dir = scratchProject('node-bundlers', { 'server.mjs': SERVER, 'vite.config.mjs': VITE_CONFIG });
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'scenario.mjs'));
  mock = await startMockGpdb({ quiet: true });
});

after(async () => {
  await mock?.close();
  for (const runDir of runDirs) rmSync(runDir, { recursive: true, force: true });
});

for (const bundler of BUNDLERS) {
  describe(bundler.name, () => {
    let runDir;
    let script;

    before(async () => {
      // Asynchronously: the endpoint lives in this process and must keep answering.
      await promisify(execFile)(bundler.bin.startsWith('/') ? bundler.bin : join(BIN, bundler.bin), bundler.args, { cwd: dir, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } })
        .catch((error) => { throw new Error(`${bundler.name} failed:\n${error.stdout}\n${error.stderr}`, { cause: error }); });
      const out = join(dir, bundler.out);
      const files = readdirSync(out);
      assert.equal(files.length, 1, `one file, the bundle, and no .wasm beside it (got ${files.join(', ')})`);
      runDir = mkdtempSync(join(tmpdir(), 'gpdb-edge-bundle-'));
      runDirs.push(runDir);
      script = join(runDir, files[0]);
      copyFileSync(join(out, files[0]), script);
    });

    test('run alone in an empty folder: cancels, reports the API error, and signs like the official signer', async () => {
      mock.reset();
      const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: runDir, env: { ...process.env, ENDPOINT: mock.url }, timeout: 30_000 });
      assertScenario(JSON.parse(stdout.trim().split('\n').at(-1)), mock);
    });
  });
}
