//! The attempt loop: sign afresh, send, interpret; then do what the retry strategy
//! ([`crate::protocol::retry::decide`]) says: wait and send again, correct the clock and send
//! again, or give up. Every action goes through this one loop.

use js_sys::Date;
use wasm_bindgen_futures::JsFuture;

use super::environment::{random_unit, set_server_time, sign_now};
use super::fetch::{caller_aborted, fetch_once};
use super::js_imports::glue;
use super::options::SendCall;
use super::rejection::Rejection;
use crate::protocol::redact::signature_secrets;
use crate::protocol::retry::{decide, may_have_applied, server_delay_ms, Decision, FailedAttempt, RetryPolicy};
use crate::protocol::{ApiRequest, AssumedRole, CancelResult, Error, UploadDocumentJobState};

/// A successful answer, read by its action's parser. One type for every action, so that the
/// attempt loop is compiled once (as a generic it was compiled per action: 2 KB gzip more).
pub(crate) enum Answer {
    Cancelled(CancelResult),
    State(UploadDocumentJobState),
    AssumedRole(AssumedRole),
    /// Any action's answer, checked to be a JSON object: its text, for `JSON.parse`.
    Json(String),
}

/// Reads an answer (status, body, the secrets to scrub from errors) for one action.
pub(crate) type Parser = fn(u16, &[u8], &[&str]) -> Result<Answer, Error>;

/// How a call's attempts ended, and whether one of them may have been applied without its
/// answer reaching us ([`may_have_applied`]).
pub(crate) struct Sent {
    pub(crate) result: Result<Answer, Rejection>,
    pub(crate) ambiguous: bool,
}

/// Sends `request` until it succeeds, fails for good, or its retries are spent. `secrets` are
/// the request's secret parameter values, scrubbed from every error besides the credentials'.
pub(crate) async fn send(call: &SendCall, request: &ApiRequest<'_>, secrets: &[&str], policy: RetryPolicy, parse: Parser) -> Sent {
    let mut ambiguous = false;
    let result = attempt_until_done(call, request, secrets, policy, parse, &mut ambiguous).await;
    Sent { result, ambiguous }
}

async fn attempt_until_done(
    call: &SendCall,
    request: &ApiRequest<'_>,
    secret_parameters: &[&str],
    policy: RetryPolicy,
    parse: Parser,
    ambiguous: &mut bool,
) -> Result<Answer, Rejection> {
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
        let signed = sign_now(request, &credentials, &call.destination, call.version, None, None)
            .map_err(|e| Rejection::from(e).after(attempts))?;
        // What a server or proxy may echo back and must not reach an error message.
        let signatures = signature_secrets(&signed);
        let mut secrets = secret_parameters.to_vec();
        secrets.push(credentials.access_key_secret.as_str());
        secrets.extend(credentials.security_token.as_deref());
        secrets.extend(signatures.iter().map(String::as_str));
        attempts += 1;
        let (rejection, raw) = match fetch_once(&glue, &signed, &call.signal, call.timeout_ms, &secrets).await {
            Ok(raw) => match parse(raw.status, &raw.body, &secrets) {
                Ok(answer) => return Ok(answer),
                Err(error) => (Rejection::from(error).after(attempts), Some(raw)),
            },
            Err(rejection) => (rejection.after(attempts), None),
        };
        *ambiguous |= may_have_applied(&rejection.error);

        let http_date = |text: &str| Some(Date::parse(text)).filter(|ms| ms.is_finite());
        let failed = FailedAttempt {
            error: &rejection.error,
            retries,
            max_retries: call.max_retries,
            clock_corrected,
            server_date_ms: raw.as_ref().and_then(|r| r.header("date")).and_then(|date| http_date(&date)),
            server_delay_ms: raw.as_ref().and_then(|r| {
                server_delay_ms(r.header("x-acs-retry-after").as_deref(), r.header("retry-after").as_deref(), http_date, Date::now())
            }),
            jitter: random_unit(),
        };
        match decide(policy, &failed) {
            Decision::CorrectClockAndRetry { server_ms } => {
                set_server_time(server_ms);
                clock_corrected = true;
            }
            Decision::RetryAfter { ms } => {
                retries += 1;
                if let Err(reason) = JsFuture::from(glue.sleep(ms, &call.signal)).await {
                    return Err(Rejection::with_cause(Error::Aborted, reason).after(attempts));
                }
            }
            _ => return Err(rejection),
        }
    }
}
