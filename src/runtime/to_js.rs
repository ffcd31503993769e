//! Protocol results as the plain JS objects the API returns.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use super::js_imports::Glue;
use crate::protocol::{AssumedRole, CancelResult, SignedRequest, UploadDocumentJobState};

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

/// `{ requestId, status, message }`, and `alreadyCancelled: true` when an earlier attempt's
/// cancel was applied.
pub(crate) fn cancel_result(result: CancelResult) -> JsValue {
    let out = Object::new();
    set(&out, "requestId", &result.request_id.into());
    set(&out, "status", &result.status.into());
    set(&out, "message", &result.message.into());
    if result.already_cancelled {
        set(&out, "alreadyCancelled", &true.into());
    }
    out.into()
}

/// `{ requestId, job: { id, status, completed, progress, error, errorCode, createTime, updateTime },
/// chunkResult?, usage? }`: the API's names in camelCase, absent fields left out.
pub(crate) fn job_state(state: UploadDocumentJobState) -> JsValue {
    let out = Object::new();
    set(&out, "requestId", &state.request_id.into());
    let job = state.job;
    set(&out, "job", &object(&[
        ("id", job.id.map(JsValue::from)),
        ("status", job.status.map(JsValue::from)),
        ("completed", job.completed.map(JsValue::from)),
        ("progress", job.progress.map(|n| JsValue::from(n as f64))),
        ("error", job.error.map(JsValue::from)),
        ("errorCode", job.error_code.map(JsValue::from)),
        ("createTime", job.create_time.map(JsValue::from)),
        ("updateTime", job.update_time.map(JsValue::from)),
    ]));
    if let Some(chunks) = state.chunk_result {
        set(&out, "chunkResult", &object(&[
            ("chunkFileUrl", chunks.chunk_file_url.map(JsValue::from)),
            ("plainChunkFileUrl", chunks.plain_chunk_file_url.map(JsValue::from)),
            ("documentLoaderResultFileUrl", chunks.document_loader_result_file_url.map(JsValue::from)),
        ]));
    }
    if let Some(usage) = state.usage {
        set(&out, "usage", &object(&[
            ("embeddingEntries", usage.embedding_entries.map(|n| JsValue::from(n as f64))),
            ("embeddingTokens", usage.embedding_tokens.map(|n| JsValue::from(n as f64))),
        ]));
    }
    out.into()
}

/// `{ accessKeyId, accessKeySecret, securityToken, expiration }`: a credentials object that any
/// call takes, and that a provider may return.
pub(crate) fn assumed_role(assumed: AssumedRole) -> JsValue {
    let AssumedRole { credentials, expiration } = assumed;
    object(&[
        ("accessKeyId", Some(credentials.access_key_id.into())),
        ("accessKeySecret", Some(credentials.access_key_secret.into())),
        ("securityToken", credentials.security_token.map(JsValue::from)),
        ("expiration", Some(expiration.into())),
    ])
}

// A plain object of the members that are present.
fn object(members: &[(&str, Option<JsValue>)]) -> JsValue {
    let out = Object::new();
    for (key, value) in members {
        if let Some(value) = value {
            set(&out, key, value);
        }
    }
    out.into()
}
