// Bun: the installed package through the `node` condition of the exports map, as ESM `import`
// (node.mjs) and as CJS `require` (node.cjs), with nothing auto-installed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { assertScenario, assertSignedWithEnvironmentKey, BIN, DEFAULTS, ENV_KEY, ROOT, scratchProject, startMockGpdb } from './harness.mjs';

const ENV_NAMES = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'];

let dir;
let mock;

before(async () => {
  dir = scratchProject('bun', {
    'esm.mjs': `
      import * as lib from 'gpdb-edge';
      import { runScenario, scenarioOptions } from './scenario.mjs';
      const report = await runScenario(lib, scenarioOptions({ endpoint: process.env.ENDPOINT }));
      console.log(JSON.stringify({ resolved: import.meta.resolve('gpdb-edge'), report }));
    `,
    'cjs.cjs': `
      const lib = require('gpdb-edge');
      import('./scenario.mjs').then(async ({ runScenario, scenarioOptions }) => {
        const report = await runScenario(lib, scenarioOptions({ endpoint: process.env.ENDPOINT }));
        console.log(JSON.stringify({ resolved: require.resolve('gpdb-edge'), report }));
      });
    `,
    'both.mjs': `
      import * as esm from 'gpdb-edge';
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)('gpdb-edge');
      console.log(JSON.stringify({
        sameFunction: esm.cancelUploadDocumentJob === cjs.cancelUploadDocumentJob,
        sameErrorClass: esm.GpdbError === cjs.GpdbError,
      }));
    `,
    'env.mjs': `
      import { cancelUploadDocumentJob } from 'gpdb-edge';
      import { scenarioOptions } from './scenario.mjs';
      const options = scenarioOptions({ endpoint: process.env.ENDPOINT, jobId: 'job-env' });
      delete options.credentials;
      try {
        console.log(JSON.stringify({ result: await cancelUploadDocumentJob(options) }));
      } catch (error) {
        const { name, message, kind, code } = error;
        console.log(JSON.stringify({ error: { name, message, kind, code } }));
      }
    `,
  });
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'scenario.mjs'));
  mock = await startMockGpdb({
    quiet: true,
    accessKeys: { [DEFAULTS.accessKeyId]: { secret: DEFAULTS.accessKeySecret }, [ENV_KEY.id]: { secret: ENV_KEY.secret } },
  });
});

after(() => mock?.close());

// Asynchronously: the endpoint lives in this process and must keep answering.
// The child gets no credentials of ours unless a test passes them.
async function bun(script, extraEnv = {}) {
  const env = { ...process.env, ENDPOINT: mock.url, BUN_INSTALL_CACHE_DIR: join(dir, '.bun-cache'), NO_COLOR: '1', ...extraEnv };
  for (const name of ENV_NAMES) if (!(name in extraEnv)) delete env[name];
  const { stdout } = await promisify(execFile)(join(BIN, 'bun'), ['--no-install', script], { cwd: dir, env, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

for (const [name, script, entry] of [['ESM import', 'esm.mjs', /\/node\.mjs$/], ['CJS require', 'cjs.cjs', /\/node\.cjs$/]]) {
  test(`${name}: cancels, reports the API error, and signs like the official signer`, async () => {
    mock.reset();
    const { resolved, report } = await bun(script);
    assert.match(resolved, /node_modules\/gpdb-edge\//);
    assert.match(resolved, entry, 'Bun takes the node condition');
    assertScenario(report, mock);
  });
}

test('import and require share one module instance (no dual-package hazard)', async () => {
  const report = await bun('both.mjs');
  assert.equal(report.sameFunction, true);
  assert.equal(report.sameErrorClass, true);
});

test('credentials omitted: read from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET in the environment, as in Node', async () => {
  mock.reset();
  mock.addJob({ jobId: 'job-env' });
  const { result, error } = await bun('env.mjs', { ALIBABA_CLOUD_ACCESS_KEY_ID: ENV_KEY.id, ALIBABA_CLOUD_ACCESS_KEY_SECRET: ENV_KEY.secret });
  assertSignedWithEnvironmentKey(mock, { result, error }, 'job-env');
});

test('credentials omitted and absent from the environment: a credentials error, and nothing is sent', async () => {
  mock.reset();
  const { result, error } = await bun('env.mjs');
  assert.equal(result, undefined);
  assert.equal(error.name, 'GpdbError');
  assert.equal(error.kind, 'credentials');
  assert.equal(error.code, 'MissingParameter');
  assert.match(error.message, /^credentials is required: pass credentials, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
  assert.equal(mock.requests.length, 0);
});
