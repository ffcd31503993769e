// npm's and TypeScript's own package linters on the packed tarball (target/gpdb-edge-*.tgz, built by
// `make build`): arethetypeswrong (every resolution mode), publint --strict, and `npm pkg fix`
// having nothing to fix. Each prints its output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { BIN, tarball } from '../package/harness.mjs';

const run = (command, args, options = {}) =>
  promisify(execFile)(command, args, { timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, ...options })
    .then(({ stdout, stderr }) => ({ ok: true, output: stdout + stderr }), (error) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error) }));
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '').trim();
const print = (t, text) => { for (const line of plain(text).split('\n')) t.diagnostic(line); };

test('attw: no problems in any resolution mode (node10, node16 from CJS and ESM, bundler)', async (t) => {
  const { ok, output } = await run(join(BIN, 'attw'), [tarball(), '--format', 'table-flipped']);
  print(t, output);
  assert.ok(ok, `attw found problems:\n${plain(output)}`);
  assert.match(plain(output), /No problems found/);
});

test('publint --strict: all good', async (t) => {
  const { ok, output } = await run(join(BIN, 'publint'), ['--strict', tarball()]);
  print(t, output);
  assert.ok(ok, `publint --strict failed:\n${plain(output)}`);
  assert.match(plain(output), /All good!/);
});

test('npm pkg fix: nothing to fix in the packed package.json', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gpdb-edge-pkg-fix-'));
  try {
    await promisify(execFile)('tar', ['-xzf', tarball(), '-C', dir, 'package/package.json']);
    const packed = JSON.parse(readFileSync(join(dir, 'package/package.json'), 'utf8'));
    const { ok, output } = await run('npm', ['pkg', 'fix'], { cwd: join(dir, 'package') });
    assert.ok(ok, output);
    const fixed = JSON.parse(readFileSync(join(dir, 'package/package.json'), 'utf8'));
    assert.deepEqual(fixed, packed, 'npm pkg fix changed package.json: apply its change to pkg-template/package.json');
    t.diagnostic('npm pkg fix: no change');
    for (const key of ['repository', 'homepage', 'bugs']) assert.ok(packed[key], `package.json has no ${key}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
