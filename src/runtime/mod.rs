//! The fetch/JS boundary (wasm32 only): JS options in, a `fetch` out, JS results and
//! `GpdbError`s back. Conversions happen here at the edge; inside, everything is
//! [`crate::protocol`] types. The only clock is `Date.now()` and the only randomness is
//! `crypto.getRandomValues` (through getrandom), both read here and nowhere in the core.

use crate::prelude::*;

pub mod bindings;
mod credentials;
mod failure;
mod global;
mod options;
mod send;
mod transport;

use core::cell::{OnceCell, RefCell};

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::protocol::request::HEADERS as HEADERS_SENT;
use crate::protocol::substring::find;
use crate::protocol::{sign_request, CancelUploadDocumentJob, Credentials, Endpoint, Error, InputProblem, SignedRequest, Timestamp};
use bindings::Glue;
use failure::Failure;
use global::Global;

/// Without std there is no panic machinery: a panic (a bug) traps, and the JS caller gets a
/// `WebAssembly.RuntimeError`, as `panic = "abort"` gave before.
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

// std's dlmalloc is about 7 KB of the module; talc is a fraction of that and as fast here.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Hands the JS half of the runtime layer (`glue.mjs`) to the wasm. Each entry file calls it
/// once, right after instantiating the module.
#[wasm_bindgen]
pub fn install(glue: Glue) {
    bindings::install(glue);
}

/// Builds the signed request without sending it: `{ method, url, headers, body }`.
#[wasm_bindgen(js_name = signCancelUploadDocumentJob)]
pub fn sign_cancel_upload_document_job(options: JsValue) -> Result<JsValue, JsValue> {
    let call = options::read_sign(&options)?;
    let request =
        sign_at(&call.operation, &call.credentials, &call.endpoint, call.timestamp_ms, call.nonce).map_err(Failure::from)?;

    let glue = bindings::with_glue(Clone::clone).ok_or_else(|| Failure::from(bindings::not_installed()))?;
    let headers: Object = signed_headers().into();
    Ok(glue.signed_request(request.method, &request.url, &headers, &request.body))
}

/// The common case of `signCancelUploadDocumentJob` in one crossing: `glue.mjs` read the options
/// (plain data of the expected types) and passes the strings; returns `url + "\n" + body`.
/// `None` sends the call the general way ([`sign_cancel_upload_document_job`]), which reads the
/// options itself and names any problem: so this path needs no errors of its own.
#[wasm_bindgen(js_name = signPlain)]
#[allow(clippy::too_many_arguments)]
pub fn sign_plain(
    region_id: String,
    db_instance_id: String,
    namespace: Option<String>,
    collection: String,
    namespace_password: String,
    job_id: String,
    endpoint: Option<String>,
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    timestamp_ms: Option<f64>,
    nonce: Option<String>,
) -> Option<String> {
    let operation = CancelUploadDocumentJob { region_id, db_instance_id, namespace, collection, namespace_password, job_id };
    let credentials = Credentials::new(access_key_id, access_key_secret, security_token);
    // A lone surrogate arrives as U+FFFD: only the general way can tell it from a real one.
    let texts = [
        &operation.region_id,
        &operation.db_instance_id,
        &operation.collection,
        &operation.namespace_password,
        &operation.job_id,
        &credentials.access_key_id,
        &credentials.access_key_secret,
    ];
    let optional = [&operation.namespace, &endpoint, &credentials.security_token, &nonce];
    let replaced = |text: &String| !text.is_ascii() && find(text, "\u{FFFD}").is_some();
    if texts.into_iter().chain(optional.into_iter().flatten()).any(replaced) {
        return None;
    }
    let endpoint = match endpoint {
        Some(url) => parsed_endpoint(url)?,
        None => Endpoint::for_region(&operation.region_id).ok()?,
    };
    let request = sign_at(&operation, &credentials, &endpoint, timestamp_ms, nonce).ok()?;
    // Sized exactly: wasm-bindgen would otherwise shrink it with a realloc on the way out.
    let mut out = String::with_capacity(request.url.len() + 1 + request.body.len());
    out.push_str(&request.url);
    out.push('\n');
    out.push_str(&request.body);
    Some(out)
}

