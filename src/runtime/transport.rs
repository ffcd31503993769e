//! One attempt: hand a signed request to the global `fetch` and read the answer, bounded in
//! time (the per-attempt timeout) and in size (the body read limit).

use crate::prelude::*;

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use super::bindings::{global_fetch, AttemptSignal, Glue};
use super::failure::Failure;
use crate::protocol::error::{ResponseError, ResponseProblem};
use crate::protocol::redact::redact;
use crate::protocol::substring::find;
use crate::protocol::text::concat;
use crate::protocol::{Error, SignedRequest};

/// The largest answer read. The API answers in well under a kilobyte.
pub(crate) const BODY_LIMIT: u32 = 1024 * 1024;

/// What came back, before it is interpreted.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    response: Response,
}

impl RawResponse {
    /// A response header: read only when a failed attempt needs one (`date`, `retry-after`).
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.response.headers().get(name).ok().flatten()
    }
}

// Clears the timer and the caller-signal listener however the attempt ends.
struct Attempt(AttemptSignal);

impl Drop for Attempt {
    fn drop(&mut self) {
        self.0.dispose();
    }
}

pub(crate) async fn fetch_once(
    glue: &Glue,
    request: &SignedRequest,
    caller_signal: &JsValue,
    timeout_ms: u32,
    secrets: &[&str],
) -> Result<RawResponse, Failure> {
    // Only a signal-like object whose addEventListener throws can make this fail.
    let attempt = Attempt(glue.attempt_signal(caller_signal, timeout_ms).map_err(|cause| {
        Failure::with_cause(Error::Input(crate::protocol::InputError { field: "signal".into(), problem: crate::protocol::InputProblem::Malformed { expected: "an AbortSignal" } }), cause)
    })?);
    let fault = |cause: JsValue| classify(&cause, caller_signal, &attempt.0, timeout_ms, secrets);

    let headers: js_sys::Object = super::signed_headers().into();
    let init = glue.fetch_init(request.method, &headers, &request.body, &attempt.0.signal());

    let response: Response = JsFuture::from(global_fetch(&request.url, &init).map_err(fault)?)
        .await
        .map_err(fault)?
        .unchecked_into();
    let status = response.status();

    let body = JsFuture::from(glue.read_body(&response, BODY_LIMIT)).await.map_err(fault)?;
    if body.is_undefined() {
        return Err(Error::Response(ResponseError {
            http_status: status,
            problem: ResponseProblem::TooLarge { limit: BODY_LIMIT as usize },
            excerpt: String::new(),
        })
        .into());
    }
    let body = js_sys::Uint8Array::new(&body).to_vec();
    Ok(RawResponse { status, body, response })
}

/// The caller's signal has fired: an `Aborted` failure with the signal's `reason` as cause.
pub(crate) fn caller_aborted(signal: &JsValue) -> Option<Failure> {
    let aborted = signal.is_object() && Reflect::get(signal, &"aborted".into()).is_ok_and(|v| v.is_truthy());
    aborted.then(|| {
        Failure::with_cause(Error::Aborted, Reflect::get(signal, &"reason".into()).unwrap_or(JsValue::UNDEFINED))
    })
}

/// Why `fetch` or the body read failed: the caller aborted, the attempt timed out, or the network.
fn classify(cause: &JsValue, caller_signal: &JsValue, attempt: &AttemptSignal, timeout_ms: u32, secrets: &[&str]) -> Failure {
    if let Some(aborted) = caller_aborted(caller_signal) {
        return aborted;
    }
    if attempt.timed_out() {
        return Failure::with_cause(Error::Timeout { after_ms: timeout_ms }, cause.clone());
    }
    Failure::with_cause(Error::Network { message: redact(&describe(cause), secrets) }, cause.clone())
}

// "fetch failed (ECONNREFUSED)": the error's message and, as Node's fetch puts it, its cause's code.
fn describe(error: &JsValue) -> String {
    let text = |value: &JsValue, key: &str| Reflect::get(value, &key.into()).ok().and_then(|v| v.as_string());
    let message = text(error, "message").unwrap_or_else(|| "fetch failed".to_owned());
    let code = Reflect::get(error, &"cause".into())
        .ok()
        .filter(JsValue::is_object)
        .and_then(|cause| text(&cause, "code").or_else(|| text(&cause, "message")));
    match code {
        Some(code) if find(&message, &code).is_none() => concat(&[&message, " (", &code, ")"]),
        _ => message,
    }
}
