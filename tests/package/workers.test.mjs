// Cloudflare Workers: a Worker that imports the installed package, bundled by `wrangler deploy
// --dry-run` as a user would deploy it, then run in real workerd through Miniflare.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { Miniflare } from 'miniflare';

import { assertScenario, BIN, ROOT, scratchProject, startMockGpdb } from './harness.mjs';

const COMPATIBILITY_DATE = '2025-09-01';

const WORKER = `
import * as lib from 'gpdb-edge';
import { runScenario, scenarioOptions } from './scenario.mjs';

export default {
  async fetch(request, env) {
    try {
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
let mf;
let bundle; // { js, jsName, wasm, wasmName }

before(async () => {
  dir = scratchProject('workers', { 'src/index.mjs': WORKER, 'wrangler.toml': WRANGLER_TOML });
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'src/scenario.mjs'));
  mock = await startMockGpdb({ quiet: true });

  const home = join(dir, '.home');
  mkdirSync(join(dir, '.tmp'), { recursive: true });
  await promisify(execFile)(join(BIN, 'wrangler'), ['deploy', '--dry-run', '--outdir', 'dist'], {
    cwd: dir,
    timeout: 60_000,
    env: {
      ...process.env,
      CI: 'true',
      WRANGLER_SEND_METRICS: 'false',
      // No network: hiding the banner skips its update check, and the check wrangler still makes
      // on a warning or an error reads the registry from rc('npm'), sent here to a closed port.
      WRANGLER_HIDE_BANNER: 'true',
      npm_registry: 'http://127.0.0.1:9/',
      // Wrangler's config, logs and update-check cache stay in the scratch project.
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      TMPDIR: join(dir, '.tmp'),
    },
  }).catch((error) => {
    throw new Error(`wrangler deploy --dry-run failed:\n${error.stdout}\n${error.stderr}`, { cause: error });
  });

  const out = join(dir, 'dist');
  const files = readdirSync(out);
  const jsName = files.find((f) => f.endsWith('.js'));
  const wasmName = files.find((f) => f.endsWith('.wasm'));
  assert.ok(jsName && wasmName, `wrangler emitted a .js and a .wasm (got ${files.join(', ')})`);
  bundle = { jsName, wasmName, js: readFileSync(join(out, jsName), 'utf8'), wasm: readFileSync(join(out, wasmName)) };

  mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: join(out, jsName), contents: bundle.js },
      { type: 'CompiledWasm', path: join(out, wasmName), contents: bundle.wasm },
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
    const skew = Math.abs(Date.parse(record.query.Timestamp) - Date.now());
    assert.ok(skew < 5 * 60_000, `Timestamp ${record.query.Timestamp} is within 5 minutes of now`);
  }
});
