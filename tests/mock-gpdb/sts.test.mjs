// Proves the mock STS behaves like AssumeRole, using only the official signer and fetch (as
// server.test.mjs does for the gpdb actions): V2 and V3 requests, its parameter checks, credentials
// that the gpdb side accepts until they expire, and the session policy enforced on them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import OpenApiUtil from '@alicloud/openapi-util';
import { officialContentSha256, signOfficially } from '../cross-check/official-v3-signer.mjs';
import { DEFAULTS, startMockGpdb } from './server.mjs';
import { allows, DEFAULT_ROLE_ARN, FORBIDDEN_MESSAGE } from './sts.mjs';

const officialSigner = OpenApiUtil.default ?? OpenApiUtil;
const encodeParams = (o) => Object.entries(o).map(([k, v]) => `${officialSigner.getEncodeParam(k)}=${officialSigner.getEncodeParam(v)}`).join('&');
const ROLE_WITH_LIMITS = 'acs:ram::1234567890123456:role/short-lived';

let mock;
before(async () => {
  mock = await startMockGpdb({
    quiet: true,
    roles: { [DEFAULT_ROLE_ARN]: {}, [ROLE_WITH_LIMITS]: { maxSessionDuration: 3600, externalId: 'abcd1234' } },
  });
});
after(() => mock?.close());

