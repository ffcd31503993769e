//! Reading the JS options object into protocol types. Every problem names the option and
//! echoes no value; unknown keys are errors, with a hint for Alibaba's own parameter names.

use crate::prelude::*;

use js_sys::{Date, Function, JsString, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::bindings::{is_array, with_glue};
use crate::protocol::substring::find;
use crate::protocol::text::concat;
use super::credentials::CredentialsSource;
use super::failure::Failure;
use super::global::Global;
use crate::protocol::error::InputError;
use crate::protocol::operation::CancelUploadDocumentJob;
use crate::protocol::retry::{DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT};
use crate::protocol::{Credentials, Endpoint, Error, InputProblem};

/// Per-attempt timeout unless the caller says otherwise.
pub(crate) const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// setTimeout's largest delay.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// Options of `cancelUploadDocumentJob`, read and checked.
pub(crate) struct SendCall {
    pub(crate) operation: CancelUploadDocumentJob,
    pub(crate) credentials: CredentialsSource,
    pub(crate) endpoint: Endpoint,
    pub(crate) signal: JsValue,
    pub(crate) timeout_ms: u32,
    pub(crate) max_retries: u32,
}

/// Options of `signCancelUploadDocumentJob`, read and checked.
pub(crate) struct SignCall {
    pub(crate) operation: CancelUploadDocumentJob,
    pub(crate) credentials: Credentials,
    pub(crate) endpoint: Endpoint,
    pub(crate) timestamp_ms: Option<f64>,
    pub(crate) nonce: Option<String>,
}

const OPERATION_KEYS: [&str; 7] = ["regionId", "dbInstanceId", "namespace", "collection", "namespacePassword", "jobId", "endpoint"];
const SEND_KEYS: [&str; 4] = ["credentials", "signal", "timeoutMs", "maxRetries"];
const SIGN_ONLY_KEYS: [&str; 2] = ["timestamp", "nonce"];
const CREDENTIAL_KEYS: [&str; 4] = ["accessKeyId", "accessKeySecret", "securityToken", "expiration"];

// Names users copy from the API reference or other SDKs, keyed without case, `_` or `-`.
const HINTS: [(&str, &str); 12] = [
    ("dbinstanceid", "dbInstanceId"),
    ("regionid", "regionId"),
    ("namespace", "namespace"),
    ("collection", "collection"),
    ("namespacepassword", "namespacePassword"),
    ("jobid", "jobId"),
    ("endpoint", "endpoint"),
    ("accesskeyid", "credentials.accessKeyId"),
    ("accesskeysecret", "credentials.accessKeySecret"),
    ("securitytoken", "credentials.securityToken"),
    ("timeout", "timeoutMs"),
    ("retries", "maxRetries"),
];

pub(crate) fn read_send(options: &JsValue) -> Result<SendCall, Failure> {
    let object = options_object(options)?;
    check_keys(&object, Keys::Send)?;
    let (operation, endpoint) = read_operation(&object)?;
    let credentials = match get(&object, "credentials", input)? {
        value if value.is_function() => CredentialsSource::Provider(value.unchecked_into::<Function>()),
        value => CredentialsSource::Static(read_credentials(&value)?.0),
    };
    Ok(SendCall {
        operation,
        credentials,
        endpoint,
        signal: read_signal(&object)?,
        timeout_ms: read_timeout(&object)?,
        max_retries: read_max_retries(&object)?,
    })
}

pub(crate) fn read_sign(options: &JsValue) -> Result<SignCall, Failure> {
    let object = options_object(options)?;
    check_keys(&object, Keys::Sign)?;
    let (operation, endpoint) = read_operation(&object)?;
    let given = get(&object, "credentials", input)?;
    if given.is_function() {
        return Err(credentials(
            "credentials",
            InputProblem::WrongType { expected: "a credentials object (signing is synchronous)", found: "a function" },
        ));
    }
    // The send-only options are accepted, so one options object serves both calls, and checked.
    read_signal(&object)?;
    read_timeout(&object)?;
    read_max_retries(&object)?;
    let timestamp_ms = match get(&object, "timestamp", input)? {
        value if value.is_undefined() || value.is_null() => None,
        value => Some(read_time(&value, "timestamp", input)?),
    };
    let nonce = optional_string(&object, "nonce", input)?;
    let (credentials, _) = read_credentials(&given)?;
    Ok(SignCall { operation, credentials, endpoint, timestamp_ms, nonce })
}

/// Reads a credentials object (and when it expires), or the environment in Node.js when it is absent.
pub(crate) fn read_credentials(value: &JsValue) -> Result<(Credentials, Option<f64>), Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok((read_environment_credentials()?, None));
    }
    let expected = "a credentials object or an async function returning one";
    let object = plain_object(value, "credentials", expected, credentials)?;
    check_keys(&object, Keys::Credentials).map_err(as_credentials)?;
    let access_key_id = required_string(&object, "credentials.accessKeyId", credentials)?;
    let access_key_secret = required_string(&object, "credentials.accessKeySecret", credentials)?;
    let security_token = optional_string(&object, "credentials.securityToken", credentials)?;
    let expiration = match get(&object, "credentials.expiration", credentials)? {
        value if value.is_undefined() || value.is_null() => None,
        value => Some(read_time(&value, "credentials.expiration", credentials)?),
    };
    let found = Credentials::new(access_key_id, access_key_secret, security_token);
    found.validate()?;
    Ok((found, expiration))
}

