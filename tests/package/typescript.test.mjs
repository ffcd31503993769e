// TypeScript: `tsc --noEmit --strict` on usage files compiled against the installed package's
// types, through the exports map (ESM .mts and CJS .cts), including errors that must be errors.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { BIN, scratchProject } from './harness.mjs';

const USAGE = `
import { cancelUploadDocumentJob, getUploadDocumentJob, signCancelUploadDocumentJob, signGetUploadDocumentJob, waitForUploadDocumentJob, GpdbError, ready } from "gpdb-edge";
import type { UploadDocumentJobState, UploadDocumentJobStatus } from "gpdb-edge";
import type { CancelUploadDocumentJobResult, Credentials, GpdbErrorKind, SignedRequest } from "gpdb-edge";

export async function main(signal: AbortSignal): Promise<string> {
  await ready();
  const provider = async (): Promise<Credentials> => ({ accessKeyId: "id", accessKeySecret: "s", expiration: new Date() });
  const signed: SignedRequest = signCancelUploadDocumentJob({
    credentials: { accessKeyId: "id", accessKeySecret: "s", securityToken: "t" },
    regionId: "cn-hangzhou", dbInstanceId: "gp-1", collection: "c", namespacePassword: "p", jobId: "j",
    timestamp: new Date(0), nonce: "n", signatureVersion: "v2",
  });
  const authorization: string | undefined = signCancelUploadDocumentJob({
    regionId: "cn-hangzhou", dbInstanceId: "gp-1", collection: "c", namespacePassword: "p", jobId: "j",
    proxyUrl: "https://console.example.com/api/gpdb",
  }).headers.authorization;
  void authorization;
  const init: RequestInit = { method: signed.method, headers: signed.headers, body: signed.body };
  void init;
  try {
    const result: CancelUploadDocumentJobResult = await cancelUploadDocumentJob({
      credentials: provider, regionId: "cn-hangzhou", dbInstanceId: "gp-1", namespace: "public",
      collection: "c", namespacePassword: "p", jobId: "j", endpoint: "http://127.0.0.1:1", signal,
      timeoutMs: 1000, maxRetries: 0,
    });
    const status: "success" = result.status;
    const already: true | undefined = result.alreadyCancelled;
    void already;
    const state: UploadDocumentJobState = await waitForUploadDocumentJob({
      regionId: "cn-hangzhou", dbInstanceId: "gp-1", collection: "c", namespacePassword: "p", jobId: "j",
      until: ["Cancelled"], pollIntervalMs: 500, maxWaitMs: 10_000, signal,
    });
    const jobStatus: UploadDocumentJobStatus | undefined = (await getUploadDocumentJob({
      regionId: "cn-hangzhou", dbInstanceId: "gp-1", collection: "c", namespacePassword: "p", jobId: "j",
    })).job.status;
    const tokens: number | undefined = state.usage?.embeddingTokens;
    void [jobStatus, tokens, signGetUploadDocumentJob];
    return result.requestId + status + result.message;
  } catch (error) {
    if (error instanceof GpdbError) {
      const kind: GpdbErrorKind = error.kind;
      const status: number | undefined = error.httpStatus;
      return [kind, error.code, error.requestId ?? "", error.recommend ?? "", String(status), String(error.retryable), String(error.attempts)].join();
    }
    throw error;
  }
}

// Each of these must be a type error.
// @ts-expect-error regionId is a string
signCancelUploadDocumentJob({ regionId: 1, dbInstanceId: "d", collection: "c", namespacePassword: "p", jobId: "j" });
// @ts-expect-error jobId is required
void cancelUploadDocumentJob({ regionId: "r", dbInstanceId: "d", collection: "c", namespacePassword: "p" });
// @ts-expect-error Alibaba's PascalCase names are not options
void cancelUploadDocumentJob({ regionId: "r", dbInstanceId: "d", collection: "c", namespacePassword: "p", jobId: "j", JobId: "j" });
// @ts-expect-error signing is synchronous: no provider function
signCancelUploadDocumentJob({ credentials: async () => ({ accessKeyId: "a", accessKeySecret: "b" }), regionId: "r", dbInstanceId: "d", collection: "c", namespacePassword: "p", jobId: "j" });
// @ts-expect-error "v1" is not a signature version
signCancelUploadDocumentJob({ regionId: "r", dbInstanceId: "d", collection: "c", namespacePassword: "p", jobId: "j", signatureVersion: "v1" });
// @ts-expect-error "Done" is not a job status
void waitForUploadDocumentJob({ regionId: "r", dbInstanceId: "d", collection: "c", namespacePassword: "p", jobId: "j", until: ["Done"] });
// @ts-expect-error "pending" is not a kind
const wrongKind: GpdbErrorKind = "pending";
void wrongKind;
`;

