// TypeScript as users compile it: files written from the README (ESM .mts, CommonJS .cts with
// `import x = require()`, .ts under a bundler), against the packed tarball installed by npm,
// under `strict` and `exactOptionalPropertyTypes`, with each TypeScript version × resolution
// mode. Every `@ts-expect-error` line must be an error (TS2578 otherwise): they prove the closed
// unions are closed. Each compilation prints its time.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { ROOT, scratchProject } from '../package/harness.mjs';

// npm aliases in package.json (typescript-5.0@npm:typescript@5.0.4, …); `typescript` is the
// repository's own, 7.x (the native compiler). Each by its own path: the aliases share the bin
// name `tsc`, so node_modules/.bin/tsc is whichever npm linked last.
const COMPILERS = ['typescript-5.0', 'typescript-5.7', 'typescript-5.9', 'typescript'].map((name) => ({
  name, command: process.execPath, args: [join(ROOT, 'node_modules', name, 'bin/tsc')],
}));
const version = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

const OPTIONS = (module, moduleResolution) => ({
  strict: true, exactOptionalPropertyTypes: true, noEmit: true, types: [],
  // Our .d.ts files are checked; TypeScript's own lib files are not (5 s of 6 per compilation).
  skipLibCheck: false, skipDefaultLibCheck: true,
  target: 'es2022', lib: ['es2022', 'dom'], module, moduleResolution,
});
const MODES = {
  node16: { compilerOptions: OPTIONS('node16', 'node16'), files: ['esm.mts', 'cjs.cts', 'api.mts'] },
  nodenext: { compilerOptions: OPTIONS('nodenext', 'nodenext'), files: ['esm.mts', 'cjs.cts', 'api.mts'] },
  bundler: { compilerOptions: OPTIONS('esnext', 'bundler'), files: ['app.ts', 'api.ts'] },
};

/**
 * The installed README's examples, each as the file a user would paste it into: a ```js block as
 * `.mts`, a ```ts block (`import … = require()`) as `.cts`. Not the Workers and Next.js handlers,
 * whose `request` and `env` parameters a TypeScript user would type first.
 */
