/**
 * gpdb-edge: cancel an AnalyticDB for PostgreSQL (gpdb, API 2016-05-03) upload document job from
 * Cloudflare Workers, Node.js, Deno, Bun and browsers. Requests are signed in WebAssembly with
 * Alibaba Cloud RPC signature V1 (HMAC-SHA1) and sent with the platform's global `fetch`.
 *
 * @example
 * import { cancelUploadDocumentJob, GpdbError } from "gpdb-edge";
 * const result = await cancelUploadDocumentJob({
 *   credentials: { accessKeyId, accessKeySecret },
 *   regionId: "cn-hangzhou",
 *   dbInstanceId: "gp-xxxxxxxxx",
 *   collection: "document",
 *   namespacePassword,
 *   jobId: "231460f8-75dc-405e-a669-0c5204887e91",
 * });
 * // { requestId: "…", status: "success", message: "success" }
 */

/** An AccessKey pair, optionally with an STS security token. */
export interface Credentials {
  /** `AccessKeyId`. Sent in `Authorization` (V3) or the URL (V2); not a secret. Visible ASCII with V3. */
  accessKeyId: string;
  /** `AccessKeySecret`. Only ever used as the HMAC key; never sent, logged or put in an error. */
  accessKeySecret: string;
  /**
   * STS `SecurityToken`. Sent in the signed `x-acs-security-token` header (V3) or the signed form
   * body (V2), never in the URL. Visible ASCII with V3.
   */
  securityToken?: string | null;
  /**
   * When the credentials stop working (from a provider). They are reused until 5 minutes before
   * this time, then the provider is called again. A string must say its zone (`…Z`, `…+08:00`).
   */
  expiration?: Date | string | number | null;
}

/**
 * An async function returning credentials, e.g. from your backend or an STS call. Its result is
 * cached per function until 5 minutes before `expiration` (for ever without one), and concurrent
 * calls share one in-flight provider call. A provider that throws or returns something malformed
 * rejects with `kind: "credentials"` and the original error as `cause`.
 */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

/** The parameters of CancelUploadDocumentJob and where to send it. */
export interface CancelUploadDocumentJobParameters {
  /** `RegionId`, e.g. `"cn-hangzhou"`. Also picks the default endpoint. */
  regionId: string;
  /** `DBInstanceId`, e.g. `"gp-xxxxxxxxx"`. */
  dbInstanceId: string;
  /** `Namespace`. Default `"public"`. */
  namespace?: string | null;
  /** `Collection`. */
  collection: string;
  /** `NamespacePassword`. Sent in the signed form body, never in the URL, never in an error. */
  namespacePassword: string;
  /** `JobId`, as returned by UploadDocumentAsync. */
  jobId: string;
  /**
   * The API endpoint the request is for: `https://…` or `http://…` — a VPC endpoint or a local
   * mock. Default: the official gpdb endpoint for `regionId` (`https://gpdb.aliyuncs.com/` or
   * `https://gpdb.<region>.aliyuncs.com/`). Signature V3 signs its host.
   */
  endpoint?: string | null;
  /**
   * Send the request here instead, e.g. a console's own proxy (`https://console.example.com/api/gpdb`):
   * same query string, headers and body, signed for `endpoint` (its host, path `/`). The proxy
   * forwards method, headers and body unchanged to `endpoint`, minus cookies, and passes answers
   * through: a redirect is never followed (kind `"response"`, code `"RedirectRefused"`).
   */
  proxyUrl?: string | null;
  /**
   * `true` lets `endpoint` and `proxyUrl` be `http://` to a host other than `localhost`,
   * `127.0.0.0/8` or `[::1]`: the token, the password and the signature then cross the network in
   * cleartext. Default: refused before anything is sent (kind `"input"`, code `"InsecureEndpoint"`).
   */
  allowInsecureHttp?: boolean | null;
  /**
   * `"v3"` (default): `ACS3-HMAC-SHA256`, the signature in `Authorization`, as the official SDKs
   * sign. `"v2"`: the RPC signature (`SignatureVersion=1.0`, HMAC-SHA1 in the URL's `Signature`),
   * which Alibaba calls discontinued; byte-identical to earlier versions of this package.
   */
  signatureVersion?: "v3" | "v2" | null;
}