// callApi, signApiRequest, assumeRole: typed options, a typed answer, a provider.
const API_USAGE = `
import { assumeRole, callApi, cancelUploadDocumentJob, signApiRequest } from "gpdb-edge";
import type { AssumedRoleCredentials, CallApiOptions, SignedRequest } from "gpdb-edge";

interface UploadAnswer { RequestId: string; JobId: string }
export async function api(): Promise<string> {
  const credentials = assumeRole({ credentials: { accessKeyId: "a", accessKeySecret: "b" }, roleArn: "acs:ram::1:role/r", roleSessionName: "alice",
    policy: { Version: "1", Statement: [] }, durationSeconds: 900 });
  const fresh: AssumedRoleCredentials = await credentials();
  const token: string = fresh.securityToken;
  await cancelUploadDocumentJob({ credentials, regionId: "r", dbInstanceId: "d", collection: "c", namespacePassword: "p", jobId: "j" });
  const options: CallApiOptions = { credentials, endpoint: "https://gpdb.aliyuncs.com", action: "UploadDocumentAsync", version: "2016-05-03",
    query: { RegionId: "cn-hangzhou", ChunkSize: 500, ZhTitleEnhance: true }, body: { FileUrl: "https://example.com/a.pdf" }, secrets: ["ApiKey"], idempotent: false };
  const answer = await callApi<UploadAnswer>(options);
  const unknownAnswer: unknown = await callApi(options);
  const signed: SignedRequest = signApiRequest({ credentials: { accessKeyId: "a", accessKeySecret: "b" }, endpoint: "https://sts.aliyuncs.com", action: "AssumeRole", version: "2015-04-01" });
  void unknownAnswer; void signed;
  return answer.JobId + token;
}
// @ts-expect-error parameter values are strings, numbers or booleans: not objects
void callApi({ endpoint: "e", action: "A", version: "2016-05-03", query: { Tags: { a: 1 } } });
// @ts-expect-error the endpoint is required
void callApi({ action: "A", version: "2016-05-03" });
// @ts-expect-error roleSessionName is required
assumeRole({ roleArn: "acs:ram::1:role/r" });
`;

const CJS_USAGE = `
import gpdb = require("gpdb-edge");
export const f: typeof gpdb.cancelUploadDocumentJob = gpdb.cancelUploadDocumentJob;
export const isError = (e: unknown): e is gpdb.GpdbError => e instanceof gpdb.GpdbError;
`;

test('tsc --noEmit --strict accepts the documented usage and rejects misuse (ESM and CJS)', async () => {
  const dir = scratchProject('typescript', {
    'usage.mts': USAGE,
    'usage.cts': CJS_USAGE,
    'api-usage.mts': API_USAGE,
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [], skipLibCheck: false },
      files: ['usage.mts', 'usage.cts', 'api-usage.mts'],
    }),
  });
  const run = promisify(execFile)(join(BIN, 'tsc'), ['-p', 'tsconfig.json'], { cwd: dir, timeout: 120_000 });
  const { stdout, stderr } = await run.catch((error) => assert.fail(`tsc failed:\n${error.stdout}${error.stderr}`));
  assert.equal(stdout + stderr, '');
});
