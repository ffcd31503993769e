// Builds the page into public/: page/console.mjs bundled by esbuild with the installed gpdb-edge
// (its `browser` entry), the HTML and CSS, and the package's .wasm — esbuild leaves
// `new URL('./gpdb_edge_bg.wasm', import.meta.url)` as it is and emits no asset (evanw/esbuild#795),
// so the wasm is copied next to the bundle.
//   node build.mjs          in www/, after `npm install`
//   buildPage(projectDir)   from scripts/console.mjs, for a scratch copy of www/
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const STATIC_FILES = ['index.html', 'console.css'];

/** Builds `<projectDir>/public` from `<projectDir>/page`; returns its path. */
export async function buildPage(projectDir) {
  const out = join(projectDir, 'public');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    absWorkingDir: projectDir,
    entryPoints: ['page/console.mjs'],
    outfile: 'public/console.js',
    bundle: true,
    format: 'esm', // import.meta.url must survive: the wasm is found relative to the bundle
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  const packageDir = dirname(createRequire(join(projectDir, 'package.json')).resolve('gpdb-edge/package.json'));
  copyFileSync(join(packageDir, 'gpdb_edge_bg.wasm'), join(out, 'gpdb_edge_bg.wasm'));
  for (const name of STATIC_FILES) copyFileSync(join(projectDir, 'page', name), join(out, name));
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = await buildPage(dirname(fileURLToPath(import.meta.url)));
  console.log(`built ${out}`);
}
