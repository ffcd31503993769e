// `make console`: the admin console of www/ on this machine. Installs the packed gpdb-edge into a
// scratch project as a user would, builds the page (esbuild) and bundles the Worker (wrangler),
// starts the local gpdb endpoint as its upstream and a local stand-in for Cloudflare Access
// (scripts/local-access.mjs), runs the Worker in workerd (Miniflare) on a port of its own, and
// serves the console through the stand-in on 127.0.0.1:$PORT (default 8787), signed in as a
// local operator. SLOW_MS=3000 delays every answer of the local endpoint by 3 s, long enough to
// press Abort. Ctrl-C stops everything.
// tests/www/ builds and starts the console with the same functions.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Miniflare } from 'miniflare';

import { ROOT, scratchProject, wranglerBundle } from '../tests/package/harness.mjs';
import { LOCAL_OPERATOR, startAccessFront, startAccessTeam } from './local-access.mjs';
import { DEFAULTS, startMockGpdb } from '../tests/mock-gpdb/server.mjs';
import { buildPage } from '../www/build.mjs';

export const WWW = join(ROOT, 'www');

/**
 * An STS AccessKey the local endpoint knows from the start, for tests that sign by hand (the
 * proxy's). Fake. The Worker gives operators credentials from the endpoint's mock STS instead.
 */
export const LOCAL_STS = Object.freeze({
  accessKeyId: 'STS.NUgpdbConsoleMockKeyId',
  accessKeySecret: 'console-sts-temporary-secret',
  securityToken: 'console-sts-temporary-security-token',
});

/** The RAM role operators' credentials come from (STS_ROLE_ARN), as README step 3 sets it up. */
export const LOCAL_ROLE_ARN = 'acs:ram::1234567890123456:role/gpdb-console-operator';
export const LOCAL_ROLE_POLICY = Object.freeze({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: ['gpdb:CancelUploadDocumentJob', 'gpdb:GetUploadDocumentJob'], Resource: ['acs:gpdb:*:1234567890123456:document/*'] }],
});

/** `roles` for startMockGpdb: the role above, with its policy; STS holds each session to both it and the session policy. */
export function localRoles() {
  return { [LOCAL_ROLE_ARN]: { policy: LOCAL_ROLE_POLICY, maxSessionDuration: 3600 } };
}

/** Running jobs the local endpoint starts with: each can be cancelled once. */
export const LOCAL_JOB_IDS = Object.freeze([
  DEFAULTS.jobId, '5b0c9a8e-1d2f-4c3b-9e7a-6f8d2c1b0a93', '9e3d7c21-6a4b-4f5e-8d9c-0b1a2c3d4e5f', 'c47f0e12-3b5a-4d69-8e70-1f2a3b4c5d6e',
]);

/** And two that already finished, which the console says cannot be cancelled (the error is the API reference's example). */
export const LOCAL_FINISHED_JOBS = Object.freeze([
  Object.freeze({ jobId: 'e8a1f2b3-4c5d-4e6f-8a7b-9c0d1e2f3a4b', status: 'Success' }),
  Object.freeze({ jobId: 'f1e2d3c4-b5a6-4978-8d6c-5b4a39281706', status: 'Failed', progress: 40, error: 'Failed to connect database.', errorCode: 'InternalError' }),
]);

/** `accessKeys` for startMockGpdb: the Worker's long-lived key (it assumes the role), and the hand-signing tests' STS key. */
export function localAccessKeys() {
  return {
    [DEFAULTS.accessKeyId]: { secret: DEFAULTS.accessKeySecret },
    [LOCAL_STS.accessKeyId]: { secret: LOCAL_STS.accessKeySecret, securityToken: LOCAL_STS.securityToken },
  };
}

/**
 * The Worker's env against the local endpoint and the local Access team: what `wrangler secret put`
 * and [vars] give it when deployed. `sts`: STS_ENDPOINT, when STS is not where the Worker's network
 * finds sts.aliyuncs.com.
 */
export function localBindings({ upstream, origins, team, sts = null }) {
  return {
    ACCESS_TEAM_DOMAIN: team.teamDomain,
    ACCESS_AUD: team.audience,
    CONSOLE_ORIGIN: origins.join(','),
    GPDB_UPSTREAM: upstream,
    STS_ROLE_ARN: LOCAL_ROLE_ARN,
    ...(sts && { STS_ENDPOINT: sts }),
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULTS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULTS.accessKeySecret,
  };
}

function wwwFiles() {
  const files = { 'wrangler.toml': readFileSync(join(WWW, 'wrangler.toml')) };
  for (const folder of ['page', 'worker']) {
    for (const name of readdirSync(join(WWW, folder))) files[`${folder}/${name}`] = readFileSync(join(WWW, folder, name));
  }
  return files;
}

