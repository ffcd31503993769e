// Signing mode: the page sends the job's parameters only; the Worker calls gpdb itself, for the
// operator Access let in, on an instance GPDB_INSTANCES allows, signing as the operator's STS
// session for that instance (STS_ROLE_ARN set) or with the AccessKey in its secrets. No key of any
// kind reaches the browser: the answer is the result, or the GpdbError's fields (never its cause),
// with every secret redacted.
//   POST /api/cancel  CancelUploadDocumentJob   { requestId, status, message, alreadyCancelled? }
//   POST /api/job     GetUploadDocumentJob      { requestId, job: { id, status, completed, progress, error, errorCode, createTime, updateTime } }
// Both take the same JSON object, pass the same checks and answer errors in the same shape,
// `{ error: { kind, code, message, field?, requestId?, recommend?, httpStatus?, retryable } }`.
import { cancelUploadDocumentJob, getUploadDocumentJob, GpdbError } from 'gpdb-edge';

import { operatorCredentials } from './credentials.mjs';
import { instanceIdsRefusal } from './session.mjs';
import { json } from './responses.mjs';
import { instanceRefusal, mediaType, readBody } from './guard.mjs';

// What the page may set. Credentials, endpoint, retries and timeouts are the Worker's to choose.
const PAGE_FIELDS = ['regionId', 'dbInstanceId', 'namespace', 'collection', 'jobId', 'namespacePassword'];
const ERROR_FIELDS = ['kind', 'code', 'message', 'field', 'requestId', 'recommend', 'httpStatus', 'retryable'];
// What the page is told of a job: its state, not its chunk files' URLs or the embedding's usage.
const JOB_FIELDS = ['id', 'status', 'completed', 'progress', 'error', 'errorCode', 'createTime', 'updateTime'];
const MAX_BODY_BYTES = 4096;

// The status of this Worker's answer per error kind: the API's own status for API errors,
// a gateway error when gpdb could not be reached or made no sense.
const STATUS_BY_KIND = { input: 400, credentials: 500, network: 502, response: 502, timeout: 504, aborted: 499 };

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
 * Worker's credentials and endpoint, its result shaped by `answer(result, secrets)`, or its
 * GpdbError as `{ error }`. `context` is the Worker's for this request: the operator, the audit
 * record and `refuse` (an audited refusal in the page's error shape).
 */
function pageRoute(call, answer) {
  return async (request, env, { operator, record, refuse }) => {
    if (request.method !== 'POST') return refuse(405, 'Console.MethodNotAllowed', `Use POST, not ${request.method}.`, { headers: { allow: 'POST' } });
    if (mediaType(request.headers.get('content-type')) !== 'application/json') {
      return refuse(415, 'Console.UnsupportedMediaType', 'Send the job parameters as application/json.');
    }
    const body = await readBody(request, MAX_BODY_BYTES);
    if (!body) return refuse(413, 'Console.PayloadTooLarge', `The request body must have a Content-Length of at most ${MAX_BODY_BYTES} bytes.`);
    let params;
    try {
      params = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return refuse(400, 'Console.MalformedJson', 'The request body is not JSON.');
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      return refuse(400, 'Console.MalformedJson', 'The request body must be a JSON object.');
    }
    record.note({ region: params.regionId, instance: params.dbInstanceId, jobId: params.jobId });
    const unknown = Object.keys(params).find((key) => !PAGE_FIELDS.includes(key));
    if (unknown !== undefined) return refuse(400, 'UnknownOption', `The page cannot set ${JSON.stringify(unknown).slice(0, 60)}.`);
    const notAllowed = instanceRefusal(env, params.regionId, params.dbInstanceId);
    if (notAllowed) return refuse(...notAllowed);

    const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    // gpdb-edge already keeps secrets out of its errors; the key id, successful answers and a second
    // pass are the Worker's own rule. Its list holds every credential the call signs with.
    const secrets = [accessKeyId, accessKeySecret, params.namespacePassword].filter((s) => typeof s === 'string' && s !== '');
    // With STS_ROLE_ARN, the operator's own STS credentials for this instance, as forwarding mode
    // gets them: the Worker's key then needs only sts:AssumeRole. Without it, the Worker's key.
    let credentials = { accessKeyId, accessKeySecret };
    if (env.STS_ROLE_ARN) {
      const malformed = instanceIdsRefusal(params.regionId, params.dbInstanceId);
      if (malformed) return refuse(...malformed);
      const assumed = await operatorCredentials(env, operator, params.regionId, params.dbInstanceId);
      if (!assumed) return refuse(500, 'Console.NotConfigured', 'STS_ROLE_ARN is set, but not the Worker\'s AccessKey.');
      // The provider as the call sees it, adding the session's key id, secret and token to the list
      // each time the call asks for them (a retry may get renewed ones).
      credentials = async () => {
        const session = await assumed.credentials();
        secrets.push(...[session.accessKeyId, session.accessKeySecret, session.securityToken].filter((s) => typeof s === 'string' && s !== ''));
        return session;
      };
    }
    try {
      const result = await call({
        ...Object.fromEntries(PAGE_FIELDS.filter((key) => key in params).map((key) => [key, params[key]])),
        credentials,
        ...(env.GPDB_UPSTREAM && { endpoint: env.GPDB_UPSTREAM }),
        // Deployed, workerd aborts request.signal when the browser goes away, and the call stops.
        signal: request.signal,
      });
      record.write({ outcome: 'OK', httpStatus: 200, requestId: result.requestId });
      return json(200, answer(result, secrets));
    } catch (error) {
      if (!(error instanceof GpdbError)) {
        record.write({ outcome: 'InternalError', httpStatus: 500 });
        return json(500, { error: { kind: 'unexpected', code: 'InternalError', message: 'The console\'s Worker failed.', retryable: false } });
      }
      const status = error.kind === 'api' ? error.httpStatus ?? 502 : STATUS_BY_KIND[error.kind] ?? 500;
      // A refused AssumeRole is STS's error, not the provider's wrapper: its code says what to fix.
      const sts = error.code === 'CredentialsProviderFailed' && error.cause instanceof GpdbError ? error.cause : null;
      const shown = pick(sts ? { ...pick(sts, ERROR_FIELDS, secrets), kind: 'credentials', message: `STS AssumeRole failed: ${sts.message}` } : error, ERROR_FIELDS, secrets);
      record.write({ outcome: shown.code ?? error.kind, httpStatus: status >= 400 && status <= 599 ? status : 502, requestId: shown.requestId });
      return json(status >= 400 && status <= 599 ? status : 502, { error: shown });
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
