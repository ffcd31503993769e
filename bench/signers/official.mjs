// The official SDK's signing path, outside its HTTP client: what openapi-core's doRPCRequest does
// before it sends (same key order, Format "json", querystring-built URL and form body).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import querystring from 'node:querystring';

const require = createRequire(import.meta.url);
const OpenApiUtil = require('@alicloud/openapi-util').default;

/** A complete signed CancelUploadDocumentJob request, built with @alicloud/openapi-util. */
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
