// Bad input never leaves the process: every malformed option is refused by the installed package
// with a GpdbError that names the option, is not retryable, reports 0 attempts and echoes no secret,
// and not one request reaches the local gpdb endpoint.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, test } from 'node:test';

import { scratchProject, startMockGpdb } from '../package/harness.mjs';

// Distinctive, so a leak is unmistakable: none may appear in any rendering of any error.
const SECRETS = { namespacePassword: 'pw-SECRET-1', accessKeySecret: 'sk-SECRET-2', securityToken: 'tok-SECRET-3' };
const ACCESS_KEY_ID = 'LTAI5tBadInputKeyId';
const INSTANCE = 'gp-mock0000000001';
const JOB_ID = '231460f8-75dc-405e-a669-0c5204887e91';
const ENV_KEYS = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'];
// Longer than this is a hang: validation is synchronous work, a provider a few microtasks.
const CASE_DEADLINE_MS = 750;

let lib;
let mock;
const savedEnv = {};

before(async () => {
  // Absent credentials fall back to the environment in Node: keep it empty so "missing" means missing.
  for (const key of ENV_KEYS) {
    savedEnv[key] = process.env[key];
    delete process.env[key];
  }
  const dir = scratchProject('bad-input');
  // The bare specifier, resolved from the scratch project, so the exports map picks the entry file.
  lib = createRequire(join(dir, 'package.json'))('gpdb-edge');
  mock = await startMockGpdb({
    quiet: true,
    accessKeys: { [ACCESS_KEY_ID]: { secret: SECRETS.accessKeySecret, securityToken: SECRETS.securityToken } },
    namespacePasswords: { [`${INSTANCE}/public`]: SECRETS.namespacePassword },
    jobs: [{ jobId: JOB_ID }],
  });
});

after(async () => {
  await mock?.close();
  for (const key of ENV_KEYS) if (savedEnv[key] !== undefined) process.env[key] = savedEnv[key];
});

/** Valid options: every case breaks exactly one thing in a fresh copy. */
function base() {
  return {
    credentials: { accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRETS.accessKeySecret, securityToken: SECRETS.securityToken },
    regionId: 'cn-hangzhou',
    dbInstanceId: INSTANCE,
    namespace: 'public',
    collection: 'document',
    namespacePassword: SECRETS.namespacePassword,
    jobId: JOB_ID,
    endpoint: mock.url,
    // Should a bug let a request through, it fails fast instead of retrying.
    timeoutMs: 3000,
    maxRetries: 0,
  };
}

const set = (key, value) => (o) => ({ ...o, [key]: value });
const drop = (key) => (o) => { const { [key]: _, ...rest } = o; return rest; };
const setCred = (key, value) => (o) => ({ ...o, credentials: { ...o.credentials, [key]: value } });
const dropCred = (key) => (o) => { const { [key]: _, ...rest } = o.credentials; return { ...o, credentials: rest }; };
const provider = (fn) => (o) => ({ ...o, credentials: fn });
const goodCreds = () => ({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRETS.accessKeySecret, securityToken: SECRETS.securityToken });
const whole = (value) => () => value; // replaces the options argument itself

const input = (code, field, extra = {}) => ({ kind: 'input', code, field, ...extra });
const creds = (code, field, extra = {}) => ({ kind: 'credentials', code, field, ...extra });

const THROWN = new Error('provider exploded');
const THROWN_VALUE = { reason: 'a thrown non-Error value' };
const GETTER_ERROR = new Error('getter exploded');

// [name, options transform, expected, via]: via is 'both' (default), 'cancel' or 'sign'.
const TABLE = [];
const add = (name, transform, expected, via = 'both') => TABLE.push({ name, transform, expected, via });

