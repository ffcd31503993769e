//! The fetch/JS boundary (wasm32 only): JS options in, a `fetch` out, JS results and
//! `GpdbError`s back. Conversions happen at the edge (`from_js`, `to_js`, `rejection`); inside,
//! everything is [`crate::protocol`] types. This file holds the exports only.

mod attempts;
mod credentials;
mod environment;
mod fetch;
mod from_js;
mod jobs;
mod js_imports;
mod options;
mod rejection;
mod to_js;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

pub use js_imports::Glue;
use crate::protocol::Action;

/// Hands the JS half of the runtime layer (`glue.mjs`) to the wasm. Each entry file calls it
/// once, right after instantiating the module.
#[wasm_bindgen]
pub fn install(glue: Glue) {
    js_imports::install(glue);
}

/// Builds the signed CancelUploadDocumentJob request without sending it: `{ method, url, headers, body }`.
#[wasm_bindgen(js_name = signCancelUploadDocumentJob)]
pub fn sign_cancel_upload_document_job(options: JsValue) -> Result<JsValue, JsValue> {
    jobs::sign(Action::CancelUploadDocumentJob, &options)
}

/// Builds the signed GetUploadDocumentJob request without sending it.
#[wasm_bindgen(js_name = signGetUploadDocumentJob)]
pub fn sign_get_upload_document_job(options: JsValue) -> Result<JsValue, JsValue> {
    jobs::sign(Action::GetUploadDocumentJob, &options)
}

/// Signs and sends CancelUploadDocumentJob; resolves `{ requestId, status, message, alreadyCancelled? }`.
#[wasm_bindgen(js_name = cancelUploadDocumentJob)]
pub fn cancel_upload_document_job(options: JsValue) -> Promise {
    jobs::run(jobs::Call::Cancel, options)
}

/// Signs and sends GetUploadDocumentJob; resolves the job's state.
#[wasm_bindgen(js_name = getUploadDocumentJob)]
pub fn get_upload_document_job(options: JsValue) -> Promise {
    jobs::run(jobs::Call::Get, options)
}
