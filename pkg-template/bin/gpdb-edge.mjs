#!/usr/bin/env node
// gpdb-edge cancel-upload-document-job | get-upload-document-job | call: the library from a shell. Credentials come
// from the environment; the namespace password from GPDB_NAMESPACE_PASSWORD or a file, and a secret
// parameter of `call` from an environment variable (--body-env), never from a flag (flags show up in
// `ps` and shell history).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { callApi, cancelUploadDocumentJob, getUploadDocumentJob, GpdbError, waitForUploadDocumentJob } from '../node.mjs';

const USAGE = `Usage: gpdb-edge cancel-upload-document-job [--wait] [options]
       gpdb-edge get-upload-document-job [options]
       gpdb-edge call --action <Action> --version <YYYY-MM-DD> --endpoint <url> [--query K=V ...] [--body K=V ...]

cancel-upload-document-job cancels an AnalyticDB for PostgreSQL upload document job
(CancelUploadDocumentJob); with --wait it then follows the job (GetUploadDocumentJob), printing
each status, until it is Cancelled, Success or Failed. get-upload-document-job prints the job's
status, progress, times, error, chunk files and usage.

Options:
  --region-id <id>                 RegionId, e.g. cn-hangzhou (required)
  --db-instance-id <id>            DBInstanceId, e.g. gp-xxxxxxxxx (required)
  --namespace <name>               Namespace (default: public)
  --collection <name>              Collection (required)
  --job-id <id>                    JobId (required)
  --endpoint <url>                 the API endpoint signed for (default: the region's gpdb endpoint)
  --proxy-url <url>                send there instead; the proxy forwards to the endpoint unchanged
  --signature-version <v3|v2>      signature method (default: v3, ACS3-HMAC-SHA256)
  --allow-insecure-http            let --endpoint/--proxy-url be http:// beyond localhost (cleartext)
  --namespace-password-file <path> read the namespace password from this file
  --timeout-ms <ms>                per-attempt timeout (default: 10000)
  --max-retries <n>                retries of retryable failures (default: 2)
  --wait                           after the cancel, follow the job until it stops
  --poll-interval-ms <ms>          with --wait: between two polls (default: 2000)
  --max-wait-ms <ms>               with --wait: give up after this long (default: 300000)
  --json                           print the result or the error as JSON (one line per status with --wait)
  -h, --help                       show this help

call signs and sends any Alibaba Cloud RPC action and prints its JSON answer:
  --action <Action>                Action, e.g. DescribeRegions (required)
  --version <YYYY-MM-DD>           the API version, e.g. 2016-05-03 (required)
  --endpoint <url>                 the product's endpoint, e.g. https://gpdb.aliyuncs.com (required)
  --query <Name=value>             a query string parameter (repeatable)
  --body <Name=value>              a form body parameter (repeatable)
  --body-env <Name=VAR>            a form body parameter read from environment variable VAR: a secret,
                                   redacted from errors (a secret never goes in the query string, the URL)
  --idempotent                     the action may be sent twice: retry timeouts and 5xx too
  (and --proxy-url, --signature-version, --timeout-ms, --max-retries, --json as above)

Environment:
  ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN
  GPDB_NAMESPACE_PASSWORD          the namespace password, unless --namespace-password-file is given

Exit status: 0 cancelled (with --wait: the job reached Cancelled) or read, 1 API or transport
error (or, with --wait, the job ended otherwise or did not stop in time), 2 usage error.`;

const COMMANDS = ['cancel-upload-document-job', 'get-upload-document-job', 'call'];
// Flags of one command only: [flags, the command they go with].
const CALL_FLAGS = ['action', 'version', 'query', 'body', 'body-env', 'idempotent'];
const JOB_FLAGS = ['region-id', 'db-instance-id', 'namespace', 'collection', 'job-id', 'namespace-password-file'];
// Parameters that are secrets by default (as callApi has them): never accepted as a flag's value.
const SECRET_PARAMETERS = ['NamespacePassword', 'Password'];
const STATUSES = ['Pending', 'Start', 'Running', 'Success', 'Failed', 'Cancelling', 'Cancelled'];

