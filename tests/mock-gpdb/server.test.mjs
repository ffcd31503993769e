// Proves the mock behaves like the gpdb endpoint, using only the official signer and fetch,
// so the mock can later judge our own client without sharing its code.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import OpenApiUtil from '@alicloud/openapi-util';
import { officialContentSha256, signOfficially } from '../cross-check/official-v3-signer.mjs';
import { DEFAULTS, startMockGpdb } from './server.mjs';

// CommonJS package with `exports.default = Client`.
const officialSigner = OpenApiUtil.default ?? OpenApiUtil;
const STS = { accessKeyId: 'STS.MockKey', secret: 'mock-sts-secret', securityToken: 'mock-sts-token' };
const UUID_UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

const withoutUndefined = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
// RFC 3986 escaping (spaces as %20), as the official SDK puts on the wire.
const encodeParams = (o) => Object.entries(o).map(([k, v]) => `${officialSigner.getEncodeParam(k)}=${officialSigner.getEncodeParam(v)}`).join('&');
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// A correct CancelUploadDocumentJob request; `undefined` in query/form drops a parameter.
// The split (DBInstanceId, RegionId in the query; the rest in the body) follows the official gpdb SDK.
function signedRequest(mock, o = {}) {
  const query = withoutUndefined({
    Action: 'CancelUploadDocumentJob', Version: '2016-05-03', Format: 'JSON', AccessKeyId: DEFAULTS.accessKeyId,
    SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', SignatureNonce: randomUUID(), Timestamp: officialSigner.getTimestamp(),
    DBInstanceId: DEFAULTS.dbInstanceId, RegionId: DEFAULTS.regionId, ...o.query,
  });
  const form = withoutUndefined({
    Collection: DEFAULTS.collection, JobId: DEFAULTS.jobId, Namespace: DEFAULTS.namespace, NamespacePassword: DEFAULTS.namespacePassword, ...o.form,
  });
  query.Signature = officialSigner.getRPCSignature({ ...query, ...form }, 'POST', o.secret ?? DEFAULTS.accessKeySecret);
  const method = o.method ?? 'POST';
  return fetch(`${mock.url}${o.path ?? '/'}?${encodeParams(query)}`, {
    method,
    headers: { 'content-type': o.contentType ?? 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: method === 'GET' ? undefined : (o.formEncoder ?? encodeParams)(form),
    signal: o.signal,
  });
}
const stsRequest = (mock, o = {}) =>
  signedRequest(mock, { ...o, secret: STS.secret, query: { AccessKeyId: STS.accessKeyId, ...o.query }, form: { SecurityToken: STS.securityToken, ...o.form } });

// A correct V3 (ACS3-HMAC-SHA256) request, signed by the official getAuthorization over every host,
// content-type and x-acs-* header (the official SDK's default); `undefined` drops a parameter or header.
// o.signed: names of the headers to sign (default: all the official signer takes); o.unsent: headers
// signed but not sent; o.signedBody: the body the hash and signature cover, when not the one sent;
// o.authorization(signed): rewrites the Authorization value.
function v3Request(mock, o = {}) {
  const query = withoutUndefined({ DBInstanceId: DEFAULTS.dbInstanceId, RegionId: DEFAULTS.regionId, ...o.query });
  const form = withoutUndefined({
    Collection: DEFAULTS.collection, JobId: DEFAULTS.jobId, Namespace: DEFAULTS.namespace, NamespacePassword: DEFAULTS.namespacePassword, ...o.form,
  });
  const body = encodeParams(form);
  const signedBody = o.signedBody ?? body;
  const headers = withoutUndefined({
    host: o.host ?? new URL(mock.url).host,
    'x-acs-action': 'CancelUploadDocumentJob', 'x-acs-version': '2016-05-03', 'x-acs-date': officialSigner.getTimestamp(),
    'x-acs-signature-nonce': randomUUID(), 'x-acs-content-sha256': officialContentSha256(signedBody),
    'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...o.headers,
  });
  const toSign = Object.entries(headers).filter(([name]) => !o.signed || o.signed.includes(name));
  const signed = signOfficially({
    method: 'POST', pathname: o.path ?? '/', query: Object.entries(query), headers: toSign, body: signedBody,
    accessKeyId: o.accessKeyId ?? DEFAULTS.accessKeyId, accessKeySecret: o.secret ?? DEFAULTS.accessKeySecret,
  });
  // fetch sets Host from the URL; the signed host differs only where a test says so.
  const sent = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'host' && !(o.unsent ?? []).includes(name)));
  const queryString = encodeParams(query);
  return fetch(`${mock.url}${o.path ?? '/'}${queryString && '?'}${queryString}`, {
    method: 'POST', headers: { ...sent, authorization: o.authorization ? o.authorization(signed) : signed.authorization }, body, signal: o.signal,
  });
}
const v3StsRequest = (mock, o = {}) =>
  v3Request(mock, { accessKeyId: STS.accessKeyId, secret: STS.secret, ...o, headers: { 'x-acs-security-token': STS.securityToken, ...o.headers } });
const V3_SIGNED_HEADERS = ['content-type', 'host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];

// GetUploadDocumentJob, V2 or V3; resolves to [status, body].
async function getJob(mock, o = {}) {
  const res = o.v3
    ? await v3Request(mock, { ...o, headers: { 'x-acs-action': 'GetUploadDocumentJob', ...o.headers } })
    : await signedRequest(mock, { ...o, query: { Action: 'GetUploadDocumentJob', ...o.query } });
  return [res.status, await res.json()];
}
const jobStatuses = async (mock, jobId, polls) => {
  const seen = [];
  for (let i = 0; i < polls; i++) seen.push((await getJob(mock, { form: { JobId: jobId } }))[1].Job.Status);
  return seen;
};

// Asserts every field of Alibaba's error envelope and the headers that must come with it.
async function assertAlibabaError(mock, res, status, code) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get('content-type'), 'application/json;charset=utf-8');
  const body = await res.json();
  assert.deepEqual(Object.keys(body), ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
  assert.match(body.RequestId, UUID_UPPER);
  assert.equal(res.headers.get('x-acs-request-id'), body.RequestId);
  assert.ok(res.headers.get('date'));
  assert.equal(body.HostId, new URL(mock.url).host);
  assert.equal(body.Code, code);
  assert.equal(body.Recommend, `https://api.aliyun.com/troubleshoot?q=${code}&product=gpdb&requestId=${body.RequestId}`);
  return body;
}
async function assertSuccess(res) {
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual({ ...body, RequestId: 'x' }, { RequestId: 'x', Status: 'success', Message: 'success' });
  assert.equal(res.headers.get('x-acs-request-id'), body.RequestId);
}