// The five required text options: absent, blank, wrong-typed.
for (const field of ['regionId', 'dbInstanceId', 'collection', 'namespacePassword', 'jobId']) {
  add(`${field}: missing`, drop(field), input('MissingParameter', field));
  add(`${field}: undefined`, set(field, undefined), input('MissingParameter', field));
  add(`${field}: empty`, set(field, ''), input('EmptyParameter', field));
  add(`${field}: whitespace only`, set(field, ' \t\u3000 '), input('EmptyParameter', field));
  for (const [label, value] of [['a number', 42], ['an object', {}], ['an array', ['x']], ['null', null], ['NaN', NaN], ['a boolean', true]]) {
    add(`${field}: ${label}`, set(field, value), input('InvalidType', field));
  }
  // The password is both the bad value and a secret: its text must not be echoed.
  const seed = field === 'namespacePassword' ? SECRETS.namespacePassword : 'x';
  add(`${field}: 4097 ASCII bytes`, set(field, seed.padEnd(4097, 'x')), input('ParameterTooLong', field, { message: /4097 bytes/ }));
  add(`${field}: 2049 two-byte characters (over 4096 UTF-8 bytes, not UTF-16 units)`, set(field, seed + 'é'.repeat(2049)), input('ParameterTooLong', field));
  for (const [label, ch] of [['NUL', '\0'], ['\\n', '\n'], ['\\t', '\t'], ['DEL', '\x7f'], ['U+0085', '\u0085']]) {
    add(`${field}: ${label} inside`, set(field, `${seed}${ch}${seed}`), input('InvalidCharacter', field));
  }
  add(`${field}: lone high surrogate`, set(field, '\uD800'), input('InvalidCharacter', field));
  add(`${field}: lone low surrogate inside`, set(field, `${seed}a\uDFFFb`), input('InvalidCharacter', field));
}

// namespace is optional (null means absent, i.e. "public"), but a given value must be good text.
add('namespace: empty', set('namespace', ''), input('EmptyParameter', 'namespace'));
add('namespace: whitespace only', set('namespace', '   '), input('EmptyParameter', 'namespace'));
add('namespace: a number', set('namespace', 7), input('InvalidType', 'namespace'));
add('namespace: an object', set('namespace', { name: 'public' }), input('InvalidType', 'namespace'));
add('namespace: an array', set('namespace', ['public']), input('InvalidType', 'namespace'));
add('namespace: a boolean', set('namespace', false), input('InvalidType', 'namespace'));
add('namespace: NaN', set('namespace', NaN), input('InvalidType', 'namespace'));
add('namespace: NUL inside', set('namespace', 'pub\0lic'), input('InvalidCharacter', 'namespace'));
add('namespace: lone surrogate', set('namespace', 'a\uDFFFb'), input('InvalidCharacter', 'namespace'));
add('namespace: 4097 bytes', set('namespace', 'n'.repeat(4097)), input('ParameterTooLong', 'namespace'));

// endpoint: http(s) only, no user info, query, fragment, bad port or spaces.
for (const [label, url] of [
  ['empty', ''], ['whitespace only', '   '], ['ftp: scheme', 'ftp://127.0.0.1/'], ['no scheme', '127.0.0.1:8080/api'],
  ['javascript: URL', 'javascript:alert(1)'], ['user:pass@', 'http://user:pass@127.0.0.1:9/'], ['query string', 'http://127.0.0.1:9/api?x=1'],
  ['fragment', 'http://127.0.0.1:9/api#top'], ['port 0', 'http://127.0.0.1:0/'], ['port 65536', 'http://127.0.0.1:65536/'],
  ['non-numeric port', 'http://127.0.0.1:http/'], ['space in host', 'http://exa mple.com/'], ['space in path', 'http://127.0.0.1:9/a b'],
  ['no host', 'http:///path'], ['newline in path', 'http://127.0.0.1:9/a\nb'],
]) {
  add(`endpoint: ${label}`, set('endpoint', url), input(/^\s*$/.test(url) ? 'EmptyParameter' : 'MalformedParameter', 'endpoint'));
}
add('endpoint: a number', set('endpoint', 443), input('InvalidType', 'endpoint'));
add('endpoint: a URL object', set('endpoint', new URL('http://127.0.0.1:9/')), input('InvalidType', 'endpoint'));

