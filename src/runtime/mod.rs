//! The fetch/JS boundary (wasm32 only): JS options in, a `fetch` out, JS results and
//! `GpdbError`s back. Conversions happen at the edge (`from_js`, `to_js`, `rejection`); inside,
//! everything is [`crate::protocol`] types. This file holds the exports only.

mod calls;
mod credentials;
mod environment;
mod from_js;
mod jobs;
mod js_imports;
mod options;
mod rejection;
mod to_js;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use calls::Call;
pub use calls::PendingCall;
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
    calls::sign(Call::Job(Action::CancelUploadDocumentJob), &options)
}

/// Builds the signed GetUploadDocumentJob request without sending it.
#[wasm_bindgen(js_name = signGetUploadDocumentJob)]
pub fn sign_get_upload_document_job(options: JsValue) -> Result<JsValue, JsValue> {
    calls::sign(Call::Job(Action::GetUploadDocumentJob), &options)
}

/// Signs and sends CancelUploadDocumentJob; resolves `{ requestId, status, message, alreadyCancelled? }`.
#[wasm_bindgen(js_name = cancelUploadDocumentJob)]
pub fn cancel_upload_document_job(options: JsValue) -> Promise {
    run(Call::Job(Action::CancelUploadDocumentJob), options)
}

/// Signs and sends GetUploadDocumentJob; resolves the job's state.
#[wasm_bindgen(js_name = getUploadDocumentJob)]
pub fn get_upload_document_job(options: JsValue) -> Promise {
    run(Call::Job(Action::GetUploadDocumentJob), options)
}

/// Signs and sends any RPC action; resolves its JSON answer.
#[wasm_bindgen(js_name = callApi)]
pub fn call_api(options: JsValue) -> Promise {
    run(Call::Api, options)
}

/// Builds the signed request of any RPC action without sending it.
#[wasm_bindgen(js_name = signApiRequest)]
pub fn sign_api_request(options: JsValue) -> Result<JsValue, JsValue> {
    calls::sign(Call::Api, &options)
}

/// One STS AssumeRole, for the glue's `assumeRole` provider: resolves a credentials object.
#[wasm_bindgen(js_name = assumeRoleOnce)]
pub fn assume_role_once(options: JsValue) -> Promise {
    run(Call::AssumeRole, options)
}

/// Checks `assumeRole`'s options, for the glue's `assumeRole` when it makes the provider.
#[wasm_bindgen(js_name = checkAssumeRole)]
pub fn check_assume_role(options: JsValue) -> Result<(), JsValue> {
    calls::read(Call::AssumeRole, &options, false)?;
    Ok(())
}

/// Runs an asynchronous export: the glue's `runCall` drives its [`PendingCall`].
fn run(call: Call, options: JsValue) -> Promise {
    let mut call = PendingCall::new(call, options);
    match js_imports::glue() {
        Ok(glue) => glue.run_call(call),
        // Without its entry file the module can read no options: `begin` says why.
        Err(_) => Promise::reject(&call.begin().err().unwrap_or_default()),
    }
}
