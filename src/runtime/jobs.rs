//! The typed job operations on callApi's path: their parameters and their typed answers. Cancel
//! also tells a cancel that an earlier attempt may have applied from a failure. Waiting for a
//! status is the glue's (`waitForUploadDocumentJob` in glue.mjs): a loop of timers.

use wasm_bindgen::JsValue;

use super::attempts::{send, Answer};
use super::js_imports::glue;
use super::options::{self, SendCall, JOB_SEND, JOB_SIGN};
use super::{environment, to_js};
use super::rejection::Rejection;
use crate::protocol::retry::RetryPolicy;
use crate::protocol::{
    parse_cancel_answer, parse_job_state, Action, CancelResult, Error, UploadDocumentJobParameters, UploadDocumentJobState,
};

/// `cancelUploadDocumentJob` or `getUploadDocumentJob`: its JS result.
pub(crate) async fn run(action: Action, options: JsValue) -> Result<JsValue, Rejection> {
    let options = options::read(&options, &JOB_SEND)?;
    let (job, endpoint) = options::read_job(&options)?;
    let call = options::read_send(&options, Some(endpoint))?;
    Ok(match action {
        Action::CancelUploadDocumentJob => to_js::cancel_result(cancel(&call, &job).await?),
        Action::GetUploadDocumentJob => to_js::job_state(get(&call, &job).await?),
    })
}

/// Signs `action` on the job without sending it: `{ method, url, headers, body }`.
pub(crate) fn sign(action: Action, options: &JsValue) -> Result<JsValue, JsValue> {
    let options = options::read(options, &JOB_SIGN)?;
    let (job, endpoint) = options::read_job(&options)?;
    let call = options::read_sign(&options, Some(endpoint))?;
    let request = job.request(action).map_err(Rejection::from)?;
    let signed = environment::sign_now(&request, &call.credentials, &call.destination, call.version, call.timestamp_ms, call.nonce)
        .map_err(Rejection::from)?;
    Ok(to_js::signed_request(&glue().map_err(Rejection::from)?, &signed))
}

/// The API's answer to a cancel of a job that is no longer running.
const STATUS_INVALID: &str = "UploadDocumentJob.StatusInvalid";

/// Cancels the job. When an attempt may have been applied without its answer reaching us (a
/// timeout, a lost connection, a gateway's 502 or 504), and a later attempt is told the job is no
/// longer running, GetUploadDocumentJob decides: a job `Cancelling` or `Cancelled` may have been
/// cancelled by that earlier attempt, so the call succeeded. A first attempt told so is the API's
/// error, as it is.
async fn cancel(call: &SendCall, job: &UploadDocumentJobParameters) -> Result<CancelResult, Rejection> {
    let request = job.request(Action::CancelUploadDocumentJob)?;
    let parse = |status: u16, body: &[u8], secrets: &[&str]| parse_cancel_answer(status, body, secrets).map(Answer::Cancelled);
    let sent = send(call, &request, &[&job.namespace_password], RetryPolicy::Transient, parse).await;
    let rejection = match sent.result {
        Ok(Answer::Cancelled(result)) => return Ok(result),
        Err(rejection) if sent.ambiguous && matches!(&rejection.error, Error::Api(e) if e.code == STATUS_INVALID) => rejection,
        Err(rejection) => return Err(rejection),
        Ok(_) => unreachable!("the cancel's parser answers Cancelled"),
    };
    match get(call, job).await {
        Ok(state) if matches!(state.job.status.as_deref(), Some("Cancelling" | "Cancelled")) => Ok(CancelResult {
            request_id: state.request_id,
            status: "success".to_owned(),
            message: format!(
                "the job is {}: an earlier attempt of this call may have cancelled it, its answer lost",
                state.job.status.unwrap_or_default()
            ),
            already_cancelled: true,
        }),
        // Finished, failed, or unknown: the cancel's own error stands.
        _ => Err(rejection),
    }
}

/// Reads the job's state.
async fn get(call: &SendCall, job: &UploadDocumentJobParameters) -> Result<UploadDocumentJobState, Rejection> {
    let request = job.request(Action::GetUploadDocumentJob)?;
    let parse = |status: u16, body: &[u8], secrets: &[&str]| parse_job_state(status, body, secrets).map(Answer::State);
    match send(call, &request, &[&job.namespace_password], RetryPolicy::Transient, parse).await.result? {
        Answer::State(state) => Ok(state),
        _ => unreachable!("the job state's parser answers State"),
    }
}
