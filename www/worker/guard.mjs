// Checks every /api/* request before its route sees it: the request must be for this console's
// own origin, come from its own page (when a browser says where it comes from), and carry no
// header that front proxies use to pick or rewrite a target.

// None of them has a use here; a request carrying one is probing for a proxy that honours it.
const ROUTING_HEADERS = [
  'forwarded', 'x-forwarded-host', 'x-forwarded-server', 'x-original-host', 'x-host', 'x-original-url', 'x-rewrite-url',
  'x-http-method-override', 'x-http-method', 'x-method-override',
];

/** `CONSOLE_ORIGIN`: the origins the console is served from, comma-separated. */
export function consoleOrigins(env) {
  return String(env.CONSOLE_ORIGIN ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
}

/** Why the request is refused, as `[status, code, message]`, or `null` when it may go on. */
export function refusal(request, env) {
  const origins = consoleOrigins(env);
  if (origins.length === 0) return [500, 'Console.NotConfigured', 'Set CONSOLE_ORIGIN to the origin this console is served from.'];
  // The URL's host comes from the Host header (or an absolute request target): either naming
  // another host is a request meant for someone else.
  const url = new URL(request.url);
  const host = request.headers.get('host');
  if (!origins.includes(url.origin) || (host !== null && host !== url.host)) {
    return [421, 'Console.MisdirectedRequest', 'This console only answers requests addressed to its own origin.'];
  }
  const routing = ROUTING_HEADERS.find((name) => request.headers.has(name));
  if (routing) return [400, 'Console.RoutingHeaderRefused', `The ${routing} header is not accepted.`];
  // Browsers send Origin with every POST and Sec-Fetch-Site with every request: another site's page cannot use this API.
  const origin = request.headers.get('origin');
  const site = request.headers.get('sec-fetch-site');
  if ((origin !== null && !origins.includes(origin)) || (site !== null && site !== 'same-origin')) {
    return [403, 'Console.CrossOriginRefused', 'Only this console\'s own page may call its API.'];
  }
  return null;
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(contentType) {
  return String(contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** The body as bytes, or `undefined` when it is longer than `limit` (the rest is not read). */
export async function readBody(request, limit) {
  if (Number(request.headers.get('content-length')) > limit) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