// proxyUrl: the same rules as endpoint, under its own name.
for (const [label, url] of [['empty', ''], ['ftp: scheme', 'ftp://127.0.0.1/'], ['user:pass@', 'http://user:pass@127.0.0.1:9/'], ['query string', 'http://127.0.0.1:9/api?x=1']]) {
  add(`proxyUrl: ${label}`, set('proxyUrl', url), input(url === '' ? 'EmptyParameter' : 'MalformedParameter', 'proxyUrl'));
}
add('proxyUrl: a URL object', set('proxyUrl', new URL('http://127.0.0.1:9/')), input('InvalidType', 'proxyUrl'));

// signatureVersion: "v3" or "v2", spelt exactly.
for (const version of ['V3', 'v1', 'v4', '3', 'ACS3-HMAC-SHA256', '']) {
  add(`signatureVersion: ${JSON.stringify(version)}`, set('signatureVersion', version), input('MalformedParameter', 'signatureVersion'));
}
add('signatureVersion: a number', set('signatureVersion', 3), input('InvalidType', 'signatureVersion'));
// V3 sends these in headers, which carry visible ASCII only.
add('securityToken with a space (V3 header)', set('credentials', { accessKeyId: 'id', accessKeySecret: 's', securityToken: 'tok en' }),
  { kind: 'credentials', code: 'MalformedParameter', field: 'credentials.securityToken' });

// regionId also picks the default endpoint host, so its shape is checked even with an explicit endpoint.
for (const region of ['CN-HANGZHOU', 'cn_hangzhou', 'cnhangzhou', 'cn--hangzhou', '-cn-hangzhou', 'cn-hangzhou-', 'cn-hangzhou.evil',
  'cn-hangzhou/x', '1n-hangzhou', 'a-b', `cn-${'a'.repeat(62)}`]) {
  add(`regionId: malformed ${JSON.stringify(region.length > 20 ? `${region.slice(0, 12)}…(${region.length})` : region)}`,
    set('regionId', region), input('MalformedParameter', 'regionId'));
}

// Unknown keys, with a hint for names copied from the API reference or other SDKs.
for (const [key, hint] of [['DBInstanceId', 'dbInstanceId'], ['JobId', 'jobId'], ['NamespacePassword', 'namespacePassword'],
  ['RegionId', 'regionId'], ['AccessKeyId', 'credentials.accessKeyId'], ['AccessKeySecret', 'credentials.accessKeySecret'],
  ['db_instance_id', 'dbInstanceId'], ['Timeout', 'timeoutMs'], ['collectionName', null], ['password', null]]) {
  const value = /Password|Secret/.test(key) ? (key === 'AccessKeySecret' ? SECRETS.accessKeySecret : SECRETS.namespacePassword) : 'x';
  add(`unknown key ${key}${hint ? ` → ${hint}` : ''}`, set(key, value),
    input('UnknownOption', key, { message: hint ? new RegExp(`did you mean ${hint.replace('.', '\\.')}\\?$`) : new RegExp(`^unknown option ${key}$`) }));
}

