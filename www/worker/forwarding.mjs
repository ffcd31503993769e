// Forwarding mode, POST /api/gpdb: the page signed the request with its own short-lived STS
// credentials, for the API endpoint (gpdb-edge's `proxyUrl`: sent here, signed for GPDB_UPSTREAM's
// host with path /); the Worker passes it to GPDB_UPSTREAM without touching what was signed: the
// query string, the signature headers and the body go on byte for byte. Signature V3 signs the
// host, so GPDB_UPSTREAM must be the endpoint the page signs for (the region's, by default).
import { alibabaError, json, newRequestId } from './responses.mjs';
import { instanceRefusal, mediaType, readBody } from './guard.mjs';

const FORM = 'application/x-www-form-urlencoded'; // the API's only request body type
// The only operations this console sends; the proxy forwards nothing else, whatever the credentials allow.
const ACTIONS = ['CancelUploadDocumentJob', 'GetUploadDocumentJob'];
// An allow-list both ways: cookies and every other header stay on their side. `authorization` and
// the x-acs-* headers are the signature V3 the page made (V2 needs only the first four).
const REQUEST_HEADERS = [
  'content-type', 'accept', 'x-acs-action', 'x-acs-version', 'authorization', 'x-acs-date', 'x-acs-signature-nonce',
  'x-acs-content-sha256', 'x-acs-security-token',
];
const RESPONSE_HEADERS = ['content-type', 'date', 'x-acs-request-id', 'retry-after', 'x-acs-retry-after'];
const MAX_BODY_BYTES = 16 * 1024; // the form body is five short fields
const UPSTREAM_TIMEOUT_MS = 30_000;

/** GPDB_UPSTREAM as a base URL for requests (`https://host[/path]`, no query), or `null`. */
function upstreamBase(env) {
  let url;
  try {
    url = new URL(env.GPDB_UPSTREAM);
  } catch {
    return null;
  }
  if (!['https:', 'http:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) return null;
  return `${url.origin}${url.pathname}`;
}

/**
 * Every action the request names: V2 signs `Action` in the query (a server may read one from the
 * form body too), V3 the `x-acs-action` header. All of them must be allowed, so no second name
 * can ride along with an allowed one.
 */
function namedActions(query, headers, body) {
  const header = headers.get('x-acs-action');
  return [
    ...new URLSearchParams(query).getAll('Action'),
    ...new URLSearchParams(new TextDecoder().decode(body)).getAll('Action'),
    ...(header === null ? [] : [header]),
  ];
}

// gpdb's answers to the two actions are a few hundred bytes; a copy longer than this is not read on.
const MAX_AUDITED_BYTES = 64 * 1024;

/** The outcome an audit line records for gpdb's answer: `OK`, or its error `Code`. Read from a copy of the body. */
async function outcomeOf(status, body) {
  let answer = null;
  try {
    let text = '';
    const decoder = new TextDecoder();
    const reader = body?.getReader();
    for (let read = await reader?.read(); read && !read.done; read = await reader.read()) {
      text += decoder.decode(read.value, { stream: true });
      if (text.length > MAX_AUDITED_BYTES) {
        await reader.cancel();
        throw new RangeError('longer than an answer of these actions');
      }
    }
    answer = JSON.parse(text + decoder.decode());
  } catch {
    // Not JSON, too long, or cut short: the status says what is known.
  }
  const code = typeof answer?.Code === 'string' ? answer.Code : null;
  const outcome = status >= 200 && status < 300 && (answer?.Status === 'success' || (code === null && answer?.Job)) ? 'OK' : code ?? `HTTP ${status}`;
  return { outcome, requestId: typeof answer?.RequestId === 'string' ? answer.RequestId : null };
}

export async function forwardToGpdb(request, env, { record, refuse, waitUntil }) {
  if (request.method !== 'POST') {
    return refuse(405, 'Proxy.MethodNotAllowed', `The proxy forwards POST only, not ${request.method}.`, { headers: { allow: 'POST' } });
  }
  if (mediaType(request.headers.get('content-type')) !== FORM) {
    return refuse(415, 'Proxy.UnsupportedMediaType', `The proxy forwards ${FORM} bodies only.`);
  }
  const base = upstreamBase(env);
  if (!base) return refuse(503, 'Proxy.NotConfigured', 'Set GPDB_UPSTREAM to the gpdb endpoint, e.g. https://gpdb.aliyuncs.com.');

  // The raw query string: re-serialising the parameters could change bytes the signature covers.
  const at = request.url.indexOf('?');
  const query = at === -1 ? '' : request.url.slice(at);
  const body = await readBody(request, MAX_BODY_BYTES);
  if (!body) return refuse(413, 'Proxy.PayloadTooLarge', `The request body must have a Content-Length of at most ${MAX_BODY_BYTES} bytes.`);
  const params = new URLSearchParams(query);
  const form = new URLSearchParams(new TextDecoder().decode(body));
  const named = namedActions(query, request.headers, body);
  record.note({
    action: new Set(named).size === 1 ? named[0] : null,
    region: params.get('RegionId'), instance: params.get('DBInstanceId'), jobId: form.get('JobId'),
  });
  if (named.length === 0 || !named.every((action) => ACTIONS.includes(action))) {
    return refuse(403, 'Proxy.ActionNotAllowed', `The proxy forwards ${ACTIONS.join(' and ')} only.`);
  }
  const notAllowed = instanceRefusal(env, params.get('RegionId'), params.get('DBInstanceId'));
  if (notAllowed) return refuse(...notAllowed);

  const headers = new Headers();
  for (const name of REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  let upstream;
  try {
    upstream = await fetch(base + query, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual', // a redirect would name a host this proxy was not configured with
      // The page's abort (deployed, request.signal fires when the browser goes away) ends the upstream call too.
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(UPSTREAM_TIMEOUT_MS)]),
    });
  } catch (error) {
    if (request.signal.aborted) {
      record.write({ outcome: 'Proxy.ClientClosedRequest', httpStatus: 499 });
      return json(499, { Code: 'Proxy.ClientClosedRequest' });
    }
    if (error?.name === 'TimeoutError') {
      return gatewayError(record, 504, 'Proxy.UpstreamTimeout', `The gpdb endpoint did not answer within ${UPSTREAM_TIMEOUT_MS / 1000} s.`);
    }
    return gatewayError(record, 502, 'Proxy.UpstreamUnreachable', 'The console\'s proxy could not reach the gpdb endpoint.');
  }
  if (upstream.status >= 300 && upstream.status < 400) {
    await upstream.body?.cancel();
    return gatewayError(record, 502, 'Proxy.UpstreamRedirect', 'The gpdb endpoint answered with a redirect, which the proxy does not follow.');
  }

  const returned = new Headers({ 'cache-control': 'no-store' });
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) returned.set(name, value);
  }
  // The page gets the answer as it streams in; the audit line is written from a copy once it is whole.
  const [toPage, toAudit] = upstream.body ? upstream.body.tee() : [null, null];
  record.deferred = true;
  waitUntil(outcomeOf(upstream.status, toAudit).then(({ outcome, requestId }) => {
    record.write({ outcome, httpStatus: upstream.status, requestId: requestId ?? upstream.headers.get('x-acs-request-id') });
  }));
  return new Response(toPage, { status: upstream.status, headers: returned });
}

/** The proxy's own 5xx when gpdb could not answer: in Alibaba's shape, and audited (gpdb was called). */
function gatewayError(record, status, code, message) {
  const requestId = newRequestId();
  record.write({ outcome: code, httpStatus: status, requestId });
  return alibabaError(status, code, message, { requestId });
}
