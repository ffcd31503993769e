// Vite and webpack 5: the installed package bundled for production with no wasm plugin and no
// loader, as a user's app would be. Each bundler must find `new URL('./gpdb_edge_bg.wasm',
// import.meta.url)` in browser.mjs and emit the wasm as an asset by itself (nothing here copies
// it); Chromium then loads the page from one origin and calls the endpoint on another.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { assertScenario, BIN, collectPageProblems, launchChromium, ROOT, scratchProject, serveStatic, startMockGpdb } from './harness.mjs';

// Runs at load. The endpoint comes from the fragment, so no server ever sees it in a URL.
const PAGE_ENTRY = `
  import * as lib from 'gpdb-edge';
  import { runScenario, scenarioOptions } from './scenario.mjs';

  const endpoint = decodeURIComponent(location.hash.slice(1));
  runScenario(lib, scenarioOptions({ endpoint })).then(
    (report) => { window.__report = JSON.stringify(report); },
    (error) => { window.__error = \`\${error?.message ?? error}\\n\${error?.stack ?? ''}\`; },
  );
`;

const VITE_INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>gpdb-edge</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="/src/main.mjs"></script></body></html>
`;

// webpack 5 needs nothing for the wasm: `new URL(..., import.meta.url)` is an asset module by default.
const WEBPACK_CONFIG = `
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  target: 'web',
  entry: './src/main.mjs',
  output: { path: fileURLToPath(new URL('./dist', import.meta.url)), filename: 'main.js', publicPath: 'auto' },
};
`;

// webpack's bundle is a classic script: `publicPath: 'auto'` finds its folder from document.currentScript.
const WEBPACK_INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>gpdb-edge</title><link rel="icon" href="data:,"></head>
<body><script src="./main.js"></script></body></html>
`;

// Vite 7 and 8 by their own paths: both are named `vite` in node_modules/.bin (8 through the npm
// alias vite-8), so that link is whichever npm made last.
const vite = (pkg) => [process.execPath, [join(ROOT, 'node_modules', pkg, 'bin/vite.js'), 'build', '--logLevel', 'warn']];

const BUNDLERS = [
  {
    name: 'Vite 7',
    project: 'bundler-vite',
    files: { 'index.html': VITE_INDEX_HTML, 'src/main.mjs': PAGE_ENTRY },
    command: vite('vite'),
  },
  {
    name: 'Vite 8 (Rolldown)',
    project: 'bundler-vite-8',
    files: { 'index.html': VITE_INDEX_HTML, 'src/main.mjs': PAGE_ENTRY },
    command: vite('vite-8'),
  },
  {
    name: 'webpack 5',
    project: 'bundler-webpack',
    files: { 'webpack.config.mjs': WEBPACK_CONFIG, 'src/main.mjs': PAGE_ENTRY },
    command: [join(BIN, 'webpack'), ['--config', 'webpack.config.mjs', '--no-color']],
    afterBuild: (dist) => writeFileSync(join(dist, 'index.html'), WEBPACK_INDEX_HTML),
  },
];

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

for (const bundler of BUNDLERS) {
  describe(bundler.name, () => {
    let dir;
    let dist;
    let output; // what the bundler printed
    let emitted; // every file in dist/, relative
    let site; // the static server: { server, origin, requests }
    let mock;

    before(async () => {
      dir = scratchProject(bundler.project, bundler.files);
      copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'src/scenario.mjs'));
      dist = join(dir, 'dist');
      const [bin, args] = bundler.command;
      // Asynchronous, as in wranglerBundle: a process that serves must never block its event loop.
      const { stdout, stderr } = await promisify(execFile)(bin, args, {
        cwd: dir,
        timeout: 60_000,
        env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1' },
      }).catch((error) => {
        throw new Error(`${bundler.name} failed:\n${error.stdout}\n${error.stderr}`, { cause: error });
      });
      output = `${stdout}\n${stderr}`;
      bundler.afterBuild?.(dist);
      emitted = readdirSync(dist, { recursive: true }).map(String);

      site = await serveStatic(dist);
      mock = await startMockGpdb({ quiet: true, cors: site.origin });
    });

    after(async () => {
      site?.server.closeAllConnections();
      await new Promise((resolve) => (site ? site.server.close(resolve) : resolve()));
      await mock?.close();
    });

    const scripts = () => emitted.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dist, f), 'utf8'));
    const wasmAssets = () => emitted.filter((f) => f.endsWith('.wasm'));

    test('emits the wasm as an asset, byte for byte, and bundles the `browser` entry', (t) => {
      const wasm = wasmAssets();
      assert.equal(wasm.length, 1, `one .wasm in the output (got ${emitted.join(', ')})\n${output}`);
      const installed = readFileSync(join(dir, 'node_modules/gpdb-edge/gpdb_edge_bg.wasm'));
      assert.ok(readFileSync(join(dist, wasm[0])).equals(installed), 'the emitted wasm is the package\'s wasm');

      const js = scripts().join('\n');
      assert.ok(js.includes(basename(wasm[0])), 'the bundle refers to the emitted wasm by its name');
      assert.ok(!js.includes('gpdb_edge_bg.wasm'), 'no wasm URL is left as the package wrote it');
      t.diagnostic(`${bundler.name} emitted ${wasm[0]}; browser.mjs now loads ${js.match(/module_or_path:\s*(new URL.{0,50})/)?.[1]}`);

      assert.ok(js.includes('needs the WebAssembly loaded'), 'browser.mjs is bundled');
      assert.ok(!js.includes('readFileSync'), 'the bundle has no readFileSync (node entry)');
      assert.ok(!js.includes('Deno.readFile'), 'the bundle has no Deno.readFile');
      assert.doesNotMatch(js, /initSync\(\s*\{\s*module\s*\}\s*\)/, 'the bundle has no initSync({ module }) (workerd/deno entry)');
    });

    test('Chromium: cancels cross-origin, reports the API error, and signs like the official signer', async () => {
      mock.reset();
      const page = await browser.newPage();
      const problems = collectPageProblems(page, mock.url);
      try {
        await page.goto(`${site.origin}/index.html#${encodeURIComponent(mock.url)}`, { waitUntil: 'load', timeout: 20_000 });
        await page.waitForFunction(() => window.__report || window.__error, null, { timeout: 20_000 })
          .catch((e) => assert.fail(`the page never finished: ${e.message}\n${problems.join('\n')}`));
        const { report, error } = await page.evaluate(() => ({ report: window.__report, error: window.__error }));
        assert.equal(error, undefined, `the scenario threw in the page:\n${error}\n${problems.join('\n')}`);
        assert.deepEqual(problems, [], 'no page errors, console errors or warnings');

        assertScenario(JSON.parse(report), mock);
        const wasmFetches = site.requests.filter((r) => r.path.endsWith('.wasm'));
        assert.deepEqual(wasmFetches, [{ method: 'GET', path: `/${wasmAssets()[0].split('\\').join('/')}`, status: 200 }],
          'the emitted wasm is fetched once');
        for (const r of mock.requests) assert.equal(r.headers.origin, site.origin, 'a cross-origin request from the page');
      } finally {
        await page.close();
      }
    });
  });
}