fn read_environment_credentials() -> Result<Credentials, Failure> {
    let missing = || credentials("credentials", InputProblem::NoCredentials);
    let env = Reflect::get(&js_sys::global(), &"process".into())
        .ok()
        .filter(JsValue::is_object)
        .and_then(|process| Reflect::get(&process, &"env".into()).ok())
        .filter(JsValue::is_object)
        .ok_or_else(missing)?;
    // Deno throws when --allow-env does not cover the variable: say so, and keep its error.
    let variable = |name: &'static str| -> Result<Option<String>, Failure> {
        match Reflect::get(&env, &name.into()) {
            Ok(value) => Ok(value.as_string().filter(|v| !v.is_empty())),
            Err(denied) => Err(Failure::with_cause(
                credentials("credentials", InputProblem::EnvironmentDenied { variable: name }).error,
                denied,
            )),
        }
    };
    let (Some(id), Some(secret)) = (variable("ALIBABA_CLOUD_ACCESS_KEY_ID")?, variable("ALIBABA_CLOUD_ACCESS_KEY_SECRET")?) else {
        return Err(missing());
    };
    let found = Credentials::new(id, secret, variable("ALIBABA_CLOUD_SECURITY_TOKEN")?);
    found.validate()?;
    Ok(found)
}

fn read_operation(object: &Object) -> Result<(CancelUploadDocumentJob, Endpoint), Failure> {
    let operation = CancelUploadDocumentJob {
        region_id: required_string(object, "regionId", input)?,
        db_instance_id: required_string(object, "dbInstanceId", input)?,
        namespace: optional_string(object, "namespace", input)?,
        collection: required_string(object, "collection", input)?,
        namespace_password: required_string(object, "namespacePassword", input)?,
        job_id: required_string(object, "jobId", input)?,
    };
    operation.validate()?;
    let endpoint = match optional_string(object, "endpoint", input)? {
        Some(url) => Endpoint::parse(&url)?,
        None => Endpoint::for_region(&operation.region_id)?,
    };
    Ok((operation, endpoint))
}

