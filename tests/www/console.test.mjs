// The console of www/ in Chromium, served by its Worker in workerd (Miniflare), with the local
// gpdb endpoint as the Worker's upstream. Both modes end to end, what reaches the page, the signing
// routes' and the forwarding proxy's refusals. Built from the packed tarball as a deploy would
// (scripts/console.mjs).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { buildConsole, localAccessKeys, localBindings, LOCAL_STS, startConsole, startLocalConsole, WWW } from '../../scripts/console.mjs';
import { DEFAULTS, startMockGpdb } from '../mock-gpdb/server.mjs';
import { assertOnTheWire, launchChromium } from '../package/harness.mjs';

const SCREENSHOTS = join(WWW, 'screenshots');
const WRONG_PASSWORD = 'typed-wrong-password-7f3a';
const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/; // the endpoint's RequestId
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const JOB = { regionId: DEFAULTS.regionId, dbInstanceId: DEFAULTS.dbInstanceId, collection: DEFAULTS.collection };
const CANCEL = 'CancelUploadDocumentJob';
const GET = 'GetUploadDocumentJob';

let built;
let browser;
const abortedOutcomes = { signing: [], forwarding: [] }; // what Abort and Escape showed, per mode

before(async () => {
  built = await buildConsole('www-console');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

// A port for the Worker chosen before it starts: CONSOLE_ORIGIN must name it.
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(predicate, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The Worker in workerd with the local endpoint as upstream; the endpoint can be stopped and restarted on its port. */
// The page and the proxy tests sign for the region's endpoint (signature V3 signs the host) and
// the Worker forwards to the local one, which checks them as that host: `signedHost`.
const API_HOST = 'gpdb.aliyuncs.com';

async function startStack({ upstream, signedHost = null } = {}) {
  const mockOptions = { quiet: true, accessKeys: localAccessKeys(), jobs: [], signedHost };
  const stack = { mock: upstream ? null : await startMockGpdb(mockOptions) };
  const port = await freePort();
  stack.site = await startConsole(built, {
    quiet: true,
    port,
    bindings: localBindings({ upstream: upstream ?? stack.mock.url, origins: [`http://127.0.0.1:${port}`] }),
  });
  stack.restartMock = async () => {
    stack.mock = await startMockGpdb({ ...mockOptions, port: stack.mock.port });
  };
  stack.close = async () => {
    await stack.site.dispose();
    await stack.mock?.close();
  };
  return stack;
}

/** What the outcome panel shows, field by field. */
function readOutcome(page) {
  return page.evaluate(() => {
    const fields = {};
    for (const node of document.querySelectorAll('#outcome [data-field]')) {
      fields[node.dataset.field] = node.tagName === 'A' ? { href: node.getAttribute('href'), rel: node.rel, target: node.target } : node.textContent;
    }
    return { title: document.querySelector('#outcome h3')?.textContent, fields };
  });
}

/**
 * axe-core's violations of its default rules on the page as it is now, one line per element. The
 * page's CSP refuses inline scripts, so `page.addScriptTag({ content })` is refused there (and
 * Chromium logs the refusal); `page.evaluate` runs through the DevTools protocol, which no CSP governs.
 */
async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const { violations } = await window.axe.run(document);
    return violations.flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(' ')}: ${node.failureSummary}`));
  });
}

/** The WCAG 2 contrast ratio of two opaque colours as getComputedStyle gives them, `rgb(r, g, b)`. */
function contrast(one, other) {
  const luminance = (css) => {
    const [r, g, b, alpha = 1] = css.match(/[\d.]+/g).map(Number);
    assert.equal(alpha, 1, `${css} is opaque`);
    const linear = (c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const [light, dark] = [luminance(one), luminance(other)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

/**
 * Tabs through the page from the top; for each stop, its focus outline and the backgrounds it is
 * drawn on: the page's and the nearest opaque one around the element.
 */
async function focusRings(page) {
  await page.evaluate(() => document.activeElement?.blur());
  const rings = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const node = document.activeElement;
      if (!node || node === document.body) return null;
      const style = getComputedStyle(node);
      let around = node.parentElement;
      while (around && getComputedStyle(around).backgroundColor === 'rgba(0, 0, 0, 0)') around = around.parentElement;
      const clippedBy = [];
      for (let up = node.parentElement; up; up = up.parentElement) {
        if (getComputedStyle(up).overflow !== 'visible') clippedBy.push(up.id || up.className || up.tagName);
      }
      return {
        id: node.id, style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor, clippedBy,
        page: getComputedStyle(document.body).backgroundColor, around: getComputedStyle(around ?? document.body).backgroundColor,
      };
    });
    if (!ring || rings.some((r) => r.id === ring.id)) break; // back at the top
    rings.push(ring);
  }
  return rings;
}

const historyItems = (page) => page.$$eval('#history li', (items) => items.map((li) => li.textContent));

/** Fills the form and presses Cancel (or Enter in the password field); resolves once the outcome is shown. */
async function cancelJob(page, { jobId, password = DEFAULTS.namespacePassword, withKeyboard = false, whileInFlight }) {
  const before = (await historyItems(page)).length;
  await page.fill('#jobId', jobId);
  await page.fill('#namespacePassword', password);
  if (withKeyboard) await page.press('#namespacePassword', 'Enter');
  else await page.click('#cancel');
  await whileInFlight?.();
  await page.waitForFunction((n) => document.querySelectorAll('#history li').length > n, before, { timeout: 20_000 });
  return readOutcome(page);
}

/** An error's message says what its code and request id rows do not: neither is repeated in it. */
function assertMessageOwnText(outcome) {
  const { message, code, requestId } = outcome.fields;
  assert.ok(message, 'a message is shown');
  if (code) assert.ok(!message.includes(code), `the message repeats the code: ${message}`);
  if (requestId) assert.ok(!message.includes(requestId) && !/RequestId/.test(message), `the message repeats the request id: ${message}`);
}

async function assertFormReady(page) {
  assert.equal(await page.isEnabled('#cancel'), true, 'Cancel is enabled again');
  assert.equal(await page.isDisabled('#abort'), true, 'Abort is disabled again');
  assert.equal(await page.getAttribute('#cancel', 'aria-busy'), null);
  assert.equal(await page.inputValue('#namespacePassword'), '', 'the password was cleared from the input');
}

for (const mode of ['signing', 'forwarding']) {
  describe(`${mode} mode`, () => {
    let stack;
    let page;
    const received = []; // every response the page got: url, content type, and headers and body as text
    const problems = [];
    let document; // the page's own response

    before(async () => {
      stack = await startStack({ signedHost: mode === 'forwarding' ? API_HOST : null });
      page = await browser.newPage({ viewport: { width: 900, height: 700 } });
      page.on('response', (response) => {
        const seen = { path: new URL(response.url()).pathname, type: response.headers()['content-type'] };
        received.push(response.body().then(
          (body) => ({ ...seen, text: `${JSON.stringify(response.headers())}\n${body.toString('latin1')}` }),
          () => ({ ...seen, text: JSON.stringify(response.headers()) }), // an aborted request has no body
        ));
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        // Chromium logs each 4xx/5xx answer; those are the errors these tests ask for.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
      });
      document = await page.goto(`${stack.site.url}/?mode=${mode}&${new URLSearchParams(JOB)}`);
      await page.waitForFunction(() => !document.getElementById('cancel').disabled);
    });

    after(async () => {
      await page?.close();
      await stack?.close();
    });

    test('the page: labelled fields, the password not kept, the mode shown', async () => {
      const unlabelled = await page.$$eval('input', (inputs) => inputs.filter((i) => !i.labels?.length).map((i) => i.id));
      assert.deepEqual(unlabelled, []);
      assert.equal(await page.getAttribute('#namespacePassword', 'type'), 'password');
      assert.equal(await page.getAttribute('#namespacePassword', 'autocomplete'), 'off');
      assert.equal(await page.getAttribute('#outcome', 'aria-live'), 'polite');
      assert.equal(await page.getAttribute(`#mode-${mode}`, 'aria-current'), 'page');
      assert.equal(await page.inputValue('#dbInstanceId'), DEFAULTS.dbInstanceId, 'non-secret fields come from the URL');
      const csp = document.headers()['content-security-policy'];
      assert.match(csp, /connect-src 'self'/, 'the page talks to its own origin only');
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing on the empty page');
    });

    test('focus rings unclipped, and they and input borders at least 3:1 against their backgrounds (WCAG 1.4.11), light and dark', async () => {
      for (const colorScheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme });
        const rings = await focusRings(page);
        assert.deepEqual(rings.map((r) => r.id), [
          'mode-signing', 'mode-forwarding', 'regionId', 'dbInstanceId', 'namespace', 'collection', 'jobId', 'namespacePassword', 'cancel', 'history',
        ], `${colorScheme}: every control is a tab stop`);
        for (const ring of rings) {
          assert.equal(ring.style, 'solid', `${colorScheme}: #${ring.id} shows a focus ring`);
          assert.ok(ring.width >= 2, `${colorScheme}: #${ring.id}'s ring is ${ring.width}px`);
          assert.deepEqual(ring.clippedBy, [], `${colorScheme}: #${ring.id}'s ring is not clipped by an ancestor's overflow`);
          for (const where of ['page', 'around']) {
            const ratio = contrast(ring.color, ring[where]);
            assert.ok(ratio >= 3, `${colorScheme}: #${ring.id}'s ring ${ring.color} on ${ring[where]} (${where}) is ${ratio.toFixed(2)}:1`);
          }
        }
        const inputs = await page.$$eval('input', (nodes) => nodes.map((node) => ({
          id: node.id, border: getComputedStyle(node).borderTopColor, inside: getComputedStyle(node).backgroundColor,
          around: getComputedStyle(node.closest('form')).backgroundColor, page: getComputedStyle(document.body).backgroundColor,
        })));
        assert.equal(inputs.length, 6);
        for (const input of inputs) {
          for (const where of ['inside', 'around', 'page']) {
            const ratio = contrast(input.border, input[where]);
            assert.ok(ratio >= 3, `${colorScheme}: #${input.id}'s border ${input.border} on ${input[where]} (${where}) is ${ratio.toFixed(2)}:1`);
          }
        }
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.evaluate(() => document.activeElement?.blur());
    });

    test('switching mode keeps what was typed, except the password', async () => {
      const other = mode === 'signing' ? 'forwarding' : 'signing';
      const typed = { ...JOB, namespace: 'ns-typed', jobId: 'job typed & kept?' };
      const fresh = await browser.newPage();
      try {
        await fresh.goto(`${stack.site.url}/?mode=${mode}`);
        await fresh.waitForFunction(() => !document.getElementById('cancel').disabled);
        for (const [field, value] of Object.entries(typed)) await fresh.fill(`#${field}`, value);
        await fresh.fill('#namespacePassword', DEFAULTS.namespacePassword);
        await fresh.click(`#mode-${other}`);
        await fresh.waitForURL((url) => url.searchParams.get('mode') === other);
        await fresh.waitForFunction(() => !document.getElementById('cancel').disabled);
        assert.equal(await fresh.getAttribute(`#mode-${other}`, 'aria-current'), 'page');
        for (const [field, value] of Object.entries(typed)) assert.equal(await fresh.inputValue(`#${field}`), value, field);
        assert.equal(await fresh.inputValue('#namespacePassword'), '', 'the password is not carried');
        assert.ok(!fresh.url().includes(DEFAULTS.namespacePassword) && !new URL(fresh.url()).searchParams.has('namespacePassword'));
        // A field emptied before switching stays empty; one set without an input event (as the
        // browser restores a form) is carried too.
        await fresh.fill('#namespace', '');
        await fresh.$eval('#collection', (input) => { input.value = 'restored-collection'; });
        await fresh.click(`#mode-${mode}`);
        await fresh.waitForURL((url) => url.searchParams.get('mode') === mode);
        await fresh.waitForFunction(() => !document.getElementById('cancel').disabled);
        assert.equal(await fresh.inputValue('#namespace'), '');
        assert.equal(await fresh.inputValue('#collection'), 'restored-collection');
        assert.equal(await fresh.inputValue('#jobId'), typed.jobId);
      } finally {
        await fresh.close();
      }
    });

    test('a cancel succeeds: request id and status shown, one history entry', async () => {
      stack.mock.addJob({ jobId: 'job-ok' });
      const outcome = await cancelJob(page, { jobId: 'job-ok' });
      const [sent] = stack.mock.requests;
      assert.equal(outcome.fields.status, 'success');
      assert.match(outcome.fields.requestId, REQUEST_ID);
      assert.match(outcome.title, /job-ok cancelled/);
      const history = await historyItems(page);
      assert.equal(history.length, 1);
      assert.match(history[0], new RegExp(`${mode}.*job-ok.*cancelled · ${outcome.fields.requestId}`));
      await assertFormReady(page);
      // Signing mode signs with the Worker's long-lived key; forwarding mode with the page's STS key.
      const accessKeyId = mode === 'signing' ? DEFAULTS.accessKeyId : LOCAL_STS.accessKeyId;
      assert.match(sent.headers.authorization, new RegExp(`^ACS3-HMAC-SHA256 Credential=${accessKeyId},`));
      assert.equal(sent.path, '/', 'the proxy path became the upstream base');
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing after a success');
      if (mode === 'signing') {
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: join(SCREENSHOTS, 'success.png') });
      }
    });

    test('cancelling it again: the API error with its code, request id and diagnosis link', async () => {
      const outcome = await cancelJob(page, { jobId: 'job-ok' });
      assert.equal(outcome.fields.kind, 'api');
      assert.equal(outcome.fields.code, 'UploadDocumentJob.StatusInvalid');
      assert.equal(outcome.fields.httpStatus, '400');
      assert.match(outcome.fields.requestId, REQUEST_ID);
      assert.match(outcome.fields.message, /^The upload document job "job-ok" has already been cancelled\./);
      assertMessageOwnText(outcome);
      assert.match(outcome.fields.recommend.href, /^https:\/\/api\.aliyun\.com\/troubleshoot\?q=UploadDocumentJob\.StatusInvalid/);
      assert.match(outcome.fields.recommend.rel, /\bnoopener\b/);
      assert.equal((await historyItems(page)).length, 2);
      await assertFormReady(page);
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing after an error');
      if (mode === 'signing') await page.screenshot({ path: join(SCREENSHOTS, 'error.png') });
    });

    test('a wrong namespace password (sent from the keyboard)', async () => {
      stack.mock.addJob({ jobId: 'job-password' });
      const outcome = await cancelJob(page, { jobId: 'job-password', password: WRONG_PASSWORD, withKeyboard: true });
      assert.equal(outcome.fields.kind, 'api');
      assert.equal(outcome.fields.code, 'Namespace.PasswordIncorrect');
      assertMessageOwnText(outcome);
      assert.equal(outcome.fields.httpStatus, '403');
      assert.match(outcome.fields.requestId, REQUEST_ID);
      await assertFormReady(page);
    });

    test('a job id of only spaces: the field named by its label, the entry kept as "(blank)", nothing sent', async () => {
      const sent = stack.mock.requests.length;
      const outcome = await cancelJob(page, { jobId: '   ' });
      assert.equal(outcome.title, 'Invalid input: job (blank)');
      assert.equal(outcome.fields.kind, 'input');
      assert.equal(outcome.fields.code, 'MissingParameter');
      assert.equal(outcome.fields.message, 'Job ID is required');
      const [latest] = await historyItems(page);
      assert.match(latest, /\(blank\)\s+input · MissingParameter$/);
      assert.doesNotMatch(`${latest} ${outcome.title}`, /undefined|jobId/);
      assert.equal(await page.getAttribute('#jobId', 'aria-invalid'), 'true', 'the field at fault is marked');
      assert.equal(stack.mock.requests.length, sent, 'nothing reached gpdb');
      await assertFormReady(page);
      await page.fill('#jobId', 'job-typed');
      assert.equal(await page.getAttribute('#jobId', 'aria-invalid'), null, 'and unmarked once edited');
    });

    test('Abort while the endpoint hangs: busy state shown, then kind aborted', async () => {
      stack.mock.addJob({ jobId: 'job-abort' });
      stack.mock.inject({ type: 'hang' });
      const outcome = await cancelJob(page, {
        jobId: 'job-abort',
        whileInFlight: async () => {
          await until(() => stack.mock.requests.some((r) => r.fault === 'hang'), 'the request to reach the endpoint');
          assert.equal(await page.isDisabled('#cancel'), true);
          assert.equal(await page.getAttribute('#cancel', 'aria-busy'), 'true');
          assert.match(await page.textContent('#status'), /Cancelling job job-abort/);
          await page.click('#abort');
        },
      });
      assert.equal(outcome.fields.kind, 'aborted');
      assert.match(outcome.fields.message, /^You aborted the request before an answer came back\./);
      abortedOutcomes[mode].push(outcome);
      assert.equal(await page.textContent('#status'), '');
      await assertFormReady(page);
      assert.equal(stack.mock.jobs.get('job-abort').state, 'running', 'the job was not cancelled');
    });

    test('Escape aborts too', async () => {
      stack.mock.addJob({ jobId: 'job-escape' });
      stack.mock.inject({ type: 'hang' });
      const outcome = await cancelJob(page, {
        jobId: 'job-escape',
        withKeyboard: true,
        whileInFlight: async () => {
          await until(() => stack.mock.requests.filter((r) => r.fault === 'hang').length === 2, 'the request to reach the endpoint');
          await page.keyboard.press('Escape');
        },
      });
      assert.equal(outcome.fields.kind, 'aborted');
      abortedOutcomes[mode].push(outcome);
      await assertFormReady(page);
    });

    test('the endpoint down: a network error shown, and the page works once it is back', async () => {
      stack.mock.addJob({ jobId: 'job-down' });
      await stack.mock.close();
      const outcome = await cancelJob(page, { jobId: 'job-down' });
      if (mode === 'signing') {
        // gpdb-edge in the Worker could not connect; the Worker reports its error.
        assert.equal(outcome.fields.kind, 'network');
        assert.equal(outcome.fields.code, 'NetworkError');
        assert.equal(outcome.fields.reportedBy, 'the console\'s Worker');
        assert.equal(outcome.fields.httpStatus, undefined);
      } else {
        // The page reached the proxy, which could not reach gpdb: its 502, in Alibaba's shape.
        assert.equal(outcome.fields.kind, 'api');
        assert.equal(outcome.fields.code, 'Proxy.UpstreamUnreachable');
        assert.equal(outcome.fields.httpStatus, '502');
      }
      assert.equal(outcome.fields.retryable, 'yes');
      assertMessageOwnText(outcome);
      await assertFormReady(page);

      await stack.restartMock();
      stack.mock.addJob({ jobId: 'job-back' });
      const again = await cancelJob(page, { jobId: 'job-back' });
      assert.equal(again.fields.status, 'success');
    });

    test('a 300-character job id wraps: the page never gets wider than the window, wide or narrow', async () => {
      const long = `job-${'0123456789abcdef'.repeat(19)}`.slice(0, 300);
      const fits = () => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
      stack.mock.inject({ type: 'hang' });
      const outcome = await cancelJob(page, {
        jobId: long,
        whileInFlight: async () => {
          await page.waitForFunction(() => document.getElementById('status').textContent !== '');
          const { scrollWidth, width } = await fits();
          assert.ok(scrollWidth <= width, `while in flight: ${scrollWidth} px wide in a ${width} px window`);
          await page.click('#abort');
        },
      });
      assert.ok(outcome.title.includes(long), 'the whole id is in the outcome');
      assert.ok((await historyItems(page))[0].includes(long), 'and in the history');
      for (const width of [900, 360]) {
        await page.setViewportSize({ width, height: 700 });
        const fit = await fits();
        assert.ok(fit.scrollWidth <= fit.width, `${fit.scrollWidth} px wide in a ${fit.width} px window`);
      }
      await page.setViewportSize({ width: 900, height: 700 });
    });

    test('a history long enough to scroll: focusable, and axe-core finds nothing, light or dark', async () => {
      const scrolls = () => page.$eval('#history', (list) => list.scrollHeight > list.clientHeight);
      for (let i = 0; !(await scrolls()); i++) {
        assert.ok(i < 20, 'the history scrolls before it is cut at 20 entries');
        await cancelJob(page, { jobId: `job-unknown-${i}` });
      }
      await page.focus('#history');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'history', 'a keyboard can reach it');
      await page.keyboard.press('End');
      await page.waitForFunction(() => document.getElementById('history').scrollTop > 0, null, { timeout: 5_000 }); // and scroll it
      assert.deepEqual(await axeViolations(page), [], 'light');
      await page.emulateMedia({ colorScheme: 'dark' });
      try {
        assert.deepEqual(await axeViolations(page), [], 'dark');
      } finally {
        await page.emulateMedia({ colorScheme: 'light' });
      }
    });

    test(mode === 'signing' ? 'no key, secret or password reached the page' : 'the STS credentials reached the page, the long-lived key never did', async () => {
      const responses = await Promise.all(received);
      const paths = responses.map((r) => r.path);
      const neverSeen = [DEFAULTS.accessKeySecret, DEFAULTS.accessKeyId, DEFAULTS.namespacePassword, WRONG_PASSWORD];
      if (mode === 'signing') {
        neverSeen.push(LOCAL_STS.accessKeySecret, LOCAL_STS.securityToken, LOCAL_STS.accessKeyId);
        assert.ok(!paths.includes('/api/credentials'), 'no credentials were fetched');
        assert.ok(!paths.includes('/gpdb_edge_bg.wasm'), 'nothing is signed in the page: the wasm was never loaded');
      } else {
        const credentials = responses.filter((r) => r.path === '/api/credentials');
        assert.equal(credentials.length, 1, 'fetched once: gpdb-edge caches them until 5 minutes before expiration');
        assert.ok(credentials[0].text.includes(LOCAL_STS.securityToken), 'by design, the page holds the STS token');
        const wasm = responses.filter((r) => r.path === '/gpdb_edge_bg.wasm');
        assert.deepEqual(wasm.map((r) => r.type), ['application/wasm'], 'the wasm is fetched once, as application/wasm');
      }
      for (const { path, text } of responses) {
        for (const secret of neverSeen) {
          for (const form of [secret, encodeURIComponent(secret)]) assert.ok(!text.includes(form), `${path} carried ${secret}`);
        }
      }
      assert.ok(responses.length >= 8, `the page's responses were collected (${responses.length})`);
      assert.deepEqual(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]), [0, 0, '']);
      assert.deepEqual(problems, [], 'no page errors');
    });
  });
}

