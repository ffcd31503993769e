// Checks every /api/* request before its route sees it (once Access let it in): the request must
// be for this console's own origin, come from its own page (when a browser says where it comes
// from), and carry no header that front proxies use to pick or rewrite a target. And what the
// routes share: the allow-list of instances, and the request body read within a bound.

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

/**
 * GPDB_INSTANCES, the optional allow-list: `region/instance` entries, comma-separated. `null` when
 * unset (any instance), a Set of entries, or `{ problem }` for an entry that is not `region/instance`.
 */
export function allowedInstances(env) {
  const text = String(env.GPDB_INSTANCES ?? '').trim();
  if (text === '') return null;
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  const malformed = entries.find((entry) => !/^[^/\s]+\/[^/\s]+$/.test(entry));
  if (malformed !== undefined) return { problem: `GPDB_INSTANCES holds ${JSON.stringify(malformed.slice(0, 80))}: each entry is region/instance, e.g. cn-hangzhou/gp-bp1234567890.` };
  return new Set(entries);
}

/**
 * Why the console refuses to act on this instance, as `[status, code, message]`, or `null`: the
 * allow-list, when set, must name `regionId/dbInstanceId` exactly. Checked before anything is signed.
 */
export function instanceRefusal(env, regionId, dbInstanceId) {
  const allowed = allowedInstances(env);
  if (allowed === null) return null;
  if (allowed.problem) return [500, 'Console.NotConfigured', allowed.problem];
  if (typeof regionId === 'string' && typeof dbInstanceId === 'string' && allowed.has(`${regionId}/${dbInstanceId}`)) return null;
  return [403, 'Console.InstanceNotAllowed', 'This console does not act on that instance (GPDB_INSTANCES).'];
}

/**
 * The body as bytes, or `undefined` when its Content-Length is missing or over `limit`. The page
 * and gpdb-edge always send one (a fetch with a string body), and HTTP framing holds the body to
 * it, so the runtime's own reader is bounded: nothing is read past `limit`.
 */
export async function readBody(request, limit) {
  const length = request.headers.get('content-length');
  if (length === null || !/^\d+$/.test(length) || Number(length) > limit) return undefined;
  return new Uint8Array(await request.arrayBuffer());
}
