// The job's state through the installed package: getUploadDocumentJob, waitForUploadDocumentJob
// (its statuses, its timeout, its abort between polls), and a cancel whose answer was lost while
// the server applied it, which GetUploadDocumentJob turns into a success (and only then).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  assertNoSecretInValue, assertRequestsOnTheWire, callOptions, DEFAULTS, installPackage, requestLog, startReliabilityMock, timed,
} from './support.mjs';

let lib;
let mock;
let log;

before(async () => {
  ({ lib } = installPackage('reliability-jobs'));
  mock = await startReliabilityMock();
  log = requestLog(mock);
});

after(() => mock?.close());

function fresh(jobs = []) {
  log.reset();
  for (const job of jobs) mock.addJob(job);
}

const actions = () => log.posts().map((r) => r.action);
const outcome = (promise) => promise.then((result) => ({ result }), (error) => ({ error }));

test('getUploadDocumentJob: a running job in the API names in camelCase, with nothing invented', async () => {
  fresh();
  const state = await lib.getUploadDocumentJob(callOptions(mock));
  assert.match(state.requestId, /^[0-9A-F-]{36}$/);
  assert.deepEqual(Object.keys(state).sort(), ['job', 'requestId'], 'no chunkResult or usage for a running job');
  const { job } = state;
  assert.equal(job.id, DEFAULTS.jobId);
  assert.equal(job.status, 'Running');
  assert.equal(job.completed, false);
  assert.equal(typeof job.progress, 'number');
  assert.match(job.createTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  assert.equal('error' in job, false, 'no Error was sent');
  assert.deepEqual(actions(), ['GetUploadDocumentJob']);
  assertRequestsOnTheWire(log.posts());
  assertNoSecretInValue(state);
});

test('getUploadDocumentJob: a finished job with its chunks and usage; a failed one with its error', async () => {
  fresh([
    { jobId: 'job-done', status: 'Success', usage: { EmbeddingEntries: 10, EmbeddingTokens: 475 },
      chunkResult: { ChunkFileUrl: 'https://example.com/c.jsonl', PlainChunkFileUrl: 'https://example.com/c.txt' } },
    { jobId: 'job-failed', status: 'Failed', error: 'Failed to connect database.', errorCode: 'InternalError' },
  ]);
  const done = await lib.getUploadDocumentJob(callOptions(mock, { jobId: 'job-done' }));
  assert.equal(done.job.status, 'Success');
  assert.equal(done.job.completed, true);
  assert.equal(done.job.progress, 100);
  assert.deepEqual(done.usage, { embeddingEntries: 10, embeddingTokens: 475 });
  assert.deepEqual(done.chunkResult, { chunkFileUrl: 'https://example.com/c.jsonl', plainChunkFileUrl: 'https://example.com/c.txt' });
  const failed = await lib.getUploadDocumentJob(callOptions(mock, { jobId: 'job-failed', signatureVersion: 'v2' }));
  assert.equal(failed.job.status, 'Failed');
  assert.equal(failed.job.error, 'Failed to connect database.');
  assert.equal(failed.job.errorCode, 'InternalError');
  assertRequestsOnTheWire(log.posts());
  assert.deepEqual(log.posts().map((r) => r.signatureVersion), ['v3', 'v2']);
});

test('getUploadDocumentJob: an unknown job is the API error; bad input is refused before sending', async () => {
  fresh();
  const { error } = await outcome(lib.getUploadDocumentJob(callOptions(mock, { jobId: 'no-such-job' })));
  assert.deepEqual([error.kind, error.code, error.httpStatus, error.attempts], ['api', 'UploadDocumentJob.NotFound', 404, 1]);
  const sent = log.posts().length;
  const bad = await outcome(lib.getUploadDocumentJob(callOptions(mock, { jobId: '   ' })));
  assert.deepEqual([bad.error.kind, bad.error.code, bad.error.field], ['input', 'EmptyParameter', 'jobId']);
  assert.equal(log.posts().length, sent, 'nothing sent');
});

test('signGetUploadDocumentJob: the same request shape as the cancel, with its own action', () => {
  const options = { ...callOptions(mock), timestamp: '2016-02-23T12:46:24Z', nonce: 'n-1' };
  const v3 = lib.signGetUploadDocumentJob(options);
  assert.equal(v3.headers['x-acs-action'], 'GetUploadDocumentJob');
  assert.equal(v3.body, lib.signCancelUploadDocumentJob(options).body);
  const v2 = lib.signGetUploadDocumentJob({ ...options, signatureVersion: 'v2' });
  assert.equal(new URL(v2.url).searchParams.get('Action'), 'GetUploadDocumentJob');
});

test('waitForUploadDocumentJob: after a cancel, follows Cancelling to Cancelled, one poll per interval', async () => {
  fresh();
  mock.cancellingPolls = 2;
  await lib.cancelUploadDocumentJob(callOptions(mock));
  const { result, ms } = await timed(() => lib.waitForUploadDocumentJob(callOptions(mock, { pollIntervalMs: 50 })));
  assert.equal(result.job.status, 'Cancelled');
  assert.deepEqual(actions(), ['CancelUploadDocumentJob', 'GetUploadDocumentJob', 'GetUploadDocumentJob', 'GetUploadDocumentJob']);
  assert.ok(ms >= 2 * 50 - 5, `two intervals between three polls, not ${ms} ms`);
  assertRequestsOnTheWire(log.posts());
});

test('waitForUploadDocumentJob: `until` picks the statuses; a status already there resolves at once', async () => {
  fresh([{ jobId: 'job-done', status: 'Success' }]);
  const state = await lib.waitForUploadDocumentJob(callOptions(mock, { jobId: 'job-done', until: ['Success'] }));
  assert.equal(state.job.status, 'Success');
  assert.equal(log.posts().length, 1);
  const running = await lib.waitForUploadDocumentJob(callOptions(mock, { until: ['Running'] }));
  assert.equal(running.job.status, 'Running');
});

test('waitForUploadDocumentJob: maxWaitMs rejects with kind timeout and the last status seen', async () => {
  fresh();
  const { result, ms } = await timed(() => outcome(lib.waitForUploadDocumentJob(callOptions(mock, { pollIntervalMs: 40, maxWaitMs: 200 }))));
  const { error } = result;
  assert.ok(error instanceof lib.GpdbError);
  assert.deepEqual([error.kind, error.code, error.retryable, error.lastStatus], ['timeout', 'WaitTimeout', false, 'Running']);
  assert.match(error.message, /did not reach Success, Failed, Cancelled within 200 ms \(last status: Running\)/);
  assert.equal(error.attempts, log.posts().length, 'attempts counts the polls');
  assert.ok(ms <= 200 + 1000, `gave up after ${ms} ms`);
  assert.ok(log.posts().length >= 2 && log.posts().length <= 6, `${log.posts().length} polls`);
});

test('waitForUploadDocumentJob: the signal aborts it at once between polls, and during one', async () => {
  fresh();
  const controller = new AbortController();
  const reason = new Error('operator left');
  setTimeout(() => controller.abort(reason), 100);
  const { result, ms } = await timed(() => outcome(lib.waitForUploadDocumentJob(callOptions(mock, { pollIntervalMs: 10_000, signal: controller.signal }))));
  assert.deepEqual([result.error.kind, result.error.code], ['aborted', 'Aborted']);
  assert.equal(result.error.cause, reason);
  assert.ok(ms < 1_000, `aborted after ${ms} ms, not at the next poll`);
  assert.equal(log.posts().length, 1);

  fresh();
  mock.inject({ type: 'hang', action: 'GetUploadDocumentJob' });
  const during = new AbortController();
  setTimeout(() => during.abort(reason), 100);
  const hung = await timed(() => outcome(lib.waitForUploadDocumentJob(callOptions(mock, { signal: during.signal }))));
  assert.deepEqual([hung.result.error.kind, hung.result.error.cause], ['aborted', reason]);
  assert.ok(hung.ms < 1_000, `aborted after ${hung.ms} ms`);
});

test('waitForUploadDocumentJob: bad options are input errors before anything is sent', async () => {
  fresh();
  const cases = [
    [{ until: ['Done'] }, 'until', 'MalformedParameter'],
    [{ until: [] }, 'until', 'MalformedParameter'],
    [{ until: 'Cancelled' }, 'until', 'MalformedParameter'],
    [{ pollIntervalMs: 0 }, 'pollIntervalMs', 'MalformedParameter'],
    [{ maxWaitMs: '10s' }, 'maxWaitMs', 'MalformedParameter'],
    [{ PollIntervalMs: 10 }, 'PollIntervalMs', 'UnknownOption'],
    [{ jobId: undefined }, 'jobId', 'MissingParameter'],
  ];
  for (const [overrides, field, code] of cases) {
    const { error } = await outcome(lib.waitForUploadDocumentJob(callOptions(mock, overrides)));
    assert.deepEqual([error?.kind, error?.code, error?.field], ['input', code, field], JSON.stringify(overrides));
  }
  const { error } = await outcome(lib.waitForUploadDocumentJob(null));
  assert.deepEqual([error.kind, error.code], ['input', 'InvalidType']);
  assert.equal(log.posts().length, 0);
});

// The server applies the cancel but its answer is lost: the retry is told the job is no longer
// running, and the job's state shows whose cancel that was.
for (const fault of [{ type: 'apply-then-hang' }, { type: 'apply-then-reset' }]) {
  test(`a cancel applied by an attempt whose answer was lost (${fault.type}) resolves, alreadyCancelled`, async () => {
    fresh();
    mock.inject({ ...fault, action: 'CancelUploadDocumentJob' });
    const result = await lib.cancelUploadDocumentJob(callOptions(mock, { timeoutMs: 300, maxRetries: 2 }));
    assert.equal(result.status, 'success');
    assert.equal(result.alreadyCancelled, true);
    assert.match(result.message, /Cancelling: an earlier attempt of this call may have cancelled it/);
    assert.match(result.requestId, /^[0-9A-F-]{36}$/);
    assert.deepEqual(actions(), ['CancelUploadDocumentJob', 'CancelUploadDocumentJob', 'GetUploadDocumentJob']);
    assert.deepEqual(log.posts().slice(1).map((r) => r.response.code), ['UploadDocumentJob.StatusInvalid', 'success']);
    assert.equal(log.posts()[0].withheld?.code, 'success', 'the first attempt was applied, its answer withheld');
    assertRequestsOnTheWire(log.posts());
  });
}

// A gateway in front of the API passed the cancel on, then gave up on its answer: its 504 (or 502)
// may mean the cancel was applied, as a timeout does, so the retry's StatusInvalid is read back.
for (const fault of [{ status: 504 }, { status: 502 }, { status: 504, body: 'json' }]) {
  test(`a cancel applied behind a gateway that answered ${fault.status}${fault.body ? ' (JSON)' : ''} resolves, alreadyCancelled`, async () => {
    fresh();
    mock.inject({ type: 'apply-then-gateway-error', ...fault, action: 'CancelUploadDocumentJob' });
    const result = await lib.cancelUploadDocumentJob(callOptions(mock, { maxRetries: 2 }));
    assert.deepEqual([result.status, result.alreadyCancelled], ['success', true]);
    assert.match(result.message, /^the job is Cancelling: an earlier attempt of this call may have cancelled it, its answer lost$/);
    assert.deepEqual(actions(), ['CancelUploadDocumentJob', 'CancelUploadDocumentJob', 'GetUploadDocumentJob']);
    assert.deepEqual(log.posts().map((r) => r.response.status), [fault.status, 400, 200]);
    assert.equal(log.posts()[0].withheld?.code, 'success', 'the first attempt was applied behind the gateway');
    assertRequestsOnTheWire(log.posts());
  });
}

test('a first attempt told the job is no longer running is the API error, and asks nothing more', async () => {
  fresh([{ jobId: 'job-done', status: 'Success' }]);
  const { error } = await outcome(lib.cancelUploadDocumentJob(callOptions(mock, { jobId: 'job-done' })));
  assert.deepEqual([error.kind, error.code, error.attempts], ['api', 'UploadDocumentJob.StatusInvalid', 1]);
  assert.deepEqual(actions(), ['CancelUploadDocumentJob']);
});

test('after a lost answer, a job that finished on its own keeps the cancel\'s error', async () => {
  // The first attempt's connection is reset before the server reads it; the job was already done.
  fresh([{ jobId: 'job-done', status: 'Success' }]);
  mock.inject({ type: 'reset-before', action: 'CancelUploadDocumentJob' });
  const { error } = await outcome(lib.cancelUploadDocumentJob(callOptions(mock, { jobId: 'job-done', maxRetries: 2 })));
  assert.deepEqual([error.kind, error.code, error.attempts], ['api', 'UploadDocumentJob.StatusInvalid', 2]);
  assert.deepEqual(actions(), ['CancelUploadDocumentJob', 'CancelUploadDocumentJob', 'GetUploadDocumentJob']);
});
