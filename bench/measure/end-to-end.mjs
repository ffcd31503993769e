// 2. End-to-end calls/s against the local endpoint, run in a child process (bench/mock-process.mjs)
// so that it does not share this event loop. Both clients keep connections alive: gpdb-edge through
// Node's fetch (undici), openapi-core through httpx's keep-alive agent.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, benchJobId, SIGN_OPTIONS } from '../params.mjs';
import { median, progress } from '../stats.mjs';

const require = createRequire(import.meta.url);

/** Starts bench/mock-process.mjs; resolves once it printed its URL line. */
async function startMockProcess() {
  const child = fork(fileURLToPath(new URL('../mock-process.mjs', import.meta.url)), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the mock process exited with ${code} before listening`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /gpdb mock listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
  });
  let nextId = 0;
  const pending = new Map();
  child.on('message', ({ id, ok, value, error }) => {
    const { resolve, reject } = pending.get(id);
    pending.delete(id);
    if (ok) resolve(value);
    else reject(new Error(`mock process: ${error}`));
  });
  const call = (type, args = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    child.send({ id, type, ...args });
  });
  const stop = () => new Promise((resolve) => {
    child.once('exit', resolve);
    child.disconnect();
  });
  return { url, call, stop };
}

/** The official client, configured as the brief's snippet: RPC style, signature V1 ("v2" in openapi-core). */
function officialCaller(mockUrl) {
  const core = require('@alicloud/openapi-core');
  const { RuntimeOptions } = require('@darabonba/typescript');
  const { Config, Params, OpenApiRequest } = core.$OpenApiUtil;
  const Client = core.default;
  const client = new Client(new Config({
    accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET,
    endpoint: new URL(mockUrl).host, protocol: 'http', signatureAlgorithm: 'v2',
  }));
  // Built per call, as the generated SDK's cancelUploadDocumentJobWithOptions does.
  return async (jobId) => {
    const params = new Params({
      action: 'CancelUploadDocumentJob', version: '2016-05-03', protocol: 'HTTPS', pathname: '/', method: 'POST',
      authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
    });
    const request = new OpenApiRequest({
      query: { DBInstanceId: SIGN_OPTIONS.dbInstanceId, RegionId: SIGN_OPTIONS.regionId },
      body: { Collection: SIGN_OPTIONS.collection, JobId: jobId, Namespace: SIGN_OPTIONS.namespace, NamespacePassword: SIGN_OPTIONS.namespacePassword },
    });
    const response = await client.callApi(params, request, new RuntimeOptions({}));
    if (response.statusCode !== 200 || response.body?.Status !== 'success') throw new Error(`unexpected answer ${response.statusCode} ${JSON.stringify(response.body)}`);
  };
}

// Diagnostic: gpdb-edge's signer with a bare fetch, none of the package's call layer (timeout,
// retries, response checks), to tell the cost of Node's fetch from the cost of that layer.
function signAndFetchCaller(gpdbEdge, mockUrl) {
  return async (jobId) => {
    const { method, url, headers, body } = gpdbEdge.signCancelUploadDocumentJob({ ...SIGN_OPTIONS, jobId, endpoint: mockUrl });
    const response = await fetch(url, { method, headers, body });
    const answer = await response.json();
    if (answer.Status !== 'success') throw new Error(`unexpected answer ${response.status} ${JSON.stringify(answer)}`);
  };
}

// Diagnostic: the ceiling of any client that sends through Node's `fetch`. Requests are signed
// before the clock starts (`prepare`); each call is then one bare `fetch` and `json()`.
function presignedFetchCaller(gpdbEdge, mockUrl) {
  const signed = new Map();
  const call = async (jobId) => {
    const request = signed.get(jobId) ?? gpdbEdge.signCancelUploadDocumentJob({ ...SIGN_OPTIONS, jobId, endpoint: mockUrl });
    signed.delete(jobId);
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
    const answer = await response.json();
    if (answer.Status !== 'success') throw new Error(`unexpected answer ${response.status} ${JSON.stringify(answer)}`);
  };
  call.prepare = (firstJob, lastJob) => {
    signed.clear();
    for (let i = firstJob; i < lastJob; i++) {
      const jobId = benchJobId(i);
      signed.set(jobId, gpdbEdge.signCancelUploadDocumentJob({ ...SIGN_OPTIONS, jobId, endpoint: mockUrl }));
    }
  };
  return call;
}

function gpdbEdgeCaller(gpdbEdge, mockUrl) {
  return async (jobId) => {
    const result = await gpdbEdge.cancelUploadDocumentJob({ ...SIGN_OPTIONS, jobId, endpoint: mockUrl, maxRetries: 0 });
    if (result.status !== 'success') throw new Error(`unexpected result ${JSON.stringify(result)}`);
  };
}

/** `concurrency` loops call until `durationMs` is over; in-flight calls finish and count. */
async function drive(call, { concurrency, durationMs, firstJob, lastJob }) {
  let next = firstJob;
  let done = 0;
  const errors = [];
  const start = performance.now();
  const deadline = start + durationMs;
  const loop = async () => {
    while (performance.now() < deadline && next < lastJob) {
      try {
        await call(benchJobId(next++));
        done++;
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - start;
  return { done, failed: errors.length, errors, elapsedMs, ranOutOfJobs: next >= lastJob };
}

const describe = (error) => `${error?.name ?? 'Error'}${error?.code ? ` ${error.code}` : ''}: ${error?.message ?? error}`.slice(0, 300);

export async function measureEndToEnd({ gpdbEdge, quick }) {
  const concurrencies = [1, 64];
  // Short runs, many of them, clients rotated from run to run: a shared 2-core machine's load
  // changes within seconds, and the median of interleaved runs is what survives it.
  const runs = quick ? 1 : 5;
  const durationMs = quick ? 250 : 2000;
  const jobs = quick ? 5_000 : 60_000; // per measurement; calls/s × duration stays well below

  const mock = await startMockProcess();
  try {
    const clients = {
      gpdbEdge: gpdbEdgeCaller(gpdbEdge, mock.url),
      official: officialCaller(mock.url),
      signAndFetch: signAndFetchCaller(gpdbEdge, mock.url),
      presignedFetch: presignedFetchCaller(gpdbEdge, mock.url),
    };
    const samples = {};
    const outcomes = {};
    const failures = {};
    for (let run = 0; run < runs; run++) {
      for (const concurrency of concurrencies) {
        const names = Object.keys(clients);
        for (const name of [...names.slice(run % names.length), ...names.slice(0, run % names.length)]) {
          const call = clients[name];
          const key = `${name}@${concurrency}`;
          await mock.call('provision', { count: jobs });
          // Warm-up: opens the `concurrency` keep-alive connections before the clock starts.
          const warm = concurrency * 2;
          const warmUp = await drive(call, { concurrency, durationMs: Infinity, firstJob: 0, lastJob: warm });
          // Enough for the run at well over the fastest client's rate; past them, calls sign inline.
          call.prepare?.(warm, Math.min(jobs, warm + (quick ? 2_000 : 40_000)));
          const measured = await drive(call, { concurrency, durationMs, firstJob: warm, lastJob: jobs });
          assert.ok(!measured.ranOutOfJobs, `${key}: provision more than ${jobs} jobs`);
          const answered = await mock.call('outcomes');
          (samples[key] ??= []).push((measured.done / measured.elapsedMs) * 1000);
          for (const [outcome, count] of Object.entries(answered)) (outcomes[key] ??= {})[outcome] = (outcomes[key]?.[outcome] ?? 0) + count;
          const errors = [...warmUp.errors, ...measured.errors];
          if (errors.length) {
            failures[key] = { count: (failures[key]?.count ?? 0) + errors.length, first: failures[key]?.first ?? describe(errors[0]) };
          }
          progress(`end-to-end ${key}: ${Math.round(samples[key].at(-1))} calls/s, endpoint answered ${JSON.stringify(answered)}`);
        }
      }
    }
    const callsPerSec = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]));
    return { durationMs, runs, callsPerSec, samples, outcomes, failures };
  } finally {
    await mock.stop();
  }
}
