// A local stand-in for Cloudflare Access, for `make console` and tests/www: the team domain,
// which publishes its signing keys at /cdn-cgi/access/certs, and the front door, which signs in
// one local operator and passes every request on to the console's Worker with the token in the
// Cf-Access-Jwt-Assertion header, as Access does
// (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/application-token/).
// The keys are made for each run and never leave this process; the tokens carry Access's claims.
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const ASSERTION_HEADER = 'cf-access-jwt-assertion';
// Access also names the user in a header of its own; the Worker never trusts it, only the token.
const EMAIL_HEADER = 'cf-access-authenticated-user-email';
export const LOCAL_OPERATOR = 'operator@gpdb-console.local';
const TOKEN_LIFETIME = '10m';
// Headers of one connection, not of the request: not passed on (RFC 9110, section 7.6.1).
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

const listen = (server, port) => new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', () => resolve(server.address().port));
});
const closeServer = (server) => new Promise((resolve) => {
  server.closeAllConnections?.();
  server.close(() => resolve());
});

/** An RS256 signing key as Access makes them: `{ kid, privateKey, publicKey, jwk }`. */
export async function accessKey() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(32).toString('hex');
  return { kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * The team domain on 127.0.0.1: `{ teamDomain, audience, sign(claims?, options?), rotate(), certsRequests, close() }`.
 * `sign` makes a token as Access does for the application (`aud` = [audience]) with the current key;
 * `options.key`, `options.header` and the claims override what a test needs to forge.
 * `rotate()` adds a new key and signs with it from then on, the old one still published.
 */
export async function startAccessTeam() {
  const team = {
    audience: randomBytes(32).toString('hex'), // an AUD tag has this form
    keys: [await accessKey()],
    certsRequests: 0,
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/cdn-cgi/access/certs') {
      team.certsRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: team.keys.map((key) => key.jwk) }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  const port = await listen(server, 0);
  team.teamDomain = `http://127.0.0.1:${port}`;
  team.sign = async (claims = {}, { key = team.keys.at(-1), header = {}, expiresIn = TOKEN_LIFETIME } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      aud: [team.audience], email: LOCAL_OPERATOR, sub: randomUUID(), iss: team.teamDomain, type: 'app',
      identity_nonce: randomBytes(8).toString('hex'), country: 'XX', iat: now, nbf: now, ...claims,
    }).setProtectedHeader({ alg: 'RS256', kid: key.kid, ...header }).setExpirationTime(claims.exp ?? expiresIn).sign(key.privateKey);
  };
  team.rotate = async () => {
    team.keys.push(await accessKey());
    return team.keys.at(-1);
  };
  team.close = () => closeServer(server);
  return team;
}

/**
 * The front door on 127.0.0.1:`port`: every request goes on to `upstream` (the Worker's own
 * address, `http://127.0.0.1:port`) unchanged — method, raw path, headers, Host included, body —
 * except that any Cf-Access-Jwt-Assertion the client sent is replaced by a token for `operator`,
 * freshly signed. Aborts go through both ways. Its /cdn-cgi/access/logout answers as Access's would,
 * without the Worker. Resolves `{ url, setUpstream(url), close() }`.
 */
export async function startAccessFront({ team, upstream = null, port = 0, operator = LOCAL_OPERATOR }) {
  let target = upstream && new URL(upstream);
  const server = http.createServer(async (req, res) => {
    // Access answers this path on the application's own host; the Worker never sees it.
    if (new URL(req.url, 'http://front').pathname === '/cdn-cgi/access/logout') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
        .end(`Signed out of the local stand-in for Cloudflare Access. It signs ${operator} in again on the next request.\n`);
      return;
    }
    if (!target) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The console\'s Worker is not started yet.\n');
      return;
    }
    const headers = { ...req.headers };
    for (const name of [...HOP_BY_HOP, ASSERTION_HEADER, EMAIL_HEADER]) delete headers[name];
    headers[ASSERTION_HEADER] = await team.sign({ email: operator });
    headers[EMAIL_HEADER] = operator;
    const forwarded = http.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false,
    }, (answer) => {
      const returned = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete returned[name];
      res.writeHead(answer.statusCode, returned);
      answer.pipe(res);
    });
    forwarded.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('The console\'s Worker did not answer.\n');
      else res.destroy();
    });
    // The browser went away: so does the request to the Worker.
    res.on('close', () => {
      if (!res.writableFinished) forwarded.destroy();
    });
    req.pipe(forwarded);
  });
  const bound = await listen(server, port);
  return {
    url: `http://127.0.0.1:${bound}`,
    /** Where requests go from now on: the Worker's own address, once it runs (its CONSOLE_ORIGIN names this front door). */
    setUpstream: (url) => { target = new URL(url); },
    close: () => closeServer(server),
  };
}