// The settings of www/wrangler.toml that Miniflare needs too, so the two never disagree.
function compatibility(toml) {
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = JSON.parse(/^compatibility_flags\s*=\s*(\[[^\]]*\])/m.exec(toml)?.[1] ?? '[]');
  if (!date) throw new Error('www/wrangler.toml has no compatibility_date');
  return { compatibilityDate: date, compatibilityFlags: flags };
}

/**
 * A scratch copy of www/ in .scratch/<name> with the packed gpdb-edge installed, its page built
 * into public/ and its Worker bundled by `wrangler deploy --dry-run`, as a deploy would.
 */
export async function buildConsole(name = 'console') {
  const dir = scratchProject(name, wwwFiles());
  const assets = await buildPage(dir);
  const { out, jsName: js, wasmName: wasm } = await wranglerBundle(dir);
  return {
    dir,
    assets,
    modules: [
      { type: 'ESModule', path: join(out, js), contents: readFileSync(join(out, js), 'utf8') },
      { type: 'CompiledWasm', path: join(out, wasm), contents: readFileSync(join(out, wasm)) },
    ],
    modulesRoot: out,
    ...compatibility(readFileSync(join(dir, 'wrangler.toml'), 'utf8')),
  };
}

// The Worker's outbound network in `make console`: its team domain's keys from the local Access
// stand-in, everything else to the local endpoint, as the Internet would.
const NETWORK_ROUTER = `export default {
  fetch: (request, env) => (new URL(request.url).host === env.ACCESS_HOST ? fetch(request) : env.INTERNET.fetch(request)),
};`;

/**
 * Runs the built console's Worker in workerd on 127.0.0.1:`port` (0: any free port). Resolves
 * `{ url, logs, dispose }`: `logs` holds every line the Worker logged (its audit lines among
 * them); `onLog(line)` sees each as it comes. `network`: an address (`127.0.0.1:port`) that every
 * outbound request of the Worker goes to over plain HTTP, whatever host its URL names, with that
 * host as its `Host` header (a local stand-in for the Internet), except requests for
 * `accessHost` (the team domain's host), which go where their URL says.
 */
export async function startConsole(built, { port = 0, bindings, network = null, accessHost = null, onLog = null }) {
  const logs = [];
  const worker = {
    name: 'console',
    modules: built.modules,
    modulesRoot: built.modulesRoot,
    compatibilityDate: built.compatibilityDate,
    compatibilityFlags: built.compatibilityFlags,
    bindings,
    // As wrangler.toml's [assets] with run_worker_first = true.
    assets: {
      directory: built.assets,
      binding: 'ASSETS',
      routerConfig: { invoke_user_worker_ahead_of_assets: true, has_user_worker: true },
    },
    ...(network && { outboundService: 'network' }),
  };
  const router = network && {
    name: 'network',
    modules: true,
    script: NETWORK_ROUTER,
    compatibilityDate: built.compatibilityDate,
    bindings: { ACCESS_HOST: accessHost ?? '' },
    serviceBindings: { INTERNET: { external: { address: network, http: {} } } },
  };
  const mf = new Miniflare({
    workers: router ? [worker, router] : [worker],
    // console.log lines (and workerd's own messages) arrive here, not on stdout.
    handleStructuredLogs: ({ message }) => {
      logs.push(message);
      onLog?.(message);
    },
    host: '127.0.0.1',
    port,
  });
  const url = await mf.ready;
  return { url: url.href.replace(/\/$/, ''), logs, dispose: () => mf.dispose() };
}

/** The audit lines among a Worker's log lines, parsed. */
export function auditLines(logs) {
  return logs.filter((line) => line.startsWith('{"time":')).map((line) => JSON.parse(line));
}

/**
 * What `make console` runs: the local gpdb endpoint; the local Access team and its front door on
 * 127.0.0.1:`port`, signed in as `operator`; and the console's Worker, on a port of its own,
 * configured as deployed, GPDB_UPSTREAM being wrangler.toml's (the region's endpoint), with
 * workerd's outbound network pointed at the local endpoint. Signature V3 signs the host, and both
 * modes sign for the one the deployed console would: signing mode (in the Worker) for
 * GPDB_UPSTREAM, forwarding mode (in the page) for the region's endpoint, which is the same host
 * for cn-hangzhou and the other central regions. The endpoint sees that host in `Host`, so one
 * endpoint checks both modes. `delayMs` delays every answer of the endpoint (abortable). `jobs`:
 * job ids (Running) or addJob specs. Resolves `{ site, worker, team, mock, upstream, close }`:
 * `site.url` is the console as an operator opens it, `worker.url` the Worker's own address.
 */
