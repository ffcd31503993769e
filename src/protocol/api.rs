//! Any Alibaba Cloud RPC action: its name, its API version and its parameters, checked, as the
//! signer takes them. The job operations ([`super::job`]) and STS AssumeRole ([`super::sts`]) are
//! requests of this shape too: one builder, one signer.
//!
//! Source: help.aliyun.com/document_detail/28839.html ("Common parameters": `Action`, `Version`,
//! the signature's and the credentials' parameters, which the signer alone sets).

use std::borrow::Cow;
use std::fmt;

use super::error::{Error, InputError, InputProblem};
use super::redact::MASK;

/// The longest parameter value accepted, in UTF-8 bytes. Values beyond a few kilobytes belong in
/// the form body; this bounds what a mistaken caller can make the signer hash.
pub const MAX_PARAMETER_BYTES: usize = 1024 * 1024;
/// The longest action or parameter name accepted.
pub const MAX_NAME_BYTES: usize = 128;
/// Parameters whose values are secrets unless the caller says so: redacted from every error.
pub const DEFAULT_SECRET_PARAMETERS: [&str; 2] = ["NamespacePassword", "Password"];

/// The common parameters of signature V2 (and their meaning in V3's `x-acs-*` headers): the
/// signer sets them, so a caller's parameter of that name is refused, not silently overwritten.
const COMMON_PARAMETERS: [&str; 11] = [
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureType",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// One RPC request before signing: `Action`, `Version`, and the parameters of the query string
/// and of the `application/x-www-form-urlencoded` body, in the order they are sent.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiRequest<'a> {
    /// `Action`, e.g. `AssumeRole`.
    pub action: &'a str,
    /// `Version`, the API's date, e.g. `2015-04-01`.
    pub version: &'a str,
    /// Parameters of the query string.
    pub query: Vec<(&'a str, &'a str)>,
    /// Parameters of the form body.
    pub body: Vec<(&'a str, &'a str)>,
}

// Every value is masked: which parameters a caller marked secret is not known here, and a
// request's values are the caller's own (Debug shows the names and the shape).
impl fmt::Debug for ApiRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |params: &[(&'_ str, &'_ str)]| params.iter().map(|(name, _)| (name.to_string(), MASK)).collect::<Vec<_>>();
        f.debug_struct("ApiRequest")
            .field("action", &self.action)
            .field("version", &self.version)
            .field("query", &masked(&self.query))
            .field("body", &masked(&self.body))
            .finish()
    }
}

impl<'a> ApiRequest<'a> {
    /// Checks the action, the version and every parameter name; values may be anything, empty
    /// included, up to [`MAX_PARAMETER_BYTES`].
    pub fn validate(&self) -> Result<(), Error> {
        let action = self.action.as_bytes();
        let action_ok = !action.is_empty()
            && action.len() <= MAX_NAME_BYTES
            && action[0].is_ascii_alphabetic()
            && action.iter().all(u8::is_ascii_alphanumeric);
        if !action_ok {
            return Err(Error::input("action", InputProblem::Malformed { expected: "an action name of ASCII letters and digits, such as AssumeRole" }));
        }
        if !is_api_version(self.version) {
            return Err(Error::input("version", InputProblem::Malformed { expected: "the API version as YYYY-MM-DD, such as 2015-04-01" }));
        }
        for (place, params, others) in [("query", &self.query, &self.body), ("body", &self.body, &self.query)] {
            for (at, (name, value)) in params.iter().enumerate() {
                let field = || -> Cow<'static, str> { format!("{place}.{name}").into() };
                let problem = if !is_parameter_name(name) {
                    // The name itself is what is wrong: the field is the object, not the name.
                    return Err(Error::Input(InputError {
                        field: place.into(),
                        problem: InputProblem::Malformed {
                            expected: "parameter names of ASCII letters, digits, '.', '_' and '-', such as Tag.1.Key (at most 128)",
                        },
                    }));
                } else if COMMON_PARAMETERS.contains(name) {
                    InputProblem::Malformed { expected: "no common parameter: Action, Version, Timestamp, the signature's and the credentials' parameters are set by the signer" }
                } else if params[..at].iter().any(|(n, _)| n == name) || (place == "body" && others.iter().any(|(n, _)| n == name)) {
                    InputProblem::Malformed { expected: "each parameter once, in query or in body" }
                } else if value.len() > MAX_PARAMETER_BYTES {
                    InputProblem::TooLong { len: value.len(), max: MAX_PARAMETER_BYTES }
                } else {
                    continue;
                };
                return Err(Error::Input(InputError { field: field(), problem }));
            }
        }
        Ok(())
    }

