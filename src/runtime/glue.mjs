// The JS half of the runtime layer, handed to the wasm by each entry file (`install(glue)`):
// the error class, and the timers and listeners that are simpler to own in JS than through
// wasm-bindgen closures. Each helper removes every timer and listener it adds before it
// settles, so nothing outlives a call.

const BRAND = Symbol.for('gpdb-edge.GpdbError');

// Every rejection of the package. The brand (not the prototype) decides `instanceof`, so an error
// from the ESM build is a GpdbError for the CJS build too.
export class GpdbError extends Error {
  constructor(message, fields, cause) {
    super(message, cause === undefined ? undefined : { cause });
    Object.defineProperty(this, BRAND, { value: true });
    Object.assign(this, fields);
  }

  static [Symbol.hasInstance](value) {
    return value != null && value[BRAND] === true;
  }
}
Object.defineProperty(GpdbError.prototype, 'name', { value: 'GpdbError', configurable: true, writable: true });

export function newGpdbError(message, fields, cause) {
  return new GpdbError(message, fields, cause);
}

// The first own key of `object` that `allowed` (a Set) lacks, or undefined. One call instead of a
// boundary crossing per key.
export function unknownKey(object, allowed) {
  for (const key of Object.keys(object)) if (!allowed.has(key)) return key;
  return undefined;
}

// The result of signCancelUploadDocumentJob in one boundary crossing. `headers` is a template the
// wasm built once; each caller gets its own copy.
export function signedRequest(method, url, headers, body) {
  return { method, url, headers: { ...headers }, body };
}

// signCancelUploadDocumentJob for an entry file's wasm instance. The common case (plain data
// properties of the expected types, no unknown keys) is read here and signed in one crossing,
// `wasm.signPlain`; reading each option from the wasm cost more than the signature. Anything
// else, and any value the wasm refuses, goes the general way, `wasm.signCancelUploadDocumentJob`,
// which reads the options again and names the problem: one set of rules and messages, in Rust.
// (So a getter on the options may run twice, when the call goes the general way.)
export function signer(wasm) {
  let headers;
  const state = plainState(wasm);
  return function signCancelUploadDocumentJob(options) {
    let args;
    try {
      args = plainArgs(options);
    } catch {
      // A throwing getter or proxy trap: the general way reports it.
    }
    const signed = args && signPlain(wasm, state, args);
    if (signed === undefined) return wasm.signCancelUploadDocumentJob(options);
    headers ??= wasm.signedHeaders();
    const newline = signed.indexOf('\n');
    return signedRequest('POST', signed.slice(0, newline), headers, signed.slice(newline + 1));
  };
}

// The arguments of the last completed signPlain call through `wasm` (the exports object an entry
// file hands to `signer`). Strings equal to the last call's are not passed again (bit i of the
// `unchanged` argument says argument i is unchanged): the wasm keeps them, and copying strings in
// was a seventh of a signature. Forgotten during each call. The wasm honours the bits only when
// its last call came from the same state (an id it issued), so two states over one module can
// never mix their values: at worst the call goes the general way.
const plainStates = new WeakMap();

function plainState(wasm) {
  let state = plainStates.get(wasm);
  if (!state) plainStates.set(wasm, (state = { id: undefined, last: undefined }));
  return state;
}

// The timestamp (10) and the nonce (11) change from call to call and are always passed.
function signPlain(wasm, state, a) {
  state.id ??= wasm.plainCaller();
  const l = state.last;
  state.last = undefined;
  const u = l === undefined ? 0
    : (a[0] === l[0]) | ((a[1] === l[1]) << 1) | ((a[2] === l[2]) << 2) | ((a[3] === l[3]) << 3) | ((a[4] === l[4]) << 4)
      | ((a[5] === l[5]) << 5) | ((a[6] === l[6]) << 6) | ((a[7] === l[7]) << 7) | ((a[8] === l[8]) << 8) | ((a[9] === l[9]) << 9);
  const signed = wasm.signPlain(state.id, u, u & 1 ? undefined : a[0], u & 2 ? undefined : a[1], u & 4 ? undefined : a[2],
    u & 8 ? undefined : a[3], u & 16 ? undefined : a[4], u & 32 ? undefined : a[5], u & 64 ? undefined : a[6],
    u & 128 ? undefined : a[7], u & 256 ? undefined : a[8], u & 512 ? undefined : a[9], a[10], a[11]);
  if (signed !== undefined) state.last = a;
  return signed;
}

