// signCancelUploadDocumentJob has two ways through the wasm: the glue reads plain options and
// signs them in one crossing (`signPlain`), and everything else goes the general way, where the
// wasm reads each option itself. Both must give the same bytes and the same errors: over thousands
// of generated option sets (plain or not, valid or not), the package's function and the general
// export agree exactly, and the one-crossing way is taken exactly when the options are plain.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { inspect, isDeepStrictEqual } from 'node:util';
import { before, test } from 'node:test';

import OpenApiUtil from '@alicloud/openapi-util';

import { installPackage } from './support.mjs';

const CASES = 3_000;

let lib;
let wasm;
let glue;

before(() => {
  let dir;
  let requireFromProject;
  ({ dir, lib, requireFromProject } = installPackage('reliability-sign-paths'));
  // By absolute path: the module instances node.cjs loaded.
  wasm = requireFromProject(join(dir, 'node_modules/gpdb-edge/gpdb_edge_node.cjs'));
  glue = requireFromProject(join(dir, 'node_modules/gpdb-edge/glue.cjs'));
});

// A small deterministic generator (mulberry32), so a failure names a reproducible case.
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(next() * list.length)];
  return { next, pick };
}

// Pieces of text values: ordinary, reserved, non-ASCII, a real U+FFFD, a lone surrogate, control
// characters (refused), NUL, and empty or blank.
const PIECES = ['abc', 'gp-x', '0-9', 'a b', '&=+', '%2F', "!'()*", '~._-', 'é', '中文', '😀', '\uFFFD', '\uD800', '\u0000',
  '\u0007', '\u0085', ' ', ''];

function text(rng) {
  if (rng.next() < 0.02) return 'x'.repeat(4096 + Math.floor(rng.next() * 2)); // at and over the limit
  let out = '';
  const parts = 1 + Math.floor(rng.next() * 3);
  for (let i = 0; i < parts; i++) out += rng.next() < 0.85 ? rng.pick(PIECES.slice(0, 8)) : rng.pick(PIECES);
  return out;
}

const WRONG = [42, true, null, undefined, {}, ['a'], () => 'a', 10n, Symbol('s')];

// A value for an option: mostly a good one, sometimes generated text or a wrong type.
function value(rng, good) {
  const r = rng.next();
  if (r < 0.8) return good;
  if (r < 0.95) return text(rng);
  return rng.pick(WRONG);
}

function options(rng) {
  const o = {
    credentials: {
      accessKeyId: value(rng, 'LTAI5tPathsKeyId'),
      accessKeySecret: value(rng, 'paths-secret+/='),
    },
    regionId: value(rng, rng.pick(['cn-hangzhou', 'cn-beijing', 'ap-southeast-1'])),
    dbInstanceId: value(rng, 'gp-paths0000001'),
    collection: value(rng, 'docs'),
    namespacePassword: value(rng, 'pw!(paths)*'),
    jobId: value(rng, '231460f8-75dc-405e-a669-0c5204887e91'),
    timestamp: rng.next() < 0.9 ? 1_700_000_000_000 + Math.floor(rng.next() * 1e12) : rng.pick(['2024-01-02T03:04:05Z', new Date(0), NaN, -1, 'soon']),
    nonce: value(rng, `nonce-${Math.floor(rng.next() * 1e9)}`),
  };
  if (rng.next() < 0.5) o.namespace = value(rng, 'ns');
  if (rng.next() < 0.7) o.endpoint = value(rng, rng.pick(['https://gpdb.aliyuncs.com', 'http://127.0.0.1:9/api/', 'HTTPS://Gpdb.Example.com:8443/p%20q']));
  if (rng.next() < 0.3) o.credentials.securityToken = value(rng, 'CAIS+token/sts==');
  const r = rng.next();
  if (r < 0.03) o.JobId = 'x'; // an unknown key
  else if (r < 0.05) o.credentials.expiration = new Date(Date.now() + 3_600_000);
  else if (r < 0.07) o.timeoutMs = 1000;
  else if (r < 0.08) Object.defineProperty(o, 'collection', { enumerable: true, get: () => 'from-a-getter' });
  else if (r < 0.09) Object.defineProperty(o, 'jobId', { enumerable: true, get: () => { throw new Error('getter threw'); } });
  return o;
}

// What a call produced, in comparable form. Without a nonce option each call draws its own, so
// the nonce and the signature are checked (the official signer must agree) and then set aside.
function outcome(sign, o) {
  try {
    const signed = sign(o);
    if (o.nonce != null) return { signed };
    const url = new URL(signed.url);
    const { Signature, ...params } = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(signed.body)) };
    assert.equal(Signature, OpenApiUtil.default.getRPCSignature(params, 'POST', o.credentials.accessKeySecret), 'the official signer agrees');
    return { signed: { ...signed, url: signed.url.replace(/&SignatureNonce=[^&]+/, '').replace(/&Signature=[^&]+$/, '') } };
  } catch (error) {
    if (error.code === 'ERR_ASSERTION') throw error;
    const { message, kind, code, field, retryable, attempts } = error;
    return { error: { name: error.name, message, kind, code, field, retryable, attempts, cause: error.cause?.message } };
  }
}