/// Signs at `timestamp_ms` (else the clock corrected by the server's) with `nonce` (else a fresh
/// one): what both ways of `signCancelUploadDocumentJob` do once their options are read.
fn sign_at(
    operation: &CancelUploadDocumentJob,
    credentials: &Credentials,
    endpoint: &Endpoint,
    timestamp_ms: Option<f64>,
    nonce: Option<String>,
) -> Result<SignedRequest, Error> {
    let millis = timestamp_ms.unwrap_or_else(send::corrected_now_ms);
    // `as i64` would make NaN the epoch: a time that is not a finite number is refused here.
    if !millis.is_finite() {
        return Err(Error::input("timestamp", InputProblem::Malformed { expected: "a valid Date or an ISO 8601 string" }));
    }
    let timestamp = Timestamp::from_unix_millis(millis as i64)?;
    let nonce = nonce.unwrap_or_else(send::new_nonce);
    sign_request(operation, credentials, endpoint, timestamp, &nonce)
}

// Callers pass the same endpoint on every call: parsing it once is a tenth of a signature.
fn parsed_endpoint(url: String) -> Option<Endpoint> {
    LAST_ENDPOINT.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((known, endpoint)) if *known == url => Some(endpoint.clone()),
            _ => {
                let endpoint = Endpoint::parse(&url).ok()?;
                *last = Some((url, endpoint.clone()));
                Some(endpoint)
            }
        }
    })
}

static LAST_ENDPOINT: Global<RefCell<Option<(String, Endpoint)>>> = Global::new(RefCell::new(None));

/// The headers of every signed request, as a JS object (the glue copies it per call).
#[wasm_bindgen(js_name = signedHeaders)]
pub fn signed_headers() -> JsValue {
    HEADERS.with(|headers| {
        headers
            .get_or_init(|| {
                let template = Object::new();
                for (name, value) in HEADERS_SENT {
                    set(&template, name, &value.into());
                }
                template
            })
            .clone()
            .into()
    })
}

// The headers never change: built into a JS object once, copied by the glue per call.
static HEADERS: Global<OnceCell<Object>> = Global::new(OnceCell::new());

/// Signs and sends CancelUploadDocumentJob; resolves `{ requestId, status, message }`.
#[wasm_bindgen(js_name = cancelUploadDocumentJob)]
pub async fn cancel_upload_document_job(options: JsValue) -> Result<JsValue, JsValue> {
    let call = options::read_send(&options)?;
    let result = send::send(call).await?;
    let out = Object::new();
    set(&out, "requestId", &result.request_id.into());
    set(&out, "status", &result.status.into());
    set(&out, "message", &result.message.into());
    Ok(out.into())
}

/// The module's `WebAssembly.Memory`, for tests that check memory stays flat. Not re-exported by
/// the entry files.
#[wasm_bindgen(js_name = __wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

// Setting a data property on a fresh plain object cannot fail.
#[inline(never)]
pub(crate) fn set(target: &Object, key: &'static str, value: &JsValue) {
    let _ = Reflect::set(target, &name(key), value);
}

/// A property name as a JS string, made once: the same two dozen names are used on every call,
/// and making a JS string from wasm memory each time was a measurable share of a signature.
#[inline(never)]
pub(crate) fn name(key: &'static str) -> JsValue {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        // Keys are string literals: look them up by address, and by text only when that fails.
        let found = names.iter().find(|(known, _)| core::ptr::eq(*known, key)).or_else(|| names.iter().find(|(known, _)| *known == key));
        match found {
            Some((_, value)) => value.clone(),
            None => {
                let value = JsValue::from_str(key);
                names.push((key, value.clone()));
                value
            }
        }
    })
}

static NAMES: Global<RefCell<Vec<(&'static str, JsValue)>>> = Global::new(RefCell::new(Vec::new()));
