/**
 * gpdb-edge: cancel an AnalyticDB for PostgreSQL (gpdb, API 2016-05-03) upload document job, and
 * read its state, from Cloudflare Workers, Next.js and Vercel edge functions, Node.js, Deno, Bun
 * and browsers. Requests are signed in WebAssembly with Alibaba Cloud signature V3
 * (`ACS3-HMAC-SHA256`) by default, or the RPC signature V2 (HMAC-SHA1) with
 * `signatureVersion: "v2"`, and sent with the platform's global `fetch`.
 *
 * @example
 * import { cancelUploadDocumentJob, isGpdbError } from "gpdb-edge";
 * try {
 *   const result = await cancelUploadDocumentJob({
 *     credentials: { accessKeyId: "LTAI…", accessKeySecret: "…" },
 *     regionId: "cn-hangzhou",
 *     dbInstanceId: "gp-xxxxxxxxx",
 *     collection: "document",
 *     namespacePassword: "…",
 *     jobId: "231460f8-75dc-405e-a669-0c5204887e91",
 *   });
 *   // { requestId: "…", status: "success", message: "success" }
 * } catch (error) {
 *   if (isGpdbError(error) && error.kind === "api") console.error(error.code, error.requestId);
 *   throw error;
 * }
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
  securityToken?: string | null | undefined;
  /**
   * When the credentials stop working (from a provider). They are reused until 5 minutes before
   * this time, then the provider is called again. A string must say its zone (`…Z`, `…+08:00`).
   */
  expiration?: Date | string | number | null | undefined;
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
  namespace?: string | null | undefined;
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
  endpoint?: string | null | undefined;
  /**
   * Send the request here instead, e.g. a console's own proxy (`https://console.example.com/api/gpdb`):
   * same query string, headers and body, signed for `endpoint` (its host, path `/`). The proxy
   * forwards method, headers and body unchanged to `endpoint`, minus cookies, and passes answers
   * through: a redirect is never followed (kind `"response"`, code `"RedirectRefused"`).
   */
  proxyUrl?: string | null | undefined;
  /**
   * `true` lets `endpoint` and `proxyUrl` be `http://` to a host other than `localhost`,
   * `127.0.0.0/8` or `[::1]`: the token, the password and the signature then cross the network in
   * cleartext. Default: refused before anything is sent (kind `"input"`, code `"InsecureEndpoint"`).
   */
  allowInsecureHttp?: boolean | null | undefined;
  /**
   * `"v3"` (default): `ACS3-HMAC-SHA256`, the signature in `Authorization`, as the official SDKs
   * sign. `"v2"`: the RPC signature (`SignatureVersion=1.0`, HMAC-SHA1 in the URL's `Signature`),
   * which Alibaba calls discontinued; byte-identical to earlier versions of this package.
   */
  signatureVersion?: "v3" | "v2" | null | undefined;
}

/** Options of {@link cancelUploadDocumentJob}. Unknown keys are rejected (kind `"input"`). */
export interface CancelUploadDocumentJobOptions extends CancelUploadDocumentJobParameters {
  /**
   * Credentials, or an async provider of them. When omitted in Node.js (and Bun), they are read from
   * `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and `ALIBABA_CLOUD_SECURITY_TOKEN`;
   * elsewhere omitting them is an input error.
   */
  credentials?: Credentials | CredentialsProvider | null | undefined;
  /**
   * Aborts the call at once — before sending, during a request, or while waiting to retry. The
   * rejection has `kind: "aborted"` and the signal's `reason` as `cause`.
   */
  signal?: AbortSignal | null | undefined;
  /** Per-attempt timeout in milliseconds (1 to 2147483647). Default 10000. Rejects with `kind: "timeout"`. */
  timeoutMs?: number | null | undefined;
  /**
   * Retries after the first attempt (0 to 10). Default 2. Network failures, timeouts, 429, 500,
   * 502, 503, 504 and the `Throttling*`, `ServiceUnavailable` and `InternalError` codes are retried
   * after a full-jitter exponential backoff (base 100 ms, cap 20 s) or the `x-acs-retry-after` /
   * `Retry-After` the server sent. Every attempt is signed again with a fresh nonce and timestamp.
   */
  maxRetries?: number | null | undefined;
}