// signal, timeoutMs, maxRetries.
for (const [label, value] of [['{}', {}], ["'x'", 'x'], ['{ aborted: false }', { aborted: false }], ['true', true],
  ['an AbortController', new AbortController()]]) {
  add(`signal: ${label}`, set('signal', value), input('InvalidType', 'signal'));
}
for (const [label, value, code] of [['-1', -1, 'MalformedParameter'], ['0', 0, 'MalformedParameter'], ['0.5', 0.5, 'MalformedParameter'],
  ['2147483648', 2147483648, 'MalformedParameter'], ['NaN', NaN, 'InvalidType'], ['Infinity', Infinity, 'InvalidType'],
  ["'1000'", '1000', 'InvalidType'], ['an object', {}, 'InvalidType']]) {
  add(`timeoutMs: ${label}`, set('timeoutMs', value), input(code, 'timeoutMs'));
}
for (const [label, value, code] of [['-1', -1, 'MalformedParameter'], ['1.5', 1.5, 'MalformedParameter'], ['NaN', NaN, 'InvalidType'],
  ['11', 11, 'MalformedParameter'], ["'2'", '2', 'InvalidType'], ['-Infinity', -Infinity, 'InvalidType'], ['true', true, 'InvalidType']]) {
  add(`maxRetries: ${label}`, set('maxRetries', value), input(code, 'maxRetries'));
}

// The options argument itself.
for (const [label, value] of [['undefined', undefined], ['null', null], ["'x'", 'x'], ['42', 42], ['[]', []], ['a function', () => base()]]) {
  add(`options: ${label}`, whole(value), input('InvalidType', 'options'));
}

// A throwing getter is the caller's error, named and kept as the cause.
add('jobId: a throwing getter', (o) => { const copy = { ...o }; delete copy.jobId;
  return Object.defineProperty(copy, 'jobId', { enumerable: true, get() { throw GETTER_ERROR; } }); },
input('MalformedParameter', 'jobId', { cause: GETTER_ERROR }));

// Static credentials.
for (const [label, value] of [["'x'", 'x'], ['42', 42], ['[]', []], ['true', true]]) {
  add(`credentials: ${label}`, set('credentials', value), creds('InvalidType', 'credentials'));
}
add('credentials: missing (and none in the environment)', drop('credentials'), creds('MissingParameter', 'credentials'));
add('credentials: null (and none in the environment)', set('credentials', null), creds('MissingParameter', 'credentials'));
add('credentials.accessKeyId: missing', dropCred('accessKeyId'), creds('MissingParameter', 'credentials.accessKeyId'));
add('credentials.accessKeySecret: missing', dropCred('accessKeySecret'), creds('MissingParameter', 'credentials.accessKeySecret'));
add('credentials.accessKeyId: a number', setCred('accessKeyId', 12345), creds('InvalidType', 'credentials.accessKeyId'));
add('credentials.accessKeyId: null', setCred('accessKeyId', null), creds('InvalidType', 'credentials.accessKeyId'));
add('credentials.accessKeyId: empty', setCred('accessKeyId', ''), creds('EmptyParameter', 'credentials.accessKeyId'));
add('credentials.accessKeySecret: an object', setCred('accessKeySecret', { secret: SECRETS.accessKeySecret }), creds('InvalidType', 'credentials.accessKeySecret'));
add('credentials.accessKeySecret: whitespace only', setCred('accessKeySecret', '  '), creds('EmptyParameter', 'credentials.accessKeySecret'));
add('credentials.accessKeySecret: \\n inside', setCred('accessKeySecret', `${SECRETS.accessKeySecret}\n`), creds('InvalidCharacter', 'credentials.accessKeySecret'));
add('credentials.accessKeySecret: lone surrogate', setCred('accessKeySecret', `${SECRETS.accessKeySecret}\uD800`), creds('InvalidCharacter', 'credentials.accessKeySecret'));
add('credentials.accessKeySecret: 4097 bytes', setCred('accessKeySecret', SECRETS.accessKeySecret.padEnd(4097, 's')), creds('ParameterTooLong', 'credentials.accessKeySecret'));
add('credentials.securityToken: a number', setCred('securityToken', 1), creds('InvalidType', 'credentials.securityToken'));
add('credentials.securityToken: blank', setCred('securityToken', ' '), creds('EmptyParameter', 'credentials.securityToken'));
add('credentials.securityToken: empty', setCred('securityToken', ''), creds('EmptyParameter', 'credentials.securityToken'));
add('credentials.securityToken: NUL inside', setCred('securityToken', `${SECRETS.securityToken}\0`), creds('InvalidCharacter', 'credentials.securityToken'));
add('credentials.securityToken: over 16 KiB', setCred('securityToken', SECRETS.securityToken.padEnd(16 * 1024 + 1, 't')), creds('ParameterTooLong', 'credentials.securityToken'));
add('credentials: unknown key AccessKeySecret → accessKeySecret',
  (o) => ({ ...o, credentials: { accessKeyId: ACCESS_KEY_ID, AccessKeySecret: SECRETS.accessKeySecret } }),
  creds('UnknownOption', 'credentials.AccessKeySecret', { message: /did you mean accessKeySecret\?/ }));
