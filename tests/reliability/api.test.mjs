// callApi, signApiRequest and assumeRole through the installed package, against the local endpoint
// and its STS: requests the official signer agrees with, parameters checked before anything is
// sent, retries only of what surely was not applied (unless the action is declared idempotent),
// secrets kept out of errors, and STS credentials that are cached, shared, narrowed by the session
// policy and refused outside it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';

import { officialAuthorization } from '../package/harness.mjs';
import { DEFAULT_ROLE_ARN } from '../mock-gpdb/sts.mjs';
import {
  assertNoSecretInValue, assertRequestsOnTheWire, callOptions, DEFAULTS, installPackage, requestLog, SECRETS, startReliabilityMock,
  STS_CREDENTIALS,
} from './support.mjs';

const OpenApiUtil = createRequire(import.meta.url)('@alicloud/openapi-util').default;

let lib;
let mock;
let log;

// A RAM user's permanent key, allowed to assume the mock's role.
const USER_KEY = { accessKeyId: 'LTAI5tOperatorUserKey', accessKeySecret: 'operator+user/Secret=' };

before(async () => {
  ({ lib } = installPackage('reliability-api'));
  mock = await startReliabilityMock({
    accessKeys: {
      [STS_CREDENTIALS.accessKeyId]: { secret: SECRETS.accessKeySecret, securityToken: SECRETS.securityToken },
      [USER_KEY.accessKeyId]: { secret: USER_KEY.accessKeySecret },
    },
  });
  log = requestLog(mock);
});

after(() => mock?.close());

const outcome = (promise) => promise.then((result) => ({ result }), (error) => ({ error }));
const posts = () => log.posts();

// GetUploadDocumentJob as any other action: the job's parameters as the API names them.
function getJobCall(overrides = {}) {
  return {
    credentials: { ...STS_CREDENTIALS },
    endpoint: mock.url,
    action: 'GetUploadDocumentJob',
    version: '2016-05-03',
    query: { DBInstanceId: DEFAULTS.dbInstanceId, RegionId: DEFAULTS.regionId },
    body: { Collection: DEFAULTS.collection, JobId: DEFAULTS.jobId, Namespace: DEFAULTS.namespace, NamespacePassword: SECRETS.namespacePassword },
    ...overrides,
  };
}
const cancelJobCall = (overrides) => getJobCall({ action: 'CancelUploadDocumentJob', ...overrides });

for (const signatureVersion of ['v3', 'v2']) {
  test(`callApi (${signatureVersion}): the API's JSON answer as parsed, from a request the official signer agrees with`, async () => {
    log.reset();
    const answer = await lib.callApi(getJobCall({ signatureVersion }));
    assert.match(answer.RequestId, /^[0-9A-F-]{36}$/);
    assert.equal(answer.Job.Id, DEFAULTS.jobId);
    assert.equal(answer.Job.Status, 'Running');
    assert.equal(typeof answer.Job.Progress, 'number');
    assert.equal(posts().length, 1);
    assert.equal(posts()[0].signatureVersion, signatureVersion);
    assertRequestsOnTheWire(posts());
  });
}

test('callApi: the API error is a GpdbError with its Code, Message, RequestId and Recommend', async () => {
  log.reset();
  mock.addJob({ jobId: 'job-done', status: 'Success' });
  const { error } = await outcome(lib.callApi(cancelJobCall({ body: { ...getJobCall().body, JobId: 'job-done' } })));
  assert.ok(error instanceof lib.GpdbError);
  assert.deepEqual([error.kind, error.code, error.httpStatus, error.attempts, error.retryable], ['api', 'UploadDocumentJob.StatusInvalid', 400, 1, false]);
  assert.match(error.requestId, /^[0-9A-F-]{36}$/);
  assert.match(error.recommend, /^https:\/\/api\.aliyun\.com\/troubleshoot\?q=UploadDocumentJob\.StatusInvalid/);
});

