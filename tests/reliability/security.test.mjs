// Issue 18: secrets stay where they belong on every path a request can take. Through the
// installed package's public API, against the local endpoint misbehaving as proxies and gateways
// do: a redirect to a second local origin that records whatever reaches it, an echo of every
// secret in every encoding, an answer that names a key twice, cleartext off loopback, a time
// without a zone, an unreachable host; and what stays of the secrets in the wasm memory.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { ECHO_ENCODINGS, startRecorder } from '../mock-gpdb/server.mjs';
import {
  ACCESS_KEY_ID, assertNoSecretInValue, assertRequestsOnTheWire, callOptions, DEFAULTS, installPackage, requestLog, SECRETS,
  startReliabilityMock, STS_CREDENTIALS,
} from './support.mjs';

const TIMEZONE_SCRIPT = `
const { signCancelUploadDocumentJob } = require('gpdb-edge');
const options = JSON.parse(process.env.GPDB_CALL);
const out = {};
for (const timestamp of JSON.parse(process.env.TIMESTAMPS)) {
  try {
    out[timestamp] = signCancelUploadDocumentJob({ ...options, timestamp }).headers['x-acs-date'];
  } catch (error) {
    out[timestamp] = { kind: error.kind, code: error.code, field: error.field, message: error.message };
  }
}
process.stdout.write(JSON.stringify({ offsetMinutes: new Date(2024, 0, 1).getTimezoneOffset(), out }));
`;

let dir;
let lib;
let wasmMemory;
let mock;
let log;
let recorder;

before(async () => {
  ({ dir, lib, wasmMemory } = installPackage('reliability-security', { 'timezone.cjs': TIMEZONE_SCRIPT }));
  mock = await startReliabilityMock();
  log = requestLog(mock);
  recorder = await startRecorder();
});

after(async () => {
  await mock?.close();
  await recorder?.close();
});

const call = (overrides = {}) => lib.cancelUploadDocumentJob(callOptions(mock, overrides));
const outcome = (promise) => promise.then((result) => ({ result }), (error) => ({ error }));

function assertRejected({ error, result }, expected, secrets = []) {
  assert.ok(error, `expected a rejection, got ${JSON.stringify(result)}`);
  assert.ok(error instanceof lib.GpdbError, `not a GpdbError: ${error?.stack ?? error}`);
  const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, error[key]]));
  assert.deepEqual(actual, expected, error.message);
  assertNoSecretInValue(error, secrets);
  return error;
}

// ---------------------------------------------------------------------------------------------
// Redirects are never followed.

for (const status of [301, 302, 303, 307, 308]) {
  for (const signatureVersion of ['v3', 'v2']) {
    test(`a ${status} to a second origin (${signatureVersion}): RedirectRefused naming its host; nothing reaches it`, async () => {
      log.reset();
      recorder.requests.length = 0;
      mock.inject({ type: 'redirect', status, location: `${recorder.url}/collect?from=gpdb` }, 3);
      const error = assertRejected(await outcome(call({ signatureVersion })),
        { kind: 'response', code: 'RedirectRefused', httpStatus: status, retryable: false, attempts: 1 });
      assert.ok(error.message.includes(`redirect to ${new URL(recorder.url).host} refused`), error.message);
      assert.ok(!error.message.includes('/collect') && !error.message.includes('from=gpdb'), 'the Location path and query are not quoted');
      assert.match(error.message, /a proxy in front of the API must pass its answers through/);
      assert.deepEqual(recorder.requests, [], 'nothing was sent to the other origin');
      assert.equal(log.posts().length, 1, 'one request, to the endpoint only');
      assertRequestsOnTheWire(log.posts());
    });
  }
}

test('a redirect answering GetUploadDocumentJob, and one from a proxyUrl: refused too', async () => {
  log.reset();
  recorder.requests.length = 0;
  mock.inject({ type: 'redirect', status: 307, location: `${recorder.url}/` }, 1);
  assertRejected(await outcome(lib.getUploadDocumentJob(callOptions(mock))),
    { kind: 'response', code: 'RedirectRefused', httpStatus: 307, attempts: 1 });
  mock.inject({ type: 'redirect', status: 302, location: '/elsewhere' }, 1);
  mock.signedHost = 'gpdb.aliyuncs.com';
  try {
    const error = assertRejected(await outcome(call({ endpoint: 'https://gpdb.aliyuncs.com', proxyUrl: mock.url })),
      { kind: 'response', code: 'RedirectRefused', httpStatus: 302 });
    assert.ok(error.message.includes(`redirect to ${new URL(mock.url).host} refused`), `a relative Location is the proxy's own host: ${error.message}`);
  } finally {
    mock.signedHost = null;
  }
  assert.deepEqual(recorder.requests, []);
});