const OPTIONS = {
  'region-id': { type: 'string' },
  'db-instance-id': { type: 'string' },
  namespace: { type: 'string' },
  collection: { type: 'string' },
  'job-id': { type: 'string' },
  endpoint: { type: 'string' },
  'proxy-url': { type: 'string' },
  'signature-version': { type: 'string' },
  'allow-insecure-http': { type: 'boolean', default: false },
  'namespace-password-file': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'max-retries': { type: 'string' },
  wait: { type: 'boolean', default: false },
  'poll-interval-ms': { type: 'string' },
  'max-wait-ms': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  action: { type: 'string' },
  version: { type: 'string' },
  query: { type: 'string', multiple: true },
  body: { type: 'string', multiple: true },
  'body-env': { type: 'string', multiple: true },
  idempotent: { type: 'boolean', default: false },
};

function usageError(message) {
  process.stderr.write(`gpdb-edge: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv) {
  if (argv.some((arg) => arg === '--namespace-password' || arg.startsWith('--namespace-password='))) {
    usageError('--namespace-password is not accepted: a password on the command line is visible in `ps`; use GPDB_NAMESPACE_PASSWORD or --namespace-password-file');
  }
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError(error.message);
  }
}

function namespacePassword(file) {
  if (file === undefined) return process.env.GPDB_NAMESPACE_PASSWORD;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    return usageError(`cannot read --namespace-password-file: ${error.code ?? error.message}`);
  }
}

function number(text, flag) {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) usageError(`${flag} must be a number`);
  return value;
}

const { values, positionals } = parse(process.argv.slice(2));
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (positionals.length !== 1 || !COMMANDS.includes(positionals[0])) {
  usageError(positionals.length ? `unknown command ${positionals.join(' ')}` : `missing command: ${COMMANDS.join(' or ')}`);
}
const [command] = positionals;
if (command !== 'cancel-upload-document-job' && (values.wait || values['poll-interval-ms'] || values['max-wait-ms'])) {
  usageError('--wait, --poll-interval-ms and --max-wait-ms go with cancel-upload-document-job');
}
const misplaced = (command === 'call' ? JOB_FLAGS : CALL_FLAGS).find((flag) => values[flag] !== undefined && values[flag] !== false);
if (misplaced) usageError(`--${misplaced} does not go with ${command}`);

const flagOf = { action: '--action', version: '--version', secrets: '--body-env', regionId: '--region-id', dbInstanceId: '--db-instance-id', collection: '--collection', jobId: '--job-id', namespacePassword: 'GPDB_NAMESPACE_PASSWORD', namespace: '--namespace', endpoint: '--endpoint', proxyUrl: '--proxy-url', allowInsecureHttp: '--allow-insecure-http', signatureVersion: '--signature-version', pollIntervalMs: '--poll-interval-ms', maxWaitMs: '--max-wait-ms' };
// `call`'s parameters: Name=value flags, and Name=VAR flags whose value is read from the environment.
function parameters(flag, pairs = [], fromEnvironment = [], secrets = []) {
  const out = {};
  const split = (pair, what) => {
    const at = pair.indexOf('=');
    if (at <= 0) usageError(`--${what} takes Name=${what.endsWith('-env') ? 'VARIABLE' : 'value'}, not ${JSON.stringify(pair)}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  };
  for (const pair of pairs) {
    const [name, value] = split(pair, flag);
    if (SECRET_PARAMETERS.includes(name)) usageError(`${name} is not accepted on the command line (visible in \`ps\`): use --body-env ${name}=VARIABLE`);
    out[name] = value;
  }
  for (const pair of fromEnvironment) {
    const [name, variable] = split(pair, `${flag}-env`);
    if (process.env[variable] === undefined) usageError(`--${flag}-env ${name}: the environment variable ${variable} is not set`);
    out[name] = process.env[variable];
    secrets.push(name);
  }
  return out;
}

const secrets = [];
const call = command === 'call' && {
  action: values.action,
  version: values.version,
  endpoint: values.endpoint,
  proxyUrl: values['proxy-url'],
  allowInsecureHttp: values['allow-insecure-http'],
  signatureVersion: values['signature-version'],
  query: parameters('query', values.query, [], secrets),
  body: parameters('body', values.body, values['body-env'], secrets),
  secrets,
  idempotent: values.idempotent,
  timeoutMs: number(values['timeout-ms'], '--timeout-ms'),
  maxRetries: number(values['max-retries'], '--max-retries'),
};

const options = command === 'call' ? call : {
  regionId: values['region-id'],
  dbInstanceId: values['db-instance-id'],
  namespace: values.namespace,
  collection: values.collection,
  jobId: values['job-id'],
  endpoint: values.endpoint,
  proxyUrl: values['proxy-url'],
  allowInsecureHttp: values['allow-insecure-http'],
  signatureVersion: values['signature-version'],
  namespacePassword: namespacePassword(values['namespace-password-file']),
  timeoutMs: number(values['timeout-ms'], '--timeout-ms'),
  maxRetries: number(values['max-retries'], '--max-retries'),
};

