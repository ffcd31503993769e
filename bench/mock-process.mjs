// The local gpdb endpoint in its own process, so the client under test keeps its core. Like
// `node tests/mock-gpdb/server.mjs --port 0` (it prints the same URL line), but quiet (that CLI logs
// every request to stderr) and driven over IPC: before each measurement the bench resets it and
// adds tens of thousands of running jobs, more than `--job ID ...` can pass on a command line.
import { startMockGpdb } from '../tests/mock-gpdb/server.mjs';
import { benchJobId } from './params.mjs';

// Keep-alive connections outlive the pauses between runs (each client idles while the others
// run, 14 s and more): at Node's default 5 s the server closed the official client's idle socket
// as it reused it, and two of its calls failed with ECONNRESET in each of two `make bench` runs.
const mock = await startMockGpdb({ quiet: true, port: 0, keepAliveTimeoutMs: 120_000 });

const handlers = {
  // Forget requests and nonces, then add jobs benchJobId(0 … count-1), all running.
  provision({ count }) {
    mock.reset();
    for (let i = 0; i < count; i++) mock.addJob({ jobId: benchJobId(i) });
    return { jobs: mock.jobs.size };
  },
  // What the endpoint answered since the last provision, e.g. { "200 success": 5210 }.
  outcomes() {
    const counts = {};
    for (const r of mock.requests) {
      if (r.method !== 'POST') continue;
      const key = `${r.response.status} ${r.response.code ?? ''}`.trim();
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  },
};

process.on('message', ({ id, type, ...args }) => {
  try {
    process.send({ id, ok: true, value: handlers[type](args) });
  } catch (error) {
    process.send({ id, ok: false, error: String(error?.stack ?? error) });
  }
});
// The bench went away (or closed the channel): stop serving.
process.on('disconnect', () => mock.close().then(() => process.exit(0)));

process.stdout.write(`gpdb mock listening on ${mock.url}\n`);
