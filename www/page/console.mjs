// The console page: a form; Check status, Cancel and Abort; the job's status; the outcome; and this
// session's history. Nothing is stored: no localStorage, sessionStorage or cookies. The password
// stays in its input until a cancel is sent, then only in memory while that job is followed.
// Every text from a server is set with textContent, never parsed as HTML.
import {
  cancelInBrowser, cancelViaWorker, checkInBrowser, checkViaWorker, FINISHED, followInBrowser, followViaWorker, JOB_STATUSES,
} from './modes.mjs';

const MODES = {
  signing: {
    cancel: cancelViaWorker,
    check: checkViaWorker,
    follow: followViaWorker,
    description: 'The console’s Worker signs for you: no credential reaches your browser.',
  },
  forwarding: {
    cancel: cancelInBrowser,
    check: checkInBrowser,
    follow: followInBrowser,
    description: 'Your browser signs with short-lived STS credentials for this instance only; the Worker forwards the signed request unchanged.',
  },
};
// Non-secret fields may come from the URL (a link from another tool); the password never does.
const PREFILLED = ['regionId', 'dbInstanceId', 'namespace', 'collection', 'jobId'];
// What an automatic status check needs typed (the namespace defaults to "public").
const NEEDED = ['regionId', 'dbInstanceId', 'collection', 'jobId', 'namespacePassword'];
const HISTORY_LIMIT = 20;
const KIND_TITLES = {
  api: 'Refused by the API', network: 'Network error', timeout: 'Timed out', aborted: 'Aborted',
  input: 'Invalid input', credentials: 'Credentials problem', response: 'Unexpected response',
};
const STATUS_INVALID = 'UploadDocumentJob.StatusInvalid';
// A cancel of a job in these statuses can only be refused.
const NOT_CANCELLABLE = [...FINISHED, 'Cancelling'];
// The status is checked this long after the Job ID (or another field) stops changing: not per keystroke.
const AUTO_CHECK_MS = 800;

const $ = (id) => document.getElementById(id);
const form = $('cancel-form');
const checkButton = $('check');
const cancelButton = $('cancel');
const abortButton = $('abort');
const statusText = $('status');
const jobPanel = $('job');
const jobBody = $('job-body');
const outcome = $('outcome');
const outcomeBody = $('outcome-body');
const historyList = $('history');
const password = $('namespacePassword');

const query = new URLSearchParams(location.search);
const mode = query.get('mode') === 'forwarding' ? 'forwarding' : 'signing';

/** A whole number of milliseconds from the URL (for tests and impatient operators), within bounds. */
function milliseconds(name, fallback, min, max) {
  const value = Number(query.get(name) ?? NaN);
  return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}
// How often a followed job is read, and for how long at most.
const POLL_INTERVAL_MS = milliseconds('pollIntervalMs', 1_500, 50, 10_000);
const MAX_WAIT_MS = milliseconds('maxWaitMs', 120_000, 500, 600_000);

let op = null; // what is in flight: { kind: 'check' | 'cancel', controller }
// What was last read of each job this session, by key: { name, state } or { name, error }, with
// `checked`, its time. In memory only, like the history; the panel shows the one the form names.
const readings = new Map();
const READINGS_LIMIT = 50;
let autoTimer = null;
let lastAutoCheck = null; // the fields (and password edit) the last automatic check was for
let passwordEdits = 0; // counts edits of the password, so a corrected one is checked again (the password itself is not kept)

/** How the page names a job: its ID as sent (trimmed), or "(blank)" when there was none. */
const jobName = (jobId) => (jobId ? jobId : '(blank)');

/** The visible label of a form field, e.g. "Job ID" for `jobId`; null for an option that is not a field. */
function labelOf(field) {
  const input = PREFILLED.includes(field) || field === 'namespacePassword' ? $(field) : null;
  return input?.labels?.[0]?.textContent.trim() || null;
}

/**
 * The error's message as the page shows it. gpdb-edge names options as the code does ("jobId is
 * required"): the page says the field's label ("Job ID is required"). An API error's message
 * repeats its code and request id ("Code: text (RequestId X)"), which have rows of their own.
 */