/** Options of {@link cancelUploadDocumentJob}. Unknown keys are rejected (kind `"input"`). */
export interface CancelUploadDocumentJobOptions extends CancelUploadDocumentJobParameters {
  /**
   * Credentials, or an async provider of them. When omitted in Node.js (and Bun), they are read from
   * `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and `ALIBABA_CLOUD_SECURITY_TOKEN`;
   * elsewhere omitting them is an input error.
   */
  credentials?: Credentials | CredentialsProvider;
  /**
   * Aborts the call at once — before sending, during a request, or while waiting to retry. The
   * rejection has `kind: "aborted"` and the signal's `reason` as `cause`.
   */
  signal?: AbortSignal | null;
  /** Per-attempt timeout in milliseconds (1 to 2147483647). Default 10000. Rejects with `kind: "timeout"`. */
  timeoutMs?: number | null;
  /**
   * Retries after the first attempt (0 to 10). Default 2. Network failures, timeouts, 429, 500,
   * 502, 503, 504 and the `Throttling*`, `ServiceUnavailable` and `InternalError` codes are retried
   * after a full-jitter exponential backoff (base 100 ms, cap 20 s) or the `x-acs-retry-after` /
   * `Retry-After` the server sent. Every attempt is signed again with a fresh nonce and timestamp.
   */
  maxRetries?: number | null;
}

/** Options of {@link signCancelUploadDocumentJob}. */
export interface SignCancelUploadDocumentJobOptions extends CancelUploadDocumentJobParameters {
  /** Credentials (a plain object: signing is synchronous). Node.js falls back to the environment. */
  credentials?: Credentials;
  /**
   * The time to sign (`x-acs-date`, V2 `Timestamp`): a `Date`, or an ISO 8601 string with its zone
   * (`2024-01-01T00:00:00Z`, `…+08:00`); a string without one is refused (kind `"input"`), never read
   * as local time. Default: now, corrected by any clock offset learnt from the server.
   */
  timestamp?: Date | string | null;
  /** The nonce to sign (`x-acs-signature-nonce`, V2 `SignatureNonce`). Default: 128 random bits as 32 hex digits. */
  nonce?: string | null;
  /** Accepted (and checked) so one options object serves both functions; not used for signing. */
  signal?: AbortSignal | null;
  /** Accepted and checked; not used for signing. */
  timeoutMs?: number | null;
  /** Accepted and checked; not used for signing. */
  maxRetries?: number | null;
}

/** A successful cancel. */
export interface CancelUploadDocumentJobResult {
  /** `RequestId` (of the GetUploadDocumentJob that showed the job cancelled, with `alreadyCancelled`). */
  requestId: string;
  /** Always `"success"`: `Status: "fail"` rejects with a {@link GpdbError} of kind `"api"`. */
  status: "success";
  /** `Message`. */
  message: string;
  /**
   * `true` when an attempt's answer was lost (a timeout or a broken connection) after the server
   * had cancelled the job, a retry was told `UploadDocumentJob.StatusInvalid`, and
   * GetUploadDocumentJob showed the job `Cancelling` or `Cancelled`. Absent otherwise. A first
   * attempt told `StatusInvalid` rejects as usual.
   */
  alreadyCancelled?: true;
}

/** Options of {@link getUploadDocumentJob}: the same as the cancel's. */
export type GetUploadDocumentJobOptions = CancelUploadDocumentJobOptions;
/** Options of {@link signGetUploadDocumentJob}: the same as the cancel's. */
export type SignGetUploadDocumentJobOptions = SignCancelUploadDocumentJobOptions;

/** `Job.Status` of GetUploadDocumentJob. */
export type UploadDocumentJobStatus = "Pending" | "Start" | "Running" | "Success" | "Failed" | "Cancelling" | "Cancelled";

/**
 * GetUploadDocumentJob's answer, its names in camelCase. Every field the API leaves out is left
 * out here too. Source: the official SDK's `GetUploadDocumentJobResponseBody` models.
 */