// One RPC request as the official SDK signs it: V2 (every common parameter, getRPCSignature) or V3
// (getAuthorization over host, content-type and x-acs-*). Resolves [status, body].
async function call({ v3 = false, action, version, query = {}, form = {}, key = { id: DEFAULTS.accessKeyId, secret: DEFAULTS.accessKeySecret }, token }) {
  const body = encodeParams({ ...form, ...(!v3 && token ? { SecurityToken: token } : {}) });
  let url;
  let headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (v3) {
    const signedHeaders = {
      host: new URL(mock.url).host, 'x-acs-action': action, 'x-acs-version': version, 'x-acs-date': officialSigner.getTimestamp(),
      'x-acs-signature-nonce': randomUUID(), 'x-acs-content-sha256': officialContentSha256(body), 'content-type': headers['content-type'],
      ...(token ? { 'x-acs-security-token': token } : {}),
    };
    const { authorization } = signOfficially({ method: 'POST', pathname: '/', query: Object.entries(query), headers: Object.entries(signedHeaders), body, accessKeyId: key.id, accessKeySecret: key.secret });
    const { host, ...sent } = signedHeaders;
    headers = { ...headers, ...sent, authorization };
    url = `${mock.url}/?${encodeParams(query)}`;
  } else {
    const common = {
      Action: action, Version: version, Format: 'JSON', AccessKeyId: key.id, SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0',
      SignatureNonce: randomUUID(), Timestamp: officialSigner.getTimestamp(), ...query,
    };
    common.Signature = officialSigner.getRPCSignature({ ...common, ...form, ...(token ? { SecurityToken: token } : {}) }, 'POST', key.secret);
    url = `${mock.url}/?${encodeParams(common)}`;
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  return [res.status, await res.json()];
}

const assumeRole = (query, o = {}) => call({ action: 'AssumeRole', version: '2015-04-01', query: { RoleArn: DEFAULT_ROLE_ARN, RoleSessionName: 'alice', ...query }, ...o });
const getJob = (credentials, o = {}) => call({
  action: 'GetUploadDocumentJob', version: '2016-05-03',
  query: { DBInstanceId: DEFAULTS.dbInstanceId, RegionId: DEFAULTS.regionId, ...o.query },
  form: { Collection: DEFAULTS.collection, JobId: DEFAULTS.jobId, Namespace: DEFAULTS.namespace, NamespacePassword: DEFAULTS.namespacePassword, ...o.form },
  key: { id: credentials.AccessKeyId, secret: credentials.AccessKeySecret }, token: credentials.SecurityToken, v3: o.v3,
});

for (const v3 of [false, true]) {
  test(`AssumeRole signed ${v3 ? 'V3' : 'V2'}: random STS credentials in the official answer shape, which the gpdb side accepts`, async () => {
    mock.reset();
    const before = Date.now();
    const [status, answer] = await assumeRole({ DurationSeconds: '900' }, { v3 });
    assert.equal(status, 200, JSON.stringify(answer));
    assert.deepEqual(Object.keys(answer).sort(), ['AssumedRoleUser', 'Credentials', 'RequestId']);
    assert.equal(answer.AssumedRoleUser.Arn, 'acs:ram::1234567890123456:assumed-role/gpdb-operator/alice');
    assert.match(answer.AssumedRoleUser.AssumedRoleId, /^\d+:alice$/);
    const { AccessKeyId, AccessKeySecret, SecurityToken, Expiration } = answer.Credentials;
    assert.match(AccessKeyId, /^STS\.[A-Za-z0-9]{24}$/);
    assert.ok(AccessKeySecret.length >= 30 && SecurityToken.length > 100);
    assert.match(Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Math.abs(Date.parse(Expiration) - before - 900_000) < 5_000);
    const [again] = await assumeRole({}, { v3 });
    assert.equal(again, 200);
    assert.notEqual((await assumeRole({}, { v3 }))[1].Credentials.AccessKeyId, AccessKeyId, 'each call issues new keys');

    const [jobStatus, job] = await getJob(answer.Credentials, { v3 });
    assert.equal(jobStatus, 200, JSON.stringify(job));
    assert.equal(job.Job.Id, DEFAULTS.jobId);
    // The token belongs to its key: without it, or with another, the key is refused.
    assert.equal((await getJob({ ...answer.Credentials, SecurityToken: undefined }, { v3 }))[1].Code, 'InvalidSecurityToken.Malformed');
    assert.equal((await getJob({ ...answer.Credentials, AccessKeySecret: 'wrong' }, { v3 }))[1].Code, 'SignatureDoesNotMatch');
  });
}

test('AssumeRole checks its parameters as the API documents them', async () => {
  mock.reset();
  const cases = [
    [{ RoleArn: undefined }, 400, 'MissingParameter'],
    [{ RoleSessionName: undefined }, 400, 'MissingParameter'],
    [{ RoleArn: 'acs:ram::123:user/alice' }, 400, 'InvalidParameter.RoleArn'],
    [{ RoleArn: 'acs:ram::1234567890123456:role/missing' }, 404, 'EntityNotExist.Role'],
    [{ RoleSessionName: 'a' }, 400, 'InvalidParameter.RoleSessionName'],
    [{ RoleSessionName: 'x'.repeat(65) }, 400, 'InvalidParameter.RoleSessionName'],
    [{ RoleSessionName: 'al ice' }, 400, 'InvalidParameter.RoleSessionName'],
    [{ DurationSeconds: '899' }, 400, 'InvalidParameter.DurationSeconds'],
    [{ DurationSeconds: '43201' }, 400, 'InvalidParameter.DurationSeconds'],
    [{ DurationSeconds: '1.5' }, 400, 'InvalidParameter.DurationSeconds'],
    [{ RoleArn: ROLE_WITH_LIMITS, DurationSeconds: '3601', ExternalId: 'abcd1234' }, 400, 'InvalidParameter.DurationSeconds'],
    [{ RoleArn: ROLE_WITH_LIMITS }, 403, 'NoPermission'],
    [{ ExternalId: 'a' }, 400, 'InvalidParameter.ExternalId'],
    [{ Policy: '{not json' }, 400, 'InvalidParameter.PolicyGrammar'],
    [{ Policy: '{"Version":"2","Statement":[]}' }, 400, 'InvalidParameter.PolicyGrammar'],
    [{ Policy: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: '*', Resource: 'x'.repeat(2048) }] }) }, 400, 'InvalidParameter.PolicySize'],
  ];
  for (const [overrides, status, code] of cases) {
    const query = Object.fromEntries(Object.entries({ RoleArn: DEFAULT_ROLE_ARN, RoleSessionName: 'alice', ...overrides }).filter(([, v]) => v !== undefined));
    const [got, body] = await call({ action: 'AssumeRole', version: '2015-04-01', query });
    assert.deepEqual([got, body.Code], [status, code], JSON.stringify(overrides));
  }
  assert.equal((await assumeRole({ RoleArn: ROLE_WITH_LIMITS, ExternalId: 'abcd1234', DurationSeconds: '3600' }))[0], 200);
  // AssumeRole's own version: 2015-04-01, not gpdb's.
  assert.equal((await call({ action: 'AssumeRole', version: '2016-05-03', query: { RoleArn: DEFAULT_ROLE_ARN, RoleSessionName: 'alice' } }))[1].Code, 'InvalidVersion');
});

