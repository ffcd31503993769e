// 5. Memory: RSS (and, for gpdb-edge, the wasm linear memory) of a fresh process before and
// after many sign calls, each signer in its own process so that neither sees the other's heap.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./memory-child.mjs', import.meta.url));

export function measureMemory({ gpdbEdgeDir, quick }) {
  const calls = quick ? 1_000 : 100_000;
  const run = (which, dir) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', CHILD, which, dir, String(calls)], { encoding: 'utf8' }));
  return { calls, gpdbEdge: run('gpdb-edge', gpdbEdgeDir), official: run('official', '-') };
}