/** Options of {@link signCancelUploadDocumentJob}. */
export interface SignCancelUploadDocumentJobOptions extends CancelUploadDocumentJobParameters {
  /** Credentials (a plain object: signing is synchronous). Node.js falls back to the environment. */
  credentials?: Credentials | null | undefined;
  /**
   * The time to sign (`x-acs-date`, V2 `Timestamp`): a `Date`, or an ISO 8601 string with its zone
   * (`2024-01-01T00:00:00Z`, `…+08:00`); a string without one is refused (kind `"input"`), never read
   * as local time. Default: now, corrected by any clock offset learnt from the server.
   */
  timestamp?: Date | string | null | undefined;
  /** The nonce to sign (`x-acs-signature-nonce`, V2 `SignatureNonce`). Default: 128 random bits as 32 hex digits. */
  nonce?: string | null | undefined;
  /** Accepted (and checked) so one options object serves both functions; not used for signing. */
  signal?: AbortSignal | null | undefined;
  /** Accepted and checked; not used for signing. */
  timeoutMs?: number | null | undefined;
  /** Accepted and checked; not used for signing. */
  maxRetries?: number | null | undefined;
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

/** The statuses the API documents for `Job.Status` (the official SDK's `GetUploadDocumentJobResponseBody`). */
export type KnownUploadDocumentJobStatus = "Pending" | "Start" | "Running" | "Success" | "Failed" | "Cancelling" | "Cancelled";

/**
 * `Job.Status` as the API sent it: one of the documented statuses, or any other string, passed
 * through unchanged. Editors still complete the known ones.
 */
export type UploadDocumentJobStatus = KnownUploadDocumentJobStatus | (string & {});

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
  /**
   * The statuses to wait for, among the documented ones. Default `["Success", "Failed", "Cancelled"]`:
   * those a job stays in. A `readonly` array (`as const`) is accepted.
   */
  until?: readonly KnownUploadDocumentJobStatus[] | undefined;
  /** Between two polls, in milliseconds (1 to 2147483647). Default 2000. */
  pollIntervalMs?: number | undefined;
  /**
   * How long to wait in all, in milliseconds (1 to 2147483647). Default 300000 (5 minutes).
   * Rejects with kind `"timeout"`, code `"WaitTimeout"` and `lastStatus`.
   */
  maxWaitMs?: number | undefined;
}

/** The headers of a {@link SignedRequest} for `Action`. */
export type SignedHeaders<Action extends string = string, Version extends string = string> = {
  "content-type": "application/x-www-form-urlencoded";
  accept: "application/json";
  "x-acs-action": Action;
  "x-acs-version": Version;
} & Record<string, string>;

/** A signed request, ready for `fetch(url, { method, headers, body })`; `fetch` adds `host`. */
export interface SignedRequest<Action extends string = string, Version extends string = string> {
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
  headers: SignedHeaders<Action, Version>;
  /** `Collection`, `JobId`, `Namespace`, `NamespacePassword` (and, with V2, `SecurityToken`), form-encoded. */
  body: string;
}

/** What {@link signCancelUploadDocumentJob} returns. */
export type SignedCancelUploadDocumentJobRequest = SignedRequest<"CancelUploadDocumentJob", "2016-05-03">;
/** What {@link signGetUploadDocumentJob} returns. */
export type SignedGetUploadDocumentJobRequest = SignedRequest<"GetUploadDocumentJob", "2016-05-03">;

// Error codes, kind by kind. The one list is src/error-codes.json in the repository; a test keeps
// these types, the README, the Rust errors and the JS glue in step with it.

/** Codes of kind `"input"`. */
export type InputErrorCode =
  | "MissingParameter"
  | "EmptyParameter"
  | "InvalidCharacter"
  | "ParameterTooLong"
  | "MalformedParameter"
  | "InvalidType"
  | "UnknownOption"
  /** `http://` to a host other than loopback, without `allowInsecureHttp`. */
  | "InsecureEndpoint";

/** Codes of kind `"credentials"`. */
export type CredentialsErrorCode =
  | "MissingParameter"
  | "EmptyParameter"
  | "InvalidCharacter"
  | "ParameterTooLong"
  | "MalformedParameter"
  | "InvalidType"
  | "UnknownOption"
  | "CredentialsProviderFailed"
  | "EnvironmentDenied";

