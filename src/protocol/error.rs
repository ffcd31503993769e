//! The one error type of the library. Its kinds are the `kind` values of the JS `GpdbError`.


use std::fmt;
use std::borrow::Cow;


/// Everything that can go wrong, from bad input to a garbled response.
///
/// The pure core builds `Input`, `Credentials`, `Api` and `Response`; the runtime layer adds
/// `Network`, `Timeout` and `Aborted`. No variant ever holds a secret value.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// An option is missing, of the wrong type or malformed. Nothing was sent.
    Input(InputError),
    /// The credentials (or the provider that returns them) are missing or malformed. Nothing was sent.
    Credentials(InputError),
    /// Alibaba Cloud answered with an error (`Code`, `Message`, ...), or a 2xx with `Status: "fail"`.
    /// Boxed: it is the largest variant, and every `Result` of the crate carries this type.
    Api(Box<ApiError>),
    /// The answer could not be understood: not JSON, truncated, too large, fields missing.
    Response(ResponseError),
    /// `fetch` itself failed: DNS, refused or reset connection, CORS.
    Network {
        /// The platform's description, with secrets removed.
        message: String,
    },
    /// One attempt took longer than `timeoutMs`.
    Timeout {
        /// The per-attempt limit that was exceeded.
        after_ms: u32,
    },
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// The runtime lacks what signing needs: `crypto.getRandomValues` failed, or the module was
    /// loaded without its entry file. Nothing was sent, and sending again will not help.
    Environment(EnvironmentProblem),
}

/// What the runtime lacks.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvironmentProblem {
    /// `crypto.getRandomValues` threw: no nonce can be drawn.
    NoRandomness,
    /// The wasm module was used without the entry file that installs its JS glue.
    NotInstalled,
}

impl Error {
    /// The JS `GpdbError.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Input(_) => "input",
            Error::Credentials(_) => "credentials",
            Error::Api(_) => "api",
            Error::Response(_) => "response",
            Error::Network { .. } => "network",
            Error::Timeout { .. } => "timeout",
            Error::Aborted => "aborted",
            Error::Environment(_) => "environment",
        }
    }

    /// Alibaba's `Code` for API errors, a stable local code otherwise.
    pub fn code(&self) -> &str {
        match self {
            Error::Input(e) | Error::Credentials(e) => e.problem.code(),
            Error::Api(e) => &e.code,
            Error::Response(e) => e.problem.code(),
            Error::Network { .. } => "NetworkError",
            Error::Timeout { .. } => "Timeout",
            Error::Aborted => "Aborted",
            Error::Environment(EnvironmentProblem::NoRandomness) => "NoRandomness",
            Error::Environment(EnvironmentProblem::NotInstalled) => "NotInstalled",
        }
    }

    /// Whether the same request, signed again, may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            Error::Input(_) | Error::Credentials(_) | Error::Aborted | Error::Environment(_) => false,
            Error::Api(e) => e.retryable(),
            Error::Response(e) => is_retryable_status(e.http_status),
            Error::Network { .. } | Error::Timeout { .. } => true,
        }
    }

    /// The HTTP status of the answer, where there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.http_status),
            Error::Response(e) => Some(e.http_status),
            _ => None,
        }
    }

    pub(crate) fn credentials(field: &'static str, problem: InputProblem) -> Self {
        Error::Credentials(InputError { field: Cow::Borrowed(field), problem })
    }

    pub(crate) fn input(field: &'static str, problem: InputProblem) -> Self {
        Error::Input(InputError { field: Cow::Borrowed(field), problem })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(e) | Error::Credentials(e) => e.fmt(f),
            Error::Api(e) => e.fmt(f),
            Error::Response(e) => e.fmt(f),
            Error::Network { message } => write!(f, "network error: {message}"),
            Error::Timeout { after_ms } => write!(f, "no response within {after_ms} ms"),
            Error::Aborted => f.write_str("the request was aborted"),
            Error::Environment(EnvironmentProblem::NoRandomness) => {
                f.write_str("crypto.getRandomValues failed: no random signature nonce could be drawn")
            }
            Error::Environment(EnvironmentProblem::NotInstalled) => {
                f.write_str("gpdb-edge's WebAssembly was loaded without its entry file")
            }
        }
    }
}