test('signApiRequest: V3 and V2 byte for byte as the official signer, numbers and booleans as their string form', () => {
  const options = {
    credentials: USER_KEY,
    endpoint: 'https://sts.aliyuncs.com',
    action: 'AssumeRole',
    version: '2015-04-01',
    query: { RoleArn: DEFAULT_ROLE_ARN, RoleSessionName: 'alice', DurationSeconds: 3600 },
    body: { Flag: true, Ratio: 0.1, Big: 1e21, Note: 'a b&c=d+é😀', Empty: '' },
    timestamp: '2024-01-02T03:04:05Z',
    nonce: 'fixed-nonce',
  };
  const v3 = lib.signApiRequest(options);
  assert.equal(v3.method, 'POST');
  assert.equal(v3.url, `https://sts.aliyuncs.com/?RoleArn=${encodeURIComponent(DEFAULT_ROLE_ARN)}&RoleSessionName=alice&DurationSeconds=3600`);
  assert.equal(v3.body, 'Flag=true&Ratio=0.1&Big=1e%2B21&Note=a%20b%26c%3Dd%2B%C3%A9%F0%9F%98%80&Empty=');
  assert.equal(v3.headers['x-acs-action'], 'AssumeRole');
  assert.equal(v3.headers['x-acs-version'], '2015-04-01');
  assert.equal(v3.headers.authorization, officialAuthorization(v3, USER_KEY));

  const v2 = lib.signApiRequest({ ...options, signatureVersion: 'v2' });
  const query = Object.fromEntries(new URL(v2.url).searchParams);
  const { Signature, ...signed } = { ...query, ...Object.fromEntries(new URLSearchParams(v2.body)) };
  assert.equal(Signature, OpenApiUtil.getRPCSignature(signed, 'POST', USER_KEY.accessKeySecret));
  assert.deepEqual([query.Action, query.Version, query.DurationSeconds, signed.Big], ['AssumeRole', '2015-04-01', '3600', '1e+21']);
});

test('callApi: bad input is a kind input error that says what to do, and nothing is sent', async () => {
  log.reset();
  const cases = [
    [{ query: { Tags: { a: 1 } } }, 'InvalidType', 'query.Tags', /JSON string \(JSON\.stringify\) or as flat keys such as Tag\.1\.Key/],
    [{ body: { List: [1, 2] } }, 'InvalidType', 'body.List', /not an array/],
    [{ body: { N: Number.NaN } }, 'InvalidType', 'body.N', /not NaN/],
    [{ version: '2016-5-3' }, 'MalformedParameter', 'version', /YYYY-MM-DD/],
    [{ action: 'Get Job' }, 'MalformedParameter', 'action', /ASCII letters and digits/],
    [{ action: undefined }, 'MissingParameter', 'action', /action is required/],
    [{ query: { 'Bad Name': 'x' } }, 'MalformedParameter', 'query', /parameter names of ASCII letters/],
    [{ query: { Action: 'x' } }, 'MalformedParameter', 'query.Action', /no common parameter/],
    [{ query: { JobId: 'x' } }, 'MalformedParameter', 'body.JobId', /each parameter once/],
    [{ secrets: ['Missing'] }, 'MalformedParameter', 'secrets', /names of parameters given/],
    [{ query: { Password: 'x' } }, 'MalformedParameter', 'query.Password', /in body, never in query/],
    [{ query: { Token: 'x' }, secrets: ['Token'] }, 'MalformedParameter', 'query.Token', /in body, never in query/],
    [{ secrets: 'Password' }, 'InvalidType', 'secrets', /an array of parameter names/],
    [{ idempotent: 'yes' }, 'InvalidType', 'idempotent', /a boolean/],
    [{ endpoint: undefined }, 'MissingParameter', 'endpoint', /endpoint is required/],
    [{ RoleArn: 'x' }, 'MalformedParameter', 'RoleArn', /parameters in query or body/],
    [{ timestamp: '2024-01-01T00:00:00Z' }, 'MalformedParameter', 'timestamp', /signed afresh/],
  ];
  for (const [overrides, code, field, message] of cases) {
    const { error } = await outcome(lib.callApi(getJobCall(overrides)));
    assert.deepEqual([error?.kind, error?.code, error?.field, error?.attempts], ['input', code, field, 0], JSON.stringify(overrides));
    assert.match(error.message, message);
  }
  assert.equal(posts().length, 0, 'nothing was sent');
});