function messageOf(result) {
  let message = result.message ?? '';
  const label = result.field && labelOf(result.field);
  if (label && message.startsWith(`${result.field} `)) message = label + message.slice(result.field.length);
  if (result.code && message.startsWith(`${result.code}: `)) message = message.slice(result.code.length + 2);
  const requestId = result.requestId && ` (RequestId ${result.requestId})`;
  if (requestId && message.endsWith(requestId)) message = message.slice(0, -requestId.length);
  return message;
}

/** An element with text content and attributes; never innerHTML. */
function el(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function showMode() {
  document.body.dataset.mode = mode;
  $('mode-description').textContent = MODES[mode].description;
  $(`mode-${mode}`).setAttribute('aria-current', 'page');
  for (const name of PREFILLED) {
    const value = query.get(name);
    if (value) $(name).value = value;
  }
  updateModeLinks();
}

// Each mode link carries what is typed in the non-secret fields, so switching mode keeps it (the
// other page pre-fills from its URL). Never the password. Updated as you type: a link opened in a
// new tab carries it too.
function updateModeLinks() {
  for (const name of Object.keys(MODES)) {
    const target = new URLSearchParams(query);
    target.set('mode', name);
    for (const field of PREFILLED) {
      const value = $(field).value.trim();
      if (value) target.set(field, value);
      else target.delete(field);
    }
    $(`mode-${name}`).href = `?${target}`;
  }
}

function readParams() {
  const params = { namespacePassword: password.value };
  for (const name of PREFILLED) {
    const value = $(name).value.trim();
    if (value) params[name] = value; // an empty namespace is left to the API's default, "public"
  }
  return params;
}

/** Which job the fields name: a status read for one key says nothing about another. */
const keyOf = (params) => JSON.stringify(PREFILLED.map((name) => params[name] ?? ''));
const currentKey = () => keyOf(readParams());

/** The job last read for these fields, if its status was read. */
const knownJob = (key) => readings.get(key)?.state?.job ?? null;
/** False when the status last read for these fields means a cancel can only be refused. */
const cancellable = (key) => !NOT_CANCELLABLE.includes(knownJob(key)?.status);

// ---- Words

const percent = (progress) => (Number.isFinite(progress) ? Math.min(100, Math.max(0, Math.round(progress))) : null);
/** The status as shown: "Cancelling…" while it is being cancelled. */
const statusWord = (status) => (status === 'Cancelling' ? 'Cancelling…' : status ?? 'unknown');
/** CreateTime/UpdateTime as the API writes them (no time zone), to the second. */
const apiTime = (text) => (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+$/.test(text) ? text.replace(/\.\d+$/, '') : text);
const duration = (ms) => (ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`);

/** What the job's status means for a cancel, in one sentence about `subject` ("This job", "Job X"). */
function noteOf(job, subject = 'This job') {
  const { status } = job;
  if (FINISHED.includes(status)) return `${subject} already finished (${status}); there is nothing to cancel.`;
  if (status === 'Cancelling') return `${subject} is already being cancelled (Cancelling); there is nothing more to cancel.`;
  const done = percent(job.progress);
  if (JOB_STATUSES.includes(status)) return `${subject} is ${status}${done == null ? '' : `, ${done} % done`}: it can be cancelled.`;
  return `gpdb did not say which status ${subject.toLowerCase()} is in: a cancel may or may not be accepted.`;
}

// ---- Rendering

// A diagnosis link only if it is one: an https URL, never javascript: or anything else a server could send.
function safeLink(href) {
  try {
    return new URL(href).protocol === 'https:' ? new URL(href).href : null;
  } catch {
    return null;
  }
}

function diagnosis(href) {
  const link = safeLink(href);
  if (!link) return [];
  const paragraph = el('p', null, { class: 'diagnosis' });
  paragraph.append(el('a', 'Alibaba Cloud’s diagnosis of this request', { href: link, target: '_blank', rel: 'noopener noreferrer', 'data-field': 'recommend' }));
  return [paragraph];
}

/**
 * A definition list of `[label, value, field, attributes?]` rows; a value may be a node. Empty values
 * are left out. The progress row's label names its progress bar (one job panel per page).
 */
function rowList(rows) {
  const list = el('dl');
  for (const [label, value, field, attributes = {}] of rows) {
    if (value == null || value === '') continue;
    const dd = el('dd', value instanceof Node ? null : value, { 'data-field': field, ...attributes });
    if (value instanceof Node) dd.append(value);
    list.append(el('dt', label, field === 'progress' ? { id: 'job-progress-label' } : {}), dd);
  }
  return list;
}

const errorRows = (result) => [
  ['Kind', result.kind, 'kind'], ['Code', result.code, 'code'], ['Message', messageOf(result), 'message'],
  ['Request ID', result.requestId, 'requestId'], ['HTTP status', result.httpStatus, 'httpStatus'],
  ['Retryable', result.retryable == null ? null : result.retryable ? 'yes' : 'no', 'retryable'],
  ['Reported by', result.reportedBy, 'reportedBy'],
];

/** Keeps what was read of the job the fields `key` name, and shows it if the form still names that job. */
function remember(key, reading) {
  readings.delete(key); // re-inserted last: the oldest reading goes first
  readings.set(key, { ...reading, checked: new Date() });
  if (readings.size > READINGS_LIMIT) readings.delete(readings.keys().next().value);
  if (key === currentKey()) showJobPanel();
  updateCancel();
}
const showJob = (state, key, name) => remember(key, { name, state });
const showJobError = (error, key, name) => remember(key, { name, error });

let shownKey = null;
/** The job panel: what was last read of the job the form names, or that nothing was. */
function showJobPanel() {
  shownKey = currentKey();
  const reading = readings.get(shownKey);
  jobPanel.classList.toggle('is-failed', reading?.state?.job.status === 'Failed');
  if (!reading) {
    jobBody.replaceChildren(el('p', 'Not checked yet. Fill in the job and the password: its status is read once you stop typing, or with Check status.', { class: 'empty' }));
    return;
  }
  const checked = el('time', reading.checked.toLocaleTimeString(), { datetime: reading.checked.toISOString() });
  if (reading.error) {
    jobBody.replaceChildren(el('h3', `Could not check job ${reading.name}`, { class: 'title failed' }),
      rowList([...errorRows(reading.error), ['Checked', checked, 'checked']]), ...diagnosis(reading.error.recommend));
    return;
  }
  const { requestId, job } = reading.state;
  const done = percent(job.progress);
  let progress = null;
  if (done != null) {
    progress = el('span', null, { class: 'progress' });
    progress.append(el('progress', null, { max: '100', value: String(done), 'aria-labelledby': 'job-progress-label' }), ` ${done} %`);
  }
  const list = rowList([
    ['Status', statusWord(job.status), 'status', { 'data-status': job.status ?? '', class: job.status === 'Failed' ? 'state failed' : 'state' }],
    ['Progress', progress, 'progress'],
    ['Error', job.error, 'error'],
    ['Error code', job.errorCode, 'errorCode'],
    ['Updated', job.updateTime && apiTime(job.updateTime), 'updateTime'],
    ['Created', job.createTime && apiTime(job.createTime), 'createTime'],
    ['Checked', checked, 'checked'],
    ['Request ID', requestId, 'requestId'],
  ]);
  jobBody.replaceChildren(el('h3', `Job ${reading.name}`, { class: 'title' }), list, el('p', noteOf(job), { class: 'note', 'data-field': 'note' }));
}

/** The outcome panel. `tone`: ok, failed, or neither. */
function showOutcome(report) {
  const nodes = [el('h3', report.title, { class: `title ${report.tone ?? ''}`.trim() }), rowList(report.rows)];
  if (report.note) nodes.push(el('p', report.note, { class: 'note', 'data-field': 'note' }));
  nodes.push(...diagnosis(report.recommend));
  markInvalid(report.invalidField ?? null);
  outcome.classList.toggle('is-ok', report.tone === 'ok');
  outcome.classList.toggle('is-failed', report.tone === 'failed');
  outcomeBody.replaceChildren(...nodes);
}

/** aria-invalid on the field an input error names (and on no other); cleared once it is edited. */
function markInvalid(field) {
  for (const input of form.querySelectorAll('input')) {
    if (input.id === field) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

const invalidFieldOf = (result) => (!result.ok && (result.kind === 'input' || result.kind === 'credentials') ? result.field : null);

function addHistory(report, jobId) {
  const time = new Date();
  const item = el('li', null, report.tone ? { class: report.tone } : {});
  item.append(
    el('time', time.toLocaleTimeString(), { datetime: time.toISOString() }), ' ',
    el('span', mode, { class: 'tag' }), ' ', jobId ? el('code', jobId) : el('span', jobName(jobId), { class: 'blank' }), ' ',
    el('span', report.summary, { class: 'summary' }),
  );
  historyList.prepend(item);
  while (historyList.children.length > HISTORY_LIMIT) historyList.lastElementChild.remove();
}

// ---- Reports: what the outcome panel and the history say once a cancel is over

function errorReport(result, name) {
  return {
    tone: 'failed', title: `${KIND_TITLES[result.kind] ?? 'Failed'}: job ${name}`, rows: errorRows(result), recommend: result.recommend,
    invalidField: invalidFieldOf(result), summary: `${result.kind}${result.code ? ` · ${result.code}` : ''}`,
  };
}

const cancelRows = (cancel) => [
  ['Request ID', cancel.requestId, 'requestId'], ['Status', cancel.status, 'status'], ['Message', cancel.message, 'message'],
  ['Already cancelled', cancel.alreadyCancelled ? 'yes' : null, 'alreadyCancelled'],
];

/** gpdb refused the cancel as StatusInvalid; `check` is what GetUploadDocumentJob said next. */
function refusedReport(refused, check, name) {
  const status = check.ok ? check.job.status : null;
  const finished = FINISHED.includes(status);
  return {
    tone: finished ? null : 'failed',
    title: finished ? `Job ${name} already finished` : `Job ${name} cannot be cancelled`,
    rows: [...errorRows(refused), ['Job status', status, 'jobStatus']],
    note: check.ok
      ? noteOf(check.job)
      : `gpdb refused the cancel because of the job's status: most likely it already finished, and there is nothing to cancel. Its status could not be read (${check.kind === 'aborted' ? 'you aborted' : check.code}).`,
    recommend: refused.recommend,
    summary: finished ? `nothing to cancel · already ${status}` : `${refused.kind} · ${refused.code}`,
  };
}

