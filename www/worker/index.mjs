// The console's Cloudflare Worker: serves the page (static assets) and its API.
//   POST /api/cancel       signing mode: the Worker signs with its own AccessKey and cancels the job.
//   POST /api/job          signing mode: likewise, the job's status (GetUploadDocumentJob).
//   GET  /api/credentials  forwarding mode: short-lived STS credentials for the page's signer.
//   POST /api/gpdb         forwarding mode: the page's signed request, passed on to GPDB_UPSTREAM.
import { alibabaError, json } from './responses.mjs';
import { issueCredentials } from './credentials.mjs';
import { forwardToGpdb } from './forwarding.mjs';
import { refusal } from './guard.mjs';
import { cancelForPage, jobForPage } from './signing.mjs';

// Exact paths: nothing after /api/gpdb is ever read, so no path can name another host.
// Signing mode's routes answer a refusal in their own error shape, which the page reads itself.
const pageRefusal = (status, code, message) => json(status, { error: { kind: 'input', code, message, retryable: false } });
const ROUTES = new Map([
  ['/api/cancel', { handle: cancelForPage, refuse: pageRefusal }],
  ['/api/job', { handle: jobForPage, refuse: pageRefusal }],
  ['/api/credentials', { handle: issueCredentials, refuse: alibabaError }],
  ['/api/gpdb', { handle: forwardToGpdb, refuse: alibabaError }],
  ['/api/gpdb/', { handle: forwardToGpdb, refuse: alibabaError }],
]);

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

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith('/api/')) {
      const asset = await env.ASSETS.fetch(request);
      const response = new Response(asset.body, asset);
      for (const [name, value] of Object.entries(PAGE_HEADERS)) response.headers.set(name, value);
      return response;
    }
    const route = ROUTES.get(pathname);
    if (!route) return alibabaError(404, 'Console.NotFound', 'No such API route.');
    const refused = refusal(request, env);
    if (refused) return route.refuse(...refused);
    return route.handle(request, env);
  },
};
