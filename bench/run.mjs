#!/usr/bin/env node
// gpdb-edge against the official Alibaba Cloud SDK, measured side by side in one run:
//   node bench/run.mjs [--quick] [--json FILE]
// Prints one markdown table on stdout (progress goes to stderr). `--quick` runs every measurement
// once with tiny counts: a smoke run that only fails when something errors, never on a timing.
// The package is the packed tarball: $GPDB_EDGE_TARBALL, else target/gpdb-edge-*.tgz (`make build`).
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { measureChromium } from './measure/chromium.mjs';
import { measureColdStart, writeColdStartScripts } from './measure/cold-start.mjs';
import { measureEndToEnd } from './measure/end-to-end.mjs';
import { measureMemory } from './measure/memory.mjs';
import { measureSigning } from './measure/signing.mjs';
import { measureSize } from './measure/size.mjs';
import { measureWorkerd } from './measure/workerd.mjs';
import { SIGN_OPTIONS } from './params.mjs';
import { installGpdbEdge, installOfficial, loadGpdbEdge, officialVersion, ROOT, tarball } from './projects.mjs';
import { fmt, kib, mib, progress } from './stats.mjs';

function parseArgs(args) {
  const opts = { quick: false, json: null };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--quick') opts.quick = true;
    else if (args[i] === '--json' && args[i + 1]) opts.json = args[++i];
    else throw new Error(`unknown argument ${args[i]}; usage: node bench/run.mjs [--quick] [--json FILE]`);
  }
  return opts;
}

function machine() {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  const rootRequire = createRequire(join(ROOT, 'package.json'));
  return {
    nproc: os.availableParallelism(),
    cpu,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    miniflare: rootRequire('miniflare/package.json').version,
    officialClient: `@alicloud/openapi-core ${officialVersion()}`,
  };
}

async function step(name, fn) {
  const start = performance.now();
  progress(`${name}…`);
  const value = await fn();
  progress(`${name}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return value;
}

const ratio = (a, b) => (a == null || b == null || !b ? '—' : `${fmt(a / b, 2)}×`);

function table(r) {
  const rows = [];
  const row = (metric, ours, official, rat = '—') => rows.push(`| ${metric} | ${ours} | ${official} | ${rat} |`);
  const pair = (metric, a, b, digits) => row(metric, fmt(a, digits), fmt(b, digits), ratio(a, b));

  const s = r.signing;
  const signRuns = `median of ${s.runs} × ${s.ops.toLocaleString('en-US')} ops`;
  pair(`Sign a request, V3 (URL + headers + body), ops/s, Node, ${signRuns} — official column: openapi-util getAuthorization + body hash`,
    s.opsPerSec.gpdbEdge, s.opsPerSec.official);
  pair('Sign a request, V3, µs/op, Node', s.usPerOp.gpdbEdge, s.usPerOp.official);
  pair('Sign a request, V2 (URL + body), ops/s, Node — official column: openapi-util getRPCSignature', s.opsPerSec.gpdbEdgeV2, s.opsPerSec.officialV2);
  pair('Sign a request, V2, µs/op, Node', s.usPerOp.gpdbEdgeV2, s.usPerOp.officialV2);
  pair('Sign a request, V2, µs/op, Node — official column: WebCrypto JS V2 (aws4fetch approach)', s.usPerOp.gpdbEdgeV2, s.usPerOp.webCrypto);

  const e = r.endToEnd;
  for (const c of [1, 64]) {
    pair(`End-to-end calls/s, keep-alive, concurrency ${c} (median of ${e.runs} × ${e.durationMs / 1000} s)`, e.callsPerSec[`gpdbEdge@${c}`], e.callsPerSec[`official@${c}`]);
  }
  for (const c of [1, 64]) {
    pair(`… diagnostic: gpdb-edge signer + bare \`fetch\`, concurrency ${c}`, e.callsPerSec[`signAndFetch@${c}`], e.callsPerSec[`official@${c}`]);
  }
  for (const c of [1, 64]) {
    pair(`… diagnostic: requests signed beforehand, bare \`fetch\` only (the ceiling of a fetch client), concurrency ${c}`,
      e.callsPerSec[`presignedFetch@${c}`], e.callsPerSec[`official@${c}`]);
  }

  const cs = r.coldStart;
  pair(`Cold start: import + first signed request, ms over \`node -e 0\` (${fmt(cs.baselineMs, 1)} ms; median of ${cs.runs}, ${cs.tool})`,
    cs.overBaselineMs.gpdbEdge, cs.overBaselineMs.official, 1);

  const z = r.size;
  row('`.wasm` raw / gzip -9 / brotli -11, KiB', `${fmt(kib(z.wasm.raw), 1)} / ${fmt(kib(z.wasm.gzip), 1)} / ${fmt(kib(z.wasm.brotli), 1)}`, '—');
  row('Packed tarball, KiB', fmt(kib(z.tarball), 1), '—');
  pair('Installed size (`du -sb`), KiB', kib(z.installed.gpdbEdge.bytes), kib(z.installed.official.bytes));
  pair('Installed packages', z.installed.gpdbEdge.packages, z.installed.official.packages, 0);

  const m = r.memory;
  const calls = m.calls.toLocaleString('en-US');
  pair('RSS after import, MiB', mib(m.gpdbEdge.before.rss), mib(m.official.before.rss), 1);
  pair(`RSS after ${calls} signs, MiB`, mib(m.gpdbEdge.after.rss), mib(m.official.after.rss), 1);
  row(`wasm memory before → after ${calls} signs, KiB`, `${fmt(kib(m.gpdbEdge.before.wasm), 0)} → ${fmt(kib(m.gpdbEdge.after.wasm), 0)}`, '—');

  const w = r.workerd;
  pair(`workerd (Miniflare ${r.machine.miniflare}): µs/sign V2, slope over ${w.sizes.join('/')}-call batches — official column: WebCrypto JS V2`,
    w.usPerCall.gpdbEdge, w.usPerCall.webCrypto, 1);
  pair('… the same from the worker\'s own Date.now()', w.insideClockUsPerCall.gpdbEdge, w.insideClockUsPerCall.webCrypto, 1);
  const c = r.chromium;
  pair(`Chromium ${c.version}: µs/sign V2, median of ${c.reps} × ${c.n.toLocaleString('en-US')} calls — official column: WebCrypto JS V2`,
    c.usPerCall.gpdbEdge, c.usPerCall.webCrypto, 1);

  return ['| metric | gpdb-edge | official | ratio |', '| --- | ---: | ---: | ---: |', ...rows].join('\n');
}

