// The console Worker's Access check (www/worker/access.mjs) and its STS session (session.mjs), in
// Node against the local Access stand-in (scripts/local-access.mjs): what the end-to-end tests in
// console.test.mjs cannot reach cheaply — the leeway on both sides of `exp` and `nbf`, key
// rotation past the refetch cooldown (Date mocked), a team domain that does not answer, and the
// session name and policy for every kind of operator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { accessSettings, verifyAccess } from '../../www/worker/access.mjs';
import { instanceIdsRefusal, roleSessionName, sessionPolicy } from '../../www/worker/session.mjs';
import { accessKey, startAccessTeam } from '../../scripts/local-access.mjs';

const request = (token) => new Request('https://gpdb-console.example.com/api/job', token === undefined ? {} : { headers: { 'cf-access-jwt-assertion': token } });
const now = () => Math.floor(Date.now() / 1000);

describe('accessSettings: fail closed', () => {
  const AUD = 'a'.repeat(64);
  test('both settings are required; the team domain is an https:// origin, http:// only on loopback', () => {
    assert.deepEqual(accessSettings({ ACCESS_TEAM_DOMAIN: 'https://team.cloudflareaccess.com', ACCESS_AUD: AUD }),
      { teamDomain: 'https://team.cloudflareaccess.com', audiences: [AUD] });
    assert.deepEqual(accessSettings({ ACCESS_TEAM_DOMAIN: 'https://team.cloudflareaccess.com/', ACCESS_AUD: ` ${AUD}, b ` }).audiences, [AUD, 'b']);
    for (const loopback of ['http://127.0.0.1:8788', 'http://localhost:9', 'http://[::1]:9']) {
      assert.equal(accessSettings({ ACCESS_TEAM_DOMAIN: loopback, ACCESS_AUD: AUD }).teamDomain, loopback);
    }
    for (const env of [
      {}, { ACCESS_AUD: AUD }, { ACCESS_TEAM_DOMAIN: 'https://team.cloudflareaccess.com' },
      { ACCESS_TEAM_DOMAIN: 'https://team.cloudflareaccess.com', ACCESS_AUD: ' , ' },
      { ACCESS_TEAM_DOMAIN: 'http://team.cloudflareaccess.com', ACCESS_AUD: AUD },
      { ACCESS_TEAM_DOMAIN: 'http://127.0.0.1.example.com', ACCESS_AUD: AUD },
      { ACCESS_TEAM_DOMAIN: 'https://team.cloudflareaccess.com/cdn-cgi/access/certs', ACCESS_AUD: AUD },
      { ACCESS_TEAM_DOMAIN: 'https://user:pass@team.cloudflareaccess.com', ACCESS_AUD: AUD },
      { ACCESS_TEAM_DOMAIN: 'team.cloudflareaccess.com', ACCESS_AUD: AUD },
    ]) {
      assert.match(accessSettings(env).problem ?? '', /ACCESS_/, JSON.stringify(env));
    }
  });
});

