//! What the exports do with a job, above the attempt loop: sign a request for it, cancel it (and
//! tell a cancel that an earlier attempt already applied from a failure), read its state. Waiting
//! for a status is the glue's (`waitForUploadDocumentJob` in glue.mjs): a loop of timers.

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

use super::attempts::{send, Answer};
use super::js_imports::glue;
use super::options::{self, SendCall};
use super::{environment, to_js};
use super::rejection::Rejection;
use crate::protocol::{Action, CancelResult, Error, ResponseError, ResponseProblem, UploadDocumentJobState};

/// The asynchronous exports.
#[derive(Clone, Copy)]
pub(crate) enum Call {
    Cancel,
    Get,
}

/// Runs an asynchronous export. One future type for both (a `#[wasm_bindgen] async fn` each
/// compiled the attempt loop into each: README, Performance).
pub(crate) fn run(call: Call, options: JsValue) -> Promise {
    future_to_promise(async move {
        let send = options::read_send(&options)?;
        Ok(match call {
            Call::Cancel => to_js::cancel_result(cancel(send).await?),
            Call::Get => to_js::job_state(get(&send).await?),
        })
    })
}

/// Signs `action` without sending it: `{ method, url, headers, body }`.
pub(crate) fn sign(action: Action, options: &JsValue) -> Result<JsValue, JsValue> {
    let call = options::read_sign(options)?;
    let request =
        environment::sign_now(action, &call.operation, &call.credentials, &call.destination, call.version, call.timestamp_ms, call.nonce)
            .map_err(Rejection::from)?;
    Ok(to_js::signed_request(&glue().map_err(Rejection::from)?, &request))
}

/// The API's answer to a cancel of a job that is no longer running.
const STATUS_INVALID: &str = "UploadDocumentJob.StatusInvalid";

/// Cancels the job. When an attempt may have reached the server without its answer reaching us,
/// and a later attempt is told the job is no longer running, GetUploadDocumentJob decides: a
/// job `Cancelling` or `Cancelled` was cancelled by that earlier attempt, so the call succeeded.
/// A first attempt told so is the API's error, as it is.
pub(crate) async fn cancel(call: SendCall) -> Result<CancelResult, Rejection> {
    let sent = send(&call, Action::CancelUploadDocumentJob).await;
    let rejection = match sent.result {
        Err(rejection) if sent.ambiguous && matches!(&rejection.error, Error::Api(e) if e.code == STATUS_INVALID) => rejection,
        Err(rejection) => return Err(rejection),
        Ok(Answer::Cancelled(result)) => return Ok(result),
        Ok(Answer::State(_)) => return Err(unexpected()),
    };
    match get(&call).await {
        Ok(state) if matches!(state.job.status.as_deref(), Some("Cancelling" | "Cancelled")) => Ok(CancelResult {
            request_id: state.request_id,
            status: "success".to_owned(),
            message: format!(
                "the job is {}: an earlier attempt of this call cancelled it, though its answer was lost",
                state.job.status.unwrap_or_default()
            ),
            already_cancelled: true,
        }),
        // Finished, failed, or unknown: the cancel's own error stands.
        _ => Err(rejection),
    }
}

/// Reads the job's state.
pub(crate) async fn get(call: &SendCall) -> Result<UploadDocumentJobState, Rejection> {
    match send(call, Action::GetUploadDocumentJob).await.result? {
        Answer::State(state) => Ok(state),
        Answer::Cancelled(_) => Err(unexpected()),
    }
}

// An answer read as another action's: the attempt loop reads each action's answers with its own
// parser, so this does not happen.
fn unexpected() -> Rejection {
    Error::Response(ResponseError { http_status: 200, problem: ResponseProblem::MissingField("Job"), excerpt: String::new() }).into()
}
