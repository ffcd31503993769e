// A local stand-in for the gpdb RPC endpoint, for the operations this library sends.
// Operations: https://www.alibabacloud.com/help/en/analyticdb/analyticdb-for-postgresql/developer-reference/api-gpdb-2016-05-03-canceluploaddocumentjob
// and GetUploadDocumentJob (model: tests/cross-check/GET-UPLOAD-DOCUMENT-JOB-NOTES.md).
// Signatures are checked with the official @alicloud/openapi-util signer, never with our own HMAC code,
// so a client that passes here agrees with the official SDK byte for byte: V2 (HMAC-SHA1 `Signature`
// parameter, getRPCSignature) and V3 (ACS3-HMAC-SHA256 `Authorization` header, getAuthorization through
// tests/cross-check/official-v3-signer.mjs; see tests/cross-check/V3-NOTES.md).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import OpenApiUtil from '@alicloud/openapi-util';
import { ALGORITHM as V3_ALGORITHM, officialContentSha256, signOfficially } from '../cross-check/official-v3-signer.mjs';
import * as sts from './sts.mjs';

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

const CANCEL = 'CancelUploadDocumentJob';
const GET = 'GetUploadDocumentJob';
const VERSION = '2016-05-03';
// Each action's API version: gpdb's two, and STS AssumeRole (sts.mjs), served on the same port.
const VERSIONS = { [CANCEL]: VERSION, [GET]: VERSION, [sts.ACTION]: sts.VERSION };
const ACTIONS = new Set(Object.keys(VERSIONS));
const COMMON_REQUIRED = ['Action', 'Version', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'];
// Signature V2's common parameters: a V3 request carries their meaning in headers, so any of them is a mixed-up client.
const V2_COMMON_PARAMS = [...COMMON_REQUIRED, 'Format', 'SecurityToken'];
// The headers every V3 request needs (Alibaba's V3 doc, RequestHeader table); x-acs-security-token with STS keys.
const V3_REQUIRED_HEADERS = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];
// The official getAuthorization signs these kinds of headers and no others (V3-NOTES.md).
const v3Signable = (name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-');
// [name, where the official gpdb SDK puts it, required]; Namespace defaults to "public" (API reference).
// Cancel and Get split them alike (cancelUploadDocumentJobWithOptions, getUploadDocumentJobWithOptions).
const OPERATION_PARAMS = [
  ['DBInstanceId', 'query', true], ['RegionId', 'query', true],
  ['Collection', 'body', true], ['JobId', 'body', true], ['Namespace', 'body', false], ['NamespacePassword', 'body', true],
];
// URLs end up in proxy and browser logs, so these keys must travel in the body.
const KEYS_FORBIDDEN_IN_URL = ['namespacepassword', 'accesskeysecret', 'securitytoken'];
const KEYS_REDACTED_IN_LOG = new Set(['Signature', 'SecurityToken', 'NamespacePassword', 'AccessKeySecret']);
const JSON_TYPE = 'application/json;charset=utf-8';
// Job.Status values of the official GetUploadDocumentJobResponseBodyJob model, each with the coarse
// `state` of the mock's first version ('running' | 'finished' | 'cancelled'), still readable and accepted.
const STATE_OF_STATUS = {
  Pending: 'running', Start: 'running', Running: 'running',
  Success: 'finished', Failed: 'finished',
  Cancelling: 'cancelled', Cancelled: 'cancelled',
};
const STATUS_OF_STATE = { running: 'Running', finished: 'Success', cancelled: 'Cancelled' };
const CANCELLABLE = new Set(['Pending', 'Start', 'Running']);
const COMPLETED = new Set(['Success', 'Failed', 'Cancelled']);
const FAULT_TYPES = new Set(['status', 'throttle', 'reset-before', 'reset-during', 'hang', 'trickle', 'truncated', 'empty200', 'fail200', 'huge',
  'apply-then-hang', 'apply-then-reset', 'apply-then-delay', 'apply-then-gateway-error']);
// Security faults (issue 18), applied by applySecurityFault below.
const SECURITY_FAULT_TYPES = new Set(['redirect', 'echo', 'duplicate-key', 'job-only']);
const STATUS_FAULT_CODES = { 429: 'Throttling', 500: 'InternalError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout' };
// A wildcard would not cover Authorization, so every header a V2 or V3 request sends is named.
const CORS_ALLOW_HEADERS = 'content-type, accept, x-acs-action, x-acs-version, authorization, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256, x-acs-security-token';
const CORS_EXPOSE_HEADERS = 'date, retry-after, x-acs-retry-after, x-acs-request-id';
const SKEW_DEFAULT_MS = 15 * 60_000;
const CANCELLING_POLLS_DEFAULT = 2;
const PROGRESS_STEP_DEFAULT = 10;

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
// CreateTime/UpdateTime as the official model's examples show them: "2024-01-08 16:52:04.864664" (here UTC).
const formatJobTime = (ms) => `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}000`;
// "ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>", exactly as getAuthorization
// writes it (no spaces, lowercase hex); null when it is not of that form.
function parseAuthorization(value) {
  const m = /^ACS3-HMAC-SHA256 Credential=([^,\s]+),SignedHeaders=([^,\s]*),Signature=([0-9a-f]{64})$/.exec(value);
  return m ? { credential: m[1], signedHeaders: m[2] ? m[2].split(';') : [], signature: m[3] } : null;
}
const isV3 = (req) => /^ACS3-/.test(req.headers.authorization ?? '');

// URLSearchParams decodes like a form: "+" is a space. Duplicates are reported, not silently merged.
function parseParams(text) {
  const entries = [...new URLSearchParams(text)];
  const seen = new Set();
  const duplicates = entries.filter(([k]) => seen.has(k) || !seen.add(k)).map(([k]) => k);
  return { params: Object.fromEntries(entries), duplicates };
}

/**
 * Starts the mock on 127.0.0.1 and resolves to its handle once it listens.
 *
 * Options (each optional): port (0), backlog (4096), quiet, cors (true | origin), accessKeys
 * ({ [id]: { secret, securityToken? } }), namespacePasswords ({ 'instance/namespace': password }), jobs
 * (addJob specs), clockOffsetMs, maxSkewMs (15 min), cancellingPolls (2), delayMs (0), signedHost (null), roles
 * ({ [roleArn]: { policy?, maxSessionDuration?, externalId? } }; default: sts.DEFAULT_ROLE_ARN, allowed everything).
 * The handle: url, port, requests, jobs (Map by jobId), nonces(), addJob(job), inject(fault, times),
 * clearFaults(), reset(), close(), and the settable clockOffsetMs, maxSkewMs, cancellingPolls, delayMs, signedHost.
 *
 * Signatures: V2 (Signature parameter) or V3 (Authorization: ACS3-HMAC-SHA256 ...), both checked with the
 * official @alicloud/openapi-util. signedHost makes V3 verify as though the Host header were that value,
 * as it is for a client that signs for the real endpoint and sends through a proxy.
 *
 * Actions: CancelUploadDocumentJob and GetUploadDocumentJob, both with DBInstanceId and RegionId in the
 * query and Collection, JobId, Namespace, NamespacePassword in the form body; and STS AssumeRole
 * (sts.mjs), whose credentials the gpdb actions then accept within the role's and the session's policy
 * (403 Forbidden.RAM outside it) until they expire.
 *
 * Jobs: addJob({ jobId, status, ... }) with status one of Pending, Start, Running (default), Success,
 * Failed, Cancelling, Cancelled, or the first version's `state` names running, finished, cancelled
 * (Running, Success, Cancelled); job.state still reads running | finished | cancelled. Other fields:
 * dbInstanceId, namespace, collection (the DEFAULTS), progress, progressStep (10), succeedAfterPolls,
 * error, errorCode, chunkResult, usage, createTime, updateTime. A cancel moves Pending, Start and Running
 * to Cancelling, which GetUploadDocumentJob answers cancellingPolls times before Cancelled; a cancel of
 * any other status is 400 UploadDocumentJob.StatusInvalid. Each poll of a Running job adds progressStep
 * to Progress, up to 99, or makes it Success after succeedAfterPolls polls.
 *
 * Request records: id, method, path, query, form, rawQuery, rawBody, headers, signatureVersion ('v2' | 'v3'),
 * action, nonce, timestamp (V2 Timestamp or V3 x-acs-date), signedHeaders (V3's SignedHeaders; [] for V2),
 * bodySha256 (hex), at, fault (type or null), response ({ status, code }, nulls when nothing was sent),
 * withheld (the { status, code } an apply-then-* fault kept back, or null).
 *
 * Faults, FIFO, each taken by one request (OPTIONS preflights take none); with `action` set, only by a
 * request for that action: status {status, code?, body?: 'html', retryAfter?, acsRetryAfterMs?},
 * throttle {code?, status?, retryAfter?, acsRetryAfterMs?}, reset-before, reset-during, hang,
 * trickle {intervalMs?, chunks?}, truncated, empty200, fail200, huge {bytes?, contentLength?}, and the
 * ambiguous ones, which handle the request in full (a cancel is applied) and then lose or delay the
 * answer: apply-then-hang, apply-then-reset, apply-then-delay {delayMs? (1000)}, and apply-then-gateway-error
 * {status? (504) | 502, body? 'html' (default, as nginx writes it) | 'json'}: a gateway in front of the API gave up
 * on the answer after passing the request on.
 *
 * delayMs: every request waits that long before it is handled (preflights do not); a request whose
 * client goes away during the wait is not handled at all, and close() ends every wait.
 *
 * keepAliveTimeoutMs: how long an idle keep-alive connection stays open (Node's default, 5 s, without it).
 */
export async function startMockGpdb(options = {}) {
  const accessKeys = options.accessKeys ?? { [DEFAULTS.accessKeyId]: { secret: DEFAULTS.accessKeySecret } };
  const roles = options.roles ?? { [sts.DEFAULT_ROLE_ARN]: {} };
  const namespacePasswords = options.namespacePasswords ?? { [`${DEFAULTS.dbInstanceId}/${DEFAULTS.namespace}`]: DEFAULTS.namespacePassword };
  const initialJobs = options.jobs ?? [{ jobId: DEFAULTS.jobId }];
  const corsOrigin = options.cors === true ? '*' : options.cors || null;
  const quiet = Boolean(options.quiet);

  const server = http.createServer();
  if (options.keepAliveTimeoutMs) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  const sockets = new Set();
  const closing = new AbortController(); // stops trickle/huge writers and delays on close()
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
  const stsService = sts.createSts({ roles, accessKeys, reject, serverNow });

  // A job's status: an official Job.Status value, or one of the first version's states as an alias.
  function jobStatus(value) {
    if (Object.hasOwn(STATE_OF_STATUS, value)) return value;
    if (Object.hasOwn(STATUS_OF_STATE, value)) return STATUS_OF_STATE[value];
    throw new TypeError(`job status must be one of ${Object.keys(STATE_OF_STATUS).join('|')} (or the aliases ${Object.keys(STATUS_OF_STATE).join('|')})`);
  }

  const mock = {
    url: '',
    port: 0,
    requests: [],
    jobs: new Map(),
    clockOffsetMs: options.clockOffsetMs ?? 0,
    maxSkewMs: options.maxSkewMs ?? SKEW_DEFAULT_MS,
    // GetUploadDocumentJob polls that see a cancelled job as Cancelling before it is Cancelled.
    cancellingPolls: options.cancellingPolls ?? CANCELLING_POLLS_DEFAULT,
    // Every answer waits this long before the request is handled (not preflights); close() ends the wait.
    delayMs: options.delayMs ?? 0,
    // V3: verify as if the Host header were this (a proxy in front of the mock); null: the request's Host.
    signedHost: options.signedHost ?? null,
    // CORS preflights repeat the POST's URL, nonce included, but are not signed requests.
    nonces: () => mock.requests.filter((r) => r.method !== 'OPTIONS').map((r) => r.nonce).filter((n) => n != null),
    // See "Jobs" above startMockGpdb.
    addJob(job) {
      if (!job?.jobId) throw new TypeError('addJob needs a jobId');
      const { state, status, ...rest } = job;
      const initial = jobStatus(status ?? state ?? 'Running');
      const created = formatJobTime(serverNow());
      const full = {
        dbInstanceId: DEFAULTS.dbInstanceId, namespace: DEFAULTS.namespace, collection: DEFAULTS.collection,
        progressStep: PROGRESS_STEP_DEFAULT, succeedAfterPolls: null, error: null, errorCode: null, chunkResult: null, usage: null,
        createTime: created, updateTime: created, ...rest,
        status: initial, progress: rest.progress ?? (initial === 'Success' ? 100 : 0), polls: 0, cancellingPollsLeft: 0,
      };
      // The first version's coarse view, kept for its callers: reading gives 'running' | 'finished' | 'cancelled'.
      Object.defineProperty(full, 'state', {
        enumerable: true,
        get() { return STATE_OF_STATUS[this.status]; },
        set(value) { this.status = jobStatus(value); },
      });
      mock.jobs.set(full.jobId, full);
      return full;
    },
    // fault.action: only a request for that action takes it (default: any request, as before).
    inject(fault, times = 1) {
      if (!FAULT_TYPES.has(fault?.type) && !SECURITY_FAULT_TYPES.has(fault?.type)) throw new TypeError(`unknown fault type ${fault?.type}`);
      if (fault.action != null && !ACTIONS.has(fault.action)) throw new TypeError(`fault.action must be one of ${[...ACTIONS].join('|')}`);
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    clearFaults: () => { faults.length = 0; },
    reset() {
      mock.requests.length = 0;
      nextId = 1;
      usedNonces.clear();
      faults.length = 0;
      mock.jobs.clear();
      initialJobs.forEach((job) => mock.addJob(job));
    },
    close() {
      closing.abort();
      const closed = new Promise((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy(); // includes hanging and keep-alive sockets
      return closed;
    },
  };
  initialJobs.forEach((job) => mock.addJob(job));

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
    // A V3 request names its action in a header; the Authorization header itself is never logged.
    const v3 = rec.signatureVersion === 'v3' && rec.method !== 'OPTIONS' ? ` [V3 ${rec.action ?? '?'}]` : '';
    process.stderr.write(`${rec.method} ${path}${query && '?'}${query}${v3} → ${outcome}\n`);
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

  // Token rules shared by V2 (SecurityToken parameter) and V3 (x-acs-security-token header).
  function checkSecurityToken(account, token) {
    if (account.securityToken && !token) reject(400, 'InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed.');
    // A token sent with a permanent key is rejected too: it means the client holds stale STS credentials.
    if ((token ?? null) !== (account.securityToken ?? null)) reject(400, 'InvalidSecurityToken.Mismatch', 'Specified SecurityToken mismatch with the AccessKey.');
  }

  // Only a validly signed request burns its nonce; otherwise anyone could block a nonce.
  function burnNonce(nonce) {
    if (usedNonces.has(nonce)) reject(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    usedNonces.add(nonce);
  }

  function checkTimestamp(value, name) {
    const requestMs = parseTimestamp(value);
    if (Number.isNaN(requestMs)) reject(400, 'IllegalTimestamp', `Specified parameter ${name} "${value}" is not valid; the format is yyyy-MM-ddTHH:mm:ssZ in UTC.`);
    const now = serverNow();
    if (Math.abs(now - requestMs) > mock.maxSkewMs) {
      reject(400, 'InvalidTimeStamp.Expired', `Specified time stamp or date value is expired. Request time ${value}, server time ${formatTimestamp(now)}.`);
    }
  }

  // Signature V2: every common parameter in the query string or the body, HMAC-SHA1 over all of them.
  function checkV2Signature(rec) {
    const params = { ...rec.query, ...rec.form };
    COMMON_REQUIRED.filter((name) => !params[name]).forEach(missing);
    if (!ACTIONS.has(params.Action)) reject(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    if (params.Version !== VERSIONS[params.Action]) reject(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    // The official SDK sends "json"; anything else would get an XML answer from the real endpoint.
    if (params.Format?.toUpperCase() !== 'JSON') reject(400, 'InvalidParameter', 'The parameter "Format" must be JSON.');
    if (params.SignatureMethod !== 'HMAC-SHA1') reject(400, 'InvalidParameter', 'The parameter "SignatureMethod" must be HMAC-SHA1.');
    if (params.SignatureVersion !== '1.0') reject(400, 'InvalidParameter', 'The parameter "SignatureVersion" must be 1.0.');

    const account = Object.hasOwn(accessKeys, params.AccessKeyId) ? accessKeys[params.AccessKeyId] : null;
    if (!account) reject(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    checkTimestamp(params.Timestamp, 'Timestamp');

    const { Signature, ...signed } = params;
    if (Signature !== officialSigner.getRPCSignature(signed, 'POST', account.secret)) {
      reject(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign(signed)}`);
    }
    checkSecurityToken(account, params.SecurityToken);
    burnNonce(params.SignatureNonce);
    return { action: params.Action, account: { id: params.AccessKeyId, ...account } };
  }

  // Signature V3 (ACS3-HMAC-SHA256): action, version, date, nonce and body hash in x-acs-* headers,
  // the signature in Authorization, recomputed with the official getAuthorization.
  function checkV3Signature(req, rec) {
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) {
      reject(400, 'IncompleteSignature', `The Authorization header must be "${V3_ALGORITHM} Credential=<AccessKeyId>,SignedHeaders=<name;...>,Signature=<hex>".`);
    }
    const mixed = Object.keys({ ...rec.query, ...rec.form }).find((k) => V2_COMMON_PARAMS.includes(k));
    if (mixed) reject(400, 'InvalidParameter', `The parameter "${mixed}" belongs to signature V2; a V3 request carries no common parameter in its query or body.`);
    V3_REQUIRED_HEADERS.filter((name) => !req.headers[name]).forEach(missing);
    const action = req.headers['x-acs-action'];
    if (!ACTIONS.has(action)) reject(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    if (req.headers['x-acs-version'] !== VERSIONS[action]) reject(400, 'InvalidVersion', 'Specified parameter Version is not valid.');

    const account = Object.hasOwn(accessKeys, auth.credential) ? accessKeys[auth.credential] : null;
    if (!account) reject(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    checkTimestamp(req.headers['x-acs-date'], 'x-acs-date');

    // SignedHeaders: lowercase, sorted, ';'-separated (as getAuthorization writes it); host and every
    // x-acs-* header of the request in it; content-type may be left out; nothing the official signer cannot sign.
    const listed = auth.signedHeaders;
    const canonical = [...new Set(listed.map((h) => h.toLowerCase()))].sort();
    if (listed.join(';') !== canonical.join(';')) {
      reject(400, 'IncompleteSignature', `SignedHeaders must be the lowercase header names, sorted and separated by ";": expected "${canonical.join(';')}".`);
    }
    if (!listed.includes('host')) reject(400, 'IncompleteSignature', 'SignedHeaders must include host.');
    const unsigned = Object.keys(req.headers).find((h) => h.startsWith('x-acs-') && !listed.includes(h));
    if (unsigned) reject(400, 'IncompleteSignature', `The header "${unsigned}" is in the request but not in SignedHeaders; host and every x-acs-* header must be signed.`);
    const absent = listed.find((h) => req.headers[h] == null);
    if (absent) reject(400, 'IncompleteSignature', `SignedHeaders names "${absent}", which is not in the request.`);
    const unsignable = listed.find((h) => !v3Signable(h));
    if (unsignable) {
      reject(400, 'IncompleteSignature', `SignedHeaders names "${unsignable}"; the official signer (getAuthorization) signs host, content-type and x-acs-* headers only.`);
    }

    const claimed = req.headers['x-acs-content-sha256'];
    if (claimed !== rec.bodySha256) {
      reject(400, 'SignatureDoesNotMatch', `The x-acs-content-sha256 header "${claimed}" is not the SHA-256 of the request body: the server computed ${rec.bodySha256} over ${rec.rawBodyBytes.length} bytes.`);
    }

    const host = mock.signedHost ?? req.headers.host;
    const headers = listed.map((h) => [h, h === 'host' ? host : req.headers[h]]);
    const official = signOfficially({
      method: req.method, pathname: rec.path, query: Object.entries(rec.query), headers, body: rec.rawBodyBytes,
      accessKeyId: auth.credential, accessKeySecret: account.secret,
    });
    if (official.signature !== auth.signature) {
      // The token is a signed header but a secret: the canonical request shows it masked.
      const shown = official.canonicalRequest.replace(/^(x-acs-security-token:).*$/m, '$1***');
      reject(400, 'SignatureDoesNotMatch',
        `Specified signature is not matched with our calculation. server canonical request is:${JSON.stringify(shown)} server string to sign is:${JSON.stringify(official.stringToSign)}`);
    }
    checkSecurityToken(account, req.headers['x-acs-security-token']);
    burnNonce(req.headers['x-acs-signature-nonce']);
    return { action, account: { id: auth.credential, ...account } };
  }

  // The checks of the real endpoint, in its order. Throws ApiError, or returns the success body.
  function handleAction(req, rec, queryDuplicates, formDuplicates) {
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

    const { action, account } = rec.signatureVersion === 'v3' ? checkV3Signature(req, rec) : checkV2Signature(rec);
    // STS takes its parameters from the query string or the body, as RPC endpoints do.
    if (action === sts.ACTION) return stsService.assumeRole({ ...rec.query, ...rec.form }, account);

    for (const [name, place, required] of OPERATION_PARAMS) {
      const [right, wrong] = place === 'query' ? [rec.query, rec.form] : [rec.form, rec.query];
      if (Object.hasOwn(wrong, name)) reject(400, 'InvalidParameter', `The parameter "${name}" must be sent in the ${place === 'query' ? 'query string' : 'request body'}.`);
      if (required && !right[name]) missing(name);
    }

    const params = { ...rec.query, ...rec.form };
    // Credentials from AssumeRole: within their lifetime, the role's policy and the session policy.
    stsService.authorize(account, action, params);
    const { DBInstanceId: instance, Collection: collection, JobId: jobId } = params;
    const namespace = params.Namespace || DEFAULTS.namespace;
    if (!knownInstance(instance)) reject(404, 'InvalidDBInstanceId.NotFound', `The DBInstanceId "${instance}" is not found.`);
    const password = namespacePasswords[`${instance}/${namespace}`] ?? DEFAULTS.namespacePassword;
    if (params.NamespacePassword !== password) reject(403, 'Namespace.PasswordIncorrect', `The password of namespace "${namespace}" is incorrect.`);

    const job = mock.jobs.get(jobId);
    if (!job || job.dbInstanceId !== instance || job.namespace !== namespace || job.collection !== collection) {
      reject(404, 'UploadDocumentJob.NotFound', `The upload document job "${jobId}" is not found.`);
    }
    return action === CANCEL ? cancelJob(job) : pollJob(job);
  }

  function setStatus(job, status) {
    job.status = status;
    job.updateTime = formatJobTime(serverNow());
  }

  // CancelUploadDocumentJob: Pending, Start and Running jobs go to Cancelling (Cancelled after
  // `cancellingPolls` GetUploadDocumentJob polls); any other status cannot be cancelled.
  function cancelJob(job) {
    if (!CANCELLABLE.has(job.status)) {
      const done = job.state === 'finished' ? 'finished' : 'been cancelled';
      reject(400, 'UploadDocumentJob.StatusInvalid', `The upload document job "${job.jobId}" has already ${done}. Its status is ${job.status}.`);
    }
    job.cancellingPollsLeft = mock.cancellingPolls;
    setStatus(job, mock.cancellingPolls > 0 ? 'Cancelling' : 'Cancelled');
    return { Status: 'success', Message: 'success' };
  }

  // GetUploadDocumentJob: one poll moves the job on, deterministically: a Running job's Progress grows
  // by progressStep up to 99 (Success after succeedAfterPolls polls, when set); Cancelling counts down.
  function pollJob(job) {
    job.polls += 1;
    if (job.status === 'Cancelling') {
      if (job.cancellingPollsLeft > 0) job.cancellingPollsLeft -= 1;
      else setStatus(job, 'Cancelled');
    } else if (job.status === 'Running') {
      if (job.succeedAfterPolls != null && job.polls >= job.succeedAfterPolls) {
        job.progress = 100;
        setStatus(job, 'Success');
      } else if (job.progress < 99) {
        job.progress = Math.min(99, job.progress + job.progressStep);
        job.updateTime = formatJobTime(serverNow());
      }
    }
    return jobBody(job);
  }

  // The official GetUploadDocumentJobResponseBody, absent fields left out.
  function jobBody(job) {
    const Job = {
      Id: job.jobId, Status: job.status, Completed: COMPLETED.has(job.status), Progress: job.progress,
      ...(job.error != null && { Error: job.error }), ...(job.errorCode != null && { ErrorCode: job.errorCode }),
      CreateTime: job.createTime, UpdateTime: job.updateTime,
    };
    const success = job.status === 'Success';
    const id = encodeURIComponent(job.jobId);
    const chunkResult = job.chunkResult ?? (success
      ? { ChunkFileUrl: `https://gpdb-mock.invalid/chunks/${id}.jsonl`, PlainChunkFileUrl: `https://gpdb-mock.invalid/chunks/${id}.txt` } : null);
    const usage = job.usage ?? (success ? { EmbeddingEntries: 10, EmbeddingTokens: 475 } : null);
    return { Status: 'success', Message: 'success', Job, ...(chunkResult && { ChunkResult: chunkResult }), ...(usage && { Usage: usage }) };
  }

  // The answer to a request, its effects applied, not yet written: { status, object }.
  function evaluate(req, rec, dups) {
    const requestId = randomUUID().toUpperCase();
    try {
      return { status: 200, object: { RequestId: requestId, ...handleAction(req, rec, dups.query, dups.form) } };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return { status: err.status, object: errorBody(req, requestId, err.code, err.message) };
    }
  }

  function runChecks(req, rec, dups, res, pace = null) {
    const { status, object } = evaluate(req, rec, dups);
    return respondJson(rec, req, res, status, object, {}, pace);
  }

  // Resolves after `ms`, or early (false) when close() runs or the client goes away.
  async function wait(ms, res) {
    const gone = new AbortController();
    const onClose = () => gone.abort();
    res.once('close', onClose);
    try {
      await sleep(ms, undefined, { signal: AbortSignal.any([closing.signal, gone.signal]) });
      return true;
    } catch {
      return false;
    } finally {
      res.off('close', onClose);
    }
  }

  // The request is handled in full (a cancel is applied) but its answer is lost or late.
  async function applyThen(fault, req, rec, dups, res) {
    const { status, object } = evaluate(req, rec, dups);
    rec.withheld = { status, code: object.Code ?? object.Status ?? null };
    const outcome = `${status} ${rec.withheld.code ?? ''}`.trim();
    if (fault.type === 'apply-then-hang') return log(rec, `applied (${outcome}), hanging until close()`);
    if (fault.type === 'apply-then-reset') {
      log(rec, `applied (${outcome}), socket reset before the response`);
      return void req.socket.destroy();
    }
    if (fault.type === 'apply-then-gateway-error') {
      const gateway = fault.status ?? 504;
      const text = http.STATUS_CODES[gateway];
      if (fault.body === 'json') {
        const requestId = randomUUID().toUpperCase();
        return respondJson(rec, req, res, gateway, errorBody(req, requestId, STATUS_FAULT_CODES[gateway] ?? 'GatewayError', `${gateway} ${text}`));
      }
      const html = `<html>\r\n<head><title>${gateway} ${text}</title></head>\r\n<body>\r\n<center><h1>${gateway} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`;
      return respond(rec, res, gateway, { ...baseHeaders(randomUUID().toUpperCase()), 'content-type': 'text/html' }, html);
    }
    const delayMs = fault.delayMs ?? 1_000;
    if (!(await wait(delayMs, res))) return log(rec, `applied (${outcome}), the client went away during the ${delayMs} ms delay`);
    return respondJson(rec, req, res, status, object);
  }

  async function applyFault(fault, req, rec, dups, res) {
    if (SECURITY_FAULT_TYPES.has(fault.type)) return applySecurityFault(fault, req, rec, res);
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
      case 'apply-then-hang':
      case 'apply-then-reset':
      case 'apply-then-delay':
      case 'apply-then-gateway-error':
        return applyThen(fault, req, rec, dups, res);
    }
  }

  // ---- Security faults (issue 18): what misbehaving proxies and gateways answer. ----------------
  // redirect {status? (307), location}: a 3xx to `location` (startRecorder's url: whatever a client
  //   that follows redirects sends there is recorded).
  // echo {status? (400), body? ('json' | 'html'), encodings? (all of ECHO_ENCODINGS), padding? (0),
  //   paddingChar? (' '), alsoEcho? []}: an error that quotes every secret the request carried (the
  //   form's NamespacePassword and SecurityToken, x-acs-security-token, Authorization, V2's Signature)
  //   and the AccessKey secret of its AccessKeyId (and `alsoEcho`), each in every encoding; JSON in
  //   Message, or an HTML page after `padding` characters.
  // duplicate-key: a 200 that names Status twice (a cancel: "success" then "fail"; a get: the Job's).
  // job-only: a 200 with a Job and no Status: GetUploadDocumentJob's shape, whatever the action.
  function applySecurityFault(fault, req, rec, res) {
    const requestId = randomUUID().toUpperCase();
    const json = { ...baseHeaders(requestId), 'content-type': JSON_TYPE };
    switch (fault.type) {
      case 'redirect': {
        const status = fault.status ?? 307;
        const html = `<html><body>Moved: <a href="${fault.location}">here</a></body></html>`;
        return respond(rec, res, status, { ...baseHeaders(requestId), location: fault.location, 'content-type': 'text/html' }, html);
      }
      case 'echo': {
        const id = req.headers.authorization?.match(/Credential=([^,]+)/)?.[1] ?? rec.query.AccessKeyId ?? rec.form.AccessKeyId;
        const secrets = [
          rec.form.NamespacePassword, rec.form.SecurityToken, req.headers['x-acs-security-token'], req.headers.authorization,
          rec.query.Signature, Object.hasOwn(accessKeys, id ?? '') ? accessKeys[id].secret : null, ...(fault.alsoEcho ?? []),
        ].filter(Boolean);
        const encodings = fault.encodings ?? Object.keys(ECHO_ENCODINGS);
        const echo = secrets.flatMap((secret) => encodings.map((name) => `${name}=${ECHO_ENCODINGS[name](secret)}`)).join(' ; ');
        const status = fault.status ?? 400;
        if (fault.body === 'html') {
          const padding = (fault.paddingChar ?? ' ').repeat(fault.padding ?? 0);
          return respond(rec, res, status, { ...baseHeaders(requestId), 'content-type': 'text/html' }, `${padding}<html><body><pre>${echo}</pre></body></html>`);
        }
        return respondJson(rec, req, res, status, errorBody(req, requestId, 'InvalidParameter', `The request could not be read: ${echo}`));
      }
      case 'duplicate-key': {
        const body = rec.action === GET
          ? `{"RequestId":"${requestId}","Job":{"Id":"${rec.form.JobId}","Status":"Running","Completed":false,"Status":"Cancelled"}}`
          : `{"RequestId":"${requestId}","Status":"success","Message":"success","Status":"fail"}`;
        return respond(rec, res, 200, json, body);
      }
      case 'job-only':
        return respond(rec, res, 200, json, JSON.stringify({ RequestId: requestId, Job: { Id: rec.form.JobId, Status: 'Cancelled', Completed: true } }));
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
    const rawBodyBytes = Buffer.concat(chunks);
    const rawBody = rawBodyBytes.toString('utf8');
    const query = parseParams(rawQuery);
    const form = parseParams(rawBody);
    const v3 = isV3(req);
    const rec = {
      id: nextId++, method: req.method, path, query: query.params, form: form.params, rawQuery, rawBody, headers: req.headers,
      signatureVersion: v3 ? 'v3' : 'v2',
      action: (v3 ? req.headers['x-acs-action'] : query.params.Action ?? form.params.Action) ?? null,
      nonce: (v3 ? req.headers['x-acs-signature-nonce'] : query.params.SignatureNonce ?? form.params.SignatureNonce) ?? null,
      timestamp: (v3 ? req.headers['x-acs-date'] : query.params.Timestamp ?? form.params.Timestamp) ?? null,
      signedHeaders: v3 ? parseAuthorization(req.headers.authorization)?.signedHeaders ?? [] : [],
      bodySha256: officialContentSha256(rawBodyBytes),
      at: Date.now(), fault: null, response: { status: null, code: null }, withheld: null,
    };
    Object.defineProperty(rec, 'rawBodyBytes', { value: rawBodyBytes }); // for the V3 check; not enumerated
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
    if (mock.delayMs > 0 && !(await wait(mock.delayMs, res))) {
      return log(rec, `not handled: the client or close() went away during the ${mock.delayMs} ms delay`);
    }
    const dups = { query: query.duplicates, form: form.duplicates };
    // FIFO among the faults this request may take: those for its action, or for any.
    const at = faults.findIndex((f) => f.action == null || f.action === rec.action);
    const fault = at === -1 ? null : faults.splice(at, 1)[0];
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

// Every encoding in which a server, a gateway or a proxy may echo a secret (the echo fault).
const hex = (s, lower) => (lower ? s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()) : s);
const formEncode = (s) => new URLSearchParams({ s }).toString().slice(2);
const unicodeEscapes = (s, lower) => [...s].map((c) => {
  const units = c.length === 2 ? [c.charCodeAt(0), c.charCodeAt(1)] : [c.charCodeAt(0)];
  return units.map((u) => `\\u${u.toString(16).padStart(4, '0')}`).map((e) => (lower ? e : e.toUpperCase().replace('\\U', '\\u'))).join('');
}).join('');
export const ECHO_ENCODINGS = Object.freeze({
  raw: (s) => s,
  percent: (s) => percentEncode(s),
  percentLower: (s) => hex(percentEncode(s), true),
  uriComponent: (s) => encodeURIComponent(s),
  form: formEncode,
  formLower: (s) => hex(formEncode(s), true),
  percentTwice: (s) => percentEncode(percentEncode(s)),
  formThenPercent: (s) => percentEncode(formEncode(s)),
  jsonUnicode: (s) => unicodeEscapes(s, true),
  jsonUnicodeUpper: (s) => unicodeEscapes(s, false),
  // Go's encoding/json and Gson escape <, >, & (and Gson = and '); PHP escapes /.
  jsonGo: (s) => JSON.stringify(s).slice(1, -1).replace(/[<>&='\/]/g, (c) => (c === '/' ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)),
  html: (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
    .replace(/[^\x00-\x7f]/gu, (c) => `&#x${c.codePointAt(0).toString(16)};`),
});

/**
 * A second local origin that records every request reaching it ({ method, url, headers, body })
 * and answers each with a success, as a redirect target: a client that follows the redirect
 * shows up here. Resolves { url, requests, close() }.
 */
export async function startRecorder() {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': JSON_TYPE, 'access-control-allow-origin': '*' });
    res.end(JSON.stringify({ RequestId: 'RECORDER', Status: 'success', Message: 'success', Job: { Id: 'x', Status: 'Cancelled' } }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const USAGE = 'usage: server.mjs [--port 0] [--cors ORIGIN] [--job JOBID ...] [--delay-ms N] [--cancelling-polls N]';

// `node tests/mock-gpdb/server.mjs [--port 0] [--cors ORIGIN] [--job JOBID ...] [--delay-ms N] [--cancelling-polls N]`
function parseCli(args) {
  const opts = { port: 0, cors: false, jobIds: [], delayMs: 0, cancellingPolls: CANCELLING_POLLS_DEFAULT };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--port') opts.port = Number(args[++i]);
    else if (arg === '--cors') opts.cors = args[++i];
    else if (arg === '--job') while (args[i + 1] && !args[i + 1].startsWith('--')) opts.jobIds.push(args[++i]);
    else if (arg === '--delay-ms') opts.delayMs = Number(args[++i]);
    else if (arg === '--cancelling-polls') opts.cancellingPolls = Number(args[++i]);
    else throw new Error(`unknown argument ${arg}; ${USAGE}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0) throw new Error('--port needs a number');
  if (!Number.isInteger(opts.delayMs) || opts.delayMs < 0) throw new Error('--delay-ms needs a whole number of milliseconds');
  if (!Number.isInteger(opts.cancellingPolls) || opts.cancellingPolls < 0) throw new Error('--cancelling-polls needs a whole number');
  return opts;
}

async function main(args) {
  let cli;
  try { cli = parseCli(args); } catch (err) { process.stderr.write(`${err.message}\n`); process.exit(2); }
  const jobs = cli.jobIds.length ? cli.jobIds.map((jobId) => ({ jobId })) : undefined;
  const mock = await startMockGpdb({ port: cli.port, cors: cli.cors, jobs, delayMs: cli.delayMs, cancellingPolls: cli.cancellingPolls });
  const settings = {
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULTS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULTS.accessKeySecret,
    GPDB_REGION_ID: DEFAULTS.regionId, GPDB_DB_INSTANCE_ID: DEFAULTS.dbInstanceId, GPDB_NAMESPACE: DEFAULTS.namespace,
    GPDB_NAMESPACE_PASSWORD: DEFAULTS.namespacePassword, GPDB_COLLECTION: DEFAULTS.collection,
    GPDB_JOB_ID: [...mock.jobs.keys()].join(','),
  };
  process.stdout.write(`gpdb mock listening on ${mock.url}\n`);
  if (cli.delayMs) process.stdout.write(`# every answer is delayed by ${cli.delayMs} ms\n`);
  // Fake credentials, printed so a developer can point a client at the mock.
  for (const [name, value] of Object.entries(settings)) process.stdout.write(`# ${name}=${value}\n`);
  process.stdout.write(`# STS AssumeRole on the same URL (version ${sts.VERSION}): RoleArn=${sts.DEFAULT_ROLE_ARN}\n`);
  const stop = () => mock.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