test('callApi: without idempotent, only what surely was not applied is retried', async () => {
  // A 503 may have been applied: not retried.
  log.reset();
  mock.inject({ type: 'status', status: 503 });
  let { error } = await outcome(lib.callApi(cancelJobCall({ maxRetries: 2 })));
  assert.deepEqual([error.code, error.attempts], ['ServiceUnavailable', 1]);

  // A throttle was not: retried, then applied once.
  log.reset();
  mock.inject({ type: 'throttle', acsRetryAfterMs: 1 });
  const answer = await lib.callApi(cancelJobCall({ maxRetries: 2 }));
  assert.equal(answer.Status, 'success');
  assert.deepEqual(posts().map((r) => r.response.code), ['Throttling.User', 'success']);

  // A gateway's 504 after the cancel was applied: reported, not repeated.
  log.reset();
  mock.inject({ type: 'apply-then-gateway-error', status: 504 });
  ({ error } = await outcome(lib.callApi(cancelJobCall({ maxRetries: 2 }))));
  assert.deepEqual([error.kind, error.httpStatus, error.attempts], ['response', 504, 1]);
  assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Cancelling', 'the cancel was applied once');

  // Declared idempotent: a 503 is retried.
  log.reset();
  mock.inject({ type: 'status', status: 503 });
  const state = await lib.callApi(getJobCall({ idempotent: true, maxRetries: 2 }));
  assert.equal(state.Job.Id, DEFAULTS.jobId);
  assert.deepEqual(posts().map((r) => r.response.status), [503, 200]);
  assertRequestsOnTheWire(posts());
});

test('callApi: the parameters named in secrets, NamespacePassword and Password never reach an error', async () => {
  log.reset();
  const token = 'Sec+ret/Param (value)*~';
  const password = 'Pass word&=%';
  // A wrong AccessKey secret: the V2 answer echoes the server's string to sign, every parameter in it.
  const { error } = await outcome(lib.callApi(getJobCall({
    signatureVersion: 'v2',
    credentials: { ...STS_CREDENTIALS, accessKeySecret: 'wrong-secret' },
    body: { ...getJobCall().body, Token: token, Password: password },
    secrets: ['Token'],
  })));
  assert.equal(error.code, 'SignatureDoesNotMatch');
  assert.match(error.message, /server string to sign is:POST&%2F&/, 'the echo is there');
  assertNoSecretInValue(error, [token, password, 'wrong-secret']);
});

// assumeRole against the local STS: the default role allows everything; a session policy narrows it.
function roleOptions(overrides = {}) {
  return { credentials: USER_KEY, endpoint: mock.url, roleArn: DEFAULT_ROLE_ARN, roleSessionName: 'operator@example.com', ...overrides };
}
const assumeRoleRequests = () => posts().filter((r) => r.action === 'AssumeRole');

for (const signatureVersion of ['v3', 'v2']) {
  test(`assumeRole (${signatureVersion}): STS credentials that a cancel then uses, fetched once and shared`, async () => {
    log.reset();
    const credentials = lib.assumeRole(roleOptions({ signatureVersion, durationSeconds: 900 }));
    assert.equal(typeof credentials, 'function');
    const [a, b] = await Promise.all([credentials(), credentials()]);
    assert.deepEqual(a, b);
    assert.match(a.accessKeyId, /^STS\./);
    assert.ok(a.securityToken.length > 100);
    const expiresIn = Date.parse(a.expiration) - Date.now();
    assert.ok(expiresIn > 14 * 60_000 && expiresIn <= 15 * 60_000, `expires in ${expiresIn} ms`);
    assert.equal(assumeRoleRequests().length, 1, 'concurrent calls shared one AssumeRole');
    assert.equal(assumeRoleRequests()[0].signatureVersion, signatureVersion);
    // Every parameter in the query string, as the official STS client sends them.
    const { query, form } = assumeRoleRequests()[0];
    assert.deepEqual([query.RoleArn, query.RoleSessionName, query.DurationSeconds], [DEFAULT_ROLE_ARN, 'operator@example.com', '900']);
    assert.deepEqual(form, {});

    const result = await lib.cancelUploadDocumentJob(callOptions(mock, { credentials, signatureVersion }));
    assert.equal(result.status, 'success');
    await lib.getUploadDocumentJob(callOptions(mock, { credentials }));
    assert.equal(assumeRoleRequests().length, 1, 'cached: 15 minutes left is more than the 5-minute margin');
    const cancel = posts().find((r) => r.action === 'CancelUploadDocumentJob');
    assert.equal(signatureVersion === 'v3' ? cancel.headers['x-acs-security-token'] : cancel.form.SecurityToken, a.securityToken);
    assertNoSecretInValue(result, [a.accessKeySecret, a.securityToken, USER_KEY.accessKeySecret]);
  });
}

