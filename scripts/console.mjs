// `make console`: the admin console of www/ on this machine. Installs the packed gpdb-edge into a
// scratch project as a user would, builds the page (esbuild) and bundles the Worker (wrangler),
// starts the local gpdb endpoint as its upstream, and runs the Worker in workerd (Miniflare) on
// 127.0.0.1:$PORT (default 8787). SLOW_MS=3000 delays every answer of the local endpoint by 3 s,
// long enough to press Abort. Ctrl-C stops everything.
// tests/www/ builds and starts the console with the same functions.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Miniflare } from 'miniflare';

import { ROOT, scratchProject, wranglerBundle } from '../tests/package/harness.mjs';
import { DEFAULTS, startMockGpdb } from '../tests/mock-gpdb/server.mjs';
import { buildPage } from '../www/build.mjs';

export const WWW = join(ROOT, 'www');

/** The STS AccessKey the local endpoint knows and the Worker hands to the page in forwarding mode. Fake. */
export const LOCAL_STS = Object.freeze({
  accessKeyId: 'STS.NUgpdbConsoleMockKeyId',
  accessKeySecret: 'console-sts-temporary-secret',
  securityToken: 'console-sts-temporary-security-token',
});

/** Running jobs the local endpoint starts with: each can be cancelled once. */
export const LOCAL_JOB_IDS = Object.freeze([
  DEFAULTS.jobId, '5b0c9a8e-1d2f-4c3b-9e7a-6f8d2c1b0a93', '9e3d7c21-6a4b-4f5e-8d9c-0b1a2c3d4e5f', 'c47f0e12-3b5a-4d69-8e70-1f2a3b4c5d6e',
]);

/** And two that already finished, which the console says cannot be cancelled (the error is the API reference's example). */
export const LOCAL_FINISHED_JOBS = Object.freeze([
  Object.freeze({ jobId: 'e8a1f2b3-4c5d-4e6f-8a7b-9c0d1e2f3a4b', status: 'Success' }),
  Object.freeze({ jobId: 'f1e2d3c4-b5a6-4978-8d6c-5b4a39281706', status: 'Failed', progress: 40, error: 'Failed to connect database.', errorCode: 'InternalError' }),
]);

/** `accessKeys` for startMockGpdb: the long-lived key (signing mode) and the STS key (forwarding mode). */
export function localAccessKeys() {
  return {
    [DEFAULTS.accessKeyId]: { secret: DEFAULTS.accessKeySecret },
    [LOCAL_STS.accessKeyId]: { secret: LOCAL_STS.accessKeySecret, securityToken: LOCAL_STS.securityToken },
  };
}

/** The Worker's env against the local endpoint: what `wrangler secret put` and [vars] give it when deployed. */
export function localBindings({ upstream, origins }) {
  return {
    CONSOLE_ORIGIN: origins.join(','),
    GPDB_UPSTREAM: upstream,
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULTS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULTS.accessKeySecret,
    DEMO_STS_ACCESS_KEY_ID: LOCAL_STS.accessKeyId,
    DEMO_STS_ACCESS_KEY_SECRET: LOCAL_STS.accessKeySecret,
    DEMO_STS_SECURITY_TOKEN: LOCAL_STS.securityToken,
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

/**
 * Runs the built console in workerd on 127.0.0.1:`port`. Resolves `{ url, dispose }`. `quiet`
 * drops workerd's own output (e.g. its report of an absolute request target it refused).
 * `network`: an address (`127.0.0.1:port`) that every outbound request of the Worker goes to over
 * plain HTTP, whatever host its URL names, with that host as its `Host` header: a local stand-in
 * for the Internet.
 */
export async function startConsole(built, { port, bindings, quiet = false, network = null }) {
  const mf = new Miniflare({
    ...(quiet && { handleRuntimeStdio: (stdout, stderr) => { stdout.resume(); stderr.resume(); } }),
    ...(network && { outboundService: { external: { address: network, http: {} } } }),
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
    host: '127.0.0.1',
    port,
  });
  const url = await mf.ready;
  return { url: url.href.replace(/\/$/, ''), dispose: () => mf.dispose() };
}

/**
 * What `make console` runs: the local gpdb endpoint, and the console's Worker configured as
 * deployed, GPDB_UPSTREAM being wrangler.toml's (the region's endpoint), with workerd's outbound
 * network pointed at the local endpoint. Signature V3 signs the host, and both modes sign for the
 * one the deployed console would: signing mode (in the Worker) for GPDB_UPSTREAM, forwarding mode
 * (in the page) for the region's endpoint, which is the same host for cn-hangzhou and the other
 * central regions. The endpoint sees that host in `Host`, so one endpoint checks both modes.
 * `delayMs` delays every answer of the endpoint (abortable). `jobs`: job ids (Running) or addJob specs.
 * Resolves `{ site, mock, upstream, close }`.
 */
export async function startLocalConsole(built, { port, delayMs = 0, quiet = false, jobs = [...LOCAL_JOB_IDS, ...LOCAL_FINISHED_JOBS] }) {
  const upstream = /^GPDB_UPSTREAM\s*=\s*"([^"]+)"/m.exec(readFileSync(join(built.dir, 'wrangler.toml'), 'utf8'))?.[1];
  if (!upstream) throw new Error('www/wrangler.toml has no GPDB_UPSTREAM');
  // In this process: the mock's command line cannot declare the STS key yet.
  const specs = jobs.map((job) => (typeof job === 'string' ? { jobId: job } : { ...job }));
  const mock = await startMockGpdb({ quiet, delayMs, accessKeys: localAccessKeys(), jobs: specs });
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  let site;
  try {
    site = await startConsole(built, { port, quiet, network: `127.0.0.1:${mock.port}`, bindings: localBindings({ upstream, origins }) });
  } catch (error) {
    await mock.close();
    throw new Error(`could not start the console on 127.0.0.1:${port} (${error.message}); set PORT to use another port`, { cause: error });
  }
  return { site, mock, upstream, close: async () => { await site.dispose(); await mock.close(); } };
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
  const { site, mock, upstream, close } = await startLocalConsole(built, { port, delayMs });

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

  upstream: the Worker calls ${upstream} as deployed, and workerd sends it to the local gpdb
  endpoint at ${mock.url}; it checks every signature with the official signer and logs each
  request below, secrets redacted. Fake credentials only.
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