add('credentials: unknown key SecurityToken → securityToken', setCred('SecurityToken', SECRETS.securityToken),
  creds('UnknownOption', 'credentials.SecurityToken', { message: /did you mean securityToken\?/ }));
add('credentials: unknown key region', setCred('region', 'cn-hangzhou'), creds('UnknownOption', 'credentials.region'));

// Credential providers (cancelUploadDocumentJob only: signing is synchronous).
add('provider: throws', provider(() => { throw THROWN; }), creds('CredentialsProviderFailed', 'credentials', { cause: THROWN }), 'cancel');
add('provider: throws a non-Error', provider(() => { throw THROWN_VALUE; }), creds('CredentialsProviderFailed', 'credentials', { cause: THROWN_VALUE }), 'cancel');
add('provider: rejects', provider(async () => { throw THROWN; }), creds('CredentialsProviderFailed', 'credentials', { cause: THROWN }), 'cancel');
add('provider: returns a rejected promise of a string', provider(() => Promise.reject('nope')), creds('CredentialsProviderFailed', 'credentials', { cause: 'nope' }), 'cancel');
add('provider: returns null', provider(async () => null), creds('InvalidType', 'credentials'), 'cancel');
add('provider: returns undefined', provider(() => undefined), creds('InvalidType', 'credentials'), 'cancel');
add('provider: returns a number', provider(async () => 42), creds('InvalidType', 'credentials'), 'cancel');
add('provider: returns an object without the secret', provider(async () => ({ accessKeyId: ACCESS_KEY_ID })),
  creds('MissingParameter', 'credentials.accessKeySecret'), 'cancel');
add('provider: returns a blank token', provider(async () => ({ ...goodCreds(), securityToken: '' })),
  creds('EmptyParameter', 'credentials.securityToken'), 'cancel');
add('provider: returns an unknown key', provider(() => ({ ...goodCreds(), AccessKeySecret: SECRETS.accessKeySecret })),
  creds('UnknownOption', 'credentials.AccessKeySecret', { message: /did you mean accessKeySecret\?/ }), 'cancel');
add('provider: returns an unreadable expiration', provider(async () => ({ ...goodCreds(), expiration: 'soon' })),
  creds('MalformedParameter', 'credentials.expiration'), 'cancel');

// timestamp and nonce belong to signCancelUploadDocumentJob: every attempt is signed afresh.
add('cancel: timestamp given', set('timestamp', '2016-02-23T12:46:24Z'), input('MalformedParameter', 'timestamp', { message: /signed afresh/ }), 'cancel');
add('cancel: nonce given', set('nonce', 'fixed-nonce'), input('MalformedParameter', 'nonce', { message: /signed afresh/ }), 'cancel');