impl std::error::Error for Error {}

/// A problem with one named option. The message names the field and never echoes its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The option's name as JS callers write it, e.g. `dbInstanceId` or `credentials.accessKeyId`.
    pub field: Cow<'static, str>,
    /// What is wrong with it.
    pub problem: InputProblem,
}

/// What is wrong with an option.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputProblem {
    /// Required and absent (`undefined`; `null` is a wrong type).
    Missing,
    /// Empty, or only whitespace.
    Blank,
    /// Holds a control character (C0, DEL or C1) at this character index.
    ControlCharacter {
        /// Index of the first control character, in characters.
        index: usize,
    },
    /// Holds a lone UTF-16 surrogate, which has no UTF-8 form and cannot be signed.
    LoneSurrogate,
    /// Longer than allowed.
    TooLong {
        /// Length in UTF-8 bytes.
        len: usize,
        /// The limit in UTF-8 bytes.
        max: usize,
    },
    /// Does not have the expected shape.
    Malformed {
        /// What shape was expected.
        expected: &'static str,
    },
    /// Of the wrong JS type.
    WrongType {
        /// The expected type, e.g. `a string`.
        expected: &'static str,
        /// The type that was given, e.g. `number`.
        found: &'static str,
    },
    /// Not an option of this operation.
    UnknownOption {
        /// The option the caller probably meant.
        did_you_mean: Option<&'static str>,
    },
    /// The credentials provider threw or rejected.
    ProviderFailed,
    /// No credentials were given, and the environment has none.
    NoCredentials,
    /// An `http://` URL to a host that is not loopback, without `allowInsecureHttp: true`.
    CleartextHttp,
    /// The runtime refused to let the environment be read (Deno without `--allow-env`).
    EnvironmentDenied {
        /// The variable that could not be read.
        variable: &'static str,
    },
}

impl InputProblem {
    /// The stable local error code.
    pub fn code(&self) -> &'static str {
        match self {
            InputProblem::Missing => "MissingParameter",
            InputProblem::Blank => "EmptyParameter",
            InputProblem::ControlCharacter { .. } | InputProblem::LoneSurrogate => "InvalidCharacter",
            InputProblem::TooLong { .. } => "ParameterTooLong",
            InputProblem::Malformed { .. } => "MalformedParameter",
            InputProblem::WrongType { .. } => "InvalidType",
            InputProblem::UnknownOption { .. } => "UnknownOption",
            InputProblem::ProviderFailed => "CredentialsProviderFailed",
            InputProblem::NoCredentials => "MissingParameter",
            InputProblem::EnvironmentDenied { .. } => "EnvironmentDenied",
            InputProblem::CleartextHttp => "InsecureEndpoint",
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &self.field;
        match &self.problem {
            InputProblem::Missing => write!(f, "{field} is required"),
            InputProblem::Blank => write!(f, "{field} must not be empty or only whitespace"),
            InputProblem::ControlCharacter { index } => write!(f, "{field} contains a control character at index {index}"),
            InputProblem::LoneSurrogate => write!(f, "{field} contains a lone UTF-16 surrogate, which cannot be encoded"),
            InputProblem::TooLong { len, max } => write!(f, "{field} is {len} bytes long; the limit is {max} bytes"),
            InputProblem::Malformed { expected } => write!(f, "{field} is malformed: expected {expected}"),
            InputProblem::WrongType { expected, found } => write!(f, "{field} must be {expected}, not {found}"),
            InputProblem::UnknownOption { did_you_mean: Some(name) } => write!(f, "unknown option {field}: did you mean {name}?"),
            InputProblem::UnknownOption { did_you_mean: None } => write!(f, "unknown option {field}"),
            InputProblem::ProviderFailed => write!(f, "{field} provider failed (see cause)"),
            InputProblem::NoCredentials => write!(
                f,
                "{field} is required: pass credentials, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET in the environment (Node.js, Bun, Deno)"
            ),
            InputProblem::CleartextHttp => write!(
                f,
                "{field} is http:// to a host that is not loopback (localhost, 127.0.0.0/8, [::1]): the STS token, the namespace password and the signature would cross the network in cleartext; use https://, or pass allowInsecureHttp: true to send in cleartext anyway"
            ),
            InputProblem::EnvironmentDenied { variable } => write!(
                f,
                "{field} were not given, and reading {variable} from the environment was denied (Deno: --allow-env={variable},ALIBABA_CLOUD_ACCESS_KEY_SECRET,ALIBABA_CLOUD_SECURITY_TOKEN)"
            ),
        }
    }
}

