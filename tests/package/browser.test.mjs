// Chromium: the installed package bundled by esbuild for the browser, served from one origin and
// calling the endpoint on another, so every call is a real cross-origin fetch with a preflight.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import {
  assertScenario, assertSecurityScenario, BIN, closedPortUrl, collectPageProblems, injectSecurityFaults, launchChromium, ROOT, scratchProject, serveStatic,
  startMockGpdb, startRecorder,
} from './harness.mjs';

// The page runs nothing at import: the test first checks that importing fetched no wasm, then
// calls __start(). The endpoint comes from the fragment, so no server ever sees it in a URL.
const PAGE_ENTRY = `
  import * as lib from 'gpdb-edge';
  import { runScenario, runSecurityScenario, scenarioOptions } from './scenario.mjs';

  const wasmResources = () => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('.wasm')).length;

  window.__start = async () => {
    window.__wasmResourcesBeforeFirstCall = wasmResources();
    const endpoint = decodeURIComponent(location.hash.slice(1)) || new URLSearchParams(location.search).get('endpoint');
    try {
      const report = await runScenario(lib, scenarioOptions({ endpoint }));
      window.__report = JSON.stringify(report);
    } catch (error) {
      window.__error = \`\${error?.message ?? error}\\n\${error?.stack ?? ''}\`;
    }
  };
  window.__security = async (unreachable) => {
    const endpoint = decodeURIComponent(location.hash.slice(1));
    return JSON.stringify(await runSecurityScenario(lib, scenarioOptions({ endpoint }), unreachable));
  };
  window.__imported = true;
`;

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>gpdb-edge</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="./main.js"></script></body></html>
`;

let dir;
let dist;
let bundle;
let metafile;
let site; // the static server: { server, origin, requests }
let mock;
let recorder;
let browser;

before(async () => {
  dir = scratchProject('browser', { 'src/main.mjs': PAGE_ENTRY });
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'src/scenario.mjs'));
  dist = join(dir, 'dist');

  // As a user would: esm, so that import.meta.url survives bundling (an iife bundle would leave it undefined).
  await promisify(execFile)(join(BIN, 'esbuild'), [
    'src/main.mjs', '--bundle', '--format=esm', '--platform=browser', '--outdir=dist', `--metafile=${join(dir, 'meta.json')}`,
  ], { cwd: dir, timeout: 30_000 });
  bundle = readFileSync(join(dist, 'main.js'), 'utf8');
  metafile = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));

  // esbuild leaves `new URL('./x.wasm', import.meta.url)` untouched and emits no asset
  // (evanw/esbuild#795), so the user copies the wasm next to the bundle.
  copyFileSync(join(dir, 'node_modules/gpdb-edge/gpdb_edge_bg.wasm'), join(dist, 'gpdb_edge_bg.wasm'));
  writeFileSync(join(dist, 'index.html'), INDEX_HTML);

  site = await serveStatic(dist);
  mock = await startMockGpdb({ quiet: true, cors: site.origin });
  recorder = await startRecorder();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  site?.server.closeAllConnections();
  await new Promise((resolve) => (site ? site.server.close(resolve) : resolve()));
  await mock?.close();
  await recorder?.close();
});

test('esbuild resolves the `browser` entry and keeps the wasm URL relative to the bundle', () => {
  const inputs = Object.keys(metafile.inputs);
  assert.ok(inputs.includes('node_modules/gpdb-edge/browser.mjs'), `browser.mjs is bundled: ${inputs.join(', ')}`);
  for (const other of ['node.mjs', 'node.cjs', 'workerd.mjs', 'deno.mjs']) {
    assert.ok(!inputs.includes(`node_modules/gpdb-edge/${other}`), `${other} is not bundled`);
  }
  for (const foreign of ['readFileSync', 'Deno.readFile', 'initSync({ module })']) {
    assert.ok(!bundle.includes(foreign), `the bundle has no ${foreign}`);
  }
  assert.ok(bundle.includes('new URL("./gpdb_edge_bg.wasm", import.meta.url)'), 'the wasm is looked up next to the bundle');
});

test('Chromium: cancels cross-origin, reports the API error, and signs like the official signer', async () => {
  mock.reset();
  const page = await browser.newPage();
  const problems = collectPageProblems(page, mock.url);
  try {
    await page.goto(`${site.origin}/index.html#${encodeURIComponent(mock.url)}`, { waitUntil: 'networkidle', timeout: 20_000 });
    await page.waitForFunction(() => window.__imported === true, null, { timeout: 5_000 });
    const wasmFetches = () => site.requests.filter((r) => r.path.endsWith('.wasm'));
    assert.equal(wasmFetches().length, 0, 'importing the package fetches no wasm');

    await page.evaluate(() => { window.__start(); });
    await page.waitForFunction(() => window.__report || window.__error, null, { timeout: 20_000 })
      .catch((e) => assert.fail(`the page never finished: ${e.message}\n${problems.join('\n')}`));
    const { report, error, wasmBeforeFirstCall } = await page.evaluate(() =>
      ({ report: window.__report, error: window.__error, wasmBeforeFirstCall: window.__wasmResourcesBeforeFirstCall }));
    assert.equal(error, undefined, `the scenario threw in the page:\n${error}\n${problems.join('\n')}`);
    assert.deepEqual(problems, [], 'no console errors or warnings');

    assertScenario(JSON.parse(report), mock);
    assert.equal(wasmBeforeFirstCall, 0, 'no wasm resource before the first call');
    assert.deepEqual(wasmFetches(), [{ method: 'GET', path: '/gpdb_edge_bg.wasm', status: 200 }], 'the wasm is fetched once');

    const preflights = mock.requests.filter((r) => r.method === 'OPTIONS');
    assert.ok(preflights.length >= 1, 'the browser sent a preflight');
    for (const r of [...preflights, ...mock.requests.filter((q) => q.method === 'POST')]) {
      assert.equal(r.headers.origin, site.origin, 'a cross-origin request from the page');
    }
  } finally {
    await page.close();
  }
});

test('Chromium: an opaque redirect is refused and never followed; an echo is masked; a closed port is named, with the CORS hint', async () => {
  mock.reset();
  injectSecurityFaults(mock, recorder);
  const page = await browser.newPage();
  try {
    await page.goto(`${site.origin}/index.html#${encodeURIComponent(mock.url)}`, { waitUntil: 'networkidle', timeout: 20_000 });
    await page.waitForFunction(() => window.__imported === true, null, { timeout: 5_000 });
    const unreachable = await closedPortUrl();
    const report = await page.evaluate((url) => window.__security(url), unreachable);
    assertSecurityScenario(JSON.parse(report), mock, recorder, unreachable, { browser: true });
  } finally {
    await page.close();
  }
});
