//! STS `AssumeRole` (API 2015-04-01): short-lived credentials for a RAM role, optionally narrowed
//! by a session policy. Its parameters are checked here as the API documents them, before
//! anything is sent, and its answer is read into [`Credentials`].
//!
//! Source: the official STS SDK, npm `@alicloud/sts20150401` 1.2.0: `assumeRoleWithOptions`
//! (every parameter in the query string, `POST`, version `2015-04-01`) and the models
//! `AssumeRoleRequest` (the lengths and characters below) and `AssumeRoleResponseBody`.

use super::api::ApiRequest;
use super::credentials::Credentials;
use super::error::{Error, InputProblem, ResponseError, ResponseProblem};
use super::json::{parse_object, Value};
use super::response::read_api_answer;

/// `Version` of STS.
pub const VERSION: &str = "2015-04-01";
/// The endpoint when the caller names none.
pub const DEFAULT_ENDPOINT: &str = "https://sts.aliyuncs.com";
/// `DurationSeconds` bounds: from 900 up to the role's `MaxSessionDuration`, which is at most 12 hours.
pub const DURATION_SECONDS: std::ops::RangeInclusive<f64> = 900.0..=43_200.0;
/// `Policy`: 1 to 2,048 characters.
pub const MAX_POLICY_CHARS: usize = 2048;

/// The parameters of one `AssumeRole`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AssumeRole {
    /// `RoleArn`: `acs:ram::<account_id>:role/<role_name>`.
    pub role_arn: String,
    /// `RoleSessionName`: 2 to 64 of `A-Z a-z 0-9 . @ - _`.
    pub role_session_name: String,
    /// `Policy`: the session policy as JSON text.
    pub policy: Option<String>,
    /// `DurationSeconds`, as its decimal text; the API's default is 3600.
    pub duration_seconds: Option<String>,
    /// `ExternalId`: 2 to 1,224 of letters, digits and `= , . @ : / - _`.
    pub external_id: Option<String>,
}

impl AssumeRole {
    /// Checks every parameter; the first problem is returned, naming its option.
    pub fn validate(&self) -> Result<(), Error> {
        let malformed = |field, expected| Err(Error::input(field, InputProblem::Malformed { expected }));
        if !is_role_arn(&self.role_arn) {
            return malformed("roleArn", "a role ARN such as acs:ram::123456789012****:role/adminrole (acs:ram::<account id>:role/<role name>)");
        }
        let session = self.role_session_name.as_bytes();
        if !(2..=64).contains(&session.len()) || !session.iter().all(|b| b.is_ascii_alphanumeric() || matches!(*b, b'.' | b'@' | b'-' | b'_')) {
            return malformed("roleSessionName", "2 to 64 characters of letters, digits, '.', '@', '-' and '_'");
        }
        if let Some(policy) = &self.policy {
            // Characters, not bytes: every byte but a UTF-8 continuation byte starts one.
            let chars = policy.bytes().filter(|b| b & 0xC0 != 0x80).count();
            if !(1..=MAX_POLICY_CHARS).contains(&chars) {
                return malformed("policy", "a session policy of 1 to 2048 characters");
            }
            if parse_object(policy).is_err() {
                return malformed("policy", "a policy object, or its JSON text: {\"Version\":\"1\",\"Statement\":[...]}");
            }
        }
        if let Some(id) = &self.external_id {
            let id = id.as_bytes();
            if !(2..=1224).contains(&id.len()) || !id.iter().all(|b| b.is_ascii_alphanumeric() || matches!(*b, b'=' | b',' | b'.' | b'@' | b':' | b'/' | b'-' | b'_')) {
                return malformed("externalId", "2 to 1224 characters of letters, digits and = , . @ : / - _");
            }
        }
        Ok(())
    }

