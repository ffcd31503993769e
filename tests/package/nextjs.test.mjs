// Next.js 16: one app with the packed tarball installed, built for production twice, by Turbopack
// (`next build`) and by webpack (`next build --webpack`), each served by `next start`. The library
// is called from edge routes and a middleware (the `edge-light` entry, the wasm a build-time
// module) and from a Node route handler (the Node entry, bundled into the server). Each runs the
// shared scenario against the local endpoint.
//
// The edge routes: a Pages Router API route under both bundlers, and an App Router route handler
// under Turbopack only. Next 16.4.6's webpack build fails on any App Router edge route handler,
// one that imports nothing included ("ENOENT ... route_client-reference-manifest.js" while
// collecting page data), so the webpack build runs without it.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { assertScenario, ROOT, scratchProject, startMockGpdb } from './harness.mjs';

const NEXT = join(ROOT, 'node_modules/next/dist/bin/next');

// The route's answer is the scenario's report, or the error, with status 500.
const handler = `
  import * as lib from 'gpdb-edge';
  import { runScenario, scenarioOptions } from './scenario.mjs';

  export async function answer(request) {
    try {
      const endpoint = new URL(request.url).searchParams.get('endpoint');
      return Response.json(await runScenario(lib, scenarioOptions({ endpoint })));
    } catch (error) {
      return Response.json({ error: \`\${error?.message ?? error}\\n\${error?.stack ?? ''}\` }, { status: 500 });
    }
  }
`;

const route = (runtime) => `
  import { answer } from '../../lib/answer.mjs';
  export const runtime = '${runtime}';
  export const dynamic = 'force-dynamic';
  export const GET = answer;
`;

const FILES = {
  // next and react resolve from the repository's node_modules, above the app: the app's root for
  // Turbopack and file tracing is therefore the repository (also silencing the lockfile warning).
  'next.config.mjs': `export default {
    distDir: process.env.NEXT_DIST_DIR,
    turbopack: { root: ${JSON.stringify(ROOT)} },
    outputFileTracingRoot: ${JSON.stringify(ROOT)},
  };\n`,
  'app/layout.js': 'export default function Layout({ children }) { return <html><body>{children}</body></html>; }\n',
  'app/node/route.js': route('nodejs'),
  'pages/api/edge.js': `
    import { answer } from '../../lib/answer.mjs';
    export const config = { runtime: 'edge' };
    export default answer;
  `,
  'middleware.js': `
    import { answer } from './lib/answer.mjs';
    export const config = { matcher: '/middleware' };
    export const middleware = answer;
  `,
  'lib/answer.mjs': handler,
};

// No telemetry, and nothing reaches a registry: the one Next may consult is sent to a closed port.
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', npm_config_registry: 'http://127.0.0.1:9/', NO_COLOR: '1' };

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `next start` on a free port; resolves once it answers, with its output so far and a stop(). */
async function nextStart(dir, distDir) {
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT, 'start', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: dir, env: { ...ENV, NEXT_DIST_DIR: distDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output}`);
    try {
      await fetch(`${origin}/`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start never answered:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { origin, output: () => output, stop: () => { child.kill(); return exited; } };
}

let dir;
let mock;

before(async () => {
  dir = scratchProject('nextjs', FILES);
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'lib/scenario.mjs'));
  mock = await startMockGpdb({ quiet: true });
});

after(() => mock?.close());

const PLACES = {
  '/api/edge': 'edge API route (Pages Router)',
  '/edge': 'edge route handler (App Router)',
  '/middleware': 'middleware',
  '/node': 'Node route handler (App Router)',
};

const BUILDS = [
  { name: 'Turbopack (next build)', distDir: '.next-turbopack', args: [], appEdgeRoute: true },
  { name: 'webpack (next build --webpack)', distDir: '.next-webpack', args: ['--webpack'], appEdgeRoute: false },
];

for (const build of BUILDS) {
  describe(build.name, () => {
    let server;
    let buildOutput;

    before(async () => {
      const appEdgeRoute = join(dir, 'app/edge/route.js');
      if (build.appEdgeRoute) {
        mkdirSync(dirname(appEdgeRoute), { recursive: true });
        writeFileSync(appEdgeRoute, route('edge'));
      } else {
        rmSync(dirname(appEdgeRoute), { recursive: true, force: true });
      }
      // Asynchronously: the endpoint lives in this process and must keep answering.
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [NEXT, 'build', ...build.args], {
        cwd: dir, env: { ...ENV, NEXT_DIST_DIR: build.distDir }, timeout: 240_000, maxBuffer: 16 << 20,
      }).catch((error) => {
        throw new Error(`next build ${build.args.join(' ')} failed:\n${error.stdout}\n${error.stderr}`, { cause: error });
      });
      buildOutput = `${stdout}\n${stderr}`;
      server = await nextStart(dir, build.distDir);
    });

    after(() => server?.stop());

    test('the edge route and the middleware get the wasm as a build-time module, not bytes to compile', () => {
      const manifest = JSON.parse(readFileSync(join(dir, build.distDir, 'server/middleware-manifest.json'), 'utf8'));
      const functions = [...Object.values(manifest.middleware), ...Object.values(manifest.functions)];
      assert.equal(functions.length, build.appEdgeRoute ? 3 : 2, `the middleware and each edge route are edge functions:\n${JSON.stringify(manifest, null, 2)}`);
      const installed = readFileSync(join(dir, 'node_modules/gpdb-edge/gpdb_edge_bg.wasm'));
      for (const fn of functions) {
        assert.equal(fn.wasm?.length, 1, `${fn.name} has one wasm binding: ${JSON.stringify(fn.wasm)}`);
        assert.ok(readFileSync(join(dir, build.distDir, fn.wasm[0].filePath)).equals(installed), `${fn.name}'s wasm is the package's`);
      }
      assert.doesNotMatch(buildOutput, /gpdb-edge|gpdb_edge/, 'the build says nothing about the package');
    });

    for (const [path, place] of Object.entries(PLACES)) {
      if (path === '/edge' && !build.appEdgeRoute) continue;
      test(`${place}: cancels, reports the API error, and signs like the official signer`, async () => {
        mock.reset();
        const response = await fetch(`${server.origin}${path}?endpoint=${encodeURIComponent(mock.url)}`);
        const report = await response.json();
        assert.equal(response.status, 200, `${report.error}\n${server.output()}`);
        assertScenario(report, mock);
      });
    }

    test('next start logged no error and no dynamic wasm compilation', () => {
      assert.doesNotMatch(server.output(), /error|Dynamic WASM|gpdb/i, server.output());
    });
  });
}
