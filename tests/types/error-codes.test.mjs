// The one list of error codes (src/error-codes.json) against everything else that names them:
// the errors the JS glue and the entries create, the code types of index.d.ts and the package
// README's table of errors. (The Rust errors: `cargo test error_codes`, src/protocol/error.rs.)
// Each failure names the file, the kind and the code, and says which side to change.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { ROOT } from '../package/harness.mjs';

const LIST = 'src/error-codes.json';
const { kinds } = JSON.parse(readFileSync(join(ROOT, LIST), 'utf8'));
const read = (path) => readFileSync(join(ROOT, path), 'utf8');
const capitalized = (kind) => kind[0].toUpperCase() + kind.slice(1);

/** "A, B" of `expected` missing from `actual` and of `actual` not in `expected`, as messages. */
function compare(where, kind, actual, expected, fix) {
  const problems = [];
  for (const code of expected) if (!actual.has(code)) problems.push(`${where}: kind "${kind}" lacks code "${code}" (listed in ${LIST}): ${fix}`);
  for (const code of actual) if (!expected.has(code)) problems.push(`${where}: kind "${kind}" has code "${code}", which ${LIST} does not list under kinds.${kind}.codes: add it there, or remove it here`);
  return problems;
}
const listed = (kind, place) =>
  new Set(Object.entries(kinds[kind].codes).filter(([, from]) => !place || from.split(' ').includes(place)).map(([code]) => code));

test(`${LIST}: every kind has codes, each raised somewhere known`, () => {
  const places = new Set(['rust', 'glue', 'entries', 'alibaba']);
  for (const [kind, { open, codes }] of Object.entries(kinds)) {
    assert.equal(typeof open, 'boolean', `kinds.${kind}.open`);
    assert.ok(Object.keys(codes).length > 0, `kinds.${kind} has no codes`);
    for (const [code, from] of Object.entries(codes)) {
      for (const place of from.split(' ')) assert.ok(places.has(place), `kinds.${kind}.codes.${code}: unknown place "${place}" (one of ${[...places].join(', ')})`);
      if (!open) assert.ok(!from.includes('alibaba'), `kinds.${kind}.codes.${code}: only an open kind has the API's own codes`);
    }
  }
});

// Every `{ kind: '…', code: '…' }` object literal in the JS that creates GpdbErrors: the glue
// (src/runtime/*.mjs) and the entries (pkg-template/*.mjs, *.cjs).
const JS_PLACES = {
  glue: readdirSync(join(ROOT, 'src/runtime')).filter((f) => /\.(mjs|cjs|js)$/.test(f)).map((f) => `src/runtime/${f}`),
  entries: readdirSync(join(ROOT, 'pkg-template')).filter((f) => /\.(mjs|cjs|js)$/.test(f)).map((f) => `pkg-template/${f}`),
};

test('the JS glue and the entries raise exactly the codes the list gives them', () => {
  const problems = [];
  for (const [place, files] of Object.entries(JS_PLACES)) {
    const raised = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, new Set()]));
    for (const file of files) {
      for (const [literal] of read(file).matchAll(/\{[^{}]*\bkind:[^{}]*\}/g)) {
        const kind = /\bkind:\s*['"]([\w.]+)['"]/.exec(literal)?.[1];
        const code = /\bcode:\s*['"]([\w.]+)['"]/.exec(literal)?.[1];
        if (!kind || !code) continue;
        if (!raised[kind]) problems.push(`${file}: kind "${kind}" (code "${code}") is not a kind of ${LIST}`);
        else raised[kind].add(code);
      }
    }
    for (const kind of Object.keys(kinds)) {
      problems.push(...compare(`${files.join(', ')} (place "${place}")`, kind, raised[kind], listed(kind, place),
        `raise it there, or drop "${place}" from its places in ${LIST}`));
    }
  }
  assert.deepEqual(problems, []);
});

test('index.d.ts: one code type per kind, with exactly the listed codes; GpdbErrorKind has every kind', () => {
  const types = read('pkg-template/index.d.ts').replace(/\/\*[\s\S]*?\*\//g, ''); // without its comments
  const alias = (name) => {
    const body = new RegExp(`export type ${name} =([^;]*);`).exec(types)?.[1];
    return body === undefined ? undefined : new Set([...body.matchAll(/\|\s*"([^"]+)"/g)].map((m) => m[1]));
  };
  const problems = [];
  for (const [kind, { open }] of Object.entries(kinds)) {
    const name = `${open ? 'Known' : ''}${capitalized(kind)}ErrorCode`;
    const codes = alias(name);
    if (!codes) {
      problems.push(`pkg-template/index.d.ts: no \`export type ${name} = | "…" | "…";\` for kind "${kind}"`);
      continue;
    }
    problems.push(...compare(`pkg-template/index.d.ts ${name}`, kind, codes, listed(kind), `add \`| "<code>"\` to ${name}`));
    if (!new RegExp(`extends GpdbErrorBase<"${kind}", ${capitalized(kind)}ErrorCode>`).test(types)) {
      problems.push(`pkg-template/index.d.ts: no interface \`… extends GpdbErrorBase<"${kind}", ${capitalized(kind)}ErrorCode>\` in the GpdbError union`);
    }
  }
  const declaredKinds = alias('GpdbErrorKind') ?? new Set();
  for (const kind of Object.keys(kinds)) if (!declaredKinds.has(kind)) problems.push(`pkg-template/index.d.ts: GpdbErrorKind lacks "${kind}"`);
  for (const kind of declaredKinds) if (!kinds[kind]) problems.push(`pkg-template/index.d.ts: GpdbErrorKind has "${kind}", which ${LIST} does not list`);
  assert.deepEqual(problems, []);
});

test("pkg-template/README.md: the table of errors gives each kind exactly its codes (an open kind: its own codes, others from the list)", () => {
  const readme = read('pkg-template/README.md');
  const section = readme.slice(readme.indexOf('## Errors'));
  const rows = new Map();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const kind = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (kind && cells.length >= 5) rows.set(kind, new Set([...cells[3].matchAll(/`([\w.]+)`/g)].map((m) => m[1])));
  }
  const problems = [];
  for (const [kind, { open }] of Object.entries(kinds)) {
    const codes = rows.get(kind);
    if (!codes) {
      problems.push(`pkg-template/README.md, "Errors": no row for kind \`${kind}\``);
      continue;
    }
    if (!open) {
      problems.push(...compare('pkg-template/README.md, "Errors"', kind, codes, listed(kind), 'add it to the row\'s code column'));
      continue;
    }
    // An open kind: the package's own codes must be there; any other must be a known one.
    const own = new Set([...listed(kind)].filter((code) => kinds[kind].codes[code] !== 'alibaba'));
    for (const code of own) if (!codes.has(code)) problems.push(`pkg-template/README.md, "Errors": kind "${kind}" lacks code "${code}" (raised by this package)`);
    for (const code of codes) if (!listed(kind).has(code)) problems.push(`pkg-template/README.md, "Errors": kind "${kind}" names "${code}", which ${LIST} does not list under kinds.${kind}.codes`);
  }
  for (const kind of rows.keys()) if (!kinds[kind]) problems.push(`pkg-template/README.md, "Errors": a row for kind \`${kind}\`, which ${LIST} does not list`);
  assert.deepEqual(problems, []);
});