export async function startLocalConsole(built, {
  port, delayMs = 0, quiet = false, jobs = [...LOCAL_JOB_IDS, ...LOCAL_FINISHED_JOBS], operator = LOCAL_OPERATOR, onLog = null,
}) {
  const upstream = /^GPDB_UPSTREAM\s*=\s*"([^"]+)"/m.exec(readFileSync(join(built.dir, 'wrangler.toml'), 'utf8'))?.[1];
  if (!upstream) throw new Error('www/wrangler.toml has no GPDB_UPSTREAM');
  // In this process: the mock's command line cannot declare the keys and the role.
  const specs = jobs.map((job) => (typeof job === 'string' ? { jobId: job } : { ...job }));
  const mock = await startMockGpdb({ quiet, delayMs, accessKeys: localAccessKeys(), roles: localRoles(), jobs: specs });
  const team = await startAccessTeam();
  const closing = [() => team.close(), () => mock.close()];
  const close = async () => {
    for (const step of closing.reverse()) await step();
  };
  try {
    const front = await startAccessFront({ team, port, operator });
    closing.push(() => front.close());
    const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    const worker = await startConsole(built, {
      network: `127.0.0.1:${mock.port}`, accessHost: new URL(team.teamDomain).host, onLog, bindings: localBindings({ upstream, origins, team }),
    });
    closing.push(() => worker.dispose());
    front.setUpstream(worker.url);
    return { site: { url: front.url }, worker, team, mock, upstream, close };
  } catch (error) {
    await close();
    throw new Error(`could not start the console on 127.0.0.1:${port} (${error.message}); set PORT to use another port`, { cause: error });
  }
}

/** A whole number of milliseconds from the environment variable `name`, or 0 when it is unset or empty. */
function milliseconds(name) {
  const text = process.env[name] ?? '';
  if (text === '') return 0;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 600_000) throw new Error(`${name} must be a whole number of milliseconds up to 600000, not ${text}`);
  return value;
}

async function main() {
  const port = Number(process.env.PORT ?? 8787);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a port number, not ${process.env.PORT}`);
  const delayMs = milliseconds('SLOW_MS');
  console.log('console: installing the packed gpdb-edge into .scratch/console, building the page and the Worker…');
  const built = await buildConsole('console');
  // The Worker's lines: its audit lines as they are, anything else marked as the Worker's.
  const onLog = (line) => console.log(line.startsWith('{"time":') ? `audit ${line}` : `worker: ${line}`);
  const { site, worker, mock, upstream, close } = await startLocalConsole(built, { port, delayMs, onLog });

  const prefill = new URLSearchParams({
    regionId: DEFAULTS.regionId, dbInstanceId: DEFAULTS.dbInstanceId, collection: DEFAULTS.collection, jobId: LOCAL_JOB_IDS[0],
  });
  const slow = delayMs
    ? `  SLOW_MS=${delayMs}: every answer of the local endpoint waits ${delayMs} ms, time enough to press Abort.`
    : '  To try Abort: SLOW_MS=3000 make console delays every answer of the local endpoint by 3 s.';
  console.log(`
gpdb-edge console on ${site.url}/
  signing mode     ${site.url}/?mode=signing&${prefill}
  forwarding mode  ${site.url}/?mode=forwarding&${prefill}

  namespace password  ${DEFAULTS.namespacePassword}
  running job ids     ${LOCAL_JOB_IDS.join('\n                      ')}
  finished            ${LOCAL_FINISHED_JOBS.map((job) => `${job.jobId} (${job.status})`).join('\n                      ')}
  (enter a job id and the password to see its status; a cancelled job is followed to Cancelled, and then,
  like the finished ones, it is not offered a cancel again)

  signed in as ${LOCAL_OPERATOR}: a local stand-in for Cloudflare Access on ${site.url} signs a token for
  this operator with a key made for this run and adds it to every request (Cf-Access-Jwt-Assertion),
  as Access does; the Worker checks it against the stand-in's keys, as deployed against your team's.
  The Worker's own address, without Access in front: ${worker.url}/
  (try \`curl -i ${worker.url}/api/job\`: 401 Console.SignInRequired, and an audit line below)

  upstream: the Worker calls ${upstream} and STS (https://sts.aliyuncs.com) as deployed, and workerd
  sends both to the local gpdb endpoint and its mock STS at ${mock.url}; it checks every signature
  with the official signer, holds each operator's credentials to their session policy (role
  ${LOCAL_ROLE_ARN}), and logs each request below, secrets redacted. Fake credentials only. Lines starting "audit" are the
  Worker's audit lines, as Workers Logs would keep them.
${slow}
Ctrl-C stops everything.
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error) => {
    console.error(`console: ${error.message}`);
    process.exit(1);
  });
}
