// Node 20: the installed package through the exports map, as ESM `import` and as CJS `require`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import binaryen from 'binaryen';

import { assertScenario, ROOT, scratchProject, startMockGpdb } from './harness.mjs';

let dir;
let mock;

before(async () => {
  dir = scratchProject('node', {
    'esm.mjs': `
      import * as lib from 'gpdb-edge';
      import { runScenario, scenarioOptions } from './scenario.mjs';
      const report = await runScenario(lib, scenarioOptions({ endpoint: process.env.ENDPOINT }));
      console.log(JSON.stringify(report));
    `,
    'cjs.cjs': `
      const lib = require('gpdb-edge');
      import('./scenario.mjs').then(async ({ runScenario, scenarioOptions }) => {
        const report = await runScenario(lib, scenarioOptions({ endpoint: process.env.ENDPOINT }));
        console.log(JSON.stringify(report));
      });
    `,
    'both.mjs': `
      import * as esm from 'gpdb-edge';
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)('gpdb-edge');
      // The error class of another copy of the package (two versions installed side by side),
      // through its browser entry, whose signing throws NotReady until its wasm is loaded.
      const browser = await import('./other-copy/gpdb-edge/browser.mjs');
      let notReady;
      try { browser.signCancelUploadDocumentJob({}); } catch (error) { notReady = error; }
      console.log(JSON.stringify({
        sameFunction: esm.cancelUploadDocumentJob === cjs.cancelUploadDocumentJob,
        sameErrorClass: esm.GpdbError === cjs.GpdbError,
        sameExports: Object.keys(esm).every((name) => esm[name] === cjs[name]) && Object.keys(cjs).length === Object.keys(esm).length,
        resolved: import.meta.resolve('gpdb-edge'),
        otherCopy: {
          distinctClass: browser.GpdbError !== cjs.GpdbError,
          instanceOf: notReady instanceof cjs.GpdbError,
          isGpdbError: cjs.isGpdbError(notReady),
          kind: notReady?.kind, code: notReady?.code,
        },
        notErrors: [null, undefined, 'GpdbError', {}, new Error('x'), { kind: 'input', code: 'UnknownOption', name: 'GpdbError' }].map(cjs.isGpdbError),
      }));
    `,
  });
  copyFileSync(join(ROOT, 'tests/package/scenario.mjs'), join(dir, 'scenario.mjs'));
  cpSync(join(dir, 'node_modules/gpdb-edge'), join(dir, 'other-copy/gpdb-edge'), { recursive: true });
  mock = await startMockGpdb({ quiet: true });
});

after(() => mock?.close());

// Asynchronously: the endpoint lives in this process and must keep answering.
async function run(script) {
  const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: dir, env: { ...process.env, ENDPOINT: mock.url }, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

for (const [name, script] of [['ESM import', 'esm.mjs'], ['CJS require', 'cjs.cjs']]) {
  test(`${name}: cancels, reports the API error, and signs like the official signer`, async () => {
    mock.reset();
    assertScenario(await run(script), mock);
  });
}

test('import and require share one module instance (no dual-package hazard)', async () => {
  const report = await run('both.mjs');
  assert.equal(report.sameFunction, true);
  assert.equal(report.sameErrorClass, true);
  assert.equal(report.sameExports, true);
  assert.match(report.resolved, /node_modules\/gpdb-edge\/node\.mjs$/);
});

test('instanceof GpdbError and isGpdbError recognise an error of another copy of the package, and nothing else', async () => {
  const report = await run('both.mjs');
  assert.deepEqual(report.otherCopy, { distinctClass: true, instanceOf: true, isGpdbError: true, kind: 'environment', code: 'NotReady' });
  assert.deepEqual(report.notErrors, [false, false, false, false, false, false]);
});

// The entry requires its ES module glue (require(esm)): Node prints nothing about it, and the
// nonces come from /dev/urandom without loading Node's crypto module.
for (const [name, load] of [['import', "await import('gpdb-edge')"], ['require', "createRequire(import.meta.url)('gpdb-edge')"]]) {
  test(`${name}: no warning on stderr, and the first signature loads no crypto module`, async () => {
    const script = `
      import { createRequire } from 'node:module';
      const lib = ${load};
      lib.signCancelUploadDocumentJob({ credentials: { accessKeyId: 'id', accessKeySecret: 'secret' }, regionId: 'cn-hangzhou',
        dbInstanceId: 'gp-x', collection: 'c', namespacePassword: 'p', jobId: 'j' });
      console.log(JSON.stringify(process.moduleLoadList.filter((name) => /crypto/.test(name))));
    `;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, timeout: 30_000 });
    assert.equal(stderr, '');
    assert.deepEqual(JSON.parse(stdout), []);
  });
}


