// 3. Cold start: fresh `node` processes that import a client and build one signed request (without
// sending it), each minus a bare `node -e 0` timed the same way. hyperfine when it is on the PATH,
// otherwise spawned and timed here.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { officialV3Agrees } from '../signers/official.mjs';
import { median } from '../stats.mjs';

const OPTIONS = 'JSON.parse(process.env.BENCH_SIGN_OPTIONS)';

/** Written into .scratch/bench-package: resolves `gpdb-edge` as a user's project would. */
export const GPDB_EDGE_SCRIPT = `
import { signCancelUploadDocumentJob } from 'gpdb-edge';
const signed = signCancelUploadDocumentJob(${OPTIONS});
if (!signed.headers.authorization) throw new Error('not signed');
if (process.env.BENCH_PRINT) console.log(JSON.stringify(signed));
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
`;

const hasHyperfine = () => spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;

function withHyperfine(commands, { runs, warmup, env }) {
  const dir = mkdtempSync(join(tmpdir(), 'gpdb-edge-bench-'));
  try {
    const out = join(dir, 'hyperfine.json');
    const args = ['-N', '--style', 'none', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out];
    for (const [name, argv] of Object.entries(commands)) args.push('-n', name, argv.join(' '));
    execFileSync('hyperfine', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const { results } = JSON.parse(readFileSync(out, 'utf8'));
    return Object.fromEntries(results.map((r) => [r.command, { medianMs: r.median * 1000, samplesMs: r.times.map((t) => t * 1000) }]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Round-robin, so that load changes hit every command alike.
function bySpawning(commands, { runs, warmup, env }) {
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, [file, ...args]] of Object.entries(commands)) {
      const start = process.hrtime.bigint();
      const { status, stderr } = spawnSync(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      assert.equal(status, 0, `${name} failed: ${stderr}`);
      if (i >= warmup) samples[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, ms]) => [name, { medianMs: median(ms), samplesMs: ms }]));
}

export function measureColdStart({ gpdbEdgeScript, officialScript, signOptions, quick }) {
  const env = { ...process.env, BENCH_SIGN_OPTIONS: JSON.stringify(signOptions) };
  delete env.NODE_OPTIONS;
  const node = process.execPath;
  const commands = { baseline: [node, '-e', '0'], gpdbEdge: [node, gpdbEdgeScript], official: [node, officialScript] };

  // Each script really signs: run once, printing, before timing.
  for (const name of ['gpdbEdge', 'official']) {
    const [file, ...args] = commands[name];
    const signed = JSON.parse(execFileSync(file, args, { env: { ...env, BENCH_PRINT: '1' }, encoding: 'utf8' }));
    assert.ok(officialV3Agrees(signed, signOptions.credentials.accessKeySecret), `${name}: the official signer agrees`);
  }

  const settings = { runs: quick ? 1 : 30, warmup: quick ? 0 : 3, env };
  const tool = hasHyperfine() ? 'hyperfine' : 'spawn';
  const times = tool === 'hyperfine' ? withHyperfine(commands, settings) : bySpawning(commands, settings);
  const baseline = times.baseline.medianMs;
  return {
    tool,
    runs: settings.runs,
    baselineMs: baseline,
    medianMs: { gpdbEdge: times.gpdbEdge.medianMs, official: times.official.medianMs },
    overBaselineMs: { gpdbEdge: times.gpdbEdge.medianMs - baseline, official: times.official.medianMs - baseline },
    samplesMs: Object.fromEntries(Object.entries(times).map(([name, t]) => [name, t.samplesMs])),
  };
}

export function writeColdStartScripts(gpdbEdgeDir, officialDir) {
  const gpdbEdgeScript = join(gpdbEdgeDir, 'cold-start.mjs');
  const officialScript = join(officialDir, 'cold-start.mjs');
  writeFileSync(gpdbEdgeScript, GPDB_EDGE_SCRIPT);
  writeFileSync(officialScript, OFFICIAL_SCRIPT);
  return { gpdbEdgeScript, officialScript };
}