    /// The values of the parameters named in `secret_names` or [`DEFAULT_SECRET_PARAMETERS`]:
    /// what the attempt loop redacts from errors.
    pub fn secret_values(&self, secret_names: &[String]) -> Vec<&'a str> {
        let is_secret = |name: &str| DEFAULT_SECRET_PARAMETERS.contains(&name) || secret_names.iter().any(|n| n == name);
        self.query.iter().chain(&self.body).filter(|(name, _)| is_secret(name)).map(|(_, value)| *value).collect()
    }
}

/// `YYYY-MM-DD` with a month from 01 to 12 and a day from 01 to 31.
fn is_api_version(version: &str) -> bool {
    let b = version.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let number = |range: std::ops::Range<usize>| b[range].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    b.len() == 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
}

/// Letters, digits, `.`, `_` and `-`, starting with a letter or digit: the names Alibaba's APIs
/// use, flat keys such as `Tag.1.Key` included.
fn is_parameter_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_NAME_BYTES
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(query: Vec<(&'a str, &'a str)>, body: Vec<(&'a str, &'a str)>) -> ApiRequest<'a> {
        ApiRequest { action: "AssumeRole", version: "2015-04-01", query, body }
    }

    fn problem(request: &ApiRequest<'_>) -> (String, &'static str) {
        let error = request.validate().unwrap_err();
        (error.to_string(), error.code().to_owned().leak())
    }

    #[test]
    fn debug_masks_every_value() {
        let shown = format!("{:?}", request(vec![("RegionId", "cn-hangzhou")], vec![("NamespacePassword", "pass word"), ("Token", "t0k")]));
        assert!(shown.contains("NamespacePassword") && shown.contains("***"), "{shown}");
        for value in ["cn-hangzhou", "pass word", "t0k"] {
            assert!(!shown.contains(value), "{value} in {shown}");
        }
    }

    #[test]
    fn accepts_flat_keys_empty_values_and_any_text() {
        let valid = request(vec![("Tag.1.Key", ""), ("x_y-z", "中文 &=+%")], vec![("Body", "😀")]);
        assert_eq!(valid.validate(), Ok(()));
    }

    #[test]
    fn refuses_bad_actions_versions_and_names() {
        for action in ["", "Assume Role", "1Action", "A-B", &"A".repeat(129)] {
            let r = ApiRequest { action, ..request(vec![], vec![]) };
            assert_eq!(problem(&r).1, "MalformedParameter", "{action}");
        }
        for version in ["2015-4-01", "2015-13-01", "2015-04-32", "2015-04-00", "15-04-01", "2015_04_01", "2015-04-01 "] {
            let r = ApiRequest { version, ..request(vec![], vec![]) };
            assert!(problem(&r).0.starts_with("version is malformed"), "{version}");
        }
        for name in ["", "a b", "a=b", "é", ".a", "a&b"] {
            assert!(problem(&request(vec![(name, "v")], vec![])).0.starts_with("query is malformed"), "{name:?}");
        }
        assert!(problem(&request(vec![], vec![("Action", "x")])).0.starts_with("body.Action is malformed: expected no common parameter"));
        assert!(problem(&request(vec![("A", "1")], vec![("A", "2")])).0.starts_with("body.A is malformed: expected each parameter once"));
        let long = "x".repeat(MAX_PARAMETER_BYTES + 1);
        assert_eq!(problem(&request(vec![("A", &long)], vec![])).1, "ParameterTooLong");
    }

    #[test]
    fn secrets_are_the_named_parameters_and_the_default_ones() {
        let r = request(vec![("Token", "t0k"), ("Name", "n")], vec![("Password", "pw"), ("NamespacePassword", "npw")]);
        assert_eq!(r.secret_values(&["Token".to_owned()]), ["t0k", "pw", "npw"]);
    }
}
