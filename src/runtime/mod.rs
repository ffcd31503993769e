//! The fetch/JS boundary (wasm32 only): JS options in, a `fetch` out, JS results and
//! `GpdbError`s back. Conversions happen here at the edge; inside, everything is
//! [`crate::protocol`] types. The only clock is `Date.now()` and the only randomness is
//! `crypto.getRandomValues` (through getrandom), both read here and nowhere in the core.

pub mod bindings;
mod credentials;
mod failure;
mod options;
mod send;
mod transport;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::protocol::{sign_request, Timestamp};
use bindings::Glue;
use failure::Failure;

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
    let millis = call.timestamp_ms.unwrap_or_else(send::corrected_now_ms);
    let timestamp = Timestamp::from_unix_millis(millis as i64).map_err(Failure::from)?;
    let nonce = call.nonce.unwrap_or_else(send::new_nonce);
    let request =
        sign_request(&call.operation, &call.credentials, &call.endpoint, timestamp, &nonce).map_err(Failure::from)?;

    let glue = bindings::with_glue(Clone::clone).ok_or_else(|| Failure::from(bindings::not_installed()))?;
    let headers = HEADERS.with(|headers| {
        headers
            .get_or_init(|| {
                let template = Object::new();
                for (name, value) in request.headers {
                    set(&template, name, &value.into());
                }
                template
            })
            .clone()
    });
    Ok(glue.signed_request(request.method, &request.url, &headers, &request.body))
}

thread_local! {
    // The headers never change: built into a JS object once, copied by the glue per call.
    static HEADERS: std::cell::OnceCell<Object> = const { std::cell::OnceCell::new() };
}

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
pub(crate) fn set(target: &Object, key: &'static str, value: &JsValue) {
    let _ = Reflect::set(target, &name(key), value);
}

/// A property name as a JS string, made once: the same two dozen names are used on every call,
/// and making a JS string from wasm memory each time was a measurable share of a signature.
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

thread_local! {
    static NAMES: std::cell::RefCell<Vec<(&'static str, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}
