// The console page: a form, a Cancel and an Abort button, the outcome, and this session's history.
// Nothing is stored: no localStorage, sessionStorage or cookies; the password leaves the input as
// soon as it is sent. Every text from a server is set with textContent, never parsed as HTML.
import { cancelInBrowser, cancelViaWorker } from './modes.mjs';

const MODES = {
  signing: {
    cancel: cancelViaWorker,
    description: 'The console’s Worker signs with its own key: no credential reaches your browser.',
  },
  forwarding: {
    cancel: cancelInBrowser,
    description: 'Your browser signs with short-lived STS credentials; the Worker forwards the signed request unchanged.',
  },
};
// Non-secret fields may come from the URL (a link from another tool); the password never does.
const PREFILLED = ['regionId', 'dbInstanceId', 'namespace', 'collection', 'jobId'];
const HISTORY_LIMIT = 20;
const KIND_TITLES = {
  api: 'Refused by the API', network: 'Network error', timeout: 'Timed out', aborted: 'Aborted',
  input: 'Invalid input', credentials: 'Credentials problem', response: 'Unexpected response',
};

const $ = (id) => document.getElementById(id);
const form = $('cancel-form');
const cancelButton = $('cancel');
const abortButton = $('abort');
const statusText = $('status');
const outcome = $('outcome');
const outcomeBody = $('outcome-body');
const historyList = $('history');
const password = $('namespacePassword');

const query = new URLSearchParams(location.search);
const mode = query.get('mode') === 'forwarding' ? 'forwarding' : 'signing';
let inFlight = null; // the AbortController of the request being sent

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

function setBusy(busy, jobId) {
  cancelButton.disabled = busy;
  abortButton.disabled = !busy;
  cancelButton.textContent = busy ? 'Cancelling…' : 'Cancel job';
  for (const node of [cancelButton, form, outcome]) {
    if (busy) node.setAttribute('aria-busy', 'true');
    else node.removeAttribute('aria-busy');
  }
  statusText.textContent = busy ? `Cancelling job ${jobName(jobId)}… Press Abort or Escape to stop.` : '';
}

// A diagnosis link only if it is one: an https URL, never javascript: or anything else a server could send.
function safeLink(href) {
  try {
    return new URL(href).protocol === 'https:' ? new URL(href).href : null;
  } catch {
    return null;
  }
}

function showOutcome(result, jobId) {
  const rows = result.ok
    ? [['Request ID', result.requestId, 'requestId'], ['Status', result.status, 'status'], ['Message', result.message, 'message']]
    : [
        ['Kind', result.kind, 'kind'], ['Code', result.code, 'code'], ['Message', messageOf(result), 'message'],
        ['Request ID', result.requestId, 'requestId'], ['HTTP status', result.httpStatus, 'httpStatus'],
        ['Retryable', result.retryable == null ? null : result.retryable ? 'yes' : 'no', 'retryable'],
        ['Reported by', result.reportedBy, 'reportedBy'],
      ];
  const title = result.ok ? `Job ${jobName(jobId)} cancelled` : `${KIND_TITLES[result.kind] ?? 'Failed'}: job ${jobName(jobId)}`;
  const heading = el('h3', title, { class: result.ok ? 'title ok' : 'title failed' });
  const list = el('dl');
  for (const [label, value, field] of rows) {
    if (value == null || value === '') continue;
    list.append(el('dt', label), el('dd', value, { 'data-field': field }));
  }
  const nodes = [heading, list];
  const recommend = !result.ok && safeLink(result.recommend);
  if (recommend) {
    const link = el('a', 'Alibaba Cloud’s diagnosis of this request', { href: recommend, target: '_blank', rel: 'noopener noreferrer', 'data-field': 'recommend' });
    const paragraph = el('p', null, { class: 'diagnosis' });
    paragraph.append(link);
    nodes.push(paragraph);
  }
  markInvalid(!result.ok && (result.kind === 'input' || result.kind === 'credentials') ? result.field : null);
  outcome.classList.toggle('is-ok', result.ok);
  outcome.classList.toggle('is-failed', !result.ok);
  outcomeBody.replaceChildren(...nodes);
}

/** aria-invalid on the field an input error names (and on no other); cleared once it is edited. */
function markInvalid(field) {
  for (const input of form.querySelectorAll('input')) {
    if (input.id === field) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

function addHistory(result, jobId) {
  const time = new Date();
  const item = el('li', null, { class: result.ok ? 'ok' : 'failed' });
  const summary = result.ok ? `cancelled · ${result.requestId}` : `${result.kind}${result.code ? ` · ${result.code}` : ''}`;
  item.append(
    el('time', time.toLocaleTimeString(), { datetime: time.toISOString() }), ' ',
    el('span', mode, { class: 'tag' }), ' ', jobId ? el('code', jobId) : el('span', jobName(jobId), { class: 'blank' }), ' ',
    el('span', summary, { class: 'summary' }),
  );
  historyList.prepend(item);
  while (historyList.children.length > HISTORY_LIMIT) historyList.lastElementChild.remove();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (inFlight) return;
  const params = readParams();
  password.value = '';
  const controller = new AbortController();
  inFlight = controller;
  const hadFocus = document.activeElement === cancelButton;
  setBusy(true, params.jobId);
  if (hadFocus) abortButton.focus(); // the focused button just got disabled: keep the keyboard somewhere useful
  const result = await MODES[mode].cancel(params, controller.signal);
  inFlight = null;
  const focusWasOnAbort = document.activeElement === abortButton;
  setBusy(false);
  showOutcome(result, params.jobId);
  addHistory(result, params.jobId);
  if (focusWasOnAbort || document.activeElement === document.body) outcome.focus();
});

form.addEventListener('input', (event) => {
  event.target.removeAttribute?.('aria-invalid');
  if (PREFILLED.includes(event.target.id)) updateModeLinks();
});
// Also just before a mode link is followed, and when the browser restores the page with its fields (back).
for (const name of Object.keys(MODES)) $(`mode-${name}`).addEventListener('click', updateModeLinks);
addEventListener('pageshow', updateModeLinks);

abortButton.addEventListener('click', () => inFlight?.abort(new DOMException('Aborted by the user', 'AbortError')));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && inFlight) inFlight.abort(new DOMException('Aborted by the user', 'AbortError'));
});

showMode();
cancelButton.disabled = false;