test('a redirect whose body never ends: refused at its status line, its body not read', async () => {
  // A 302 that sends its headers, then a byte a second for ever: the attempt's 5 s timeout would
  // end a read of it.
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {}).once('data', () => {
      socket.write(`HTTP/1.1 302 Found\r\nLocation: ${recorder.url}/\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const drip = setInterval(() => socket.write('1\r\n.\r\n'), 1000);
      socket.on('close', () => clearInterval(drip));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const started = performance.now();
    const error = assertRejected(await outcome(lib.cancelUploadDocumentJob({
      ...callOptions(mock), endpoint: `http://127.0.0.1:${server.address().port}`, timeoutMs: 5000, maxRetries: 0,
    })), { kind: 'response', code: 'RedirectRefused', httpStatus: 302, attempts: 1 });
    assert.ok(error.message.includes(`redirect to ${new URL(recorder.url).host} refused`), error.message);
    assert.ok(performance.now() - started < 2500, `refused after ${Math.round(performance.now() - started)} ms, not at the timeout`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

// ---------------------------------------------------------------------------------------------
// Echoed secrets: generated secrets, every encoding, random padding and positions.

// Every form checked in the error: the mock's encodings (written independently of the library).
const allForms = (secret) => [...new Set(Object.values(ECHO_ENCODINGS).map((encode) => encode(secret)))];
// Windows of 8 characters of each form, other than runs of escape syntax alone.
function assertNoPieceOf(text, secrets, where) {
  for (const secret of secrets) {
    for (const form of allForms(secret)) {
      for (let at = 0; at + 8 <= form.length; at++) {
        const piece = form.slice(at, at + 8);
        if (/^[%0-9A-Fa-f\\u&#x;+]*$/.test(piece)) continue;
        assert.ok(!text.includes(piece), `${where} shows ${JSON.stringify(piece)} of a secret's form ${JSON.stringify(form.slice(0, 12))}…`);
      }
    }
  }
}

const PASSWORD_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ "', 'é', '中', '😀'];
const randomText = (chars, length) => Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
const base64 = (bytes) => randomBytes(bytes).toString('base64');

test('an echo of every secret in every encoding, 40 generated cases (JSON message and HTML page, padded): nothing shows', async () => {
  const names = Object.keys(ECHO_ENCODINGS);
  for (let i = 0; i < 40; i++) {
    log.reset();
    const accessKeySecret = base64(randomInt(15, 30));
    const securityToken = `CAIS${base64(randomInt(30, 400))}`;
    const namespacePassword = randomText(PASSWORD_CHARS, randomInt(8, 40));
    const encodings = names.filter(() => randomInt(3) > 0);
    const body = i % 2 ? 'html' : 'json';
    // Whitespace padding collapses in the excerpt, so a secret after 2.5 KB of it once straddled the cut.
    const padding = randomInt(0, 3000);
    const fault = { type: 'echo', body, encodings: encodings.length ? encodings : names, padding, paddingChar: i % 4 < 2 ? ' ' : '\n', alsoEcho: [accessKeySecret] };
    mock.inject(fault, 1);
    const signatureVersion = i % 3 === 0 ? 'v2' : 'v3';
    // A key id the endpoint does not know: the only AccessKey secret it echoes is `alsoEcho`'s.
    const credentials = { accessKeyId: 'STS.GeneratedKeyId', accessKeySecret, securityToken };
    const result = await outcome(call({ signatureVersion, maxRetries: 0, credentials, namespacePassword }));
    const [sent] = log.posts();
    const secrets = [accessKeySecret, securityToken, namespacePassword, sent.headers.authorization, sent.query.Signature].filter(Boolean);
    const expected = body === 'json' ? { kind: 'api', code: 'InvalidParameter', httpStatus: 400 } : { kind: 'response', code: 'MalformedResponse', httpStatus: 400 };
    let error;
    try {
      error = assertRejected(result, expected, secrets);
    } catch (failure) {
      if (process.env.DEBUG_ECHO) console.error(JSON.stringify({ secrets, fault, message: result.error?.message }, null, 1));
      throw failure;
    }
    // Of the Authorization value only the signature is secret: the key id and header names are not.
    const pieces = [accessKeySecret, securityToken, namespacePassword, sent.headers.authorization?.split('Signature=')[1], sent.query.Signature].filter(Boolean);
    for (const text of [error.message, JSON.stringify(error), String(error.stack)]) assertNoPieceOf(text, pieces, `case ${i} (${body}, ${signatureVersion})`);
    if (body === 'json') assert.ok(error.message.includes('raw=***') || !encodings.includes('raw'), error.message.slice(0, 300));
  }
});

// ---------------------------------------------------------------------------------------------
// Answers that read one way to one reader and another way to another.

test('a 200 that names Status twice: kind response AmbiguousResponse, not success; for a get, a Job naming it twice', async () => {
  log.reset();
  mock.inject({ type: 'duplicate-key' }, 1);
  const error = assertRejected(await outcome(call({ maxRetries: 2 })),
    { kind: 'response', code: 'AmbiguousResponse', httpStatus: 200, retryable: false, attempts: 1 });
  assert.match(error.message, /^HTTP 200 answer is ambiguous/);
  mock.inject({ type: 'duplicate-key' }, 1);
  assertRejected(await outcome(lib.getUploadDocumentJob(callOptions(mock))), { kind: 'response', code: 'AmbiguousResponse', attempts: 1 });
});

test('a cancel answered with only a Job (a get\'s shape) is not a success', async () => {
  log.reset();
  mock.inject({ type: 'job-only', action: 'CancelUploadDocumentJob' }, 1);
  const error = assertRejected(await outcome(call({ maxRetries: 0 })), { kind: 'response', code: 'MalformedResponse', httpStatus: 200, attempts: 1 });
  assert.match(error.message, /answer has no Status/);
  mock.inject({ type: 'job-only', action: 'GetUploadDocumentJob' }, 1);
  assert.equal((await lib.getUploadDocumentJob(callOptions(mock))).job.status, 'Cancelled', 'the same body is a get\'s answer');
});

// ---------------------------------------------------------------------------------------------
// Cleartext only to loopback.

test('http:// to a host that is not loopback: kind input InsecureEndpoint before anything is sent, for every call', async () => {
  const realFetch = globalThis.fetch;
  let fetches = 0;
  globalThis.fetch = (...args) => { fetches++; return realFetch(...args); };
  try {
    const calls = [
      ['endpoint', () => call({ endpoint: 'http://gpdb.example.com' })],
      ['endpoint', () => lib.getUploadDocumentJob(callOptions(mock, { endpoint: 'http://10.1.2.3:8080' }))],
      ['proxyUrl', () => call({ endpoint: 'https://gpdb.aliyuncs.com', proxyUrl: 'http://console.example.com/api/gpdb' })],
      ['endpoint', async () => lib.signCancelUploadDocumentJob(callOptions(mock, { endpoint: 'http://gpdb.example.com' }))],
    ];
    for (const [field, run] of calls) {
      const error = assertRejected(await outcome(run()), { kind: 'input', code: 'InsecureEndpoint', field, retryable: false, attempts: 0 });
      assert.match(error.message, new RegExp(`^${field} is http:// to a host that is not loopback .*allowInsecureHttp: true`));
    }
    assertRejected(await outcome(call({ endpoint: 'http://gpdb.example.com', allowInsecureHttp: 'yes' })), { kind: 'input', code: 'InvalidType', field: 'allowInsecureHttp' });
    assert.equal(fetches, 0, 'nothing was sent');
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('http:// to loopback needs no opt-in; elsewhere allowInsecureHttp: true lets it through', async () => {
  log.reset();
  for (const endpoint of [mock.url, mock.url.replace('127.0.0.1', 'localhost')]) {
    assert.equal((await call({ endpoint })).status, 'success', endpoint);
    mock.reset();
  }
  // 127.1 reaches 127.0.0.1, but is not written as a loopback address: refused without the opt-in.
  const other = mock.url.replace('127.0.0.1', '127.1');
  assertRejected(await outcome(call({ endpoint: other, signatureVersion: 'v2' })), { kind: 'input', code: 'InsecureEndpoint', attempts: 0 });
  assert.equal((await call({ endpoint: other, signatureVersion: 'v2', allowInsecureHttp: true })).status, 'success');
});

// ---------------------------------------------------------------------------------------------
// A time without a zone is refused, whatever the machine's zone.

test('TZ=Asia/Shanghai: a timestamp without a zone is refused; with Z or an offset it signs that instant', async () => {
  const timestamps = ['2024-01-01T00:00:00', '2024-01-01', '2024-01-01T00:00:00Z', '2024-01-01T08:00:00+08:00'];
  const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'timezone.cjs')], {
    cwd: dir, timeout: 30_000,
    env: { ...process.env, TZ: 'Asia/Shanghai', TIMESTAMPS: JSON.stringify(timestamps), GPDB_CALL: JSON.stringify(callOptions(mock)) },
  });
  const { offsetMinutes, out } = JSON.parse(stdout);
  assert.equal(offsetMinutes, -480, 'the child runs 8 hours east of UTC');
  for (const zoneless of timestamps.slice(0, 2)) {
    assert.equal(out[zoneless].kind, 'input');
    assert.equal(out[zoneless].code, 'MalformedParameter');
    assert.equal(out[zoneless].field, 'timestamp');
    assert.match(out[zoneless].message, /with its zone such as 2024-01-01T00:00:00Z \(a time without a zone would be read as local time\)/);
  }
  assert.equal(out['2024-01-01T00:00:00Z'], '2024-01-01T00:00:00Z');
  assert.equal(out['2024-01-01T08:00:00+08:00'], '2024-01-01T00:00:00Z');
});

test('credentials.expiration without a zone is refused too (kind credentials)', async () => {
  const credentials = async () => ({ ...STS_CREDENTIALS, expiration: '2099-01-01T00:00:00' });
  assertRejected(await outcome(call({ credentials })), { kind: 'credentials', code: 'MalformedParameter', field: 'credentials.expiration', attempts: 0 });
});

// ---------------------------------------------------------------------------------------------
// Network errors name where, never the query.

test('an unreachable host: kind network naming host:port, without the query (V2 puts the Signature there)', async () => {
  const closed = net.createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address();
  await new Promise((resolve) => closed.close(resolve));
  for (const signatureVersion of ['v3', 'v2']) {
    const error = assertRejected(await outcome(call({ endpoint: `http://127.0.0.1:${port}/api`, signatureVersion, maxRetries: 0 })),
      { kind: 'network', code: 'NetworkError', retryable: true, attempts: 1 });
    assert.match(error.message, new RegExp(`^network error: cannot reach 127\\.0\\.0\\.1:${port}: fetch failed \\(ECONNREFUSED\\)$`));
    assert.ok(!/DBInstanceId|Signature=|\?/.test(error.message), error.message);
  }
});

// ---------------------------------------------------------------------------------------------
// What stays of the secrets in the wasm memory once a call has returned.

/** How many times `needle` occurs in the wasm instance's linear memory. */
function occurrences(needle) {
  const memory = new Uint8Array(wasmMemory.buffer);
  const bytes = Buffer.from(needle);
  let count = 0;
  for (let at = Buffer.from(memory.buffer).indexOf(bytes); at !== -1; at = Buffer.from(memory.buffer).indexOf(bytes, at + 1)) count++;
  return count;
}

test('after a cancel, a get and an API error, no copy of the secret, token or password is left in the wasm memory', async (t) => {
  log.reset();
  // Unreserved characters only: the percent-encoded form on the wire is the raw form, so every copy counts.
  const secrets = { accessKeySecret: `MemSecret${randomBytes(12).toString('hex')}`, securityToken: `CAISMemToken${randomBytes(24).toString('hex')}`,
    namespacePassword: `MemPassword${randomBytes(12).toString('hex')}` };
  const options = callOptions(mock, { credentials: { accessKeyId: ACCESS_KEY_ID, accessKeySecret: secrets.accessKeySecret, securityToken: secrets.securityToken },
    namespacePassword: secrets.namespacePassword });
  mock.inject({ type: 'echo', alsoEcho: [secrets.accessKeySecret] }, 1);
  await outcome(lib.cancelUploadDocumentJob(options)); // the echo: an API error
  await outcome(lib.cancelUploadDocumentJob({ ...options, signatureVersion: 'v2' })); // V2: signed, sent, refused by the mock
  await outcome(lib.getUploadDocumentJob(options));
  lib.signCancelUploadDocumentJob(options);
  const counts = Object.fromEntries(Object.entries(secrets).map(([name, secret]) => [name, occurrences(secret)]));
  t.diagnostic(`copies left in ${wasmMemory.buffer.byteLength} bytes of wasm memory: ${JSON.stringify(counts)}`);
  assert.deepEqual(counts, { accessKeySecret: 0, securityToken: 0, namespacePassword: 0 });
});
