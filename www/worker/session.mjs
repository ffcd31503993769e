// What an operator's STS session is: its name and its inline policy, and the region and
// instance ids that may go into that policy. Pure functions, shared by both modes' routes.

// The two actions the console sends; their API references give the resource type:
// acs:gpdb:{#regionId}:{#accountId}:document/{#DBInstanceId}
// (https://www.alibabacloud.com/help/en/analyticdb/analyticdb-for-postgresql/developer-reference/api-gpdb-2016-05-03-canceluploaddocumentjob).
const ACTIONS = ['gpdb:CancelUploadDocumentJob', 'gpdb:GetUploadDocumentJob'];
// What a region and an instance id may look like: they go into the policy's Resource, so no
// character with a meaning there (`*`, `?`, `:`, `/`) may pass.
const REGION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;
const DB_INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const MAX_ID_CHARS = 64;
// RoleSessionName: 2 to 64 characters from [A-Za-z0-9.@_-] (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerole).
const NOT_IN_SESSION_NAME = /[^A-Za-z0-9.@_-]/g;

/** The inline session policy: exactly the two job actions, on the one instance asked for. */
export function sessionPolicy(regionId, dbInstanceId) {
  return {
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: ACTIONS, Resource: [`acs:gpdb:${regionId}:*:document/${dbInstanceId}`] }],
  };
}

/**
 * The operator as a RoleSessionName: as it is when it is one already (most e-mail addresses);
 * otherwise every other character as `_`, cut to 55, and `.` and 8 hex digits of its SHA-256,
 * so that two operators never share a name.
 */
export async function roleSessionName(operator) {
  const plain = operator.replace(NOT_IN_SESSION_NAME, '_');
  if (plain === operator && plain.length >= 2 && plain.length <= 64) return plain;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(operator)));
  const hex = Array.from(digest.slice(0, 4), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${plain.slice(0, 55)}.${hex}`;
}

const validId = (value, pattern) => typeof value === 'string' && value.length <= MAX_ID_CHARS && pattern.test(value);

/** `regionId` and `dbInstanceId` are what a policy's Resource may hold, or a refusal `[status, code, message]`. */
export function instanceIdsRefusal(regionId, dbInstanceId) {
  if (!validId(regionId, REGION_ID)) return [400, 'Console.MalformedParameter', 'regionId must be a region id, e.g. cn-hangzhou.'];
  if (!validId(dbInstanceId, DB_INSTANCE_ID)) {
    return [400, 'Console.MalformedParameter', 'dbInstanceId must be an instance id, e.g. gp-bp1234567890 (letters, digits, - and _).'];
  }
  return null;
}