const PLAIN_KEYS = new Set(['regionId', 'dbInstanceId', 'namespace', 'collection', 'namespacePassword', 'jobId', 'endpoint',
  'credentials', 'timestamp', 'nonce']);
const PLAIN_CREDENTIAL_KEYS = new Set(['accessKeyId', 'accessKeySecret', 'securityToken']);

const isText = (value) => typeof value === 'string';
const isOptionalText = (value) => value == null || typeof value === 'string';
const isRecord = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
// for…in, not Object.keys: no array per call. It also visits inherited enumerable keys, which
// can only send a call the general way, never change a result.
function onlyKeys(object, allowed) {
  for (const key in object) if (!allowed.has(key)) return false;
  return true;
}

// signPlain's arguments when `o` is plain, else undefined.
function plainArgs(o) {
  if (!isRecord(o) || !onlyKeys(o, PLAIN_KEYS)) return undefined;
  const c = o.credentials;
  if (!isRecord(c) || !onlyKeys(c, PLAIN_CREDENTIAL_KEYS)) return undefined;
  // The send-only options and the expiration are checked only the general way: present, even
  // as non-enumerable properties, inherited getters or proxy answers, they send the call there.
  if (o.signal != null || o.timeoutMs != null || o.maxRetries != null || c.expiration != null) return undefined;
  const { regionId, dbInstanceId, namespace, collection, namespacePassword, jobId, endpoint, timestamp, nonce } = o;
  const { accessKeyId, accessKeySecret, securityToken } = c;
  const plain = isText(regionId) && isText(dbInstanceId) && isOptionalText(namespace) && isText(collection)
    && isText(namespacePassword) && isText(jobId) && isOptionalText(endpoint) && isText(accessKeyId)
    && isText(accessKeySecret) && isOptionalText(securityToken) && (timestamp == null || typeof timestamp === 'number')
    && isOptionalText(nonce);
  if (!plain) return undefined;
  return [regionId, dbInstanceId, namespace, collection, namespacePassword, jobId, endpoint, accessKeyId, accessKeySecret,
    securityToken, timestamp, nonce];
}

// The init of one attempt's fetch, in one crossing. `headers` is the template the wasm built
// once; fetch gets a `Headers`, as before, for wrappers and mocks that call `init.headers.get`.
export function fetchInit(method, headers, body, signal) {
  return { method, headers: new Headers(headers), body, signal };
}

// One attempt's AbortSignal: fires when the caller's signal does, or after `timeoutMs`.
class AttemptSignal {
  constructor(callerSignal, timeoutMs) {
    this.controller = new AbortController();
    this.timedOut = false;
    this.callerSignal = callerSignal ?? null;
    this.onAbort = () => this.controller.abort(this.callerSignal.reason);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new DOMException(`no response within ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    if (this.callerSignal) {
      if (this.callerSignal.aborted) this.onAbort();
      else this.callerSignal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  get signal() {
    return this.controller.signal;
  }

  dispose() {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onAbort);
  }
}

export function attemptSignal(callerSignal, timeoutMs) {
  return new AttemptSignal(callerSignal, timeoutMs);
}

// Waits `ms`, or rejects with the caller's abort reason as soon as the signal fires.
export function sleep(ms, callerSignal) {
  return new Promise((resolve, reject) => {
    if (callerSignal?.aborted) return reject(callerSignal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(callerSignal.reason);
    };
    const timer = setTimeout(() => {
      callerSignal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    callerSignal?.addEventListener('abort', onAbort, { once: true });
  });
}

// Reads at most `limit` bytes of the body; resolves `undefined` (and cancels the stream) past that.
export async function readBody(response, limit) {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit || !response.body) {
    if (declared > limit) {
      await response.body?.cancel().catch(() => {});
      return undefined;
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
