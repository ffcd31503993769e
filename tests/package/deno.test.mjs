// Deno 2: the installed package through the `deno` condition of the exports map (deno.mjs), with
// the narrowest permissions that work, and nothing fetched: the package is already in node_modules.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { assertScenario, assertSignedWithEnvironmentKey, BIN, DEFAULTS, ENV_KEY, ROOT, scratchProject, startMockGpdb } from './harness.mjs';

const ENV_NAMES = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'];

let dir;
let mock;

before(async () => {
  dir = scratchProject('deno', {
    // A package.json user's project: bare specifiers come from node_modules, never from a registry.
    'deno.json': JSON.stringify({ nodeModulesDir: 'manual', lock: false }, null, 2),
    'main.mjs': `
      import * as lib from 'gpdb-edge';
      import { runScenario, scenarioOptions } from './scenario.mjs';
      const report = await runScenario(lib, scenarioOptions({ endpoint: Deno.args[0] }));
      console.log(JSON.stringify({ resolved: import.meta.resolve('gpdb-edge'), report }));
    `,
    'env.mjs': `
      import { cancelUploadDocumentJob } from 'gpdb-edge';
      import { scenarioOptions } from './scenario.mjs';
      const options = scenarioOptions({ endpoint: Deno.args[0], jobId: 'job-env' });
      delete options.credentials;
      try {
        console.log(JSON.stringify({ result: await cancelUploadDocumentJob(options) }));
      } catch (error) {
        const { name, message, kind, code } = error;
        const cause = error.cause && { name: error.cause.name, message: error.cause.message };
        console.log(JSON.stringify({ error: { name, message, kind, code, cause } }));
      }
    `,
  });
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'scenario.mjs'));
  mkdirSync(join(dir, '.deno'));
  mock = await startMockGpdb({
    quiet: true,
    accessKeys: { [DEFAULTS.accessKeyId]: { secret: DEFAULTS.accessKeySecret }, [ENV_KEY.id]: { secret: ENV_KEY.secret } },
  });
});

after(() => mock?.close());

// The child's environment: no credentials of our own unless a test passes them.
function childEnv(extra = {}) {
  const env = { ...process.env, DENO_DIR: join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', ...extra };
  for (const name of ENV_NAMES) if (!(name in extra)) delete env[name];
  return env;
}

// Asynchronously: the endpoint lives in this process and must keep answering.
async function deno(script, permissions, env) {
  const { host } = new URL(mock.url);
  const args = ['run', '--no-prompt', '--cached-only', `--allow-net=${host}`, ...permissions, script, mock.url];
  const { stdout } = await promisify(execFile)(join(BIN, 'deno'), args, { cwd: dir, env: childEnv(env), timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

// deno.mjs imports its wasm as a module (`import source`), so no read permission is granted.
test('ESM import under the deno condition, with network access only: cancels, reports the API error, signs like the official signer', async () => {
  mock.reset();
  const { resolved, report } = await deno('main.mjs', []);
  assert.match(resolved, /node_modules\/gpdb-edge\/deno\.mjs$/, 'the deno condition picked deno.mjs');
  assertScenario(report, mock);
  assert.deepEqual(readdirSync(join(dir, '.deno/npm')), [], 'Deno fetched nothing from a registry');
});

test('credentials omitted: read from process.env when --allow-env grants the three names', async () => {
  mock.reset();
  mock.addJob({ jobId: 'job-env' });
  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: ENV_KEY.id, ALIBABA_CLOUD_ACCESS_KEY_SECRET: ENV_KEY.secret };
  const { result, error } = await deno('env.mjs', [`--allow-env=${ENV_NAMES.join(',')}`], env);
  assertSignedWithEnvironmentKey(mock, { result, error }, 'job-env');
});

test('credentials omitted without --allow-env: a credentials error, and nothing is sent', async () => {
  mock.reset();
  mock.addJob({ jobId: 'job-env' });
  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: ENV_KEY.id, ALIBABA_CLOUD_ACCESS_KEY_SECRET: ENV_KEY.secret };
  const { result, error } = await deno('env.mjs', [], env);
  assert.equal(result, undefined);
  assert.equal(error.name, 'GpdbError');
  assert.equal(error.kind, 'credentials');
  assert.equal(error.code, 'EnvironmentDenied');
  assert.match(error.message, /reading ALIBABA_CLOUD_ACCESS_KEY_ID from the environment was denied/);
  assert.equal(error.cause.name, 'NotCapable', 'the runtime\'s own error is kept as the cause');
  assert.equal(mock.requests.length, 0);
});
