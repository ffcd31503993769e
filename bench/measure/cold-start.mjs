// 3. Node cold start: fresh `node` processes that import a client and build one signed request
// (without sending it), each minus the floor: a one-line ESM module timed the same way. The
// commands run round-robin (one of each, then again), so that the load of a shared machine hits
// them alike; medians of the wall time, and of the CPU time each process reports at exit
// (cpu-at-exit.cjs). hyperfine is not used: it runs each command's samples in a block.
//
// The processes run as on a user's machine: without NODE_OPTIONS, and without NODE_EXTRA_CA_CERTS.
// A machine that sets NODE_EXTRA_CA_CERTS (this project's build machines do, for their package
// proxy) makes Node load every root certificate as it starts: 100 to 200 ms here, in every
// process, the floor included. That spreads the floor, and it moves the official client's own
// first TLS context (httpx's https.Agent at import: Node's root store, 76 ms here) into the floor.
// Where it is set, the same commands also run with it, interleaved with the others, and are
// reported beside.
//
// The floor, `import` and the official client also run on Node's current release lines (22 and
// 24, bench/projects.mjs), in the same rounds: users' functions run on those, and V8 and the ES
// module loader changed between them (Node 20's V8 compiles a wrapper per import signature).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { officialV3Agrees } from '../signers/official.mjs';
import { median } from '../stats.mjs';

const OPTIONS = 'JSON.parse(process.env.BENCH_SIGN_OPTIONS)';

// Each script's last line: the time from the process's start (performance.timeOrigin) to the
// signed request, which is what a user waits for; the process's exit comes after it.
const SIGNED_AT = 'process.stderr.write(`\\nsigned-at-ms ${performance.now()}\\n`);';

/**
 * The floor: Node starting, loading one ESM module and reading the options, and nothing else.
 * `require`'s floor is the same line written as a CommonJS module, which Node starts 11 ms sooner here.
 */
export const FLOOR_SCRIPT = `${OPTIONS};\n${SIGNED_AT}\n`;

/** Written into .scratch/bench-package: resolves `gpdb-edge` as a user's project would. */
export const GPDB_EDGE_SCRIPT = `
import { signCancelUploadDocumentJob } from 'gpdb-edge';
const signed = signCancelUploadDocumentJob(${OPTIONS});
if (!signed.headers.authorization) throw new Error('not signed');
if (process.env.BENCH_PRINT) console.log(JSON.stringify(signed));
${SIGNED_AT}
`;

/** The same through `require` (node.cjs, no ESM wrapper). */
export const GPDB_EDGE_CJS_SCRIPT = `
const { signCancelUploadDocumentJob } = require('gpdb-edge');
const signed = signCancelUploadDocumentJob(${OPTIONS});
if (!signed.headers.authorization) throw new Error('not signed');
if (process.env.BENCH_PRINT) console.log(JSON.stringify(signed));
${SIGNED_AT}
`;

/** Written into .scratch/bench-official: the client a user constructs, then the V3 request its doRequest signs. */
export const OFFICIAL_SCRIPT = `
import core from '@alicloud/openapi-core';
import querystring from 'node:querystring';
const options = ${OPTIONS};
const Client = core.default;
const Util = core.OpenApiUtil;
const { Config } = core.$OpenApiUtil;
new Client(new Config({ accessKeyId: options.credentials.accessKeyId, accessKeySecret: options.credentials.accessKeySecret,
  endpoint: new URL(options.endpoint).host, protocol: 'https' }));
const query = { DBInstanceId: options.dbInstanceId, RegionId: options.regionId };
const body = Util.toForm({ Collection: options.collection, JobId: options.jobId, Namespace: options.namespace, NamespacePassword: options.namespacePassword });
const headers = { host: new URL(options.endpoint).host, 'x-acs-version': '2016-05-03', 'x-acs-action': 'CancelUploadDocumentJob',
  'x-acs-date': Util.getTimestamp(), 'x-acs-signature-nonce': Util.getNonce(), accept: 'application/json',
  'content-type': 'application/x-www-form-urlencoded', 'x-acs-content-sha256': Util.hash(Buffer.from(body, 'utf8'), 'ACS3-HMAC-SHA256').toString('hex') };
headers.authorization = Util.getAuthorization({ method: 'POST', pathname: '/', query, headers }, 'ACS3-HMAC-SHA256',
  headers['x-acs-content-sha256'], options.credentials.accessKeyId, options.credentials.accessKeySecret);
delete headers.host;
const signed = { method: 'POST', url: new URL(options.endpoint).origin + '/?' + querystring.stringify(query), headers, body };
if (process.env.BENCH_PRINT) console.log(JSON.stringify(signed));
${SIGNED_AT}
`;

const CPU_AT_EXIT = fileURLToPath(new URL('./cpu-at-exit.cjs', import.meta.url));

/** A cold-start child's environment: the options, and neither NODE_OPTIONS nor NODE_EXTRA_CA_CERTS. */
export function childEnv(signOptions) {
  const env = { ...process.env, BENCH_SIGN_OPTIONS: JSON.stringify(signOptions) };
  delete env.NODE_OPTIONS;
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

// Round-robin, so that load changes hit every command alike. The time to the signed request the
// process reported, its wall time from spawn to exit, and the CPU time it reported at exit.
function interleaved(commands, { runs, warmup }) {
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, { signedAtMs: [], wallMs: [], cpuMs: [] }]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, { argv: [file, ...args], env }] of Object.entries(commands)) {
      const start = process.hrtime.bigint();
      const { status, stderr } = spawnSync(file, ['-r', CPU_AT_EXIT, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      assert.equal(status, 0, `${name} failed: ${stderr}`);
      if (i >= warmup) {
        samples[name].signedAtMs.push(Number(/^signed-at-ms (\S+)$/m.exec(stderr)[1]));
        samples[name].wallMs.push(ms);
        samples[name].cpuMs.push(Number(/^cpu-ms (\S+)$/m.exec(stderr)[1]));
      }
    }
  }
  return samples;
}

