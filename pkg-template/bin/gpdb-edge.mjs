#!/usr/bin/env node
// gpdb-edge cancel-upload-document-job: the library from a shell. Credentials come from the
// environment; the namespace password from GPDB_NAMESPACE_PASSWORD or a file, never from a flag
// (flags show up in `ps` and shell history).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { cancelUploadDocumentJob, GpdbError } from '../node.mjs';

const USAGE = `Usage: gpdb-edge cancel-upload-document-job [options]

Cancels an AnalyticDB for PostgreSQL upload document job (CancelUploadDocumentJob).

Options:
  --region-id <id>                 RegionId, e.g. cn-hangzhou (required)
  --db-instance-id <id>            DBInstanceId, e.g. gp-xxxxxxxxx (required)
  --namespace <name>               Namespace (default: public)
  --collection <name>              Collection (required)
  --job-id <id>                    JobId (required)
  --endpoint <url>                 the API endpoint signed for (default: the region's gpdb endpoint)
  --proxy-url <url>                send there instead; the proxy forwards to the endpoint unchanged
  --signature-version <v3|v2>      signature method (default: v3, ACS3-HMAC-SHA256)
  --namespace-password-file <path> read the namespace password from this file
  --timeout-ms <ms>                per-attempt timeout (default: 10000)
  --max-retries <n>                retries of retryable failures (default: 2)
  --json                           print the result or the error as JSON
  -h, --help                       show this help

Environment:
  ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN
  GPDB_NAMESPACE_PASSWORD          the namespace password, unless --namespace-password-file is given

Exit status: 0 cancelled, 1 API or transport error, 2 usage error.`;

const OPTIONS = {
  'region-id': { type: 'string' },
  'db-instance-id': { type: 'string' },
  namespace: { type: 'string' },
  collection: { type: 'string' },
  'job-id': { type: 'string' },
  endpoint: { type: 'string' },
  'proxy-url': { type: 'string' },
  'signature-version': { type: 'string' },
  'namespace-password-file': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'max-retries': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
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
if (positionals.length !== 1 || positionals[0] !== 'cancel-upload-document-job') {
  usageError(positionals.length ? `unknown command ${positionals.join(' ')}` : 'missing command cancel-upload-document-job');
}

const flagOf = { regionId: '--region-id', dbInstanceId: '--db-instance-id', collection: '--collection', jobId: '--job-id', namespacePassword: 'GPDB_NAMESPACE_PASSWORD', namespace: '--namespace', endpoint: '--endpoint', proxyUrl: '--proxy-url', signatureVersion: '--signature-version' };
const options = {
  regionId: values['region-id'],
  dbInstanceId: values['db-instance-id'],
  namespace: values.namespace,
  collection: values.collection,
  jobId: values['job-id'],
  endpoint: values.endpoint,
  proxyUrl: values['proxy-url'],
  signatureVersion: values['signature-version'],
  namespacePassword: namespacePassword(values['namespace-password-file']),
  timeoutMs: number(values['timeout-ms'], '--timeout-ms'),
  maxRetries: number(values['max-retries'], '--max-retries'),
};

try {
  const result = await cancelUploadDocumentJob(options);
  process.stdout.write(values.json
    ? `${JSON.stringify(result)}\n`
    : `Cancelled upload document job ${options.jobId}: ${result.status} (${result.message})\n  request id: ${result.requestId}\n`);
} catch (error) {
  if (!(error instanceof GpdbError)) throw error;
  const usage = error.kind === 'input' || error.kind === 'credentials';
  if (values.json) {
    const { kind, code, message, requestId, hostId, recommend, httpStatus, retryable, attempts, field } = error;
    process.stdout.write(`${JSON.stringify({ error: { kind, code, message, requestId, hostId, recommend, httpStatus, retryable, attempts, field } })}\n`);
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
