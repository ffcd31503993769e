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

use core::cell::{Cell, OnceCell, RefCell};

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::protocol::request::{sign_request_with_key, HEADERS as HEADERS_SENT};
use crate::protocol::sign::SigningKey;
use crate::protocol::substring::find;
use crate::protocol::{CancelUploadDocumentJob, Credentials, Endpoint, Error, InputProblem, SignedRequest, Timestamp};
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
        sign_at(&call.operation, &call.credentials, None, &call.endpoint, call.timestamp_ms, call.nonce).map_err(Failure::from)?;

    let glue = bindings::with_glue(Clone::clone).ok_or_else(|| Failure::from(bindings::not_installed()))?;
    let headers: Object = signed_headers().into();
    Ok(glue.signed_request(request.method, &request.url, &headers, &request.body))
}

/// The common case of `signCancelUploadDocumentJob` in one crossing: `glue.mjs` read the options
/// (plain data of the expected types) and passes the strings; returns `url + "\n" + body`.
/// `None` sends the call the general way ([`sign_cancel_upload_document_job`]), which reads the
/// options itself and names any problem: so this path needs no errors of its own.
///
/// Callers sign with the same credentials, instance and endpoint again and again, and passing a
/// string into the wasm costs more than a tenth of a signature: the glue passes only the strings
/// that differ from its last call's, and bit `i` of `unchanged` says that argument `i` (in the
/// order below, from 0) is as last time. Those bits count only when the last call here came from
/// the same glue state (`caller`); otherwise this returns `None`. The glue forgets its last call
/// whenever this returns `None`, so it never relies on a call that did not complete.
#[wasm_bindgen(js_name = signPlain)]
#[allow(clippy::too_many_arguments)]
pub fn sign_plain(
    caller: u32,
    unchanged: u32,
    region_id: Option<String>,
    db_instance_id: Option<String>,
    namespace: Option<String>,
    collection: Option<String>,
    namespace_password: Option<String>,
    job_id: Option<String>,
    endpoint: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    timestamp_ms: Option<f64>,
    nonce: Option<String>,
) -> Option<String> {
    let changed = |bit: u32| unchanged & (1 << bit) == 0;
    // A lone surrogate arrives as U+FFFD: only the general way can tell it from a real one.
    let replaced = |text: &String| !text.is_ascii() && find(text, "\u{FFFD}").is_some();
    let passed = [&region_id, &db_instance_id, &namespace, &collection, &namespace_password, &job_id, &endpoint];
    let passed_credentials = [&access_key_id, &access_key_secret, &security_token, &nonce];
    if passed.into_iter().chain(passed_credentials).flatten().any(replaced) {
        return None;
    }
    // Taken out for the call and put back only when it signed: a trap part-way (no unwinding
    // here) or a refusal leaves nothing cached, never a half-updated or still-borrowed value.
    let mut call = match LAST_PLAIN.with(Cell::take) {
        // What is kept is another caller's: nothing to reuse (and it stays for that caller).
        Some(call) if call.caller != caller && unchanged != 0 => {
            LAST_PLAIN.with(|last| last.set(Some(call)));
            return None;
        }
        Some(call) => call,
        // Nothing to reuse: every argument must have been passed.
        None if unchanged != 0 => return None,
        None => PlainCall::default(),
    };
    call.caller = caller;
    let operation = &mut call.operation;
    update(&mut operation.region_id, region_id, changed(0))?;
    update(&mut operation.db_instance_id, db_instance_id, changed(1))?;
    update_optional(&mut operation.namespace, namespace, changed(2));
    update(&mut operation.collection, collection, changed(3))?;
    update(&mut operation.namespace_password, namespace_password, changed(4))?;
    update(&mut operation.job_id, job_id, changed(5))?;
    let credentials = &mut call.credentials;
    update(&mut credentials.access_key_id, access_key_id, changed(7))?;
    update(&mut credentials.access_key_secret, access_key_secret, changed(8))?;
    update_optional(&mut credentials.security_token, security_token, changed(9));
    if changed(8) || call.key.is_none() {
        call.key = Some(SigningKey::new(&call.credentials.access_key_secret));
    }
    // The endpoint is worked out again only when it (or, without one, the region) changed.
    if changed(6) {
        call.endpoint_url = endpoint;
    }
    if changed(6) || (changed(0) && call.endpoint_url.is_none()) || call.endpoint.is_none() {
        call.endpoint = Some(match &call.endpoint_url {
            Some(url) => Endpoint::parse(url).ok()?,
            None => Endpoint::for_region(&call.operation.region_id).ok()?,
        });
    }
    let endpoint = call.endpoint.as_ref()?;
    let request = sign_at(&call.operation, &call.credentials, call.key.as_ref(), endpoint, timestamp_ms, nonce).ok()?;
    LAST_PLAIN.with(|last| last.set(Some(call)));
    // Sized exactly: wasm-bindgen would otherwise shrink it with a realloc on the way out.
    let mut out = String::with_capacity(request.url.len() + 1 + request.body.len());
    out.push_str(&request.url);
    out.push('\n');
    out.push_str(&request.body);
    Some(out)
}

/// A new caller id for `signPlain`, one per glue state: issued here, so that two states (even of
/// two copies of the glue) over one module never share one.
#[wasm_bindgen(js_name = plainCaller)]
pub fn plain_caller() -> u32 {
    NEXT_CALLER.with(|next| {
        let id = next.get();
        next.set(id.wrapping_add(1));
        id
    })
}

static NEXT_CALLER: Global<Cell<u32>> = Global::new(Cell::new(1));

/// The arguments of the last `signPlain` call, as the protocol types that sign them.
struct PlainCall {
    /// The glue state that made the call.
    caller: u32,
    operation: CancelUploadDocumentJob,
    credentials: Credentials,
    endpoint_url: Option<String>,
    endpoint: Option<Endpoint>,
    /// The HMAC key of `credentials.access_key_secret`, made again when the secret changes.
    key: Option<SigningKey>,
}

impl Default for PlainCall {
    fn default() -> Self {
        PlainCall {
            caller: 0,
            operation: CancelUploadDocumentJob::default(),
            credentials: Credentials::new("", "", None),
            endpoint_url: None,
            endpoint: None,
            key: None,
        }
    }
}

static LAST_PLAIN: Global<Cell<Option<PlainCall>>> = Global::new(Cell::new(None));

/// A required argument: the new value when it changed (and then it must be there), else the last.
fn update(field: &mut String, value: Option<String>, changed: bool) -> Option<()> {
    if changed {
        *field = value?;
    }
    Some(())
}

/// An optional argument: the new value (`None` when absent) when it changed, else the last.
fn update_optional(field: &mut Option<String>, value: Option<String>, changed: bool) {
    if changed {
        *field = value;
    }
}

/// Signs at `timestamp_ms` (else the clock corrected by the server's) with `nonce` (else a fresh
/// one): what both ways of `signCancelUploadDocumentJob` do once their options are read.
fn sign_at(
    operation: &CancelUploadDocumentJob,
    credentials: &Credentials,
    key: Option<&SigningKey>,
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
    let nonce = match nonce {
        Some(nonce) => nonce,
        None => send::new_nonce()?,
    };
    sign_request_with_key(operation, credentials, key, endpoint, timestamp, &nonce)
}

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
