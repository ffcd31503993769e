// The JS half of the runtime layer (`glue`, at the end, is what the wasm calls back): the error
// class, and the timers and listeners that are simpler to own in JS than through wasm-bindgen
// closures. Each helper removes every timer and listener it adds before it settles, so nothing
// outlives a call. build.sh puts it in gpdb_edge.mjs, with wasm-bindgen's glue.

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
    return isGpdbError(value);
  }
}
Object.defineProperty(GpdbError.prototype, 'name', { value: 'GpdbError', configurable: true, writable: true });

// `instanceof GpdbError` as a function, for code that holds no class of this package's (a
// type-only import, another copy of the package, an array filter).
export function isGpdbError(value) {
  return value != null && value[BRAND] === true;
}

export function newGpdbError(message, fields, cause) {
  return new GpdbError(message, fields, cause);
}

// Each call's option names (joined by ","; `credentials.accessKeyId` is the key `accessKeyId`),
// split once per list.
const OPTION_KEYS = new Map();
function optionKeys(names) {
  let keys = OPTION_KEYS.get(names);
  if (!keys) OPTION_KEYS.set(names, (keys = names.split(',').filter(Boolean).map((name) => name.slice(name.lastIndexOf('.') + 1))));
  return keys;
}

// Reads an options object in one boundary crossing, instead of one per option and two per key:
// [the first own enumerable key that is not an option (or undefined), the index of a getter that
// threw (or -1), what it threw, ...the value of each option in the order of `names`].
export function readOptions(object, names) {
  const keys = optionKeys(names);
  const read = [Object.keys(object).find((key) => !keys.includes(key)), -1, undefined];
  for (let i = 0; i < keys.length; i++) {
    try {
      read.push(object[keys[i]]);
    } catch (error) {
      read[1] = i;
      read[2] = error;
      break;
    }
  }
  return read;
}

// Node's `process.env`, where a call without `credentials` finds them; undefined elsewhere.
export function processEnv() {
  try {
    const process = globalThis.process;
    if (typeof process !== 'object' || process === null) return undefined;
    const env = process.env;
    return typeof env === 'object' && env !== null ? env : undefined;
  } catch {
    return undefined;
  }
}