test('Abort and Escape show the same outcome in both modes', () => {
  assert.equal(abortedOutcomes.signing.length, 2);
  assert.deepEqual(abortedOutcomes.forwarding, abortedOutcomes.signing);
});

describe('make console', () => {
  const DELAY_MS = 500; // SLOW_MS
  let local;
  let page;

  before(async () => {
    local = await startLocalConsole(built, { port: await freePort(), delayMs: DELAY_MS, quiet: true, jobs: ['job-signing', 'job-forwarding', 'job-slow'] });
    page = await browser.newPage();
  });
  after(async () => {
    await page?.close();
    await local?.close();
  });

  async function open(mode) {
    await page.goto(`${local.site.url}/?mode=${mode}&${new URLSearchParams(JOB)}`);
    await page.waitForFunction(() => !document.getElementById('cancel').disabled);
  }

  test('one local endpoint answers both modes: the Worker configured as deployed, the endpoint seeing the host that was signed', async () => {
    for (const mode of ['signing', 'forwarding']) {
      await open(mode);
      const started = Date.now();
      const outcome = await cancelJob(page, { jobId: `job-${mode}` });
      assert.equal(outcome.fields.status, 'success', `${mode}: ${JSON.stringify(outcome)}`);
      assert.ok(Date.now() - started >= DELAY_MS, `${mode}: the answer waited SLOW_MS`);
    }
    assert.equal(local.upstream, 'https://gpdb.aliyuncs.com', 'wrangler.toml\'s GPDB_UPSTREAM');
    assert.deepEqual(local.mock.requests.map((r) => [r.headers.host, r.response.status]), [[API_HOST, 200], [API_HOST, 200]]);
  });

  test('with SLOW_MS, Abort can be pressed by hand: the page stops at once', async () => {
    await open('forwarding');
    const started = Date.now();
    const outcome = await cancelJob(page, {
      jobId: 'job-slow',
      whileInFlight: async () => {
        await until(() => local.mock.requests.length === 3, 'the request to reach the endpoint');
        await page.click('#abort');
      },
    });
    assert.equal(outcome.fields.kind, 'aborted');
    assert.ok(Date.now() - started < DELAY_MS, 'before the endpoint answered');
  });
});

