// The console of www/ in Chromium, served by its Worker in workerd (Miniflare) behind the local
// stand-in for Cloudflare Access (scripts/local-access.mjs), with the local gpdb endpoint as the
// Worker's upstream. Both modes end to end for a signed-in operator (a job's status, its cancel,
// and following it to Cancelled), what reaches the page, the signing routes' and the forwarding
// proxy's refusals, Access on every path (each kind of bad token refused, nothing sent), the
// allow-list, and the audit lines. Built from the packed tarball as a deploy would
// (scripts/console.mjs). Every request the endpoint saw is checked by its action.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { exportSPKI, SignJWT, UnsecuredJWT } from 'jose';

import {
  auditLines, buildConsole, localAccessKeys, localBindings, localRoles, LOCAL_FINISHED_JOBS, LOCAL_ROLE_ARN, LOCAL_STS, startConsole,
  startLocalConsole, WWW,
} from '../../scripts/console.mjs';
import { sessionPolicy } from '../../www/worker/session.mjs';
import { accessKey, LOCAL_OPERATOR, startAccessFront, startAccessTeam } from '../../scripts/local-access.mjs';
import { DEFAULTS, startMockGpdb } from '../mock-gpdb/server.mjs';
import { assertOnTheWire, launchChromium } from '../package/harness.mjs';

// The README's screenshots are refreshed with `UPDATE_SCREENSHOTS=1 make test-js`; otherwise they go
// to .scratch/, so that a test run leaves the tracked files as they are.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? join(WWW, 'screenshots') : join(WWW, '..', '.scratch', 'screenshots');

async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}
const WRONG_PASSWORD = 'typed-wrong-password-7f3a';
const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/; // the endpoint's RequestId
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const JOB = { regionId: DEFAULTS.regionId, dbInstanceId: DEFAULTS.dbInstanceId, collection: DEFAULTS.collection };
const CANCEL = 'CancelUploadDocumentJob';
const GET = 'GetUploadDocumentJob';
// The page reads a followed job this often (its default is 1.5 s): ?pollIntervalMs=.
const POLL_MS = 100;
// The local endpoint answers a cancelled job Cancelling this many times, then Cancelled (its default).
const CANCELLING_POLLS = 2;

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

// Forwarding mode's page and the proxy tests sign for the region's endpoint (signature V3 signs
// the host): their stacks run as deployed (`asDeployed`), the Worker calling this host and STS's,
// and workerd sending both to the local endpoint, which sees the host that was signed.
const API_HOST = 'gpdb.aliyuncs.com';
const ASSUME_ROLE = 'AssumeRole';

/**
 * The Worker in workerd with the local endpoint (and its mock STS) as upstream (or `upstream` for
 * gpdb), behind the local Access front door, signed in as `operator`; `env` adds to or overrides
 * its bindings. The endpoint can be stopped and restarted on its port. `stack.site.url` is the
 * console as an operator opens it; `stack.worker.url` the Worker's own address, with no Access in
 * front. `stack.accessKeys` is the endpoint's key table: the STS credentials it issued join it.
 */
async function startStack({ upstream, asDeployed = false, env = {}, operator = LOCAL_OPERATOR } = {}) {
  const mockOptions = { quiet: true, accessKeys: localAccessKeys(), roles: localRoles(), jobs: [] };
  const stack = { mock: await startMockGpdb(mockOptions), team: await startAccessTeam(), accessKeys: mockOptions.accessKeys };
  stack.front = await startAccessFront({ team: stack.team, operator });
  const origins = [stack.front.url];
  stack.worker = await startConsole(built, asDeployed ? {
    network: `127.0.0.1:${stack.mock.port}`,
    accessHost: new URL(stack.team.teamDomain).host,
    bindings: { ...localBindings({ upstream: `https://${API_HOST}`, origins, team: stack.team }), ...env },
  } : {
    bindings: { ...localBindings({ upstream: upstream ?? stack.mock.url, origins, team: stack.team, sts: stack.mock.url }), ...env },
  });
  stack.front.setUpstream(stack.worker.url);
  stack.site = { url: stack.front.url };
  stack.audit = () => auditLines(stack.worker.logs);
  stack.restartMock = async () => {
    stack.mock = await startMockGpdb({ ...mockOptions, port: stack.mock.port });
  };
  stack.close = async () => {
    await stack.worker.dispose();
    await stack.front.close();
    await stack.team.close();
    await stack.mock?.close();
  };
  return stack;
}