// signCancelUploadDocumentJob only.
add('sign: a provider function as credentials', provider(() => goodCreds()), creds('InvalidType', 'credentials'), 'sign');
add("sign: timestamp 'yesterday'", set('timestamp', 'yesterday'), input('MalformedParameter', 'timestamp'), 'sign');
add('sign: timestamp new Date(NaN)', set('timestamp', new Date(NaN)), input('MalformedParameter', 'timestamp'), 'sign');
add('sign: timestamp an object', set('timestamp', {}), input('InvalidType', 'timestamp'), 'sign');
add('sign: timestamp year 10000', set('timestamp', new Date('+010000-01-01T00:00:00Z')), input('MalformedParameter', 'timestamp'), 'sign');
add('sign: blank nonce', set('nonce', '  '), input('EmptyParameter', 'nonce'), 'sign');
add('sign: empty nonce', set('nonce', ''), input('EmptyParameter', 'nonce'), 'sign');
add('sign: nonce with \\n', set('nonce', 'a\nb'), input('InvalidCharacter', 'nonce'), 'sign');
add('sign: nonce a number', set('nonce', 12345), input('InvalidType', 'nonce'), 'sign');

// Hostile objects and getters the readers must survive too: the same contract, run as a second table.
const OWN_KEYS_ERROR = new Error('ownKeys exploded');
const hostile = (target) => new Proxy(target, { ownKeys() { throw OWN_KEYS_ERROR; } });
const revoked = () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; };
const throwingGetter = (object, key) => Object.defineProperty({ ...object }, key, { enumerable: true, get() { throw GETTER_ERROR; } });
const MORE = [];
const more = (name, transform, expected, via = 'both') => MORE.push({ name, transform, expected, via });
more('options: a Proxy whose ownKeys throws', (o) => hostile(o), input('MalformedParameter', 'options', { cause: OWN_KEYS_ERROR }));
more('options: a revoked Proxy', () => revoked(), input(['InvalidType', 'MalformedParameter'], 'options'));
more('credentials: a Proxy whose ownKeys throws', (o) => ({ ...o, credentials: hostile(goodCreds()) }),
  creds('MalformedParameter', 'credentials', { cause: OWN_KEYS_ERROR }));
more('provider: returns a Proxy whose ownKeys throws', provider(async () => hostile(goodCreds())),
  creds('MalformedParameter', 'credentials', { cause: OWN_KEYS_ERROR }), 'cancel');
more('credentials.accessKeySecret: a throwing getter', (o) => ({ ...o, credentials: throwingGetter(goodCreds(), 'accessKeySecret') }),
  creds('MalformedParameter', 'credentials.accessKeySecret', { cause: GETTER_ERROR }));
more('provider: returns a throwing accessKeySecret getter', provider(() => throwingGetter(goodCreds(), 'accessKeySecret')),
  creds('MalformedParameter', 'credentials.accessKeySecret', { cause: GETTER_ERROR }), 'cancel');
more('provider: returns a throwing expiration getter', provider(() => throwingGetter(goodCreds(), 'expiration')),
  creds('MalformedParameter', 'credentials.expiration', { cause: GETTER_ERROR }), 'cancel');
more('credentials.expiration: an object (static credentials)', setCred('expiration', {}), creds('InvalidType', 'credentials.expiration'));
more("credentials.expiration: 'yesterday' (static credentials)", setCred('expiration', 'yesterday'), creds('MalformedParameter', 'credentials.expiration'));
more('timeoutMs: Infinity is not described as "not a number"', set('timeoutMs', Infinity), input('InvalidType', 'timeoutMs', { notMessage: /not a number$/ }));

const renderings = (error) => ({
  message: String(error?.message),
  'JSON.stringify': JSON.stringify(error) ?? '',
  'util.inspect': inspect(error, { depth: 5 }),
  String: String(error),
});

