// Shared by the package tests: install the packed tarball into a scratch project exactly as a
// user would, start the local gpdb endpoint, and assert what each runtime put on the wire.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, extname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { startMockGpdb, startRecorder, DEFAULTS } from '../mock-gpdb/server.mjs';
export { runScenario, runSecurityScenario, scenarioOptions, SECRETS } from './scenario.mjs';
import { SECRETS } from './scenario.mjs';
import { DEFAULTS, ECHO_ENCODINGS } from '../mock-gpdb/server.mjs';
import { officialContentSha256, signOfficially } from '../cross-check/official-v3-signer.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'node_modules/.bin');
const require = createRequire(import.meta.url);
const OpenApiUtil = require('@alicloud/openapi-util').default;

/** The tarball `make build` packed (or $GPDB_EDGE_TARBALL). */
export function tarball() {
  if (process.env.GPDB_EDGE_TARBALL) return process.env.GPDB_EDGE_TARBALL;
  const name = readdirSync(join(ROOT, 'target')).find((f) => /^gpdb-edge-.*\.tgz$/.test(f));
  assert.ok(name, 'no packed tarball in target/: run `make build` first');
  return join(ROOT, 'target', name);
}

/**
 * A fresh project in .scratch/<name> with the tarball installed by npm, as a user would.
 * `files` are written into it first (path → content).
 */
export function scratchProject(name, files = {}, { type = 'module' } = {}) {
  const dir = join(ROOT, '.scratch', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `scratch-${name}`, private: true, type }, null, 2));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--silent', tarball()], { cwd: dir, stdio: 'inherit' });
  return dir;
}

/**
 * Bundles the Worker in `dir` as a deploy would (`wrangler deploy --dry-run --outdir dist`, so the
 * `workerd` condition resolves) and returns the emitted `{ out, jsName, wasmName, js, wasm }`.
 * Asynchronous: a local endpoint in this process must keep answering meanwhile.
 */
export async function wranglerBundle(dir) {
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
  if (!jsName || !wasmName) throw new Error(`wrangler emitted no .js and .wasm (got ${files.join(', ')})`);
  return { out, jsName, wasmName, js: readFileSync(join(out, jsName), 'utf8'), wasm: readFileSync(join(out, wasmName)) };
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', // instantiateStreaming refuses any other type
};

/**
 * Serves the files under `root` on 127.0.0.1 and records every request as `{ method, path, status }`,
 * so a test can count what the page fetched. Resolves `{ server, origin, requests }`.
 */
export async function serveStatic(root) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = normalize(join(root, path === '/' ? 'index.html' : decodeURIComponent(path)));
    const type = CONTENT_TYPES[extname(file)];
    let body;
    try {
      if (relative(root, file).startsWith('..') || !type) throw new Error('not served');
      body = readFileSync(file);
    } catch {
      requests.push({ method: req.method, path, status: 404 });
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    requests.push({ method: req.method, path, status: 200 });
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, requests, origin: `http://127.0.0.1:${server.address().port}` };
}

/**
 * Collects what went wrong in a page: console errors and warnings, page errors, failed requests.
 * Chromium logs every 4xx as "Failed to load resource"; those from `expectedErrorsFrom` (the local
 * endpoint, whose API errors the scenario asks for and asserts) are left out.
 */
