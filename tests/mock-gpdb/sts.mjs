// A local stand-in for STS AssumeRole (API 2015-04-01), served by the gpdb mock (server.mjs) on the
// same port: the request is signed V2 or V3 and verified there with the official signer, as the
// gpdb actions are; this file checks AssumeRole's parameters as the real API does, issues random
// STS credentials that the gpdb side then accepts, and enforces the session policy on them.
//
// Sources: the official STS SDK, npm @alicloud/sts20150401 1.2.0 (models AssumeRoleRequest:
// RoleSessionName 2-64 of [A-Za-z0-9.@_-], DurationSeconds 900..MaxSessionDuration, Policy 1-2048
// characters, ExternalId 2-1224 of [\w+=,.@:/-]; AssumeRoleResponseBody: RequestId, AssumedRoleUser
// {Arn, AssumedRoleId}, Credentials {AccessKeyId, AccessKeySecret, SecurityToken, Expiration});
// RAM policy grammar (Version "1", Statement [{Effect, Action, Resource}], `*` wildcards, an explicit
// Deny wins); the resource of both job actions, acs:gpdb:<region>:<account>:document/<DBInstanceId>
// (CancelUploadDocumentJob and GetUploadDocumentJob API references, "Authorization information").
import { randomBytes } from 'node:crypto';

export const ACTION = 'AssumeRole';
export const VERSION = '2015-04-01';
export const DEFAULT_ROLE_ARN = 'acs:ram::1234567890123456:role/gpdb-operator';
// A role's MaxSessionDuration is 3600 to 43200 seconds (CreateRole); the mock's default role allows the most.
const DEFAULT_MAX_SESSION_SECONDS = 43_200;
const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ROLE_ARN = /^acs:ram::(\d+):role\/([A-Za-z0-9._-]{1,64})$/i;
const MAX_POLICY_CHARS = 2048;
export const FORBIDDEN_MESSAGE = "User not authorized to operate on the specified resource, or this API doesn't support RAM.";

const random = (bytes, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') =>
  [...randomBytes(bytes)].map((b) => alphabet[b % alphabet.length]).join('');
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// `*` matches any run of characters, `?` one: RAM's wildcards.
function wildcard(pattern, value, ignoreCase) {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}
const list = (value) => (Array.isArray(value) ? value : [value]);

/** Parses and checks a RAM policy document; returns it, or throws with STS's code. */
export function parsePolicy(text, reject) {
  if ([...text].length > MAX_POLICY_CHARS) reject(400, 'InvalidParameter.PolicySize', `The policy is ${[...text].length} characters long; the limit is ${MAX_POLICY_CHARS}.`);
  let policy;
  try { policy = JSON.parse(text); } catch { reject(400, 'InvalidParameter.PolicyGrammar', 'The policy has a syntax error: it is not valid JSON.'); }
  const grammar = (why) => reject(400, 'InvalidParameter.PolicyGrammar', `The policy has a syntax error: ${why}.`);
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) grammar('it is not a JSON object');
  if (policy.Version !== '1') grammar('Version must be "1"');
  if (!Array.isArray(policy.Statement) || policy.Statement.length === 0) grammar('Statement must be a non-empty array');
  for (const statement of policy.Statement) {
    if (!['Allow', 'Deny'].includes(statement?.Effect)) grammar('each statement needs Effect "Allow" or "Deny"');
    for (const key of ['Action', 'Resource']) {
      if (!list(statement[key]).every((v) => typeof v === 'string' && v.length > 0)) grammar(`each statement needs ${key} as a string or an array of strings`);
    }
  }
  return policy;
}

/** Whether `policy` allows `action` on `resource`: some Allow matches and no Deny does. */
export function allows(policy, action, resource) {
  const matching = policy.Statement.filter((s) => list(s.Action).some((a) => wildcard(a, action, true)) && list(s.Resource).some((r) => wildcard(r, resource, false)));
  return matching.length > 0 && matching.every((s) => s.Effect === 'Allow');
}