/// An error answer from Alibaba Cloud: `{RequestId, HostId, Code, Message, Recommend}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// Alibaba's `Code`, e.g. `SignatureDoesNotMatch`, or `OperationFailed` for `Status: "fail"`.
    pub code: String,
    /// Alibaba's `Message`, with secrets removed.
    pub message: String,
    /// `RequestId`, to quote to support.
    pub request_id: Option<String>,
    /// `HostId`.
    pub host_id: Option<String>,
    /// `Recommend`: a diagnosis link.
    pub recommend: Option<String>,
    /// The HTTP status.
    pub http_status: u16,
}

impl ApiError {
    /// Throttling, `ServiceUnavailable`, `InternalError` and 5xx may succeed when sent again;
    /// signature, permission and parameter errors never do.
    pub fn retryable(&self) -> bool {
        let code = self.code.as_str();
        if code.starts_with("Throttling") || code == "ServiceUnavailable" || code == "InternalError" {
            return true;
        }
        const NEVER: [&str; 8] =
            ["Signature", "InvalidAccessKey", "Forbidden", "NoPermission", "InvalidParameter", "MissingParameter", "InvalidTimeStamp", "IllegalTimestamp"];
        if NEVER.iter().any(|prefix| code.starts_with(prefix)) {
            return false;
        }
        is_retryable_status(self.http_status)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        match &self.request_id {
            Some(id) => write!(f, " (RequestId {id})"),
            None => Ok(()),
        }
    }
}

/// An answer that is not what the API returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseError {
    /// The HTTP status.
    pub http_status: u16,
    /// What is wrong with the answer.
    pub problem: ResponseProblem,
    /// The first characters of the body, control characters and secrets removed.
    pub excerpt: String,
}

