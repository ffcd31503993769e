// 6b. µs per sign call in headless Chromium: the installed package bundled by esbuild for the
// browser (its `browser` entry, the wasm fetched next to the bundle), timed inside the page with
// performance.now(). That clock is coarsened (100 µs) there, so every timed batch runs for
// hundreds of milliseconds.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

import { launchChromium, serveStatic } from '../../tests/package/harness.mjs';
import { ACCESS_KEY_SECRET } from '../params.mjs';
import { officialSignerAgrees } from '../signers/official.mjs';
import { median } from '../stats.mjs';

const PAGE_ENTRY = (benchDir) => `
import * as lib from 'gpdb-edge';
import { signWithWebCrypto } from ${JSON.stringify(join(benchDir, 'signers/webcrypto.mjs'))};
import { SIGN_JOBS, SIGN_JOBS_V2 } from ${JSON.stringify(join(benchDir, 'params.mjs'))};

// Runs n calls and returns the elapsed milliseconds and the last signed request.
window.__batch = async (impl, n) => {
  await lib.ready();
  let last = null;
  const start = performance.now();
  if (impl === 'wasm') for (let i = 0; i < n; i++) last = lib.signCancelUploadDocumentJob(SIGN_JOBS_V2[i & 255]);
  else for (let i = 0; i < n; i++) last = await signWithWebCrypto(SIGN_JOBS[i & 255]);
  return { ms: performance.now() - start, last };
};
`;

export async function measureChromium({ gpdbEdgeDir, quick }) {
  const benchDir = fileURLToPath(new URL('..', import.meta.url));
  const pageDir = join(gpdbEdgeDir, 'bench-page');
  const dist = join(pageDir, 'dist');
  rmSync(pageDir, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(pageDir, 'main.mjs'), PAGE_ENTRY(benchDir));
  // As a user bundles for the browser (ESM keeps import.meta.url); esbuild does not emit the wasm,
  // so it is copied next to the bundle (see tests/package/browser.test.mjs).
  await build({ entryPoints: [join(pageDir, 'main.mjs')], bundle: true, format: 'esm', platform: 'browser', outdir: dist, absWorkingDir: gpdbEdgeDir, logLevel: 'error' });
  copyFileSync(join(gpdbEdgeDir, 'node_modules/gpdb-edge/gpdb_edge_bg.wasm'), join(dist, 'gpdb_edge_bg.wasm'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>\n');

  const site = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${site.origin}/index.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => typeof window.__batch === 'function', null, { timeout: 10_000 });
    const batch = (impl, n) => page.evaluate(([i, count]) => window.__batch(i, count), [impl, n]);

    const n = quick ? 50 : 20_000;
    const reps = quick ? 1 : 5;
    const result = { n, reps, usPerCall: {}, samplesUs: {}, version: browser.version() };
    for (const impl of ['wasm', 'webCrypto']) {
      for (let i = 0; i < (quick ? 1 : 2); i++) await batch(impl, quick ? 5 : 4_000); // warm-up
      const { last } = await batch(impl, 1);
      assert.ok(officialSignerAgrees(last, ACCESS_KEY_SECRET), `Chromium ${impl}: the official signer agrees`);
      const samples = [];
      for (let rep = 0; rep < reps; rep++) samples.push(((await batch(impl, n)).ms / n) * 1000);
      const name = impl === 'wasm' ? 'gpdbEdge' : 'webCrypto';
      result.samplesUs[name] = samples;
      result.usPerCall[name] = median(samples);
    }
    assert.deepEqual(problems, [], 'no page errors');
    return result;
  } finally {
    await browser.close();
    site.server.closeAllConnections();
    await new Promise((resolve) => site.server.close(resolve));
  }
}
