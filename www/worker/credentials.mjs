// Forwarding mode, GET /api/credentials?regionId=…&dbInstanceId=…: STS credentials for the
// signed-in operator, good for one instance's two job actions and nothing else, for 15 minutes.
// The Worker's own key (ALIBABA_CLOUD_ACCESS_KEY_*) needs only sts:AssumeRole: it calls STS
// AssumeRole through gpdb-edge's assumeRole, for the role STS_ROLE_ARN, with a session policy that
// narrows the role to what was asked for, and a session name that says who asked (ActionTrail
// records it with every call the credentials make).
import { assumeRole, GpdbError } from 'gpdb-edge';

import { instanceRefusal } from './guard.mjs';
import { instanceIdsRefusal, roleSessionName, sessionPolicy } from './session.mjs';
import { alibabaError, json, newRequestId } from './responses.mjs';

// AssumeRole's shortest DurationSeconds (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerole).
// gpdb-edge in the page asks again 5 minutes before `expiration`.
const DURATION_SECONDS = 900;
// The status per error kind. Unlike signing mode's (signing.mjs), `input` is 500: the operator sent
// only checked instance ids, so an AssumeRole input error is the Worker's settings (STS_ROLE_ARN).
const STATUS_BY_KIND = { input: 500, credentials: 500, network: 502, response: 502, timeout: 504, aborted: 499 };

// assumeRole providers by role, key, session name and instance, for the isolate's lifetime: each
// keeps its credentials until 5 minutes before they expire, so a job followed every 1.5 s in
// signing mode is one AssumeRole per operator and instance, not one per poll. Never shared
// between operators: the session name is in the key.
const providers = new Map();
const MAX_PROVIDERS = 256;

/**
 * The operator's credentials for one instance: `{ credentials, roleSessionName }` where
 * `credentials` is an assumeRole provider, or `null` when STS_ROLE_ARN (or the Worker's key) is not set.
 */
export async function operatorCredentials(env, operator, regionId, dbInstanceId) {
  const { STS_ROLE_ARN: roleArn, ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret } = env;
  if (!roleArn || !accessKeyId || !accessKeySecret) return null;
  const sessionName = await roleSessionName(operator);
  const key = JSON.stringify([roleArn, accessKeyId, env.STS_ENDPOINT ?? '', sessionName, regionId, dbInstanceId]);
  let credentials = providers.get(key);
  if (!credentials) {
    credentials = assumeRole({
      credentials: { accessKeyId, accessKeySecret },
      roleArn,
      roleSessionName: sessionName,
      policy: sessionPolicy(regionId, dbInstanceId),
      durationSeconds: DURATION_SECONDS,
      ...(env.STS_ENDPOINT && { endpoint: env.STS_ENDPOINT }),
    });
    if (providers.size >= MAX_PROVIDERS) providers.delete(providers.keys().next().value);
    providers.set(key, credentials);
  }
  return { credentials, roleSessionName: sessionName };
}

export async function issueCredentials(request, env, { operator, record, refuse }) {
  if (request.method !== 'GET') {
    return refuse(405, 'Console.MethodNotAllowed', `Credentials are fetched with GET, not ${request.method}.`, { headers: { allow: 'GET' } });
  }
  const query = new URL(request.url).searchParams;
  const regionId = query.get('regionId');
  const dbInstanceId = query.get('dbInstanceId');
  record.note({ region: regionId, instance: dbInstanceId });
  const malformed = instanceIdsRefusal(regionId, dbInstanceId);
  if (malformed) return refuse(...malformed);
  const notAllowed = instanceRefusal(env, regionId, dbInstanceId);
  if (notAllowed) return refuse(...notAllowed);
  const assumed = await operatorCredentials(env, operator, regionId, dbInstanceId);
  if (!assumed) {
    return refuse(503, 'Console.CredentialsUnavailable', 'This console issues no STS credentials (set STS_ROLE_ARN and the Worker\'s AccessKey): use signing mode.');
  }

  const { credentials, roleSessionName: sessionName } = assumed;
  const requestId = newRequestId();
  try {
    // STS's credentials and `expiration` as STS wrote it ("2015-04-09T11:52:19Z").
    const { accessKeyId, accessKeySecret, securityToken, expiration } = await credentials();
    record.write({ outcome: 'OK', httpStatus: 200, requestId, roleSessionName: sessionName, expiration });
    return json(200, { accessKeyId, accessKeySecret, securityToken, expiration }, { 'x-acs-request-id': requestId });
  } catch (error) {
    // STS's own code (e.g. NoPermission) when it refused; gpdb-edge's errors carry no secret.
    const known = error instanceof GpdbError;
    const status = known && error.kind !== 'api' ? STATUS_BY_KIND[error.kind] ?? 502 : 502;
    const code = known ? error.code : 'InternalError';
    const message = known ? `STS AssumeRole failed: ${error.message}` : 'The console\'s Worker failed.';
    const answerId = (known && error.requestId) || requestId;
    record.write({ outcome: code, httpStatus: status, requestId: answerId, roleSessionName: sessionName });
    return alibabaError(status, code, message, { requestId: answerId });
  }
}