let mock;
const jobState = (jobId = DEFAULTS.jobId) => mock.jobs.get(jobId).state;
before(async () => {
  mock = await startMockGpdb({
    quiet: true,
    accessKeys: { [DEFAULTS.accessKeyId]: { secret: DEFAULTS.accessKeySecret }, [STS.accessKeyId]: { secret: STS.secret, securityToken: STS.securityToken } },
    jobs: [{ jobId: DEFAULTS.jobId }, { jobId: 'job-finished', state: 'finished' }, { jobId: 'job-spaced', collection: 'my docs' }],
  });
});
after(() => mock.close());
beforeEach(() => mock.reset());

describe('accepted requests', () => {
  test('a correct request cancels the running job, a second one finds it cancelled', async () => {
    await assertSuccess(await signedRequest(mock));
    assert.equal(jobState(), 'cancelled');
    const body = await assertAlibabaError(mock, await signedRequest(mock), 400, 'UploadDocumentJob.StatusInvalid');
    assert.match(body.Message, /already been cancelled/);
  });

  const variants = [
    ['under a proxy path', (m) => signedRequest(m, { path: '/api/gpdb' })],
    // Form decoding turns "+" into a space, so a body encoded that way must still verify.
    ['with "+" for spaces in the body', (m) => signedRequest(m, { form: { JobId: 'job-spaced', Collection: 'my docs' }, formEncoder: (f) => new URLSearchParams(f).toString() })],
    ['with STS credentials, the token in the body', (m) => stsRequest(m)],
  ];
  for (const [name, send] of variants) test(`accepted ${name}`, async () => assertSuccess(await send(mock)));
});

describe('rejected requests', () => {
  const wrongPlace = { query: { JobId: DEFAULTS.jobId }, form: { JobId: undefined } };
  // [name, request, status, code, message pattern]
  const cases = [
    ['GET', { method: 'GET' }, 400, 'UnsupportedHTTPMethod'],
    ['a JSON body', { contentType: 'application/json' }, 400, 'InvalidParameter', /x-www-form-urlencoded/],
    ['the namespace password in the query', { query: { NamespacePassword: 'x' } }, 400, 'SecretInUrl', /NamespacePassword/],
    ['the secret in the path', { path: `/api/${encodeURIComponent(DEFAULTS.accessKeySecret)}` }, 400, 'SecretInUrl'],
    ['the STS token in the query', { query: { AccessKeyId: STS.accessKeyId, SecurityToken: STS.securityToken }, secret: STS.secret }, 400, 'SecretInUrl', /SecurityToken/],
    ['the password hidden in another query value', { query: { OwnerId: DEFAULTS.namespacePassword } }, 400, 'SecretInUrl'],
    ['no Timestamp', { query: { Timestamp: undefined } }, 400, 'MissingParameter', /"Timestamp"/],
    ['another Action', { query: { Action: 'DescribeDBInstances' } }, 404, 'InvalidAction.NotFound'],
    ['another Version', { query: { Version: '2020-01-01' } }, 400, 'InvalidVersion'],
    ['an unknown AccessKeyId', { query: { AccessKeyId: 'LTAI5tNobody' } }, 404, 'InvalidAccessKeyId.NotFound'],
    ['a Timestamp with milliseconds', { query: { Timestamp: '2024-01-01T00:00:00.000Z' } }, 400, 'IllegalTimestamp'],
    ['a Timestamp 16 minutes old', { query: { Timestamp: isoSeconds(Date.now() - 16 * 60_000) } }, 400, 'InvalidTimeStamp.Expired', /server time \d{4}-/],
    // The message shows the server's string to sign, so a client can find the first stage that differs.
    ['a wrong secret', { secret: 'not-the-secret' }, 400, 'SignatureDoesNotMatch', /^Specified signature is not matched with our calculation\. server string to sign is:POST&%2F&AccessKeyId%3D/],
    ['an STS key without its token', { query: { AccessKeyId: STS.accessKeyId }, secret: STS.secret }, 400, 'InvalidSecurityToken.Malformed'],
    ['an STS key with a wrong token', { query: { AccessKeyId: STS.accessKeyId }, form: { SecurityToken: 'other' }, secret: STS.secret }, 400, 'InvalidSecurityToken.Mismatch'],
    ['no JobId', { form: { JobId: undefined } }, 400, 'MissingParameter', /^The input parameter "JobId" that is mandatory for processing this request is not supplied\.$/],
    ['JobId in the query instead of the body', wrongPlace, 400, 'InvalidParameter', /"JobId" must be sent in the request body/],
    ['RegionId in the body instead of the query', { query: { RegionId: undefined }, form: { RegionId: DEFAULTS.regionId } }, 400, 'InvalidParameter', /query string/],
    ['an unknown instance', { query: { DBInstanceId: 'gp-unknown' } }, 404, 'InvalidDBInstanceId.NotFound'],
    ['a wrong namespace password', { form: { NamespacePassword: 'wrong' } }, 403, 'Namespace.PasswordIncorrect'],
    ['an unknown job', { form: { JobId: 'no-such-job' } }, 404, 'UploadDocumentJob.NotFound'],
    ['the job under another collection', { form: { Collection: 'other' } }, 404, 'UploadDocumentJob.NotFound'],
    ['a finished job', { form: { JobId: 'job-finished' } }, 400, 'UploadDocumentJob.StatusInvalid', /already finished/],
  ];
  for (const [name, request, status, code, message] of cases) {
    test(`${code} for ${name}`, async () => {
      const body = await assertAlibabaError(mock, await signedRequest(mock, request), status, code);
      if (message) assert.match(body.Message, message);
      assert.equal(jobState(), 'running');
    });
  }

  test('a nonce is burnt only by a validly signed request', async () => {
    const query = { SignatureNonce: 'nonce-1', Timestamp: officialSigner.getTimestamp() };
    await assertAlibabaError(mock, await signedRequest(mock, { query, secret: 'wrong' }), 400, 'SignatureDoesNotMatch');
    await assertAlibabaError(mock, await signedRequest(mock, { query, form: { JobId: 'no-such-job' } }), 404, 'UploadDocumentJob.NotFound');
    await assertAlibabaError(mock, await signedRequest(mock, { query }), 400, 'SignatureNonceUsed');
    assert.deepEqual(mock.nonces(), ['nonce-1', 'nonce-1', 'nonce-1']);
  });

  test('the server clock (clockOffsetMs) drives both the skew check and the Date header', async () => {
    mock.clockOffsetMs = 20 * 60_000;
    try {
      const res = await signedRequest(mock);
      const serverDate = Date.parse(res.headers.get('date'));
      assert.ok(Math.abs(serverDate - (Date.now() + mock.clockOffsetMs)) < 5_000);
      const body = await assertAlibabaError(mock, res, 400, 'InvalidTimeStamp.Expired');
      assert.ok(body.Message.includes(`server time ${isoSeconds(serverDate)}`));
      await assertSuccess(await signedRequest(mock, { query: { Timestamp: isoSeconds(serverDate) } }));
    } finally {
      mock.clockOffsetMs = 0;
    }
  });
});

