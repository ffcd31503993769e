//! Reading the JS options object of each exported function into protocol types. Unknown keys
//! are errors, with a hint for Alibaba's own parameter names.
//!
//! Each call's option names are listed once, below; a new option of every sending call is one
//! name in `sending!` and one line in [`read_send`].

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::credentials::CredentialsSource;
use super::from_js::{
    credentials, input, option_names, optional_number, optional_string, optional_time, plain_object, required_string,
    string_value, unknown_option, unreadable, wrong_type, OptionNames, Options,
};
use super::js_imports::glue;
use super::rejection::Rejection;
use crate::protocol::api::DEFAULT_SECRET_PARAMETERS;
use crate::protocol::retry::{RetryPolicy, DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT};
use crate::protocol::sts::{self, AssumeRole};
use crate::protocol::{
    Credentials, Destination, Endpoint, Error, InputError, InputProblem, SignatureVersion, UploadDocumentJobParameters,
};

/// Per-attempt timeout unless the caller says otherwise.
const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// setTimeout's largest delay.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

// The options of every sending call (where and how to send), then each call's own.
macro_rules! sending {
    ($($name:literal),* $(,)?) => {
        option_names!["credentials", "endpoint", "proxyUrl", "allowInsecureHttp", "signatureVersion", "signal", "timeoutMs", "maxRetries", $($name),*]
    };
}
macro_rules! job {
    ($($name:literal),* $(,)?) => { sending!["regionId", "dbInstanceId", "namespace", "collection", "namespacePassword", "jobId", $($name),*] };
}
macro_rules! api {
    ($($name:literal),* $(,)?) => { sending!["action", "version", "query", "body", "secrets", "idempotent", $($name),*] };
}
const SIGN_ONLY: [&str; 2] = ["timestamp", "nonce"];
pub(crate) const JOB_SEND: OptionNames = job![];
pub(crate) const JOB_SIGN: OptionNames = job!["timestamp", "nonce"];
pub(crate) const API_SEND: OptionNames = api![];
pub(crate) const API_SIGN: OptionNames = api!["timestamp", "nonce"];
pub(crate) const ASSUME_ROLE: OptionNames = sending!["roleArn", "roleSessionName", "policy", "durationSeconds", "externalId"];

/// Where and how a call sends: read and checked.
pub(crate) struct SendCall {
    pub(crate) credentials: CredentialsSource,
    pub(crate) destination: Destination,
    pub(crate) version: SignatureVersion,
    pub(crate) signal: JsValue,
    pub(crate) timeout_ms: u32,
    pub(crate) max_retries: u32,
}

/// What a sign call takes besides the request: static credentials and optional fixed time and nonce.
pub(crate) struct SignCall {
    pub(crate) credentials: Credentials,
    pub(crate) destination: Destination,
    pub(crate) version: SignatureVersion,
    pub(crate) timestamp_ms: Option<f64>,
    pub(crate) nonce: Option<String>,
}

/// `callApi`'s own options: the action and its parameters, owned.
pub(crate) struct ApiCall {
    pub(crate) action: String,
    pub(crate) version: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Vec<(String, String)>,
    pub(crate) secret_names: Vec<String>,
    pub(crate) policy: RetryPolicy,
}

impl ApiCall {
    /// The request the signer takes, borrowing these parameters.
    pub(crate) fn request(&self) -> crate::protocol::ApiRequest<'_> {
        fn pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
            params.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
        }
        crate::protocol::ApiRequest { action: &self.action, version: &self.version, query: pairs(&self.query), body: pairs(&self.body) }
    }
}

/// Reads the options object of a sending call: its own options (`names`) are the caller's to read.
pub(crate) fn read(options: &JsValue, names: &'static OptionNames) -> Result<Options, Rejection> {
    let (object, unknown) = Options::read(options, names, "options", "an options object", input)?;
    let Some(key) = unknown else { return Ok(object) };
    if SIGN_ONLY.contains(&key.as_str()) && !names.fields.contains(&key.as_str()) {
        let expected = "no timestamp or nonce here: every attempt is signed afresh (they are options of the sign functions)";
        return Err(Error::Input(InputError { field: key.into(), problem: InputProblem::Malformed { expected } }).into());
    }
    if (names.fields.contains(&"query")) && key.starts_with(|c: char| c.is_ascii_uppercase()) {
        let expected = "the API's parameters in query or body, e.g. { query: { RoleArn }, body: { } }";
        return Err(Error::Input(InputError { field: key.into(), problem: InputProblem::Malformed { expected } }).into());
    }
    Err(unknown_option("", &key, names, Error::Input))
}

/// Where and how to send; `default_endpoint` when the caller names none (`None`: the caller must).
pub(crate) fn read_send(options: &Options, default_endpoint: impl FnOnce() -> Result<Option<Endpoint>, Error>) -> Result<SendCall, Rejection> {
    Ok(SendCall {
        destination: read_destination(options, default_endpoint)?,
        version: read_signature_version(options)?,
        credentials: CredentialsSource::read(options.get("credentials"))?,
        signal: read_signal(options)?,
        timeout_ms: read_timeout(options)?,
        max_retries: read_max_retries(options)?,
    })
}