// The ceilings of issue 11: a cancel is a network call, so these are limits, not contests.
const CEILINGS = [
  ['`.wasm` gzip -9 ≤ 52 KB', (r) => r.size.wasm.gzip, (v) => v <= 52 * 1000, (v) => `${fmt(v / 1000, 1)} KB`],
  ['sign-only throughput in Node ≥ 2× the official signer, V3 (default)', (r) => r.signing.opsPerSec.gpdbEdge / r.signing.opsPerSec.official, (v) => v >= 2, (v) => `${fmt(v, 2)}×`],
  ['… the same with V2', (r) => r.signing.opsPerSec.gpdbEdgeV2 / r.signing.opsPerSec.officialV2, (v) => v >= 2, (v) => `${fmt(v, 2)}×`],
  ['cold start ≤ 0.19× the official client', (r) => r.coldStart.overBaselineMs.gpdbEdge / r.coldStart.overBaselineMs.official, (v) => v <= 0.19, (v) => `${fmt(v, 2)}×`],
];

function ceilings(r) {
  const rows = CEILINGS.map(([name, measure, holds, show]) => {
    const value = measure(r);
    return `| ${name} | ${show(value)} | ${holds(value) ? 'yes' : '**no**'} |`;
  });
  return ['| ceiling | measured | holds |', '| --- | ---: | --- |', ...rows].join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const results = { command: ['node', 'bench/run.mjs', ...process.argv.slice(2)].join(' '), quick: opts.quick, machine: machine() };
  const tarballPath = tarball();
  progress(`tarball ${tarballPath}${opts.quick ? ' (quick: a smoke run, the numbers are not measurements)' : ''}`);

  const gpdbEdgeDir = await step('npm install the tarball into .scratch/bench-package', () => installGpdbEdge());
  const officialDir = await step('npm install @alicloud/openapi-core into .scratch/bench-official', () => installOfficial());
  const { lib: gpdbEdge } = loadGpdbEdge(gpdbEdgeDir);
  const scripts = writeColdStartScripts(gpdbEdgeDir, officialDir);

  results.size = await step('size', () => measureSize({ gpdbEdgeDir, officialDir, tarballPath }));
  results.signing = await step('signing throughput', () => measureSigning({ gpdbEdge, quick: opts.quick }));
  results.endToEnd = await step('end-to-end calls/s', () => measureEndToEnd({ gpdbEdge, quick: opts.quick }));
  results.coldStart = await step('cold start', () => measureColdStart({ ...scripts, signOptions: SIGN_OPTIONS, quick: opts.quick }));
  results.memory = await step('memory', () => measureMemory({ gpdbEdgeDir, quick: opts.quick }));
  results.workerd = await step('workerd', () => measureWorkerd({ gpdbEdgeDir, quick: opts.quick }));
  results.chromium = await step('Chromium', () => measureChromium({ gpdbEdgeDir, quick: opts.quick }));
  results.runtimeSeconds = (performance.now() - started) / 1000;

  const failures = Object.entries(results.endToEnd.failures);
  const m = results.machine;
  const out = [
    table(results),
    '',
    ceilings(results),
    '',
    ...failures.map(([key, f]) => `Failed end-to-end calls ${key}: ${f.count}, first: ${f.first}`),
    `Ratio: gpdb-edge ÷ the other column. Machine: nproc ${m.nproc}, ${m.cpu}, Node ${m.node}, load average ${m.loadAverage.join(' ')} at start; official client ${m.officialClient}.`,
    `Command: \`${results.command}\` — ${fmt(results.runtimeSeconds, 1)} s${opts.quick ? ' (--quick: a smoke run; the numbers are not measurements)' : ''}.`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);

  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
    progress(`raw numbers in ${opts.json}`);
  }
  if (failures.length) process.exitCode = 1;
}

await main();
