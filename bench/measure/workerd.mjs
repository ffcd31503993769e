// 6a. µs per sign call inside workerd (Miniflare). workerd may hold its clocks still while a
// request runs without I/O (Spectre mitigation), so the worker's own clock is not trusted alone:
// the loop's time is taken from outside, as the dispatchFetch round trip for several batch sizes,
// and the slope of a least-squares line through (batch size, median round trip) is the time per
// call; the dispatch overhead is the intercept and drops out. What the worker's Date.now() saw is
// reported next to it as a cross-check.
// 6d. Cold start in workerd: a fresh Miniflare (a new workerd process) for each sample, timed from
// `new Miniflare` to the answer of its first request, which signs one request; minus the same for
// a bare Worker that only answers, and next to a Worker that signs with the WebCrypto JS signer.
// The Worker's start (its modules loaded, the wasm compiled, instantiated at the top level) and
// the first request are also reported apart, and the workerd process's CPU time up to the first
// answer. Interleaved, medians. Each Worker's modules are listed, as wrangler uploads them at
// deploy: given only the entry, Miniflare finds the imports itself, parsing every module in Node
// (acorn) at each start, which made most of the Worker's start here (+44 ms of +57 over a bare
// Worker), and no deployed Worker pays it.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

import { ACCESS_KEY_SECRET, SIGN_OPTIONS } from '../params.mjs';
import { officialSignerAgrees, officialV3Agrees } from '../signers/official.mjs';
import { fitLine, median } from '../stats.mjs';

const COMPATIBILITY_DATE = '2025-09-01';

// The package's own workerd entry (what wrangler resolves with the `workerd` condition), imported
// by relative path so that Miniflare collects it, its glue and its .wasm as modules.
const WORKER = `
import { signCancelUploadDocumentJob } from './node_modules/gpdb-edge/workerd.mjs';
import { signWithWebCrypto } from './bench-webcrypto.mjs';
import { SIGN_JOBS, SIGN_JOBS_V2 } from './bench-params.mjs';

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n'));
    const impl = url.searchParams.get('impl');
    const clockBefore = Date.now();
    let last = null;
    if (impl === 'wasm') for (let i = 0; i < n; i++) last = signCancelUploadDocumentJob(SIGN_JOBS_V2[i & 255]);
    else for (let i = 0; i < n; i++) last = await signWithWebCrypto(SIGN_JOBS[i & 255]);
    return Response.json({ n, clockAdvancedMs: Date.now() - clockBefore, last });
  },
};
`;

// CPU time so far of this process's workerd children, all threads, from Linux's schedstat (ns):
// unlike the wall time, it does not grow while workerd waits for a core on a shared machine.
function workerdCpuMs() {
  let ns = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm !== 'workerd' || parent !== process.pid) continue;
      for (const task of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A process that went away meanwhile.
    }
  }
  return ns / 1e6;
}

// The modules of each cold-start Worker, besides its entry: the package's workerd entry and what
// it imports (a module missing here fails the Worker's start).
const PACKAGE_MODULES = [['ESModule', 'workerd.mjs'], ['ESModule', 'gpdb_edge.mjs'], ['CompiledWasm', 'gpdb_edge_bg.wasm']]
  .map(([type, file]) => [type, `node_modules/gpdb-edge/${file}`]);
const COLD_MODULES = {
  bare: [],
  gpdbEdge: [['ESModule', 'bench-params.mjs'], ...PACKAGE_MODULES],
  webCrypto: [['ESModule', 'bench-params.mjs'], ['ESModule', 'bench-webcrypto.mjs']],
};

const COLD_WORKERS = {
  bare: `export default { fetch: () => Response.json({}) };`,
  gpdbEdge: `
import { signCancelUploadDocumentJob } from './node_modules/gpdb-edge/workerd.mjs';
import { SIGN_OPTIONS } from './bench-params.mjs';
export default { fetch: () => Response.json(signCancelUploadDocumentJob(SIGN_OPTIONS)) };
`,
  webCrypto: `
import { signWithWebCrypto } from './bench-webcrypto.mjs';
import { SIGN_OPTIONS } from './bench-params.mjs';
export default { fetch: async () => Response.json(await signWithWebCrypto(SIGN_OPTIONS)) };
`,
};

