// Signing mode, POST /api/cancel: the page sends the job's parameters only; the Worker signs with
// the AccessKey in its secrets and calls gpdb itself. No key of any kind reaches the browser: the
// answer is the result, or the GpdbError's fields (never its cause), with every secret redacted.
import { cancelUploadDocumentJob, GpdbError } from 'gpdb-edge';

import { json } from './responses.mjs';
import { mediaType, readBody } from './guard.mjs';

// What the page may set. Credentials, endpoint, retries and timeouts are the Worker's to choose.
const PAGE_FIELDS = ['regionId', 'dbInstanceId', 'namespace', 'collection', 'jobId', 'namespacePassword'];
const ERROR_FIELDS = ['kind', 'code', 'message', 'field', 'requestId', 'recommend', 'httpStatus', 'retryable'];
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

export async function cancelForPage(request, env) {
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
  try {
    const result = await cancelUploadDocumentJob({
      ...Object.fromEntries(PAGE_FIELDS.filter((key) => key in params).map((key) => [key, params[key]])),
      credentials: { accessKeyId, accessKeySecret },
      ...(env.GPDB_UPSTREAM && { endpoint: env.GPDB_UPSTREAM }),
      // Deployed, workerd aborts request.signal when the browser goes away, and the call stops.
      signal: request.signal,
    });
    return json(200, { requestId: result.requestId, status: result.status, message: result.message });
  } catch (error) {
    if (!(error instanceof GpdbError)) {
      return json(500, { error: { kind: 'unexpected', code: 'InternalError', message: 'The console\'s Worker failed.', retryable: false } });
    }
    // gpdb-edge already keeps secrets out of its errors; the key id and a second pass are the Worker's own rule.
    const secrets = [accessKeyId, accessKeySecret, params.namespacePassword].filter((s) => typeof s === 'string' && s !== '');
    const fields = {};
    for (const key of ERROR_FIELDS) {
      const value = error[key];
      if (value !== undefined && value !== null) fields[key] = typeof value === 'string' ? redact(value, secrets) : value;
    }
    const status = error.kind === 'api' ? error.httpStatus ?? 502 : STATUS_BY_KIND[error.kind] ?? 500;
    return json(status >= 400 && status <= 599 ? status : 502, { error: fields });
  }
}
