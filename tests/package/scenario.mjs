// The same scenario in every runtime (Node ESM and CJS, workerd, Chromium, Deno, Bun): cancel a
// running job (signature V3, the default), cancel it again (V2), read the job with the typed call
// and once more with callApi, and report what the library returned, as plain JSON, so the Node
// test on the other side can assert it. No imports: the runtime passes the library in.

export const SECRETS = {
  accessKeySecret: 'mock-access-key-secret',
  namespacePassword: 'mock-namespace-password',
};

export function scenarioOptions({ endpoint, jobId = '231460f8-75dc-405e-a669-0c5204887e91', credentials }) {
  return {
    credentials: credentials ?? { accessKeyId: 'LTAI5tMockAccessKeyId', accessKeySecret: SECRETS.accessKeySecret },
    regionId: 'cn-hangzhou',
    dbInstanceId: 'gp-mock0000000001',
    collection: 'document',
    namespacePassword: SECRETS.namespacePassword,
    jobId,
    endpoint,
  };
}

function describeError(error, { GpdbError, isGpdbError }) {
  return {
    isGpdbError: error instanceof GpdbError,
    isGpdbErrorFunction: isGpdbError(error),
    isError: error instanceof Error,
    name: error?.name,
    message: error?.message,
    kind: error?.kind,
    code: error?.code,
    requestId: error?.requestId,
    hostId: error?.hostId,
    recommend: error?.recommend,
    httpStatus: error?.httpStatus,
    retryable: error?.retryable,
    attempts: error?.attempts,
  };
}

export async function runScenario(lib, options) {
  const { callApi, cancelUploadDocumentJob, getUploadDocumentJob, signCancelUploadDocumentJob, ready } = lib;
  const report = { exports: Object.keys(lib).sort() };
  await ready?.();
  const fixed = { ...options, timestamp: '2016-02-23T12:46:24Z', nonce: 'fixed-nonce' };
  report.signed = signCancelUploadDocumentJob(fixed);
  report.signedV2 = signCancelUploadDocumentJob({ ...fixed, signatureVersion: 'v2' });
  report.first = await cancelUploadDocumentJob(options);
  try {
    // The one V2 cancel of each runtime.
    report.second = await cancelUploadDocumentJob({ ...options, signatureVersion: 'v2' });
  } catch (error) {
    report.secondError = describeError(error, lib);
  }
  // The job's state after the cancel: the endpoint shows it Cancelling.
  report.state = await getUploadDocumentJob(options);
  // The same read as any Alibaba Cloud action: the API's own JSON answer.
  report.api = await callApi({
    credentials: options.credentials,
    endpoint: options.endpoint,
    action: 'GetUploadDocumentJob',
    version: '2016-05-03',
    query: { DBInstanceId: options.dbInstanceId, RegionId: options.regionId },
    body: { Collection: options.collection, JobId: options.jobId, Namespace: 'public', NamespacePassword: options.namespacePassword },
  });
  try {
    await cancelUploadDocumentJob({ ...options, DBInstanceId: 'gp-x' });
  } catch (error) {
    report.inputError = describeError(error, lib);
  }
  return report;
}

// Issue 18, in every runtime that runs it: a redirect (never followed), an echo of the secrets
// in every encoding (never shown), and a host that does not answer (named, never the query). The
// test on the other side injects the first two faults, in order; `unreachable` is a closed port.
export async function runSecurityScenario(lib, options, unreachable) {
  const { cancelUploadDocumentJob, ready } = lib;
  await ready?.();
  const report = {};
  const endpoints = { redirect: options.endpoint, echo: options.endpoint, unreachable };
  for (const [name, endpoint] of Object.entries(endpoints)) {
    try {
      report[name] = { result: await cancelUploadDocumentJob({ ...options, endpoint, maxRetries: 0 }) };
    } catch (error) {
      report[name] = describeError(error, lib);
    }
  }
  return report;
}
