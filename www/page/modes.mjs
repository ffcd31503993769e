// The two ways this page cancels a job. Both resolve with an outcome and never reject:
//   { ok: true, requestId, status, message }
//   { ok: false, kind, code, message, field?, requestId?, recommend?, httpStatus?, retryable?, reportedBy }
import { cancelUploadDocumentJob, GpdbError } from 'gpdb-edge';

// The same words in both modes: the page aborted, and whether gpdb already had the request is unknown.
const ABORTED = Object.freeze({
  ok: false, kind: 'aborted', code: 'Aborted', reportedBy: 'this page',
  message: 'You aborted the request before an answer came back. It may still have reached gpdb, so the job may have been cancelled anyway.',
});

const ERROR_FIELDS = ['kind', 'code', 'message', 'field', 'requestId', 'recommend', 'httpStatus', 'retryable'];

// gpdb-edge caches a provider's credentials per function until 5 minutes before `expiration`,
// so this is one function for the page's lifetime, not a new one per call.
async function stsCredentials() {
  const response = await fetch('/api/credentials', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/api/credentials answered ${response.status}`);
  return response.json(); // { accessKeyId, accessKeySecret, securityToken, expiration }
}

/**
 * Forwarding mode: gpdb-edge signs here, with short-lived STS credentials from the console's
 * backend, and sends the request through the Worker's /api/gpdb proxy.
 */
export async function cancelInBrowser(params, signal) {
  try {
    const result = await cancelUploadDocumentJob({
      ...params,
      credentials: stsCredentials,
      // Sent to the Worker, signed for the region's endpoint, where the Worker forwards it.
      proxyUrl: new URL('/api/gpdb', location.href).href,
      signal,
    });
    return { ok: true, requestId: result.requestId, status: result.status, message: result.message };
  } catch (error) {
    if (signal.aborted) return { ...ABORTED };
    if (!(error instanceof GpdbError)) return { ok: false, kind: 'unexpected', code: 'Unexpected', message: String(error?.message ?? error), reportedBy: 'this page' };
    const fields = Object.fromEntries(ERROR_FIELDS.filter((key) => error[key] != null).map((key) => [key, error[key]]));
    return { ok: false, ...fields, reportedBy: 'gpdb-edge in this page' };
  }
}

/** Signing mode: the Worker's /api/cancel signs with its own key and calls gpdb. */
export async function cancelViaWorker(params, signal) {
  let response;
  let body;
  try {
    response = await fetch('/api/cancel', {
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
  if (response.ok && body?.status === 'success') {
    return { ok: true, requestId: body.requestId, status: body.status, message: body.message };
  }
  if (body?.error && typeof body.error === 'object') {
    const fields = Object.fromEntries(ERROR_FIELDS.filter((key) => body.error[key] != null).map((key) => [key, body.error[key]]));
    return { ok: false, ...fields, reportedBy: 'the console\'s Worker' };
  }
  return { ok: false, kind: 'response', code: 'MalformedResponse', message: `The console's Worker answered ${response.status} with no result.`, httpStatus: response.status, reportedBy: 'this page' };
}
