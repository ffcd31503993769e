// Every fault the local gpdb endpoint can inject, through the installed package's public API: the
// error a user gets (kind, code, attempts, httpStatus), how long it takes, that no secret leaks
// and no nonce is reused, and that nothing (timer, listener, socket) outlives a call.
//
// Timing bounds: lower bounds are what the retry logic guarantees (less 5 ms of timer rounding);
// upper bounds are about three times the expected time, for a busy 2-core machine.
//
// The clock-offset test uses its own install of the package: the offset learnt from the server
// lives in the module instance for the life of the process, and would skew every later test.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import {
  ACCESS_KEY_ID, assertNoSecretIn, assertNoSecretInValue, assertRequestsOnTheWire, callOptions, DEFAULTS,
  installPackage, mib, requestLog, SECRETS, startReliabilityMock, timed,
} from './support.mjs';

const HOUR_MS = 60 * 60 * 1000;
const TIMER_SLACK_MS = 5;
// The Code the endpoint puts in a JSON 5xx/429 body (tests/mock-gpdb/server.mjs).
const JSON_CODES = { 429: 'Throttling', 500: 'InternalError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout' };

// Calls once (ESM `import`, through the exports map), prints when it settled, and does nothing else.
const ONE_CALL_SCRIPT = `
import { cancelUploadDocumentJob } from 'gpdb-edge';
const options = JSON.parse(process.env.GPDB_CALL);
const abortAfterMs = Number(process.env.ABORT_AFTER_MS ?? 0);
if (abortAfterMs > 0) {
  const controller = new AbortController();
  options.signal = controller.signal;
  setTimeout(() => controller.abort(new Error('stop')), abortAfterMs);
}
let outcome;
try {
  outcome = { status: (await cancelUploadDocumentJob(options)).status };
} catch (error) {
  outcome = { kind: error.kind, code: error.code, attempts: error.attempts };
}
process.stdout.write(JSON.stringify({ ...outcome, settledAt: Date.now() }) + '\\n');
`;

let dir;
let lib;
let wasmMemory;
let clockLib;
let mock;
let log;
const unhandled = [];
const onUnhandledRejection = (reason) => unhandled.push(['unhandledRejection', reason]);
const onUncaughtException = (error) => unhandled.push(['uncaughtException', error]);

before(async () => {
  process.on('unhandledRejection', onUnhandledRejection);
  process.on('uncaughtException', onUncaughtException);
  ({ dir, lib, wasmMemory } = installPackage('reliability-faults', { 'one-call.mjs': ONE_CALL_SCRIPT }));
  ({ lib: clockLib } = installPackage('reliability-faults-clock'));
  mock = await startReliabilityMock();
  log = requestLog(mock);
});

after(async () => {
  await mock?.close();
  process.off('unhandledRejection', onUnhandledRejection);
  process.off('uncaughtException', onUncaughtException);
});

const call = (overrides = {}, library = lib) => timed(() => library.cancelUploadDocumentJob(callOptions(mock, overrides)));

function assertBetween(ms, low, high, what) {
  assert.ok(ms >= low - TIMER_SLACK_MS, `${what}: ${ms.toFixed(0)} ms, expected at least ${low} ms`);
  assert.ok(ms <= high, `${what}: ${ms.toFixed(0)} ms, expected at most ${high} ms`);
}

/** The call rejected with a GpdbError with these fields, and no secret in any printable form. */
function assertRejected(outcome, expected, { secrets = [] } = {}) {
  assert.ok(outcome.error, `expected a rejection, got ${JSON.stringify(outcome.result)}`);
  const error = outcome.error;
  assert.ok(error instanceof lib.GpdbError, `not a GpdbError: ${error?.stack ?? error}`);
  assert.equal(error.name, 'GpdbError');
  const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, error[key]]));
  assert.deepEqual(actual, expected, error.message);
  assertNoSecretInValue(error, secrets);
  return error;
}

/** The call resolved with a success, and the result holds no secret. */
function assertSucceeded(outcome) {
  assert.ok(!outcome.error, `expected success, got ${outcome.error?.stack}`);
  assert.equal(outcome.result.status, 'success');
  assert.equal(outcome.result.message, 'success');
  assert.match(outcome.result.requestId, /^[0-9A-F-]{36}$/);
  assertNoSecretInValue(outcome.result);
}

// Wrong secrets the tests send on purpose: they must not reach a URL either.
const extraSecrets = [];

function fresh() {
  log.reset();
  return log;
}

