// Signing mode: the page sends the job's parameters only; the Worker signs with the AccessKey in
// its secrets and calls gpdb itself. No key of any kind reaches the browser: the answer is the
// result, or the GpdbError's fields (never its cause), with every secret redacted.
//   POST /api/cancel  CancelUploadDocumentJob   { requestId, status, message, alreadyCancelled? }
//   POST /api/job     GetUploadDocumentJob      { requestId, job: { id, status, completed, progress, error, errorCode, createTime, updateTime } }
// Both take the same JSON object, pass the same checks and answer errors in the same shape,
// `{ error: { kind, code, message, field?, requestId?, recommend?, httpStatus?, retryable } }`.
import { cancelUploadDocumentJob, getUploadDocumentJob, GpdbError } from 'gpdb-edge';

import { json } from './responses.mjs';
import { mediaType, readBody } from './guard.mjs';

// What the page may set. Credentials, endpoint, retries and timeouts are the Worker's to choose.
const PAGE_FIELDS = ['regionId', 'dbInstanceId', 'namespace', 'collection', 'jobId', 'namespacePassword'];
const ERROR_FIELDS = ['kind', 'code', 'message', 'field', 'requestId', 'recommend', 'httpStatus', 'retryable'];
// What the page is told of a job: its state, not its chunk files' URLs or the embedding's usage.
const JOB_FIELDS = ['id', 'status', 'completed', 'progress', 'error', 'errorCode', 'createTime', 'updateTime'];
const MAX_BODY_BYTES = 4096;

// The status of this Worker's answer per error kind: the API's own status for API errors,
// a gateway error when gpdb could not be reached or made no sense.
const STATUS_BY_KIND = { input: 400, credentials: 500, network: 502, response: 502, timeout: 504, aborted: 499 };

const refused = (status, code, message, headers = {}) =>
  json(status, { error: { kind: 'input', code, message, retryable: false } }, headers);

/** `text` with every secret replaced by `***`, also in its URL-encoded forms. */
function redact(text, secrets) {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])) {
      out = out.split(form).join('***');
    }
  }
  return out;
}

/** `object`'s `fields` that are set, strings redacted. */
function pick(object, fields, secrets) {
  const out = {};
  for (const key of fields) {
    const value = object?.[key];
    if (value !== undefined && value !== null) out[key] = typeof value === 'string' ? redact(value, secrets) : value;
  }
  return out;
}

/**
 * A signing-mode route: the request's checks, then `call(options)` with the page's fields and the
 * Worker's key and endpoint, its result shaped by `answer(result, scrub)` (`scrub` redacts a
 * string), or its GpdbError as `{ error }`.
 */
function pageRoute(call, answer) {
  return async (request, env) => {
    if (request.method !== 'POST') return refused(405, 'Console.MethodNotAllowed', `Use POST, not ${request.method}.`, { allow: 'POST' });
    if (mediaType(request.headers.get('content-type')) !== 'application/json') {
      return refused(415, 'Console.UnsupportedMediaType', 'Send the job parameters as application/json.');
    }
    const body = await readBody(request, MAX_BODY_BYTES);
    if (!body) return refused(413, 'Console.PayloadTooLarge', `The request body is over ${MAX_BODY_BYTES} bytes.`);
    let params;
    try {
      params = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return refused(400, 'Console.MalformedJson', 'The request body is not JSON.');
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      return refused(400, 'Console.MalformedJson', 'The request body must be a JSON object.');
    }
    const unknown = Object.keys(params).find((key) => !PAGE_FIELDS.includes(key));
    if (unknown !== undefined) return refused(400, 'UnknownOption', `The page cannot set ${JSON.stringify(unknown).slice(0, 60)}.`);

    const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    // gpdb-edge already keeps secrets out of its errors; the key id and a second pass are the Worker's own rule.
    const secrets = [accessKeyId, accessKeySecret, params.namespacePassword].filter((s) => typeof s === 'string' && s !== '');
    try {
      const result = await call({
        ...Object.fromEntries(PAGE_FIELDS.filter((key) => key in params).map((key) => [key, params[key]])),
        credentials: { accessKeyId, accessKeySecret },
        ...(env.GPDB_UPSTREAM && { endpoint: env.GPDB_UPSTREAM }),
        // Deployed, workerd aborts request.signal when the browser goes away, and the call stops.
        signal: request.signal,
      });
      return json(200, answer(result, secrets));
    } catch (error) {
      if (!(error instanceof GpdbError)) {
        return json(500, { error: { kind: 'unexpected', code: 'InternalError', message: 'The console\'s Worker failed.', retryable: false } });
      }
      const status = error.kind === 'api' ? error.httpStatus ?? 502 : STATUS_BY_KIND[error.kind] ?? 500;
      return json(status >= 400 && status <= 599 ? status : 502, { error: pick(error, ERROR_FIELDS, secrets) });
    }
  };
}

/** POST /api/cancel. `alreadyCancelled` when gpdb-edge found its own lost attempt had cancelled the job. */
export const cancelForPage = pageRoute(cancelUploadDocumentJob, (result, secrets) => ({
  ...pick(result, ['requestId', 'status', 'message'], secrets),
  ...(result.alreadyCancelled === true && { alreadyCancelled: true }),
}));

/** POST /api/job: the job's status, progress, times and error, for the page to show and to follow. */
export const jobForPage = pageRoute(getUploadDocumentJob, (state, secrets) => ({
  ...pick(state, ['requestId'], secrets),
  job: pick(state.job, JOB_FIELDS, secrets),
}));