/** The STS session whose credentials signed `record` (from its Authorization header), as the endpoint issued it. */
function sessionOf(stack, record) {
  const keyId = /Credential=([^,]+),/.exec(record.headers.authorization ?? '')?.[1];
  return stack.accessKeys[keyId] ?? null;
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

/** The actions of the requests the endpoint saw from the `from`th on. */
const actionsSince = (mock, from) => mock.requests.slice(from).map((r) => r.action).filter((action) => action !== ASSUME_ROLE);
/** The gpdb requests (not STS's) the endpoint saw from the `from`th on. */
const gpdbSince = (mock, from) => mock.requests.slice(from).filter((r) => r.action !== ASSUME_ROLE);

/** What the job panel shows: its title, the raw status, the progress bar's value, and each field's text. */
function readJob(page) {
  return page.evaluate(() => {
    const fields = {};
    for (const node of document.querySelectorAll('#job [data-field]')) fields[node.dataset.field] = node.textContent.trim();
    return {
      title: document.querySelector('#job h3')?.textContent,
      status: document.querySelector('#job [data-field="status"]')?.dataset.status,
      progress: document.querySelector('#job progress')?.value ?? null,
      failed: document.getElementById('job').classList.contains('is-failed'),
      fields,
    };
  });
}

/** Resolves once the job panel shows `jobId` (in `status`, when given). */
function waitForJob(page, jobId, status = null) {
  return page.waitForFunction(([title, want]) => document.querySelector('#job h3')?.textContent === title
    && !document.getElementById('check').hasAttribute('aria-busy')
    && (want === null || document.querySelector('#job [data-field="status"]')?.dataset.status === want), [`Job ${jobId}`, status], { timeout: 10_000 });
}

/**
 * From now on, records in the page each status the job panel shows for `jobId` and each text of
 * the status line (the live region status changes are announced in), each once in a row.
 */
function recordAnnouncements(page, jobId) {
  return page.evaluate((title) => {
    const seen = { statuses: [], lines: [] };
    window.seen = seen;
    let line = document.getElementById('status').textContent; // what it says already is not recorded
    const take = () => {
      const status = document.querySelector('#job [data-field="status"]')?.dataset.status;
      if (document.querySelector('#job h3')?.textContent === title && status && seen.statuses.at(-1) !== status) seen.statuses.push(status);
      const now = document.getElementById('status').textContent;
      if (now !== line) seen.lines.push(now);
      line = now;
    };
    window.seenObserver?.disconnect();
    window.seenObserver = new MutationObserver(take);
    for (const id of ['job', 'status']) window.seenObserver.observe(document.getElementById(id), { subtree: true, childList: true, characterData: true });
  }, `Job ${jobId}`);
}
const recorded = (page) => page.evaluate(() => window.seen);

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

async function assertFormReady(page, { cancelOffered = true } = {}) {
  // A job known to be finished (or being cancelled) is not offered a cancel.
  assert.equal(await page.isEnabled('#cancel'), cancelOffered, cancelOffered ? 'Cancel is enabled again' : 'Cancel is not offered');
  assert.equal(await page.isEnabled('#check'), true, 'Check status is enabled again');
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
    const shownRequestIds = new Map(); // job id → the request id the outcome showed

    before(async () => {
      stack = await startStack({ asDeployed: mode === 'forwarding' });
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
      document = await page.goto(`${stack.site.url}/?mode=${mode}&pollIntervalMs=${POLL_MS}&${new URLSearchParams(JOB)}`);
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

    test('the page names the operator Access signed in, and no cache keeps it', async () => {
      assert.equal(await page.textContent('#operator'), `Signed in as ${LOCAL_OPERATOR} · Sign out`);
      assert.equal(await page.isVisible('#operator'), true);
      assert.equal(await page.getAttribute('#sign-out', 'href'), '/cdn-cgi/access/logout', 'Access\'s own logout path');
      const signedOut = await httpRequest(stack.site.url, { path: '/cdn-cgi/access/logout' });
      assert.match(signedOut.text, /^Signed out of the local stand-in/);
      assert.equal(document.headers()['cache-control'], 'private, no-store');
      assert.equal(document.headers().etag, undefined);
    });

    test('focus rings unclipped, and they and input borders at least 3:1 against their backgrounds (WCAG 1.4.11), light and dark', async () => {
      for (const colorScheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme });
        const rings = await focusRings(page);
        assert.deepEqual(rings.map((r) => r.id), [
          'sign-out', 'mode-signing', 'mode-forwarding', 'regionId', 'dbInstanceId', 'namespace', 'collection', 'jobId', 'namespacePassword', 'check', 'cancel', 'history',
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

    test('a running job\'s status and progress, read once typing stops (not per keystroke), and again with Check status', async () => {
      stack.mock.addJob({ jobId: 'job-running', progress: 30 });
      await page.fill('#jobId', '');
      await page.fill('#namespacePassword', DEFAULTS.namespacePassword);
      const from = stack.mock.requests.length;
      await page.type('#jobId', 'job-running', { delay: 25 });
      await waitForJob(page, 'job-running', 'Running');
      assert.deepEqual(actionsSince(stack.mock, from), [GET], 'one GetUploadDocumentJob once typing stopped, none per keystroke');
      let job = await readJob(page);
      assert.equal(job.progress, 40, 'the endpoint moved it on by 10 %');
      assert.equal(job.fields.progress, '40 %');
      assert.equal(job.fields.status, 'Running');
      assert.match(job.fields.updateTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'the API\'s time, to the second');
      assert.equal(job.fields.note, 'This job is Running, 40 % done: it can be cancelled.');
      assert.equal(await page.textContent('#status'), 'Job job-running is Running, 40 % done: it can be cancelled.');
      assert.equal(await page.isEnabled('#cancel'), true);

      await page.click('#check');
      await page.waitForFunction(() => document.querySelector('#job progress')?.value === 50);
      await waitForJob(page, 'job-running', 'Running');
      assert.deepEqual(actionsSince(stack.mock, from), [GET, GET]);
      job = await readJob(page);
      assert.equal(job.fields.progress, '50 %');
      assert.equal(await page.getAttribute('#namespacePassword', 'type'), 'password');
      assert.notEqual(await page.inputValue('#namespacePassword'), '', 'a check keeps the password for the cancel');
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing with a status shown');
      if (mode === 'signing') await screenshot(page, 'job.png');
    });

    test('a finished job is stated as finished and not offered a cancel: no cancel reaches the endpoint', async () => {
      stack.mock.addJob({ jobId: 'job-finished', status: 'Success' });
      const from = stack.mock.requests.length;
      await page.fill('#jobId', 'job-finished');
      await page.click('#check');
      await waitForJob(page, 'job-finished', 'Success');
      const job = await readJob(page);
      assert.equal(job.fields.note, 'This job already finished (Success); there is nothing to cancel.');
      assert.equal(job.progress, 100);
      assert.equal(await page.textContent('#status'), 'Job job-finished already finished (Success); there is nothing to cancel.');
      assert.equal(await page.isDisabled('#cancel'), true, 'no doomed cancel is offered');
      // Neither Enter nor a script's submit sends one.
      await page.press('#namespacePassword', 'Enter');
      await page.evaluate(() => document.getElementById('cancel-form').requestSubmit());
      await sleep(POLL_MS * 3);
      assert.deepEqual(actionsSince(stack.mock, from), [GET], 'GetUploadDocumentJob only');
      assert.equal(stack.mock.jobs.get('job-finished').status, 'Success');
      // Another job id is another job: Cancel is offered again.
      await page.fill('#jobId', 'job-finished-2');
      assert.equal(await page.isEnabled('#cancel'), true);
      await page.fill('#jobId', 'job-finished');
      assert.equal(await page.isDisabled('#cancel'), true);
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing with a finished job');
    });

    test('a failed job: its error and error code shown, and axe-core finds nothing, light or dark', async () => {
      stack.mock.addJob({ jobId: 'job-failed', status: 'Failed', progress: 40, error: 'Failed to connect database.', errorCode: 'InternalError' });
      const from = stack.mock.requests.length;
      await page.fill('#jobId', 'job-failed');
      await page.click('#check');
      await waitForJob(page, 'job-failed', 'Failed');
      const job = await readJob(page);
      assert.equal(job.fields.error, 'Failed to connect database.');
      assert.equal(job.fields.errorCode, 'InternalError');
      assert.equal(job.fields.note, 'This job already finished (Failed); there is nothing to cancel.');
      assert.equal(job.failed, true, 'the panel is marked');
      assert.equal(await page.isDisabled('#cancel'), true);
      assert.deepEqual(actionsSince(stack.mock, from), [GET]);
      assert.deepEqual(await axeViolations(page), [], 'light');
      await page.emulateMedia({ colorScheme: 'dark' });
      try {
        assert.deepEqual(await axeViolations(page), [], 'dark');
      } finally {
        await page.emulateMedia({ colorScheme: 'light' });
      }
      await page.fill('#namespacePassword', '');
    });

    test('a cancel succeeds and is followed to Cancelled: Cancelling shown on the way and announced once', async () => {
      stack.mock.addJob({ jobId: 'job-ok' });
      const from = stack.mock.requests.length;
      await recordAnnouncements(page, 'job-ok');
      const outcome = await cancelJob(page, { jobId: 'job-ok' });
      shownRequestIds.set('job-ok', outcome.fields.requestId);
      assert.deepEqual(actionsSince(stack.mock, from), [CANCEL, ...Array(CANCELLING_POLLS + 1).fill(GET)], 'the cancel, then GetUploadDocumentJob until Cancelled');
      const [sent] = gpdbSince(stack.mock, from);
      assert.equal(outcome.fields.status, 'success');
      assert.match(outcome.fields.requestId, REQUEST_ID);
      assert.equal(outcome.title, 'Job job-ok cancelled');
      assert.equal(outcome.fields.jobStatus, 'Cancelled');
      assert.equal(outcome.fields.note, 'gpdb accepted the cancel and the job reached Cancelled.');
      const { statuses, lines } = await recorded(page);
      assert.deepEqual(statuses, ['Cancelling', 'Cancelled'], 'each status as it changed');
      assert.deepEqual(lines, [
        'Cancelling job job-ok… Press Abort or Escape to stop.',
        'Job job-ok: Cancelling… Following it: press Abort or Escape to stop.',
        '',
      ], 'Cancelling announced once, though read twice; Cancelled is the outcome\'s to announce');
      const job = await readJob(page);
      assert.equal(job.fields.note, 'This job already finished (Cancelled); there is nothing to cancel.');
      const history = await historyItems(page);
      assert.equal(history.length, 1);
      assert.match(history[0], new RegExp(`${mode}.*job-ok.*cancelled · ${outcome.fields.requestId}`));
      await assertFormReady(page, { cancelOffered: false });
      // Both modes sign as the operator's own STS session for this instance: the Worker in signing
      // mode, the page in forwarding mode, never with the Worker's long-lived key.
      for (const record of gpdbSince(stack.mock, from)) {
        assert.match(record.headers.authorization, /^ACS3-HMAC-SHA256 Credential=STS\./);
        const session = sessionOf(stack, record);
        assert.equal(session?.roleSessionName, LOCAL_OPERATOR);
        assert.deepEqual(session.sessionPolicy, sessionPolicy(JOB.regionId, JOB.dbInstanceId));
        assert.equal(record.path, '/', 'the proxy path became the upstream base');
      }
      assert.equal(sent.response.status, 200);
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing after a success');
      if (mode === 'signing') await screenshot(page, 'success.png');
    });

    test('the cancelled job is not offered a cancel again: Enter sends nothing', async () => {
      const from = stack.mock.requests.length;
      assert.equal(await page.inputValue('#jobId'), 'job-ok');
      await page.fill('#namespacePassword', DEFAULTS.namespacePassword);
      await page.press('#namespacePassword', 'Enter');
      assert.equal(await page.textContent('#status'), 'Job job-ok already finished (Cancelled); there is nothing to cancel.');
      assert.deepEqual(actionsSince(stack.mock, from), []);
      assert.equal((await historyItems(page)).length, 1);
      await page.fill('#namespacePassword', '');
    });

    test('a cancel refused as UploadDocumentJob.StatusInvalid: the job\'s status is read, and the page says it already finished', async () => {
      stack.mock.addJob({ jobId: 'job-done', status: 'Success' });
      const from = stack.mock.requests.length;
      const outcome = await cancelJob(page, { jobId: 'job-done' }); // its status was never read: Cancel is offered
      assert.deepEqual(actionsSince(stack.mock, from), [CANCEL, GET]);
      assert.equal(outcome.title, 'Job job-done already finished');
      assert.equal(outcome.fields.note, 'This job already finished (Success); there is nothing to cancel.');
      assert.equal(outcome.fields.jobStatus, 'Success');
      assert.equal(outcome.fields.kind, 'api');
      assert.equal(outcome.fields.code, 'UploadDocumentJob.StatusInvalid');
      assert.equal(outcome.fields.httpStatus, '400');
      assert.match(outcome.fields.requestId, REQUEST_ID);
      assert.match(outcome.fields.message, /^The upload document job "job-done" has already finished\./);
      assertMessageOwnText(outcome);
      assert.match(outcome.fields.recommend.href, /^https:\/\/api\.aliyun\.com\/troubleshoot\?q=UploadDocumentJob\.StatusInvalid/);
      assert.match(outcome.fields.recommend.rel, /\bnoopener\b/);
      assert.match((await historyItems(page))[0], /job-done\s+nothing to cancel · already Success$/);
      assert.equal((await readJob(page)).status, 'Success');
      await assertFormReady(page, { cancelOffered: false });
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing after a refusal');
    });

    test('a cancel whose answer was lost after gpdb applied it: shown as cancelled, and followed', async () => {
      stack.mock.addJob({ jobId: 'job-lost' });
      stack.mock.inject({ type: 'apply-then-reset', action: CANCEL });
      const from = stack.mock.requests.length;
      const outcome = await cancelJob(page, { jobId: 'job-lost' });
      // gpdb-edge retries; the retry is refused (StatusInvalid): the job was already Cancelling.
      assert.deepEqual(actionsSince(stack.mock, from).slice(0, 3), [CANCEL, CANCEL, GET]);
      assert.equal(outcome.title, 'Job job-lost cancelled');
      assert.equal(outcome.fields.jobStatus, 'Cancelled');
      // Signing mode's gpdb-edge (in the Worker) saw its connection reset; forwarding mode's (in the
      // page) saw the proxy's 502, which says as little of whether gpdb had the cancel: either way it
      // read the job on the refusal and found it already being cancelled.
      assert.equal(outcome.fields.alreadyCancelled, 'yes');
      assert.equal(outcome.fields.status, 'success');
      assert.match(outcome.fields.note, /^The first attempt’s answer was lost, but gpdb had taken it/);
      assert.deepEqual(actionsSince(stack.mock, from), [CANCEL, CANCEL, ...Array(CANCELLING_POLLS + 1).fill(GET)]);
    });

    test('a job that ends Failed while it is followed: the page says the cancel did not take', async () => {
      stack.mock.addJob({ jobId: 'job-ends-failed' });
      stack.mock.cancellingPolls = 1000;
      try {
        const outcome = await cancelJob(page, {
          jobId: 'job-ends-failed',
          whileInFlight: async () => {
            await waitForJob(page, 'job-ends-failed', 'Cancelling');
            Object.assign(stack.mock.jobs.get('job-ends-failed'), { status: 'Failed', error: 'Failed to connect database.', errorCode: 'InternalError' });
          },
        });
        assert.equal(outcome.title, 'Job job-ends-failed failed before the cancel took effect');
        assert.equal(outcome.fields.jobStatus, 'Failed');
        assert.equal(outcome.fields.jobError, 'Failed to connect database.');
        assert.equal(outcome.fields.note, 'The cancel was accepted, but the job ended Failed first.');
        assert.match((await historyItems(page))[0], /cancel accepted · ended Failed$/);
        assert.equal((await readJob(page)).fields.error, 'Failed to connect database.');
      } finally {
        stack.mock.cancellingPolls = CANCELLING_POLLS;
      }
    });

    test('Escape while a job is followed: following stops at once, the last status shown', async () => {
      stack.mock.addJob({ jobId: 'job-follow-abort' });
      stack.mock.cancellingPolls = 1000;
      try {
        let polls;
        const outcome = await cancelJob(page, {
          jobId: 'job-follow-abort',
          whileInFlight: async () => {
            await waitForJob(page, 'job-follow-abort', 'Cancelling');
            assert.equal(await page.textContent('#cancel'), 'Following…');
            assert.equal(await page.getAttribute('#outcome', 'aria-busy'), 'true', 'the outcome is announced once, at the end');
            assert.equal(await page.textContent('#outcome h3'), 'Cancel accepted: job job-follow-abort');
            assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing while a job is followed');
            polls = stack.mock.requests.length;
            await page.keyboard.press('Escape');
          },
        });
        assert.equal(outcome.title, 'Stopped following job job-follow-abort');
        assert.equal(outcome.fields.jobStatus, 'Cancelling');
        assert.equal(outcome.fields.note, 'You stopped following it. The cancel was accepted; its last status was Cancelling.');
        await sleep(POLL_MS * 4);
        assert.ok(stack.mock.requests.length <= polls + 1, 'no poll after the one in flight');
        assert.match((await historyItems(page))[0], /cancel accepted · stopped following$/);
        await assertFormReady(page, { cancelOffered: false }); // it is being cancelled
      } finally {
        stack.mock.cancellingPolls = CANCELLING_POLLS;
      }
    });

    test('a status read refused while following (a RAM policy without GetUploadDocumentJob): the page says why', async () => {
      stack.mock.addJob({ jobId: 'job-no-get' });
      stack.mock.inject({ type: 'status', status: 403, code: 'Forbidden.RAM', action: GET });
      const from = stack.mock.requests.length;
      const outcome = await cancelJob(page, { jobId: 'job-no-get' });
      assert.deepEqual(actionsSince(stack.mock, from), [CANCEL, GET], 'a 403 is not retried');
      assert.equal(outcome.title, 'Could not follow job job-no-get');
      assert.equal(outcome.fields.status, 'success', 'the cancel itself was accepted');
      assert.equal(outcome.fields.jobStatus, 'unknown');
      assert.equal(outcome.fields.followError, 'Forbidden.RAM: 403 Forbidden');
      assert.match(outcome.fields.followRequestId, REQUEST_ID);
      assert.equal(outcome.fields.note, 'The cancel was accepted, but the job\'s status could not be read, so whether it reached Cancelled is unknown.');
      assert.match((await historyItems(page))[0], /cancel accepted · status unknown \(Forbidden\.RAM\)$/);
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing when a job could not be followed');
    });

    test('a wait that times out (?maxWaitMs=600): the page stops following and shows the last status', async () => {
      stack.mock.addJob({ jobId: 'job-stuck' });
      stack.mock.cancellingPolls = 1000;
      const other = await browser.newPage({ viewport: { width: 900, height: 700 } });
      try {
        await other.goto(`${stack.site.url}/?mode=${mode}&pollIntervalMs=${POLL_MS}&maxWaitMs=600&${new URLSearchParams(JOB)}`);
        await other.waitForFunction(() => !document.getElementById('cancel').disabled);
        const from = stack.mock.requests.length;
        const started = Date.now();
        const outcome = await cancelJob(other, { jobId: 'job-stuck' });
        assert.ok(Date.now() - started < 5_000, 'bounded');
        assert.equal(outcome.title, 'Stopped following job job-stuck');
        assert.equal(outcome.fields.jobStatus, 'Cancelling');
        assert.equal(outcome.fields.note, 'The cancel was accepted, but the job was still Cancelling after 0.6 s. Check its status again later.');
        const actions = actionsSince(stack.mock, from);
        assert.equal(actions[0], CANCEL);
        assert.ok(actions.length >= 3 && actions.slice(1).every((action) => action === GET), actions.join());
        assert.match((await historyItems(other))[0], /cancel accepted · still Cancelling$/);
        assert.deepEqual(await axeViolations(other), [], 'axe-core finds nothing after a wait timed out');
      } finally {
        await other.close();
        stack.mock.cancellingPolls = CANCELLING_POLLS;
      }
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
      assert.deepEqual(await axeViolations(page), [], 'axe-core finds nothing after an error');
      if (mode === 'signing') await screenshot(page, 'error.png');
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
      // And in the job panel, with a long error of one word.
      stack.mock.addJob({ jobId: long, status: 'Failed', error: `E${'x'.repeat(299)}`, errorCode: `Code.${'Y'.repeat(120)}` });
      await page.fill('#namespacePassword', DEFAULTS.namespacePassword);
      await page.click('#check');
      await waitForJob(page, long, 'Failed');
      await page.fill('#namespacePassword', '');
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
      const issued = Object.entries(stack.accessKeys).filter(([, key]) => key.roleSessionName);
      assert.ok(issued.length >= 1, 'STS issued the operator\'s credentials');
      if (mode === 'signing') {
        // The Worker's STS credentials stay in the Worker.
        neverSeen.push(...issued.flatMap(([id, key]) => [id, key.secret, key.securityToken]));
        assert.ok(!paths.includes('/api/credentials'), 'no credentials were fetched');
        assert.ok(!paths.includes('/gpdb_edge_bg.wasm'), 'nothing is signed in the page: the wasm was never loaded');
      } else {
        const credentials = responses.filter((r) => r.path === '/api/credentials');
        assert.equal(credentials.length, 1, 'fetched once: gpdb-edge caches them until 5 minutes before expiration');
        const answer = JSON.parse(credentials[0].text.slice(credentials[0].text.indexOf('\n') + 1));
        assert.deepEqual(Object.keys(answer).sort(), ['accessKeyId', 'accessKeySecret', 'expiration', 'securityToken']);
        const [[id, key]] = issued.filter(([keyId]) => keyId === answer.accessKeyId);
        assert.deepEqual([answer.accessKeySecret, answer.securityToken], [key.secret, key.securityToken], 'by design, the page holds STS\'s credentials');
        assert.match(answer.expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'as STS wrote it');
        assert.equal(key.roleSessionName, LOCAL_OPERATOR, id);
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

    test('one audit line per cancel and job read, naming the operator, the instance, the job and the outcome; no secret in any log line', async () => {
      await until(() => stack.audit().some((line) => line.jobId === 'job-back' && line.event === 'cancel'), 'the last cancel\'s audit line');
      const lines = stack.audit();
      const expected = mode === 'signing' ? ['cancel', 'read'] : ['cancel', 'credentials', 'read'];
      assert.deepEqual([...new Set(lines.map((line) => line.event))].sort(), expected.sort(), 'no refusal: every request came through Access');
      for (const line of lines) {
        assert.deepEqual(Object.keys(line).slice(0, 13), [
          'time', 'event', 'operator', 'mode', 'action', 'region', 'instance', 'jobId', 'outcome', 'httpStatus', 'requestId', 'ray', 'path',
        ]);
        assert.equal(line.operator, LOCAL_OPERATOR);
        assert.equal(line.mode, mode);
        assert.deepEqual([line.region, line.instance], [JOB.regionId, JOB.dbInstanceId], JSON.stringify(line));
        assert.ok(Date.now() - Date.parse(line.time) < 600_000, line.time);
      }
      const of = (jobId, event) => lines.filter((line) => line.jobId === jobId && line.event === event);
      // The cancel that succeeded, then the reads that followed it: their outcome and gpdb's request id.
      const [cancelled] = of('job-ok', 'cancel');
      assert.deepEqual([cancelled.action, cancelled.outcome, cancelled.httpStatus], [CANCEL, 'OK', 200]);
      assert.equal(cancelled.requestId, shownRequestIds.get('job-ok'), 'gpdb\'s request id, as the page showed it');
      assert.deepEqual(of('job-ok', 'read').map((line) => line.outcome), Array(CANCELLING_POLLS + 1).fill('OK'));
      // Refused by gpdb: its code.
      const [refused] = of('job-password', 'cancel');
      assert.deepEqual([refused.outcome, refused.httpStatus], ['Namespace.PasswordIncorrect', 403]);
      const [done] = of('job-done', 'cancel');
      assert.deepEqual([done.outcome, done.httpStatus], ['UploadDocumentJob.StatusInvalid', 400]);
      // Nothing a secret: no password, key secret, STS secret or token, Access token or signature.
      const issued = (await Promise.all(received)).filter((r) => r.path === '/api/credentials')
        .map((r) => JSON.parse(r.text.slice(r.text.indexOf('\n') + 1)));
      const secrets = [DEFAULTS.accessKeySecret, DEFAULTS.namespacePassword, WRONG_PASSWORD, ...issued.flatMap((c) => [c.accessKeySecret, c.securityToken])];
      for (const line of stack.worker.logs) {
        for (const secret of secrets) assert.ok(!line.includes(secret), `a log line carried ${secret}: ${line}`);
        assert.doesNotMatch(line, /eyJ[\w-]+\.eyJ|Signature=|ACS3-HMAC-SHA256 /, line);
      }
    });
  });
}

test('Abort and Escape show the same outcome in both modes', () => {
  assert.equal(abortedOutcomes.signing.length, 2);
  assert.deepEqual(abortedOutcomes.forwarding, abortedOutcomes.signing);
});

/**
 * One request over its own connection with node:http, which sends the path and headers exactly as
 * given (fetch would normalise them, and refuses to set Host). Resolves `{ status, headers, text, code }`,
 * `code` being the error code of either JSON shape, or of the page's text refusal.
 */
function httpRequest(base, { method = 'GET', path, headers = {}, body }) {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk) => { text += chunk; }).on('end', () => {
        let code = /^.+\n\(([\w.]+), request [0-9A-F-]{36}\)\n$/.exec(text)?.[1] ?? null;
        try {
          const answer = JSON.parse(text);
          code = answer.Code ?? answer.error?.code ?? null;
        } catch { /* the page, or a page refusal */ }
        resolve({ status: res.statusCode, headers: res.headers, text, code });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const jsonPost = (path, params) => ({
  method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...JOB, namespacePassword: DEFAULTS.namespacePassword, ...params }),
});
const OTHER_INSTANCE = 'gp-other00000000002';

describe('Cloudflare Access on every path', () => {
  let stack;
  let lib;
  let tokens;

  before(async () => {
    stack = await startStack();
    lib = await import(pathToFileURL(join(built.dir, 'node_modules/gpdb-edge/node.mjs')).href);
    const { team } = stack;
    const key = team.keys.at(-1);
    const at = Math.floor(Date.now() / 1000);
    const valid = await team.sign();
    const [header, payload, signature] = valid.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url'));
    const stranger = await accessKey();
    tokens = {
      valid,
      'no token': null,
      'alg: none': new UnsecuredJWT(claims).encode(),
      'HS256 keyed with the team\'s public key': await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .sign(new TextEncoder().encode(await exportSPKI(key.publicKey))),
      'another key, with the team key\'s kid': await team.sign({}, { key: { ...stranger, kid: key.kid } }),
      'another key, with its own kid': await team.sign({}, { key: stranger }),
      expired: await team.sign({ exp: at - 120, iat: at - 3600, nbf: at - 3600 }),
      'wrong audience': await team.sign({ aud: ['another-application-aud'] }),
      'wrong issuer': await team.sign({ iss: 'https://another-team.cloudflareaccess.com' }),
      'tampered payload': [header, Buffer.from(JSON.stringify({ ...claims, email: 'intruder@example.com' })).toString('base64url'), signature].join('.'),
    };
  });
  after(() => stack?.close());

  /** Every route, as the page or gpdb-edge sends it: each would be served with a valid token. */
  function routes() {
    const signed = lib.signGetUploadDocumentJob({
      ...JOB, credentials: LOCAL_STS, namespacePassword: DEFAULTS.namespacePassword, jobId: 'job-access', endpoint: stack.mock.url, proxyUrl: `${stack.site.url}/api/gpdb`,
    });
    const proxyPath = signed.url.slice(signed.url.indexOf('/api/gpdb'));
    return [
      { method: 'GET', path: '/?mode=signing' },
      { method: 'GET', path: '/console.js' },
      { method: 'GET', path: '/gpdb_edge_bg.wasm' },
      jsonPost('/api/cancel', { jobId: 'job-access' }),
      jsonPost('/api/job', { jobId: 'job-access' }),
      { method: 'GET', path: `/api/credentials?${new URLSearchParams({ regionId: JOB.regionId, dbInstanceId: JOB.dbInstanceId })}` },
      { method: 'POST', path: proxyPath, headers: signed.headers, body: signed.body },
      { method: 'GET', path: '/api/nothing-here' },
    ];
  }

  // Straight to the Worker's own address, as through workers.dev or a route Access does not
  // cover, addressed to the console's origin, so that only the token decides.
  const direct = (request, token) => httpRequest(stack.worker.url, {
    ...request, headers: { ...request.headers, host: new URL(stack.site.url).host, ...(token !== null && { 'cf-access-jwt-assertion': token }) },
  });

  test('every route refuses every bad token (401 with none, 403 otherwise) before anything runs: nothing reaches gpdb or STS', async () => {
    stack.mock.reset();
    const from = stack.worker.logs.length;
    let sent = 0;
    for (const [name, token] of Object.entries(tokens)) {
      if (name === 'valid') continue;
      for (const request of routes()) {
        const res = await direct(request, token);
        const label = `${name}: ${request.method} ${request.path.slice(0, 40)}`;
        assert.equal(res.status, token === null ? 401 : 403, `${label}: ${res.text}`);
        assert.equal(res.code, token === null ? 'Console.SignInRequired' : 'Console.AccessTokenInvalid', label);
        assert.equal(res.headers['cache-control'], 'no-store', label);
        assert.ok(!res.text.includes(DEFAULTS.namespacePassword) && !/<html/i.test(res.text), `${label}: nothing of the console`);
        sent += 1;
      }
    }
    assert.deepEqual(stack.mock.requests, [], 'nothing reached gpdb or STS');
    // Cached: the unknown kid came within the refetch cooldown (access.test.mjs checks the refetch past it).
    assert.equal(stack.team.certsRequests, 1, 'the team\'s keys fetched once');
    // One refusal line each, with the reason and without the token (workerd's log reaches this process a little later).
    await until(() => auditLines(stack.worker.logs.slice(from)).length >= sent, 'the refusals\' audit lines');
    const lines = auditLines(stack.worker.logs.slice(from));
    assert.equal(lines.length, sent);
    for (const line of lines) {
      assert.deepEqual([line.event, line.operator, line.jobId], ['refusal', null, null]);
      assert.ok(['Console.SignInRequired', 'Console.AccessTokenInvalid'].includes(line.outcome), line.outcome);
      assert.match(line.reason, /^(no token|ERR_[A-Z_]+( \(\w+\))?)$/, line.reason);
      assert.match(line.requestId, REQUEST_ID);
    }
    const reasons = [...new Set(lines.map((line) => line.reason))].sort();
    assert.deepEqual(reasons, [
      'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'ERR_JWT_CLAIM_VALIDATION_FAILED (aud)',
      'ERR_JWT_CLAIM_VALIDATION_FAILED (iss)', 'ERR_JWT_EXPIRED (exp)', 'no token',
    ]);
    for (const token of Object.values(tokens).filter(Boolean)) {
      for (const part of token.split('.').filter((p) => p.length > 20)) assert.ok(!stack.worker.logs.some((l) => l.includes(part)), 'no token in the log');
    }
    // The same requests with the valid token are served: the tokens were refused for what they are.
    for (const request of routes()) {
      const res = await direct(request, tokens.valid);
      const served = res.status < 400 || ['UploadDocumentJob.NotFound', 'Console.NotFound'].includes(res.code);
      assert.ok(served, `${request.path}: ${res.status} ${res.text.slice(0, 200)}`);
    }
  });

  test('the Access header named by another client is replaced by the front door; Access\'s e-mail header alone counts for nothing', async () => {
    const forged = await direct({ method: 'GET', path: '/', headers: { 'cf-access-authenticated-user-email': 'admin@example.com' } }, null);
    assert.equal(forged.status, 401);
    const res = await httpRequest(stack.site.url, { ...jsonPost('/api/job', { jobId: 'job-front' }), headers: { ...jsonPost('/api/job').headers, 'cf-access-jwt-assertion': tokens['tampered payload'] } });
    assert.equal(res.code, 'UploadDocumentJob.NotFound', 'the front door signed its own operator in');
    await until(() => auditLines(stack.worker.logs).at(-1)?.jobId === 'job-front', 'the audit line');
    assert.equal(auditLines(stack.worker.logs).at(-1).operator, LOCAL_OPERATOR);
  });

  test('in a browser, the Worker\'s own address shows a refusal and nothing of the console; through Access, the console', async () => {
    const page = await browser.newPage();
    try {
      for (const path of ['/', '/?mode=forwarding', '/console.js']) {
        const response = await page.goto(`${stack.worker.url}${path}`);
        assert.equal(response.status(), 401, path);
        assert.match(await page.textContent('body'), /Sign in through Cloudflare Access[\s\S]*Console\.SignInRequired/);
        assert.equal(await page.$('#cancel-form'), null, `${path}: no console`);
      }
      await page.goto(`${stack.site.url}/`);
      assert.equal(await page.textContent('#operator-name'), LOCAL_OPERATOR);
    } finally {
      await page.close();
    }
  });

  test('the operator\'s name is text on the page, never HTML', async () => {
    const token = await stack.team.sign({ email: '<img src=x onerror=alert(1)>@example.com' });
    const res = await direct({ method: 'GET', path: '/' }, token);
    assert.equal(res.status, 200);
    assert.match(res.text, /Signed in as <strong id="operator-name">&lt;img src=x onerror=alert\(1\)&gt;@example\.com<\/strong>/);
  });

  test('fail closed: without ACCESS_TEAM_DOMAIN and ACCESS_AUD, or with a plain-http team domain off loopback, nothing is served', async () => {
    const { ACCESS_TEAM_DOMAIN, ACCESS_AUD, ...rest } = localBindings({ upstream: stack.mock.url, origins: [stack.site.url], team: stack.team });
    for (const bindings of [rest, { ...rest, ACCESS_TEAM_DOMAIN }, { ...rest, ACCESS_AUD }, { ...rest, ACCESS_AUD, ACCESS_TEAM_DOMAIN: 'http://team.example.com' }]) {
      const worker = await startConsole(built, { bindings });
      try {
        for (const request of [{ method: 'GET', path: '/' }, { method: 'GET', path: '/console.js' }, jsonPost('/api/cancel', { jobId: 'job-closed' })]) {
          const res = await httpRequest(worker.url, { ...request, headers: { ...request.headers, 'cf-access-jwt-assertion': tokens.valid } });
          assert.equal(res.status, 500, `${Object.keys(bindings).join()}: ${request.path}`);
          assert.equal(res.code, 'Console.NotConfigured');
        }
        await until(() => auditLines(worker.logs).length > 0, 'the audit line');
        assert.match(auditLines(worker.logs)[0].reason, /access settings/);
      } finally {
        await worker.dispose();
      }
    }
    assert.deepEqual(stack.mock.requests.filter((r) => r.form.JobId === 'job-closed'), []);
  });
});

describe('GPDB_INSTANCES, the allow-list', () => {
  let stack;
  let lib;

  before(async () => {
    stack = await startStack({ env: { GPDB_INSTANCES: ` ${JOB.regionId}/${JOB.dbInstanceId} , cn-beijing/gp-elsewhere ` } });
    lib = await import(pathToFileURL(join(built.dir, 'node_modules/gpdb-edge/node.mjs')).href);
  });
  after(() => stack?.close());

  test('both modes refuse any other instance with 403 before signing; the listed one is served', async () => {
    stack.mock.reset();
    const other = { dbInstanceId: OTHER_INSTANCE };
    const signed = lib.signCancelUploadDocumentJob({
      ...JOB, ...other, credentials: LOCAL_STS, namespacePassword: DEFAULTS.namespacePassword, jobId: 'job-listed', endpoint: stack.mock.url, proxyUrl: `${stack.site.url}/api/gpdb`,
    });
    const refused = [
      jsonPost('/api/cancel', { ...other, jobId: 'job-listed' }),
      jsonPost('/api/job', { ...other, jobId: 'job-listed' }),
      jsonPost('/api/job', { regionId: 'cn-beijing', jobId: 'job-listed' }), // the right instance id in another region
      { method: 'GET', path: `/api/credentials?${new URLSearchParams({ regionId: JOB.regionId, ...other })}` },
      { method: 'POST', path: signed.url.slice(signed.url.indexOf('/api/gpdb')), headers: signed.headers, body: signed.body },
    ];
    for (const request of refused) {
      const res = await httpRequest(stack.site.url, request);
      assert.equal(res.status, 403, `${request.path}: ${res.text}`);
      assert.equal(res.code, 'Console.InstanceNotAllowed');
    }
    assert.deepEqual(stack.mock.requests, [], 'nothing was signed for gpdb or STS');
    await until(() => stack.audit().length >= refused.length, 'the refusals\' audit lines');
    const lines = stack.audit().slice(-refused.length);
    assert.deepEqual(lines.map((line) => [line.event, line.outcome, line.instance]), [
      ['refusal', 'Console.InstanceNotAllowed', OTHER_INSTANCE], ['refusal', 'Console.InstanceNotAllowed', OTHER_INSTANCE],
      ['refusal', 'Console.InstanceNotAllowed', JOB.dbInstanceId], ['refusal', 'Console.InstanceNotAllowed', OTHER_INSTANCE],
      ['refusal', 'Console.InstanceNotAllowed', OTHER_INSTANCE],
    ]);
    assert.deepEqual(lines.map((line) => line.mode), ['signing', 'signing', 'signing', 'forwarding', 'forwarding']);

    stack.mock.addJob({ jobId: 'job-listed' });
    const served = await httpRequest(stack.site.url, jsonPost('/api/job', { jobId: 'job-listed' }));
    assert.equal(served.status, 200, served.text);
    assert.deepEqual(stack.mock.requests.map((r) => r.action).filter((a) => a === GET), [GET]);
  });

  test('the page says why, in both modes: the console\'s code and request id', async () => {
    const page = await browser.newPage();
    try {
      for (const mode of ['signing', 'forwarding']) {
        await page.goto(`${stack.site.url}/?mode=${mode}&${new URLSearchParams({ ...JOB, dbInstanceId: OTHER_INSTANCE })}`);
        await page.waitForFunction(() => !document.getElementById('cancel').disabled);
        const from = stack.mock.requests.length;
        const outcome = await cancelJob(page, { jobId: `job-page-${mode}` });
        assert.equal(outcome.fields.code, 'Console.InstanceNotAllowed', `${mode}: ${JSON.stringify(outcome)}`);
        assert.equal(outcome.fields.message, 'This console does not act on that instance (GPDB_INSTANCES).');
        assert.match(outcome.fields.requestId, REQUEST_ID);
        assert.equal(outcome.fields.reportedBy, 'the console\'s Worker');
        assert.equal(stack.mock.requests.length, from, `${mode}: nothing sent`);
        await until(() => stack.audit().some((line) => line.requestId === outcome.fields.requestId), 'the audit line');
      }
    } finally {
      await page.close();
    }
  });

  test('a malformed GPDB_INSTANCES refuses everything (500), rather than allowing everything', async () => {
    const worker = await startConsole(built, {
      bindings: { ...localBindings({ upstream: stack.mock.url, origins: [stack.site.url], team: stack.team }), GPDB_INSTANCES: 'gp-no-region' },
    });
    try {
      const res = await httpRequest(worker.url, {
        ...jsonPost('/api/job', { jobId: 'job-listed' }),
        headers: { ...jsonPost('/api/job').headers, host: new URL(stack.site.url).host, 'cf-access-jwt-assertion': await stack.team.sign() },
      });
      assert.deepEqual([res.status, res.code], [500, 'Console.NotConfigured'], res.text);
    } finally {
      await worker.dispose();
    }
  });
});

describe('forwarding mode\'s credentials: STS AssumeRole for the operator and one instance', () => {
  let stack;
  let lib;

  before(async () => {
    stack = await startStack();
    lib = await import(pathToFileURL(join(built.dir, 'node_modules/gpdb-edge/node.mjs')).href);
  });
  after(() => stack?.close());

  const credentialsPath = (dbInstanceId, regionId = JOB.regionId) => `/api/credentials?${new URLSearchParams({ regionId, dbInstanceId })}`;
  // The page's gpdb-edge, through the proxy, signing for the Worker's GPDB_UPSTREAM (the local endpoint here).
  const throughProxy = (call, credentials, params) => lib[call]({
    ...JOB, namespacePassword: DEFAULTS.namespacePassword, credentials, endpoint: stack.mock.url, proxyUrl: `${stack.site.url}/api/gpdb`, ...params,
  });

  test('the AssumeRole STS saw: the role, the operator as session name, 900 s, and a policy of exactly the two actions on that instance', async (t) => {
    stack.mock.reset();
    const started = Date.now();
    const res = await httpRequest(stack.site.url, { method: 'GET', path: credentialsPath(JOB.dbInstanceId) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    const issued = JSON.parse(res.text);
    assert.deepEqual(Object.keys(issued), ['accessKeyId', 'accessKeySecret', 'securityToken', 'expiration']);
    const lifetime = Date.parse(issued.expiration) - started;
    assert.ok(lifetime > 890_000 && lifetime <= 901_000, `expires in ${lifetime} ms`);

    const [call, ...rest] = stack.mock.requests;
    assert.deepEqual(rest, [], 'one request: the AssumeRole');
    assert.equal(call.action, ASSUME_ROLE);
    assert.match(call.headers.authorization, new RegExp(`^ACS3-HMAC-SHA256 Credential=${DEFAULTS.accessKeyId},`), 'signed with the Worker\'s key');
    const params = { ...call.query, ...call.form };
    assert.equal(params.RoleArn, LOCAL_ROLE_ARN);
    assert.equal(params.RoleSessionName, LOCAL_OPERATOR);
    assert.equal(params.DurationSeconds, '900');
    assert.deepEqual(JSON.parse(params.Policy), {
      Version: '1',
      Statement: [{
        Effect: 'Allow', Action: ['gpdb:CancelUploadDocumentJob', 'gpdb:GetUploadDocumentJob'], Resource: [`acs:gpdb:${JOB.regionId}:*:document/${JOB.dbInstanceId}`],
      }],
    });
    assert.equal(call.response.status, 200);
    t.diagnostic(`AssumeRole seen by the mock STS: ${JSON.stringify({ RoleArn: params.RoleArn, RoleSessionName: params.RoleSessionName, DurationSeconds: params.DurationSeconds, Policy: params.Policy })}`);

    await until(() => stack.audit().some((l) => l.event === 'credentials'), 'the audit line');
    const line = stack.audit().at(-1);
    assert.deepEqual(
      [line.event, line.operator, line.mode, line.action, line.region, line.instance, line.jobId, line.outcome, line.httpStatus, line.roleSessionName, line.expiration],
      ['credentials', LOCAL_OPERATOR, 'forwarding', ASSUME_ROLE, JOB.regionId, JOB.dbInstanceId, null, 'OK', 200, LOCAL_OPERATOR, issued.expiration],
    );
    assert.equal(line.requestId, res.headers['x-acs-request-id']);
    t.diagnostic(`its audit line: ${stack.worker.logs.findLast((l) => l.includes('"event":"credentials"'))}`);
    for (const secret of [issued.accessKeySecret, issued.securityToken]) assert.ok(!stack.worker.logs.some((l) => l.includes(secret)), 'no secret in the log');
  });

  test('the credentials cancel and read on the instance asked for, and get Forbidden.RAM on another', async (t) => {
    const issued = JSON.parse((await httpRequest(stack.site.url, { method: 'GET', path: credentialsPath(JOB.dbInstanceId) })).text);
    stack.mock.addJob({ jobId: 'job-sts' }); // the endpoint's jobs answer for any instance: only the policy tells them apart
    const from = stack.mock.requests.length;
    const state = await throughProxy('getUploadDocumentJob', issued, { jobId: 'job-sts' });
    assert.equal(state.job.status, 'Running');
    const cancelled = await throughProxy('cancelUploadDocumentJob', issued, { jobId: 'job-sts' });
    assert.equal(cancelled.status, 'success');

    const refused = await throughProxy('getUploadDocumentJob', issued, { jobId: 'job-sts', dbInstanceId: OTHER_INSTANCE }).then(() => null, (error) => error);
    assert.deepEqual([refused?.kind, refused?.code, refused?.httpStatus], ['api', 'Forbidden.RAM', 403], String(refused));
    const cancelRefused = await throughProxy('cancelUploadDocumentJob', issued, { jobId: 'job-sts', dbInstanceId: OTHER_INSTANCE, maxRetries: 0 }).then(() => null, (error) => error);
    assert.equal(cancelRefused?.code, 'Forbidden.RAM');
    assert.deepEqual(gpdbSince(stack.mock, from).map((r) => [r.action, r.query.DBInstanceId, r.response.status]), [
      [GET, JOB.dbInstanceId, 200], [CANCEL, JOB.dbInstanceId, 200], [GET, OTHER_INSTANCE, 403], [CANCEL, OTHER_INSTANCE, 403],
    ]);
    t.diagnostic(`refused on ${OTHER_INSTANCE}: ${refused.code} (${refused.httpStatus}), request ${refused.requestId}`);

    // The audit lines of the proxy: written once gpdb's answer is whole.
    await until(() => stack.audit().filter((line) => line.jobId === 'job-sts').length === 4, 'the proxy\'s audit lines');
    const lines = stack.audit().filter((line) => line.jobId === 'job-sts');
    assert.deepEqual(lines.map((line) => [line.event, line.mode, line.action, line.instance, line.outcome, line.httpStatus, line.operator]), [
      ['read', 'forwarding', GET, JOB.dbInstanceId, 'OK', 200, LOCAL_OPERATOR],
      ['cancel', 'forwarding', CANCEL, JOB.dbInstanceId, 'OK', 200, LOCAL_OPERATOR],
      ['read', 'forwarding', GET, OTHER_INSTANCE, 'Forbidden.RAM', 403, LOCAL_OPERATOR],
      ['cancel', 'forwarding', CANCEL, OTHER_INSTANCE, 'Forbidden.RAM', 403, LOCAL_OPERATOR],
    ]);
    assert.equal(lines[2].requestId, refused.requestId, 'gpdb\'s request id');
    t.diagnostic(`audit of the permitted cancel: ${stack.worker.logs.find((l) => l.includes('"jobId":"job-sts"') && l.includes('"event":"cancel"'))}`);
    t.diagnostic(`audit of the refused read: ${stack.worker.logs.find((l) => l.includes('"jobId":"job-sts"') && l.includes('Forbidden.RAM'))}`);
  });

  test('each operator their own session, named validly; ids that would widen the policy, and STS\'s refusal, stop at the Worker', async (t) => {
    const host = new URL(stack.site.url).host;
    const asOperator = async (email, path) => httpRequest(stack.worker.url, {
      method: 'GET', path, headers: { host, 'cf-access-jwt-assertion': await stack.team.sign({ email }) },
    });
    stack.mock.reset();
    const bob = await asOperator('bob+ops@example.com', credentialsPath(JOB.dbInstanceId));
    assert.equal(bob.status, 200, bob.text);
    const sessionName = { ...stack.mock.requests[0].query, ...stack.mock.requests[0].form }.RoleSessionName;
    assert.match(sessionName, /^bob_ops@example\.com\.[0-9a-f]{8}$/);
    assert.notEqual(JSON.parse(bob.text).accessKeyId, undefined);

    stack.mock.reset();
    for (const [regionId, dbInstanceId] of [[JOB.regionId, '*'], [JOB.regionId, 'gp-1/*'], ['*', JOB.dbInstanceId], [JOB.regionId, '']]) {
      const res = await httpRequest(stack.site.url, { method: 'GET', path: credentialsPath(dbInstanceId, regionId) });
      assert.deepEqual([res.status, res.code], [400, 'Console.MalformedParameter'], `${regionId}/${dbInstanceId}`);
    }
    const post = await httpRequest(stack.site.url, { method: 'POST', path: credentialsPath(JOB.dbInstanceId) });
    assert.deepEqual([post.status, post.code, post.headers.allow], [405, 'Console.MethodNotAllowed', 'GET']);
    assert.deepEqual(stack.mock.requests, [], 'STS was not asked');

    // A role STS does not know: its code, in the proxy's shape, and the audit line says so.
    const worker = await startConsole(built, {
      bindings: {
        ...localBindings({ upstream: stack.mock.url, origins: [stack.site.url], team: stack.team, sts: stack.mock.url }),
        STS_ROLE_ARN: 'acs:ram::1234567890123456:role/no-such-role',
      },
    });
    try {
      const res = await httpRequest(worker.url, {
        method: 'GET', path: credentialsPath(JOB.dbInstanceId), headers: { host, 'cf-access-jwt-assertion': await stack.team.sign() },
      });
      assert.deepEqual([res.status, res.code], [502, 'EntityNotExist.Role'], res.text);
      await until(() => auditLines(worker.logs).length > 0, 'the audit line');
      const line = auditLines(worker.logs).at(-1);
      assert.deepEqual([line.event, line.outcome, line.httpStatus], ['credentials', 'EntityNotExist.Role', 502]);
      t.diagnostic(`STS refused: ${res.text}`);
    } finally {
      await worker.dispose();
    }
  });
});

describe('make console', () => {
  const DELAY_MS = 500; // SLOW_MS
  let local;
  let page;

  before(async () => {
    local = await startLocalConsole(built, { port: await freePort(), delayMs: DELAY_MS, quiet: true, jobs: ['job-signing', 'job-forwarding', 'job-slow', ...LOCAL_FINISHED_JOBS] });
    page = await browser.newPage();
  });
  after(async () => {
    await page?.close();
    await local?.close();
  });

  async function open(mode) {
    await page.goto(`${local.site.url}/?mode=${mode}&pollIntervalMs=${POLL_MS}&${new URLSearchParams(JOB)}`);
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
    const followed = [CANCEL, ...Array(CANCELLING_POLLS + 1).fill(GET)];
    assert.deepEqual(actionsSince(local.mock, 0), [...followed, ...followed], 'each cancel followed to Cancelled');
    assert.deepEqual(new Set(gpdbSince(local.mock, 0).map((r) => `${r.headers.host} ${r.response.status}`)), new Set([`${API_HOST} 200`]));
    // One AssumeRole, at STS's own host, for the operator and this instance: both modes use the credentials it gave.
    const assumed = local.mock.requests.filter((r) => r.action === ASSUME_ROLE);
    assert.deepEqual(assumed.map((r) => [r.headers.host, r.response.status, { ...r.query, ...r.form }.RoleSessionName]), [['sts.aliyuncs.com', 200, LOCAL_OPERATOR]]);
  });

  test('the Worker\'s own address, printed to try a request without sign-in: refused, and audited', async () => {
    for (const request of [{ method: 'GET', path: '/' }, jsonPost('/api/job', { jobId: 'job-signing' })]) {
      const res = await httpRequest(local.worker.url, request);
      assert.deepEqual([res.status, res.code], [401, 'Console.SignInRequired'], request.path);
    }
    await until(() => auditLines(local.worker.logs).filter((line) => line.reason === 'no token').length >= 2, 'the audit lines');
    assert.deepEqual(auditLines(local.worker.logs).slice(-2).map((line) => [line.event, line.path, line.reason]), [
      ['refusal', '/', 'no token'], ['refusal', '/api/job', 'no token'],
    ]);
    assert.equal(new URL(local.site.url).port !== new URL(local.worker.url).port, true, 'the page is served through the Access stand-in');
  });

  test('with SLOW_MS, Abort can be pressed by hand: the page stops at once', async () => {
    await open('forwarding');
    const outcome = await cancelJob(page, {
      jobId: 'job-slow',
      whileInFlight: async () => {
        await until(() => local.mock.requests.filter((r) => r.action === CANCEL).length === 3, 'the request to reach the endpoint');
        await page.click('#abort');
      },
    });
    assert.equal(outcome.fields.kind, 'aborted');
    // Shown while the endpoint still held the cancel in its SLOW_MS delay (a clock would count the page's own work too).
    assert.equal(local.mock.requests.filter((r) => r.action === CANCEL).at(-1).response.status, null, 'before the endpoint answered');
  });

  test('its finished jobs: each read once its id is typed, stated as finished, the failed one with its error', async () => {
    for (const [mode, { jobId, status, error }] of [['signing', LOCAL_FINISHED_JOBS[0]], ['forwarding', LOCAL_FINISHED_JOBS[1]]]) {
      await open(mode);
      const from = local.mock.requests.length;
      await page.fill('#namespacePassword', DEFAULTS.namespacePassword);
      await page.fill('#jobId', jobId);
      await waitForJob(page, jobId, status);
      const job = await readJob(page);
      assert.equal(job.fields.note, `This job already finished (${status}); there is nothing to cancel.`, mode);
      if (error) assert.equal(job.fields.error, error);
      assert.equal(await page.isDisabled('#cancel'), true);
      assert.deepEqual(actionsSince(local.mock, from), [GET], mode);
    }
  });
});

describe('the forwarding proxy', () => {
  let stack;
  let lib;

  before(async () => {
    stack = await startStack({ asDeployed: true });
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
      // No Content-Length to bound the read: not read at all.
      [{ body: json, headers: { 'transfer-encoding': 'chunked' } }, 413, 'Console.PayloadTooLarge'],
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
    // The Worker assumed the role once for the operator and the instance (its credentials are kept), signed with its own key;
    // gpdb saw the operator's STS session, never the Worker's key.
    assert.deepEqual(stack.mock.requests.map((r) => r.action), [ASSUME_ROLE, GET, GET]);
    assert.match(stack.mock.requests[0].headers.authorization, new RegExp(`^ACS3-HMAC-SHA256 Credential=${DEFAULTS.accessKeyId},`));
    for (const record of gpdbSince(stack.mock, 0)) assert.equal(sessionOf(stack, record)?.roleSessionName, LOCAL_OPERATOR);
  });

  /**
   * A stack whose gpdb echoes `echoOf(req, stack)` (`{ text, code }`): GetUploadDocumentJob answers
   * 200 with a failed job whose Error is the text and ErrorCode the code, CancelUploadDocumentJob
   * 400 Echo.Error with the text as its Message. `check({ stack, job, cancel })` gets the Worker's
   * answers to /api/job (parsed) and then /api/cancel.
   */
  async function withEchoingGpdb(echoOf, check) {
    let stack;
    const upstream = http.createServer((req, res) => {
      req.resume().on('end', () => {
        const { text, code } = echoOf(req, stack);
        const get = req.headers['x-acs-action'] === GET;
        const body = get
          ? { RequestId: 'R-GET', Status: 'success', Job: { Id: 'job-echo', Status: 'Failed', Error: text, ErrorCode: code } }
          : { RequestId: 'R-CANCEL', Code: 'Echo.Error', Message: text };
        res.writeHead(get ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      stack = await startStack({ upstream: `http://127.0.0.1:${upstream.address().port}` });
      const body = JSON.stringify({ ...params, jobId: 'job-echo' });
      const job = await (await post(stack.site, '/api/job', { body })).json();
      const cancel = await post(stack.site, '/api/cancel', { body });
      await check({ stack, job, cancel });
    } finally {
      await stack?.close();
      upstream.closeAllConnections();
      await new Promise((resolve) => upstream.close(resolve));
    }
  }

  test('the key id, the secret and the password are redacted from both routes\' answers, even when gpdb echoes them', async () => {
    const text = `key ${DEFAULTS.accessKeyId}, secret ${DEFAULTS.accessKeySecret}, password ${DEFAULTS.namespacePassword}`;
    await withEchoingGpdb(() => ({ text, code: DEFAULTS.accessKeyId }), async ({ job, cancel }) => {
      assert.equal(job.job.error, 'key ***, secret ***, password ***');
      assert.equal(job.job.errorCode, '***');
      assert.equal(cancel.status, 400);
      const answer = await cancel.text();
      assert.equal(JSON.parse(answer).error.code, 'Echo.Error');
      for (const secret of [DEFAULTS.accessKeyId, DEFAULTS.accessKeySecret, DEFAULTS.namespacePassword]) {
        assert.ok(!answer.includes(secret) && !JSON.stringify(job).includes(secret), `${secret} redacted`);
      }
    });
  });

  test('signing as the operator\'s STS session, that session\'s key id, secret and token are redacted too', async () => {
    // gpdb echoing the credentials that signed the request: the key id from Authorization, the
    // token from its header, and the secret as the endpoint issued it.
    const echoOf = (req, stack) => {
      const keyId = /Credential=([^,]+),/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const session = stack?.accessKeys[keyId];
      return { text: `key ${keyId}, secret ${session?.secret}, token ${req.headers['x-acs-security-token']}`, code: keyId };
    };
    await withEchoingGpdb(echoOf, async ({ stack, job, cancel }) => {
      assert.equal(job.job.error, 'key ***, secret ***, token ***');
      assert.equal(job.job.errorCode, '***');
      assert.equal(cancel.status, 400);
      const answer = await cancel.text();
      assert.equal(JSON.parse(answer).error.message, 'Echo.Error: key ***, secret ***, token *** (RequestId R-CANCEL)');
      // The session the endpoint's STS issued (it names the operator), not the key table's fixed one.
      const sessions = Object.entries(stack.accessKeys).filter(([, account]) => account.roleSessionName === LOCAL_OPERATOR);
      assert.equal(sessions.length, 1, 'one STS session, for the operator and the instance');
      const [[keyId, { secret, securityToken }]] = sessions;
      for (const value of [keyId, secret, securityToken]) {
        assert.ok(!answer.includes(value) && !JSON.stringify(job).includes(value), `${value.slice(0, 8)}… redacted`);
      }
    });
  });
});