/**
 * Alibaba Cloud codes of kind `"api"` that this package acts on or is tested against, and
 * `"OperationFailed"` (a 2xx answer with `Status: "fail"` and no code of its own).
 */
export type KnownApiErrorCode =
  | "OperationFailed"
  | "SignatureDoesNotMatch"
  | "IncompleteSignature"
  | "SignatureNonceUsed"
  | "InvalidAccessKeyId.NotFound"
  | "InvalidSecurityToken.Expired"
  | "InvalidSecurityToken.Malformed"
  | "InvalidSecurityToken.Mismatch"
  | "InvalidTimeStamp.Expired"
  | "IllegalTimestamp"
  | "Forbidden.RAM"
  | "NoPermission"
  | "Throttling"
  | "Throttling.User"
  | "Throttling.Api"
  | "ServiceUnavailable"
  | "InternalError"
  | "UploadDocumentJob.NotFound"
  | "UploadDocumentJob.StatusInvalid";

/** Codes of kind `"api"`: Alibaba's `Code`, any string; editors complete the known ones. */
export type ApiErrorCode = KnownApiErrorCode | (string & {});

/** Codes of kind `"response"`. */
export type ResponseErrorCode =
  | "MalformedResponse"
  | "ResponseTooLarge"
  /** The answer names a field twice (`JSON.parse` would read it otherwise). */
  | "AmbiguousResponse"
  /** A 3xx, never followed (`httpStatus` 0 for a browser's opaque redirect). */
  | "RedirectRefused";

/** Codes of kind `"network"`: `fetch` failed, or (browsers, edge functions) loading the wasm did. */
export type NetworkErrorCode =
  | "NetworkError"
  | "WasmLoadFailed";

/** Codes of kind `"timeout"`: one attempt (`timeoutMs`), or {@link waitForUploadDocumentJob} (`maxWaitMs`). */
export type TimeoutErrorCode =
  | "Timeout"
  | "WaitTimeout";

/** Codes of kind `"aborted"`. */
export type AbortedErrorCode =
  | "Aborted";

/**
 * Codes of kind `"environment"`: `crypto.getRandomValues` failed (`NoRandomness`), the wasm was
 * loaded without its entry file (`NotInstalled`), or a signing function ran before the browser
 * entry loaded the wasm (`NotReady`: `await ready()` first).
 */
export type EnvironmentErrorCode =
  | "NoRandomness"
  | "NotInstalled"
  | "NotReady";

/** Every code a {@link GpdbError} can carry. */
export type GpdbErrorCode =
  | InputErrorCode
  | CredentialsErrorCode
  | ApiErrorCode
  | ResponseErrorCode
  | NetworkErrorCode
  | TimeoutErrorCode
  | AbortedErrorCode
  | EnvironmentErrorCode;

/** What went wrong. */
export type GpdbErrorKind =
  /** An option is missing, of the wrong type or malformed. Nothing was sent. */
  | "input"
  /** The credentials or their provider failed. Nothing was sent. */
  | "credentials"
  /** Alibaba Cloud answered with an error (or `Status: "fail"`). */
  | "api"
  /** `fetch` failed: DNS, connection refused or reset, CORS; or the wasm could not be loaded. */
  | "network"
  /** An attempt took longer than `timeoutMs`, or the wait longer than `maxWaitMs`. */
  | "timeout"
  /** The `signal` fired. */
  | "aborted"
  /** The answer was not the API's: not JSON, truncated, too large (over 1 MiB), fields missing. */
  | "response"
  /** The runtime lacks what signing needs. Nothing was sent; not retryable. */
  | "environment";

/**
 * What every {@link GpdbError} has. Never carries a secret: the AccessKey secret, the security
 * token and the namespace password are scrubbed even from text the server echoes back.
 */
export interface GpdbErrorBase<Kind extends GpdbErrorKind, Code extends string> extends Error {
  readonly name: "GpdbError";
  readonly kind: Kind;
  /** A stable local code; for kind `"api"`, Alibaba's own. */
  readonly code: Code;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** Requests sent before giving up (0 when the call failed before sending; polls, for `"WaitTimeout"`). */
  readonly attempts: number;
  /** The original JS error or abort reason, where there was one. */
  readonly cause?: unknown;
  /** The option at fault: on kinds `"input"` and `"credentials"` only. */
  readonly field?: string;
  /** The HTTP status: on kinds `"api"` and `"response"` only. */
  readonly httpStatus?: number;
  /** `RequestId`: on kind `"api"` only. */
  readonly requestId?: string;
  /** `HostId`: on kind `"api"` only. */
  readonly hostId?: string;
  /** `Recommend`: on kind `"api"` only. */
  readonly recommend?: string;
  /** The job's status at the last poll: on code `"WaitTimeout"` only. */
  readonly lastStatus?: UploadDocumentJobStatus | undefined;
}

