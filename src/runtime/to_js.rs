//! Protocol results as the plain JS objects the API returns.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use super::js_imports::Glue;
use crate::protocol::{CancelResult, SignedRequest};

/// Sets a data property; on a fresh plain object this cannot fail.
pub(crate) fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &key.into(), value);
}

/// `{ method, url, headers, body }`, `headers` a plain object of lower-case names.
pub(crate) fn signed_request(glue: &Glue, request: &SignedRequest) -> JsValue {
    glue.signed_request(request.method, &request.url, &header_lines(request), &request.body)
}

/// The headers as one string for the glue: names and values on alternate lines (no header
/// value holds a control character), so that they cross the boundary in one call.
pub(crate) fn header_lines(request: &SignedRequest) -> String {
    let mut lines = String::new();
    for (name, value) in &request.headers {
        for part in [name, value.as_str()] {
            lines.push_str(part);
            lines.push('\n');
        }
    }
    lines
}

/// `{ requestId, status, message }`.
pub(crate) fn cancel_result(result: CancelResult) -> JsValue {
    let out = Object::new();
    set(&out, "requestId", &result.request_id.into());
    set(&out, "status", &result.status.into());
    set(&out, "message", &result.message.into());
    out.into()
}
