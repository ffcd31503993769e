//! Reading JS values into Rust ones. Every problem names its field and echoes no value.

use js_sys::{Array, Date, JsString, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::js_imports::{glue, is_array};
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
pub(crate) fn unreadable(field: &'static str, error: ErrorFn, cause: JsValue) -> Rejection {
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
const HINTS: [(&str, &str); 18] = [
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
    ("rolearn", "roleArn"),
    ("rolesessionname", "roleSessionName"),
    ("durationseconds", "durationSeconds"),
    ("externalid", "externalId"),
    ("action", "action"),
    ("version", "version"),
];

/// The option names one call takes: the list the wasm looks values up in, and the same names
/// joined by `,` for the glue. Written with [`option_names!`], so each list is written once.
#[derive(Debug)]
pub(crate) struct OptionNames {
    pub(crate) joined: &'static str,
    pub(crate) fields: &'static [&'static str],
}

/// `option_names!["a", "b"]`: an [`OptionNames`] of those names. A field written `credentials.x`
/// is read from the key `x` of the credentials object, and named `credentials.x` in errors.
macro_rules! option_names {
    ($($name:literal),* $(,)?) => {
        $crate::runtime::from_js::OptionNames { joined: concat!($($name, ","),*), fields: &[$($name),*] }
    };
}
pub(crate) use option_names;

/// An options object, read in one boundary crossing (`readOptions` in glue.mjs): the value of each
/// of its call's option names, and the first key that is not one of them.
pub(crate) struct Options {
    names: &'static OptionNames,
    values: Array,
    pub(crate) error: ErrorFn,
}

impl Options {
    /// Reads `value` as a plain object of `names`. `whole` names the object (`options`,
    /// `credentials`) for its own errors; `error` builds them ([`input`] or [`credentials`]).
    /// Returns the options and the first unknown key.
    pub(crate) fn read(
        value: &JsValue,
        names: &'static OptionNames,
        whole: &'static str,
        expected: &'static str,
        error: ErrorFn,
    ) -> Result<(Options, Option<String>), Rejection> {
        let object = plain_object(value, whole, expected, error)?;
        let values = glue()?.read_options(&object, names.joined).map_err(|cause| unreadable(whole, error, cause))?;
        // A getter or proxy trap that threw: [unknown key, index of the field, what it threw, ...].
        if let Some(at) = values.get(1).as_f64().filter(|at| *at >= 0.0) {
            let field = names.fields.get(at as usize).copied().unwrap_or(whole);
            return Err(unreadable(field, error, values.get(2)));
        }
        let unknown = values.get(0).as_string();
        Ok((Options { names, values, error }, unknown))
    }

    /// The value of `field`, one of the call's names (`undefined` when absent).
    pub(crate) fn get(&self, field: &'static str) -> JsValue {
        let at = self.names.fields.iter().position(|name| *name == field);
        debug_assert!(at.is_some(), "{field} is not an option of this call");
        at.map_or(JsValue::UNDEFINED, |at| self.values.get(at as u32 + 3))
    }
}

/// The error for an unknown option `prefix` + `key`, with a hint when it looks like one of `names`.
pub(crate) fn unknown_option(prefix: &str, key: &str, names: &OptionNames, error: fn(InputError) -> Error) -> Rejection {
    let folded: String = key.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    let did_you_mean = HINTS
        .iter()
        .find(|(alias, name)| *alias == folded && names.fields.iter().any(|field| name.starts_with(field)))
        .map(|(_, name)| name.strip_prefix(prefix).unwrap_or(name));
    error(InputError { field: format!("{prefix}{key}").into(), problem: InputProblem::UnknownOption { did_you_mean } }).into()
}

pub(crate) fn string_value(value: &JsValue, field: &'static str, error: ErrorFn) -> Result<String, Rejection> {
    let Some(text) = value.as_string() else { return Err(error(field, wrong_type("a string", value))) };
    // A lone surrogate turns into U+FFFD on the way in, and could not be signed as it was meant.
    // The exact check reads the string a code unit at a time across the boundary: only then.
    if find(&text, "\u{FFFD}").is_some() && !value.unchecked_ref::<JsString>().is_valid_utf16() {
        return Err(error(field, InputProblem::LoneSurrogate));
    }
    Ok(text)
}

pub(crate) fn required_string(options: &Options, field: &'static str) -> Result<String, Rejection> {
    let (value, error) = (options.get(field), options.error);
    if value.is_undefined() {
        return Err(error(field, InputProblem::Missing));
    }
    string_value(&value, field, error)
}

pub(crate) fn optional_string(options: &Options, field: &'static str) -> Result<Option<String>, Rejection> {
    let (value, error) = (options.get(field), options.error);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    string_value(&value, field, error).map(Some)
}

pub(crate) fn optional_number(options: &Options, field: &'static str) -> Result<Option<f64>, Rejection> {
    let (value, error) = (options.get(field), options.error);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(error(field, wrong_type("a finite number", &value))),
    }
}

const ZONED_TIME: &str =
    "a Date, or an ISO 8601 string with its zone such as 2024-01-01T00:00:00Z (a time without a zone would be read as local time)";

/// A `Date`, an ISO 8601 string with a zone or milliseconds since the epoch, as milliseconds;
/// `None` when absent.
pub(crate) fn optional_time(options: &Options, field: &'static str) -> Result<Option<f64>, Rejection> {
    let (value, error) = (options.get(field), options.error);
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