describe('faults', () => {
  // Faults that answer with Alibaba's JSON error: [fault, status, code, extra headers].
  const jsonFaults = [
    [{ type: 'status', status: 500 }, 500, 'InternalError'],
    [{ type: 'status', status: 502 }, 502, 'BadGateway'],
    [{ type: 'status', status: 503 }, 503, 'ServiceUnavailable'],
    [{ type: 'status', status: 504, code: 'Gateway.Timeout' }, 504, 'Gateway.Timeout'],
    [{ type: 'status', status: 429, retryAfter: 1 }, 429, 'Throttling', { 'retry-after': '1' }],
    [{ type: 'throttle' }, 400, 'Throttling.User'],
    [{ type: 'throttle', code: 'Throttling.Api', status: 503, retryAfter: 2, acsRetryAfterMs: 1500 }, 503, 'Throttling.Api', { 'retry-after': '2', 'x-acs-retry-after': '1500' }],
  ];
  for (const [fault, status, code, headers = {}] of jsonFaults) {
    test(`${JSON.stringify(fault)} answers ${status} ${code} before any check`, async () => {
      mock.inject(fault);
      const res = await signedRequest(mock);
      for (const [name, value] of Object.entries(headers)) assert.equal(res.headers.get(name), value);
      await assertAlibabaError(mock, res, status, code);
      assert.equal(jobState(), 'running');
      assert.equal(mock.requests[0].fault, fault.type);
    });
  }

  // Faults whose effect a client sees differently each time: [fault, what the client observes].
  const rawFaults = [
    [{ type: 'status', status: 502, body: 'html' }, async (res) => {
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-type'), 'text/html');
      assert.equal(await res.text(), '<html><body><h1>502 Bad Gateway</h1></body></html>');
    }],
    [{ type: 'reset-before' }, null, (err) => err instanceof TypeError],
    [{ type: 'reset-during' }, async (res) => {
      assert.equal(res.status, 200);
      await assert.rejects(res.text());
    }],
    [{ type: 'hang' }, null, (err) => err.name === 'TimeoutError'],
    [{ type: 'truncated' }, async (res) => {
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '{"RequestId":"AB');
    }],
    [{ type: 'empty200' }, async (res) => {
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '');
    }],
    [{ type: 'fail200' }, async (res) => {
      assert.equal(res.status, 200);
      assert.deepEqual({ ...(await res.json()), RequestId: 'x' }, { RequestId: 'x', Status: 'fail', Message: 'cancel failed: job is locked' });
      assert.equal(jobState(), 'running');
    }],
    [{ type: 'huge' }, async (res) => {
      const text = await res.text();
      assert.equal(text.length, 10 * 1024 * 1024);
      assert.equal(JSON.parse(text).Status, 'success');
    }],
    [{ type: 'huge', bytes: 300_000, contentLength: false }, async (res) => {
      assert.equal(res.headers.get('content-length'), null);
      assert.equal((await res.text()).length, 300_000);
    }],
    [{ type: 'trickle', intervalMs: 40, chunks: 4 }, async (res, startedAt) => {
      await assertSuccess(res);
      assert.ok(Date.now() - startedAt >= 3 * 40 - 5, 'the body arrived in paced pieces');
      assert.equal(jobState(), 'cancelled');
    }],
  ];
  for (const [fault, onResponse, isExpectedError] of rawFaults) {
    test(JSON.stringify(fault), async () => {
      mock.inject(fault);
      const startedAt = Date.now();
      const sent = signedRequest(mock, { signal: AbortSignal.timeout(fault.type === 'hang' ? 300 : 10_000) });
      if (isExpectedError) await assert.rejects(sent, isExpectedError);
      else await onResponse(await sent, startedAt);
      assert.equal(mock.requests[0].fault, fault.type);
    });
  }

  test('faults apply FIFO, `times` at a time, and clearFaults() drops the rest', async () => {
    mock.inject({ type: 'status', status: 503 }, 2);
    mock.inject({ type: 'throttle' });
    mock.inject({ type: 'status', status: 500 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signedRequest(mock)).status);
    mock.clearFaults();
    await assertSuccess(await signedRequest(mock));
    assert.deepEqual(statuses, [503, 503, 400]);
  });
});

describe('CORS', () => {
  test('with cors set, a preflight gets 204 and every answer exposes the retry headers', async (t) => {
    const corsMock = await startMockGpdb({ quiet: true, cors: 'https://app.example' });
    t.after(() => corsMock.close());
    corsMock.inject({ type: 'throttle' }); // a preflight must not spend it
    const preflight = await fetch(`${corsMock.url}/api/gpdb`, { method: 'OPTIONS' });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'POST');
    // Named one by one: a wildcard would not cover Authorization.
    const allowed = preflight.headers.get('access-control-allow-headers').split(/,\s*/);
    for (const name of ['authorization', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256',
      'x-acs-security-token', 'content-type', 'accept']) assert.ok(allowed.includes(name), name);
    assert.ok(!allowed.includes('*'));
    assert.ok(Number(preflight.headers.get('access-control-max-age')) > 0);
    const res = await signedRequest(corsMock);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(res.headers.get('access-control-expose-headers'), 'date, retry-after, x-acs-retry-after, x-acs-request-id');
    await assertAlibabaError(corsMock, res, 400, 'Throttling.User');
  });

  test('without cors, OPTIONS is an unsupported method', async () => {
    await assertAlibabaError(mock, await fetch(mock.url, { method: 'OPTIONS' }), 400, 'UnsupportedHTTPMethod');
  });
});