/** An option is missing, of the wrong type or malformed. Nothing was sent. */
export interface GpdbInputError extends GpdbErrorBase<"input", InputErrorCode> {
  /** The option at fault, e.g. `"dbInstanceId"`, `"timestamp"`, `"DBInstanceId"` (an unknown option). */
  readonly field: string;
  readonly httpStatus?: never;
  readonly requestId?: never;
  readonly hostId?: never;
  readonly recommend?: never;
  readonly lastStatus?: never;
}

/** The credentials are missing or malformed, or their provider failed (`cause`). Nothing was sent. */
export interface GpdbCredentialsError extends GpdbErrorBase<"credentials", CredentialsErrorCode> {
  /** `"credentials"`, or the credential at fault, e.g. `"credentials.accessKeyId"`. */
  readonly field: string;
  readonly httpStatus?: never;
  readonly requestId?: never;
  readonly hostId?: never;
  readonly recommend?: never;
  readonly lastStatus?: never;
}

/** Alibaba Cloud answered with an error, or with `Status: "fail"`. */
export interface GpdbApiError extends GpdbErrorBase<"api", ApiErrorCode> {
  /** The HTTP status of the answer. */
  readonly httpStatus: number;
  /** `RequestId`: quote it to Alibaba Cloud support. */
  readonly requestId?: string;
  /** `HostId`. */
  readonly hostId?: string;
  /** `Recommend`: a link to Alibaba Cloud's diagnosis of this request. */
  readonly recommend?: string;
  readonly field?: never;
  readonly lastStatus?: never;
}

/** The answer was not the API's: not JSON, truncated, over 1 MiB, fields missing. */
export interface GpdbResponseError extends GpdbErrorBase<"response", ResponseErrorCode> {
  /** The HTTP status of the answer. */
  readonly httpStatus: number;
  readonly field?: never;
  readonly requestId?: never;
  readonly hostId?: never;
  readonly recommend?: never;
  readonly lastStatus?: never;
}

/** `fetch` failed (`NetworkError`), or the wasm could not be loaded (`WasmLoadFailed`). */
export interface GpdbNetworkError extends GpdbErrorBase<"network", NetworkErrorCode> {
  readonly field?: never;
  readonly httpStatus?: never;
  readonly requestId?: never;
  readonly hostId?: never;
  readonly recommend?: never;
  readonly lastStatus?: never;
}

/** An attempt exceeded `timeoutMs` (`Timeout`), or {@link waitForUploadDocumentJob} `maxWaitMs` (`WaitTimeout`). */
export interface GpdbTimeoutError extends GpdbErrorBase<"timeout", TimeoutErrorCode> {
  /** The job's status at the last poll, for `"WaitTimeout"` (`undefined` if the API sent none). */
  readonly lastStatus?: UploadDocumentJobStatus | undefined;
  readonly field?: never;
  readonly httpStatus?: never;
  readonly requestId?: never;
  readonly hostId?: never;
  readonly recommend?: never;
}

/** The `signal` fired; `cause` is its `reason`. */
export interface GpdbAbortedError extends GpdbErrorBase<"aborted", AbortedErrorCode> {
  readonly field?: never;
  readonly httpStatus?: never;
  readonly requestId?: never;
  readonly hostId?: never;
  readonly recommend?: never;
  readonly lastStatus?: never;
}

/** The runtime lacks what signing needs. Nothing was sent; not retryable. */
export interface GpdbEnvironmentError extends GpdbErrorBase<"environment", EnvironmentErrorCode> {
  readonly field?: never;
  readonly httpStatus?: never;
  readonly requestId?: never;
  readonly hostId?: never;
  readonly recommend?: never;
  readonly lastStatus?: never;
}

/**
 * Every rejection and every thrown error of this package, discriminated by `kind`: check `kind`
 * (then `code`) and TypeScript knows which fields exist.
 */