test(`the one-crossing way and the general way agree on ${CASES.toLocaleString('en-US')} generated option sets`, () => {
  const rng = generator(0x5eed);
  const counts = { signed: 0, refused: 0 };
  for (let i = 0; i < CASES; i++) {
    const o = options(rng);
    const fast = outcome(lib.signCancelUploadDocumentJob, o);
    const general = outcome(wasm.signCancelUploadDocumentJob, o);
    if (!isDeepStrictEqual(fast, general)) assert.deepEqual(fast, general, `case ${i}: ${inspect(o)}`);
    counts[fast.signed ? 'signed' : 'refused']++;
  }
  // Both kinds are well represented, or the comparison says little.
  assert.ok(counts.signed > CASES / 5 && counts.refused > CASES / 5, JSON.stringify(counts));
});

test('plain options take the one-crossing way; anything else, the general way', () => {
  const calls = { plain: 0, general: 0 };
  const sign = glue.signer({
    signPlain: (...args) => {
      calls.plain++;
      return wasm.signPlain(...args);
    },
    signCancelUploadDocumentJob: (o) => {
      calls.general++;
      return wasm.signCancelUploadDocumentJob(o);
    },
    signedHeaders: wasm.signedHeaders,
    plainCaller: wasm.plainCaller,
  });
  const plain = {
    credentials: { accessKeyId: 'LTAI5tPathsKeyId', accessKeySecret: 'paths-secret', securityToken: 'tok' },
    regionId: 'cn-hangzhou', dbInstanceId: 'gp-1', collection: 'c', namespacePassword: 'p', jobId: 'j',
  };
  const expect = (o, plainCalls, generalCalls, what) => {
    calls.plain = 0;
    calls.general = 0;
    try {
      sign(o);
    } catch {
      // Refusals are compared in the test above; here only the way taken matters.
    }
    assert.deepEqual(calls, { plain: plainCalls, general: generalCalls }, what);
  };
  expect(plain, 1, 0, 'plain');
  expect({ ...plain, namespace: null, endpoint: undefined, nonce: 'n', timestamp: 0 }, 1, 0, 'null and undefined optionals are plain');
  expect({ ...plain, timestamp: new Date(0) }, 0, 1, 'a Date timestamp');
  expect({ ...plain, timeoutMs: 5 }, 0, 1, 'a send-only option (checked the general way)');
  expect({ ...plain, credentials: undefined }, 0, 1, 'credentials from the environment');
  expect({ ...plain, jobId: 7 }, 0, 1, 'a wrong type');
  expect({ ...plain, Extra: 1 }, 0, 1, 'an unknown key');
  expect({ ...plain, jobId: '' }, 1, 1, 'a value the wasm refuses: then the general way names it');
  expect({ ...plain, jobId: 'real \uFFFD' }, 1, 1, 'U+FFFD: only the general way tells it from a lone surrogate');
  expect(Object.defineProperty({ ...plain }, 'jobId', { enumerable: true, get: () => { throw new Error('x'); } }), 0, 1, 'a throwing getter');
  expect(Object.defineProperty({ ...plain }, 'timeoutMs', { value: 5 }), 0, 1, 'a non-enumerable send-only option');
});

test('send-only options and the expiration are checked however they are present', () => {
  const plain = {
    credentials: { accessKeyId: 'LTAI5tPathsKeyId', accessKeySecret: 'paths-secret' },
    regionId: 'cn-hangzhou', dbInstanceId: 'gp-1', collection: 'c', namespacePassword: 'p', jobId: 'j', nonce: 'n', timestamp: 0,
  };
  class WithGetter {
    get maxRetries() {
      return 99;
    }
  }
  const cases = {
    'a non-enumerable timeoutMs': Object.defineProperty({ ...plain }, 'timeoutMs', { value: -1 }),
    'a non-enumerable signal': Object.defineProperty({ ...plain }, 'signal', { value: 'nope' }),
    'an inherited getter': Object.assign(new WithGetter(), plain),
    'a proxy answering for a key it does not list': new Proxy({ ...plain }, { get: (t, k) => (k === 'timeoutMs' ? 0 : t[k]) }),
    'a non-enumerable expiration': { ...plain, credentials: Object.defineProperty({ ...plain.credentials }, 'expiration', { value: 'garbage' }) },
  };
  for (const [what, o] of Object.entries(cases)) {
    const fast = outcome(lib.signCancelUploadDocumentJob, o);
    assert.deepEqual(fast, outcome(wasm.signCancelUploadDocumentJob, o), what);
    assert.ok(fast.error, `${what}: refused`);
  }
});

