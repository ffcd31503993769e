// The two JSON shapes the Worker answers with. What gpdb-edge reads (Alibaba's error envelope)
// for the routes the library calls; `{ error: {...} }` for /api/cancel and /api/job, which the page reads itself.

const NO_STORE = { 'cache-control': 'no-store' };

/** A request id for an answer the Worker gives itself, in the API's format: the operator can quote it, the audit line holds it. */
export const newRequestId = () => crypto.randomUUID().toUpperCase();

/** A JSON response that no cache keeps: every API answer is per request and may name a job. */
export function json(status, body, headers = {}) {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/**
 * Alibaba's error envelope, `{ RequestId, Code, Message }`: gpdb-edge reports a 4xx or 5xx in this
 * shape as an error of kind `api` with this code, message and request id.
 */
export function alibabaError(status, code, message, { headers = {}, requestId = newRequestId() } = {}) {
  return json(status, { RequestId: requestId, Code: code, Message: message }, headers);
}

/** The signing routes' refusal, `{ error: { kind: 'input', code, message, requestId, retryable } }`, read by the page. */
export function pageError(status, code, message, { headers = {}, requestId = newRequestId() } = {}) {
  return json(status, { error: { kind: 'input', code, message, requestId, retryable: false } }, headers);
}