/// What a sign call takes besides [`read_send`]'s options (one options object serves both
/// calls): credentials that are not a provider, and the fixed time and nonce.
pub(crate) fn read_sign(options: &Options, send: SendCall) -> Result<SignCall, Rejection> {
    let credentials = match send.credentials {
        CredentialsSource::Static(credentials) => credentials,
        CredentialsSource::Provider(_) => {
            let problem = InputProblem::WrongType { expected: "a credentials object (signing is synchronous)", found: "a function" };
            return Err(credentials("credentials", problem));
        }
    };
    let timestamp_ms = optional_time(options, "timestamp")?;
    let nonce = optional_string(options, "nonce")?;
    Ok(SignCall { credentials, destination: send.destination, version: send.version, timestamp_ms, nonce })
}

/// The job's parameters, checked.
pub(crate) fn read_job(options: &Options) -> Result<UploadDocumentJobParameters, Rejection> {
    let job = UploadDocumentJobParameters {
        region_id: required_string(options, "regionId")?,
        db_instance_id: required_string(options, "dbInstanceId")?,
        namespace: optional_string(options, "namespace")?,
        collection: required_string(options, "collection")?,
        namespace_password: required_string(options, "namespacePassword")?,
        job_id: required_string(options, "jobId")?,
    };
    job.validate()?;
    Ok(job)
}

/// `callApi`'s action, version, parameters, secrets and retry policy, checked.
pub(crate) fn read_api(options: &Options) -> Result<ApiCall, Rejection> {
    let call = ApiCall {
        action: required_string(options, "action")?,
        version: required_string(options, "version")?,
        query: read_parameters(options, "query")?,
        body: read_parameters(options, "body")?,
        secret_names: read_secret_names(options)?,
        policy: match options.get("idempotent") {
            value if value.is_undefined() || value.is_null() => RetryPolicy::SurelyNotApplied,
            value => match value.as_bool() {
                Some(true) => RetryPolicy::Transient,
                Some(false) => RetryPolicy::SurelyNotApplied,
                None => return Err(input("idempotent", wrong_type("a boolean", &value))),
            },
        },
    };
    let request = call.request();
    request.validate()?;
    let given = |name: &String| request.query.iter().chain(&request.body).any(|(n, _)| n == name);
    if !call.secret_names.iter().all(given) {
        return Err(input("secrets", InputProblem::Malformed { expected: "names of parameters given in query or body" }));
    }
    // A secret never travels in the URL (proxies and servers log URLs): the RPC gateway reads a
    // parameter from the form body as from the query.
    let secret = |name: &str| DEFAULT_SECRET_PARAMETERS.contains(&name) || call.secret_names.iter().any(|s| s == name);
    if let Some((name, _)) = request.query.iter().find(|(name, _)| secret(name)) {
        let problem = InputProblem::Malformed { expected: "a secret parameter in body, never in query (the URL)" };
        return Err(Error::Input(InputError { field: format!("query.{name}").into(), problem }).into());
    }
    Ok(call)
}

/// `STS AssumeRole`'s parameters, checked, from `assumeRole`'s options.
pub(crate) fn read_assume_role(options: &Options) -> Result<AssumeRole, Rejection> {
    let policy = match options.get("policy") {
        value if value.is_undefined() || value.is_null() => None,
        value if value.is_string() => Some(string_value(&value, "policy", input)?),
        value if value.is_object() && !super::js_imports::is_array(&value).unwrap_or(true) => {
            // An object is sent as its JSON text.
            let text = js_sys::JSON::stringify(&value).ok().and_then(|text| text.as_string());
            Some(text.ok_or_else(|| input("policy", InputProblem::Malformed { expected: "a policy object that JSON.stringify can write" }))?)
        }
        value => return Err(input("policy", wrong_type("a policy object or its JSON text", &value))),
    };
    let role = AssumeRole {
        role_arn: required_string(options, "roleArn")?,
        role_session_name: required_string(options, "roleSessionName")?,
        policy,
        duration_seconds: optional_number(options, "durationSeconds")?.map(sts::duration_seconds).transpose()?,
        external_id: optional_string(options, "externalId")?,
    };
    role.validate()?;
    Ok(role)
}