export interface UploadDocumentJobState {
  /** `RequestId`. */
  requestId: string;
  job: {
    /** `Id`: the job id. */
    id?: string;
    /** `Status`. */
    status?: UploadDocumentJobStatus;
    /** `Completed`. */
    completed?: boolean;
    /** `Progress`, percent. */
    progress?: number;
    /** `Error`: why the job failed. */
    error?: string;
    /** `ErrorCode`. */
    errorCode?: string;
    /** `CreateTime`, as the API writes it, e.g. `"2024-01-08 16:52:04.864664"` (no time zone). */
    createTime?: string;
    /** `UpdateTime`, likewise. */
    updateTime?: string;
  };
  /** `ChunkResult`: the chunking's output files (URLs valid for 2 hours), once there are some. */
  chunkResult?: {
    /** `ChunkFileUrl`: JSON lines, one chunk with its metadata a line. */
    chunkFileUrl?: string;
    /** `PlainChunkFileUrl`: plain text, one chunk a line. */
    plainChunkFileUrl?: string;
    /** `DocumentLoaderResultFileUrl`: the document loader's markdown (newer API versions). */
    documentLoaderResultFileUrl?: string;
  };
  /** `Usage`: what the embedding used, once there is something. */
  usage?: {
    /** `EmbeddingEntries`. */
    embeddingEntries?: number;
    /** `EmbeddingTokens`. */
    embeddingTokens?: number;
  };
}

/** Options of {@link waitForUploadDocumentJob}. */
export interface WaitForUploadDocumentJobOptions extends GetUploadDocumentJobOptions {
  /** The statuses to wait for. Default `["Success", "Failed", "Cancelled"]`: those a job stays in. */
  until?: UploadDocumentJobStatus[];
  /** Between two polls, in milliseconds (1 to 2147483647). Default 2000. */
  pollIntervalMs?: number;
  /**
   * How long to wait in all, in milliseconds (1 to 2147483647). Default 300000 (5 minutes).
   * Rejects with kind `"timeout"`, code `"WaitTimeout"` and `lastStatus`.
   */
  maxWaitMs?: number;
}

/** A signed request, ready for `fetch(url, { method, headers, body })`; `fetch` adds `host`. */
export interface SignedRequest {
  method: "POST";
  /**
   * `endpoint` (or `proxyUrl`) + `?DBInstanceId=…&RegionId=…`; with V2 also the common parameters
   * and `Signature`. No secret.
   */
  url: string;
  /**
   * Lower-case names. Both versions: `content-type`, `accept`, `x-acs-action`, `x-acs-version`.
   * V3 adds `authorization` (`ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex>`:
   * a credential, do not log it), `x-acs-date` (`yyyy-MM-ddTHH:mm:ssZ`, UTC), `x-acs-signature-nonce`,
   * `x-acs-content-sha256` (hex SHA-256 of `body`) and, with STS credentials, `x-acs-security-token`
   * (a secret).
   */
  headers: {
    "content-type": "application/x-www-form-urlencoded";
    accept: "application/json";
    "x-acs-action": "CancelUploadDocumentJob";
    "x-acs-version": "2016-05-03";
  } & Record<string, string>;
  /** `Collection`, `JobId`, `Namespace`, `NamespacePassword` (and, with V2, `SecurityToken`), form-encoded. */
  body: string;
}

/** What went wrong. */
export type GpdbErrorKind =
  /** An option is missing, of the wrong type or malformed. Nothing was sent. */
  | "input"
  /** The credentials or their provider failed. Nothing was sent. */
  | "credentials"
  /** Alibaba Cloud answered with an error (or `Status: "fail"`). */
  | "api"
  /** `fetch` failed: DNS, connection refused or reset, CORS. */
  | "network"
  /** An attempt took longer than `timeoutMs`. */
  | "timeout"
  /** The `signal` fired. */
  | "aborted"
  /** The answer was not the API's: not JSON, truncated, too large (over 1 MiB), fields missing. */
  | "response"
  /**
   * The runtime lacks what signing needs: `crypto.getRandomValues` failed (`"NoRandomness"`), or
   * the wasm was loaded without its entry file (`"NotInstalled"`). Nothing was sent; not retryable.
   */
  | "environment";

