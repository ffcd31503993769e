// The one set of CancelUploadDocumentJob parameters every signer in the bench signs: the mock
// endpoint's fake credentials and instance (tests/mock-gpdb/server.mjs DEFAULTS), in the option
// shape of gpdb-edge. Plain data with no imports, so workerd and the browser page load it too.

export const ACCESS_KEY_ID = 'LTAI5tMockAccessKeyId';
export const ACCESS_KEY_SECRET = 'mock-access-key-secret';
export const JOB_ID = '231460f8-75dc-405e-a669-0c5204887e91';

/** Options of `signCancelUploadDocumentJob`; the other signers read the same object. */
export const SIGN_OPTIONS = Object.freeze({
  credentials: Object.freeze({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET }),
  regionId: 'cn-hangzhou',
  dbInstanceId: 'gp-mock0000000001',
  namespace: 'public',
  collection: 'document',
  namespacePassword: 'mock-namespace-password',
  jobId: JOB_ID,
  endpoint: 'https://gpdb.aliyuncs.com',
});

/** A distinct running job for each end-to-end call: the mock cancels a job once. */
export const benchJobId = (i) => `b0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/**
 * SIGN_OPTIONS with a different jobId each. The per-call signing loops cycle through them (option
 * set `i & 255` for call `i`), as a service cancelling many jobs with one set of credentials does:
 * every signer signs a request it has not signed just before.
 */
export const SIGN_JOBS = Object.freeze(Array.from({ length: 256 }, (_, i) => Object.freeze({ ...SIGN_OPTIONS, jobId: benchJobId(i) })));

/** SIGN_JOBS signed with signature V2 (`signatureVersion: "v2"`). */
export const SIGN_JOBS_V2 = Object.freeze(SIGN_JOBS.map((job) => Object.freeze({ ...job, signatureVersion: 'v2' })));