describe('recording and lifecycle', () => {
  test('every request is recorded, faulted ones included; reset() restores the jobs', async () => {
    await assertSuccess(await signedRequest(mock, { path: '/api/gpdb' }));
    mock.inject({ type: 'reset-before' });
    await assert.rejects(signedRequest(mock));
    const [ok, faulted] = mock.requests;
    assert.equal(ok.method, 'POST');
    assert.equal(ok.path, '/api/gpdb');
    assert.equal(ok.query.DBInstanceId, DEFAULTS.dbInstanceId);
    assert.equal(ok.form.JobId, DEFAULTS.jobId);
    assert.equal(ok.rawBody, encodeParams(ok.form));
    assert.equal(ok.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(ok.nonce, ok.query.SignatureNonce);
    assert.equal(ok.timestamp, ok.query.Timestamp);
    assert.deepEqual([ok.id, ok.fault, ok.response], [1, null, { status: 200, code: 'success' }]);
    assert.deepEqual([faulted.id, faulted.fault, faulted.response], [2, 'reset-before', { status: null, code: null }]);
    assert.deepEqual(mock.nonces(), [ok.nonce, faulted.nonce]);
    mock.reset();
    assert.deepEqual([mock.requests.length, mock.nonces().length, jobState()], [0, 0, 'running']);
  });

  test('close() returns promptly while a request hangs', async () => {
    const hanging = await startMockGpdb({ quiet: true });
    hanging.inject({ type: 'hang' });
    const sent = signedRequest(hanging);
    while (hanging.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const startedAt = Date.now();
    await hanging.close();
    assert.ok(Date.now() - startedAt < 1_000);
    await assert.rejects(sent, TypeError);
  });

  test('standalone: prints its URL, logs requests without secrets, exits on SIGTERM', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url)), '--port', '0', '--job', 'job-a', 'job-b'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const [firstLine] = await once(createInterface({ input: child.stdout }), 'line');
    const [, url] = firstLine.match(/^gpdb mock listening on (http:\/\/127\.0\.0\.1:\d+)$/);
    const res = await signedRequest({ url }, { form: { JobId: 'job-b' } });
    await assertSuccess(res);
    child.kill('SIGTERM');
    assert.deepEqual(await once(child, 'exit'), [0, null]);
    assert.match(stderr, /^POST \/\?.*Signature=\*\*\*.* → 200 success$/m);
    // 'job-b' travels only in the body, which must never be logged.
    for (const hidden of [DEFAULTS.accessKeySecret, DEFAULTS.namespacePassword, 'job-b']) assert.ok(!stderr.includes(hidden), hidden);
  });
});