/**
 * Every rejection and every thrown error of this package. Never carries a secret: the AccessKey
 * secret, the security token and the namespace password are scrubbed even from text the server
 * echoes back.
 */
export declare class GpdbError extends Error {
  readonly name: "GpdbError";
  readonly kind: GpdbErrorKind;
  /**
   * Alibaba's `Code` for API errors (e.g. `"SignatureDoesNotMatch"`, `"Throttling.User"`,
   * `"OperationFailed"` for `Status: "fail"`); a stable local code otherwise: `"MissingParameter"`,
   * `"EmptyParameter"`, `"InvalidCharacter"`, `"ParameterTooLong"`, `"MalformedParameter"`,
   * `"InvalidType"`, `"UnknownOption"`, `"CredentialsProviderFailed"`, `"NetworkError"`,
   * `"Timeout"`, `"Aborted"`, `"MalformedResponse"`, `"ResponseTooLarge"`, `"NotReady"`,
   * `"NoRandomness"`, `"NotInstalled"`, `"WaitTimeout"`, `"InsecureEndpoint"` (input: `http://` off
   * loopback), `"RedirectRefused"` (response: a 3xx, never followed; `httpStatus` 0 for a browser's
   * opaque redirect), `"AmbiguousResponse"` (response: a field named twice).
   */
  readonly code: string;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** Requests sent before giving up (0 when the call failed before sending). */
  readonly attempts: number;
  /** The option at fault, for `"input"` and `"credentials"` errors, e.g. `"dbInstanceId"`. */
  readonly field?: string;
  /** `RequestId`, for API errors: quote it to Alibaba Cloud support. */
  readonly requestId?: string;
  /** `HostId`, for API errors. */
  readonly hostId?: string;
  /** `Recommend`, for API errors: a link to Alibaba Cloud's diagnosis of this request. */
  readonly recommend?: string;
  /** The HTTP status, for `"api"` and `"response"` errors. */
  readonly httpStatus?: number;
  /** The job's status at the last poll, for a `"WaitTimeout"`. */
  readonly lastStatus?: UploadDocumentJobStatus;
  /** The original JS error or abort reason, where there was one. */
  readonly cause?: unknown;
}

/**
 * Signs and sends CancelUploadDocumentJob. Resolves with the result; rejects with a
 * {@link GpdbError} only. Bad input is rejected before anything is sent.
 */
export declare function cancelUploadDocumentJob(options: CancelUploadDocumentJobOptions): Promise<CancelUploadDocumentJobResult>;

/**
 * Builds the signed request without sending it — for proxies, tests and reproducible output.
 * Synchronous; throws a {@link GpdbError}. In browsers, `await ready()` (or any
 * `cancelUploadDocumentJob` call) must have loaded the WebAssembly first.
 */
export declare function signCancelUploadDocumentJob(options: SignCancelUploadDocumentJobOptions): SignedRequest;

/**
 * Signs and sends GetUploadDocumentJob: the job's status, progress, times, error, chunk files and
 * usage. Rejects with a {@link GpdbError} only.
 */
export declare function getUploadDocumentJob(options: GetUploadDocumentJobOptions): Promise<UploadDocumentJobState>;

/**
 * Polls GetUploadDocumentJob every `pollIntervalMs` until the job's status is one of `until`, and
 * resolves the last state. Rejects with kind `"timeout"` (code `"WaitTimeout"`, `lastStatus`)
 * after `maxWaitMs`; `signal` aborts it at once, during a poll or between two.
 */
export declare function waitForUploadDocumentJob(options: WaitForUploadDocumentJobOptions): Promise<UploadDocumentJobState>;

/** Builds the signed GetUploadDocumentJob request without sending it, as {@link signCancelUploadDocumentJob}. */
export declare function signGetUploadDocumentJob(options: SignGetUploadDocumentJobOptions): SignedRequest;

/**
 * Resolves when the WebAssembly is loaded. Browsers load it on first use; every other runtime
 * loads it at import, so this resolves at once there.
 */
export declare function ready(): Promise<void>;
