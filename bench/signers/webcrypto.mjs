// The straightforward pure-JS alternative to the wasm signer, as aws4fetch does it: WebCrypto
// HMAC (a key imported for every signature, then `sign`), percent-encoding and sorting in JS.
// No imports, so the same file runs in Node, workerd and Chromium.

const encoder = new TextEncoder();

// RFC 3986 escaping, as the official signer (@alicloud/openapi-util) does it.
const percentEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const canonical = (params) => Object.keys(params).sort().map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`).join('&');

/** A complete signed CancelUploadDocumentJob request: URL with the common parameters, form body. */
export async function signWithWebCrypto(options) {
  const { credentials } = options;
  const query = {
    AccessKeyId: credentials.accessKeyId,
    Action: 'CancelUploadDocumentJob',
    DBInstanceId: options.dbInstanceId,
    Format: 'JSON',
    RegionId: options.regionId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: crypto.randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2016-05-03',
  };
  const form = {
    Collection: options.collection,
    JobId: options.jobId,
    Namespace: options.namespace ?? 'public',
    NamespacePassword: options.namespacePassword,
  };
  // StringToSign = POST & %2F & enc(sorted "enc(k)=enc(v)" of query and form, joined by "&")
  const stringToSign = `POST&%2F&${percentEncode(canonical({ ...query, ...form }))}`;
  const key = await crypto.subtle.importKey('raw', encoder.encode(`${credentials.accessKeySecret}&`), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(stringToSign)));
  const signature = btoa(String.fromCharCode(...mac));
  return {
    method: 'POST',
    url: `${options.endpoint.replace(/\/$/, '')}/?${canonical(query)}&Signature=${percentEncode(signature)}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'x-acs-action': 'CancelUploadDocumentJob',
      'x-acs-version': '2016-05-03',
    },
    body: canonical(form),
  };
}