// Medians over the floor's, and the ratio to the official client's, of the commands named by prefix.
function overFloor(samples, prefix = '') {
  const medianOf = (kind) => Object.fromEntries(['floor', 'floorCjs', 'gpdbEdge', 'gpdbEdgeCjs', 'official']
    .filter((name) => samples[prefix + name]).map((name) => [name, median(samples[prefix + name][kind])]));
  const signedAtMs = medianOf('signedAtMs');
  const medianMs = medianOf('wallMs');
  const cpuMedianMs = medianOf('cpuMs');
  // `require` over the CommonJS floor, the others over the ES module floor.
  const over = (medians) => Object.fromEntries(Object.keys(medians).filter((name) => !name.startsWith('floor'))
    .map((name) => [name, medians[name] - medians[name === 'gpdbEdgeCjs' ? 'floorCjs' : 'floor']]));
  const signedOverFloorMs = over(signedAtMs);
  const overFloorMs = over(medianMs);
  const cpuOverFloorMs = over(cpuMedianMs);
  return {
    signedFloorMs: signedAtMs.floor,
    signedFloorCjsMs: signedAtMs.floorCjs,
    signedAtMs,
    signedOverFloorMs,
    signedRatio: signedOverFloorMs.gpdbEdge / signedOverFloorMs.official,
    floorMs: medianMs.floor,
    medianMs,
    overFloorMs,
    ratio: overFloorMs.gpdbEdge / overFloorMs.official,
    cpuFloorMs: cpuMedianMs.floor,
    cpuMedianMs,
    cpuOverFloorMs,
    cpuRatio: cpuOverFloorMs.gpdbEdge / cpuOverFloorMs.official,
  };
}

/**
 * `nodeLines`: other Node binaries by release line (`{ 22: path }`); the floor, `import` and the
 * official client also run on each, in the same rounds, and are reported beside.
 */
export function measureColdStart({ floorScript, floorCjsScript, gpdbEdgeScript, gpdbEdgeCjsScript, officialScript, signOptions, quick, runs = quick ? 1 : 31, nodeLines = {} }) {
  const env = childEnv(signOptions);
  const node = process.execPath;
  const commands = {
    floor: { argv: [node, floorScript], env },
    floorCjs: { argv: [node, floorCjsScript], env },
    gpdbEdge: { argv: [node, gpdbEdgeScript], env },
    gpdbEdgeCjs: { argv: [node, gpdbEdgeCjsScript], env },
    official: { argv: [node, officialScript], env },
  };
  const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
  if (extraCaCerts) {
    const withCa = { ...env, NODE_EXTRA_CA_CERTS: extraCaCerts };
    for (const name of ['floor', 'gpdbEdge', 'official']) commands[`extraCa:${name}`] = { argv: commands[name].argv, env: withCa };
  }
  for (const [line, bin] of Object.entries(nodeLines)) {
    for (const name of ['floor', 'gpdbEdge', 'official']) commands[`node${line}:${name}`] = { argv: [bin, ...commands[name].argv.slice(1)], env };
  }

  // Each script really signs: run once, printing, before timing.
  const signers = ['gpdbEdge', 'gpdbEdgeCjs', 'official', ...Object.keys(nodeLines).flatMap((line) => [`node${line}:gpdbEdge`, `node${line}:official`])];
  for (const name of signers) {
    const [file, ...args] = commands[name].argv;
    const signed = JSON.parse(execFileSync(file, args, { env: { ...env, BENCH_PRINT: '1' }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' }));
    assert.ok(officialV3Agrees(signed, signOptions.credentials.accessKeySecret), `${name}: the official signer agrees`);
  }

  const samples = interleaved(commands, { runs, warmup: quick ? 0 : 2 });
  return {
    runs,
    ...overFloor(samples),
    withExtraCaCerts: extraCaCerts ? overFloor(samples, 'extraCa:') : null,
    nodeLines: Object.fromEntries(Object.entries(nodeLines).map(([line, bin]) => [line, {
      bin,
      version: execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim(),
      ...overFloor(samples, `node${line}:`),
    }])),
    samples,
  };
}

export function writeColdStartScripts(gpdbEdgeDir, officialDir) {
  const scripts = {
    floorScript: join(gpdbEdgeDir, 'cold-start-floor.mjs'),
    floorCjsScript: join(gpdbEdgeDir, 'cold-start-floor.cjs'),
    gpdbEdgeScript: join(gpdbEdgeDir, 'cold-start.mjs'),
    gpdbEdgeCjsScript: join(gpdbEdgeDir, 'cold-start.cjs'),
    officialScript: join(officialDir, 'cold-start.mjs'),
  };
  writeFileSync(scripts.floorScript, FLOOR_SCRIPT);
  writeFileSync(scripts.floorCjsScript, FLOOR_SCRIPT);
  writeFileSync(scripts.gpdbEdgeScript, GPDB_EDGE_SCRIPT);
  writeFileSync(scripts.gpdbEdgeCjsScript, GPDB_EDGE_CJS_SCRIPT);
  writeFileSync(scripts.officialScript, OFFICIAL_SCRIPT);
  return scripts;
}
