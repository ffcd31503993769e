// 4. Size: the .wasm raw and compressed, the packed tarball, and what `npm install` puts on disk
// for gpdb-edge and for the official client's dependency tree.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** `du -sb`: apparent bytes, directories included. */
const du = (path) => Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);

/** Installed packages: every node_modules/<name>/package.json and node_modules/@scope/<name>/package.json. */
function countPackages(nodeModules) {
  let count = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (entry.name === 'node_modules') walk(path);
      else if (isPackageRoot(path)) {
        count++;
        walk(path); // nested node_modules
      } else if (entry.name.startsWith('@')) walk(path);
    }
  };
  const isPackageRoot = (path) => {
    const parts = relative(nodeModules, path).split(sep);
    const name = parts.at(-1);
    const parent = parts.at(-2);
    const grand = parts.at(-3);
    const underNodeModules = parts.length === 1 || parent === 'node_modules' || (parent?.startsWith('@') && (parts.length === 2 || grand === 'node_modules'));
    if (!underNodeModules || name.startsWith('.') || name.startsWith('@')) return false;
    try { return statSync(join(path, 'package.json')).isFile(); } catch { return false; }
  };
  walk(nodeModules);
  return count;
}

export function measureSize({ gpdbEdgeDir, officialDir, tarballPath }) {
  const packageDir = join(gpdbEdgeDir, 'node_modules', 'gpdb-edge');
  const wasm = readFileSync(join(packageDir, 'gpdb_edge_bg.wasm'));
  const officialModules = join(officialDir, 'node_modules');
  return {
    wasm: {
      raw: wasm.length,
      gzip: gzipSync(wasm, { level: 9 }).length,
      brotli: brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    },
    tarball: statSync(tarballPath).size,
    installed: {
      gpdbEdge: { bytes: du(packageDir), packages: countPackages(join(gpdbEdgeDir, 'node_modules')) },
      official: { bytes: du(officialModules), packages: countPackages(officialModules) },
    },
  };
}
