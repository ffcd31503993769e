// Load on the installed package: many concurrent calls against the local endpoint, and many
// signatures, with the WebAssembly memory watched for growth.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { callOptions, installPackage, mib, startReliabilityMock, STS_CREDENTIALS } from './support.mjs';

const CONCURRENT_CALLS = 2_000;
const SIGN_WARM_UP = 1_000;
const SIGN_CALLS = 100_000;

let lib;
let wasmMemory;
let mock;

before(async () => {
  ({ lib, wasmMemory } = installPackage('reliability-load'));
  mock = await startReliabilityMock();
});

after(() => mock?.close());

const wasmBytes = () => wasmMemory.buffer.byteLength;

test(`${CONCURRENT_CALLS.toLocaleString('en')} concurrent calls all succeed, each with its own nonce`, async (t) => {
  mock.reset();
  const jobIds = Array.from({ length: CONCURRENT_CALLS }, () => randomUUID());
  for (const jobId of jobIds) mock.addJob({ jobId });
  const wasmBefore = wasmBytes();

  // The package looks the global fetch up at each call, so the test counts calls in flight.
  const originalFetch = globalThis.fetch;
  let inFlight = 0;
  let peakInFlight = 0;
  globalThis.fetch = async (...args) => {
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    try {
      return await originalFetch(...args);
    } finally {
      inFlight--;
    }
  };

  const start = performance.now();
  // A generous timeout: a timed-out attempt may already have cancelled its job, and its retry
  // would then fail with StatusInvalid; this test is about load, not timeouts.
  const outcomes = await Promise.allSettled(jobIds.map((jobId) =>
    lib.cancelUploadDocumentJob(callOptions(mock, { jobId, maxRetries: 2, timeoutMs: 60_000 }))))
    .finally(() => { globalThis.fetch = originalFetch; });
  const ms = performance.now() - start;
  assert.equal(peakInFlight, CONCURRENT_CALLS, 'every call had reached fetch before the first answer');
  t.diagnostic(`${CONCURRENT_CALLS} calls in ${ms.toFixed(0)} ms; wasm memory ${mib(wasmBefore)} → ${mib(wasmBytes())}`);

  const failures = outcomes.filter((o) => o.status === 'rejected')
    .map((o) => `${o.reason?.kind} ${o.reason?.code} (attempts ${o.reason?.attempts}): ${o.reason?.message}`);
  assert.deepEqual([...new Set(failures)].slice(0, 5), [], `${failures.length} calls failed`);
  for (const { value } of outcomes) assert.equal(value.status, 'success');
  assert.equal(new Set(outcomes.map((o) => o.value.requestId)).size, CONCURRENT_CALLS, 'one request id per call');

  const posts = mock.requests.filter((r) => r.method === 'POST');
  assert.equal(posts.filter((r) => r.response.status === 200).length, CONCURRENT_CALLS, 'one successful request per job');
  assert.ok(jobIds.every((jobId) => mock.jobs.get(jobId).state === 'cancelled'), 'every job was cancelled');
  const nonces = mock.nonces();
  assert.ok(nonces.length >= CONCURRENT_CALLS);
  assert.equal(new Set(nonces).size, nonces.length, 'a nonce was sent twice');
  assert.ok(ms < 30_000, `${CONCURRENT_CALLS} calls took ${ms.toFixed(0)} ms`);
});

test('200 concurrent calls with one credentials provider: the provider is called once, and its answer reused', async () => {
  mock.reset();
  const jobIds = Array.from({ length: 201 }, () => randomUUID());
  for (const jobId of jobIds) mock.addJob({ jobId });
  let providerCalls = 0;
  const provider = async () => {
    providerCalls++;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ...STS_CREDENTIALS, expiration: new Date(Date.now() + 60 * 60 * 1000).toISOString() };
  };
  const results = await Promise.all(jobIds.slice(0, 200).map((jobId) =>
    lib.cancelUploadDocumentJob(callOptions(mock, { jobId, credentials: provider, timeoutMs: 30_000 }))));
  assert.ok(results.every((r) => r.status === 'success'));
  assert.equal(providerCalls, 1, 'concurrent calls share one provider call');
  await lib.cancelUploadDocumentJob(callOptions(mock, { jobId: jobIds[200], credentials: provider }));
  assert.equal(providerCalls, 1, 'credentials valid for an hour are reused');
});

test(`${SIGN_CALLS.toLocaleString('en')} signCancelUploadDocumentJob calls leave the wasm memory flat`, async (t) => {
  const base = callOptions(mock);
  // Vary what is signed: the job, and every tenth call a fixed timestamp and nonce.
  const sign = (i) => lib.signCancelUploadDocumentJob({
    ...base,
    jobId: `job-${i}`,
    ...(i % 10 === 0 && { timestamp: '2016-02-23T12:46:24Z', nonce: `nonce-${i}` }),
    ...(i % 7 === 0 && { signatureVersion: 'v2' }),
  });
  for (let i = 0; i < SIGN_WARM_UP; i++) sign(i);
  const warm = wasmBytes();
  const rssBefore = process.memoryUsage().rss;

  const start = performance.now();
  let signed;
  for (let i = 0; i < SIGN_CALLS; i++) signed = sign(i);
  const ms = performance.now() - start;

  const rssAfter = process.memoryUsage().rss;
  t.diagnostic(`${SIGN_CALLS} signatures in ${ms.toFixed(0)} ms; wasm memory ${mib(warm)} → ${mib(wasmBytes())}; rss ${mib(rssBefore)} → ${mib(rssAfter)}`);
  assert.match(signed.headers.authorization, /^ACS3-HMAC-SHA256 Credential=[^,]+,SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}$/);
  assert.equal(wasmBytes(), warm, 'the wasm memory grew');
});

test('10,000 rejected signCancelUploadDocumentJob calls (bad input) leave the wasm memory flat too', async (t) => {
  const bad = { ...callOptions(mock), jobId: 42 };
  const reject = () => {
    try {
      lib.signCancelUploadDocumentJob(bad);
    } catch (error) {
      return error;
    }
    return null;
  };
  for (let i = 0; i < 1_000; i++) reject();
  const warm = wasmBytes();
  let error;
  for (let i = 0; i < 10_000; i++) error = reject();
  t.diagnostic(`wasm memory ${mib(warm)} → ${mib(wasmBytes())}`);
  assert.ok(error instanceof lib.GpdbError, `expected a GpdbError, got ${error}`);
  assert.deepEqual({ kind: error.kind, code: error.code, field: error.field }, { kind: 'input', code: 'InvalidType', field: 'jobId' });
  assert.equal(wasmBytes(), warm, 'the wasm memory grew');
});