/// What is wrong with an answer.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseProblem {
    /// The body is empty.
    Empty,
    /// The body is not a JSON object (an HTML page from a proxy, say), or is cut short.
    NotJson,
    /// A JSON object without the field the API always sends.
    MissingField(&'static str),
    /// `Status` is neither `success` nor `fail`.
    UnknownStatus,
    /// The JSON names a key twice (`{"Status":"success",…,"Status":"fail"}`), or a field in both
    /// of its spellings (`Status` and `status`): readers disagree on what it says.
    Ambiguous,
    /// The endpoint answered with a redirect, which is never followed: a proxy in front of the
    /// API must pass its answers through.
    Redirect {
        /// The host (and port) of `Location`, when there is one and it can be read; never its
        /// path or query.
        location_host: Option<String>,
    },
    /// The body is larger than the read limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

impl ResponseProblem {
    /// The stable local error code.
    pub fn code(&self) -> &'static str {
        match self {
            ResponseProblem::TooLarge { .. } => "ResponseTooLarge",
            ResponseProblem::Ambiguous => "AmbiguousResponse",
            ResponseProblem::Redirect { .. } => "RedirectRefused",
            _ => "MalformedResponse",
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", u32::from(self.http_status))?; // u32: one integer formatter (timestamp.rs)
        match &self.problem {
            ResponseProblem::Empty => f.write_str(" with an empty body")?,
            ResponseProblem::NotJson => f.write_str(" with a body that is not a JSON object")?,
            ResponseProblem::MissingField(name) => write!(f, " answer has no {name}")?,
            ResponseProblem::UnknownStatus => f.write_str(" answer has an unknown Status")?,
            ResponseProblem::TooLarge { limit } => write!(f, " answer is larger than {limit} bytes")?,
            ResponseProblem::Ambiguous => {
                f.write_str(" answer is ambiguous: it names a field twice, and readers disagree on which one counts")?
            }
            ResponseProblem::Redirect { location_host } => {
                match location_host {
                    Some(host) => write!(f, " redirect to {host} refused")?,
                    None => f.write_str(" redirect refused")?,
                }
                f.write_str(": gpdb-edge never follows redirects, so nothing was sent there (a proxy in front of the API must pass its answers through)")?
            }
        }
        if self.excerpt.is_empty() {
            return Ok(());
        }
        // The excerpt has no control characters left, so plain quotes are unambiguous.
        write!(f, ": \"{}\"", self.excerpt)
    }
}

/// 429 and the 5xx that gateways use for transient trouble.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

#[cfg(test)]
mod error_codes {
    //! The Rust errors against src/error-codes.json, the one list of the codes each kind can
    //! carry (also checked against the glue, the entries, index.d.ts and the README by
    //! tests/types/error-codes.test.mjs).
    use super::*;
    use crate::protocol::json::{parse_object, Value};
    use std::collections::BTreeSet;

    const LIST: &str = include_str!("../error-codes.json");

    /// (kind, code, raised by Rust) for every code in the list.
    fn listed() -> Vec<(String, String, bool)> {
        let members = |value: &Value| match value {
            Value::Object(members) => members.clone(),
            _ => panic!("src/error-codes.json: expected an object"),
        };
        let root = parse_object(LIST).expect("src/error-codes.json is not a JSON object");
        let kinds = root.iter().find(|(key, _)| key == "kinds").map(|(_, kinds)| members(kinds)).expect("no \"kinds\"");
        let mut codes = Vec::new();
        for (kind, entry) in kinds {
            let (_, listed) = members(&entry).into_iter().find(|(key, _)| key == "codes").expect("a kind without \"codes\"");
            for (code, from) in members(&listed) {
                let Value::String(from) = from else { panic!("src/error-codes.json: {kind}.{code}: expected a string") };
                codes.push((kind.clone(), code, from.split(' ').any(|place| place == "rust")));
            }
        }
        codes
    }

    /// Every variant's leaf, numbered: the exhaustive match makes a new variant a compile error
    /// here; give it a number, raise LEAVES and add an example to `one_of_each`.
    const LEAVES: usize = 19;
    fn leaf(error: &Error) -> usize {
        let problem = |problem: &InputProblem| match problem {
            InputProblem::Missing => 0,
            InputProblem::Blank => 1,
            InputProblem::ControlCharacter { .. } => 2,
            InputProblem::LoneSurrogate => 3,
            InputProblem::TooLong { .. } => 4,
            InputProblem::Malformed { .. } => 5,
            InputProblem::WrongType { .. } => 6,
            InputProblem::UnknownOption { .. } => 7,
            InputProblem::ProviderFailed => 8,
            InputProblem::NoCredentials => 9,
            InputProblem::EnvironmentDenied { .. } => 10,
            InputProblem::CleartextHttp => 16,
        };
        match error {
            Error::Input(e) | Error::Credentials(e) => problem(&e.problem),
            Error::Api(_) => 11,
            Error::Response(e) => match e.problem {
                ResponseProblem::Empty | ResponseProblem::NotJson | ResponseProblem::MissingField(_) | ResponseProblem::UnknownStatus => 12,
                ResponseProblem::TooLarge { .. } => 13,
                ResponseProblem::Ambiguous => 17,
                ResponseProblem::Redirect { .. } => 18,
            },
            Error::Network { .. } | Error::Timeout { .. } | Error::Aborted => 14,
            Error::Environment(EnvironmentProblem::NoRandomness | EnvironmentProblem::NotInstalled) => 15,
        }
    }

    /// One error of each variant, each under the kinds the runtime raises it as.
    fn one_of_each() -> Vec<Error> {
        let input_problems = || {
            vec![
                InputProblem::Missing,
                InputProblem::Blank,
                InputProblem::ControlCharacter { index: 0 },
                InputProblem::LoneSurrogate,
                InputProblem::TooLong { len: 2, max: 1 },
                InputProblem::Malformed { expected: "x" },
                InputProblem::WrongType { expected: "a string", found: "number" },
                InputProblem::UnknownOption { did_you_mean: None },
            ]
        };
        let credentials_only =
            [InputProblem::ProviderFailed, InputProblem::NoCredentials, InputProblem::EnvironmentDenied { variable: "X" }];
        let response = |problem| Error::Response(ResponseError { http_status: 200, problem, excerpt: String::new() });
        let mut errors: Vec<Error> = input_problems().into_iter().map(|p| Error::input("field", p)).collect();
        errors.push(Error::input("endpoint", InputProblem::CleartextHttp));
        errors.extend(input_problems().into_iter().chain(credentials_only).map(|p| Error::credentials("credentials", p)));
        errors.extend([
            Error::Api(Box::new(ApiError {
                code: crate::protocol::response::OPERATION_FAILED.into(),
                message: String::new(),
                request_id: None,
                host_id: None,
                recommend: None,
                http_status: 200,
            })),
            response(ResponseProblem::Empty),
            response(ResponseProblem::NotJson),
            response(ResponseProblem::MissingField("RequestId")),
            response(ResponseProblem::UnknownStatus),
            response(ResponseProblem::TooLarge { limit: 1 }),
            response(ResponseProblem::Ambiguous),
            response(ResponseProblem::Redirect { location_host: None }),
            Error::Network { message: String::new() },
            Error::Timeout { after_ms: 1 },
            Error::Aborted,
            Error::Environment(EnvironmentProblem::NoRandomness),
            Error::Environment(EnvironmentProblem::NotInstalled),
        ]);
        errors
    }

    #[test]
    fn every_variant_has_an_example() {
        let covered: BTreeSet<usize> = one_of_each().iter().map(leaf).collect();
        let missing: Vec<usize> = (0..LEAVES).filter(|leaf| !covered.contains(leaf)).collect();
        assert!(missing.is_empty(), "one_of_each() has no example of leaf {missing:?} of fn leaf: add one");
    }

    #[test]
    fn rust_codes_are_the_listed_ones() {
        let listed = listed();
        let raised: BTreeSet<(String, String)> = one_of_each().iter().map(|e| (e.kind().to_owned(), e.code().to_owned())).collect();
        let mut problems = Vec::new();
        for (kind, code) in &raised {
            if !listed.iter().any(|(k, c, rust)| k == kind && c == code && *rust) {
                problems.push(format!("Rust raises kind {kind:?} code {code:?}: add \"{code}\": \"rust\" under kinds.{kind}.codes in src/error-codes.json (or add \"rust\" to its places)"));
            }
        }
        for (kind, code, rust) in &listed {
            if *rust && !raised.contains(&(kind.clone(), code.clone())) {
                problems.push(format!("src/error-codes.json lists kinds.{kind}.codes.{code} as raised by Rust, but no Rust error has that kind and code (src/protocol/error.rs)"));
            }
        }
        assert!(problems.is_empty(), "error codes out of step:\n{}", problems.join("\n"));
    }
}