    /// The `AssumeRole` request, every parameter in the query string as the official SDK sends it.
    pub fn request(&self) -> Result<ApiRequest<'_>, Error> {
        self.validate()?;
        let mut query = vec![("RoleArn", self.role_arn.as_str()), ("RoleSessionName", self.role_session_name.as_str())];
        let optional = [("DurationSeconds", &self.duration_seconds), ("ExternalId", &self.external_id), ("Policy", &self.policy)];
        query.extend(optional.iter().filter_map(|(name, value)| Some((*name, value.as_deref()?))));
        Ok(ApiRequest { action: "AssumeRole", version: VERSION, query, body: Vec::new() })
    }
}

/// `DurationSeconds` as the API takes it: a whole number of seconds from 900 to 43200.
pub fn duration_seconds(seconds: f64) -> Result<String, Error> {
    if DURATION_SECONDS.contains(&seconds) && seconds.fract() == 0.0 {
        Ok((seconds as u32).to_string())
    } else {
        Err(Error::input("durationSeconds", InputProblem::Malformed { expected: "a whole number of seconds from 900 to 43200" }))
    }
}

/// `acs:ram::<digits>:role/<name>`, the name 1 to 64 of letters, digits, `.`, `-` and `_`, and
/// the account id's masked digits (`****`) of the documentation's examples allowed.
fn is_role_arn(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("acs:ram::") else { return false };
    let Some((account, name)) = crate::substring::split_once(rest, ":role/") else { return false };
    !account.is_empty()
        && account.bytes().all(|b| b.is_ascii_digit() || b == b'*')
        && (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// What `AssumeRole` answered: the credentials, and when they stop working (`Expiration`, as
/// the API writes it: `2015-04-09T11:52:19Z`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AssumedRole {
    /// `Credentials`: `AccessKeyId`, `AccessKeySecret`, `SecurityToken`.
    pub credentials: Credentials,
    /// `Credentials.Expiration`.
    pub expiration: String,
}

/// Reads an `AssumeRole` answer: its `Credentials` with all four members, or the error.
pub fn parse_assume_role_answer(http_status: u16, body: &[u8], secrets: &[&str]) -> Result<AssumedRole, Error> {
    // A 2xx answer holds fresh secrets, whole or cut short: none of it is quoted in an error.
    let members = read_api_answer(http_status, body, secrets).map_err(|error| match error {
        Error::Response(mut e) if (200..300).contains(&e.http_status) => {
            e.excerpt.clear();
            Error::Response(e)
        }
        other => other,
    })?;
    let credentials = members.iter().find_map(|(key, value)| match value {
        Value::Object(inner) if key == "Credentials" => Some(inner),
        _ => None,
    });
    let field = |name: &str| {
        credentials?.iter().find_map(|(key, value)| match value {
            Value::String(text) if key == name => Some(text.clone()),
            _ => None,
        })
    };
    match (field("AccessKeyId"), field("AccessKeySecret"), field("SecurityToken"), field("Expiration")) {
        (Some(id), Some(secret), Some(token), Some(expiration)) => {
            Ok(AssumedRole { credentials: Credentials::new(id, secret, Some(token)), expiration })
        }
        _ => {
            Err(Error::Response(ResponseError { http_status, problem: ResponseProblem::MissingField("Credentials"), excerpt: String::new() }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> AssumeRole {
        AssumeRole {
            role_arn: "acs:ram::123456789012****:role/adminrole".into(),
            role_session_name: "alice".into(),
            policy: None,
            duration_seconds: None,
            external_id: None,
        }
    }

    #[test]
    fn the_documented_examples_pass_and_go_in_the_query() {
        let role = AssumeRole {
            policy: Some(r#"{"Statement": [{"Action": ["*"],"Effect": "Allow","Resource": ["*"]}],"Version":"1"}"#.into()),
            duration_seconds: Some(duration_seconds(3600.0).unwrap()),
            external_id: Some("abcd1234".into()),
            ..valid()
        };
        let request = role.request().unwrap();
        assert_eq!((request.action, request.version), ("AssumeRole", "2015-04-01"));
        let names: Vec<&str> = request.query.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["RoleArn", "RoleSessionName", "DurationSeconds", "ExternalId", "Policy"]);
        assert!(request.body.is_empty());
    }

    #[test]
    fn each_parameter_is_checked_before_sending() {
        let field = |role: AssumeRole| match role.validate() {
            Err(Error::Input(e)) => e.field.into_owned(),
            other => panic!("{other:?}"),
        };
        for arn in ["", "acs:ram::12:user/x", "acs:ram:cn:12:role/x", "acs:ram::12:role/", "acs:ram::ab:role/x", "acs:ram::12:role/a b"] {
            assert_eq!(field(AssumeRole { role_arn: arn.into(), ..valid() }), "roleArn", "{arn}");
        }
        for name in ["a", &"a".repeat(65), "al ice", "alice!", "中文"] {
            assert_eq!(field(AssumeRole { role_session_name: name.into(), ..valid() }), "roleSessionName", "{name}");
        }
        assert!(AssumeRole { role_session_name: "a.b@c-d_e".into(), ..valid() }.validate().is_ok());
        assert!(AssumeRole { role_session_name: "x".repeat(64), ..valid() }.validate().is_ok());
        for policy in ["", "not json", "[]", &format!("{{\"a\":\"{}\"}}", "x".repeat(2048))] {
            assert_eq!(field(AssumeRole { policy: Some(policy.into()), ..valid() }), "policy", "{policy}");
        }
        for id in ["a", "a b", &"a".repeat(1225)] {
            assert_eq!(field(AssumeRole { external_id: Some(id.into()), ..valid() }), "externalId");
        }
        for seconds in [899.0, 43_201.0, 1000.5, f64::NAN] {
            assert!(duration_seconds(seconds).is_err(), "{seconds}");
        }
        assert_eq!(duration_seconds(900.0).unwrap(), "900");
        assert_eq!(duration_seconds(43_200.0).unwrap(), "43200");
    }

    #[test]
    fn the_answer_gives_credentials_or_a_response_error() {
        // Source: AssumeRoleResponseBody's examples.
        let body = br#"{"RequestId":"6894B13B-6D71-4EF5-88FA-F32781734A7F","AssumedRoleUser":{"Arn":"acs:ram::123456789012****:role/adminrole/alice","AssumedRoleId":"34458433936495****:alice"},"Credentials":{"SecurityToken":"********","Expiration":"2015-04-09T11:52:19Z","AccessKeySecret":"wyLTSmsyPGP1ohvvw8xYgB29dlGI8KMiH2pK****","AccessKeyId":"STS.L4aBSCSJVMuKg5U1****"}}"#;
        let answer = parse_assume_role_answer(200, body, &[]).unwrap();
        assert_eq!(answer.credentials, Credentials::new("STS.L4aBSCSJVMuKg5U1****", "wyLTSmsyPGP1ohvvw8xYgB29dlGI8KMiH2pK****", Some("********".into())));
        assert_eq!(answer.expiration, "2015-04-09T11:52:19Z");

        let partial = br#"{"RequestId":"r","Credentials":{"AccessKeyId":"STS.x","AccessKeySecret":"leaked-secret"}}"#;
        let error = parse_assume_role_answer(200, partial, &[]).unwrap_err();
        assert_eq!(error.code(), "MalformedResponse");
        assert!(!error.to_string().contains("leaked-secret"), "{error}");

        let truncated = br#"{"RequestId":"r","Credentials":{"AccessKeySecret":"leaked-secret"#;
        let error = parse_assume_role_answer(200, truncated, &[]).unwrap_err();
        assert_eq!(error.code(), "MalformedResponse");
        assert!(!error.to_string().contains("leaked"), "{error}");

        let denied = br#"{"RequestId":"r","Code":"NoPermission","Message":"You are not authorized to do this action."}"#;
        assert_eq!(parse_assume_role_answer(403, denied, &[]).unwrap_err().code(), "NoPermission");
    }
}
