// Cloudflare Access, checked by the Worker itself on every path: workers.dev, preview URLs and a
// route someone forgot are ways in that Access does not cover, so the Worker trusts no request
// without a valid Access token (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/).
// The token is the Cf-Access-Jwt-Assertion header Access adds to every request it lets through,
// signed RS256 with the team's keys, published at <team domain>/cdn-cgi/access/certs.
import { createRemoteJWKSet, jwtVerify } from 'jose';

export const ASSERTION_HEADER = 'cf-access-jwt-assertion';
// Access signs with RS256 only; any other `alg` (none, HS256 keyed with the public key) is refused.
const ALGORITHMS = ['RS256'];
// Clocks differ a little between Access and the Worker's machine.
const LEEWAY_SECONDS = 30;
// jose's defaults, named here: the keys are cached 10 minutes, and a token naming an unknown
// `kid` (Access rotated its keys) refetches them, at most once per 30 s, so forged kids cannot
// make the Worker hammer the team domain.
const JWKS_CACHE_MS = 10 * 60_000;
const JWKS_COOLDOWN_MS = 30_000;
const JWKS_TIMEOUT_MS = 5_000;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

// One key set per team domain, for the isolate's lifetime: its cache outlives a request.
const keySets = new Map();

/**
 * ACCESS_TEAM_DOMAIN (`https://<team>.cloudflareaccess.com`) and ACCESS_AUD (the application's
 * AUD tag; several comma-separated) as `{ teamDomain, audiences }`, or a `problem` naming what is
 * missing or wrong. Plain http:// only for a loopback team domain (local runs and tests).
 */
export function accessSettings(env) {
  const audiences = String(env.ACCESS_AUD ?? '').split(',').map((aud) => aud.trim()).filter(Boolean);
  let url;
  try {
    url = new URL(String(env.ACCESS_TEAM_DOMAIN ?? ''));
  } catch {
    return { problem: 'Set ACCESS_TEAM_DOMAIN to your Cloudflare Access team domain, e.g. https://your-team.cloudflareaccess.com.' };
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname));
  if (!secure || url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    return { problem: 'ACCESS_TEAM_DOMAIN must be an https:// origin with no path (http:// only for a loopback host).' };
  }
  if (audiences.length === 0) return { problem: 'Set ACCESS_AUD to the Access application\'s Application Audience (AUD) tag.' };
  return { teamDomain: url.origin, audiences };
}

function keySetOf(teamDomain) {
  let keySet = keySets.get(teamDomain);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL('/cdn-cgi/access/certs', teamDomain), {
      cacheMaxAge: JWKS_CACHE_MS, cooldownDuration: JWKS_COOLDOWN_MS, timeoutDuration: JWKS_TIMEOUT_MS,
    });
    keySets.set(teamDomain, keySet);
  }
  return keySet;
}

/** Why a token was refused, for the log: jose's error code and the claim at fault. Never the token. */
function reasonOf(error) {
  const code = typeof error?.code === 'string' && error.code.startsWith('ERR_') ? error.code : 'ERR_UNEXPECTED';
  return error?.claim ? `${code} (${error.claim})` : code;
}

// jose's errors for a team domain that did not answer with its keys: not the token's fault.
const KEYS_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JOSE_GENERIC', 'ERR_JWKS_INVALID']);

/**
 * The request's Access identity: `{ operator, claims }` when its token is valid, where the
 * operator is the token's `email`, else its `sub`; otherwise `{ refusal: [status, code, message], reason }`:
 * 401 without a token, 403 with an invalid one, 503 when the team's keys could not be fetched.
 */
export async function verifyAccess(request, { teamDomain, audiences }) {
  const token = request.headers.get(ASSERTION_HEADER);
  if (!token) {
    return { refusal: [401, 'Console.SignInRequired', 'Sign in through Cloudflare Access: this request carries no Access token.'], reason: 'no token' };
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keySetOf(teamDomain), {
      algorithms: ALGORITHMS,
      issuer: teamDomain,
      audience: audiences,
      clockTolerance: LEEWAY_SECONDS,
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    const reason = reasonOf(error);
    if (KEYS_UNAVAILABLE.has(error?.code) || error instanceof TypeError) {
      return { refusal: [503, 'Console.AccessKeysUnavailable', 'The Access team\'s signing keys could not be fetched; try again.'], reason };
    }
    return { refusal: [403, 'Console.AccessTokenInvalid', 'The Access token is not valid for this console: sign in again.'], reason };
  }
  const operator = [payload.email, payload.sub].find((value) => typeof value === 'string' && value !== '');
  if (!operator) {
    return { refusal: [403, 'Console.AccessTokenInvalid', 'The Access token names no user.'], reason: 'no email or sub' };
  }
  return { operator, claims: payload };
}