/** A cancel accepted (or refused because the job was already Cancelling), then followed. */
function followedReport({ cancel, refused }, follow, name) {
  const last = follow.ok ? follow.job.status : follow.lastStatus ?? null;
  const rows = [...(cancel ? cancelRows(cancel) : errorRows(refused)), ['Job status', last ?? 'unknown', 'jobStatus']];
  const base = { rows, recommend: refused?.recommend };
  const accepted = cancel ? 'The cancel was accepted' : 'Your cancel was refused because the job was already being cancelled';
  if (follow.ok && last === 'Cancelled') {
    const note = !cancel
      ? `${accepted}; it has now reached Cancelled.`
      : cancel.alreadyCancelled
        ? 'The first attempt’s answer was lost, but gpdb had taken it: a retry found the job already being cancelled, and it reached Cancelled.'
        : 'gpdb accepted the cancel and the job reached Cancelled.';
    return { ...base, tone: 'ok', title: `Job ${name} cancelled`, note, summary: cancel ? `cancelled · ${cancel.requestId}` : 'cancelled · already being cancelled' };
  }
  if (follow.ok) {
    rows.push(['Job error', follow.job.error, 'jobError'], ['Job error code', follow.job.errorCode, 'jobErrorCode']);
    return {
      ...base, tone: 'failed', title: `Job ${name} ${last === 'Failed' ? 'failed' : 'finished'} before the cancel took effect`,
      note: `${accepted}, but the job ended ${last} first.`, summary: `cancel accepted · ended ${last}`,
    };
  }
  if (follow.kind === 'timeout') {
    return {
      ...base, tone: null, title: `Stopped following job ${name}`,
      note: `${accepted}, but the job was still ${last ?? 'without a status'} after ${duration(MAX_WAIT_MS)}. Check its status again later.`,
      summary: `cancel accepted · still ${last ?? 'unknown'}`,
    };
  }
  if (follow.kind === 'aborted') {
    return {
      ...base, tone: null, title: `Stopped following job ${name}`,
      note: `You stopped following it. ${accepted}; its last status was ${last ?? 'not read yet'}.`,
      summary: 'cancel accepted · stopped following',
    };
  }
  rows.push(['Follow error', `${follow.code}: ${messageOf(follow)}`, 'followError'], ['Follow request ID', follow.requestId, 'followRequestId']);
  return {
    ...base, tone: 'failed', title: `Could not follow job ${name}`,
    note: `${accepted}, but the job's status could not be read, so whether it reached Cancelled is unknown.`,
    summary: `cancel accepted · status unknown (${follow.code})`,
  };
}