export type GpdbError =
  | GpdbInputError
  | GpdbCredentialsError
  | GpdbApiError
  | GpdbResponseError
  | GpdbNetworkError
  | GpdbTimeoutError
  | GpdbAbortedError
  | GpdbEnvironmentError;

/**
 * The class of every {@link GpdbError}, for `error instanceof GpdbError`. The package creates
 * them; constructing one yourself is not supported.
 */
export declare const GpdbError: (abstract new (message: never) => GpdbError) & {
  readonly prototype: GpdbError;
};

/**
 * Whether `value` is a {@link GpdbError}: `instanceof GpdbError` as a function, and a type guard.
 * Both check a brand (`Symbol.for("gpdb-edge.GpdbError")`), not the prototype, because the class
 * exists more than once: the package carries one copy for its ES module entries and one for
 * Node's `require`, and an app may hold two copies of the package (a bundled one, another
 * version). An error of any copy passes.
 */
export declare function isGpdbError(value: unknown): value is GpdbError;

/**
 * Signs and sends CancelUploadDocumentJob. Resolves with the result; rejects with a
 * {@link GpdbError} only. Bad input is rejected before anything is sent.
 */
export declare function cancelUploadDocumentJob(options: CancelUploadDocumentJobOptions): Promise<CancelUploadDocumentJobResult>;

/**
 * Builds the signed request without sending it — for proxies, tests and reproducible output.
 * Synchronous; throws a {@link GpdbError}. In browsers and edge functions, `await ready()` (or any
 * sending call) must have loaded the WebAssembly first; before that it throws kind
 * `"environment"`, code `"NotReady"`.
 */
export declare function signCancelUploadDocumentJob(options: SignCancelUploadDocumentJobOptions): SignedCancelUploadDocumentJobRequest;

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
export declare function signGetUploadDocumentJob(options: SignGetUploadDocumentJobOptions): SignedGetUploadDocumentJobRequest;

/**
 * Resolves when the WebAssembly is loaded. The browser and edge (`edge-light`) entries load it on
 * first use, and reject with kind `"network"`, code `"WasmLoadFailed"` if it cannot be loaded
 * (a later call tries again); every other runtime loads it at import, so this resolves at once.
 */
export declare function ready(): Promise<void>;

// --- Any Alibaba Cloud RPC API: callApi, signApiRequest, assumeRole ---------------------------

/** A parameter value: sent as its string form (`String(value)`). Objects and arrays are refused: pass JSON text or flat keys (`Tag.1.Key`). */
export type ApiParameterValue = string | number | boolean;

/** The parameters of one place (query string or form body), by the API's own names (`RoleArn`, `Tag.1.Key`). */
export type ApiParameters = Record<string, ApiParameterValue>;

/** The action of {@link callApi} and {@link signApiRequest}, and where to send it. */
export interface ApiRequestParameters {
  /** `Action`, e.g. `"AssumeRole"`: ASCII letters and digits. */
  action: string;
  /** `Version`, the API's date, e.g. `"2015-04-01"` (`YYYY-MM-DD`). */
  version: string;
  /** The product's endpoint, e.g. `"https://sts.aliyuncs.com"`: required (the request is signed for its host). */
  endpoint: string;
  /** Where to send instead: a proxy that forwards the request to `endpoint` unchanged. */
  proxyUrl?: string | null;
  /** `true` lets `endpoint` and `proxyUrl` be `http://` beyond loopback (cleartext); default: refused, kind `"input"`, code `"InsecureEndpoint"`. */
  allowInsecureHttp?: boolean | null | undefined;
  /** Parameters for the query string, as the API reference places them. */
  query?: ApiParameters | null;
  /** Parameters for the `application/x-www-form-urlencoded` body. */
  body?: ApiParameters | null;
  /**
   * Names of parameters whose values are secrets: removed from every error, in every encoding.
   * `NamespacePassword` and `Password` are secrets without being named here.
   */
  secrets?: readonly string[] | null;
  /** Signature method: `"v3"` (ACS3-HMAC-SHA256, the default) or `"v2"` (HMAC-SHA1). */
  signatureVersion?: "v3" | "v2" | null;
}