// ---------------------------------------------------------------------------------------------
// 5xx with JSON and HTML bodies: retried until maxRetries is spent, or until it recovers.

for (const status of [500, 502, 503, 504]) {
  for (const body of ['json', 'html']) {
    const fault = { type: 'status', status, ...(body === 'html' && { body: 'html' }) };
    const expected = body === 'json'
      ? { kind: 'api', code: JSON_CODES[status], httpStatus: status, retryable: true, attempts: 3 }
      : { kind: 'response', code: 'MalformedResponse', httpStatus: status, retryable: true, attempts: 3 };

    test(`${status} with a ${body.toUpperCase()} body: retried twice, then kind ${expected.kind} ${expected.code}`, async () => {
      fresh();
      mock.inject(fault, 3);
      const outcome = await call({ maxRetries: 2, timeoutMs: 500 });
      assertRejected(outcome, expected);
      // Two full-jitter backoffs: [0, 100) + [0, 200) ms.
      assertBetween(outcome.ms, 0, 1500, 'three attempts');
      const posts = log.posts();
      assert.deepEqual(posts.map((r) => r.response.status), [status, status, status]);
      assertRequestsOnTheWire(posts);
    });

    test(`${status} with a ${body.toUpperCase()} body: recovers when it fails fewer times than maxRetries`, async () => {
      fresh();
      mock.inject(fault, 1);
      const outcome = await call({ maxRetries: 2, timeoutMs: 500 });
      assertSucceeded(outcome);
      assertBetween(outcome.ms, 0, 1000, 'two attempts');
      const posts = log.posts();
      assert.deepEqual(posts.map((r) => r.response.status), [status, 200]);
      assertRequestsOnTheWire(posts);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// 429 and throttling: the server's wait is honoured.

test('429 with Retry-After: 1: the retry waits at least a second, then succeeds', async () => {
  fresh();
  mock.inject({ type: 'status', status: 429, retryAfter: 1 }, 1);
  const outcome = await call({ maxRetries: 1, timeoutMs: 500 });
  assertSucceeded(outcome);
  assertBetween(outcome.ms, 1000, 3000, 'the call');
  const posts = log.posts();
  assert.deepEqual(posts.map((r) => r.response.status), [429, 200]);
  assert.ok(posts[1].at - posts[0].at >= 1000, `the retry came ${posts[1].at - posts[0].at} ms after the 429`);
  assertRequestsOnTheWire(posts);
});

test('429 with x-acs-retry-after: 700 (ms): the retry waits 700 ms, in preference to Retry-After: 5', async () => {
  fresh();
  mock.inject({ type: 'status', status: 429, acsRetryAfterMs: 700, retryAfter: 5 }, 1);
  const outcome = await call({ maxRetries: 1, timeoutMs: 500 });
  assertSucceeded(outcome);
  assertBetween(outcome.ms, 700, 2100, 'the call');
  const posts = log.posts();
  assert.deepEqual(posts.map((r) => r.response.status), [429, 200]);
  assert.ok(posts[1].at - posts[0].at >= 700, `the retry came ${posts[1].at - posts[0].at} ms after the 429`);
});

test('429 with Retry-After as an HTTP date: the retry is not sent before that date', async () => {
  fresh();
  const retryAt = (Math.floor(Date.now() / 1000) + 2) * 1000; // a whole second, 1 to 2 s away
  mock.inject({ type: 'status', status: 429, retryAfter: new Date(retryAt).toUTCString() }, 1);
  const outcome = await call({ maxRetries: 1, timeoutMs: 500 });
  assertSucceeded(outcome);
  const posts = log.posts();
  assert.deepEqual(posts.map((r) => r.response.status), [429, 200]);
  assert.ok(posts[1].at >= retryAt - TIMER_SLACK_MS, `the retry came ${retryAt - posts[1].at} ms before Retry-After`);
  assert.ok(posts[1].at <= retryAt + 2000, `the retry came ${posts[1].at - retryAt} ms after Retry-After`);
});

test('429 every time: kind api Throttling after maxRetries + 1 attempts', async () => {
  fresh();
  mock.inject({ type: 'status', status: 429, acsRetryAfterMs: 50 }, 3);
  const outcome = await call({ maxRetries: 2, timeoutMs: 500 });
  assertRejected(outcome, { kind: 'api', code: 'Throttling', httpStatus: 429, retryable: true, attempts: 3 });
  assertBetween(outcome.ms, 100, 1000, 'two 50 ms waits');
  assert.equal(log.posts().length, 3);
});

test('503 with Retry-After: 10 and no retries left: rejects at once, without waiting', async () => {
  fresh();
  mock.inject({ type: 'status', status: 503, retryAfter: 10 }, 1);
  const outcome = await call({ maxRetries: 0, timeoutMs: 500 });
  assertRejected(outcome, { kind: 'api', code: 'ServiceUnavailable', httpStatus: 503, retryable: true, attempts: 1 });
  assertBetween(outcome.ms, 0, 500, 'one attempt, no wait');
});

test('Throttling.User (HTTP 400): retried; kind api Throttling.User once retries are spent', async () => {
  fresh();
  mock.inject({ type: 'throttle' }, 3);
  const outcome = await call({ maxRetries: 2, timeoutMs: 500 });
  assertRejected(outcome, { kind: 'api', code: 'Throttling.User', httpStatus: 400, retryable: true, attempts: 3 });
  assertBetween(outcome.ms, 0, 1500, 'three attempts');
  assertRequestsOnTheWire(log.posts());
});

test('Throttling.User once: the retry succeeds', async () => {
  fresh();
  mock.inject({ type: 'throttle' }, 1);
  const outcome = await call({ maxRetries: 2, timeoutMs: 500 });
  assertSucceeded(outcome);
  assert.deepEqual(log.posts().map((r) => r.response.code), ['Throttling.User', 'success']);
});

// ---------------------------------------------------------------------------------------------
// The connection breaks.

for (const [type, when] of [['reset-before', 'before the response'], ['reset-during', 'during the response body']]) {
  test(`connection reset ${when}: kind network NetworkError, retried to maxRetries + 1 attempts`, async () => {
    fresh();
    mock.inject({ type }, 3);
    const outcome = await call({ maxRetries: 2, timeoutMs: 500 });
    const error = assertRejected(outcome, { kind: 'network', code: 'NetworkError', retryable: true, attempts: 3 });
    assert.ok(error.cause instanceof Error, 'the fetch error is kept as cause');
    assertBetween(outcome.ms, 0, 1500, 'three attempts');
    assert.equal(log.posts().length, 3);
    assertRequestsOnTheWire(log.posts());
  });

  test(`connection reset ${when} once: the retry succeeds`, async () => {
    fresh();
    mock.inject({ type }, 1);
    const outcome = await call({ maxRetries: 1, timeoutMs: 500 });
    assertSucceeded(outcome);
    assert.equal(log.posts().length, 2);
  });
}

// ---------------------------------------------------------------------------------------------
// Slow servers: the per-attempt timeout.

test('accept, then never answer: kind timeout after timeoutMs per attempt, maxRetries + 1 attempts', async () => {
  fresh();
  mock.inject({ type: 'hang' }, 3);
  const outcome = await call({ maxRetries: 2, timeoutMs: 300 });
  const error = assertRejected(outcome, { kind: 'timeout', code: 'Timeout', retryable: true, attempts: 3 });
  assert.match(error.message, /300 ms/);
  // 3 × 300 ms, plus two backoffs under 100 and 200 ms.
  assertBetween(outcome.ms, 900, 3600, 'three timed-out attempts');
  assert.equal(log.posts().length, 3);
  assertRequestsOnTheWire(log.posts());
});

test('accept, then never answer, maxRetries 0: one attempt, timeout after timeoutMs', async () => {
  fresh();
  mock.inject({ type: 'hang' }, 1);
  const outcome = await call({ maxRetries: 0, timeoutMs: 300 });
  assertRejected(outcome, { kind: 'timeout', code: 'Timeout', retryable: true, attempts: 1 });
  assertBetween(outcome.ms, 300, 900, 'one timed-out attempt');
  assert.equal(log.posts().length, 1);
});

test('a body that trickles in within timeoutMs: succeeds', async () => {
  fresh();
  mock.inject({ type: 'trickle', intervalMs: 50, chunks: 5 }, 1); // 4 pauses: >= 200 ms
  const outcome = await call({ maxRetries: 0, timeoutMs: 1000 });
  assertSucceeded(outcome);
  assertBetween(outcome.ms, 200, 1000, 'the trickle');
  assert.equal(log.posts().length, 1);
});

test('a body that trickles in longer than timeoutMs: kind timeout (the timeout covers the body read)', async () => {
  fresh();
  mock.inject({ type: 'trickle', intervalMs: 100, chunks: 10 }, 1); // 900 ms of body
  const outcome = await call({ maxRetries: 0, timeoutMs: 300 });
  assertRejected(outcome, { kind: 'timeout', code: 'Timeout', retryable: true, attempts: 1 });
  assertBetween(outcome.ms, 300, 900, 'one timed-out attempt');
});

// ---------------------------------------------------------------------------------------------
// Answers that are not the API's: not retried.

for (const [type, expected] of [
  ['truncated', { kind: 'response', code: 'MalformedResponse', httpStatus: 200, retryable: false, attempts: 1 }],
  ['empty200', { kind: 'response', code: 'MalformedResponse', httpStatus: 200, retryable: false, attempts: 1 }],
  ['fail200', { kind: 'api', code: 'OperationFailed', httpStatus: 200, retryable: false, attempts: 1 }],
]) {
  test(`${type}: kind ${expected.kind} ${expected.code}, not retried`, async () => {
    fresh();
    mock.inject({ type }, 3);
    const outcome = await call({ maxRetries: 2, timeoutMs: 500 });
    const error = assertRejected(outcome, expected);
    if (type === 'fail200') assert.match(error.requestId, /^[0-9A-F-]{36}$/);
    assertBetween(outcome.ms, 0, 1000, 'one attempt');
    assert.equal(log.posts().length, 1);
  });
}

for (const contentLength of [true, false]) {
  test(`a 10 MiB body ${contentLength ? 'with Content-Length' : 'chunked'}: kind response ResponseTooLarge, quickly, without buffering it`, async (t) => {
    fresh();
    mock.inject({ type: 'huge', bytes: 10 * 1024 * 1024, contentLength }, 1);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const wasmBefore = wasmMemory.buffer.byteLength;
    const outcome = await call({ maxRetries: 2, timeoutMs: 5000 });
    const rssAfter = process.memoryUsage().rss;
    assertRejected(outcome, { kind: 'response', code: 'ResponseTooLarge', httpStatus: 200, retryable: false, attempts: 1 });
    assertBetween(outcome.ms, 0, 2000, 'the capped read');
    assert.equal(wasmMemory.buffer.byteLength, wasmBefore, 'the body never reached the wasm memory');
    t.diagnostic(`rss ${mib(rssBefore)} → ${mib(rssAfter)}`);
    assert.ok(rssAfter - rssBefore < 64 * 1024 * 1024, `rss grew by ${mib(rssAfter - rssBefore)}`);
    assert.equal(log.posts().length, 1);
  });
}

// ---------------------------------------------------------------------------------------------
// The runtime itself fails.

// The Node entry reads /dev/urandom first, then crypto.getRandomValues (pkg-template/node-instance.mjs,
// in gpdb_edge.mjs): both fail here.
test('/dev/urandom and crypto.getRandomValues failing: kind environment NoRandomness, not retryable, nothing sent, call after call', async () => {
  fresh();
  const original = globalThis.crypto.getRandomValues;
  const { openSync } = fs;
  const memoryBefore = wasmMemory.buffer.byteLength;
  globalThis.crypto.getRandomValues = () => {
    throw new Error('no randomness today');
  };
  fs.openSync = (path, ...rest) => {
    if (path === '/dev/urandom') throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
    return openSync(path, ...rest);
  };
  const seen = new Set();
  try {
    // Nonces come from a pool of 256 random bytes: the bytes drawn before the failure (at most
    // 16 nonces' worth) may still be used, then every call fails.
    let drained = false;
    for (let i = 0; i < 17 && !drained; i++) {
      try { lib.signCancelUploadDocumentJob(callOptions(mock, { jobId: `d${i}` })); } catch { drained = true; }
    }
    assert.ok(drained, 'the pool ran dry within 16 nonces');
    // A trap per call (as a panic would be) leaked the call's stack until the module broke,
    // near 1,100 calls: 2,000 calls must all be typed errors.
    for (let i = 0; i < 2_000; i++) {
      assert.throws(() => lib.signCancelUploadDocumentJob(callOptions(mock, { jobId: `j${i}` })), (error) => {
        assert.ok(error instanceof lib.GpdbError, `call ${i}: ${error}`);
        seen.add(JSON.stringify({ kind: error.kind, code: error.code, retryable: error.retryable, attempts: error.attempts, message: error.message }));
        return true;
      });
    }
    // A caller's own nonce needs no randomness.
    assert.equal(lib.signCancelUploadDocumentJob(callOptions(mock, { timestamp: 0, nonce: 'n0' })).headers['x-acs-signature-nonce'], 'n0');
    const outcome = await lib.cancelUploadDocumentJob(callOptions(mock)).catch((error) => error);
    assert.deepEqual({ kind: outcome.kind, code: outcome.code, retryable: outcome.retryable, attempts: outcome.attempts },
      { kind: 'environment', code: 'NoRandomness', retryable: false, attempts: 0 });
  } finally {
    globalThis.crypto.getRandomValues = original;
    fs.openSync = openSync;
  }
  assert.deepEqual([...seen].map((text) => JSON.parse(text)), [{
    kind: 'environment', code: 'NoRandomness', retryable: false, attempts: 0,
    message: 'crypto.getRandomValues failed: no random signature nonce could be drawn',
  }]);
  assert.equal(log.posts().length, 0, 'nothing was sent');
  assert.equal(wasmMemory.buffer.byteLength, memoryBefore, 'wasm memory flat');
  assert.match(lib.signCancelUploadDocumentJob(callOptions(mock)).headers['x-acs-signature-nonce'], /^[0-9a-f]{32}$/, 'randomness back, nonces back');
});

// ---------------------------------------------------------------------------------------------
// The caller aborts.

test('abort before sending: kind aborted, 0 attempts, nothing sent, cause is the reason', async () => {
  fresh();
  const controller = new AbortController();
  const reason = new Error('user navigated away');
  controller.abort(reason);
  const outcome = await call({ signal: controller.signal, maxRetries: 2, timeoutMs: 500 });
  const error = assertRejected(outcome, { kind: 'aborted', code: 'Aborted', retryable: false, attempts: 0 });
  assert.equal(error.cause, reason);
  assertBetween(outcome.ms, 0, 300, 'an immediate rejection');
  assert.equal(mock.requests.length, 0);
});

test('abort during a hanging fetch: rejects at once with kind aborted, cause is the reason', async () => {
  fresh();
  mock.inject({ type: 'hang' }, 3);
  const controller = new AbortController();
  const reason = new Error('stop waiting');
  setTimeout(() => controller.abort(reason), 200);
  const outcome = await call({ signal: controller.signal, maxRetries: 2, timeoutMs: 5000 });
  const error = assertRejected(outcome, { kind: 'aborted', code: 'Aborted', retryable: false, attempts: 1 });
  assert.equal(error.cause, reason);
  assertBetween(outcome.ms, 200, 600, 'abort at 200 ms');
  assert.equal(log.posts().length, 1);
});

test('abort() without a reason during a hanging fetch: cause is the signal\'s AbortError', async () => {
  fresh();
  mock.inject({ type: 'hang' }, 1);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const outcome = await call({ signal: controller.signal, maxRetries: 0, timeoutMs: 5000 });
  const error = assertRejected(outcome, { kind: 'aborted', code: 'Aborted', attempts: 1 });
  assert.equal(error.cause, controller.signal.reason);
  assert.equal(error.cause.name, 'AbortError');
});

test('abort while the body trickles in: kind aborted, cause is the reason', async () => {
  fresh();
  mock.inject({ type: 'trickle', intervalMs: 100, chunks: 10 }, 1);
  const controller = new AbortController();
  const reason = new Error('enough');
  setTimeout(() => controller.abort(reason), 250);
  const outcome = await call({ signal: controller.signal, maxRetries: 2, timeoutMs: 5000 });
  const error = assertRejected(outcome, { kind: 'aborted', code: 'Aborted', attempts: 1 });
  assert.equal(error.cause, reason);
  assertBetween(outcome.ms, 250, 750, 'abort at 250 ms');
});

test('abort during a backoff (503, Retry-After: 10): rejects within ~300 ms, no second attempt', async () => {
  fresh();
  mock.inject({ type: 'status', status: 503, retryAfter: 10 }, 3);
  const controller = new AbortController();
  const reason = new Error('no more waiting');
  setTimeout(() => controller.abort(reason), 200);
  const outcome = await call({ signal: controller.signal, maxRetries: 2, timeoutMs: 5000 });
  const error = assertRejected(outcome, { kind: 'aborted', code: 'Aborted', retryable: false, attempts: 1 });
  assert.equal(error.cause, reason);
  assertBetween(outcome.ms, 200, 600, 'abort at 200 ms');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(log.posts().length, 1, 'nothing was sent after the abort');
});

// ---------------------------------------------------------------------------------------------
// Recovery, and errors that must not be retried.

test('two 503s then success with maxRetries 2: resolves, three attempts each signed afresh', async () => {
  fresh();
  mock.inject({ type: 'status', status: 503 }, 2);
  const outcome = await call({ maxRetries: 2, timeoutMs: 500 });
  assertSucceeded(outcome);
  const posts = log.posts();
  assert.deepEqual(posts.map((r) => r.response.status), [503, 503, 200]);
  assert.equal(new Set(posts.map((r) => r.nonce)).size, 3, 'a fresh nonce per attempt');
  assert.equal(new Set(posts.map((r) => r.headers.authorization)).size, 3, 'a fresh signature per attempt');
  assertRequestsOnTheWire(posts);
});

for (const [signatureVersion, echo] of [['v3', /server canonical request is:"POST\\n\/\\n/], ['v2', /server string to sign is:POST&%2F&/]]) {
  test(`SignatureDoesNotMatch (wrong AccessKey secret, ${signatureVersion}): not retried, and the echoed string to sign is scrubbed`, async () => {
    fresh();
    const wrongSecret = 'Wrong+Secret/Value=1';
    extraSecrets.push(wrongSecret);
    const credentials = { accessKeyId: ACCESS_KEY_ID, accessKeySecret: wrongSecret, securityToken: SECRETS.securityToken };
    const outcome = await call({ credentials, signatureVersion, maxRetries: 2, timeoutMs: 500 });
    const error = assertRejected(outcome,
      { kind: 'api', code: 'SignatureDoesNotMatch', httpStatus: 400, retryable: false, attempts: 1 }, { secrets: [wrongSecret] });
    assert.match(error.message, echo);
    assertRequestsOnTheWire(log.posts(), { accessKeySecret: wrongSecret, secrets: [wrongSecret] });
  });
}

test('403 Namespace.PasswordIncorrect (wrong password): not retried, the wrong password is not shown either', async () => {
  fresh();
  const wrongPassword = 'Wrong!Pass#word(9)';
  extraSecrets.push(wrongPassword);
  const outcome = await call({ namespacePassword: wrongPassword, maxRetries: 2, timeoutMs: 500 });
  assertRejected(outcome,
    { kind: 'api', code: 'Namespace.PasswordIncorrect', httpStatus: 403, retryable: false, attempts: 1 }, { secrets: [wrongPassword] });
  assertRequestsOnTheWire(log.posts(), { secrets: [wrongPassword] });
});

test('InvalidSecurityToken.Mismatch (stale STS token): not retried, the token is not shown', async () => {
  fresh();
  const staleToken = 'CAIS+stale/sts/Token==';
  extraSecrets.push(staleToken);
  const outcome = await call({ credentials: { ...callOptions(mock).credentials, securityToken: staleToken }, maxRetries: 2, timeoutMs: 500 });
  assertRejected(outcome,
    { kind: 'api', code: 'InvalidSecurityToken.Mismatch', httpStatus: 400, retryable: false, attempts: 1 }, { secrets: [staleToken] });
  for (const record of log.posts()) assertNoSecretIn(`${record.path}?${record.rawQuery}`, 'the request URL', [staleToken]);
});

// ---------------------------------------------------------------------------------------------
// A server clock an hour ahead: learnt from Date, kept for later calls and for signing.
// A separate install (clockLib) keeps the offset out of every other test's module instance.

test('a server clock 1 h ahead: InvalidTimeStamp.Expired, re-signed with its Date and retried; the offset is kept', async () => {
  fresh();
  mock.clockOffsetMs = HOUR_MS;
  try {
    const first = await call({ maxRetries: 2, timeoutMs: 1000 }, clockLib);
    assertSucceeded(first);
    let posts = log.posts();
    assert.deepEqual(posts.map((r) => r.response.code), ['InvalidTimeStamp.Expired', 'success']);
    const skew = Date.parse(posts[1].timestamp) - Date.parse(posts[0].timestamp);
    assert.ok(Math.abs(skew - HOUR_MS) <= 3000, `the retry's Timestamp is ${skew} ms after the first`);
    assert.notEqual(posts[0].nonce, posts[1].nonce);
    assertRequestsOnTheWire(posts);

    // A later call goes right the first time.
    mock.addJob({ jobId: 'clock-second-job' });
    const second = await call({ jobId: 'clock-second-job', maxRetries: 2, timeoutMs: 1000 }, clockLib);
    assertSucceeded(second);
    posts = log.posts();
    assert.equal(posts.length, 3, 'one attempt for the second call');
    assert.equal(posts[2].response.code, 'success');
    const serverNow = posts[2].at + HOUR_MS;
    assert.ok(Math.abs(Date.parse(posts[2].timestamp) - serverNow) <= 2000, 'signed with the server time');

    // signCancelUploadDocumentJob without a timestamp signs the corrected time…
    const signed = clockLib.signCancelUploadDocumentJob(callOptions(mock));
    const signedAt = Date.parse(signed.headers['x-acs-date']);
    assert.ok(Math.abs(signedAt - (Date.now() + HOUR_MS)) <= 2000, `signed ${new Date(signedAt).toISOString()}`);
    // …while the other module instance still signs the local time.
    const local = lib.signCancelUploadDocumentJob(callOptions(mock));
    const localAt = Date.parse(local.headers['x-acs-date']);
    assert.ok(Math.abs(localAt - Date.now()) <= 2000, 'the main instance learnt no offset');
  } finally {
    mock.clockOffsetMs = 0;
  }
});

// ---------------------------------------------------------------------------------------------
// The CLI, as npm installed it, on a few faults: exit 1 and no secret in what it prints.

const CLI_ENV = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRETS.accessKeySecret,
  ALIBABA_CLOUD_SECURITY_TOKEN: SECRETS.securityToken,
  GPDB_NAMESPACE_PASSWORD: SECRETS.namespacePassword,
};

function cliArgs(extra = []) {
  return ['cancel-upload-document-job', '--region-id', DEFAULTS.regionId, '--db-instance-id', DEFAULTS.dbInstanceId,
    '--collection', DEFAULTS.collection, '--job-id', DEFAULTS.jobId, '--endpoint', mock.url, ...extra];
}

// Asynchronously: the endpoint lives in this process and must keep answering.
async function cli(argv, env = CLI_ENV) {
  const start = performance.now();
  const options = { cwd: dir, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 };
  try {
    const { stdout, stderr } = await promisify(execFile)(join(dir, 'node_modules/.bin/gpdb-edge'), argv, options);
    return { status: 0, stdout, stderr, ms: performance.now() - start };
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return { status: error.code, stdout: error.stdout, stderr: error.stderr, ms: performance.now() - start };
  }
}

function assertCliFailed(run, secrets = []) {
  assert.equal(run.status, 1, run.stderr);
  assertNoSecretIn(run.stdout, 'the CLI stdout', secrets);
  assertNoSecretIn(run.stderr, 'the CLI stderr', secrets);
}

test('CLI, HTML 502 twice with --max-retries 1: exit 1, response error, 2 attempts', async () => {
  fresh();
  mock.inject({ type: 'status', status: 502, body: 'html' }, 2);
  const run = await cli(cliArgs(['--max-retries', '1']));
  assertCliFailed(run);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^gpdb-edge: response error: HTTP 502 /);
  assert.match(run.stderr, /\n {2}code: {7}MalformedResponse\n {2}attempts: {3}2\n$/);
  assert.equal(log.posts().length, 2);
});

test('CLI --json, connection reset every time: exit 1, network error after 3 attempts', async () => {
  fresh();
  mock.inject({ type: 'reset-before' }, 3);
  const run = await cli(cliArgs(['--json']));
  assertCliFailed(run);
  const { error } = JSON.parse(run.stdout);
  assert.deepEqual({ kind: error.kind, code: error.code, attempts: error.attempts }, { kind: 'network', code: 'NetworkError', attempts: 3 });
  assert.equal(log.posts().length, 3);
});

test('CLI, a hanging server with --timeout-ms 300 --max-retries 1: exit 1, timeout error, 2 attempts', async () => {
  fresh();
  mock.inject({ type: 'hang' }, 2);
  const run = await cli(cliArgs(['--timeout-ms', '300', '--max-retries', '1']));
  assertCliFailed(run);
  assert.match(run.stderr, /^gpdb-edge: timeout error: no response within 300 ms\n {2}code: {7}Timeout\n {2}attempts: {3}2\n$/);
  assertBetween(run.ms, 600, 6000, 'the CLI');
  assert.equal(log.posts().length, 2);
});

test('CLI, wrong secret in the environment: exit 1, SignatureDoesNotMatch, nothing secret printed', async () => {
  fresh();
  const wrongSecret = 'Wrong+Cli/Secret=2';
  extraSecrets.push(wrongSecret);
  const run = await cli(cliArgs(), { ...CLI_ENV, ALIBABA_CLOUD_ACCESS_KEY_SECRET: wrongSecret });
  assertCliFailed(run, [wrongSecret]);
  assert.match(run.stderr, /^gpdb-edge: api error: SignatureDoesNotMatch: /);
  assert.match(run.stderr, /\n {2}request id: [0-9A-F-]{36}\n/);
  assert.equal(log.posts().length, 1);
});

// ---------------------------------------------------------------------------------------------
// Nothing outlives a call, in this process: no abort listener left on the caller's signal, no timer.

const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('one signal through success, retries, a timeout and a reset: no listener or timer is left after each call', async () => {
  const controller = new AbortController();
  const cases = [
    [null, 0, { maxRetries: 0, timeoutMs: 1000 }, null],
    [{ type: 'status', status: 503 }, 3, { maxRetries: 2, timeoutMs: 1000 }, 'api'],
    [{ type: 'status', status: 429, acsRetryAfterMs: 100 }, 1, { maxRetries: 1, timeoutMs: 1000 }, null],
    [{ type: 'hang' }, 1, { maxRetries: 0, timeoutMs: 200 }, 'timeout'],
    [{ type: 'reset-before' }, 2, { maxRetries: 1, timeoutMs: 1000 }, 'network'],
  ];
  for (const [fault, times, options, kind] of cases) {
    fresh();
    if (fault) mock.inject(fault, times);
    const timersBefore = activeTimers();
    const outcome = await call({ ...options, signal: controller.signal });
    const what = fault?.type ?? 'success';
    assert.equal(outcome.error?.kind ?? null, kind, `${what}: ${outcome.error?.message}`);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, `${what}: an abort listener was left on the signal`);
    assert.equal(activeTimers(), timersBefore, `${what}: a timer outlived the call`);
  }
});

// ---------------------------------------------------------------------------------------------
// Nothing outlives a call: a process that makes one call and does nothing else exits at once.

async function oneCallProcess(options, { abortAfterMs = 0 } = {}) {
  const child = spawn(process.execPath, ['one-call.mjs'], {
    cwd: dir,
    env: { PATH: process.env.PATH, GPDB_CALL: JSON.stringify(callOptions(mock, options)), ABORT_AFTER_MS: String(abortAfterMs) },
    timeout: 20_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const [code, signal] = await new Promise((resolve) => child.on('exit', (...args) => resolve(args)));
  const exitedAt = Date.now();
  assert.equal(signal, null, `the process had to be killed (${signal}): something kept it alive. ${stderr}`);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout.trim());
  return { report, lingerMs: exitedAt - report.settledAt, stderr };
}

for (const [name, setup, options, expected, abortAfterMs] of [
  // The default 10 s timeout: a timer left behind would keep the process alive for seconds.
  ['a successful call', () => {}, { maxRetries: 0 }, { status: 'success' }, 0],
  ['a timed-out call', () => mock.inject({ type: 'hang' }, 1), { maxRetries: 0, timeoutMs: 300 }, { kind: 'timeout', code: 'Timeout', attempts: 1 }, 0],
  ['a call aborted during a 10 s backoff', () => mock.inject({ type: 'status', status: 503, retryAfter: 10 }, 1),
    { maxRetries: 2 }, { kind: 'aborted', code: 'Aborted', attempts: 1 }, 200],
]) {
  test(`no timer, listener or socket outlives ${name}: the process exits within 2 s`, async (t) => {
    fresh();
    setup();
    const { report, lingerMs, stderr } = await oneCallProcess(options, { abortAfterMs });
    const { settledAt, ...outcome } = report;
    assert.deepEqual(outcome, expected, stderr);
    t.diagnostic(`exited ${lingerMs} ms after the call settled`);
    assert.ok(lingerMs < 2000, `the process lived on ${lingerMs} ms after the call settled`);
  });
}

// ---------------------------------------------------------------------------------------------

test('across the whole file: no nonce sent twice, no secret in any URL, no unhandled rejection or uncaught exception', async () => {
  // Let late rejections (a dropped promise of a finished call) surface first.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const nonces = log.allNonces();
  assert.ok(nonces.length > 50, `only ${nonces.length} nonces recorded`);
  const seen = new Set();
  const reused = nonces.filter((n) => seen.has(n) || !seen.add(n));
  assert.deepEqual(reused, [], 'a nonce was sent twice');
  for (const record of log.allRequests()) {
    assertNoSecretIn(`${record.path}?${record.rawQuery}`, `the URL of request ${record.id}`, extraSecrets);
  }
  assert.deepEqual(unhandled.map(([type, error]) => `${type}: ${error?.stack ?? error}`), []);
});