fn read_signal(object: &Object) -> Result<JsValue, Failure> {
    let value = get(object, "signal", input)?;
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

fn read_timeout(object: &Object) -> Result<u32, Failure> {
    let expected = "a number of milliseconds from 1 to 2147483647";
    match optional_number(object, "timeoutMs")? {
        None => Ok(DEFAULT_TIMEOUT_MS),
        // Rounded up (`f64::ceil` is std-only): 1.5 ms waits 2, never 1.
        Some(ms) if (1.0..=MAX_TIMEOUT_MS).contains(&ms) => Ok(ms as u32 + u32::from(f64::from(ms as u32) < ms)),
        Some(_) => Err(input("timeoutMs", InputProblem::Malformed { expected })),
    }
}

fn read_max_retries(object: &Object) -> Result<u32, Failure> {
    match optional_number(object, "maxRetries")? {
        None => Ok(DEFAULT_MAX_RETRIES),
        Some(n) if (0.0..=f64::from(MAX_RETRIES_LIMIT)).contains(&n) && f64::from(n as u32) == n => Ok(n as u32),
        Some(_) => Err(input("maxRetries", InputProblem::Malformed { expected: "a whole number from 0 to 10" })),
    }
}

/// A `Date`, an ISO 8601 string or milliseconds since the epoch, as milliseconds.
#[inline(never)]
pub(crate) fn read_time(value: &JsValue, field: &'static str, error: ErrorFn) -> Result<f64, Failure> {
    let millis = if let Some(date) = value.dyn_ref::<Date>() {
        date.get_time()
    } else if let Some(text) = value.as_string() {
        Date::parse(&text)
    } else if let Some(number) = value.as_f64() {
        number
    } else {
        return Err(error(field, wrong_type("a Date or an ISO 8601 string", value)));
    };
    if millis.is_finite() {
        Ok(millis)
    } else {
        Err(error(field, InputProblem::Malformed { expected: "a valid Date or an ISO 8601 string" }))
    }
}

fn options_object(options: &JsValue) -> Result<Object, Failure> {
    plain_object(options, "options", "an options object", input)
}

/// `value` as a plain object (not an array or a function), or the error `error(field, ...)`.
#[inline(never)]
fn plain_object(value: &JsValue, field: &'static str, expected: &'static str, error: ErrorFn) -> Result<Object, Failure> {
    let array = is_array(value).map_err(|cause| unreadable(field, error, cause))?;
    if value.is_object() && !array && !value.is_function() {
        Ok(value.clone().unchecked_into())
    } else {
        Err(error(field, wrong_type(expected, value)))
    }
}

type ErrorFn = fn(&'static str, InputProblem) -> Failure;

// A getter, proxy trap or revoked proxy that throws: the caller's error, with its exception kept.
#[inline(never)]
fn unreadable(field: &'static str, error: ErrorFn, cause: JsValue) -> Failure {
    Failure { cause: Some(cause), ..error(field, InputProblem::Malformed { expected: "a readable value (reading it threw)" }) }
}

/// Which object's keys are checked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    Send,
    Sign,
    Credentials,
}

impl Keys {
    fn allowed(self) -> &'static [&'static [&'static str]] {
        match self {
            Keys::Send => &[&OPERATION_KEYS, &SEND_KEYS],
            Keys::Sign => &[&OPERATION_KEYS, &SEND_KEYS, &SIGN_ONLY_KEYS],
            Keys::Credentials => &[&CREDENTIAL_KEYS],
        }
    }

    /// How an unknown key is named in the error: `JobId`, or `credentials.AccessKeySecret`.
    fn prefix(self) -> &'static str {
        if self == Keys::Credentials { "credentials." } else { "" }
    }
}

fn check_keys(object: &Object, keys: Keys) -> Result<(), Failure> {
    let prefix = keys.prefix();
    let whole = if prefix.is_empty() { "options" } else { "credentials" };
    // The allowed names as a JS Set, built once and kept.
    let set = ALLOWED.with(|sets| {
        let mut sets = sets.borrow_mut();
        if let Some((_, set)) = sets.iter().find(|(known, _)| *known == keys) {
            return set.clone();
        }
        let set = js_sys::Set::new(&JsValue::UNDEFINED);
        for key in keys.allowed().iter().flat_map(|names| names.iter()) {
            set.add(&JsValue::from_str(key));
        }
        sets.push((keys, set.clone()));
        set
    });
    let unknown = with_glue(|glue| glue.unknown_key(object, &set))
        .unwrap_or(Ok(JsValue::UNDEFINED))
        .map_err(|cause| unreadable(whole, input, cause))?;
    let Some(key) = unknown.as_string() else { return Ok(()) };
    if keys == Keys::Send && SIGN_ONLY_KEYS.contains(&key.as_str()) {
        return Err(input_named(key, InputProblem::Malformed {
            expected: "no timestamp or nonce here: every attempt is signed afresh (they are options of signCancelUploadDocumentJob)",
        }));
    }
    // ASCII folding: the names are ASCII, and Unicode case tables would add 12 KB to the wasm.
    let folded: String = key.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    let did_you_mean = HINTS.iter().find(|(alias, _)| *alias == folded).map(|(_, name)| *name);
    let did_you_mean = did_you_mean.map(|name| name.strip_prefix(prefix).unwrap_or(name));
    Err(input_named(concat(&[prefix, &key]), InputProblem::UnknownOption { did_you_mean }))
}

