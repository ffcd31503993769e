// The independent side of the signature V3 (ACS3-HMAC-SHA256) cross-check: Alibaba's own
// `@alicloud/openapi-util` getAuthorization. Nothing here re-implements a signing stage: the
// canonical request and the string to sign are captured from the official hash and HMAC calls
// that getAuthorization itself makes (Client.hash, Client.signatureMethod), as official-signer.mjs
// captures the V2 string to sign from kitx.sha1. See V3-NOTES.md beside this file.
//
// As a script: reads requests on stdin, one JSON object a line (or a single JSON object, or a JSON
// array of them), each
//   {method, pathname, query: [[k, v], ...], headers: [[name, value], ...], body, accessKeyId, accessKeySecret}
// and writes one line per request, tab-separated:
//   JSON(canonical request) \t JSON(string to sign) \t Authorization header value \t hex SHA-256 of the body
// All the output of a batch is written at the end, so 1,000 requests go through one process.
// `headers` are passed to the official signer as given: it signs every host, content-type and
// x-acs-* header it finds (it takes no list), so the caller supplies x-acs-content-sha256 itself;
// the fourth column is the official hash of `body` to compare it with.
//
// As a module: signOfficially(request) and officialContentSha256(body).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const Client = require('@alicloud/openapi-util').default;

export const ALGORITHM = 'ACS3-HMAC-SHA256';

// getAuthorization calls Client.hash once (on the canonical request) and Client.signatureMethod once
// (on the string to sign), through the class binding, so wrapping the two static methods sees them.
// Outside signOfficially `capture` is null and the wrappers only pass the call on.
let capture = null;
const officialHash = Client.hash;
const officialSignatureMethod = Client.signatureMethod;
Client.hash = function hash(raw, algorithm) {
  if (capture && capture.canonicalRequest === null) capture.canonicalRequest = Buffer.from(raw).toString('utf8');
  return officialHash.call(this, raw, algorithm);
};
Client.signatureMethod = function signatureMethod(secret, source, algorithm) {
  if (capture && capture.stringToSign === null) capture.stringToSign = source;
  return officialSignatureMethod.call(this, secret, source, algorithm);
};

const toBytes = (body) => (body == null ? Buffer.alloc(0) : Buffer.isBuffer(body) || body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(String(body), 'utf8'));
// Pairs or a plain object. Pairs whose names repeat exactly keep the last value (the official
// signer takes a map); header names that differ only in case stay apart, as the official
// signer joins their values (sorted, ',') under the lowercase name.
const toMap = (entries) => (Array.isArray(entries) ? Object.fromEntries(entries.map(([k, v]) => [String(k), v == null ? v : String(v)])) : { ...(entries ?? {}) });

/** Hex SHA-256 of the body (a string is UTF-8), by the official `OpenApiUtil.hash`. */
export function officialContentSha256(body) {
  return Client.hexEncode(officialHash.call(Client, toBytes(body), ALGORITHM));
}

/**
 * Signs with the official getAuthorization. `payload` defaults to the official hash of `body`.
 * Returns { authorization, signature, signedHeaders (array), canonicalRequest, stringToSign, contentSha256 }.
 */
export function signOfficially({ method = 'POST', pathname = '/', query = [], headers = [], body = '', payload, accessKeyId, accessKeySecret }) {
  const contentSha256 = officialContentSha256(body);
  const request = { method, pathname, query: toMap(query), headers: toMap(headers) };
  const captured = { canonicalRequest: null, stringToSign: null };
  capture = captured;
  let authorization;
  try {
    authorization = Client.getAuthorization(request, ALGORITHM, payload ?? contentSha256, accessKeyId, accessKeySecret);
  } finally {
    capture = null;
  }
  const { canonicalRequest, stringToSign } = captured;
  const [, signedHeaders = '', signature = ''] = authorization.match(/,SignedHeaders=(.*),Signature=([0-9a-f]*)$/) ?? [];
  return { authorization, signature, signedHeaders: signedHeaders ? signedHeaders.split(';') : [], canonicalRequest, stringToSign, contentSha256 };
}

function parseInput(text) {
  const trimmed = text.trim();
  if (!trimmed) return [];
  try {
    const whole = JSON.parse(trimmed);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    return trimmed.split(/\r?\n/).filter((line) => line.trim()).map((line) => JSON.parse(line));
  }
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const out = parseInput(Buffer.concat(chunks).toString('utf8')).map((input) => {
    const signed = signOfficially(input);
    return [JSON.stringify(signed.canonicalRequest), JSON.stringify(signed.stringToSign), signed.authorization, signed.contentSha256].join('\t');
  });
  process.stdout.write(out.length ? `${out.join('\n')}\n` : '');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
