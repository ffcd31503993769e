// Forwarding mode, POST /api/gpdb: the page signed the request with its own short-lived STS
// credentials, for the API endpoint (gpdb-edge's `proxyUrl`: sent here, signed for GPDB_UPSTREAM's
// host with path /); the Worker passes it to GPDB_UPSTREAM without touching what was signed: the
// query string, the signature headers and the body go on byte for byte. Signature V3 signs the
// host, so GPDB_UPSTREAM must be the endpoint the page signs for (the region's, by default).
import { alibabaError, json } from './responses.mjs';
import { mediaType, readBody } from './guard.mjs';

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

export async function forwardToGpdb(request, env) {
  if (request.method !== 'POST') {
    return alibabaError(405, 'Proxy.MethodNotAllowed', `The proxy forwards POST only, not ${request.method}.`, { allow: 'POST' });
  }
  if (mediaType(request.headers.get('content-type')) !== FORM) {
    return alibabaError(415, 'Proxy.UnsupportedMediaType', `The proxy forwards ${FORM} bodies only.`);
  }
  const base = upstreamBase(env);
  if (!base) return alibabaError(503, 'Proxy.NotConfigured', 'Set GPDB_UPSTREAM to the gpdb endpoint, e.g. https://gpdb.aliyuncs.com.');

  // The raw query string: re-serialising the parameters could change bytes the signature covers.
  const at = request.url.indexOf('?');
  const query = at === -1 ? '' : request.url.slice(at);
  const body = await readBody(request, MAX_BODY_BYTES);
  if (!body) return alibabaError(413, 'Proxy.PayloadTooLarge', `The request body is over ${MAX_BODY_BYTES} bytes.`);
  const named = namedActions(query, request.headers, body);
  if (named.length === 0 || !named.every((action) => ACTIONS.includes(action))) {
    return alibabaError(403, 'Proxy.ActionNotAllowed', `The proxy forwards ${ACTIONS.join(' and ')} only.`);
  }

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
    if (request.signal.aborted) return json(499, { Code: 'Proxy.ClientClosedRequest' });
    if (error?.name === 'TimeoutError') {
      return alibabaError(504, 'Proxy.UpstreamTimeout', `The gpdb endpoint did not answer within ${UPSTREAM_TIMEOUT_MS / 1000} s.`);
    }
    return alibabaError(502, 'Proxy.UpstreamUnreachable', 'The console\'s proxy could not reach the gpdb endpoint.');
  }
  if (upstream.status >= 300 && upstream.status < 400) {
    await upstream.body?.cancel();
    return alibabaError(502, 'Proxy.UpstreamRedirect', 'The gpdb endpoint answered with a redirect, which the proxy does not follow.');
  }

  const returned = new Headers({ 'cache-control': 'no-store' });
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) returned.set(name, value);
  }
  return new Response(upstream.body, { status: upstream.status, headers: returned });
}