// ---- Busy states

/** phase: null, 'checking', or for a cancel 'cancelling', 'reading' (after a refusal), 'following'. */
function setBusy(phase, name) {
  const cancelling = phase !== null && phase !== 'checking';
  checkButton.disabled = cancelling;
  abortButton.disabled = phase === null;
  cancelButton.textContent = { cancelling: 'Cancelling…', reading: 'Cancelling…', following: 'Following…' }[phase] ?? 'Cancel job';
  checkButton.textContent = phase === 'checking' ? 'Checking…' : 'Check status';
  for (const [node, busy] of [[cancelButton, cancelling], [outcome, cancelling], [checkButton, phase === 'checking'], [jobPanel, phase === 'checking']]) {
    if (busy) node.setAttribute('aria-busy', 'true');
    else node.removeAttribute('aria-busy');
  }
  updateCancel();
  // Following keeps the line as it is until the first status is read: one announcement fewer.
  if (phase === 'following') return;
  statusText.textContent = {
    checking: `Checking job ${name}…`,
    cancelling: `Cancelling job ${name}… Press Abort or Escape to stop.`,
    reading: `gpdb refused to cancel job ${name}: reading its status…`,
  }[phase] ?? '';
}

/** Cancel is offered unless a cancel is under way or the job is known to be past cancelling. */
function updateCancel() {
  cancelButton.disabled = (op !== null && op.kind === 'cancel') || !cancellable(currentKey());
}

