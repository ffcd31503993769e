// The two JSON shapes the Worker answers with. What gpdb-edge reads (Alibaba's error envelope)
// for the routes the library calls; `{ error: {...} }` for /api/cancel and /api/job, which the page reads itself.

const NO_STORE = { 'cache-control': 'no-store' };

/** A JSON response that no cache keeps: every API answer is per request and may name a job. */
export function json(status, body, headers = {}) {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/**
 * Alibaba's error envelope, `{ RequestId, Code, Message }`: gpdb-edge reports a 4xx or 5xx in this
 * shape as an error of kind `api` with this code, message and request id.
 */
export function alibabaError(status, code, message, headers = {}) {
  return json(status, { RequestId: crypto.randomUUID().toUpperCase(), Code: code, Message: message }, headers);
}