export function collectPageProblems(page, expectedErrorsFrom) {
  const problems = [];
  page.on('console', (m) => {
    if (!['error', 'warning'].includes(m.type())) return;
    if (m.text().startsWith('Failed to load resource') && m.location().url.startsWith(expectedErrorsFrom)) return;
    problems.push(`console.${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  return problems;
}

/** Debian's Chromium, headless, with the flags this sandbox needs (root, no GPU, no network). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A second key pair, known to the endpoint, that only a child's environment carries. */
export const ENV_KEY = { id: 'LTAI5tMockEnvironmentKey', secret: 'mock-environment-key-secret' };

/** A call made with credentials from the environment succeeded, signed with ENV_KEY. */
export function assertSignedWithEnvironmentKey(mock, { result, error }, jobId) {
  assert.equal(error, undefined);
  assert.deepEqual({ ...result, requestId: 'R' }, { requestId: 'R', status: 'success', message: 'success' });
  const [record] = mock.requests.filter((r) => r.method === 'POST');
  assert.match(record.headers.authorization, new RegExp(`^ACS3-HMAC-SHA256 Credential=${ENV_KEY.id},`));
  assert.equal(record.form.JobId, jobId);
  assertOnTheWire(record, { accessKeySecret: ENV_KEY.secret, secrets: [ENV_KEY.secret, SECRETS.namespacePassword] });
}

const FORM_KEYS = ['Collection', 'JobId', 'Namespace', 'NamespacePassword'];
const QUERY_KEYS = ['AccessKeyId', 'Action', 'DBInstanceId', 'Format', 'RegionId', 'Signature', 'SignatureMethod',
  'SignatureNonce', 'SignatureVersion', 'Timestamp', 'Version'];
const V3_SIGNED_HEADERS = ['content-type', 'host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];
const DATE_FORMAT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * The `Authorization` the official getAuthorization computes for a V3 request:
 * `{ url, headers, body }` as signed or as received (`host` from the URL when absent).
 */
export function officialAuthorization({ url, headers, body }, { accessKeyId = 'LTAI5tMockAccessKeyId', accessKeySecret = SECRETS.accessKeySecret } = {}) {
  const parsed = new URL(url);
  const signed = Object.entries({ host: parsed.host, ...headers }).filter(([name]) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'));
  return signOfficially({ method: 'POST', pathname: parsed.pathname, query: [...parsed.searchParams], headers: signed, body, accessKeyId, accessKeySecret }).authorization;
}

/** One recorded request: the official signer agrees, the split is the SDK's, no secret is in the URL. */
export function assertOnTheWire(record, { accessKeySecret = SECRETS.accessKeySecret, secrets = Object.values(SECRETS), token } = {}) {
  assert.equal(record.method, 'POST');
  if (record.signatureVersion === 'v3') {
    const accessKeyId = /Credential=([^,]*),/.exec(record.headers.authorization)?.[1];
    const url = `http://${record.headers.host}${record.path}?${record.rawQuery}`;
    assert.equal(record.headers.authorization, officialAuthorization({ url, headers: record.headers, body: record.rawBody }, { accessKeyId, accessKeySecret }),
      'the official getAuthorization agrees');
    assert.deepEqual(Object.keys(record.query).sort(), ['DBInstanceId', 'RegionId'], 'query string parameters');
    assert.deepEqual(Object.keys(record.form).sort(), FORM_KEYS, 'form body parameters');
    assert.deepEqual(record.signedHeaders, token ? [...V3_SIGNED_HEADERS, 'x-acs-security-token'].sort() : V3_SIGNED_HEADERS, 'signed headers');
    assert.equal(record.headers['x-acs-security-token'], token);
    assert.match(record.headers['x-acs-date'], DATE_FORMAT);
  } else {
    const { Signature, ...signed } = { ...record.query, ...record.form };
    assert.equal(Signature, OpenApiUtil.getRPCSignature(signed, 'POST', accessKeySecret), 'the official signer agrees');
    assert.deepEqual(Object.keys(record.query).sort(), QUERY_KEYS, 'query string parameters');
    assert.deepEqual(Object.keys(record.form).sort(), token ? [...FORM_KEYS, 'SecurityToken'].sort() : FORM_KEYS, 'form body parameters');
    assert.match(record.query.Timestamp, DATE_FORMAT);
  }
  assert.equal(record.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.ok(['CancelUploadDocumentJob', 'GetUploadDocumentJob'].includes(record.action), record.action);
  assert.equal(record.headers['x-acs-action'], record.action);
  assert.equal(record.headers['x-acs-version'], '2016-05-03');
  const url = `${record.path}?${record.rawQuery}`;
  for (const secret of [...secrets, token].filter(Boolean)) {
    for (const form of [secret, encodeURIComponent(secret)]) assert.ok(!url.includes(form), 'no secret in the URL');
  }
}

/** Every nonce the endpoint saw is distinct. */
export function assertFreshNonces(mock) {
  const nonces = mock.nonces();
  assert.ok(nonces.length > 0);
  assert.equal(new Set(nonces).size, nonces.length, 'a nonce was sent twice');
}

/** The report of scenario.mjs, checked against what the endpoint recorded. */
export const EXPORTS = ['GpdbError', 'assumeRole', 'callApi', 'cancelUploadDocumentJob', 'getUploadDocumentJob', 'isGpdbError', 'ready',
  'signApiRequest', 'signCancelUploadDocumentJob', 'signGetUploadDocumentJob', 'waitForUploadDocumentJob'];

export function assertScenario(report, mock, { expectedExports = EXPORTS } = {}) {
  assert.deepEqual(report.exports, expectedExports);

  // signCancelUploadDocumentJob with a fixed timestamp and nonce: the official signers' signatures,
  // V3 (the default) and V2.
  const signed = report.signed;
  assert.equal(signed.method, 'POST');
  assert.deepEqual([...new URL(signed.url).searchParams.keys()], ['DBInstanceId', 'RegionId']);
  assert.deepEqual(Object.keys(signed.headers).sort(), ['accept', 'authorization', 'content-type', 'x-acs-action', 'x-acs-content-sha256',
    'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version']);
  assert.equal(signed.headers['x-acs-date'], '2016-02-23T12:46:24Z');
  assert.equal(signed.headers['x-acs-signature-nonce'], 'fixed-nonce');
  assert.equal(signed.headers['x-acs-content-sha256'], officialContentSha256(signed.body));
  assert.equal(signed.headers.authorization, officialAuthorization(signed));

  const v2 = report.signedV2;
  const query = Object.fromEntries(new URL(v2.url).searchParams);
  assert.equal(query.Timestamp, '2016-02-23T12:46:24Z');
  assert.equal(query.SignatureNonce, 'fixed-nonce');
  const { Signature, ...params } = { ...query, ...Object.fromEntries(new URLSearchParams(v2.body)) };
  assert.equal(Signature, OpenApiUtil.getRPCSignature(params, 'POST', SECRETS.accessKeySecret));
  assert.deepEqual(v2.headers, {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'x-acs-action': 'CancelUploadDocumentJob',
    'x-acs-version': '2016-05-03',
  });

  // The first cancel succeeds, the second is the API's error with every field.
  assert.equal(typeof report.first.requestId, 'string');
  assert.deepEqual({ ...report.first, requestId: 'R' }, { requestId: 'R', status: 'success', message: 'success' });
  const e = report.secondError;
  assert.ok(e, 'the second cancel must fail');
  assert.equal(e.isGpdbError, true);
  assert.equal(e.isGpdbErrorFunction, true);
  assert.equal(e.isError, true);
  assert.equal(e.name, 'GpdbError');
  assert.equal(e.kind, 'api');
  assert.equal(e.code, 'UploadDocumentJob.StatusInvalid');
  assert.equal(e.httpStatus, 400);
  assert.equal(e.retryable, false);
  assert.equal(e.attempts, 1);
  assert.match(e.requestId, /^[0-9A-F-]{36}$/);
  assert.equal(e.hostId, new URL(mock.url).host);
  assert.match(e.recommend, /^https:\/\/api\.aliyun\.com\/troubleshoot\?q=UploadDocumentJob\.StatusInvalid/);
  assert.match(e.message, /UploadDocumentJob\.StatusInvalid: .*has already been cancelled/);

  // GetUploadDocumentJob: the cancelled job, in the API's names in camelCase; nothing invented.
  assert.match(report.state.requestId, /^[0-9A-F-]{36}$/);
  assert.equal(report.state.job.id, DEFAULTS.jobId);
  assert.equal(report.state.job.status, 'Cancelling');
  assert.equal(typeof report.state.job.progress, 'number');
  assert.equal(typeof report.state.job.completed, 'boolean');
  assert.match(report.state.job.createTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  assert.equal(report.state.chunkResult, undefined, 'no chunks for a cancelled job');
  assert.equal(report.state.usage, undefined);

  // callApi: the same job, as the API writes it (PascalCase, its own JSON).
  assert.match(report.api.RequestId, /^[0-9A-F-]{36}$/);
  assert.deepEqual([report.api.Status, report.api.Job.Id, report.api.Job.Status], ['success', DEFAULTS.jobId, 'Cancelling']);
  assert.equal(typeof report.api.Job.Completed, 'boolean');

  // A PascalCase option is refused before anything is sent.
  assert.equal(report.inputError.isGpdbError, true);
  assert.equal(report.inputError.isGpdbErrorFunction, true);
  assert.equal(report.inputError.kind, 'input');
  assert.equal(report.inputError.code, 'UnknownOption');
  assert.match(report.inputError.message, /did you mean dbInstanceId/);

  const sent = mock.requests.filter((r) => r.method === 'POST');
  assert.equal(sent.length, 4, 'four requests reached the endpoint');
  assert.deepEqual(sent.map((r) => r.response.status), [200, 400, 200, 200]);
  assert.deepEqual(sent.map((r) => r.action), ['CancelUploadDocumentJob', 'CancelUploadDocumentJob', 'GetUploadDocumentJob', 'GetUploadDocumentJob']);
  assert.deepEqual(sent.map((r) => r.signatureVersion), ['v3', 'v2', 'v3', 'v3'], 'the first cancel signed with V3, the second with V2');
  for (const record of sent) assertOnTheWire(record);
  assertFreshNonces(mock);
}

/** A local URL nothing listens on. */
export async function closedPortUrl() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Injects the two faults runSecurityScenario meets: a 307 to `recorder`, then an echo. */
export function injectSecurityFaults(mock, recorder) {
  mock.inject({ type: 'redirect', status: 307, location: `${recorder.url}/collect?from=gpdb` }, 1);
  mock.inject({ type: 'echo' }, 1);
}

/**
 * The report of runSecurityScenario: the redirect refused, naming its host (a browser hides it:
 * an opaque redirect, status 0), nothing sent to the recorder; the echo shown with every secret
 * masked, in every encoding.
 */
export function assertSecurityScenario(report, mock, recorder, unreachable, { browser = false } = {}) {
  const redirect = report.redirect;
  assert.deepEqual([redirect.isGpdbError, redirect.kind, redirect.code, redirect.retryable, redirect.attempts, redirect.httpStatus],
    [true, 'response', 'RedirectRefused', false, 1, browser ? 0 : 307], redirect.message);
  assert.match(redirect.message, browser ? /^HTTP 0 redirect refused: / : new RegExp(`^HTTP 307 redirect to ${new URL(recorder.url).host} refused: `));
  assert.deepEqual(recorder.requests, [], 'nothing reached the other origin');

  const echo = report.echo;
  assert.deepEqual([echo.kind, echo.code, echo.httpStatus], ['api', 'InvalidParameter', 400], echo.message);
  assert.match(echo.message, /raw=\*\*\* ; percent=\*\*\*/);
  const [, echoed] = mock.requests.filter((r) => r.method === 'POST');
  for (const secret of [...Object.values(SECRETS), echoed.headers.authorization.split('Signature=')[1]]) {
    for (const form of Object.values(ECHO_ENCODINGS).map((encode) => encode(secret))) {
      assert.ok(!JSON.stringify(echo).includes(form), `a secret's form ${form.slice(0, 10)}… is shown`);
    }
  }

  // The platform's words vary; the destination and, in a browser, why it may be CORS do not.
  const down = report.unreachable;
  assert.deepEqual([down.kind, down.code, down.attempts], ['network', 'NetworkError', 1], down.message);
  assert.ok(down.message.startsWith(`network error: cannot reach ${new URL(unreachable).host}: `), down.message);
  assert.equal(down.message.includes('a CORS refusal and an unreachable host look the same to the page'), browser, down.message);
  assert.ok(!down.message.includes('DBInstanceId'), 'no query in the message');
}
