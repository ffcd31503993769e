// Forwarding mode, GET /api/credentials: the short-lived STS credentials the page signs with.
//
// Demo only: it hands out the STS AccessKey held in the Worker's env (DEMO_STS_*), which the local
// gpdb endpoint knows. A real console calls STS AssumeRole here for the signed-in operator's RAM
// role, with a policy that allows gpdb:CancelUploadDocumentJob and gpdb:GetUploadDocumentJob only, and
// returns what STS returned.
import { alibabaError, json } from './responses.mjs';

// AssumeRole's shortest DurationSeconds is 900 (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerole).
// gpdb-edge asks again 5 minutes before `expiration`, so the page fetches these every 10 minutes.
const LIFETIME_MS = 15 * 60_000;

export function issueCredentials(request, env) {
  if (request.method !== 'GET') {
    return alibabaError(405, 'Console.MethodNotAllowed', `Credentials are fetched with GET, not ${request.method}.`, { allow: 'GET' });
  }
  const { DEMO_STS_ACCESS_KEY_ID: accessKeyId, DEMO_STS_ACCESS_KEY_SECRET: accessKeySecret, DEMO_STS_SECURITY_TOKEN: securityToken } = env;
  if (!accessKeyId || !accessKeySecret || !securityToken) {
    return alibabaError(503, 'Console.CredentialsUnavailable', 'This console issues no STS credentials: use signing mode.');
  }
  return json(200, { accessKeyId, accessKeySecret, securityToken, expiration: new Date(Date.now() + LIFETIME_MS).toISOString() });
}
