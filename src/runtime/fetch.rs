//! One attempt: hand a signed request to the global `fetch` and read the answer, bounded in
//! time (the per-attempt timeout) and in size (the body read limit).

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use super::js_imports::{global_fetch, AttemptSignal, Glue};
use super::rejection::Rejection;
use super::to_js::header_lines;
use crate::protocol::error::{ResponseError, ResponseProblem};
use crate::protocol::redact::redact;
use crate::protocol::{Error, InputProblem, SignedRequest};

/// The largest answer read. The API answers in well under a kilobyte.
const BODY_LIMIT: u32 = 1024 * 1024;

/// What came back, before it is interpreted.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    response: Response,
}

impl RawResponse {
    /// A response header (`date`, `retry-after`), read when a failed attempt needs one.
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
) -> Result<RawResponse, Rejection> {
    // Only a signal-like object whose addEventListener throws can make this fail.
    let attempt = Attempt(glue.attempt_signal(caller_signal, timeout_ms).map_err(|cause| {
        Rejection::with_cause(Error::input("signal", InputProblem::Malformed { expected: "an AbortSignal" }), cause)
    })?);
    let fault = |cause: JsValue| classify(glue, &cause, request, caller_signal, &attempt.0, timeout_ms, secrets);

    let init = glue.fetch_init(request.method, &header_lines(request), &request.body, &attempt.0.signal());

    let response: Response = JsFuture::from(global_fetch(&request.url, &init).map_err(fault)?)
        .await
        .map_err(fault)?
        .unchecked_into();
    let status = response.status();

    let body = JsFuture::from(glue.read_body(&response, BODY_LIMIT)).await.map_err(fault)?;
    if body.is_undefined() {
        let problem = ResponseProblem::TooLarge { limit: BODY_LIMIT as usize };
        return Err(Error::Response(ResponseError { http_status: status, problem, excerpt: String::new() }).into());
    }
    // The init asks for `redirect: "manual"`: a 3xx comes back as it is (Node, workerd, Deno,
    // Bun), or in browsers as an opaque redirect, which hides status and Location (status 0: no
    // other answer to a CORS fetch has it).
    if status == 0 || (300..400).contains(&status) {
        let location = response.headers().get("location").ok().flatten();
        let location_host = location.and_then(|location| glue.redirect_host(&location, &request.url));
        let problem = ResponseProblem::Redirect { location_host };
        return Err(Error::Response(ResponseError { http_status: status, problem, excerpt: String::new() }).into());
    }
    Ok(RawResponse { status, body: Uint8Array::new(&body).to_vec(), response })
}

/// The caller's signal has fired: an `Aborted` rejection with the signal's `reason` as cause.
pub(crate) fn caller_aborted(signal: &JsValue) -> Option<Rejection> {
    let aborted = signal.is_object() && Reflect::get(signal, &"aborted".into()).is_ok_and(|v| v.is_truthy());
    aborted.then(|| Rejection::with_cause(Error::Aborted, Reflect::get(signal, &"reason".into()).unwrap_or(JsValue::UNDEFINED)))
}

/// Why `fetch` or the body read failed: the caller aborted, the attempt timed out, or the network.
fn classify(
    glue: &Glue,
    cause: &JsValue,
    request: &SignedRequest,
    caller_signal: &JsValue,
    attempt: &AttemptSignal,
    timeout_ms: u32,
    secrets: &[&str],
) -> Rejection {
    if let Some(aborted) = caller_aborted(caller_signal) {
        return aborted;
    }
    if attempt.timed_out() {
        return Rejection::with_cause(Error::Timeout { after_ms: timeout_ms }, cause.clone());
    }
    let message = glue.network_error_message(cause, &request.url);
    Rejection::with_cause(Error::Network { message: redact(&message, secrets) }, cause.clone())
}
