// A local stand-in for the gpdb RPC endpoint, for the one operation this library sends.
// Operation: https://www.alibabacloud.com/help/en/analyticdb/analyticdb-for-postgresql/developer-reference/api-gpdb-2016-05-03-canceluploaddocumentjob
// Signatures are checked with the official @alicloud/openapi-util signer, never with our own HMAC code,
// so a client that passes here agrees with the official SDK byte for byte.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import OpenApiUtil from '@alicloud/openapi-util';

// The package is CommonJS with `exports.default = Client`; Node's ESM import hands us `module.exports`.
const officialSigner = OpenApiUtil.default ?? OpenApiUtil;

export const DEFAULTS = Object.freeze({
  accessKeyId: 'LTAI5tMockAccessKeyId',
  accessKeySecret: 'mock-access-key-secret',
  namespacePassword: 'mock-namespace-password',
  dbInstanceId: 'gp-mock0000000001',
  regionId: 'cn-hangzhou',
  namespace: 'public',
  collection: 'document',
  jobId: '231460f8-75dc-405e-a669-0c5204887e91',
});

const ACTION = 'CancelUploadDocumentJob';
const VERSION = '2016-05-03';
const COMMON_REQUIRED = ['Action', 'Version', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'];
// [name, where the official gpdb SDK puts it (cancelUploadDocumentJobWithOptions), required]; Namespace defaults to "public" (API reference).
const OPERATION_PARAMS = [
  ['DBInstanceId', 'query', true], ['RegionId', 'query', true],
  ['Collection', 'body', true], ['JobId', 'body', true], ['Namespace', 'body', false], ['NamespacePassword', 'body', true],
];
// URLs end up in proxy and browser logs, so these keys must travel in the body.
const KEYS_FORBIDDEN_IN_URL = ['namespacepassword', 'accesskeysecret', 'securitytoken'];
const KEYS_REDACTED_IN_LOG = new Set(['Signature', 'SecurityToken', 'NamespacePassword', 'AccessKeySecret']);
const JSON_TYPE = 'application/json;charset=utf-8';
const JOB_STATES = new Set(['running', 'finished', 'cancelled']);
const FAULT_TYPES = new Set(['status', 'throttle', 'reset-before', 'reset-during', 'hang', 'trickle', 'truncated', 'empty200', 'fail200', 'huge']);
const STATUS_FAULT_CODES = { 429: 'Throttling', 500: 'InternalError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout' };
const CORS_ALLOW_HEADERS = 'content-type, accept, x-acs-action, x-acs-version, authorization';
const CORS_EXPOSE_HEADERS = 'date, retry-after, x-acs-retry-after, x-acs-request-id';
const SKEW_DEFAULT_MS = 15 * 60_000;

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
const reject = (status, code, message) => { throw new ApiError(status, code, message); };
const missing = (name) => reject(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);

// Same escaping as the official signer (RFC 3986); used only to show the string to sign in an error message.
const percentEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
// StringToSign = POST & %2F & enc(sorted "enc(k)=enc(v)" joined by "&")
const stringToSign = (params) =>
  `POST&%2F&${percentEncode(Object.keys(params).sort().map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`).join('&'))}`;
// Timestamp format of the official SDK (OpenApiUtil.getTimestamp): yyyy-MM-ddTHH:mm:ssZ, UTC.
const formatTimestamp = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const parseTimestamp = (s) => {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(s) ? Date.parse(s) : NaN;
  return Number.isFinite(ms) && formatTimestamp(ms) === s ? ms : NaN; // round trip rejects e.g. Feb 30
};
const safeDecode = (s) => { try { return decodeURIComponent(s); } catch { return s; } };

// URLSearchParams decodes like a form: "+" is a space. Duplicates are reported, not silently merged.
function parseParams(text) {
  const entries = [...new URLSearchParams(text)];
  const seen = new Set();
  const duplicates = entries.filter(([k]) => seen.has(k) || !seen.add(k)).map(([k]) => k);
  return { params: Object.fromEntries(entries), duplicates };
}

export async function startMockGpdb(options = {}) {
  const accessKeys = options.accessKeys ?? { [DEFAULTS.accessKeyId]: { secret: DEFAULTS.accessKeySecret } };
  const namespacePasswords = options.namespacePasswords ?? { [`${DEFAULTS.dbInstanceId}/${DEFAULTS.namespace}`]: DEFAULTS.namespacePassword };
  const initialJobs = options.jobs ?? [{ jobId: DEFAULTS.jobId }];
  const corsOrigin = options.cors === true ? '*' : options.cors || null;
  const quiet = Boolean(options.quiet);

  const server = http.createServer();
  const sockets = new Set();
  const closing = new AbortController(); // stops trickle/huge writers on close()
  const faults = [];
  const usedNonces = new Set();
  let nextId = 1;

  const allSecrets = () => [
    ...Object.values(accessKeys).flatMap((a) => [a.secret, a.securityToken]),
    ...Object.values(namespacePasswords), DEFAULTS.namespacePassword,
  ].filter(Boolean);
  const leaksSecret = (text) => allSecrets().some((s) => text.includes(s));
  const knownInstance = (id) =>
    Object.keys(namespacePasswords).some((k) => k.startsWith(`${id}/`)) || [...mock.jobs.values()].some((j) => j.dbInstanceId === id);
  const serverNow = () => Date.now() + mock.clockOffsetMs;

  const mock = {
    url: '',
    port: 0,
    requests: [],
    jobs: new Map(),
    clockOffsetMs: options.clockOffsetMs ?? 0,
    maxSkewMs: options.maxSkewMs ?? SKEW_DEFAULT_MS,
    // CORS preflights repeat the POST's URL, nonce included, but are not signed requests.
    nonces: () => mock.requests.filter((r) => r.method !== 'OPTIONS').map((r) => r.nonce).filter((n) => n != null),
    addJob(job) {
      if (!job?.jobId) throw new TypeError('addJob needs a jobId');
      const full = { dbInstanceId: DEFAULTS.dbInstanceId, namespace: DEFAULTS.namespace, collection: DEFAULTS.collection, state: 'running', ...job };
      if (!JOB_STATES.has(full.state)) throw new TypeError(`job state must be one of ${[...JOB_STATES].join('|')}`);
      mock.jobs.set(full.jobId, full);
      return full;
    },
    inject(fault, times = 1) {
      if (!FAULT_TYPES.has(fault?.type)) throw new TypeError(`unknown fault type ${fault?.type}`);
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    clearFaults: () => { faults.length = 0; },
    reset() {
      mock.requests.length = 0;
      nextId = 1;
      usedNonces.clear();
      faults.length = 0;
      mock.jobs.clear();
      initialJobs.forEach(mock.addJob);
    },
    close() {
      closing.abort();
      const closed = new Promise((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy(); // includes hanging and keep-alive sockets
      return closed;
    },
  };
  initialJobs.forEach(mock.addJob);

  // Headers every response carries, whatever its body.
  function baseHeaders(requestId) {
    const headers = { date: new Date(serverNow()).toUTCString(), 'x-acs-request-id': requestId };
    if (corsOrigin) {
      headers['access-control-allow-origin'] = corsOrigin;
      headers['access-control-expose-headers'] = CORS_EXPOSE_HEADERS;
      if (corsOrigin !== '*') headers.vary = 'Origin';
    }
    return headers;
  }

  // Alibaba's error envelope: https://api.aliyun.com/troubleshoot is where Recommend points.
  function errorBody(req, requestId, code, message) {
    return {
      RequestId: requestId, HostId: req.headers.host ?? '', Code: code, Message: message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=gpdb&requestId=${requestId}`,
    };
  }

  function log(rec, outcome) {
    if (quiet) return;
    const path = leaksSecret(safeDecode(rec.path)) ? '/***' : rec.path;
    const query = new URLSearchParams(Object.entries(rec.query).map(([k, v]) =>
      leaksSecret(k) ? ['***', '***'] : [k, KEYS_REDACTED_IN_LOG.has(k) || leaksSecret(v) ? '***' : v])).toString();
    process.stderr.write(`${rec.method} ${path}${query && '?'}${query} → ${outcome}\n`);
  }

  // Writes a complete response, optionally in `chunks` pieces `intervalMs` apart.
  async function respond(rec, res, status, headers, body, pace = null) {
    const bytes = Buffer.from(body);
    let code = null;
    try { const parsed = JSON.parse(body); code = parsed.Code ?? parsed.Status ?? null; } catch { /* not JSON */ }
    rec.response = { status, code };
    log(rec, `${status} ${code ?? ''}`.trim());
    res.writeHead(status, { ...headers, 'content-length': bytes.length });
    if (!pace) return void res.end(bytes);
    const size = Math.ceil(bytes.length / pace.chunks);
    for (let at = 0; at < bytes.length; at += size) {
      if (at > 0) await sleep(pace.intervalMs, undefined, { signal: closing.signal });
      if (res.destroyed) return;
      res.write(bytes.subarray(at, at + size));
    }
    res.end();
  }

  function respondJson(rec, req, res, status, object, extraHeaders = {}, pace = null) {
    return respond(rec, res, status, { ...baseHeaders(object.RequestId), 'content-type': JSON_TYPE, ...extraHeaders }, JSON.stringify(object), pace);
  }

  // The checks of the real endpoint, in its order. Throws ApiError, or returns the success body.
  function cancelUploadDocumentJob(req, rec, queryDuplicates, formDuplicates) {
    if (req.method !== 'POST') reject(400, 'UnsupportedHTTPMethod', `The HTTP method ${req.method} is not supported; use POST.`);
    if (rec.rawBody && !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      reject(400, 'InvalidParameter', 'The request body must be application/x-www-form-urlencoded.');
    }

    // Mock-only: a secret in the URL is a client bug even when the request would otherwise succeed.
    const rawUrl = req.url;
    const urlTexts = [rawUrl, safeDecode(rec.path), ...Object.entries(rec.query).flat()];
    const encodedSecrets = allSecrets().flatMap((s) => [s, encodeURIComponent(s), percentEncode(s), new URLSearchParams({ s }).toString().slice(2)]);
    const keyInUrl = Object.keys(rec.query).find((k) => KEYS_FORBIDDEN_IN_URL.includes(k.toLowerCase()));
    if (keyInUrl || encodedSecrets.some((s) => rawUrl.includes(s)) || urlTexts.some(leaksSecret)) {
      reject(400, 'SecretInUrl', keyInUrl ? `The parameter "${keyInUrl}" must be sent in the request body, not in the URL.` : 'A secret was found in the request URL.');
    }
    const duplicate = [...queryDuplicates, ...formDuplicates, ...Object.keys(rec.form).filter((k) => Object.hasOwn(rec.query, k))][0];
    if (duplicate) reject(400, 'InvalidParameter', `The parameter "${duplicate}" is specified more than once.`);

    const params = { ...rec.query, ...rec.form };
    COMMON_REQUIRED.filter((name) => !params[name]).forEach(missing);
    if (params.Action !== ACTION) reject(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    if (params.Version !== VERSION) reject(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    // The official SDK sends "json"; anything else would get an XML answer from the real endpoint.
    if (params.Format?.toUpperCase() !== 'JSON') reject(400, 'InvalidParameter', 'The parameter "Format" must be JSON.');
    if (params.SignatureMethod !== 'HMAC-SHA1') reject(400, 'InvalidParameter', 'The parameter "SignatureMethod" must be HMAC-SHA1.');
    if (params.SignatureVersion !== '1.0') reject(400, 'InvalidParameter', 'The parameter "SignatureVersion" must be 1.0.');

    const account = Object.hasOwn(accessKeys, params.AccessKeyId) ? accessKeys[params.AccessKeyId] : null;
    if (!account) reject(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');

    const requestMs = parseTimestamp(params.Timestamp);
    if (Number.isNaN(requestMs)) reject(400, 'IllegalTimestamp', `Specified parameter Timestamp "${params.Timestamp}" is not valid; the format is yyyy-MM-ddTHH:mm:ssZ in UTC.`);
    const now = serverNow();
    if (Math.abs(now - requestMs) > mock.maxSkewMs) {
      reject(400, 'InvalidTimeStamp.Expired', `Specified time stamp or date value is expired. Request time ${params.Timestamp}, server time ${formatTimestamp(now)}.`);
    }

    const { Signature, ...signed } = params;
    if (Signature !== officialSigner.getRPCSignature(signed, 'POST', account.secret)) {
      reject(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign(signed)}`);
    }

    if (account.securityToken && !params.SecurityToken) reject(400, 'InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed.');
    // A token sent with a permanent key is rejected too: it means the client holds stale STS credentials.
    if ((params.SecurityToken ?? null) !== (account.securityToken ?? null)) reject(400, 'InvalidSecurityToken.Mismatch', 'Specified SecurityToken mismatch with the AccessKey.');

    // Only a validly signed request burns its nonce; otherwise anyone could block a nonce.
    if (usedNonces.has(params.SignatureNonce)) reject(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    usedNonces.add(params.SignatureNonce);

    for (const [name, place, required] of OPERATION_PARAMS) {
      const [right, wrong] = place === 'query' ? [rec.query, rec.form] : [rec.form, rec.query];
      if (Object.hasOwn(wrong, name)) reject(400, 'InvalidParameter', `The parameter "${name}" must be sent in the ${place === 'query' ? 'query string' : 'request body'}.`);
      if (required && !right[name]) missing(name);
    }

    const { DBInstanceId: instance, Collection: collection, JobId: jobId } = params;
    const namespace = params.Namespace || DEFAULTS.namespace;
    if (!knownInstance(instance)) reject(404, 'InvalidDBInstanceId.NotFound', `The DBInstanceId "${instance}" is not found.`);
    const password = namespacePasswords[`${instance}/${namespace}`] ?? DEFAULTS.namespacePassword;
    if (params.NamespacePassword !== password) reject(403, 'Namespace.PasswordIncorrect', `The password of namespace "${namespace}" is incorrect.`);

    const job = mock.jobs.get(jobId);
    if (!job || job.dbInstanceId !== instance || job.namespace !== namespace || job.collection !== collection) {
      reject(404, 'UploadDocumentJob.NotFound', `The upload document job "${jobId}" is not found.`);
    }
    if (job.state !== 'running') {
      reject(400, 'UploadDocumentJob.StatusInvalid', `The upload document job "${jobId}" has already ${job.state === 'finished' ? 'finished' : 'been cancelled'}.`);
    }
    job.state = 'cancelled';
    return { Status: 'success', Message: 'success' };
  }

  function runChecks(req, rec, dups, res, pace = null) {
    const requestId = randomUUID().toUpperCase();
    try {
      const result = cancelUploadDocumentJob(req, rec, dups.query, dups.form);
      return respondJson(rec, req, res, 200, { RequestId: requestId, ...result }, {}, pace);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return respondJson(rec, req, res, err.status, errorBody(req, requestId, err.code, err.message), {}, pace);
    }
  }

  async function applyFault(fault, req, rec, dups, res) {
    const requestId = randomUUID().toUpperCase();
    const retryHeaders = {
      ...(fault.retryAfter != null && { 'retry-after': String(fault.retryAfter) }),
      ...(fault.acsRetryAfterMs != null && { 'x-acs-retry-after': String(fault.acsRetryAfterMs) }),
    };
    const success = { RequestId: requestId, Status: 'success', Message: 'success' };
    switch (fault.type) {
      case 'status': {
        if (fault.body === 'html') {
          const html = `<html><body><h1>${fault.status} ${http.STATUS_CODES[fault.status] ?? ''}</h1></body></html>`;
          return respond(rec, res, fault.status, { ...baseHeaders(requestId), 'content-type': 'text/html', ...retryHeaders }, html);
        }
        const code = fault.code ?? STATUS_FAULT_CODES[fault.status] ?? 'UnknownError';
        return respondJson(rec, req, res, fault.status, errorBody(req, requestId, code, `${fault.status} ${http.STATUS_CODES[fault.status] ?? ''}`.trim()), retryHeaders);
      }
      case 'throttle':
        return respondJson(rec, req, res, fault.status ?? 400,
          errorBody(req, requestId, fault.code ?? 'Throttling.User', 'Request was denied due to user flow control.'), retryHeaders);
      case 'reset-before':
        log(rec, 'socket reset before the response');
        return void req.socket.destroy();
      case 'reset-during': {
        rec.response = { status: 200, code: null };
        log(rec, '200, socket reset after 20 of 200 bytes');
        res.writeHead(200, { ...baseHeaders(requestId), 'content-type': JSON_TYPE, 'content-length': 200 });
        return void res.write(JSON.stringify(success).padEnd(20).slice(0, 20), () => req.socket.destroy());
      }
      case 'hang':
        return log(rec, 'hanging until close()');
      case 'trickle':
        return runChecks(req, rec, dups, res, { intervalMs: fault.intervalMs ?? 200, chunks: fault.chunks ?? 10 });
      case 'truncated':
        return respond(rec, res, 200, { ...baseHeaders(requestId), 'content-type': JSON_TYPE }, '{"RequestId":"AB');
      case 'empty200':
        return respond(rec, res, 200, { ...baseHeaders(requestId), 'content-type': JSON_TYPE }, '');
      case 'fail200':
        return respondJson(rec, req, res, 200, { RequestId: requestId, Status: 'fail', Message: 'cancel failed: job is locked' });
      case 'huge':
        return streamHuge(rec, res, requestId, fault);
    }
  }

  // A valid JSON success body padded to `bytes`, written with backpressure; `contentLength: false` sends it chunked.
  async function streamHuge(rec, res, requestId, { bytes = 10 * 1024 * 1024, contentLength = true }) {
    const head = `{"RequestId":"${requestId}","Status":"success","Message":"`;
    const padding = Math.max(0, bytes - head.length - 2);
    rec.response = { status: 200, code: 'success' };
    log(rec, `200 success (${bytes} bytes)`);
    res.writeHead(200, { ...baseHeaders(requestId), 'content-type': JSON_TYPE, ...(contentLength && { 'content-length': head.length + padding + 2 }) });
    res.write(head);
    const block = Buffer.alloc(64 * 1024, 'a');
    let closed = false;
    res.once('close', () => { closed = true; });
    for (let left = padding; left > 0 && !closed; left -= block.length) {
      if (!res.write(left >= block.length ? block : block.subarray(0, left))) {
        await new Promise((resolve) => {
          const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
          res.on('drain', done).on('close', done);
        });
      }
    }
    if (!closed) res.end('"}');
  }

  async function handle(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const [path, rawQuery = ''] = req.url.split(/\?(.*)/s);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const query = parseParams(rawQuery);
    const form = parseParams(rawBody);
    const rec = {
      id: nextId++, method: req.method, path, query: query.params, form: form.params, rawQuery, rawBody, headers: req.headers,
      nonce: query.params.SignatureNonce ?? form.params.SignatureNonce ?? null,
      timestamp: query.params.Timestamp ?? form.params.Timestamp ?? null,
      at: Date.now(), fault: null, response: { status: null, code: null },
    };
    mock.requests.push(rec);

    // A preflight is the browser's business: answer it without spending a queued fault.
    if (req.method === 'OPTIONS' && corsOrigin) {
      rec.response = { status: 204, code: null };
      log(rec, '204 preflight');
      res.writeHead(204, {
        ...baseHeaders(randomUUID().toUpperCase()), 'access-control-allow-methods': 'POST',
        'access-control-allow-headers': CORS_ALLOW_HEADERS, 'access-control-max-age': '600',
      });
      return void res.end();
    }
    const dups = { query: query.duplicates, form: form.duplicates };
    const fault = faults.shift();
    if (!fault) return runChecks(req, rec, dups, res);
    rec.fault = fault.type;
    return applyFault(fault, req, rec, dups, res);
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    handle(req, res).catch((err) => {
      if (closing.signal.aborted || req.socket.destroyed) return; // the client or close() went away mid-response
      process.stderr.write(`gpdb mock: ${err.stack}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  });

  await new Promise((resolve, rejectListen) => {
    server.once('error', rejectListen);
    // A deep accept queue: load tests open thousands of connections at once (Node's default is 511).
    server.listen({ port: options.port ?? 0, host: '127.0.0.1', backlog: options.backlog ?? 4096 }, resolve);
  });
  mock.port = server.address().port;
  mock.url = `http://127.0.0.1:${mock.port}`;
  return mock;
}

// `node tests/mock-gpdb/server.mjs [--port 0] [--cors ORIGIN] [--job JOBID ...]`
function parseCli(args) {
  const opts = { port: 0, cors: false, jobIds: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--port') opts.port = Number(args[++i]);
    else if (arg === '--cors') opts.cors = args[++i];
    else if (arg === '--job') while (args[i + 1] && !args[i + 1].startsWith('--')) opts.jobIds.push(args[++i]);
    else throw new Error(`unknown argument ${arg}; usage: server.mjs [--port 0] [--cors ORIGIN] [--job JOBID ...]`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0) throw new Error('--port needs a number');
  return opts;
}

async function main(args) {
  let cli;
  try { cli = parseCli(args); } catch (err) { process.stderr.write(`${err.message}\n`); process.exit(2); }
  const jobs = cli.jobIds.length ? cli.jobIds.map((jobId) => ({ jobId })) : undefined;
  const mock = await startMockGpdb({ port: cli.port, cors: cli.cors, jobs });
  const settings = {
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULTS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULTS.accessKeySecret,
    GPDB_REGION_ID: DEFAULTS.regionId, GPDB_DB_INSTANCE_ID: DEFAULTS.dbInstanceId, GPDB_NAMESPACE: DEFAULTS.namespace,
    GPDB_NAMESPACE_PASSWORD: DEFAULTS.namespacePassword, GPDB_COLLECTION: DEFAULTS.collection,
    GPDB_JOB_ID: [...mock.jobs.keys()].join(','),
  };
  process.stdout.write(`gpdb mock listening on ${mock.url}\n`);
  // Fake credentials, printed so a developer can point a client at the mock.
  for (const [name, value] of Object.entries(settings)) process.stdout.write(`# ${name}=${value}\n`);
  const stop = () => mock.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