describe('the forwarding proxy', () => {
  let stack;
  let lib;

  before(async () => {
    stack = await startStack({ signedHost: API_HOST });
    lib = await import(pathToFileURL(join(built.dir, 'node_modules/gpdb-edge/node.mjs')).href);
  });
  after(() => stack?.close());

  const proxyUrl = () => `${stack.site.url}/api/gpdb`;
  const SIGNERS = { [CANCEL]: 'signCancelUploadDocumentJob', [GET]: 'signGetUploadDocumentJob' };
  const signed = (jobId, signatureVersion = 'v3', action = CANCEL) => lib[SIGNERS[action]]({
    ...JOB, credentials: LOCAL_STS, namespacePassword: DEFAULTS.namespacePassword, jobId, proxyUrl: proxyUrl(), signatureVersion,
  });

  // node:http sends the path and headers exactly as given (fetch would normalise them). One
  // connection per request: a refusal leaves the body unread, so workerd does not reuse it.
  function rawRequest({ method = 'POST', path, headers = {}, body }) {
    const { port } = new URL(stack.site.url);
    const form = body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' };
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...form, ...headers }, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk) => { text += chunk; }).on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  test('refuses other methods, content types, hosts, paths and actions; the endpoint sees none of them', async () => {
    const { url, body } = signed('job-refused');
    const query = url.slice(url.indexOf('?'));
    const v2 = signed('job-refused', 'v2');
    const v2Query = v2.url.slice(v2.url.indexOf('?'));
    const cases = [
      [{ method: 'GET', path: `/api/gpdb${query}` }, 405, 'Proxy.MethodNotAllowed'],
      [{ method: 'PUT', path: `/api/gpdb${query}`, body }, 405, 'Proxy.MethodNotAllowed'],
      [{ method: 'OPTIONS', path: `/api/gpdb${query}` }, 405, 'Proxy.MethodNotAllowed'],
      [{ path: `/api/gpdb${query}`, body, headers: { 'content-type': 'text/plain' } }, 415, 'Proxy.UnsupportedMediaType'],
      [{ path: `/api/gpdb${query}`, body, headers: { 'content-type': 'application/json' } }, 415, 'Proxy.UnsupportedMediaType'],
      [{ path: `/api/gpdb${query}`, body, headers: { host: 'evil.example' } }, 421, 'Console.MisdirectedRequest'],
      [{ path: `/api/gpdb${query}`, body, headers: { 'x-forwarded-host': 'evil.example' } }, 400, 'Console.RoutingHeaderRefused'],
      [{ path: `/api/gpdb${query}`, body, headers: { forwarded: 'host=evil.example' } }, 400, 'Console.RoutingHeaderRefused'],
      [{ path: `/api/gpdb${query}`, body, headers: { 'x-http-method-override': 'DELETE' } }, 400, 'Console.RoutingHeaderRefused'],
      [{ path: `/api/gpdb${query}`, body, headers: { origin: 'http://evil.example' } }, 403, 'Console.CrossOriginRefused'],
      [{ path: `/api/gpdb/http://evil.example/${query}`, body }, 404, 'Console.NotFound'],
      [{ path: `/api/gpdb/..%2F..%2Fevil.example${query}`, body }, 404, 'Console.NotFound'],
      [{ path: `/api/gpdb@evil.example${query}`, body }, 404, 'Console.NotFound'],
      [{ path: `/api/gpdb?${new URLSearchParams({ Action: 'DescribeDBInstances' })}`, body }, 403, 'Proxy.ActionNotAllowed'],
      [{ path: `/api/gpdb${query}`, body, headers: { 'x-acs-action': 'DescribeDBInstances' } }, 403, 'Proxy.ActionNotAllowed'],
      // No action named at all; and an allowed one with another beside it, wherever the other is.
      [{ path: `/api/gpdb${query}`, body }, 403, 'Proxy.ActionNotAllowed'],
      [{ path: `/api/gpdb${v2Query}`, body: v2.body, headers: { 'x-acs-action': 'DescribeDBInstances' } }, 403, 'Proxy.ActionNotAllowed'],
      [{ path: `/api/gpdb${v2Query}&Action=DescribeDBInstances`, body: v2.body, headers: { 'x-acs-action': CANCEL } }, 403, 'Proxy.ActionNotAllowed'],
      [{ path: `/api/gpdb${v2Query}`, body: `${v2.body}&Action=DescribeDBInstances`, headers: { 'x-acs-action': CANCEL } }, 403, 'Proxy.ActionNotAllowed'],
      [{ path: `/api/gpdb${query}`, body: `${body}&Action=DescribeDBInstances`, headers: { 'x-acs-action': GET } }, 403, 'Proxy.ActionNotAllowed'],
    ];
    for (const [request, status, code] of cases) {
      const res = await rawRequest(request);
      const label = `${request.method ?? 'POST'} ${request.path.slice(0, 60)} ${JSON.stringify(request.headers ?? {})}`;
      assert.equal(res.status, status, `${label}: ${res.text}`);
      const answer = JSON.parse(res.text);
      assert.equal(answer.Code, code, label);
      assert.match(answer.RequestId, REQUEST_ID, 'in Alibaba\'s error shape');
      if (status === 405) assert.equal(res.headers.allow, 'POST');
    }
    // Dot segments are resolved before the Worker runs, so these are static paths (404); an
    // absolute request target never reaches the Worker (workerd answers 500 itself).
    for (const [path, status] of [['/api/gpdb/../../evil.example/', 404], ['//evil.example/api/gpdb', 404], ['http://evil.example/api/gpdb', 500]]) {
      const res = await rawRequest({ path: path + query, body });
      assert.equal(res.status, status, path);
    }
    assert.deepEqual(stack.mock.requests, [], 'nothing was forwarded');
  });

  for (const [action, signatureVersion] of [[CANCEL, 'v3'], [CANCEL, 'v2'], [GET, 'v3'], [GET, 'v2']]) {
    test(`forwards a signed ${action} (${signatureVersion}) byte for byte, with cookies stripped`, async () => {
      stack.mock.reset();
      stack.mock.addJob({ jobId: 'job-wire' });
      const { url, headers, body } = signed('job-wire', signatureVersion, action);
      const res = await fetch(url, { method: 'POST', headers: { ...headers, cookie: 'session=console-cookie' }, body });
      assert.equal(res.status, 200, await res.clone().text());
      const answer = await res.json();
      assert.equal(answer.Status, 'success');
      assert.equal(answer.Job?.Status, action === GET ? 'Running' : undefined);
      const [record] = stack.mock.requests;
      assert.equal(record.action, action);
      assert.equal(record.signatureVersion, signatureVersion);
      assert.equal(record.path, '/');
      assert.equal(`?${record.rawQuery}`, url.slice(url.indexOf('?')), 'the query string, byte for byte');
      assert.equal(record.rawBody, body, 'the body, byte for byte');
      for (const [name, value] of Object.entries(headers)) assert.equal(record.headers[name], value, `${name}, byte for byte`);
      const received = { ...record, headers: { ...record.headers, host: API_HOST } }; // what was signed
      assertOnTheWire(received, { accessKeySecret: LOCAL_STS.accessKeySecret, secrets: [DEFAULTS.namespacePassword], token: LOCAL_STS.securityToken });
      // An allow-list: the Workers runtime adds cf-worker (the zone's name) to every subrequest.
      assert.deepEqual(Object.keys(record.headers).sort(), ['cf-worker', 'content-length', 'host', ...Object.keys(headers)].sort());
    });
  }

  test('strips cookies and unknown headers from the upstream\'s answer', async () => {
    const seen = [];
    const upstream = http.createServer((req, res) => {
      seen.push(req.headers);
      req.resume().on('end', () => res.writeHead(200, {
        'content-type': 'application/json', 'x-acs-request-id': 'R1', 'set-cookie': 'upstream-session=leak; Path=/', 'x-internal': 'leak',
      }).end('{"RequestId":"R1","Status":"success","Message":"success"}'));
    });
    await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const site = await startStack({ upstream: `http://127.0.0.1:${upstream.address().port}` });
    try {
      const { url, headers, body } = lib.signCancelUploadDocumentJob({
        ...JOB, credentials: LOCAL_STS, namespacePassword: DEFAULTS.namespacePassword, jobId: 'job-cookie', proxyUrl: `${site.site.url}/api/gpdb`,
      });
      const res = await fetch(url, { method: 'POST', headers: { ...headers, cookie: 'session=console-cookie' }, body });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('set-cookie'), null, 'no cookie reaches the browser');
      assert.equal(res.headers.get('x-internal'), null);
      assert.equal(res.headers.get('x-acs-request-id'), 'R1');
      assert.equal(seen.length, 1);
      assert.equal(seen[0].cookie, undefined, 'no cookie reaches gpdb');
    } finally {
      await site.close();
      upstream.closeAllConnections();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});

