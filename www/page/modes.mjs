// The two ways this page reaches gpdb: per mode, how it cancels a job, reads its status, and
// follows it until it stops. Each resolves with an outcome and never rejects:
//   cancel  { ok: true, requestId, status, message, alreadyCancelled? }
//   check   { ok: true, requestId, job: { id?, status?, completed?, progress?, error?, errorCode?, createTime?, updateTime? } }
//   follow  { ok: true, requestId, job } once the job is Success, Failed or Cancelled
//   any     { ok: false, kind, code, message, field?, requestId?, recommend?, httpStatus?, retryable?, lastStatus?, reportedBy }
// `follow` calls `onState({ requestId, job })` with every status it reads, and gives up after
// `maxWaitMs` with kind `timeout`, code `WaitTimeout` and the `lastStatus` it saw.
import { cancelUploadDocumentJob, getUploadDocumentJob, GpdbError, waitForUploadDocumentJob } from 'gpdb-edge';

// The same words in both modes: the page aborted, and whether gpdb already had the request is unknown.
const ABORTED = Object.freeze({
  ok: false, kind: 'aborted', code: 'Aborted', reportedBy: 'this page',
  message: 'You aborted the request before an answer came back. It may still have reached gpdb, so the job may have been cancelled anyway.',
});

const ERROR_FIELDS = ['kind', 'code', 'message', 'field', 'requestId', 'recommend', 'httpStatus', 'retryable'];
const JOB_FIELDS = ['id', 'status', 'completed', 'progress', 'error', 'errorCode', 'createTime', 'updateTime'];
/** Every Job.Status, and those a job stays in. */
export const JOB_STATUSES = ['Pending', 'Start', 'Running', 'Success', 'Failed', 'Cancelling', 'Cancelled'];
export const FINISHED = ['Success', 'Failed', 'Cancelled'];

const fieldsOf = (object, names) => Object.fromEntries(names.filter((key) => object?.[key] != null).map((key) => [key, object[key]]));
const jobOf = (state) => ({ requestId: state?.requestId, job: fieldsOf(state?.job, JOB_FIELDS) });

/** Waits `ms`; false as soon as `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (value) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// ---- Forwarding mode: gpdb-edge signs here, with short-lived STS credentials from the console's
// backend, and sends each request through the Worker's /api/gpdb proxy.

/** /api/credentials refused: its code, message and request id, for the outcome to show. */
class CredentialsRefused extends Error {
  constructor(status, answer) {
    super(typeof answer?.Message === 'string' ? answer.Message : `/api/credentials answered ${status}`);
    this.name = 'CredentialsRefused';
    this.code = typeof answer?.Code === 'string' ? answer.Code : 'CredentialsUnavailable';
    this.requestId = typeof answer?.RequestId === 'string' ? answer.RequestId : undefined;
    this.httpStatus = status;
  }
}

// The console issues credentials for one instance at a time, and gpdb-edge caches a provider's
// credentials per function until 5 minutes before `expiration`: so one function per instance for
// the page's lifetime, not a new one per call.
const providers = new Map();
function stsCredentials(regionId, dbInstanceId) {
  const key = JSON.stringify([regionId, dbInstanceId]);
  if (!providers.has(key)) {
    providers.set(key, async () => {
      const response = await fetch(`/api/credentials?${new URLSearchParams({ regionId, dbInstanceId })}`, { cache: 'no-store' });
      const answer = await response.json().catch(() => null);
      if (!response.ok) throw new CredentialsRefused(response.status, answer);
      return answer; // { accessKeyId, accessKeySecret, securityToken, expiration }
    });
  }
  return providers.get(key);
}

const inBrowser = (params, signal) => ({
  ...params,
  credentials: stsCredentials(String(params.regionId ?? ''), String(params.dbInstanceId ?? '')),
  // Sent to the Worker, signed for the region's endpoint, where the Worker forwards it.
  proxyUrl: new URL('/api/gpdb', location.href).href,
  signal,
});

function libraryError(error, signal) {
  if (signal.aborted) return { ...ABORTED };
  if (!(error instanceof GpdbError)) return { ok: false, kind: 'unexpected', code: 'Unexpected', message: String(error?.message ?? error), reportedBy: 'this page' };
  // The console refused credentials (e.g. an instance it does not act on): say what it said.
  if (error.cause instanceof CredentialsRefused) {
    return { ok: false, kind: 'credentials', ...fieldsOf(error.cause, ['code', 'message', 'requestId', 'httpStatus']), retryable: false, reportedBy: 'the console\'s Worker' };
  }
  return { ok: false, ...fieldsOf(error, [...ERROR_FIELDS, 'lastStatus']), reportedBy: 'gpdb-edge in this page' };
}

