// 6b. µs per sign call in headless Chromium: the installed package bundled by esbuild for the
// browser (its `browser` entry, the wasm fetched next to the bundle), timed inside the page with
// performance.now(). That clock is coarsened (100 µs) there, so every timed batch runs for
// hundreds of milliseconds.
// 6c. Cold start in Chromium: a fresh browser context loads a page whose bundle signs one request,
// timed from the bundle's first line (an esbuild banner) to the signed request: for gpdb-edge the
// wasm fetched (served as application/wasm, so it compiles while it streams), instantiated and one
// sign; next to a page that signs with the WebCrypto JS signer. Interleaved, medians. Resource
// Timing tells when the .wasm was requested and fully received, on the same clock.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

import { launchChromium, serveStatic } from '../../tests/package/harness.mjs';
import { ACCESS_KEY_SECRET, SIGN_OPTIONS } from '../params.mjs';
import { officialSignerAgrees, officialV3Agrees } from '../signers/official.mjs';
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

// The first lines of each cold-start bundle, before any module's code. The page reports by a
// beacon that the bench sees leave: waiting with Playwright's waitForFunction injects its
// script (330 KB) into the page, which ran on the main thread while the wasm compiled in some
// runs (ready() 66.5 to 77.5 ms against 38.5 to 39.7, 21 runs interleaved).
const COLD_BANNER = 'const coldStart = performance.now(); const report = (result) => navigator.sendBeacon(\'/__cold\', JSON.stringify(result));';

// Each page signs SIGN_OPTIONS once and reports the time since its bundle's first line.
const COLD_PAGES = (benchDir) => ({
  'cold-gpdb-edge': `
import { ready, signCancelUploadDocumentJob } from 'gpdb-edge';
await ready();
const readyMs = performance.now() - coldStart;
const signed = signCancelUploadDocumentJob(${JSON.stringify(SIGN_OPTIONS)});
const ms = performance.now() - coldStart;
const [wasm] = performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('.wasm'));
report({ ms, readyMs, wasmRequestedMs: wasm.startTime - coldStart, wasmDownloadedMs: wasm.responseEnd - coldStart, signed });
`,
  'cold-webcrypto': `
import { signWithWebCrypto } from ${JSON.stringify(join(benchDir, 'signers/webcrypto.mjs'))};
const signed = await signWithWebCrypto(${JSON.stringify(SIGN_OPTIONS)});
report({ ms: performance.now() - coldStart, signed });
`,
});

async function measureColdStart({ browser, origin, quick }) {
  const runs = quick ? 1 : 21;
  const samplesMs = { gpdbEdge: [], webCrypto: [], wasmRequested: [], wasmDownloaded: [], ready: [] };
  const load = async (page) => {
    const context = await browser.newContext(); // a fresh cache and a fresh renderer state
    try {
      const tab = await context.newPage();
      const problems = [];
      tab.on('pageerror', (e) => problems.push(e.message));
      const reported = tab.waitForRequest((request) => request.url().endsWith('/__cold'), { timeout: 10_000 });
      await tab.goto(`${origin}/${page}.html`, { waitUntil: 'load' });
      const cold = JSON.parse((await reported).postData());
      assert.deepEqual(problems, [], `${page}: no page errors`);
      return cold;
    } finally {
      await context.close();
    }
  };
  for (let i = 0; i < runs + (quick ? 0 : 2); i++) {
    const wasm = await load('cold-gpdb-edge');
    const js = await load('cold-webcrypto');
    if (i === 0) {
      assert.ok(officialV3Agrees(wasm.signed, ACCESS_KEY_SECRET), 'Chromium cold start: the official V3 signer agrees');
      assert.ok(officialSignerAgrees(js.signed, ACCESS_KEY_SECRET), 'Chromium cold start, WebCrypto: the official V2 signer agrees');
    }
    if (quick || i >= 2) {
      samplesMs.gpdbEdge.push(wasm.ms);
      samplesMs.webCrypto.push(js.ms);
      samplesMs.wasmRequested.push(wasm.wasmRequestedMs);
      samplesMs.wasmDownloaded.push(wasm.wasmDownloadedMs);
      samplesMs.ready.push(wasm.readyMs);
    }
  }
  return { runs, samplesMs, medianMs: Object.fromEntries(Object.entries(samplesMs).map(([name, ms]) => [name, median(ms)])) };
}

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
  for (const [name, source] of Object.entries(COLD_PAGES(benchDir))) {
    writeFileSync(join(pageDir, `${name}.mjs`), source);
    await build({ entryPoints: [join(pageDir, `${name}.mjs`)], bundle: true, format: 'esm', platform: 'browser', outdir: dist, absWorkingDir: gpdbEdgeDir,
      banner: { js: COLD_BANNER }, logLevel: 'error' });
    writeFileSync(join(dist, `${name}.html`), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./${name}.js"></script>\n`);
  }

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
    await page.close();
    result.coldStart = await measureColdStart({ browser, origin: site.origin, quick });
    return result;
  } finally {
    await browser.close();
    site.server.closeAllConnections();
    await new Promise((resolve) => site.server.close(resolve));
  }
}