// Installed, both entries read the .wasm beside them: the embedded copy's module (a 62 KB string,
// for bundles) is not in their graph, so without it they load and sign all the same.
test('installed, import and require read the .wasm and load no embedded copy of it', async () => {
  const copy = join(dir, 'without-embedded-copy');
  cpSync(join(dir, 'node_modules/gpdb-edge'), join(copy, 'node_modules/gpdb-edge'), { recursive: true });
  rmSync(join(copy, 'node_modules/gpdb-edge/gpdb_edge_bg_wasm.mjs'));
  const script = `
    import { createRequire } from 'node:module';
    const options = { credentials: { accessKeyId: 'id', accessKeySecret: 'secret' }, regionId: 'cn-hangzhou',
      dbInstanceId: 'gp-x', collection: 'c', namespacePassword: 'p', jobId: 'j' };
    const esm = await import('gpdb-edge');
    const cjs = createRequire(import.meta.url)('gpdb-edge');
    console.log(JSON.stringify([esm, cjs].map((lib) => lib.signCancelUploadDocumentJob(options).headers.authorization.split(' ')[0])));
  `;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: copy, timeout: 30_000 });
  assert.equal(stderr, '');
  assert.deepEqual(JSON.parse(stdout), ['ACS3-HMAC-SHA256', 'ACS3-HMAC-SHA256']);
});

// A process that requires the package, then imports it: one instance, and the .wasm read once.
test('require then import: the .wasm is read once', async () => {
  const script = `
    import { createRequire } from 'node:module';
    const fs = process.getBuiltinModule('fs');
    const readFileSync = fs.readFileSync;
    const reads = [];
    fs.readFileSync = function (path, ...rest) {
      if (String(path).endsWith('.wasm')) reads.push(String(path).replace(/.*\\//, ''));
      return readFileSync.call(this, path, ...rest);
    };
    const cjs = createRequire(import.meta.url)('gpdb-edge');
    const esm = await import('gpdb-edge');
    console.log(JSON.stringify({ reads, same: esm.signCancelUploadDocumentJob === cjs.signCancelUploadDocumentJob }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, timeout: 30_000 });
  assert.deepEqual(JSON.parse(stdout), { reads: ['gpdb_edge_bg.wasm'], same: true });
});

// V8 11 (Node 20) compiles each import signature's wasm-to-JS wrapper with the module, for JS
// functions of the signature's arity, and another at instantiation for each signature a function
// of another arity imports: the build declares the parameters of wasm-bindgen's handleError
// imports, whose `function()` read `arguments` (scripts/build.sh).
test("every function the wasm imports has its signature's arity", async () => {
  // The parameter count of each imported function, as binaryen reads the installed .wasm.
  const module = binaryen.readBinary(readFileSync(join(dir, 'node_modules/gpdb-edge/gpdb_edge_bg.wasm')));
  const expected = {};
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const fn = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    if (fn.module) expected[`${fn.module}.${fn.base}`] = binaryen.expandType(fn.params).length;
  }
  module.dispose();
  // The arity of each function the entry passes to WebAssembly.Instance.
  const script = `
    const Instance = WebAssembly.Instance;
    let actual;
    WebAssembly.Instance = function (module, imports) {
      actual = Object.fromEntries(Object.entries(imports).flatMap(([m, fns]) => Object.entries(fns).map(([n, f]) => [m + '.' + n, f.length])));
      return new Instance(module, imports);
    };
    await import('gpdb-edge');
    console.log(JSON.stringify(actual));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, timeout: 30_000 });
  assert.ok(Object.keys(expected).length > 20, 'the import section was read');
  assert.deepEqual(JSON.parse(stdout), expected);
});