export async function cancelInBrowser(params, signal) {
  try {
    const result = await cancelUploadDocumentJob(inBrowser(params, signal));
    return { ok: true, ...fieldsOf(result, ['requestId', 'status', 'message']), ...(result.alreadyCancelled === true && { alreadyCancelled: true }) };
  } catch (error) {
    return libraryError(error, signal);
  }
}

export async function checkInBrowser(params, signal) {
  try {
    return { ok: true, ...jobOf(await getUploadDocumentJob(inBrowser(params, signal))) };
  } catch (error) {
    return libraryError(error, signal);
  }
}

/**
 * waitForUploadDocumentJob until the status is another than the last one seen (any status, the
 * first time), so each change is shown as it comes; again until the job stops, within one
 * `maxWaitMs` in all.
 */
export async function followInBrowser(params, signal, { onState, pollIntervalMs, maxWaitMs }) {
  const deadline = Date.now() + maxWaitMs;
  let last = null;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left < 1) return { ok: false, kind: 'timeout', code: 'WaitTimeout', lastStatus: last, reportedBy: 'this page' };
      const until = JOB_STATUSES.filter((status) => status !== last);
      const state = jobOf(await waitForUploadDocumentJob({ ...inBrowser(params, signal), until, pollIntervalMs, maxWaitMs: left }));
      last = state.job.status ?? null;
      onState(state);
      if (FINISHED.includes(last)) return { ok: true, ...state };
      if (!(await pause(pollIntervalMs, signal))) return { ...ABORTED };
    }
  } catch (error) {
    return { ...libraryError(error, signal), ...(error?.code === 'WaitTimeout' && { lastStatus: error.lastStatus ?? last }) };
  }
}

// ---- Signing mode: the Worker's /api/cancel and /api/job sign with its own key and call gpdb.

async function viaWorker(path, params, signal, isResult) {
  let response;
  let body;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if (signal.aborted) return { ...ABORTED };
    return { ok: false, kind: 'network', code: 'NetworkError', message: `Could not reach the console's Worker: ${error.message}`, retryable: true, reportedBy: 'this page' };
  }
  try {
    body = await response.json();
  } catch {
    if (signal.aborted) return { ...ABORTED };
    body = null;
  }
  if (response.ok && isResult(body)) return { ok: true, body };
  if (body?.error && typeof body.error === 'object') {
    return { ok: false, ...fieldsOf(body.error, ERROR_FIELDS), reportedBy: 'the console\'s Worker' };
  }
  return { ok: false, kind: 'response', code: 'MalformedResponse', message: `The console's Worker answered ${response.status} with no result.`, httpStatus: response.status, reportedBy: 'this page' };
}

export async function cancelViaWorker(params, signal) {
  const answer = await viaWorker('/api/cancel', params, signal, (body) => body?.status === 'success');
  if (!answer.ok) return answer;
  return { ok: true, ...fieldsOf(answer.body, ['requestId', 'status', 'message']), ...(answer.body.alreadyCancelled === true && { alreadyCancelled: true }) };
}

export async function checkViaWorker(params, signal) {
  const answer = await viaWorker('/api/job', params, signal, (body) => body?.job !== null && typeof body?.job === 'object');
  return answer.ok ? { ok: true, ...jobOf(answer.body) } : answer;
}

/**
 * /api/job every `pollIntervalMs` until the job stops: one short Worker call per poll, so no call
 * outlives a poll and the page's Abort ends the loop at once. Gives up as waitForUploadDocumentJob
 * does: when the next poll would come after `maxWaitMs`.
 */
export async function followViaWorker(params, signal, { onState, pollIntervalMs, maxWaitMs }) {
  const started = Date.now();
  let last = null;
  for (;;) {
    const state = await checkViaWorker(params, signal);
    if (!state.ok) return state;
    last = state.job.status ?? null;
    onState(state);
    if (FINISHED.includes(last)) return state;
    if (Date.now() - started + pollIntervalMs > maxWaitMs) return { ok: false, kind: 'timeout', code: 'WaitTimeout', lastStatus: last, reportedBy: 'this page' };
    if (!(await pause(pollIntervalMs, signal))) return { ...ABORTED };
  }
}