// ---- Check status

const readyToCheck = () => NEEDED.every((name) => $(name).value.trim() !== '');
const autoCheckKey = () => `${currentKey()}\n${passwordEdits}`;

async function checkStatus() {
  if (op) return;
  clearTimeout(autoTimer);
  const params = readParams();
  const key = keyOf(params);
  const name = jobName(params.jobId);
  lastAutoCheck = autoCheckKey();
  const mine = { kind: 'check', controller: new AbortController() };
  op = mine;
  setBusy('checking', name);
  const result = await MODES[mode].check(params, mine.controller.signal);
  if (op !== mine) return; // a cancel took over
  op = null;
  const focusWasOnAbort = document.activeElement === abortButton;
  if (result.ok) showJob(result, key, name);
  else if (result.kind !== 'aborted') showJobError(result, key, name);
  setBusy(null);
  markInvalid(invalidFieldOf(result));
  if (result.ok) statusText.textContent = noteOf(result.job, `Job ${name}`);
  else statusText.textContent = result.kind === 'aborted' ? `Stopped checking job ${name}.` : `Could not check job ${name}: ${result.code}.`;
  if (focusWasOnAbort) checkButton.focus();
}

// Once the fields stop changing, with everything typed, and not while the password is being typed
// (a half-typed password would be sent). Each set of fields is checked once automatically.
function scheduleAutoCheck() {
  clearTimeout(autoTimer);
  autoTimer = setTimeout(() => {
    if (!op && readyToCheck() && document.activeElement !== password && autoCheckKey() !== lastAutoCheck) checkStatus();
  }, AUTO_CHECK_MS);
}

// ---- Cancel, then follow