// A parameters object of callApi (`query`, `body`) in one crossing: [name, value, name, value, ...],
// a finite number or a boolean as its string (String(n)), any other value as it is.
export function readParameters(object) {
  const pairs = [];
  for (const name of Object.keys(object)) {
    const value = object[name];
    pairs.push(name, (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean' ? String(value) : value);
  }
  return pairs;
}

// Headers crossing the boundary as one string: names and values on alternate lines.
function headerObject(lines) {
  const parts = lines.split('\n');
  const headers = {};
  for (let i = 0; i + 1 < parts.length; i += 2) headers[parts[i]] = parts[i + 1];
  return headers;
}

// The result of signCancelUploadDocumentJob, in one crossing.
export function signedRequest(method, url, headerLines, body) {
  return { method, url, headers: headerObject(headerLines), body };
}

// The sending calls: the wasm's PendingCall reads the options, signs each attempt, reads each
// answer and decides; this loop only acts on it (the provider, fetch, the timers). In the wasm, an
// async loop cost 4.6 KB gzip of futures machinery (README, Performance). `call.settle` returns a
// wait in ms before the next attempt (-1: none) or the result, and throws the call's GpdbError.
const RETRY_NOW = -1;
// An attempt's outcome, for settle (calls.rs has the same numbers).
const ANSWERED = 0;
const BAD_SIGNAL = 1;
const ABORTED = 2;
const TIMED_OUT = 3;
const NETWORK = 4;
// call.fail's reasons, besides ABORTED.
const PROVIDER_FAILED = 5;

export async function runCall(call) {
  try {
    // The options are read a microtask later, as before.
    await undefined;
    const [signal, timeoutMs, provider, bodyLimit] = call.begin();
    for (;;) {
      const aborted = callerAbort(signal);
      if (aborted) throw call.fail(ABORTED, aborted.reason);
      if (provider) await resolveCredentials(call, provider);
      const request = call.sign();
      const next = call.settle(...(await attempt(request, signal, timeoutMs, bodyLimit)));
      if (typeof next !== 'number') return next;
      if (next === RETRY_NOW) continue;
      try {
        await sleep(next, signal);
      } catch (reason) {
        throw call.fail(ABORTED, reason);
      }
    }
  } finally {
    call.free();
  }
}

// The caller's signal has fired: { reason }. A signal whose getters throw has not.
function callerAbort(signal) {
  try {
    if (typeof signal === 'object' && signal !== null && signal.aborted) {
      let reason;
      try {
        reason = signal.reason;
      } catch {
        // No reason to keep.
      }
      return { reason };
    }
  } catch {
    // Not aborted, as far as can be told.
  }
  return undefined;
}

// A provider's result (checked by `call.credentials`, which returns when it expires) is kept until
// 5 minutes before then and shared by concurrent calls: provider → { pending }, then { value,
// refreshAt }. Weak: a provider the caller drops is dropped here too.
const PROVIDERS = new WeakMap();

async function resolveCredentials(call, provider) {
  const entry = PROVIDERS.get(provider);
  if (entry) {
    if (entry.value !== undefined && Date.now() < entry.refreshAt) return call.credentials(entry.value);
    // Another call is already asking the provider: wait for the same answer.
    if (entry.pending) return call.credentials(await entry.pending.catch((thrown) => Promise.reject(call.fail(PROVIDER_FAILED, thrown))));
  }
  let pending;
  try {
    pending = Promise.resolve(provider());
  } catch (thrown) {
    throw call.fail(PROVIDER_FAILED, thrown);
  }
  PROVIDERS.set(provider, { pending });
  try {
    const value = await pending.catch((thrown) => Promise.reject(call.fail(PROVIDER_FAILED, thrown)));
    const expiresAt = call.credentials(value);
    PROVIDERS.set(provider, { value, refreshAt: expiresAt - REFRESH_BEFORE_EXPIRY_MS });
  } catch (error) {
    PROVIDERS.delete(provider);
    throw error;
  }
}

// One attempt through the global `fetch` (Workers, Node, Deno and Bun have no `window`; a test or a
// polyfill may replace it), bounded in time and size: settle's arguments. A `Headers`: fetch
// wrappers and mocks call `init.headers.get`. `redirect: "manual"`: a followed 307 would resend
// the token headers and the form body (the namespace password) to another origin; the wasm turns
// the 3xx into an error instead.
async function attempt(request, signal, timeoutMs, bodyLimit) {
  let attemptSignal;
  try {
    attemptSignal = new AttemptSignal(signal, timeoutMs);
  } catch (cause) {
    // Only a signal-like object whose addEventListener throws gets here.
    return [BAD_SIGNAL, 0, undefined, undefined, cause];
  }
  try {
    const { method, url, headers, body } = request;
    const init = { method, headers: new Headers(headers), body, signal: attemptSignal.signal, redirect: 'manual' };
    const response = await fetch(url, init);
    const status = response.status;
    // A 3xx comes back as it is (Node, workerd, Deno, Bun), or in browsers as an opaque redirect,
    // which hides status and Location (status 0: no other answer to a CORS fetch has it). Refused
    // at its status line: its body, which may never end, is not read.
    if (status === 0 || (status >= 300 && status < 400)) {
      let location = null;
      try {
        location = response.headers.get('location');
      } catch {
        // No Location to tell.
      }
      response.body?.cancel().catch(() => {});
      return [ANSWERED, status, new Uint8Array(0), response, undefined, location === null ? undefined : redirectHost(location, url)];
    }
    return [ANSWERED, status, await readBody(response, bodyLimit), response];
  } catch (error) {
    // Why fetch or the body read failed: the caller aborted, the attempt timed out, or the network.
    const aborted = callerAbort(signal);
    if (aborted) return [ABORTED, 0, undefined, undefined, aborted.reason];
    if (attemptSignal.timedOut) return [TIMED_OUT, 0, undefined, undefined, error];
    return [NETWORK, 0, undefined, undefined, error, networkErrorMessage(error, request.url)];
  } finally {
    attemptSignal.dispose();
  }
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

// Waits `ms`, or rejects with the caller's abort reason as soon as the signal fires.
function sleep(ms, callerSignal) {
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

// A failed fetch, as a network error's message: where it was going (host:port, never the path or
// query: Deno's own message quotes the whole URL, V2's Signature included), what the platform said
// and, as Node's fetch puts it, its cause's code; in a browser, why it may be CORS. The wasm masks
// any secret in it after. Here, not in the wasm: 0.6 KB gzip less of it.
function networkErrorMessage(error, requestUrl) {
  const { hostname, port, protocol } = new URL(requestUrl);
  const destination = `${hostname}:${port || (protocol === 'https:' ? 443 : 80)}`;
  let text = 'fetch failed';
  try {
    if (typeof error?.message === 'string') text = error.message;
    const code = error?.cause?.code ?? error?.cause?.message;
    if (typeof code === 'string' && !text.includes(code)) text += ` (${code})`;
  } catch {
    // An error object whose getters throw: the generic words will do.
  }
  text = text.split(requestUrl).join(destination);
  const browser = (typeof document !== 'undefined' || typeof importScripts === 'function') && typeof Deno === 'undefined';
  const hint = browser
    ? " (in a browser a CORS refusal and an unreachable host look the same to the page: check that the host is up, and that it answers this origin's preflight and POST with Access-Control-Allow-Origin)"
    : '';
  return `cannot reach ${destination}: ${text}${hint}`;
}

// The host (and port) a redirect's Location points at, resolved as fetch would resolve it; never
// its path or query. Undefined when it is not a URL.
function redirectHost(location, requestUrl) {
  try {
    return new URL(location, requestUrl).host || undefined;
  } catch {
    return undefined;
  }
}

// Reads at most `limit` bytes of the body; resolves `undefined` (and cancels the stream) past that.
async function readBody(response, limit) {
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

// waitForUploadDocumentJob: GetUploadDocumentJob every `pollIntervalMs` until the job's status is
// one of `until`. A loop of timers, so it lives here; each poll is the wasm's getUploadDocumentJob
// (signed afresh, retried, aborted by `signal`). Resolves the last state.
const JOB_STATUSES = ['Pending', 'Start', 'Running', 'Success', 'Failed', 'Cancelling', 'Cancelled'];
const MAX_MS = 2_147_483_647;
const inputError = (field, message) =>
  new GpdbError(`${field} ${message}`, { kind: 'input', code: 'MalformedParameter', retryable: false, attempts: 0, field });

export async function waitForUploadDocumentJob(getUploadDocumentJob, options) {
  // Anything but a plain object is the wasm reader's to refuse, with its usual error.
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return getUploadDocumentJob(options);
  const { until = ['Success', 'Failed', 'Cancelled'], pollIntervalMs = 2_000, maxWaitMs = 300_000, ...getOptions } = options;
  if (!Array.isArray(until) || until.length === 0 || !until.every((status) => JOB_STATUSES.includes(status))) {
    throw inputError('until', `is malformed: expected an array of job statuses: ${JOB_STATUSES.join(', ')}`);
  }
  for (const [field, ms] of [['pollIntervalMs', pollIntervalMs], ['maxWaitMs', maxWaitMs]]) {
    if (typeof ms !== 'number' || !(ms >= 1 && ms <= MAX_MS)) throw inputError(field, 'is malformed: expected a number of milliseconds from 1 to 2147483647');
  }
  const started = Date.now();
  for (let polls = 1; ; polls++) {
    const state = await getUploadDocumentJob(getOptions);
    const status = state.job.status;
    if (until.includes(status)) return state;
    if (Date.now() - started + pollIntervalMs > maxWaitMs) {
      throw new GpdbError(`the job did not reach ${until.join(', ')} within ${maxWaitMs} ms (last status: ${status ?? 'none'})`,
        { kind: 'timeout', code: 'WaitTimeout', retryable: false, attempts: polls, lastStatus: status });
    }
    try {
      await sleep(pollIntervalMs, getOptions.signal);
    } catch (reason) {
      throw new GpdbError('the request was aborted', { kind: 'aborted', code: 'Aborted', retryable: false, attempts: polls }, reason);
    }
  }
}

// assumeRole: a credentials provider for a RAM role, to pass as `credentials` to any call. The
// wasm checks the options when the provider is made (`check`, where the wasm is loaded by then)
// and again before each request; each request is one STS AssumeRole (`assumeRoleOnce`). Its
// credentials are kept until 5 minutes before their Expiration, concurrent calls share one
// request, and a failure is not kept: the next call asks again.
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

export function assumeRole(assumeRoleOnce, options, check) {
  check?.(options);
  // A copy: options changed after the provider is made do not change what it asks for.
  const settings = options !== null && typeof options === 'object' && !Array.isArray(options) ? { ...options } : options;
  let kept;
  let pending;
  return function credentials() {
    if (kept && Date.now() < kept.refreshAt) return Promise.resolve({ ...kept.value });
    pending ??= Promise.resolve(settings).then(assumeRoleOnce).then(
      (value) => {
        kept = { value, refreshAt: Date.parse(value.expiration) - REFRESH_BEFORE_EXPIRY_MS };
        pending = undefined;
        return { ...value };
      },
      (error) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

// What the wasm calls back (`Glue` in js_imports.rs), handed over once by each entry file
// (`install(glue)`). An object of its own, not this module's namespace, so that bundlers still
// drop what an entry does not use.
export const glue = { newGpdbError, readOptions, processEnv, readParameters, signedRequest, runCall };