describe('official V3 signer (tests/cross-check/official-v3-signer.mjs)', () => {
  // Alibaba's documented example (V3 request structure and signature, RunInstances on ECS).
  const documented = {
    method: 'POST', pathname: '/',
    query: [['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'], ['RegionId', 'cn-shanghai']],
    headers: [['host', 'ecs.cn-shanghai.aliyuncs.com'], ['x-acs-action', 'RunInstances'], ['x-acs-version', '2014-05-26'],
      ['x-acs-date', '2023-10-26T10:22:32Z'], ['x-acs-signature-nonce', '3156853299f313e23d1673dc12e1703d'],
      ['x-acs-content-sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']],
    body: '', accessKeyId: 'YourAccessKeyId', accessKeySecret: 'YourAccessKeySecret',
  };
  const documentedAuthorization = 'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;'
    + 'x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0';
  const script = fileURLToPath(new URL('../cross-check/official-v3-signer.mjs', import.meta.url));
  const runScript = async (input) => {
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stdin.end(input);
    assert.deepEqual(await once(child, 'exit'), [0, null]);
    return stdout;
  };

  test('imported: reproduces the documented signature and hashed canonical request', () => {
    const signed = signOfficially(documented);
    assert.equal(signed.authorization, documentedAuthorization);
    assert.equal(signed.stringToSign, 'ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    assert.equal(signed.canonicalRequest, ['POST', '/', 'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
      'host:ecs.cn-shanghai.aliyuncs.com', 'x-acs-action:RunInstances',
      'x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'x-acs-date:2023-10-26T10:22:32Z',
      'x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d', 'x-acs-version:2014-05-26', '',
      'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'].join('\n'));
    assert.equal(officialContentSha256('Collection=document'), createHash('sha256').update('Collection=document').digest('hex'));
  });

  test('as a script: one line per request, tab-separated; 1,000 requests through one process', async () => {
    const [line] = (await runScript(JSON.stringify(documented, null, 2))).split('\n'); // one multi-line object
    const [canonical, stringToSign, authorization, bodyHash, ...rest] = line.split('\t');
    assert.deepEqual(rest, []);
    assert.equal(JSON.parse(canonical), signOfficially(documented).canonicalRequest);
    assert.equal(JSON.parse(stringToSign), 'ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    assert.equal(authorization, documentedAuthorization);
    assert.equal(bodyHash, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

    const batch = Array.from({ length: 1000 }, (_, i) => ({
      ...documented, body: `JobId=job-${i}&Note=${'é'.repeat(i % 7)}`, headers: [...documented.headers, ['x-acs-signature-nonce', `nonce-${i}`]],
    }));
    const lines = (await runScript(batch.map((r) => JSON.stringify(r)).join('\n'))).trimEnd().split('\n');
    assert.equal(lines.length, 1000);
    lines.forEach((out, i) => {
      const expected = signOfficially(batch[i]);
      assert.equal(out, [JSON.stringify(expected.canonicalRequest), JSON.stringify(expected.stringToSign), expected.authorization, expected.contentSha256].join('\t'));
    });
  });
});

describe('signature V3 (ACS3-HMAC-SHA256)', () => {
  test('a request signed by the official getAuthorization cancels the job, and is recorded as V3', async () => {
    const res = await v3Request(mock);
    await assertSuccess(res);
    assert.equal(jobState(), 'cancelled');
    assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Cancelling');
    const [rec] = mock.requests;
    assert.equal(rec.signatureVersion, 'v3');
    assert.equal(rec.action, 'CancelUploadDocumentJob');
    assert.equal(rec.nonce, rec.headers['x-acs-signature-nonce']);
    assert.equal(rec.timestamp, rec.headers['x-acs-date']);
    assert.deepEqual(rec.signedHeaders, V3_SIGNED_HEADERS);
    assert.equal(rec.bodySha256, createHash('sha256').update(rec.rawBody).digest('hex'));
    assert.equal(rec.bodySha256, rec.headers['x-acs-content-sha256']);
    assert.deepEqual(Object.keys(rec.query), ['DBInstanceId', 'RegionId']); // no common parameter in the URL
    assert.deepEqual(mock.nonces(), [rec.nonce]);
  });

  const variants = [
    ['without content-type among the signed headers', (m) => v3Request(m, { signed: V3_SIGNED_HEADERS.filter((h) => h !== 'content-type') })],
    ['with STS credentials, the token in x-acs-security-token', (m) => v3StsRequest(m)],
    ['with the official client\'s x-acs-accesskey-id header, signed', (m) => v3StsRequest(m, { headers: { 'x-acs-accesskey-id': STS.accessKeyId } })],
    ['under a path, which the canonical request carries', (m) => v3Request(m, { path: '/api/gpdb' })],
    ['for a job in a collection with a space', (m) => v3Request(m, { form: { JobId: 'job-spaced', Collection: 'my docs' } })],
  ];
  for (const [name, send] of variants) test(`accepted ${name}`, async () => assertSuccess(await send(mock)));

  // [name, request, status, code, message pattern]
  const cases = [
    ['a wrong secret', { secret: 'not-the-secret' }, 400, 'SignatureDoesNotMatch',
      /^Specified signature is not matched with our calculation\. server canonical request is:"POST\\n\/\\nDBInstanceId=.* server string to sign is:"ACS3-HMAC-SHA256\\n[0-9a-f]{64}"$/],
    ['a signature over another path', { authorization: (s) => signOfficiallyFor(s, { pathname: '/other' }) }, 400, 'SignatureDoesNotMatch',
      /server canonical request is:"POST\\n\/\\n/],
    ['a body that is not the one hashed and signed', { signedBody: 'Collection=other' }, 400, 'SignatureDoesNotMatch',
      /^The x-acs-content-sha256 header "[0-9a-f]{64}" is not the SHA-256 of the request body: the server computed [0-9a-f]{64} over \d+ bytes\.$/],
    ['an x-acs-content-sha256 in uppercase hex', { headers: { 'x-acs-content-sha256': officialContentSha256(encodeParams(defaultForm())).toUpperCase() } },
      400, 'SignatureDoesNotMatch', /x-acs-content-sha256/],
    ['x-acs-signature-nonce sent but not signed', { signed: V3_SIGNED_HEADERS.filter((h) => h !== 'x-acs-signature-nonce') }, 400, 'IncompleteSignature',
      /"x-acs-signature-nonce" is in the request but not in SignedHeaders/],
    ['host not signed', { signed: V3_SIGNED_HEADERS.filter((h) => h !== 'host') }, 400, 'IncompleteSignature', /must include host/],
    ['a signed header that was not sent', { headers: { 'x-acs-extra': 'x' }, unsent: ['x-acs-extra'] }, 400, 'IncompleteSignature', /"x-acs-extra", which is not in the request/],
    ['SignedHeaders out of order', { authorization: (s) => s.authorization.replace('content-type;host', 'host;content-type') }, 400, 'IncompleteSignature',
      /expected "content-type;host;x-acs-action/],
    ['accept among the signed headers', { authorization: (s) => s.authorization.replace('SignedHeaders=', 'SignedHeaders=accept;') }, 400, 'IncompleteSignature',
      /"accept"; the official signer/],
    ['a malformed Authorization', { authorization: (s) => s.authorization.replace(',SignedHeaders', ' SignedHeaders') }, 400, 'IncompleteSignature'],
    ['another algorithm', { authorization: (s) => s.authorization.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3') }, 400, 'IncompleteSignature'],
    // The official form exactly: no spaces after the commas, a lowercase hex signature.
    ['spaces after the commas', { authorization: (s) => s.authorization.replaceAll(',', ', ') }, 400, 'IncompleteSignature'],
    ['an uppercase hex signature', { authorization: (s) => s.authorization.replace(/[0-9a-f]{64}$/, (hex) => hex.toUpperCase()) }, 400, 'IncompleteSignature'],
    ['no x-acs-date', { headers: { 'x-acs-date': undefined } }, 400, 'MissingParameter', /"x-acs-date"/],
    ['no x-acs-content-sha256', { headers: { 'x-acs-content-sha256': undefined } }, 400, 'MissingParameter', /"x-acs-content-sha256"/],
    ['a V2 common parameter in the query', { query: { Format: 'JSON' } }, 400, 'InvalidParameter', /"Format" belongs to signature V2/],
    ['a V2 SecurityToken in the body', { form: { SecurityToken: 'x' } }, 400, 'InvalidParameter', /"SecurityToken" belongs to signature V2/],
    ['another action', { headers: { 'x-acs-action': 'DescribeDBInstances' } }, 404, 'InvalidAction.NotFound'],
    ['another version', { headers: { 'x-acs-version': '2020-01-01' } }, 400, 'InvalidVersion'],
    ['an unknown AccessKeyId', { accessKeyId: 'LTAI5tNobody' }, 404, 'InvalidAccessKeyId.NotFound'],
    ['an x-acs-date with milliseconds', { headers: { 'x-acs-date': '2024-01-01T00:00:00.000Z' } }, 400, 'IllegalTimestamp', /x-acs-date/],
    ['an x-acs-date 16 minutes old', { headers: { 'x-acs-date': isoSeconds(Date.now() - 16 * 60_000) } }, 400, 'InvalidTimeStamp.Expired', /server time \d{4}-/],
    ['an STS key without its token', { accessKeyId: STS.accessKeyId, secret: STS.secret }, 400, 'InvalidSecurityToken.Malformed'],
    ['a permanent key with a token', { headers: { 'x-acs-security-token': STS.securityToken } }, 400, 'InvalidSecurityToken.Mismatch'],
    ['the namespace password in the query', { query: { NamespacePassword: DEFAULTS.namespacePassword } }, 400, 'SecretInUrl'],
    ['JobId in the query instead of the body', { query: { JobId: DEFAULTS.jobId }, form: { JobId: undefined } }, 400, 'InvalidParameter', /"JobId" must be sent in the request body/],
    ['a wrong namespace password', { form: { NamespacePassword: 'wrong' } }, 403, 'Namespace.PasswordIncorrect'],
  ];
  for (const [name, request, status, code, message] of cases) {
    test(`${code} for ${name}`, async () => {
      const body = await assertAlibabaError(mock, await v3Request(mock, request), status, code);
      if (message) assert.match(body.Message, message);
      assert.equal(jobState(), 'running');
    });
  }

  test('an STS token never shows in the canonical request of a SignatureDoesNotMatch message', async () => {
    const body = await assertAlibabaError(mock, await v3StsRequest(mock, { secret: 'wrong' }), 400, 'SignatureDoesNotMatch');
    assert.match(body.Message, /x-acs-security-token:\*\*\*\\n/);
    assert.ok(!body.Message.includes(STS.securityToken));
  });

  test('a wrong STS token is InvalidSecurityToken.Mismatch', async () => {
    await assertAlibabaError(mock, await v3StsRequest(mock, { headers: { 'x-acs-security-token': 'other' } }), 400, 'InvalidSecurityToken.Mismatch');
  });

  test('a nonce is burnt only by a validly signed request, and V2 and V3 share the nonces', async () => {
    const headers = { 'x-acs-signature-nonce': 'nonce-v3' };
    await assertAlibabaError(mock, await v3Request(mock, { headers, secret: 'wrong' }), 400, 'SignatureDoesNotMatch');
    await assertAlibabaError(mock, await v3Request(mock, { headers, form: { JobId: 'no-such-job' } }), 404, 'UploadDocumentJob.NotFound');
    await assertAlibabaError(mock, await v3Request(mock, { headers }), 400, 'SignatureNonceUsed');
    await assertAlibabaError(mock, await signedRequest(mock, { query: { SignatureNonce: 'nonce-v3' } }), 400, 'SignatureNonceUsed');
    assert.equal(jobState(), 'running');
    await assertSuccess(await signedRequest(mock, { query: { SignatureNonce: 'nonce-v2' } }));
    await assertAlibabaError(mock, await v3Request(mock, { headers: { 'x-acs-signature-nonce': 'nonce-v2' }, form: { JobId: 'job-finished' } }), 400, 'SignatureNonceUsed');
    assert.deepEqual(mock.nonces(), ['nonce-v3', 'nonce-v3', 'nonce-v3', 'nonce-v3', 'nonce-v2', 'nonce-v2']);
    assert.deepEqual(mock.requests.map((r) => r.signatureVersion), ['v3', 'v3', 'v3', 'v2', 'v2', 'v3']);
  });

  test('the server clock (clockOffsetMs) drives the x-acs-date skew check', async () => {
    mock.clockOffsetMs = 20 * 60_000;
    try {
      const res = await v3Request(mock);
      const serverDate = Date.parse(res.headers.get('date'));
      const body = await assertAlibabaError(mock, res, 400, 'InvalidTimeStamp.Expired');
      assert.ok(body.Message.includes(`server time ${isoSeconds(serverDate)}`));
      await assertSuccess(await v3Request(mock, { headers: { 'x-acs-date': isoSeconds(serverDate) } }));
    } finally {
      mock.clockOffsetMs = 0;
    }
  });

  test('signedHost: behind a proxy the client signs the endpoint\'s host, and the mock verifies with it', async () => {
    const host = 'gpdb.cn-hangzhou.aliyuncs.com';
    await assertAlibabaError(mock, await v3Request(mock, { host }), 400, 'SignatureDoesNotMatch');
    mock.signedHost = host;
    try {
      await assertSuccess(await v3Request(mock, { host }));
      await assertAlibabaError(mock, await v3Request(mock, { form: { JobId: 'job-finished' } }), 400, 'SignatureDoesNotMatch');
    } finally {
      mock.signedHost = null;
    }
    const proxied = await startMockGpdb({ quiet: true, signedHost: host });
    try {
      await assertSuccess(await v3Request(proxied, { host }));
    } finally {
      await proxied.close();
    }
  });
});

// Signs like the official client but over other request parts, to make a signature that is valid for something else.
function signOfficiallyFor(signed, parts) {
  const lines = signed.canonicalRequest.split('\n');
  const [, query] = [lines[0], lines[2]];
  const headerLines = lines.slice(3, lines.indexOf(''));
  return signOfficially({
    method: 'POST', pathname: parts.pathname ?? lines[1], query: query ? query.split('&').map((p) => p.split('=').map(decodeURIComponent)) : [],
    headers: headerLines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
    payload: lines.at(-1), accessKeyId: DEFAULTS.accessKeyId, accessKeySecret: DEFAULTS.accessKeySecret,
  }).authorization;
}
function defaultForm() {
  return { Collection: DEFAULTS.collection, JobId: DEFAULTS.jobId, Namespace: DEFAULTS.namespace, NamespacePassword: DEFAULTS.namespacePassword };
}

describe('GetUploadDocumentJob and the job status machine', () => {
  const JOB_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

  test('a running job answers the official model, absent fields left out (V2 and V3)', async () => {
    for (const v3 of [false, true]) {
      mock.reset();
      const [status, body] = await getJob(mock, { v3 });
      assert.equal(status, 200);
      assert.deepEqual(Object.keys(body), ['RequestId', 'Status', 'Message', 'Job']);
      assert.match(body.RequestId, UUID_UPPER);
      assert.deepEqual([body.Status, body.Message], ['success', 'success']);
      assert.deepEqual(Object.keys(body.Job), ['Id', 'Status', 'Completed', 'Progress', 'CreateTime', 'UpdateTime']);
      assert.deepEqual([body.Job.Id, body.Job.Status, body.Job.Completed, body.Job.Progress], [DEFAULTS.jobId, 'Running', false, 10]);
      assert.match(body.Job.CreateTime, JOB_TIME);
      assert.match(body.Job.UpdateTime, JOB_TIME);
      assert.equal(mock.requests[0].action, 'GetUploadDocumentJob');
      assert.equal(mock.requests[0].signatureVersion, v3 ? 'v3' : 'v2');
    }
  });

  test('a Running job\'s Progress grows by progressStep per poll, up to 99', async () => {
    const progress = [];
    for (let i = 0; i < 12; i++) progress.push((await getJob(mock))[1].Job.Progress);
    assert.deepEqual(progress, [10, 20, 30, 40, 50, 60, 70, 80, 90, 99, 99, 99]);
    mock.addJob({ jobId: 'job-fast', progressStep: 40 });
    const fast = [];
    for (let i = 0; i < 3; i++) fast.push((await getJob(mock, { form: { JobId: 'job-fast' } }))[1].Job.Progress);
    assert.deepEqual(fast, [40, 80, 99]);
  });

  test('succeedAfterPolls: a Running job becomes Success, with ChunkResult and Usage', async () => {
    mock.addJob({ jobId: 'job-ok', succeedAfterPolls: 2 });
    assert.deepEqual(await jobStatuses(mock, 'job-ok', 3), ['Running', 'Success', 'Success']);
    const [, body] = await getJob(mock, { form: { JobId: 'job-ok' } });
    assert.deepEqual(Object.keys(body), ['RequestId', 'Status', 'Message', 'Job', 'ChunkResult', 'Usage']);
    assert.deepEqual([body.Job.Completed, body.Job.Progress], [true, 100]);
    assert.deepEqual(Object.keys(body.ChunkResult), ['ChunkFileUrl', 'PlainChunkFileUrl']);
    assert.match(body.ChunkResult.ChunkFileUrl, /^https:\/\/gpdb-mock\.invalid\/chunks\/job-ok\.jsonl$/);
    assert.deepEqual(body.Usage, { EmbeddingEntries: 10, EmbeddingTokens: 475 });
    assert.equal(mock.jobs.get('job-ok').state, 'finished');
  });

  test('jobs added with the old states or the official statuses; Failed carries Error and ErrorCode', async () => {
    const finished = mock.addJob({ jobId: 'job-old', state: 'finished' });
    assert.deepEqual([finished.status, finished.state, finished.progress], ['Success', 'finished', 100]);
    const failed = mock.addJob({ jobId: 'job-failed', status: 'Failed', error: 'Failed to connect database.', errorCode: 'InternalError' });
    assert.equal(failed.state, 'finished');
    const [, body] = await getJob(mock, { form: { JobId: 'job-failed' } });
    assert.deepEqual(body.Job, {
      Id: 'job-failed', Status: 'Failed', Completed: true, Progress: 0, Error: 'Failed to connect database.', ErrorCode: 'InternalError',
      CreateTime: failed.createTime, UpdateTime: failed.updateTime,
    });
    assert.ok(!('ChunkResult' in body) && !('Usage' in body));
    const custom = mock.addJob({ jobId: 'job-usage', status: 'Pending', usage: { EmbeddingEntries: 1, EmbeddingTokens: 2 } });
    assert.equal(custom.state, 'running');
    assert.deepEqual((await getJob(mock, { form: { JobId: 'job-usage' } }))[1].Usage, { EmbeddingEntries: 1, EmbeddingTokens: 2 });
    assert.equal(mock.addJob({ jobId: 'job-alias', status: 'cancelled' }).status, 'Cancelled');
    finished.state = 'running';
    assert.equal(finished.status, 'Running');
    assert.throws(() => mock.addJob({ jobId: 'x', status: 'Done' }), TypeError);
    assert.throws(() => mock.addJob({ jobId: 'x', state: 'paused' }), TypeError);
  });

  test('cancel: Cancelling for cancellingPolls polls (default 2), then Cancelled; a second cancel is StatusInvalid', async () => {
    await assertSuccess(await signedRequest(mock));
    const job = mock.jobs.get(DEFAULTS.jobId);
    assert.deepEqual([job.status, job.state], ['Cancelling', 'cancelled']);
    const during = await assertAlibabaError(mock, await v3Request(mock), 400, 'UploadDocumentJob.StatusInvalid');
    assert.match(during.Message, /has already been cancelled\. Its status is Cancelling\.$/);
    assert.deepEqual(await jobStatuses(mock, DEFAULTS.jobId, 4), ['Cancelling', 'Cancelling', 'Cancelled', 'Cancelled']);
    const [, body] = await getJob(mock);
    assert.deepEqual([body.Job.Completed, 'ChunkResult' in body], [true, false]);
    const after = await assertAlibabaError(mock, await signedRequest(mock), 400, 'UploadDocumentJob.StatusInvalid');
    assert.match(after.Message, /has already been cancelled\. Its status is Cancelled\.$/);
  });

  test('cancellingPolls is an option and a property; 0 cancels at once', async () => {
    mock.cancellingPolls = 0;
    try {
      await assertSuccess(await signedRequest(mock));
      assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Cancelled');
    } finally {
      mock.cancellingPolls = 2;
    }
    const three = await startMockGpdb({ quiet: true, cancellingPolls: 3 });
    try {
      await assertSuccess(await v3Request(three));
      assert.deepEqual(await jobStatuses(three, DEFAULTS.jobId, 5), ['Cancelling', 'Cancelling', 'Cancelling', 'Cancelled', 'Cancelled']);
    } finally {
      await three.close();
    }
  });

  test('Pending and Start jobs can be cancelled; Success and Failed ones cannot', async () => {
    for (const status of ['Pending', 'Start']) {
      mock.addJob({ jobId: `job-${status}`, status });
      assert.deepEqual(await jobStatuses(mock, `job-${status}`, 2), [status, status]); // no progress before Running
      await assertSuccess(await signedRequest(mock, { form: { JobId: `job-${status}` } }));
      assert.equal(mock.jobs.get(`job-${status}`).status, 'Cancelling');
    }
    for (const [status, text] of [['Success', 'already finished. Its status is Success.'], ['Failed', 'already finished. Its status is Failed.']]) {
      mock.addJob({ jobId: `job-${status}`, status });
      const body = await assertAlibabaError(mock, await signedRequest(mock, { form: { JobId: `job-${status}` } }), 400, 'UploadDocumentJob.StatusInvalid');
      assert.ok(body.Message.endsWith(text), body.Message);
      assert.equal(mock.jobs.get(`job-${status}`).status, status);
    }
  });

  // [name, request, status, code]
  const rejected = [
    ['no NamespacePassword', { form: { NamespacePassword: undefined } }, 400, 'MissingParameter'],
    ['an unknown job', { form: { JobId: 'no-such-job' } }, 404, 'UploadDocumentJob.NotFound'],
    ['a wrong namespace password', { form: { NamespacePassword: 'wrong' } }, 403, 'Namespace.PasswordIncorrect'],
    ['the password in the query', { query: { NamespacePassword: DEFAULTS.namespacePassword } }, 400, 'SecretInUrl'],
    ['a wrong secret', { secret: 'wrong' }, 400, 'SignatureDoesNotMatch'],
  ];
  for (const [name, request, status, code] of rejected) {
    for (const v3 of [false, true]) {
      test(`GetUploadDocumentJob ${v3 ? 'V3' : 'V2'}: ${code} for ${name}`, async () => {
        const [got, body] = await getJob(mock, { ...request, v3 });
        assert.deepEqual([got, body.Code], [status, code]);
        assert.equal(mock.jobs.get(DEFAULTS.jobId).progress, 0, 'a rejected poll does not move the job');
      });
    }
  }
});

describe('ambiguous cancels, action-targeted faults, slow answers', () => {
  test('apply-then-reset: the job is cancelled, the answer is lost to a socket reset', async () => {
    mock.inject({ type: 'apply-then-reset' });
    await assert.rejects(v3Request(mock), TypeError);
    assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Cancelling');
    const [rec] = mock.requests;
    assert.deepEqual([rec.fault, rec.response, rec.withheld], ['apply-then-reset', { status: null, code: null }, { status: 200, code: 'success' }]);
    // The client's retry then meets the cancel it cannot know it made.
    await assertAlibabaError(mock, await signedRequest(mock), 400, 'UploadDocumentJob.StatusInvalid');
  });

  test('apply-then-gateway-error: the job is cancelled behind a gateway that answers 504 (HTML) or 502 (JSON)', async () => {
    mock.inject({ type: 'apply-then-gateway-error' });
    const res = await v3Request(mock);
    assert.equal(res.status, 504);
    assert.equal(res.headers.get('content-type'), 'text/html');
    assert.match(await res.text(), /<h1>504 Gateway Timeout<\/h1>/);
    assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Cancelling');
    assert.deepEqual([mock.requests[0].response, mock.requests[0].withheld], [{ status: 504, code: null }, { status: 200, code: 'success' }]);
    await assertAlibabaError(mock, await signedRequest(mock), 400, 'UploadDocumentJob.StatusInvalid');

    mock.addJob({ jobId: 'job-502' });
    mock.inject({ type: 'apply-then-gateway-error', status: 502, body: 'json' });
    await assertAlibabaError(mock, await signedRequest(mock, { form: { JobId: 'job-502' } }), 502, 'BadGateway');
    assert.equal(mock.jobs.get('job-502').status, 'Cancelling');
  });

  test('apply-then-hang: the job is cancelled, no answer comes', async () => {
    mock.inject({ type: 'apply-then-hang' });
    await assert.rejects(signedRequest(mock, { signal: AbortSignal.timeout(300) }), (err) => err.name === 'TimeoutError');
    assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Cancelling');
    assert.deepEqual(mock.requests[0].withheld, { status: 200, code: 'success' });
  });

  test('apply-then-delay: the job is cancelled at once, the answer comes after delayMs', async () => {
    mock.inject({ type: 'apply-then-delay', delayMs: 400 }, 2);
    await assert.rejects(signedRequest(mock, { signal: AbortSignal.timeout(150) }), (err) => err.name === 'TimeoutError');
    assert.equal(mock.jobs.get(DEFAULTS.jobId).status, 'Cancelling');
    mock.addJob({ jobId: 'job-late' });
    const startedAt = Date.now();
    const late = signedRequest(mock, { form: { JobId: 'job-late' } });
    await until(() => mock.jobs.get('job-late').status === 'Cancelling');
    assert.ok(Date.now() - startedAt < 400, 'applied before the answer');
    await assertSuccess(await late);
    assert.ok(Date.now() - startedAt >= 390, 'the answer waited');
    assert.deepEqual(mock.requests.at(-1).response, { status: 200, code: 'success' });
  });

  test('a rejected request under apply-then-reset changes nothing and its error is lost', async () => {
    mock.inject({ type: 'apply-then-reset' });
    await assert.rejects(signedRequest(mock, { secret: 'wrong' }), TypeError);
    assert.equal(jobState(), 'running');
    assert.equal(mock.requests[0].withheld.code, 'SignatureDoesNotMatch');
  });

  test('a fault with an action is taken only by that action; others keep the FIFO order', async () => {
    mock.inject({ type: 'status', status: 503, action: 'CancelUploadDocumentJob' });
    mock.inject({ type: 'throttle', action: 'GetUploadDocumentJob' });
    mock.inject({ type: 'status', status: 500 });
    assert.equal((await getJob(mock))[0], 400); // the Get fault, not the Cancel one ahead of it
    assert.equal((await getJob(mock, { v3: true }))[0], 500); // an untargeted fault goes to anyone
    assert.equal((await getJob(mock))[0], 200);
    assert.equal((await v3Request(mock)).status, 503);
    await assertSuccess(await v3Request(mock));
    assert.deepEqual(mock.requests.map((r) => [r.action, r.fault]), [
      ['GetUploadDocumentJob', 'throttle'], ['GetUploadDocumentJob', 'status'], ['GetUploadDocumentJob', null],
      ['CancelUploadDocumentJob', 'status'], ['CancelUploadDocumentJob', null],
    ]);
    assert.throws(() => mock.inject({ type: 'hang', action: 'DescribeDBInstances' }), TypeError);
  });

  test('apply-then-delay for the cancel only: a poll meanwhile sees Cancelling', async () => {
    mock.inject({ type: 'apply-then-delay', delayMs: 300, action: 'CancelUploadDocumentJob' });
    const cancel = v3Request(mock);
    await until(() => mock.jobs.get(DEFAULTS.jobId).status === 'Cancelling');
    const [, body] = await getJob(mock, { v3: true });
    assert.equal(body.Job.Status, 'Cancelling');
    await assertSuccess(await cancel);
  });

  test('delayMs: every answer waits; a client that leaves during the wait changes nothing', async () => {
    const slow = await startMockGpdb({ quiet: true, delayMs: 300 });
    try {
      const startedAt = Date.now();
      const [status, body] = await getJob(slow);
      assert.deepEqual([status, body.Job.Status], [200, 'Running']);
      assert.ok(Date.now() - startedAt >= 290);
      await assert.rejects(signedRequest(slow, { signal: AbortSignal.timeout(100) }), (err) => err.name === 'TimeoutError');
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(slow.jobs.get(DEFAULTS.jobId).status, 'Running', 'the aborted cancel was never handled');
      assert.deepEqual(slow.requests.at(-1).response, { status: null, code: null });
      slow.delayMs = 0;
      await assertSuccess(await signedRequest(slow));
      slow.delayMs = 10_000;
      const pending = signedRequest(slow, { form: { JobId: 'no-such-job' } });
      await until(() => slow.requests.length === 4);
      const closingAt = Date.now();
      await slow.close();
      assert.ok(Date.now() - closingAt < 1_000, 'close() ends the wait');
      await assert.rejects(pending, TypeError);
    } finally {
      await slow.close();
    }
  });

  test('standalone --delay-ms and --cancelling-polls', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url)), '--port', '0', '--delay-ms', '200', '--cancelling-polls', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const lines = createInterface({ input: child.stdout });
    const [firstLine] = await once(lines, 'line');
    const [, url] = firstLine.match(/^gpdb mock listening on (http:\/\/127\.0\.0\.1:\d+)$/);
    const startedAt = Date.now();
    await assertSuccess(await v3Request({ url }));
    assert.ok(Date.now() - startedAt >= 190);
    const [, body] = await getJob({ url }, { v3: true });
    assert.equal(body.Job.Status, 'Cancelled');
    child.kill('SIGTERM');
    assert.deepEqual(await once(child, 'exit'), [0, null]);
    assert.match(stderr, /^POST \/\?DBInstanceId=gp-mock0000000001&RegionId=cn-hangzhou \[V3 CancelUploadDocumentJob\] → 200 success$/m);
    for (const hidden of [DEFAULTS.accessKeySecret, DEFAULTS.namespacePassword]) assert.ok(!stderr.includes(hidden), hidden);
    const bad = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url)), '--delay-ms', 'soon'], { stdio: ['ignore', 'ignore', 'pipe'] });
    assert.deepEqual(await once(bad, 'exit'), [2, null]);
  });
});

// Polls a condition every 5 ms, for at most 2 s.
async function until(condition) {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail('condition not met within 2 s');
}