async function followJob(params, key, name, signal, seen) {
  let last = seen;
  setBusy('following', name);
  const result = await MODES[mode].follow(params, signal, {
    pollIntervalMs: POLL_INTERVAL_MS,
    maxWaitMs: MAX_WAIT_MS,
    onState: (state) => {
      showJob(state, key, name);
      const status = state.job.status ?? null;
      if (status === last) return;
      last = status;
      // Each change once; the last one is the outcome's to announce.
      if (!FINISHED.includes(status)) statusText.textContent = `Job ${name}: ${statusWord(status)} Following it: press Abort or Escape to stop.`;
    },
  });
  return result.ok ? result : { ...result, lastStatus: result.lastStatus ?? last };
}

async function cancelAndFollow(params, key, name, signal) {
  const cancel = await MODES[mode].cancel(params, signal);
  if (!cancel.ok && cancel.code !== STATUS_INVALID) return errorReport(cancel, name);
  if (!cancel.ok) {
    // Refused because of the job's status: say which.
    setBusy('reading', name);
    const check = await MODES[mode].check(params, signal);
    if (check.ok) showJob(check, key, name);
    if (!check.ok || check.job.status !== 'Cancelling') return refusedReport(cancel, check, name);
    return followedReport({ refused: cancel }, await followJob(params, key, name, signal, check.job.status), name);
  }
  // Shown at once but not announced (the outcome is aria-busy): the final outcome is.
  showOutcome({
    tone: 'ok', title: `Cancel accepted: job ${name}`, rows: [...cancelRows(cancel), ['Job status', 'following…', 'jobStatus']],
    note: 'Following the job until it is cancelled…',
  });
  return followedReport({ cancel }, await followJob(params, key, name, signal, null), name);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (op?.kind === 'cancel') return;
  const params = readParams();
  const key = keyOf(params);
  if (!cancellable(key)) { // the button is disabled; this is a submit some other way
    statusText.textContent = noteOf(knownJob(key), `Job ${jobName(params.jobId)}`);
    return;
  }
  clearTimeout(autoTimer);
  op?.controller.abort(new DOMException('Superseded by a cancel', 'AbortError')); // a status check
  password.value = '';
  passwordEdits += 1;
  const mine = { kind: 'cancel', controller: new AbortController() };
  op = mine;
  const name = jobName(params.jobId);
  const hadFocus = document.activeElement === cancelButton || document.activeElement === checkButton;
  setBusy('cancelling', name);
  if (hadFocus) abortButton.focus(); // the focused button just got disabled: keep the keyboard somewhere useful
  const report = await cancelAndFollow(params, key, name, mine.controller.signal);
  op = null;
  const focusWasOnAbort = document.activeElement === abortButton;
  setBusy(null);
  showOutcome(report);
  addHistory(report, params.jobId);
  if (focusWasOnAbort || document.activeElement === document.body) outcome.focus();
});

checkButton.addEventListener('click', () => checkStatus());

// Enter in a field submits nothing while Cancel is not offered (the browser's rule for a disabled
// default button): say why.
form.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.target.tagName !== 'INPUT' || op) return;
  const params = readParams();
  const key = keyOf(params);
  if (!cancellable(key)) statusText.textContent = noteOf(knownJob(key), `Job ${jobName(params.jobId)}`);
});

form.addEventListener('input', (event) => {
  event.target.removeAttribute?.('aria-invalid');
  if (PREFILLED.includes(event.target.id)) updateModeLinks();
  if (currentKey() !== shownKey) showJobPanel(); // another job: its own reading, or none
  if (!op) updateCancel();
  if (event.target === password) {
    passwordEdits += 1;
    clearTimeout(autoTimer); // never check with a password still being typed
  } else if (event.target.id === 'jobId') {
    scheduleAutoCheck();
  }
});
// Leaving a field after changing it (the password included).
form.addEventListener('change', () => scheduleAutoCheck());
// Also just before a mode link is followed, and when the browser restores the page with its fields (back).
for (const name of Object.keys(MODES)) $(`mode-${name}`).addEventListener('click', updateModeLinks);
addEventListener('pageshow', updateModeLinks);

const abort = () => op?.controller.abort(new DOMException('Aborted by the user', 'AbortError'));
abortButton.addEventListener('click', abort);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && op) abort();
});

showMode();
showJobPanel();
checkButton.disabled = false;
updateCancel();
