// The CLI as installed by npm (`node_modules/.bin/gpdb-edge`): exit codes, output, and that the
// secrets reach neither its arguments nor anything it prints.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { assertOnTheWire, DEFAULTS, scratchProject, SECRETS, startMockGpdb } from './harness.mjs';

let dir;
let mock;

before(async () => {
  dir = scratchProject('cli');
  writeFileSync(join(dir, 'password.txt'), `${DEFAULTS.namespacePassword}\n`);
  mock = await startMockGpdb({ quiet: true });
});

after(() => mock?.close());

const ENV = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULTS.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULTS.accessKeySecret,
  GPDB_NAMESPACE_PASSWORD: DEFAULTS.namespacePassword,
};

function args(jobId = DEFAULTS.jobId, extra = []) {
  return ['cancel-upload-document-job', '--region-id', DEFAULTS.regionId, '--db-instance-id', DEFAULTS.dbInstanceId,
    '--collection', DEFAULTS.collection, '--job-id', jobId, '--endpoint', mock.url, ...extra];
}

// Asynchronously: the endpoint lives in this process and must keep answering.
async function cli(argv, env = ENV) {
  const childEnv = { PATH: process.env.PATH, ...env };
  try {
    const { stdout, stderr } = await promisify(execFile)(join(dir, 'node_modules/.bin/gpdb-edge'), argv, { cwd: dir, env: childEnv, timeout: 30_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return { status: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

function assertNoSecret({ stdout, stderr }) {
  for (const secret of Object.values(SECRETS)) assert.ok(!(stdout + stderr).includes(secret), 'a secret was printed');
}

test('cancels (exit 0), then shows the API error with code, request id and recommend (exit 1)', async () => {
  mock.reset();
  const first = await cli(args());
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^Cancelled upload document job 231460f8-75dc-405e-a669-0c5204887e91: success \(success\)\n  request id: [0-9A-F-]{36}\n$/);
  const second = await cli(args());
  assert.equal(second.status, 1);
  assert.equal(second.stdout, '');
  assert.match(second.stderr, /^gpdb-edge: api error: UploadDocumentJob\.StatusInvalid: The upload document job .* has already been cancelled\./);
  assert.match(second.stderr, /\n  request id: [0-9A-F-]{36}\n/);
  assert.match(second.stderr, /\n  recommend:  https:\/\/api\.aliyun\.com\/troubleshoot\?q=UploadDocumentJob\.StatusInvalid/);
  for (const run of [first, second]) assertNoSecret(run);
  for (const record of mock.requests) assertOnTheWire(record);
  assert.deepEqual(mock.requests.map((r) => r.signatureVersion), ['v3', 'v3'], 'V3 by default');
});

test('--signature-version v2 signs with V2; --proxy-url sends there, signed for --endpoint', async () => {
  mock.reset();
  const v2 = await cli(args(DEFAULTS.jobId, ['--signature-version', 'v2']));
  assert.equal(v2.status, 0, v2.stderr);
  mock.addJob({ jobId: 'job-proxied' });
  mock.signedHost = 'gpdb.aliyuncs.com'; // as a proxy in front of the API would forward it
  try {
    const proxied = await cli([...args('job-proxied'), '--endpoint', 'https://gpdb.aliyuncs.com', '--proxy-url', mock.url]);
    assert.equal(proxied.status, 0, proxied.stderr);
  } finally {
    mock.signedHost = null;
  }
  assert.deepEqual(mock.requests.map((r) => [r.signatureVersion, r.response.status]), [['v2', 200], ['v3', 200]]);
  for (const record of mock.requests) assertOnTheWire({ ...record, headers: { ...record.headers, host: record.signatureVersion === 'v3' ? 'gpdb.aliyuncs.com' : record.headers.host } });
});

test('--json prints the result and the error as JSON; the password may come from a file', async () => {
  mock.reset();
  const env = { ...ENV, GPDB_NAMESPACE_PASSWORD: undefined };
  const ok = await cli(args(DEFAULTS.jobId, ['--json', '--namespace-password-file', 'password.txt']), env);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual({ ...JSON.parse(ok.stdout), requestId: 'R' }, { requestId: 'R', status: 'success', message: 'success' });
  const failed = await cli(args(DEFAULTS.jobId, ['--json', '--namespace-password-file', 'password.txt']), env);
  assert.equal(failed.status, 1);
  const { error } = JSON.parse(failed.stdout);
  assert.equal(error.kind, 'api');
  assert.equal(error.code, 'UploadDocumentJob.StatusInvalid');
  assert.equal(error.httpStatus, 400);
  assert.match(error.requestId, /^[0-9A-F-]{36}$/);
  for (const run of [ok, failed]) assertNoSecret(run);
});

test('a transport error exits 1 and says how many attempts were made', async () => {
  const run = await cli([...args(), '--endpoint', 'http://127.0.0.1:9', '--max-retries', '0']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^gpdb-edge: network error: /);
  assert.match(run.stderr, /\n  code:       NetworkError\n  attempts:   1\n$/);
});

test('usage errors exit 2 before anything is sent', async () => {
  mock.reset();
  const cases = [
    [['cancel-upload-document-job', '--region-id', 'cn-hangzhou'], /dbInstanceId is required \(--db-instance-id\)/, ENV],
    [[...args(), '--namespace-password', 'x'], /--namespace-password is not accepted: a password on the command line is visible in `ps`/, ENV],
    [[...args(), '--namespace-password=x'], /--namespace-password is not accepted/, ENV],
    [['delete-everything'], /unknown command delete-everything/, ENV],
    [[], /missing command: cancel-upload-document-job or get-upload-document-job/, ENV],
    [[...args(), '--bogus'], /Unknown option '--bogus'/, ENV],
    [[...args(), '--timeout-ms', 'soon'], /--timeout-ms must be a number/, ENV],
    [args(), /namespacePassword is required \(GPDB_NAMESPACE_PASSWORD\)/, { ...ENV, GPDB_NAMESPACE_PASSWORD: undefined }],
    [args(), /credentials is required/, { GPDB_NAMESPACE_PASSWORD: DEFAULTS.namespacePassword }],
    [[...args(), '--namespace-password-file', 'missing.txt'], /cannot read --namespace-password-file: ENOENT/, ENV],
    [[...args(), '--region-id', 'Hangzhou'], /regionId is malformed/, ENV],
    [[...args(), '--signature-version', 'v4'], /signatureVersion is malformed.*\(--signature-version\)/, ENV],
    [[...args(), '--proxy-url', 'ftp://proxy'], /proxyUrl is malformed.*\(--proxy-url\)/, ENV],
    [[...args(), '--endpoint', 'http://gpdb.example.com'], /endpoint is http:\/\/ to a host that is not loopback.*\(--endpoint\)/, ENV],
  ];
  for (const [argv, message, env] of cases) {
    const run = await cli(argv, env);
    assert.equal(run.status, 2, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assertNoSecret(run);
  }
  assert.equal(mock.requests.length, 0);
});

test('--allow-insecure-http lets --endpoint be http:// beyond loopback', async () => {
  mock.reset();
  // 127.1 reaches the local endpoint but is not written as a loopback address; V2 does not sign the host.
  const endpoint = mock.url.replace('127.0.0.1', '127.1');
  const refused = await cli([...args(), '--endpoint', endpoint, '--signature-version', 'v2']);
  assert.equal(refused.status, 2, refused.stderr);
  const run = await cli([...args(), '--endpoint', endpoint, '--signature-version', 'v2', '--allow-insecure-http']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(mock.requests.length, 1);
});

test('--help exits 0 and documents the password sources', async () => {
  const run = await cli(['--help']);
  assert.equal(run.status, 0);
  assert.match(run.stdout, /GPDB_NAMESPACE_PASSWORD/);
  assert.match(run.stdout, /--namespace-password-file/);
});

test('get-upload-document-job prints the job; --json prints its state', async () => {
  mock.reset();
  mock.addJob({ jobId: 'job-done', status: 'Success', usage: { EmbeddingEntries: 10, EmbeddingTokens: 475 }, chunkResult: { ChunkFileUrl: 'https://example.com/c.jsonl' } });
  const running = await cli(['get-upload-document-job', ...args().slice(1)]);
  assert.equal(running.status, 0, running.stderr);
  assert.match(running.stdout, /^Upload document job 231460f8-75dc-405e-a669-0c5204887e91: Running, \d+%\n  created:    \d{4}-/);
  assert.match(running.stdout, /\n  request id: [0-9A-F-]{36}\n$/);
  const done = await cli(['get-upload-document-job', ...args('job-done').slice(1), '--json']);
  assert.equal(done.status, 0, done.stderr);
  const state = JSON.parse(done.stdout);
  assert.equal(state.job.status, 'Success');
  assert.deepEqual(state.usage, { embeddingEntries: 10, embeddingTokens: 475 });
  const text = await cli(['get-upload-document-job', ...args('job-done').slice(1)]);
  assert.match(text.stdout, /: Success, 100%\n/);
  assert.match(text.stdout, /\n  chunks:     https:\/\/example\.com\/c\.jsonl\n  usage:      10 entries, 475 tokens\n/);
  for (const run of [running, done, text]) assertNoSecret(run);
  assert.deepEqual(mock.requests.map((r) => r.action), ['GetUploadDocumentJob', 'GetUploadDocumentJob', 'GetUploadDocumentJob']);
});

test('cancel-upload-document-job --wait prints each status until Cancelled; a job that ends otherwise exits 1', async () => {
  mock.reset();
  mock.cancellingPolls = 2;
  const run = await cli([...args(), '--wait', '--poll-interval-ms', '20']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^Cancelled upload document job [^\n]+\n  request id: [0-9A-F-]{36}\n  status: Cancelling \(\d+%\)\n  status: Cancelled \(\d+%\)\n$/);
  assertNoSecret(run);
  // A job that is about to finish: the cancel of a succeeded job is refused outright.
  mock.addJob({ jobId: 'job-done', status: 'Success' });
  const done = await cli([...args('job-done'), '--wait']);
  assert.equal(done.status, 1);
  assert.match(done.stderr, /UploadDocumentJob\.StatusInvalid/);
  // --wait with get is a usage error.
  const usage = await cli(['get-upload-document-job', ...args().slice(1), '--wait']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--wait, --poll-interval-ms and --max-wait-ms go with cancel-upload-document-job/);
});

// `call`: any action, its JSON answer printed; a secret parameter only from the environment.
function callArgs(extra = []) {
  return ['call', '--action', 'GetUploadDocumentJob', '--version', '2016-05-03', '--endpoint', mock.url,
    '--query', `DBInstanceId=${DEFAULTS.dbInstanceId}`, '--query', `RegionId=${DEFAULTS.regionId}`,
    '--body', `Collection=${DEFAULTS.collection}`, '--body', `JobId=${DEFAULTS.jobId}`, '--body', 'Namespace=public',
    '--body-env', 'NamespacePassword=GPDB_NAMESPACE_PASSWORD', ...extra];
}

test('call: prints the JSON answer of any action (exit 0); --json on one line', async () => {
  mock.reset();
  const pretty = await cli(callArgs());
  assert.equal(pretty.status, 0, pretty.stderr);
  const answer = JSON.parse(pretty.stdout);
  assert.deepEqual([answer.Status, answer.Job.Id, answer.Job.Status], ['success', DEFAULTS.jobId, 'Running']);
  assert.match(pretty.stdout, /^\{\n {2}"RequestId": "[0-9A-F-]{36}",\n/);
  const compact = await cli(callArgs(['--json', '--signature-version', 'v2']));
  assert.equal(compact.status, 0, compact.stderr);
  assert.equal(compact.stdout.split('\n').length, 2, 'one line');
  const sent = mock.requests.filter((r) => r.method === 'POST');
  assert.deepEqual(sent.map((r) => r.signatureVersion), ['v3', 'v2']);
  for (const record of sent) assertOnTheWire(record);
  assertNoSecret(pretty);
});

test('call: the API error (exit 1); bad flags and secrets on the command line are usage errors (exit 2)', async () => {
  mock.reset();
  const denied = await cli(callArgs(['--query', 'DBInstanceId=gp-missing']));
  assert.equal(denied.status, 1);
  assert.match(denied.stderr, /^gpdb-edge: api error: InvalidDBInstanceId\.NotFound: /);
  assertNoSecret(denied);

  const cases = [
    [[...callArgs(), '--body', 'NamespacePassword=hunter2'], /NamespacePassword is not accepted on the command line/],
    [[...callArgs(), '--query', 'novalue'], /--query takes Name=value/],
    [[...callArgs(), '--region-id', 'cn-hangzhou'], /--region-id does not go with call/],
    [[...args(), '--action', 'X'], /--action does not go with cancel-upload-document-job/],
    [callArgs().map((a) => (a === '2016-05-03' ? '2016-5-3' : a)), /input error: version is malformed: expected the API version as YYYY-MM-DD/],
    [['call', '--action', 'X', '--version', '2016-05-03', '--endpoint', mock.url, '--body-env', 'Password=UNSET_VARIABLE'], /the environment variable UNSET_VARIABLE is not set/],
  ];
  for (const [argv, message] of cases) {
    const result = await cli(argv);
    assert.equal(result.status, 2, argv.join(' '));
    assert.match(result.stderr, message);
  }
  assert.equal(mock.requests.filter((r) => r.method === 'POST').length, 1, 'only the first call was sent');
});
