//! The attempt loop: sign afresh, send, interpret; retry what may succeed, after a backoff or
//! the wait the server asked for; learn the server's clock when it rejects our timestamp.

use js_sys::Date;
use wasm_bindgen_futures::JsFuture;

use super::environment::{random_unit, set_server_time, sign_now};
use super::fetch::{caller_aborted, fetch_once};
use super::js_imports::glue;
use super::options::SendCall;
use super::rejection::Rejection;
use crate::protocol::redact::signature_secrets;
use crate::protocol::retry::{backoff_delay_ms, is_clock_skew, server_delay_ms};
use crate::protocol::{parse_job_state, parse_response, Action, CancelResult, Error, UploadDocumentJobState};
use crate::substring::find;

/// A successful answer, read as its action's result. One type for both, so that the attempt loop
/// is compiled once (as a generic it was compiled per action: 2 KB gzip more).
pub(crate) enum Answer {
    Cancelled(CancelResult),
    State(UploadDocumentJobState),
}

/// How a call's attempts ended, and whether one of them may have reached the server without its
/// answer reaching us (it timed out or the connection failed after it was sent).
pub(crate) struct Sent {
    pub(crate) result: Result<Answer, Rejection>,
    pub(crate) ambiguous: bool,
}

/// Sends `action` until it succeeds, fails for good, or its retries are spent.
pub(crate) async fn send(call: &SendCall, action: Action) -> Sent {
    let mut ambiguous = false;
    let result = attempt_until_done(call, action, &mut ambiguous).await;
    Sent { result, ambiguous }
}

fn parse(action: Action, status: u16, body: &[u8], secrets: &[&str]) -> Result<Answer, Error> {
    match action {
        Action::CancelUploadDocumentJob => parse_response(status, body, secrets).map(Answer::Cancelled),
        Action::GetUploadDocumentJob => parse_job_state(status, body, secrets).map(Answer::State),
    }
}

async fn attempt_until_done(call: &SendCall, action: Action, ambiguous: &mut bool) -> Result<Answer, Rejection> {
    let glue = glue()?;
    let mut attempts = 0;
    let mut retries = 0;
    let mut clock_corrected = false;
    loop {
        if let Some(aborted) = caller_aborted(&call.signal) {
            return Err(aborted.after(attempts));
        }
        let credentials = call.credentials.resolve().await.map_err(|r| r.after(attempts))?;
        // Every attempt is signed afresh: a new nonce and the current (corrected) time.
        let request = sign_now(action, &call.operation, &credentials, &call.destination, call.version, None, None)
            .map_err(|e| Rejection::from(e).after(attempts))?;
        // What a server or proxy may echo back and must not reach an error message.
        let signatures = signature_secrets(&request);
        let mut secrets = vec![call.operation.namespace_password.as_str(), credentials.access_key_secret.as_str()];
        secrets.extend(credentials.security_token.as_deref());
        secrets.extend(signatures.iter().map(String::as_str));
        attempts += 1;
        let (rejection, raw) = match fetch_once(&glue, &request, &call.signal, call.timeout_ms, &secrets).await {
            Ok(raw) => match parse(action, raw.status, &raw.body, &secrets) {
                Ok(result) => return Ok(result),
                Err(error) => (Rejection::from(error).after(attempts), Some(raw)),
            },
            Err(rejection) => (rejection.after(attempts), None),
        };
        *ambiguous |= may_have_arrived(&rejection.error);

        // A rejected timestamp: learn the server's clock from its Date header and retry once.
        if is_clock_skew(&rejection.error) && !clock_corrected {
            let server_ms = raw.as_ref().and_then(|r| r.header("date")).map(|date| Date::parse(&date)).filter(|ms| ms.is_finite());
            if let Some(server_ms) = server_ms {
                set_server_time(server_ms);
                clock_corrected = true;
                continue;
            }
        }
        if !rejection.error.retryable() || retries >= call.max_retries {
            return Err(rejection);
        }
        let asked = raw.as_ref().and_then(|r| {
            let http_date = |text: &str| Some(Date::parse(text)).filter(|ms| ms.is_finite());
            server_delay_ms(r.header("x-acs-retry-after").as_deref(), r.header("retry-after").as_deref(), http_date, Date::now())
        });
        let delay = asked.unwrap_or_else(|| backoff_delay_ms(retries, random_unit()));
        retries += 1;
        if let Err(reason) = JsFuture::from(glue.sleep(delay, &call.signal)).await {
            return Err(Rejection::with_cause(Error::Aborted, reason).after(attempts));
        }
    }
}

/// Whether a failed attempt may have reached the server: a timeout, or a connection that failed
/// other than by being refused or not found (those never carried the request).
fn may_have_arrived(error: &Error) -> bool {
    match error {
        Error::Timeout { .. } => true,
        Error::Network { message } => !["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"].iter().any(|code| find(message, code).is_some()),
        _ => false,
    }
}