// The allowed-key Sets, one per Keys.
static ALLOWED: Global<core::cell::RefCell<Vec<(Keys, js_sys::Set)>>> = Global::new(core::cell::RefCell::new(Vec::new()));

/// The property behind `field` (`credentials.accessKeyId` is `accessKeyId` of the credentials).
#[inline(never)]
fn get(object: &Object, field: &'static str, error: ErrorFn) -> Result<JsValue, Failure> {
    let key = field.rsplit('.').next().unwrap_or(field);
    Reflect::get(object, &super::name(key)).map_err(|cause| unreadable(field, error, cause))
}

#[inline(never)]
fn string_value(value: &JsValue, field: &'static str, error: ErrorFn) -> Result<String, Failure> {
    let Some(text) = value.as_string() else { return Err(error(field, wrong_type("a string", value))) };
    // The conversion turns a lone surrogate into U+FFFD; only then is the (slow, per code unit)
    // exact check worth making.
    if find(&text, "\u{FFFD}").is_some() && !value.unchecked_ref::<JsString>().is_valid_utf16() {
        return Err(error(field, InputProblem::LoneSurrogate));
    }
    Ok(text)
}

#[inline(never)]
fn required_string(object: &Object, field: &'static str, error: ErrorFn) -> Result<String, Failure> {
    let value = get(object, field, error)?;
    if value.is_undefined() {
        return Err(error(field, InputProblem::Missing));
    }
    string_value(&value, field, error)
}

#[inline(never)]
fn optional_string(object: &Object, field: &'static str, error: ErrorFn) -> Result<Option<String>, Failure> {
    let value = get(object, field, error)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    string_value(&value, field, error).map(Some)
}

#[inline(never)]
fn optional_number(object: &Object, field: &'static str) -> Result<Option<f64>, Failure> {
    let value = get(object, field, input)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(input(field, wrong_type("a finite number", &value))),
    }
}

#[inline(never)]
pub(crate) fn wrong_type(expected: &'static str, value: &JsValue) -> InputProblem {
    let found = if value.is_null() {
        "null"
    } else if value.is_undefined() {
        "undefined"
    } else if is_array(value).unwrap_or(false) {
        "an array"
    } else if value.as_f64().is_some_and(f64::is_nan) {
        "NaN"
    } else if value.as_f64() == Some(f64::INFINITY) {
        "Infinity"
    } else if value.as_f64() == Some(f64::NEG_INFINITY) {
        "-Infinity"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if value.is_string() {
        "a string"
    } else if value.is_function() {
        "a function"
    } else if value.is_bigint() {
        "a bigint"
    } else if value.is_symbol() {
        "a symbol"
    } else {
        "an object"
    };
    InputProblem::WrongType { expected, found }
}

#[inline(never)]
pub(crate) fn input(field: &'static str, problem: InputProblem) -> Failure {
    Error::Input(InputError { field: field.into(), problem }).into()
}

#[inline(never)]
fn input_named(field: String, problem: InputProblem) -> Failure {
    Error::Input(InputError { field: field.into(), problem }).into()
}

#[inline(never)]
pub(crate) fn credentials(field: &'static str, problem: InputProblem) -> Failure {
    Error::Credentials(InputError { field: field.into(), problem }).into()
}

fn as_credentials(failure: Failure) -> Failure {
    match failure.error {
        Error::Input(e) => Failure { error: Error::Credentials(e), ..failure },
        _ => failure,
    }
}