// The job's state as lines: status and progress first, then what the API sent.
function describeJob({ requestId, job, chunkResult, usage }) {
  const progress = job.progress == null ? '' : `, ${job.progress}%`;
  const lines = [`Upload document job ${job.id ?? options.jobId}: ${job.status ?? 'no status'}${progress}`];
  if (job.error) lines.push(`  error:      ${job.error}${job.errorCode ? ` (${job.errorCode})` : ''}`);
  if (job.createTime) lines.push(`  created:    ${job.createTime}`);
  if (job.updateTime) lines.push(`  updated:    ${job.updateTime}`);
  if (chunkResult?.chunkFileUrl) lines.push(`  chunks:     ${chunkResult.chunkFileUrl}`);
  if (chunkResult?.plainChunkFileUrl) lines.push(`  plain:      ${chunkResult.plainChunkFileUrl}`);
  if (usage) lines.push(`  usage:      ${usage.embeddingEntries ?? '?'} entries, ${usage.embeddingTokens ?? '?'} tokens`);
  lines.push(`  request id: ${requestId}`);
  return `${lines.join('\n')}\n`;
}

// Follows the job after a cancel: each wait resolves at the next status change.
async function follow() {
  const pollIntervalMs = number(values['poll-interval-ms'], '--poll-interval-ms');
  const maxWaitMs = number(values['max-wait-ms'], '--max-wait-ms') ?? 300_000;
  const deadline = Date.now() + maxWaitMs;
  let state = await getUploadDocumentJob(options);
  for (;;) {
    process.stdout.write(values.json ? `${JSON.stringify(state)}\n` : `  status: ${state.job.status ?? 'none'}${state.job.progress == null ? '' : ` (${state.job.progress}%)`}\n`);
    if (['Cancelled', 'Success', 'Failed'].includes(state.job.status)) return state;
    const until = STATUSES.filter((status) => status !== state.job.status);
    state = await waitForUploadDocumentJob({ ...options, until, pollIntervalMs, maxWaitMs: Math.max(1, deadline - Date.now()) });
  }
}

try {
  if (command === 'call') {
    const answer = await callApi(options);
    process.stdout.write(`${values.json ? JSON.stringify(answer) : JSON.stringify(answer, null, 2)}\n`);
  } else if (command === 'get-upload-document-job') {
    const state = await getUploadDocumentJob(options);
    process.stdout.write(values.json ? `${JSON.stringify(state)}\n` : describeJob(state));
  } else {
    const result = await cancelUploadDocumentJob(options);
    const already = result.alreadyCancelled ? ' (already cancelled by an earlier attempt whose answer was lost)' : '';
    process.stdout.write(values.json
      ? `${JSON.stringify(result)}\n`
      : `Cancelled upload document job ${options.jobId}: ${result.status}${already} (${result.message})\n  request id: ${result.requestId}\n`);
    if (values.wait) {
      const state = await follow();
      if (state.job.status !== 'Cancelled') {
        process.stderr.write(`gpdb-edge: the job ended ${state.job.status}, not Cancelled: it stopped before the cancel took effect\n`);
        process.exitCode = 1;
      }
    }
  }
} catch (error) {
  if (!(error instanceof GpdbError)) throw error;
  const usage = error.kind === 'input' || error.kind === 'credentials';
  if (values.json) {
    const { kind, code, message, requestId, hostId, recommend, httpStatus, retryable, attempts, field, lastStatus } = error;
    process.stdout.write(`${JSON.stringify({ error: { kind, code, message, requestId, hostId, recommend, httpStatus, retryable, attempts, field, lastStatus } })}\n`);
  } else {
    // For API errors the message starts with Alibaba's Code; for input errors, with the option.
    const flag = flagOf[error.field] ? ` (${flagOf[error.field]})` : '';
    const lines = [`gpdb-edge: ${error.kind} error: ${error.message}${flag}`];
    if (error.kind !== 'api') lines.push(`  code:       ${error.code}`);
    if (error.requestId) lines.push(`  request id: ${error.requestId}`);
    if (error.recommend) lines.push(`  recommend:  ${error.recommend}`);
    if (!error.requestId && error.attempts) lines.push(`  attempts:   ${error.attempts}`);
    process.stderr.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = usage ? 2 : 1;
}
