//! The typed job operations' own code, beside callApi's path (`calls`): telling a cancel that an
//! earlier attempt may have applied from a failure.
//! Waiting for a status is the glue's (`waitForUploadDocumentJob` in glue.mjs): a loop of timers.

use super::rejection::Rejection;
use crate::protocol::{CancelResult, Error, UploadDocumentJobState};

/// The API's answer to a cancel of a job that is no longer running.
const STATUS_INVALID: &str = "UploadDocumentJob.StatusInvalid";

/// Whether a cancel was told the job is no longer running. When an attempt may have been applied
/// without its answer reaching us (a timeout, a lost connection, a gateway's 502 or 504), the
/// call then reads the job: a first attempt told so is the API's error, as it is.
pub(crate) fn is_status_invalid(rejection: &Rejection) -> bool {
    matches!(&*rejection.error, Error::Api(e) if e.code == STATUS_INVALID)
}

/// A job `Cancelling` or `Cancelled` may have been cancelled by an earlier attempt of this call:
/// the call succeeded. Finished, failed, or unknown: `None`, and the cancel's own error stands.
pub(crate) fn cancelled_earlier(state: UploadDocumentJobState) -> Option<CancelResult> {
    let status = state.job.status.filter(|status| matches!(status.as_str(), "Cancelling" | "Cancelled"))?;
    Some(CancelResult {
        request_id: state.request_id,
        status: "success".to_owned(),
        message: format!("the job is {status}: an earlier attempt of this call may have cancelled it, its answer lost"),
        already_cancelled: true,
    })
}
