// The console's Cloudflare Worker: serves the page (static assets) and its API, to verified
// Cloudflare Access users only (access.mjs), checked before anything else on every path.
//   POST /api/cancel       signing mode: the Worker signs and cancels the job.
//   POST /api/job          signing mode: likewise, the job's status (GetUploadDocumentJob).
//   GET  /api/credentials  forwarding mode: STS credentials for the operator, for one instance.
//   POST /api/gpdb         forwarding mode: the page's signed request, passed on to GPDB_UPSTREAM.
// Every cancel, job read, credentials issued and refusal writes one audit line (audit.mjs).
import { accessSettings, verifyAccess } from './access.mjs';
import { AuditRecord } from './audit.mjs';
import { issueCredentials } from './credentials.mjs';
import { forwardToGpdb } from './forwarding.mjs';
import { refusal } from './guard.mjs';
import { alibabaError, newRequestId, pageError } from './responses.mjs';
import { cancelForPage, jobForPage } from './signing.mjs';

// Exact paths: nothing after /api/gpdb is ever read, so no path can name another host.
// Signing mode's routes answer a refusal in their own error shape, which the page reads itself.
const ROUTES = new Map([
  ['/api/cancel', { handle: cancelForPage, refuse: pageError, mode: 'signing', action: 'CancelUploadDocumentJob' }],
  ['/api/job', { handle: jobForPage, refuse: pageError, mode: 'signing', action: 'GetUploadDocumentJob' }],
  ['/api/credentials', { handle: issueCredentials, refuse: alibabaError, mode: 'forwarding', action: 'AssumeRole' }],
  ['/api/gpdb', { handle: forwardToGpdb, refuse: alibabaError, mode: 'forwarding', action: null }],
  ['/api/gpdb/', { handle: forwardToGpdb, refuse: alibabaError, mode: 'forwarding', action: null }],
]);
const UNKNOWN_API = { refuse: alibabaError, mode: null, action: null };
// The page and its assets: a refusal is a short text a browser shows as it is.
const PAGE = {
  refuse: (status, code, message, { headers = {}, requestId }) => new Response(`${message}\n(${code}, request ${requestId})\n`, {
    status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers },
  }),
  mode: null,
  action: null,
};

// The page loads its own script, style and wasm and talks to its own origin only.
// 'wasm-unsafe-eval' lets gpdb-edge compile its WebAssembly; nothing allows eval of JS.
const PAGE_HEADERS = {
  'content-security-policy': [
    "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** The asset with the page's headers; the HTML names the signed-in operator, so no cache keeps it. */
async function servePage(request, env, operator) {
  const asset = await env.ASSETS.fetch(request);
  let response = new Response(asset.body, asset);
  for (const [name, value] of Object.entries(PAGE_HEADERS)) response.headers.set(name, value);
  if (response.status === 200 && /^text\/html\b/.test(response.headers.get('content-type') ?? '')) {
    response.headers.set('cache-control', 'private, no-store');
    response.headers.delete('etag');
    // setInnerContent writes text, escaped: an operator name is never parsed as HTML.
    response = new HTMLRewriter()
      .on('#operator-name', { element: (element) => { element.setInnerContent(operator); } })
      .on('#operator', { element: (element) => { element.removeAttribute('hidden'); } })
      .transform(response);
  }
  return response;
}

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    const route = ROUTES.get(pathname) ?? (pathname.startsWith('/api/') ? UNKNOWN_API : PAGE);
    const record = new AuditRecord(request, { mode: route.mode, action: route.action });
    // Every refusal: one audit line with its reason, and the answer in the route's shape.
    const refuse = (status, code, message, { headers, reason } = {}) => {
      const requestId = newRequestId();
      record.write({ outcome: code, httpStatus: status, requestId, refused: true, reason });
      return route.refuse(status, code, message, { headers, requestId });
    };

    // Fail closed: without Access settings nothing is served, not even the page.
    const settings = accessSettings(env);
    if (settings.problem) return refuse(500, 'Console.NotConfigured', settings.problem, { reason: 'access settings' });
    const identity = await verifyAccess(request, settings);
    if (identity.refusal) return refuse(...identity.refusal, { reason: identity.reason });
    const { operator } = identity;
    record.note({ operator });

    if (route === PAGE) return servePage(request, env, operator);
    if (route === UNKNOWN_API) return refuse(404, 'Console.NotFound', 'No such API route.');
    const refused = refusal(request, env);
    if (refused) return refuse(...refused);
    const response = await route.handle(request, env, { operator, record, refuse, waitUntil: (promise) => ctx.waitUntil(promise) });
    // Each route writes its own line; one that did not is a bug, still recorded.
    if (!record.written && !record.deferred) record.write({ outcome: `HTTP ${response.status}`, httpStatus: response.status });
    return response;
  },
};