test('the session policy is enforced on the gpdb side: outside it, 403 Forbidden.RAM', async () => {
  mock.reset();
  mock.addJob({ jobId: 'other-job', dbInstanceId: 'gp-other000000001' });
  const resource = (instance) => `acs:gpdb:${DEFAULTS.regionId}:1234567890123456:document/${instance}`;
  const policy = { Version: '1', Statement: [{ Effect: 'Allow', Action: 'gpdb:GetUploadDocumentJob', Resource: resource(DEFAULTS.dbInstanceId) }] };
  const [, answer] = await assumeRole({ Policy: JSON.stringify(policy) });
  assert.equal((await getJob(answer.Credentials))[0], 200);
  const [status, body] = await getJob(answer.Credentials, { query: { DBInstanceId: 'gp-other000000001' }, form: { JobId: 'other-job' } });
  assert.deepEqual([status, body.Code, body.Message], [403, 'Forbidden.RAM', FORBIDDEN_MESSAGE]);
  const cancel = await call({
    action: 'CancelUploadDocumentJob', version: '2016-05-03', query: { DBInstanceId: DEFAULTS.dbInstanceId, RegionId: DEFAULTS.regionId },
    form: { Collection: DEFAULTS.collection, JobId: DEFAULTS.jobId, Namespace: DEFAULTS.namespace, NamespacePassword: DEFAULTS.namespacePassword },
    key: { id: answer.Credentials.AccessKeyId, secret: answer.Credentials.AccessKeySecret }, token: answer.Credentials.SecurityToken,
  });
  assert.deepEqual([cancel[0], cancel[1].Code], [403, 'Forbidden.RAM'], 'the policy allows reading only');
  assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Running');

  // RAM's grammar: wildcards, Action case-insensitive, an explicit Deny wins.
  assert.ok(allows({ Statement: [{ Effect: 'Allow', Action: 'gpdb:*UploadDocumentJob', Resource: 'acs:gpdb:*:*:document/*' }] }, 'gpdb:cancelUploadDocumentJob', resource('gp-1')));
  assert.ok(!allows({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'gpdb:Cancel*', Resource: '*' }] }, 'gpdb:CancelUploadDocumentJob', resource('gp-1')));
  assert.ok(!allows({ Statement: [{ Effect: 'Allow', Action: 'gpdb:Get*', Resource: '*' }] }, 'gpdb:CancelUploadDocumentJob', resource('gp-1')));
});

test('STS credentials stop working when they expire', async () => {
  mock.reset();
  const [, answer] = await assumeRole({ DurationSeconds: '900' });
  // The server's clock 1 s past the expiry; the timestamp window widened so that it is not what refuses.
  mock.clockOffsetMs = 901_000;
  mock.maxSkewMs = 20 * 60_000;
  try {
    const [status, body] = await getJob(answer.Credentials);
    assert.deepEqual([status, body.Code], [400, 'InvalidSecurityToken.Expired']);
  } finally {
    mock.clockOffsetMs = 0;
    mock.maxSkewMs = 15 * 60_000;
  }
});