/** Options of {@link callApi}. */
export interface CallApiOptions extends ApiRequestParameters {
  /** Credentials, or an async provider of them (such as {@link assumeRole}'s). Node.js falls back to the environment. */
  credentials?: Credentials | CredentialsProvider;
  /**
   * Whether sending the action twice has the effect of sending it once. Default `false`: only
   * failures that surely were not applied are retried (`Throttling*`, 429, a connection refused or
   * never opened). `true` also retries timeouts, lost connections and 5xx answers.
   */
  idempotent?: boolean | null;
  /** Aborts the call at once; the rejection has `kind: "aborted"`. */
  signal?: AbortSignal | null;
  /** Per-attempt timeout in milliseconds (1 to 2147483647). Default 10000. */
  timeoutMs?: number | null;
  /** Retries after the first attempt (0 to 10). Default 2; which failures are retried depends on `idempotent`. */
  maxRetries?: number | null;
}

/** Options of {@link signApiRequest}. */
export interface SignApiRequestOptions extends ApiRequestParameters {
  /** Credentials (a plain object: signing is synchronous). Node.js falls back to the environment. */
  credentials?: Credentials;
  /** The time to sign. Default: now. */
  timestamp?: Date | string | null;
  /** The nonce to sign. Default: 128 random bits as 32 hex digits. */
  nonce?: string | null;
}

/** Options of {@link assumeRole}: STS AssumeRole (2015-04-01) for a RAM role. */
export interface AssumeRoleOptions {
  /** The RAM user's (or another role's) credentials that may assume the role. */
  credentials?: Credentials | CredentialsProvider;
  /** `RoleArn`: `acs:ram::<account id>:role/<role name>`. */
  roleArn: string;
  /** `RoleSessionName`: 2 to 64 of letters, digits, `.`, `@`, `-`, `_`; shown in ActionTrail. */
  roleSessionName: string;
  /** `Policy`: the session policy, an object or its JSON text (1 to 2048 characters); narrows the role's permissions. */
  policy?: object | string | null;
  /** `DurationSeconds`: 900 to 43200 (and at most the role's MaxSessionDuration). The API's default is 3600. */
  durationSeconds?: number | null;
  /** `ExternalId`: 2 to 1224 of letters, digits and `= , . @ : / - _`. */
  externalId?: string | null;
  /** STS's endpoint. Default `"https://sts.aliyuncs.com"`. */
  endpoint?: string | null;
  /** Where to send instead: a proxy that forwards to `endpoint` unchanged. */
  proxyUrl?: string | null;
  /** `true` lets `endpoint` and `proxyUrl` be `http://` beyond loopback (cleartext); default: refused. */
  allowInsecureHttp?: boolean | null | undefined;
  /** Signature method: `"v3"` (the default) or `"v2"` (as the official STS client signs). */
  signatureVersion?: "v3" | "v2" | null;
  /** Per-attempt timeout in milliseconds. Default 10000. */
  timeoutMs?: number | null;
  /** Retries of transient failures (AssumeRole changes nothing). Default 2. */
  maxRetries?: number | null;
}

/** What an {@link assumeRole} provider resolves: STS credentials and when they expire. */
export interface AssumedRoleCredentials extends Credentials {
  securityToken: string;
  /** `Expiration`, as STS writes it: `"2015-04-09T11:52:19Z"`. */
  expiration: string;
}

/**
 * Signs and sends any Alibaba Cloud RPC action; resolves its JSON answer as parsed, with the
 * API's own (PascalCase) keys. Rejects with a {@link GpdbError}: for kind `"api"` the API's `code`,
 * `message`, `requestId` and `recommend`.
 */
export declare function callApi<T = unknown>(options: CallApiOptions): Promise<T>;

/** Builds the signed request of any RPC action without sending it. Synchronous; in browsers `await ready()` first. */
export declare function signApiRequest(options: SignApiRequestOptions): SignedRequest;

/**
 * A credentials provider for a RAM role: pass it as `credentials` to any call. Its credentials are
 * kept until 5 minutes before their `expiration`; concurrent calls share one AssumeRole request;
 * a failure is not kept. Throws a {@link GpdbError} (kind `"input"`) at once for malformed options
 * where the WebAssembly is loaded (everywhere but a browser before `ready()`), else at the first call.
 */
export declare function assumeRole(options: AssumeRoleOptions): () => Promise<AssumedRoleCredentials>;