test('assumeRole: the session policy is enforced: a call outside it is 403 Forbidden.RAM', async () => {
  log.reset();
  mock.addJob({ jobId: 'other-job', dbInstanceId: 'gp-other000000001' });
  const policy = {
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: ['gpdb:GetUploadDocumentJob', 'gpdb:CancelUploadDocumentJob'], Resource: `acs:gpdb:${DEFAULTS.regionId}:*:document/${DEFAULTS.dbInstanceId}` }],
  };
  for (const given of [policy, JSON.stringify(policy)]) {
    const credentials = lib.assumeRole(roleOptions({ policy: given }));
    const state = await lib.getUploadDocumentJob(callOptions(mock, { credentials }));
    assert.equal(state.job.id, DEFAULTS.jobId);
    const { error } = await outcome(lib.getUploadDocumentJob(callOptions(mock, { credentials, dbInstanceId: 'gp-other000000001', jobId: 'other-job' })));
    assert.deepEqual([error.kind, error.code, error.httpStatus, error.retryable], ['api', 'Forbidden.RAM', 403, false]);
  }
  // A Deny wins over an Allow.
  const denied = lib.assumeRole(roleOptions({ policy: { Version: '1', Statement: [...policy.Statement, { Effect: 'Deny', Action: 'gpdb:Cancel*', Resource: '*' }] } }));
  const { error } = await outcome(lib.cancelUploadDocumentJob(callOptions(mock, { credentials: denied })));
  assert.equal(error.code, 'Forbidden.RAM');
  assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Running', 'nothing was cancelled');
});

test('assumeRole: its options are checked when it is made, before anything is sent', () => {
  log.reset();
  const cases = [
    [{ roleSessionName: 'a' }, 'roleSessionName'],
    [{ roleSessionName: 'x'.repeat(65) }, 'roleSessionName'],
    [{ roleSessionName: 'alice smith' }, 'roleSessionName'],
    [{ durationSeconds: 899 }, 'durationSeconds'],
    [{ durationSeconds: 43_201 }, 'durationSeconds'],
    [{ roleArn: 'acs:ram::123:user/alice' }, 'roleArn'],
    [{ policy: '{not json' }, 'policy'],
    [{ policy: [] }, 'policy'],
    [{ externalId: 'a' }, 'externalId'],
    [{ RoleArn: DEFAULT_ROLE_ARN }, 'RoleArn'],
  ];
  for (const [overrides, field] of cases) {
    assert.throws(() => lib.assumeRole(roleOptions(overrides)), (error) => error instanceof lib.GpdbError && error.kind === 'input' && error.field === field,
      JSON.stringify(overrides));
  }
  assert.equal(posts().length, 0);
});

test('assumeRole: STS\'s own refusals come back as they are, and a failure is not kept', async () => {
  log.reset();
  let { error } = await outcome(lib.assumeRole(roleOptions({ roleArn: 'acs:ram::1234567890123456:role/missing' }))());
  assert.deepEqual([error.kind, error.code, error.httpStatus], ['api', 'EntityNotExist.Role', 404]);
  ({ error } = await outcome(lib.assumeRole(roleOptions({ policy: { Version: '2', Statement: [] } }))()));
  assert.equal(error.code, 'InvalidParameter.PolicyGrammar');

  log.reset();
  mock.inject({ type: 'status', status: 403, code: 'NoPermission', action: 'AssumeRole' });
  const credentials = lib.assumeRole(roleOptions());
  ({ error } = await outcome(credentials()));
  assert.equal(error.code, 'NoPermission');
  const second = await credentials();
  assert.match(second.accessKeyId, /^STS\./);
  assert.equal(assumeRoleRequests().length, 2, 'the failure was not kept: the second call asked again');
});

test('assumeRole: credentials within 5 minutes of their Expiration are fetched again', async () => {
  log.reset();
  // The server's clock is 11 minutes behind: 15-minute credentials expire 4 minutes from now.
  mock.clockOffsetMs = -11 * 60_000;
  try {
    const credentials = lib.assumeRole(roleOptions({ durationSeconds: 900 }));
    const first = await credentials();
    const second = await credentials();
    assert.notEqual(first.accessKeyId, second.accessKeyId);
    assert.equal(assumeRoleRequests().length, 2);
  } finally {
    mock.clockOffsetMs = 0;
  }
});
