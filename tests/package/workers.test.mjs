// Cloudflare Workers: a Worker that imports the installed package, bundled by `wrangler deploy
// --dry-run` as a user would deploy it, then run in real workerd through Miniflare.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Miniflare } from 'miniflare';

import {
  assertScenario, assertSecurityScenario, closedPortUrl, injectSecurityFaults, ROOT, scratchProject, startMockGpdb, startRecorder, wranglerBundle,
} from './harness.mjs';

const COMPATIBILITY_DATE = '2025-09-01';

const WORKER = `
import * as lib from 'gpdb-edge';
import { runScenario, runSecurityScenario, scenarioOptions } from './scenario.mjs';

export default {
  async fetch(request, env) {
    try {
      if (new URL(request.url).pathname === '/security') {
        const unreachable = new URL(request.url).searchParams.get('unreachable');
        return Response.json(await runSecurityScenario(lib, scenarioOptions({ endpoint: env.ENDPOINT }), unreachable));
      }
      return Response.json(await runScenario(lib, scenarioOptions({ endpoint: env.ENDPOINT })));
    } catch (error) {
      return new Response(\`\${error?.message}\\n\${error?.stack}\`, { status: 500 });
    }
  },
};
`;

// No nodejs_compat: the package must work in a plain Worker.
const WRANGLER_TOML = `
name = "gpdb-edge-smoke"
main = "src/index.mjs"
compatibility_date = "${COMPATIBILITY_DATE}"
`;

let dir;
let mock;
let recorder;
let mf;
let bundle; // { js, jsName, wasm, wasmName }

before(async () => {
  dir = scratchProject('workers', { 'src/index.mjs': WORKER, 'wrangler.toml': WRANGLER_TOML });
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'src/scenario.mjs'));
  mock = await startMockGpdb({ quiet: true });
  recorder = await startRecorder();

  const { out, ...emitted } = await wranglerBundle(dir);
  bundle = emitted;

  mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: join(out, bundle.jsName), contents: bundle.js },
      { type: 'CompiledWasm', path: join(out, bundle.wasmName), contents: bundle.wasm },
    ],
    modulesRoot: out,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { ENDPOINT: mock.url },
  });
  await mf.ready;
}, { timeout: 90_000 });

after(async () => {
  await mf?.dispose();
  mock?.close();
  await recorder?.close();
});

test('wrangler resolves the `workerd` condition: the wasm is a deploy-time module, not fetched', () => {
  assert.ok(bundle.js.includes('// node_modules/gpdb-edge/workerd.mjs'), 'bundled from workerd.mjs');
  assert.ok(bundle.js.includes(`from "./${bundle.wasmName}"`), 'imports the wasm as a module');
  assert.match(bundle.js, /initSync\(\{ module \}\)/);
  assert.ok(!bundle.js.includes('Deno.readFile'), 'not deno.mjs');
  assert.ok(!bundle.js.includes('import.meta.url'), 'no URL-based wasm loading (browser.mjs)');
  assert.ok(!/gpdb-edge\/(browser|deno|node)\.mjs/.test(bundle.js), 'no other entry file');
  assert.deepEqual(bundle.wasm, readFileSync(join(dir, 'node_modules/gpdb-edge/gpdb_edge_bg.wasm')), 'the package\'s wasm, unchanged');
});

test('in workerd: cancels, reports the API error, and signs like the official signer', async () => {
  mock.reset();
  const res = await mf.dispatchFetch('http://localhost/', { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assertScenario(JSON.parse(text), mock);

  // workerd only advances Date.now() across I/O, but it is the real clock, not the epoch.
  for (const record of mock.requests.filter((r) => r.method === 'POST')) {
    const skew = Math.abs(Date.parse(record.timestamp) - Date.now());
    assert.ok(skew < 5 * 60_000, `signed at ${record.timestamp}, within 5 minutes of now`);
  }
});

test('in workerd: a redirect is refused and never followed; an echo of the secrets is masked; a closed port is named', async () => {
  mock.reset();
  injectSecurityFaults(mock, recorder);
  const unreachable = await closedPortUrl();
  const res = await mf.dispatchFetch(`http://localhost/security?unreachable=${encodeURIComponent(unreachable)}`, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assertSecurityScenario(JSON.parse(text), mock, recorder, unreachable);
});
