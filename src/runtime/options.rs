//! Reading the JS options object of each exported function into protocol types. Unknown keys
//! are errors, with a hint for Alibaba's own parameter names.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use super::credentials::{read_credentials, CredentialsSource};
use super::from_js::{
    credentials, get, input, optional_number, optional_string, optional_time, plain_object, required_string, unknown_key,
    unknown_option, wrong_type,
};
use super::rejection::Rejection;
use crate::protocol::retry::{DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT};
use crate::protocol::{
    UploadDocumentJob, Credentials, Destination, Endpoint, Error, InputError, InputProblem, SignatureVersion,
};

/// Per-attempt timeout unless the caller says otherwise.
const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// setTimeout's largest delay.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

// The options of each call, joined by "," for the glue's key check.
const SEND_KEYS: &str = "regionId,dbInstanceId,namespace,collection,namespacePassword,jobId,endpoint,proxyUrl,allowInsecureHttp,signatureVersion,credentials,signal,timeoutMs,maxRetries";
const SIGN_KEYS: &str = "regionId,dbInstanceId,namespace,collection,namespacePassword,jobId,endpoint,proxyUrl,allowInsecureHttp,signatureVersion,credentials,signal,timeoutMs,maxRetries,timestamp,nonce";
const SIGN_ONLY_KEYS: [&str; 2] = ["timestamp", "nonce"];

/// Options of `cancelUploadDocumentJob` and `getUploadDocumentJob`, read and checked.
pub(crate) struct SendCall {
    pub(crate) operation: UploadDocumentJob,
    pub(crate) credentials: CredentialsSource,
    pub(crate) destination: Destination,
    pub(crate) version: SignatureVersion,
    pub(crate) signal: JsValue,
    pub(crate) timeout_ms: u32,
    pub(crate) max_retries: u32,
}

/// Options of `signCancelUploadDocumentJob` and `signGetUploadDocumentJob`, read and checked.
pub(crate) struct SignCall {
    pub(crate) operation: UploadDocumentJob,
    pub(crate) credentials: Credentials,
    pub(crate) destination: Destination,
    pub(crate) version: SignatureVersion,
    pub(crate) timestamp_ms: Option<f64>,
    pub(crate) nonce: Option<String>,
}

pub(crate) fn read_send(options: &JsValue) -> Result<SendCall, Rejection> {
    let object = plain_object(options, "options", "an options object", input)?;
    if let Some(key) = unknown_key(&object, SEND_KEYS, "options", input)? {
        if SIGN_ONLY_KEYS.contains(&key.as_str()) {
            let expected = "no timestamp or nonce here: every attempt is signed afresh (they are options of signCancelUploadDocumentJob and signGetUploadDocumentJob)";
            return Err(Error::Input(InputError { field: key.into(), problem: InputProblem::Malformed { expected } }).into());
        }
        return Err(unknown_option("", &key, Error::Input));
    }
    let (operation, destination) = read_operation(&object)?;
    Ok(SendCall {
        operation,
        destination,
        version: read_signature_version(&object)?,
        credentials: CredentialsSource::read(get(&object, "credentials", input)?)?,
        signal: read_signal(&object)?,
        timeout_ms: read_timeout(&object)?,
        max_retries: read_max_retries(&object)?,
    })
}

pub(crate) fn read_sign(options: &JsValue) -> Result<SignCall, Rejection> {
    let object = plain_object(options, "options", "an options object", input)?;
    if let Some(key) = unknown_key(&object, SIGN_KEYS, "options", input)? {
        return Err(unknown_option("", &key, Error::Input));
    }
    let (operation, destination) = read_operation(&object)?;
    let version = read_signature_version(&object)?;
    let given = get(&object, "credentials", input)?;
    if given.is_function() {
        let problem = InputProblem::WrongType { expected: "a credentials object (signing is synchronous)", found: "a function" };
        return Err(credentials("credentials", problem));
    }
    // The send-only options are accepted, so one options object serves both calls, and checked.
    read_signal(&object)?;
    read_timeout(&object)?;
    read_max_retries(&object)?;
    let timestamp_ms = optional_time(&object, "timestamp", input)?;
    let nonce = optional_string(&object, "nonce", input)?;
    let (credentials, _) = read_credentials(&given)?;
    Ok(SignCall { operation, credentials, destination, version, timestamp_ms, nonce })
}

fn read_operation(object: &Object) -> Result<(UploadDocumentJob, Destination), Rejection> {
    let operation = UploadDocumentJob {
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
    let proxy = optional_string(object, "proxyUrl", input)?.map(|url| Endpoint::parse_option("proxyUrl", &url)).transpose()?;
    let destination = Destination { endpoint, proxy };
    destination.check_cleartext(read_allow_insecure_http(object)?)?;
    Ok((operation, destination))
}

// `allowInsecureHttp: true`: http:// to hosts other than loopback (a test network, a sidecar).
fn read_allow_insecure_http(object: &Object) -> Result<bool, Rejection> {
    let value = get(object, "allowInsecureHttp", input)?;
    if value.is_undefined() || value.is_null() {
        return Ok(false);
    }
    value.as_bool().ok_or_else(|| input("allowInsecureHttp", wrong_type("a boolean", &value)))
}

fn read_signature_version(object: &Object) -> Result<SignatureVersion, Rejection> {
    match optional_string(object, "signatureVersion", input)?.as_deref() {
        None | Some("v3") => Ok(SignatureVersion::V3),
        Some("v2") => Ok(SignatureVersion::V2),
        Some(_) => Err(input("signatureVersion", InputProblem::Malformed { expected: "\"v3\" (the default) or \"v2\"" })),
    }
}

fn read_signal(object: &Object) -> Result<JsValue, Rejection> {
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

fn read_timeout(object: &Object) -> Result<u32, Rejection> {
    match optional_number(object, "timeoutMs")? {
        None => Ok(DEFAULT_TIMEOUT_MS),
        // Rounded up: 1.5 ms waits 2, never 1.
        Some(ms) if (1.0..=MAX_TIMEOUT_MS).contains(&ms) => Ok(ms.ceil() as u32),
        Some(_) => Err(input("timeoutMs", InputProblem::Malformed { expected: "a number of milliseconds from 1 to 2147483647" })),
    }
}

fn read_max_retries(object: &Object) -> Result<u32, Rejection> {
    match optional_number(object, "maxRetries")? {
        None => Ok(DEFAULT_MAX_RETRIES),
        Some(n) if (0.0..=f64::from(MAX_RETRIES_LIMIT)).contains(&n) && n.fract() == 0.0 => Ok(n as u32),
        Some(_) => Err(input("maxRetries", InputProblem::Malformed { expected: "a whole number from 0 to 10" })),
    }
}
