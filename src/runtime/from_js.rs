//! Reading JS values into Rust ones. Every problem names its field and echoes no value.

use js_sys::{Date, JsString, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::js_imports::{glue, is_array, Fields};
use super::rejection::Rejection;
use crate::protocol::error::InputError;
use crate::protocol::timestamp::iso8601_has_zone;
use crate::protocol::{Error, InputProblem};
use crate::substring::find;

/// Builds the rejection for a problem with `field`: [`input`] or [`credentials`].
pub(crate) type ErrorFn = fn(&'static str, InputProblem) -> Rejection;

pub(crate) fn input(field: &'static str, problem: InputProblem) -> Rejection {
    Error::Input(InputError { field: field.into(), problem }).into()
}

pub(crate) fn credentials(field: &'static str, problem: InputProblem) -> Rejection {
    Error::Credentials(InputError { field: field.into(), problem }).into()
}

// A getter, proxy trap or revoked proxy that throws: the caller's error, with its exception kept.
fn unreadable(field: &'static str, error: ErrorFn, cause: JsValue) -> Rejection {
    Rejection { cause: Some(cause), ..error(field, InputProblem::Malformed { expected: "a readable value (reading it threw)" }) }
}

/// `value` as a plain object (not an array or a function), or the error `error(field, ...)`.
pub(crate) fn plain_object(value: &JsValue, field: &'static str, expected: &'static str, error: ErrorFn) -> Result<Object, Rejection> {
    let array = is_array(value).map_err(|cause| unreadable(field, error, cause))?;
    if value.is_object() && !array && !value.is_function() {
        Ok(value.clone().unchecked_into())
    } else {
        Err(error(field, wrong_type(expected, value)))
    }
}

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

/// The first own enumerable key of `object` not in `allowed` (names joined by ","), found by the
/// glue in one call. `whole` names the object (`options`, `credentials`) in case listing its keys
/// throws.
pub(crate) fn unknown_key(object: &Object, allowed: &str, whole: &'static str, error: ErrorFn) -> Result<Option<String>, Rejection> {
    let key = glue()?.unknown_key(object, allowed).map_err(|cause| unreadable(whole, error, cause))?;
    Ok(key.as_string())
}

/// The error for an unknown option `prefix` + `key`, with a hint when it looks like a known one.
pub(crate) fn unknown_option(prefix: &str, key: &str, error: fn(InputError) -> Error) -> Rejection {
    let folded: String = key.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    let did_you_mean = HINTS.iter().find(|(alias, _)| *alias == folded).map(|(_, name)| name.strip_prefix(prefix).unwrap_or(name));
    error(InputError { field: format!("{prefix}{key}").into(), problem: InputProblem::UnknownOption { did_you_mean } }).into()
}

/// The property behind `field` (`credentials.accessKeyId` is `accessKeyId` of the credentials).
pub(crate) fn get(object: &Object, field: &'static str, error: ErrorFn) -> Result<JsValue, Rejection> {
    let fields: &Fields = object.unchecked_ref();
    let value = match field {
        "regionId" => fields.region_id(),
        "dbInstanceId" => fields.db_instance_id(),
        "namespace" => fields.namespace(),
        "collection" => fields.collection(),
        "namespacePassword" => fields.namespace_password(),
        "jobId" => fields.job_id(),
        "endpoint" => fields.endpoint(),
        "allowInsecureHttp" => fields.allow_insecure_http(),
        "credentials" => fields.credentials(),
        "signal" => fields.signal(),
        "timeoutMs" => fields.timeout_ms(),
        "maxRetries" => fields.max_retries(),
        "timestamp" => fields.timestamp(),
        "nonce" => fields.nonce(),
        "credentials.accessKeyId" => fields.access_key_id(),
        "credentials.accessKeySecret" => fields.access_key_secret(),
        "credentials.securityToken" => fields.security_token(),
        "credentials.expiration" => fields.expiration(),
        _ => Reflect::get(object, &field.rsplit('.').next().unwrap_or(field).into()),
    };
    value.map_err(|cause| unreadable(field, error, cause))
}

fn string_value(value: &JsValue, field: &'static str, error: ErrorFn) -> Result<String, Rejection> {
    let Some(text) = value.as_string() else { return Err(error(field, wrong_type("a string", value))) };
    // A lone surrogate turns into U+FFFD on the way in, and could not be signed as it was meant.
    // The exact check reads the string a code unit at a time across the boundary: only then.
    if find(&text, "\u{FFFD}").is_some() && !value.unchecked_ref::<JsString>().is_valid_utf16() {
        return Err(error(field, InputProblem::LoneSurrogate));
    }
    Ok(text)
}

pub(crate) fn required_string(object: &Object, field: &'static str, error: ErrorFn) -> Result<String, Rejection> {
    let value = get(object, field, error)?;
    if value.is_undefined() {
        return Err(error(field, InputProblem::Missing));
    }
    string_value(&value, field, error)
}

pub(crate) fn optional_string(object: &Object, field: &'static str, error: ErrorFn) -> Result<Option<String>, Rejection> {
    let value = get(object, field, error)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    string_value(&value, field, error).map(Some)
}

pub(crate) fn optional_number(object: &Object, field: &'static str) -> Result<Option<f64>, Rejection> {
    let value = get(object, field, input)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(input(field, wrong_type("a finite number", &value))),
    }
}

const ZONED_TIME: &str =
    "a Date, or an ISO 8601 string with its zone such as 2024-01-01T00:00:00Z (a time without a zone would be read as local time)";

/// A `Date`, an ISO 8601 string with a zone or milliseconds since the epoch, as milliseconds;
/// `None` when absent.
pub(crate) fn optional_time(object: &Object, field: &'static str, error: ErrorFn) -> Result<Option<f64>, Rejection> {
    let value = get(object, field, error)?;
    let millis = if value.is_undefined() || value.is_null() {
        return Ok(None);
    } else if let Some(date) = value.dyn_ref::<Date>() {
        date.get_time()
    } else if let Some(text) = value.as_string() {
        // Date.parse would read a time without a zone as local time.
        if !iso8601_has_zone(&text) {
            return Err(error(field, InputProblem::Malformed { expected: ZONED_TIME }));
        }
        Date::parse(&text)
    } else if let Some(number) = value.as_f64() {
        number
    } else {
        return Err(error(field, wrong_type("a Date or an ISO 8601 string", &value)));
    };
    if millis.is_finite() {
        Ok(Some(millis))
    } else {
        Err(error(field, InputProblem::Malformed { expected: "a valid Date or an ISO 8601 string" }))
    }
}

/// `WrongType`, naming what `value` is.
pub(crate) fn wrong_type(expected: &'static str, value: &JsValue) -> InputProblem {
    let number = value.as_f64();
    let found = if value.is_null() {
        "null"
    } else if value.is_undefined() {
        "undefined"
    } else if is_array(value).unwrap_or(false) {
        "an array"
    } else if number.is_some_and(f64::is_nan) {
        "NaN"
    } else if number == Some(f64::INFINITY) {
        "Infinity"
    } else if number == Some(f64::NEG_INFINITY) {
        "-Infinity"
    } else if number.is_some() {
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