describe('the signing routes', () => {
  let stack;
  const params = { ...JOB, jobId: 'job-route', namespacePassword: DEFAULTS.namespacePassword };

  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  // node:http, one connection per request, as the proxy's tests: a refusal leaves the body unread,
  // so workerd does not reuse the connection, and fetch's pool would.
  function post(site, path, { method = 'POST', body, headers = {} } = {}) {
    const { port } = new URL(site.url);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json', ...headers }, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk) => { text += chunk; }).on('end', () => resolve({
          status: res.statusCode, headers: new Headers(res.headers), text: async () => text, json: async () => JSON.parse(text),
        }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }


  test('/api/cancel and /api/job: the same checks and refusals, in the same shape; the endpoint sees none of them', async () => {
    const json = JSON.stringify(params);
    const cases = [
      [{ method: 'GET' }, 405, 'Console.MethodNotAllowed'],
      [{ body: json, headers: { 'content-type': 'text/plain' } }, 415, 'Console.UnsupportedMediaType'],
      [{ body: JSON.stringify({ ...params, collection: 'c'.repeat(5000) }) }, 413, 'Console.PayloadTooLarge'],
      [{ body: '{' }, 400, 'Console.MalformedJson'],
      [{ body: '[]' }, 400, 'Console.MalformedJson'],
      [{ body: JSON.stringify({ ...params, endpoint: 'https://evil.example' }) }, 400, 'UnknownOption'],
      [{ body: JSON.stringify({ ...params, credentials: LOCAL_STS }) }, 400, 'UnknownOption'],
      [{ body: json, headers: { origin: 'http://evil.example' } }, 403, 'Console.CrossOriginRefused'],
      [{ body: json, headers: { 'sec-fetch-site': 'cross-site' } }, 403, 'Console.CrossOriginRefused'],
      [{ body: json, headers: { 'x-forwarded-host': 'evil.example' } }, 400, 'Console.RoutingHeaderRefused'],
    ];
    for (const path of ['/api/cancel', '/api/job']) {
      for (const [request, status, code] of cases) {
        const res = await post(stack.site, path, request);
        const label = `${path} ${request.method ?? 'POST'} ${JSON.stringify(request.headers ?? {})} ${String(request.body).slice(0, 40)}`;
        const text = await res.text();
        assert.equal(res.status, status, `${label}: ${text}`);
        assert.deepEqual(Object.keys(JSON.parse(text)), ['error'], label);
        const { error } = JSON.parse(text);
        assert.equal(error.code, code, label);
        assert.equal(error.kind, 'input', label);
        assert.equal(error.retryable, false, label);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        if (status === 405) assert.equal(res.headers.get('allow'), 'POST');
      }
    }
    assert.deepEqual(stack.mock.requests, [], 'nothing reached gpdb');
  });

  test('/api/job answers the job\'s state only (no chunk file URLs, no usage), and its errors as /api/cancel does', async () => {
    stack.mock.reset();
    stack.mock.addJob({ jobId: 'job-state', status: 'Success' }); // a Success job has chunk files and usage
    const res = await post(stack.site, '/api/job', { body: JSON.stringify({ ...params, jobId: 'job-state' }) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const answer = await res.json();
    assert.deepEqual(Object.keys(answer).sort(), ['job', 'requestId']);
    assert.match(answer.requestId, REQUEST_ID);
    assert.deepEqual(Object.keys(answer.job).sort(), ['completed', 'createTime', 'id', 'progress', 'status', 'updateTime']);
    assert.deepEqual([answer.job.id, answer.job.status, answer.job.completed, answer.job.progress], ['job-state', 'Success', true, 100]);

    const missing = await post(stack.site, '/api/job', { body: JSON.stringify({ ...params, jobId: 'job-none' }) });
    assert.equal(missing.status, 404);
    const { error } = await missing.json();
    assert.equal(error.kind, 'api');
    assert.equal(error.code, 'UploadDocumentJob.NotFound');
    assert.match(error.requestId, REQUEST_ID);
    assert.match(error.recommend, /^https:\/\/api\.aliyun\.com\/troubleshoot\?/);
    assert.deepEqual(stack.mock.requests.map((r) => [r.action, r.headers.authorization.split(',')[0]]), [
      [GET, `ACS3-HMAC-SHA256 Credential=${DEFAULTS.accessKeyId}`], [GET, `ACS3-HMAC-SHA256 Credential=${DEFAULTS.accessKeyId}`],
    ], 'signed with the Worker\'s own key');
  });

  test('the key id, the secret and the password are redacted from both routes\' answers, even when gpdb echoes them', async () => {
    const echo = `key ${DEFAULTS.accessKeyId}, secret ${DEFAULTS.accessKeySecret}, password ${DEFAULTS.namespacePassword}`;
    const upstream = http.createServer((req, res) => {
      req.resume().on('end', () => {
        const body = req.headers['x-acs-action'] === GET
          ? { RequestId: 'R-GET', Status: 'success', Job: { Id: 'job-echo', Status: 'Failed', Error: echo, ErrorCode: DEFAULTS.accessKeyId } }
          : { RequestId: 'R-CANCEL', Code: 'Echo.Error', Message: echo };
        res.writeHead(req.headers['x-acs-action'] === GET ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const echoing = await startStack({ upstream: `http://127.0.0.1:${upstream.address().port}` });
    try {
      const body = JSON.stringify({ ...params, jobId: 'job-echo' });
      const job = await (await post(echoing.site, '/api/job', { body })).json();
      assert.equal(job.job.error, 'key ***, secret ***, password ***');
      assert.equal(job.job.errorCode, '***');
      const cancel = await post(echoing.site, '/api/cancel', { body });
      assert.equal(cancel.status, 400);
      const text = await cancel.text();
      assert.equal(JSON.parse(text).error.code, 'Echo.Error');
      for (const secret of [DEFAULTS.accessKeyId, DEFAULTS.accessKeySecret, DEFAULTS.namespacePassword]) {
        assert.ok(!text.includes(secret) && !JSON.stringify(job).includes(secret), `${secret} redacted`);
      }
    } finally {
      await echoing.close();
      upstream.closeAllConnections();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