describe('verifyAccess', () => {
  let team;
  let settings;

  before(async () => {
    team = await startAccessTeam();
    settings = accessSettings({ ACCESS_TEAM_DOMAIN: team.teamDomain, ACCESS_AUD: team.audience });
  });
  after(() => team?.close());

  test('a valid token: the operator is its email, else its sub; a token naming no one is refused', async () => {
    assert.equal((await verifyAccess(request(await team.sign({ email: 'alice@example.com' })), settings)).operator, 'alice@example.com');
    assert.equal((await verifyAccess(request(await team.sign({ email: undefined, sub: 'user-7' })), settings)).operator, 'user-7');
    assert.equal((await verifyAccess(request(await team.sign({ email: '', sub: 'user-8' })), settings)).operator, 'user-8');
    const nobody = await verifyAccess(request(await team.sign({ email: '', sub: '' })), settings);
    assert.deepEqual([nobody.refusal[0], nobody.refusal[1], nobody.reason], [403, 'Console.AccessTokenInvalid', 'no email or sub']);
  });

  test('exp and nbf with a 30 s leeway: 10 s past either side is accepted, 120 s is not', async () => {
    const at = now();
    const cases = [
      [{ exp: at - 10, iat: at - 600, nbf: at - 600 }, null],
      [{ exp: at - 120, iat: at - 600, nbf: at - 600 }, 'ERR_JWT_EXPIRED (exp)'],
      [{ nbf: at + 10, iat: at }, null],
      [{ nbf: at + 120, iat: at }, 'ERR_JWT_CLAIM_VALIDATION_FAILED (nbf)'],
    ];
    for (const [claims, reason] of cases) {
      const verdict = await verifyAccess(request(await team.sign(claims)), settings);
      if (reason === null) assert.equal(verdict.operator, 'operator@gpdb-console.local', JSON.stringify(claims));
      else assert.deepEqual([verdict.refusal[0], verdict.reason], [403, reason], JSON.stringify(claims));
    }
    // A token without exp never expires: refused.
    const { SignJWT } = await import('jose');
    const key = team.keys.at(-1);
    const endless = await new SignJWT({ email: 'e@example.com', aud: [team.audience], iss: team.teamDomain })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid }).setIssuedAt().sign(key.privateKey);
    assert.equal((await verifyAccess(request(endless), settings)).reason, 'ERR_JWT_CLAIM_VALIDATION_FAILED (exp)');
  });

  test('keys are fetched once and cached; a rotated key is found by one refetch, and unknown kids refetch at most once per 30 s', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const fresh = await startAccessTeam(); // its own team domain: a key set of its own in the Worker
    try {
      const own = accessSettings({ ACCESS_TEAM_DOMAIN: fresh.teamDomain, ACCESS_AUD: fresh.audience });
      for (let i = 0; i < 3; i++) assert.ok((await verifyAccess(request(await fresh.sign()), own)).operator);
      assert.equal(fresh.certsRequests, 1, 'cached');

      t.mock.timers.tick(31_000); // past the cooldown, within the 10 minute cache
      const rotated = await fresh.rotate();
      assert.ok((await verifyAccess(request(await fresh.sign({}, { key: rotated })), own)).operator, 'the new key is found');
      assert.equal(fresh.certsRequests, 2, 'by one refetch');
      assert.ok((await verifyAccess(request(await fresh.sign({}, { key: fresh.keys[0] })), own)).operator, 'the old key, still published, too');

      // A kid Access never published: one refetch after the cooldown, then none within it.
      t.mock.timers.tick(31_000);
      const stranger = await accessKey();
      for (let i = 0; i < 3; i++) {
        const verdict = await verifyAccess(request(await fresh.sign({}, { key: stranger })), own);
        assert.deepEqual([verdict.refusal[0], verdict.reason], [403, 'ERR_JWKS_NO_MATCHING_KEY']);
      }
      assert.equal(fresh.certsRequests, 3, 'one refetch for three unknown kids');

      t.mock.timers.tick(10 * 60_000); // the cache expires: fetched again
      assert.ok((await verifyAccess(request(await fresh.sign()), own)).operator);
      assert.equal(fresh.certsRequests, 4);
    } finally {
      await fresh.close();
    }
  });

  test('a team domain that does not answer: 503, not a verdict on the token', async () => {
    const gone = await startAccessTeam();
    await gone.close();
    const verdict = await verifyAccess(request(await gone.sign()), accessSettings({ ACCESS_TEAM_DOMAIN: gone.teamDomain, ACCESS_AUD: gone.audience }));
    assert.deepEqual(verdict.refusal.slice(0, 2), [503, 'Console.AccessKeysUnavailable']);
  });

  test('no token: 401; an empty header is no token', async () => {
    for (const token of [undefined, '']) {
      const verdict = await verifyAccess(request(token), settings);
      assert.deepEqual([verdict.refusal[0], verdict.refusal[1], verdict.reason], [401, 'Console.SignInRequired', 'no token']);
    }
  });
});

describe('the STS session', () => {
  test('RoleSessionName: an e-mail address as it is; anything else made valid, 2 to 64 characters, distinct per operator', async () => {
    assert.equal(await roleSessionName('alice@example.com'), 'alice@example.com');
    assert.equal(await roleSessionName('ops.bot_1-x'), 'ops.bot_1-x');
    const names = new Map();
    for (const operator of ['a', 'a+b@example.com', 'a_b@example.com', 'Zoë@example.com', `${'x'.repeat(70)}@example.com`, `${'x'.repeat(71)}@example.com`, '<script>', ' ']) {
      const name = await roleSessionName(operator);
      assert.match(name, /^[A-Za-z0-9.@_-]{2,64}$/, operator);
      assert.ok(!names.has(name), `${operator} and ${names.get(name)} share ${name}`);
      names.set(name, operator);
    }
    assert.match(await roleSessionName('a+b@example.com'), /^a_b@example\.com\.[0-9a-f]{8}$/);
  });

  test('the session policy: exactly the two job actions on the one instance', () => {
    assert.deepEqual(sessionPolicy('cn-hangzhou', 'gp-bp1234567890'), {
      Version: '1',
      Statement: [{
        Effect: 'Allow',
        Action: ['gpdb:CancelUploadDocumentJob', 'gpdb:GetUploadDocumentJob'],
        Resource: ['acs:gpdb:cn-hangzhou:*:document/gp-bp1234567890'],
      }],
    });
  });

  test('no region or instance id that would widen the policy\'s Resource gets that far', () => {
    assert.equal(instanceIdsRefusal('cn-hangzhou', 'gp-bp1234567890'), null);
    assert.equal(instanceIdsRefusal('cn-shanghai-finance-1', 'gp_2'), null);
    for (const [region, instance] of [
      ['cn-hangzhou', '*'], ['*', 'gp-1'], ['cn-hangzhou', 'gp-*'], ['cn-hangzhou', 'gp-1/*'], ['cn-hangzhou:*', 'gp-1'],
      ['cn-hangzhou', 'gp?1'], ['cn-hangzhou', ''], ['', 'gp-1'], [null, 'gp-1'], ['cn-hangzhou', 7], ['hangzhou', 'gp-1'],
      ['cn-hangzhou', 'gp-"1'], ['cn-hangzhou', `gp-${'1'.repeat(62)}`], ['CN-HANGZHOU', 'gp-1'],
    ]) {
      assert.deepEqual(instanceIdsRefusal(region, instance)?.slice(0, 2), [400, 'Console.MalformedParameter'], `${region} ${instance}`);
    }
  });
});
