// The official SDK's signing paths, outside its HTTP client: what openapi-core does before it
// sends. V3 as its doRequest (form body by toForm, x-acs-content-sha256 by hash, Authorization by
// getAuthorization); V2 as its doRPCRequest (same key order, Format "json", querystring-built URL
// and form body).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import querystring from 'node:querystring';

const require = createRequire(import.meta.url);
const OpenApiUtil = require('@alicloud/openapi-util').default;

const V3 = 'ACS3-HMAC-SHA256';

/** A complete V3-signed CancelUploadDocumentJob request, built with @alicloud/openapi-util. */
export function signWithOpenApiUtilV3(options) {
  const { credentials } = options;
  const endpoint = new URL(options.endpoint);
  const query = { DBInstanceId: options.dbInstanceId, RegionId: options.regionId };
  const body = OpenApiUtil.toForm({
    Collection: options.collection,
    JobId: options.jobId,
    Namespace: options.namespace ?? 'public',
    NamespacePassword: options.namespacePassword,
  });
  const headers = {
    host: endpoint.host,
    'x-acs-version': '2016-05-03',
    'x-acs-action': 'CancelUploadDocumentJob',
    'x-acs-date': OpenApiUtil.getTimestamp(),
    'x-acs-signature-nonce': randomUUID(),
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-content-sha256': OpenApiUtil.hexEncode(OpenApiUtil.hash(Buffer.from(body, 'utf8'), V3)),
  };
  headers.authorization = OpenApiUtil.getAuthorization({ method: 'POST', pathname: '/', query, headers }, V3,
    headers['x-acs-content-sha256'], credentials.accessKeyId, credentials.accessKeySecret);
  delete headers.host;
  return { method: 'POST', url: `${endpoint.origin}/?${querystring.stringify(query)}`, headers, body };
}

/** A complete V2-signed CancelUploadDocumentJob request, built with @alicloud/openapi-util. */
export function signWithOpenApiUtil(options) {
  const { credentials } = options;
  const query = {
    Action: 'CancelUploadDocumentJob',
    Format: 'json',
    Version: '2016-05-03',
    Timestamp: OpenApiUtil.getTimestamp(),
    // openapi-core's own getNonce hashes more than this; randomUUID only makes the official side faster.
    SignatureNonce: randomUUID(),
    DBInstanceId: options.dbInstanceId,
    RegionId: options.regionId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    AccessKeyId: credentials.accessKeyId,
  };
  const form = OpenApiUtil.query({
    Collection: options.collection,
    JobId: options.jobId,
    Namespace: options.namespace ?? 'public',
    NamespacePassword: options.namespacePassword,
  });
  query.Signature = OpenApiUtil.getRPCSignature({ ...query, ...form }, 'POST', credentials.accessKeySecret);
  return {
    method: 'POST',
    url: `${options.endpoint.replace(/\/$/, '')}/?${querystring.stringify(query)}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'x-acs-action': 'CancelUploadDocumentJob',
      'x-acs-version': '2016-05-03',
    },
    body: querystring.stringify(form),
  };
}

/** Whether the official signer computes the same Signature over a signed request's parameters. */
export function officialSignerAgrees(signed, secret) {
  const url = new URL(signed.url);
  const { Signature, ...params } = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(signed.body)) };
  return Boolean(Signature) && Signature === OpenApiUtil.getRPCSignature(params, 'POST', secret);
}

/** Whether the official getAuthorization computes the same `Authorization` over a V3-signed request. */
export function officialV3Agrees(signed, secret) {
  const url = new URL(signed.url);
  const headers = { host: url.host };
  for (const [name, value] of Object.entries(signed.headers)) if (name === 'content-type' || name.startsWith('x-acs-')) headers[name] = value;
  const accessKeyId = /Credential=([^,]*),/.exec(signed.headers.authorization ?? '')?.[1];
  const expected = OpenApiUtil.getAuthorization({ method: 'POST', pathname: url.pathname, query: Object.fromEntries(url.searchParams), headers }, V3,
    OpenApiUtil.hexEncode(OpenApiUtil.hash(Buffer.from(signed.body, 'utf8'), V3)), accessKeyId, secret);
  return Boolean(accessKeyId) && signed.headers.authorization === expected;
}
