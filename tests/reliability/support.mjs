// Shared by the reliability tests: the installed package (through its exports map, as a user
// loads it), a local gpdb endpoint that demands STS credentials, and the checks that no secret
// leaks and no nonce is reused, whatever the fault.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import util from 'node:util';

import { assertOnTheWire, DEFAULTS, scratchProject, startMockGpdb } from '../package/harness.mjs';
import { watchingWasmMemory } from '../package/wasm-memory.mjs';

export { DEFAULTS };

/**
 * STS credentials with a token, and a namespace password. Special characters, as real STS tokens
 * (base64) and namespace passwords (complexity rules) have, so that every encoded form is checked.
 */
export const SECRETS = Object.freeze({
  accessKeySecret: 'ReliabilitySecret+Key/9xQ=',
  securityToken: 'CAIS+reliability/sts/Token7Zk==',
  namespacePassword: 'Rel!ns#Pass_(2024)*',
});
export const ACCESS_KEY_ID = 'STS.ReliabilityKeyId';
export const STS_CREDENTIALS = Object.freeze({
  accessKeyId: ACCESS_KEY_ID,
  accessKeySecret: SECRETS.accessKeySecret,
  securityToken: SECRETS.securityToken,
});

/**
 * Installs the packed tarball into .scratch/<name> with npm and loads it by its bare name from
 * there, so the `exports` map (`node` → `require`) picks the entry file, as for a user.
 * `wasmMemory` is the linear memory of the instance the package made, caught here on the test
 * side by watching `WebAssembly.Instance` while the package loads: nothing test-only ships.
 */
export function installPackage(name, files = {}) {
  const dir = scratchProject(name, files);
  const requireFromProject = createRequire(join(dir, 'package.json'));
  const { value: lib, memory: wasmMemory } = watchingWasmMemory(() => requireFromProject('gpdb-edge'));
  assert.ok(wasmMemory instanceof WebAssembly.Memory, 'the package instantiated its wasm while loading');
  return { dir, lib, requireFromProject, wasmMemory };
}

/** The local endpoint: only the STS key above (its token required) and the password above pass. */
export function startReliabilityMock(options = {}) {
  return startMockGpdb({
    quiet: true,
    accessKeys: { [ACCESS_KEY_ID]: { secret: SECRETS.accessKeySecret, securityToken: SECRETS.securityToken } },
    namespacePasswords: { [`${DEFAULTS.dbInstanceId}/${DEFAULTS.namespace}`]: SECRETS.namespacePassword },
    ...options,
  });
}

/** Options of one call against `mock`. */
export function callOptions(mock, overrides = {}) {
  return {
    credentials: { ...STS_CREDENTIALS },
    regionId: DEFAULTS.regionId,
    dbInstanceId: DEFAULTS.dbInstanceId,
    collection: DEFAULTS.collection,
    namespacePassword: SECRETS.namespacePassword,
    jobId: DEFAULTS.jobId,
    endpoint: mock.url,
    ...overrides,
  };
}

// RFC 3986 escaping, as the RPC signer uses (twice, inside the string to sign a server may echo).
const percentEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Every form a secret takes on its way: raw, URL-encoded, form-encoded, and doubly encoded. */
export function secretForms(secret) {
  return [...new Set([
    secret, encodeURIComponent(secret), percentEncode(secret), percentEncode(percentEncode(secret)),
    new URLSearchParams({ s: secret }).toString().slice(2),
  ])];
}

/** `text` holds none of `secrets` (plus the fixed ones) in any encoding. */
export function assertNoSecretIn(text, where, secrets = []) {
  for (const secret of [...Object.values(SECRETS), ...secrets]) {
    for (const form of secretForms(secret)) {
      assert.ok(!String(text).includes(form), `a secret (${JSON.stringify(form.slice(0, 4))}…) appears in ${where}`);
    }
  }
}

/** An error or a result, in every way a user might print or serialize it. */
export function assertNoSecretInValue(value, secrets = []) {
  if (value instanceof Error) assertNoSecretIn(value.message, 'error.message', secrets);
  assertNoSecretIn(JSON.stringify(value) ?? '', 'JSON.stringify', secrets);
  assertNoSecretIn(util.inspect(value, { depth: 5 }), 'util.inspect', secrets);
  assertNoSecretIn(String(value?.stack ?? ''), 'error.stack', secrets);
}

/**
 * Keeps every request the endpoint saw across `mock.reset()`s, so a nonce reused between two
 * tests is caught too.
 */
export function requestLog(mock) {
  const archived = [];
  return {
    /** Archives what the endpoint saw and resets it (jobs, faults, requests). */
    reset() {
      archived.push(...mock.requests);
      mock.reset();
    },
    /** The signed requests of the current test. */
    posts: () => mock.requests.filter((r) => r.method === 'POST'),
    /** Every request the endpoint saw during the file. */
    allRequests: () => [...archived, ...mock.requests],
    /** Every nonce sent during the file. */
    allNonces: () => [...archived, ...mock.requests].filter((r) => r.method !== 'OPTIONS').map((r) => r.nonce).filter((n) => n != null),
  };
}

/** Each recorded request is signed as the official signer would and holds no secret in its URL. */
export function assertRequestsOnTheWire(records, { accessKeySecret = SECRETS.accessKeySecret, secrets = [] } = {}) {
  for (const record of records) {
    assertOnTheWire(record, { accessKeySecret, secrets: [...Object.values(SECRETS), ...secrets], token: SECRETS.securityToken });
    assertNoSecretIn(`${record.path}?${record.rawQuery}`, 'the request URL', secrets);
  }
}

/** Runs `fn` and measures it with performance.now(): `{ result } | { error }`, and `ms`. */
export async function timed(fn) {
  const start = performance.now();
  try {
    const result = await fn();
    return { result, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

/** The number as a readable MiB figure, for diagnostics. */
export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