function readmeExamples(readme, prefix) {
  const files = {};
  for (const [, lang, code] of readme.matchAll(/```(js|ts)\n([\s\S]*?)```/g)) {
    if (!/(from|require\()\s*"gpdb-edge"/.test(code) || /\(request\b/.test(code)) continue;
    files[`${prefix}-${Object.keys(files).length + 1}.${lang === 'ts' ? 'cts' : 'mts'}`] = code;
  }
  return files;
}

// The README's examples, with every import, and what TypeScript must refuse. Shared by esm.mts
// (Node) and app.ts (a bundler).
const ESM = `
import {
  cancelUploadDocumentJob, getUploadDocumentJob, waitForUploadDocumentJob, signCancelUploadDocumentJob,
  signGetUploadDocumentJob, ready, GpdbError, isGpdbError,
} from "gpdb-edge";
import type {
  CancelUploadDocumentJobOptions, Credentials, GpdbErrorKind, InputErrorCode, EnvironmentErrorCode,
  KnownUploadDocumentJobStatus, SignedRequest, UploadDocumentJobState, UploadDocumentJobStatus,
} from "gpdb-edge";

declare const env: Record<string, string | undefined>;

// README, "Use": the first example.
const options = {
  credentials: { accessKeyId: "LTAI…", accessKeySecret: "secret" },
  regionId: "cn-hangzhou",
  dbInstanceId: "gp-xxxxxxxxx",
  collection: "document",
  namespacePassword: "password",
  jobId: "231460f8-75dc-405e-a669-0c5204887e91",
  endpoint: env.GPDB_ENDPOINT, // string | undefined: accepted under exactOptionalPropertyTypes
} satisfies CancelUploadDocumentJobOptions;

export async function main(signal: AbortSignal): Promise<string> {
  await ready();
  try {
    const result = await cancelUploadDocumentJob({ ...options, signal, timeoutMs: 10_000, maxRetries: 2 });
    const success: "success" = result.status;
    const already: true | undefined = result.alreadyCancelled;
    const before: UploadDocumentJobState = await getUploadDocumentJob(options);
    const status: UploadDocumentJobStatus | undefined = before.job.status;
    const future: UploadDocumentJobStatus = "SomeStatusAddedLater"; // open: any string the API sends
    const after = await waitForUploadDocumentJob({ ...options, until: ["Cancelled", "Failed"] as const, pollIntervalMs: 2_000, maxWaitMs: 60_000 });
    const stopped: readonly KnownUploadDocumentJobStatus[] = ["Success", "Failed", "Cancelled"];
    await waitForUploadDocumentJob({ ...options, until: stopped });
    void [success, already, status, future, after.usage?.embeddingTokens];
    return result.requestId;
  } catch (error) {
    if (error instanceof GpdbError) {
      const kind: GpdbErrorKind = error.kind;
      const field: string | undefined = error.field;
      if (error.kind === "api") {
        const httpStatus: number = error.httpStatus;
        const requestId: string | undefined = error.requestId;
        if (error.code === "Throttling.User" || error.code === "SomeNewAlibabaCode") return "retry later";
        // @ts-expect-error field is on input and credentials errors only
        const noField: string = error.field;
        void [httpStatus, requestId, noField];
      }
      if (error.kind === "input") {
        const inputField: string = error.field;
        // @ts-expect-error closed: "Throttling" is not an input code
        if (error.code === "Throttling") return "";
        // @ts-expect-error no httpStatus on an input error
        const noStatus: number = error.httpStatus;
        void [inputField, noStatus];
      }
      if (error.kind === "timeout" && error.code === "WaitTimeout") return String(error.lastStatus);
      // @ts-expect-error closed: "Timeout" is not an environment code
      if (error.kind === "environment" && error.code === "Timeout") return "";
      // @ts-expect-error closed: "Cancelled" is not a network code
      if (error.kind === "network" && error.code === "Cancelled") return "";
      // @ts-expect-error closed: "Timeout" is not an aborted code
      if (error.kind === "aborted" && error.code === "Timeout") return "";
      return [kind, error.code, field ?? "", error.retryable, error.attempts].join();
    }
    if (isGpdbError(error)) return error.kind; // unreachable here, but a type guard too
    throw error;
  }
}

// Signing: each function's result is typed for its own action.
const signed: SignedRequest<"CancelUploadDocumentJob"> = signCancelUploadDocumentJob({ ...options, timestamp: new Date(0), nonce: "n" });
const getAction: "GetUploadDocumentJob" = signGetUploadDocumentJob(options).headers["x-acs-action"];
const init: RequestInit = { method: signed.method, headers: signed.headers, body: signed.body };
const authorization: string | undefined = signCancelUploadDocumentJob({ ...options, signatureVersion: "v2" }).headers.authorization;
const provider = async (): Promise<Credentials> => ({ accessKeyId: "id", accessKeySecret: "s", expiration: new Date() });
void [getAction, init, authorization, cancelUploadDocumentJob({ ...options, credentials: provider })];
const isError: (value: unknown) => boolean = isGpdbError;
const environmentCode: EnvironmentErrorCode = "NotReady";
void [isError, environmentCode, [new Error("x")].filter(isGpdbError).map((e) => e.kind)];

// Each of these must be an error.
// @ts-expect-error signGetUploadDocumentJob signs GetUploadDocumentJob, not the cancel
const wrongAction: "CancelUploadDocumentJob" = signGetUploadDocumentJob(options).headers["x-acs-action"];
// @ts-expect-error "NotReady" is an environment code, not an input code
const wrongCode: InputErrorCode = "NotReady";
// @ts-expect-error "pending" is not a kind
const wrongKind: GpdbErrorKind = "pending";
// @ts-expect-error "Done" is not a status to wait for
void waitForUploadDocumentJob({ ...options, until: ["Done"] });
// @ts-expect-error regionId is a string
signCancelUploadDocumentJob({ ...options, regionId: 1 });
// @ts-expect-error jobId is required
void cancelUploadDocumentJob({ regionId: "r", dbInstanceId: "d", collection: "c", namespacePassword: "p" });
// @ts-expect-error Alibaba's PascalCase names are not options
void cancelUploadDocumentJob({ ...options, JobId: "j" });
// @ts-expect-error signing is synchronous: no provider function
signCancelUploadDocumentJob({ ...options, credentials: provider });
// @ts-expect-error "v1" is not a signature version
signCancelUploadDocumentJob({ ...options, signatureVersion: "v1" });
// @ts-expect-error the package creates its errors
void new GpdbError("message");
void [wrongAction, wrongCode, wrongKind];
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

// README, "Node.js, CommonJS" in TypeScript.
const CJS = `
import gpdb = require("gpdb-edge");

export async function cancel(options: gpdb.CancelUploadDocumentJobOptions): Promise<string> {
  try {
    return (await gpdb.cancelUploadDocumentJob(options)).requestId;
  } catch (error) {
    if (gpdb.isGpdbError(error) && error.kind === "credentials") return error.field;
    if (error instanceof gpdb.GpdbError && error.kind === "response") return String(error.httpStatus);
    throw error;
  }
}
const action: "GetUploadDocumentJob" = gpdb.signGetUploadDocumentJob({
  regionId: "cn-hangzhou", dbInstanceId: "gp-1", collection: "c", namespacePassword: "p", jobId: "j",
}).headers["x-acs-action"];
// @ts-expect-error closed: "OperationFailed" is an api code, not a response code
const wrongCode: gpdb.ResponseErrorCode = "OperationFailed";
void [action, wrongCode];
`;

test('TypeScript matrix: 5.0, 5.7, 5.9, 7 × node16, nodenext, bundler, and deno check; strict + exactOptionalPropertyTypes', async (t) => {
  const dir = scratchProject('typescript', { 'esm.mts': ESM, 'app.ts': ESM, 'cjs.cts': CJS, 'api.mts': API_USAGE, 'api.ts': API_USAGE });
  // The package's README as installed, and the repository's.
  const examples = {
    ...readmeExamples(readFileSync(join(dir, 'node_modules/gpdb-edge/README.md'), 'utf8'), 'readme'),
    ...readmeExamples(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'root-readme'),
  };
  assert.ok(Object.keys(examples).length >= 6, `the READMEs' examples: ${Object.keys(examples)}`);
  for (const [name, code] of Object.entries(examples)) writeFileSync(join(dir, name), code);
  for (const [mode, config] of Object.entries(MODES)) {
    // `import … = require()` is CommonJS only: not under `module: esnext` (bundler).
    const fromReadme = Object.keys(examples).filter((name) => mode !== 'bundler' || !name.endsWith('.cts'));
    writeFileSync(join(dir, `tsconfig.${mode}.json`), JSON.stringify({ ...config, files: [...config.files, ...fromReadme] }, null, 2));
  }
  t.diagnostic(`files: esm.mts, cjs.cts (node16, nodenext), app.ts (bundler); from the README: ${Object.keys(examples).join(', ')} (.cts not under bundler)`);
  // The version each compiler reports is the one its package.json names (the printed one).
  const versions = {};
  for (const { name, command, args } of COMPILERS) {
    const { stdout } = await promisify(execFile)(command, [...args, '-v']);
    versions[name] = /Version (\S+)/.exec(stdout)?.[1];
    assert.equal(versions[name], version(name), `${name}: tsc -v says ${stdout.trim()}`);
  }
  const runs = COMPILERS.flatMap((compiler) => Object.keys(MODES).map((mode) => ({ ...compiler, mode })));
  const results = [];
  const started = Date.now();
  // One at a time: two at a time did not help on this 2-core machine under other load (47.9 s
  // against 43.5 s for the 12, one run each, load average 7 to 9; about 2 s of CPU each).
  for (const run of runs) {
    const begin = Date.now();
    const output = await promisify(execFile)(run.command, [...run.args, '-p', `tsconfig.${run.mode}.json`], { cwd: dir, timeout: 120_000 })
      .then(({ stdout, stderr }) => stdout + stderr, (error) => `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error));
    results.push({ ...run, output: output.trim(), ms: Date.now() - begin });
  }
  // Deno's own checker (its bundled TypeScript), through the exports map's `deno` condition.
  const deno = join(ROOT, 'node_modules/.bin/deno');
  const denoVersion = /typescript (\S+)/.exec((await promisify(execFile)(deno, ['--version'])).stdout)?.[1];
  const denoFiles = ['app.ts', ...Object.keys(examples).filter((name) => name.endsWith('.mts'))];
  writeFileSync(join(dir, 'deno.json'), JSON.stringify({ compilerOptions: { strict: true, exactOptionalPropertyTypes: true, lib: ['deno.window', 'dom'] } }));
  const begin = Date.now();
  const denoOutput = await promisify(execFile)(deno, ['check', '--quiet', ...denoFiles], {
    cwd: dir, timeout: 120_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, '.deno') },
  }).then(({ stdout, stderr }) => stdout + stderr, (error) => `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error));
  results.push({ name: 'deno check', mode: 'deno', output: denoOutput.trim(), ms: Date.now() - begin });
  versions['deno check'] = `${denoVersion} (Deno's)`;
  for (const { name, mode, output, ms } of results) t.diagnostic(`${name}@${versions[name]} ${mode}: ${output === '' ? 'ok' : 'FAILED'} (${ms} ms)`);
  t.diagnostic(`${results.length} checks, ${Date.now() - started} ms in all`);
  const failed = results.filter((r) => r.output !== '');
  assert.equal(failed.length, 0, failed.map((r) => `${r.name}@${versions[r.name]} ${r.mode}:\n${r.output}`).join('\n\n'));
});
