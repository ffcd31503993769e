// `make demo`: runs the packaged CLI. With real credentials and job parameters in the
// environment it cancels that job on Alibaba Cloud; otherwise it starts the local gpdb endpoint
// on 127.0.0.1, cancels a job there, then shows a second cancel of the same job failing.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/bin/gpdb-edge.mjs', import.meta.url));
const env = process.env;

function runCli(args, childEnv) {
  const shown = args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  console.log(`\n$ gpdb-edge ${shown}`);
  // Asynchronous would be needed if the endpoint lived in this process; it runs in its own.
  const { status } = spawnSync(process.execPath, [cli, ...args], { env: childEnv, stdio: 'inherit' });
  console.log(`(exit status ${status})`);
  return status;
}

const real = env.ALIBABA_CLOUD_ACCESS_KEY_ID && (env.GPDB_ENDPOINT || env.GPDB_REGION_ID);
if (real) {
  const missing = ['GPDB_REGION_ID', 'GPDB_DB_INSTANCE_ID', 'GPDB_COLLECTION', 'GPDB_JOB_ID', 'GPDB_NAMESPACE_PASSWORD', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET']
    .filter((name) => !env[name]);
  if (missing.length) {
    console.error(`demo: to cancel on Alibaba Cloud, also set ${missing.join(', ')}`);
    process.exit(2);
  }
  const job = ['--region-id', env.GPDB_REGION_ID, '--db-instance-id', env.GPDB_DB_INSTANCE_ID,
    '--collection', env.GPDB_COLLECTION, '--job-id', env.GPDB_JOB_ID];
  if (env.GPDB_NAMESPACE) job.push('--namespace', env.GPDB_NAMESPACE);
  if (env.GPDB_ENDPOINT) job.push('--endpoint', env.GPDB_ENDPOINT);
  console.log('demo: the job on Alibaba Cloud');
  const status = runCli(['get-upload-document-job', ...job], env);
  if (status !== 0) process.exit(status);
  console.log('\ndemo: cancelling it, and following it until it stops');
  process.exit(runCli(['cancel-upload-document-job', ...job, '--wait'], env));
}

// The local endpoint runs in a child process, so the CLI calls can block this one.
const { spawn } = await import('node:child_process');
const server = spawn(process.execPath, [fileURLToPath(new URL('../tests/mock-gpdb/server.mjs', import.meta.url)), '--port', '0'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the local gpdb endpoint did not start within 10 s')), 10_000);
  let seen = '';
  server.stdout.on('data', (chunk) => {
    seen += chunk;
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
  server.on('exit', (code) => reject(new Error(`the local gpdb endpoint exited (${code})`)));
});
console.log(`demo: local gpdb endpoint at ${url} (it checks every signature with the official Alibaba signer)`);

// The mock's fake account; see tests/mock-gpdb/server.mjs DEFAULTS.
const { DEFAULTS } = await import('../tests/mock-gpdb/server.mjs');
const childEnv = {
  ...env,
  ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULTS.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULTS.accessKeySecret,
  GPDB_NAMESPACE_PASSWORD: DEFAULTS.namespacePassword,
};
delete childEnv.ALIBABA_CLOUD_SECURITY_TOKEN;
const job = ['--region-id', DEFAULTS.regionId, '--db-instance-id', DEFAULTS.dbInstanceId,
  '--collection', DEFAULTS.collection, '--job-id', DEFAULTS.jobId, '--endpoint', url];
let failed = false;
try {
  console.log('\ndemo: 1. the job is running');
  failed ||= runCli(['get-upload-document-job', ...job], childEnv) !== 0;
  console.log('\ndemo: 2. cancel it, and follow it until it is cancelled');
  failed ||= runCli(['cancel-upload-document-job', ...job, '--wait', '--poll-interval-ms', '500'], childEnv) !== 0;
  console.log('\ndemo: 3. cancel it again: the API refuses, and the CLI shows its code, message, request id and diagnosis link');
  failed ||= runCli(['cancel-upload-document-job', ...job], childEnv) !== 1;
} finally {
  server.kill('SIGTERM');
}
process.exit(failed ? 1 : 0);
