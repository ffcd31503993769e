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