/**
 * The STS half of the mock. `roles`: { [roleArn]: { policy?, maxSessionDuration?, externalId? } } (the
 * role's own permissions, default: everything); `accessKeys`: the mock's key table, which issued
 * credentials join; `reject(status, code, message)` throws the mock's API error; `serverNow()`.
 */
export function createSts({ roles, accessKeys, reject, serverNow }) {
  const missing = (name) => reject(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);

  // AssumeRole by `caller` (the signing key's entry): checks as the real API, then issues credentials.
  function assumeRole(params, caller) {
    if (!params.RoleArn) missing('RoleArn');
    if (!params.RoleSessionName) missing('RoleSessionName');
    const arn = ROLE_ARN.exec(params.RoleArn);
    if (!arn) reject(400, 'InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.');
    if (!SESSION_NAME.test(params.RoleSessionName)) {
      reject(400, 'InvalidParameter.RoleSessionName', 'The parameter RoleSessionName must be 2 to 64 characters of letters, digits, "." "@" "-" and "_".');
    }
    const role = Object.hasOwn(roles, params.RoleArn) ? roles[params.RoleArn] : null;
    if (!role) reject(404, 'EntityNotExist.Role', `The role ${params.RoleArn} does not exist.`);
    const maxSeconds = role.maxSessionDuration ?? DEFAULT_MAX_SESSION_SECONDS;
    const seconds = params.DurationSeconds === undefined ? 3600 : Number(params.DurationSeconds);
    if (!/^\d+$/.test(params.DurationSeconds ?? '3600') || seconds < 900 || seconds > maxSeconds) {
      reject(400, 'InvalidParameter.DurationSeconds', `The Min/Max value of DurationSeconds is 15min/${maxSeconds / 3600}hr.`);
    }
    if (params.ExternalId !== undefined && !EXTERNAL_ID.test(params.ExternalId)) reject(400, 'InvalidParameter.ExternalId', 'The parameter ExternalId is wrongly formed.');
    if (role.externalId && role.externalId !== params.ExternalId) {
      reject(403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM (the role\'s trust policy needs ExternalId).');
    }
    const sessionPolicy = params.Policy === undefined ? null : parsePolicy(params.Policy, reject);

    const [, account, roleName] = arn;
    const id = `STS.${random(24)}`;
    const expiresAtMs = serverNow() + seconds * 1000;
    const issued = {
      secret: random(30), securityToken: `CAIS${random(300, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}`,
      account, roleArn: params.RoleArn, roleSessionName: params.RoleSessionName, rolePolicy: role.policy ?? null, sessionPolicy, expiresAtMs,
      assumedBy: caller.id,
    };
    accessKeys[id] = issued;
    return {
      AssumedRoleUser: { Arn: `acs:ram::${account}:assumed-role/${roleName}/${params.RoleSessionName}`, AssumedRoleId: `3${random(16, '0123456789')}:${params.RoleSessionName}` },
      Credentials: { AccessKeyId: id, AccessKeySecret: issued.secret, SecurityToken: issued.securityToken, Expiration: isoSeconds(expiresAtMs) },
    };
  }

  // A gpdb action by `account`: issued credentials must not have expired, and both the role's
  // policy and the session policy must allow `gpdb:<action>` on the instance's document resource.
  function authorize(account, action, params) {
    if (account.expiresAtMs == null) return;
    if (serverNow() >= account.expiresAtMs) reject(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.');
    const resource = `acs:gpdb:${params.RegionId}:${account.account}:document/${params.DBInstanceId}`;
    const permitted = [account.rolePolicy, account.sessionPolicy].every((policy) => policy === null || allows(policy, `gpdb:${action}`, resource));
    if (!permitted) reject(403, 'Forbidden.RAM', FORBIDDEN_MESSAGE);
  }

  return { assumeRole, authorize };
}