// The parameters of `query` or `body`: strings, finite numbers and booleans, sent as their
// string form (a number as JavaScript's String(n) writes it: the glue's readParameters does).
fn read_parameters(options: &Options, field: &'static str) -> Result<Vec<(String, String)>, Rejection> {
    let value = options.get(field);
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let object = plain_object(&value, field, "an object of parameters", input)?;
    let pairs = glue()?.read_parameters(&object).map_err(|cause| unreadable(field, input, cause))?;
    let mut params = Vec::with_capacity(pairs.length() as usize / 2);
    for at in (0..pairs.length()).step_by(2) {
        let name = pairs.get(at).as_string().unwrap_or_default();
        let value = pairs.get(at + 1);
        if !value.is_string() {
            let expected = "a string, a finite number or a boolean: pass an object or an array as a JSON string (JSON.stringify) or as flat keys such as Tag.1.Key, whichever the API documents";
            return Err(named(input(field, wrong_type(expected, &value)), field, &name));
        }
        let text = string_value(&value, field, input).map_err(|r| named(r, field, &name))?;
        params.push((name, text));
    }
    Ok(params)
}

// The rejection for parameter `name` of `query` or `body`: its field is `query.Name`.
fn named(rejection: Rejection, field: &str, name: &str) -> Rejection {
    match *rejection.error {
        Error::Input(e) => Rejection { error: Box::new(Error::Input(InputError { field: format!("{field}.{name}").into(), ..e })), ..rejection },
        _ => rejection,
    }
}

fn read_secret_names(options: &Options) -> Result<Vec<String>, Rejection> {
    let value = options.get("secrets");
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let expected = "an array of parameter names, e.g. [\"Password\"]";
    if !super::js_imports::is_array(&value).unwrap_or(false) {
        return Err(input("secrets", wrong_type(expected, &value)));
    }
    let names: Array = value.unchecked_into();
    let names: Option<Vec<String>> = names.iter().map(|name| name.as_string()).collect();
    let mut names = names.ok_or_else(|| input("secrets", InputProblem::Malformed { expected }))?;
    names.retain(|name| !DEFAULT_SECRET_PARAMETERS.contains(&name.as_str()));
    Ok(names)
}

fn read_destination(options: &Options, default_endpoint: impl FnOnce() -> Result<Option<Endpoint>, Error>) -> Result<Destination, Rejection> {
    let endpoint = match optional_string(options, "endpoint")? {
        Some(url) => Endpoint::parse(&url)?,
        None => default_endpoint()?.ok_or_else(|| input("endpoint", InputProblem::Missing))?,
    };
    let proxy = optional_string(options, "proxyUrl")?.map(|url| Endpoint::parse_option("proxyUrl", &url)).transpose()?;
    let destination = Destination { endpoint, proxy };
    destination.check_cleartext(read_allow_insecure_http(options)?)?;
    Ok(destination)
}

// `allowInsecureHttp: true`: http:// to hosts other than loopback (a test network, a sidecar).
fn read_allow_insecure_http(options: &Options) -> Result<bool, Rejection> {
    let value = options.get("allowInsecureHttp");
    if value.is_undefined() || value.is_null() {
        return Ok(false);
    }
    value.as_bool().ok_or_else(|| input("allowInsecureHttp", wrong_type("a boolean", &value)))
}

fn read_signature_version(options: &Options) -> Result<SignatureVersion, Rejection> {
    match optional_string(options, "signatureVersion")?.as_deref() {
        None | Some("v3") => Ok(SignatureVersion::V3),
        Some("v2") => Ok(SignatureVersion::V2),
        Some(_) => Err(input("signatureVersion", InputProblem::Malformed { expected: "\"v3\" (the default) or \"v2\"" })),
    }
}

fn read_signal(options: &Options) -> Result<JsValue, Rejection> {
    let value = options.get("signal");
    if value.is_undefined() || value.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    // Duck-typed, so a signal from another realm or a polyfill works too.
    let looks_like_signal = value.is_object()
        && Reflect::get(&value, &"aborted".into()).is_ok_and(|v| v.as_bool().is_some())
        && Reflect::get(&value, &"addEventListener".into()).is_ok_and(|v| v.is_function());
    if looks_like_signal {
        Ok(value)
    } else {
        Err(input("signal", wrong_type("an AbortSignal", &value)))
    }
}

fn read_timeout(options: &Options) -> Result<u32, Rejection> {
    match optional_number(options, "timeoutMs")? {
        None => Ok(DEFAULT_TIMEOUT_MS),
        // Rounded up: 1.5 ms waits 2, never 1.
        Some(ms) if (1.0..=MAX_TIMEOUT_MS).contains(&ms) => Ok(ms.ceil() as u32),
        Some(_) => Err(input("timeoutMs", InputProblem::Malformed { expected: "a number of milliseconds from 1 to 2147483647" })),
    }
}

fn read_max_retries(options: &Options) -> Result<u32, Rejection> {
    match optional_number(options, "maxRetries")? {
        None => Ok(DEFAULT_MAX_RETRIES),
        Some(n) if (0.0..=f64::from(MAX_RETRIES_LIMIT)).contains(&n) && n.fract() == 0.0 => Ok(n as u32),
        Some(_) => Err(input("maxRetries", InputProblem::Malformed { expected: "a whole number from 0 to 10" })),
    }
}
