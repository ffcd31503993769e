//! The fetch/JS boundary (wasm32 only): JS options in, a `fetch` out, JS results and
//! `GpdbError`s back. Conversions happen at the edge (`from_js`, `to_js`, `rejection`); inside,
//! everything is [`crate::protocol`] types. This file holds the exports only.

mod attempts;
mod credentials;
mod environment;
mod fetch;
mod from_js;
mod js_imports;
mod options;
mod rejection;
mod to_js;

use wasm_bindgen::prelude::*;

pub use js_imports::Glue;
use rejection::Rejection;

/// Hands the JS half of the runtime layer (`glue.mjs`) to the wasm. Each entry file calls it
/// once, right after instantiating the module.
#[wasm_bindgen]
pub fn install(glue: Glue) {
    js_imports::install(glue);
}

/// Builds the signed request without sending it: `{ method, url, headers, body }`.
#[wasm_bindgen(js_name = signCancelUploadDocumentJob)]
pub fn sign_cancel_upload_document_job(options: JsValue) -> Result<JsValue, JsValue> {
    let call = options::read_sign(&options)?;
    let request = environment::sign_now(&call.operation, &call.credentials, &call.destination, call.version, call.timestamp_ms, call.nonce)
        .map_err(Rejection::from)?;
    Ok(to_js::signed_request(&js_imports::glue().map_err(Rejection::from)?, &request))
}

/// Signs and sends CancelUploadDocumentJob; resolves `{ requestId, status, message }`.
#[wasm_bindgen(js_name = cancelUploadDocumentJob)]
pub async fn cancel_upload_document_job(options: JsValue) -> Result<JsValue, JsValue> {
    let call = options::read_send(&options)?;
    Ok(to_js::cancel_result(attempts::send(call).await?))
}