/** Settles a call: a sync throw, a rejection, a resolution, or (a bug) nothing within the deadline. */
async function settle(run) {
  let returned;
  try {
    returned = run();
  } catch (error) {
    return { sync: true, error };
  }
  let timer;
  const deadline = new Promise((resolve) => { timer = setTimeout(() => resolve({ hung: true }), CASE_DEADLINE_MS); });
  try {
    return await Promise.race([Promise.resolve(returned).then((value) => ({ value }), (error) => ({ error })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function assertRefused(outcome, expected, api) {
  assert.ok(!outcome.hung, `${api} neither resolved nor rejected within ${CASE_DEADLINE_MS} ms`);
  assert.ok('error' in outcome, `${api} succeeded: ${inspect(outcome.value)}`);
  // cancelUploadDocumentJob rejects (never throws); signCancelUploadDocumentJob throws synchronously.
  assert.equal(outcome.sync, api === 'sign' ? true : undefined, api === 'sign' ? 'sign must throw synchronously' : 'cancel must reject, not throw');
  const error = outcome.error;
  assert.ok(error instanceof lib.GpdbError, `not a GpdbError: ${inspect(error)}`);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'GpdbError');
  const codes = [expected.code].flat();
  assert.deepEqual(
    { kind: error.kind, code: codes.includes(error.code) ? codes[0] : error.code, field: error.field, retryable: error.retryable, attempts: error.attempts },
    { kind: expected.kind, code: codes[0], field: expected.field, retryable: false, attempts: 0 },
    `message: ${error.message}`,
  );
  assert.ok(error.message.includes(expected.field), `the message names ${expected.field}: ${error.message}`);
  if (expected.message) assert.match(error.message, expected.message);
  if (expected.notMessage) assert.doesNotMatch(error.message, expected.notMessage);
  if ('cause' in expected) assert.equal(error.cause, expected.cause, 'cause is the thrown value itself');
  for (const [how, text] of Object.entries(renderings(error))) {
    for (const [name, secret] of Object.entries(SECRETS)) {
      assert.ok(!text.includes(secret), `${name} leaked into ${how}: ${text.slice(0, 300)}`);
    }
  }
}

test('the base options are valid: signing them succeeds without sending anything', () => {
  const signed = lib.signCancelUploadDocumentJob(base());
  assert.equal(signed.method, 'POST');
  // Boundaries that must pass: exactly 4096 UTF-8 bytes, null for the optional options.
  lib.signCancelUploadDocumentJob({ ...base(), jobId: 'é'.repeat(2048), namespace: null, signal: null, timeoutMs: null, maxRetries: null });
  assert.equal(mock.requests.length, 0);
});

/** Runs each row through its APIs; every call must be refused with no new request at the endpoint. */
async function runTable(t, table) {
  t.diagnostic(`${table.length} cases, ${table.reduce((n, c) => n + (c.via === 'both' ? 2 : 1), 0)} calls`);
  for (const { name, transform, expected, via } of table) {
    await t.test(name, async () => {
      for (const api of via === 'both' ? ['cancel', 'sign'] : [via]) {
        const sent = mock.requests.length;
        const options = transform(base());
        const fn = api === 'sign' ? lib.signCancelUploadDocumentJob : lib.cancelUploadDocumentJob;
        const outcome = await settle(() => fn(options));
        const got = outcome.error ? `${outcome.error.kind} ${outcome.error.code} ${outcome.error.message}` : inspect(outcome);
        assert.equal(mock.requests.length, sent, `${api}: a request reached the endpoint (then: ${got})`);
        assertRefused(outcome, expected, api);
      }
    });
  }
}

test(`${TABLE.length} bad inputs are refused before sending, naming the field and echoing no secret`, async (t) => {
  assert.ok(TABLE.length >= 40);
  await runTable(t, TABLE);
  // Anything sent late (after the rejection) would show up here.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(mock.requests.length, 0, 'no request reached the endpoint');
});

test('control: the same base options do reach the endpoint and succeed', async () => {
  const sent = mock.requests.length;
  const result = await lib.cancelUploadDocumentJob(base());
  assert.deepEqual({ ...result, requestId: 'R' }, { requestId: 'R', status: 'success', message: 'success' });
  assert.equal(mock.requests.length, sent + 1);
});

test(`${MORE.length} hostile objects, getters and stray fields are refused the same way`, async (t) => {
  await runTable(t, MORE);
});