test('each signed request gets its own headers object', () => {
  const o = {
    credentials: { accessKeyId: 'LTAI5tPathsKeyId', accessKeySecret: 'paths-secret' },
    regionId: 'cn-hangzhou', dbInstanceId: 'gp-1', collection: 'c', namespacePassword: 'p', jobId: 'j',
  };
  const a = lib.signCancelUploadDocumentJob(o);
  a.headers.accept = 'text/html';
  const b = lib.signCancelUploadDocumentJob(o);
  assert.equal(b.headers.accept, 'application/json');
  assert.notEqual(a.url, b.url, 'a fresh nonce each call');
});

// The glue passes a string into the wasm only when it differs from its last call's (the wasm
// keeps the others). A sequence where each call changes a few options of the one before, some of
// them to values the wasm refuses, must sign exactly as the general way does, call after call.
function nextOptions(rng, previous) {
  const o = { ...previous, credentials: { ...previous.credentials }, jobId: `job-${Math.floor(rng.next() * 1e9)}` };
  const change = () => rng.next() < 0.25;
  if (change()) o.credentials.accessKeyId = rng.pick(['LTAI5tPathsKeyId', 'LTAI5tOtherKeyId', 'k\u00e9y']);
  if (change()) o.credentials.accessKeySecret = rng.pick(['paths-secret+/=', 'other-secret', 's\u00e9cret']);
  if (change()) {
    const token = rng.pick([undefined, null, 'CAIS+token/sts==', 'other-token']);
    if (token === undefined) delete o.credentials.securityToken;
    else o.credentials.securityToken = token;
  }
  if (change()) o.regionId = rng.pick(['cn-hangzhou', 'cn-beijing', 'ap-southeast-1']);
  if (change()) o.dbInstanceId = rng.pick(['gp-paths0000001', 'gp-other0000002']);
  if (change()) o.namespace = rng.pick([undefined, null, 'ns', 'other ns']);
  if (change()) o.collection = rng.pick(['docs', 'other&docs']);
  if (change()) o.namespacePassword = rng.pick(['pw!(paths)*', 'other-pw']);
  if (change()) o.endpoint = rng.pick([undefined, null, 'https://gpdb.aliyuncs.com', 'http://127.0.0.1:9/api/']);
  o.timestamp = 1_700_000_000_000 + Math.floor(rng.next() * 1e12);
  o.nonce = `nonce-${Math.floor(rng.next() * 1e9)}`;
  // Now and then a value the wasm refuses: that call goes the general way, and the next starts afresh.
  const r = rng.next();
  if (r < 0.03) o.jobId = '';
  else if (r < 0.05) o.regionId = 'not a region';
  else if (r < 0.06) o.endpoint = 'ftp://example.com';
  else if (r < 0.07) o.collection = 'real \uFFFD';
  return o;
}

test('strings unchanged since the last call are kept by the wasm, and every signature is still the general way\'s', () => {
  const rng = generator(0xcac4e);
  const passed = { strings: 0, calls: 0 };
  const sign = glue.signer({
    signPlain: (...args) => {
      passed.calls++;
      passed.strings += args.slice(2, 12).filter((a) => typeof a === 'string').length;
      return wasm.signPlain(...args);
    },
    signCancelUploadDocumentJob: wasm.signCancelUploadDocumentJob,
    signedHeaders: wasm.signedHeaders,
    plainCaller: wasm.plainCaller,
  });
  const first = {
    credentials: { accessKeyId: 'LTAI5tPathsKeyId', accessKeySecret: 'paths-secret+/=' },
    regionId: 'cn-hangzhou', dbInstanceId: 'gp-paths0000001', collection: 'docs', namespacePassword: 'pw!(paths)*',
  };
  // Alone, and then interleaved with the package's own function: a second glue state over the
  // same wasm, which makes the wasm refuse the other state's bits (and the call go the general way).
  for (const interleaved of [false, true]) {
    let o = first;
    const counts = { signed: 0, refused: 0 };
    passed.strings = 0;
    passed.calls = 0;
    for (let i = 0; i < 2_000; i++) {
      o = nextOptions(rng, o);
      const fast = outcome(sign, o);
      const packaged = interleaved ? outcome(lib.signCancelUploadDocumentJob, o) : undefined;
      const general = outcome(wasm.signCancelUploadDocumentJob, o);
      if (!isDeepStrictEqual(fast, general)) assert.deepEqual(fast, general, `call ${i} (${interleaved}): ${inspect(o)}`);
      if (interleaved && !isDeepStrictEqual(packaged, general)) assert.deepEqual(packaged, general, `call ${i}, package: ${inspect(o)}`);
      counts[fast.signed ? 'signed' : 'refused']++;
    }
    assert.ok(counts.signed > 1_500 && counts.refused > 50, JSON.stringify(counts));
    // Alone, most strings stayed as they were, so most were not passed again.
    if (!interleaved) assert.ok(passed.strings < passed.calls * 4, `${passed.strings} strings over ${passed.calls} calls`);
  }
});

