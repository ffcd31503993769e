// The audit trail: one JSON line per cancel, job read, credentials issued and refusal, written
// with console.log, which Workers Logs keeps and Logpush exports (README: "What the audit lines
// hold"). Each line is built from named fields only, never from a request or an error, so no
// token, key, password or signature can reach it.

/** What the operator did: the route's gpdb or STS action. */
export const EVENTS = Object.freeze({
  CancelUploadDocumentJob: 'cancel',
  GetUploadDocumentJob: 'read',
  AssumeRole: 'credentials',
});

// The fields of a line, in order. `null` when unknown (e.g. no operator before Access let the request in).
const FIELDS = ['time', 'event', 'operator', 'mode', 'action', 'region', 'instance', 'jobId', 'outcome', 'httpStatus', 'requestId', 'ray', 'path'];
const EXTRA_FIELDS = ['reason', 'roleSessionName', 'expiration'];
const MAX_TEXT = 256; // a field is at most this long: a log line stays a line

const text = (value) => (typeof value === 'string' && value !== '' ? value.slice(0, MAX_TEXT) : null);

/**
 * One request's audit record. Routes fill in what they learn (`note`), and the Worker writes it
 * once with the outcome (`write`): `outcome` is `OK` or the error code the operator was answered
 * with, `event` is `refusal` when the console refused before calling gpdb or STS.
 */
export class AuditRecord {
  constructor(request, { mode = null, action = null } = {}) {
    this.fields = {
      operator: null, mode, action, region: null, instance: null, jobId: null,
      ray: text(request.headers.get('cf-ray')), path: new URL(request.url).pathname.slice(0, MAX_TEXT),
    };
    this.written = false;
  }

  note(fields) {
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined) this.fields[name] = typeof value === 'number' ? value : text(value);
    }
    return this;
  }

  /** Writes the line (once). `refused`: the console answered without calling gpdb or STS. */
  write({ outcome, httpStatus, requestId = null, refused = false, ...extra }) {
    if (this.written) return;
    this.written = true;
    const event = refused ? 'refusal' : EVENTS[this.fields.action] ?? 'refusal';
    const line = { ...this.fields, time: new Date().toISOString(), event, outcome: text(outcome), httpStatus, requestId: text(requestId) };
    const ordered = Object.fromEntries(FIELDS.map((name) => [name, line[name] ?? null]));
    for (const name of EXTRA_FIELDS) if (extra[name] != null) ordered[name] = text(String(extra[name]));
    console.log(JSON.stringify(ordered));
  }
}