async function measureColdStart({ gpdbEdgeDir, quick }) {
  const runs = quick ? 1 : 21;
  const samples = Object.fromEntries(Object.keys(COLD_WORKERS).map((name) => [name, { startMs: [], firstRequestMs: [], totalMs: [], cpuMs: [] }]));
  const modules = {};
  for (const [name, source] of Object.entries(COLD_WORKERS)) {
    writeFileSync(join(gpdbEdgeDir, `bench-cold-${name}.mjs`), source);
    modules[name] = [['ESModule', `bench-cold-${name}.mjs`], ...COLD_MODULES[name]]
      .map(([type, file]) => ({ type, path: join(gpdbEdgeDir, file), contents: readFileSync(join(gpdbEdgeDir, file)) }));
  }
  for (let i = 0; i < runs + (quick ? 0 : 1); i++) {
    for (const name of Object.keys(COLD_WORKERS)) {
      const start = performance.now();
      const mf = new Miniflare({ modules: modules[name], modulesRoot: gpdbEdgeDir, compatibilityDate: COMPATIBILITY_DATE });
      try {
        await mf.ready;
        const ready = performance.now();
        const res = await mf.dispatchFetch('http://bench.local/');
        const body = await res.json();
        const end = performance.now();
        const cpuMs = workerdCpuMs();
        assert.equal(res.status, 200);
        if (name === 'gpdbEdge' && i === 0) assert.ok(officialV3Agrees(body, ACCESS_KEY_SECRET), 'workerd cold start: the official V3 signer agrees');
        if (quick || i >= 1) {
          samples[name].startMs.push(ready - start);
          samples[name].firstRequestMs.push(end - ready);
          samples[name].totalMs.push(end - start);
          samples[name].cpuMs.push(cpuMs);
        }
      } finally {
        await mf.dispose();
      }
    }
  }
  const medians = (s) => ({ startMs: median(s.startMs), firstRequestMs: median(s.firstRequestMs), totalMs: median(s.totalMs), cpuMs: median(s.cpuMs) });
  return { runs, medianMs: Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, medians(s)])), samples };
}

export async function measureWorkerd({ gpdbEdgeDir, quick }) {
  writeFileSync(join(gpdbEdgeDir, 'bench-worker.mjs'), WORKER);
  copyFileSync(fileURLToPath(new URL('../signers/webcrypto.mjs', import.meta.url)), join(gpdbEdgeDir, 'bench-webcrypto.mjs'));
  copyFileSync(fileURLToPath(new URL('../params.mjs', import.meta.url)), join(gpdbEdgeDir, 'bench-params.mjs'));

  const mf = new Miniflare({
    modules: true,
    scriptPath: join(gpdbEdgeDir, 'bench-worker.mjs'),
    modulesRoot: gpdbEdgeDir,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: COMPATIBILITY_DATE,
  });
  let result;
  try {
    await mf.ready;
    const batch = async (impl, n) => {
      const start = performance.now();
      const res = await mf.dispatchFetch(`http://bench.local/?impl=${impl}&n=${n}`);
      const text = await res.text();
      const ms = performance.now() - start;
      assert.equal(res.status, 200, text);
      return { ms, ...JSON.parse(text) };
    };

    const sizes = quick ? [1, 20] : [1_000, 4_000, 16_000];
    const reps = quick ? 1 : 5;
    result = { sizes, reps, usPerCall: {}, interceptMs: {}, medianMs: {}, insideClockUsPerCall: {} };
    for (const impl of ['wasm', 'webCrypto']) {
      // Warm-up: the first thousands of calls run in V8's baseline tiers, several times slower.
      for (let i = 0; i < (quick ? 1 : 3); i++) await batch(impl, quick ? 5 : 4_000);
      const { last } = await batch(impl, 1);
      assert.ok(officialSignerAgrees(last, ACCESS_KEY_SECRET), `workerd ${impl}: the official signer agrees`);
      assert.equal(new URL(last.url).searchParams.get('DBInstanceId'), SIGN_OPTIONS.dbInstanceId);
      const samples = Object.fromEntries(sizes.map((n) => [n, []]));
      let inside = { ms: 0, n: 0 };
      for (let rep = 0; rep < reps; rep++) {
        for (const n of sizes) {
          const { ms, clockAdvancedMs } = await batch(impl, n);
          samples[n].push(ms);
          inside = { ms: inside.ms + clockAdvancedMs, n: inside.n + n };
        }
      }
      const medians = sizes.map((n) => [n, median(samples[n])]);
      const { slope, intercept } = fitLine(medians);
      const name = impl === 'wasm' ? 'gpdbEdge' : 'webCrypto';
      result.usPerCall[name] = slope * 1000;
      result.interceptMs[name] = intercept;
      result.medianMs[name] = Object.fromEntries(medians);
      // 0 where workerd froze Date.now() over the loop.
      result.insideClockUsPerCall[name] = (inside.ms / inside.n) * 1000;
    }
  } finally {
    await mf.dispose();
  }
  result.coldStart = await measureColdStart({ gpdbEdgeDir, quick });
  return result;
}