test('two signers over one wasm instance, with different options, interleaved', () => {
  const ownState = glue.signer({ signPlain: wasm.signPlain, signCancelUploadDocumentJob: wasm.signCancelUploadDocumentJob, signedHeaders: wasm.signedHeaders, plainCaller: wasm.plainCaller });
  const a = {
    credentials: { accessKeyId: 'LTAI5tKeyA', accessKeySecret: 'secret-a' },
    regionId: 'cn-hangzhou', dbInstanceId: 'gp-a', collection: 'ca', namespacePassword: 'pa', jobId: 'ja', timestamp: 0, nonce: 'n',
  };
  const b = { ...a, credentials: { accessKeyId: 'LTAI5tKeyB', accessKeySecret: 'secret-b', securityToken: 'tb' }, regionId: 'cn-beijing', dbInstanceId: 'gp-b', namespace: 'nb', endpoint: 'http://127.0.0.1:9/' };
  for (let i = 0; i < 6; i++) {
    const [first, second] = i % 2 ? [a, b] : [b, a];
    assert.deepEqual(lib.signCancelUploadDocumentJob(first), wasm.signCancelUploadDocumentJob(first), `round ${i}, the package's signer`);
    assert.deepEqual(ownState(second), wasm.signCancelUploadDocumentJob(second), `round ${i}, a second signer`);
    assert.deepEqual(ownState(second), wasm.signCancelUploadDocumentJob(second), `round ${i}, the second signer again`);
  }
});

test('crypto.getRandomValues failing gives a typed error, call after call, and nothing leaks or sticks', async () => {
  const o = {
    credentials: { accessKeyId: 'LTAI5tPathsKeyId', accessKeySecret: 'paths-secret' },
    regionId: 'cn-hangzhou', dbInstanceId: 'gp-1', collection: 'c', namespacePassword: 'p', jobId: 'j',
  };
  const original = globalThis.crypto.getRandomValues;
  const memoryBefore = wasm.__wasmMemory().buffer.byteLength;
  globalThis.crypto.getRandomValues = () => {
    throw new Error('no randomness today');
  };
  const kinds = new Set();
  let signed = 0;
  try {
    // The nonce pool holds 256 nonces; past them every call needs randomness it cannot get. A trap
    // per call (as a panic would be) leaked the call's stack until the module broke, near 1,100.
    for (let i = 0; i < 2_000; i++) {
      try {
        lib.signCancelUploadDocumentJob({ ...o, jobId: `j${i}` });
        signed++;
      } catch (error) {
        assert.ok(error instanceof lib.GpdbError, `call ${i}: ${error}`);
        kinds.add(`${error.kind} ${error.code} ${error.message}`);
      }
    }
    // A caller's own nonce needs no randomness.
    assert.deepEqual(lib.signCancelUploadDocumentJob({ ...o, timestamp: 0, nonce: 'n0' }), wasm.signCancelUploadDocumentJob({ ...o, timestamp: 0, nonce: 'n0' }));
    // Sending is refused the same way, before anything is sent.
    await assert.rejects(lib.cancelUploadDocumentJob({ ...o, endpoint: 'http://127.0.0.1:9' }),
      (error) => error.kind === 'network' && error.attempts === 0 && /getRandomValues/.test(error.message));
  } finally {
    globalThis.crypto.getRandomValues = original;
  }
  assert.ok(signed <= 256, `${signed} signed from the pool`);
  assert.deepEqual([...kinds], ['network NetworkError network error: crypto.getRandomValues failed: no random SignatureNonce could be drawn']);
  assert.equal(wasm.__wasmMemory().buffer.byteLength, memoryBefore, 'wasm memory flat');
  // Afterwards both ways work again, and agree.
  for (const extra of [{ timestamp: 0, nonce: 'n1' }, { timestamp: 0, nonce: 'n2', jobId: 'j2' }]) {
    assert.deepEqual(lib.signCancelUploadDocumentJob({ ...o, ...extra }), wasm.signCancelUploadDocumentJob({ ...o, ...extra }));
  }
  assert.match(lib.signCancelUploadDocumentJob(o).url, /&SignatureNonce=[0-9a-f]{32}&/);
});
