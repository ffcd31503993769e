// 3b. Where the Node cold start goes: each step of the Node entry timed inside fresh processes
// (cold-steps-child.mjs), medians. What the steps do not cover, of the interleaved cold start
// over the floor, is module resolution and loading by Node's ESM loader (node.mjs) and its
// compilation.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { median } from '../stats.mjs';
import { childEnv } from './cold-start.mjs';

const CHILD = fileURLToPath(new URL('./cold-steps-child.mjs', import.meta.url));

export function measureColdSteps({ gpdbEdgeDir, signOptions, quick }) {
  const packageDir = dirname(createRequire(join(gpdbEdgeDir, 'package.json')).resolve('gpdb-edge'));
  const env = childEnv(signOptions);
  const runs = quick ? 1 : 21;
  const samples = {};
  for (let i = 0; i < runs; i++) {
    const ms = JSON.parse(execFileSync(process.execPath, [CHILD, packageDir], { env, encoding: 'utf8' }));
    for (const [name, [wall, cpu]] of Object.entries(ms)) {
      samples[name] ??= { wall: [], cpu: [] };
      samples[name].wall.push(wall);
      samples[name].cpu.push(cpu);
    }
  }
  const medians = (kind) => Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, median(s[kind])]));
  return { runs, medianMs: medians('wall'), cpuMedianMs: medians('cpu') };
}
