//! The retry strategy: a failed attempt in, a [`Decision`] out (retry after N ms, correct the
//! clock and retry, or give up), and whether the attempt may have been applied. Pure: the caller
//! supplies the randomness, the clock readings and the parsed header values; the attempt loop in
//! `runtime/` only acts on the decision.
//!
//! Modelled on AWS SDK v3: full-jitter exponential backoff, `Retry-After` honoured, and a clock
//! offset learnt from the server's `Date` when it rejects a request's timestamp.

use super::error::Error;
use crate::substring::find;

/// Retries after the first attempt, unless the caller says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The most retries a caller may ask for.
pub const MAX_RETRIES_LIMIT: u32 = 10;
/// The first backoff window.
pub const BASE_DELAY_MS: f64 = 100.0;
/// No wait is longer, whatever the backoff or the server asks.
pub const MAX_DELAY_MS: f64 = 20_000.0;

/// Full jitter: a uniformly random wait in `[0, min(cap, base · 2^retry))`, `retry` counting from 0.
/// `unit` is a random number in `[0, 1)`.
pub fn backoff_delay_ms(retry: u32, unit: f64) -> f64 {
    let window = (BASE_DELAY_MS * (1u64 << retry.min(30)) as f64).min(MAX_DELAY_MS);
    // Truncation is floor here: the wait is never negative. (`f64::floor` is std-only.)
    (window * unit.clamp(0.0, 1.0)) as u64 as f64
}

/// The wait a server asked for, capped at [`MAX_DELAY_MS`]: `x-acs-retry-after` in milliseconds,
/// else `Retry-After` as delay-seconds or an HTTP date (`http_date_ms` parses one).
pub fn server_delay_ms(
    x_acs_retry_after: Option<&str>,
    retry_after: Option<&str>,
    http_date_ms: impl FnOnce(&str) -> Option<f64>,
    now_ms: f64,
) -> Option<f64> {
    let millis = |text: &str| text.trim().parse::<u64>().ok().map(|n| n as f64);
    let delay = x_acs_retry_after.and_then(millis).or_else(|| {
        let text = retry_after?.trim();
        match millis(text) {
            Some(seconds) => Some(seconds * 1000.0),
            None => http_date_ms(text).map(|at| (at - now_ms).max(0.0)),
        }
    })?;
    Some(delay.min(MAX_DELAY_MS))
}

/// Whether the server rejected the request's `Timestamp` as too far from its own clock.
pub fn is_clock_skew(error: &Error) -> bool {
    match error {
        Error::Api(e) => e.code.starts_with("InvalidTimeStamp") || e.code == "IllegalTimestamp",
        _ => false,
    }
}

/// Which failures a call may send again.
#[non_exhaustive]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RetryPolicy {
    /// Any transient failure: a throttle, a 5xx, a timeout, a lost connection. For actions that
    /// may be applied twice to the same effect (reads, AssumeRole, a caller's `idempotent: true`),
    /// and for CancelUploadDocumentJob, whose ambiguous answers the runtime resolves by reading
    /// the job.
    Transient,
    /// Only what was surely not applied: a throttle (`Throttling*`, 429) and a connection that
    /// was refused or never opened. The default of `callApi`: an action may not be idempotent.
    SurelyNotApplied,
}

/// What the attempt loop does after a failed attempt.
#[non_exhaustive]
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Decision {
    /// Sign afresh and send again after this many milliseconds.
    RetryAfter {
        /// The wait.
        ms: f64,
    },
    /// The server rejected the timestamp: set the clock to the server's and send again at once.
    CorrectClockAndRetry {
        /// The server's time (its `Date`) when it answered, in milliseconds since the epoch.
        server_ms: f64,
    },
    /// The error is the call's answer.
    GiveUp,
}

/// A failed attempt, with what the runtime read around it.
#[derive(Clone, Copy, Debug)]
pub struct FailedAttempt<'a> {
    /// What went wrong.
    pub error: &'a Error,
    /// Retries already made in this call (0 after the first attempt).
    pub retries: u32,
    /// Retries the caller allows.
    pub max_retries: u32,
    /// Whether the clock was already corrected in this call (it is corrected once).
    pub clock_corrected: bool,
    /// The answer's `Date`, parsed, when there was an answer.
    pub server_date_ms: Option<f64>,
    /// The wait the server asked for ([`server_delay_ms`]).
    pub server_delay_ms: Option<f64>,
    /// A random number in `[0, 1)` for the backoff's jitter.
    pub jitter: f64,
}

/// What to do after `failed`, under `policy`.
pub fn decide(policy: RetryPolicy, failed: &FailedAttempt<'_>) -> Decision {
    // A rejected timestamp was not applied: correct the clock and send again, whatever the policy.
    if is_clock_skew(failed.error) && !failed.clock_corrected {
        if let Some(server_ms) = failed.server_date_ms.filter(|ms| ms.is_finite()) {
            return Decision::CorrectClockAndRetry { server_ms };
        }
    }
    let may_retry = match policy {
        RetryPolicy::Transient => failed.error.retryable(),
        RetryPolicy::SurelyNotApplied => failed.error.retryable() && surely_not_applied(failed.error),
    };
    if !may_retry || failed.retries >= failed.max_retries {
        return Decision::GiveUp;
    }
    let ms = failed.server_delay_ms.unwrap_or_else(|| backoff_delay_ms(failed.retries, failed.jitter));
    Decision::RetryAfter { ms }
}

/// Whether a failed attempt may have reached the API and been applied, its answer lost: a
/// timeout, a connection that failed other than by being refused or never opened, or a gateway's
/// `502`/`504` (the gateway may have passed the request on before it gave up on the answer).
pub fn may_have_applied(error: &Error) -> bool {
    match error {
        Error::Timeout { .. } => true,
        Error::Network { .. } => !never_connected(error),
        Error::Api(_) | Error::Response(_) => matches!(error.http_status(), Some(502 | 504)),
        _ => false,
    }
}

/// Whether a failure surely left the API untouched: it throttled the request (`Throttling*`,
/// 429), or the connection was refused or never opened.
pub fn surely_not_applied(error: &Error) -> bool {
    match error {
        Error::Api(e) => e.code.starts_with("Throttling") || e.http_status == 429,
        Error::Response(e) => e.http_status == 429,
        Error::Network { .. } => never_connected(error),
        _ => false,
    }
}

// Refused, or the host's name did not resolve: the request never left. The codes are Node's and
// Bun's (`fetch failed (ECONNREFUSED)`); a browser's `Failed to fetch` says nothing, so counts as sent.
fn never_connected(error: &Error) -> bool {
    let Error::Network { message } = error else { return false };
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ConnectionRefused"].iter().any(|code| find(message, code).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::error::{ApiError, ResponseError, ResponseProblem};

    fn api(code: &str, http_status: u16) -> Error {
        Error::Api(Box::new(ApiError { code: code.into(), message: String::new(), request_id: None, host_id: None, recommend: None, http_status }))
    }

    fn response(http_status: u16) -> Error {
        Error::Response(ResponseError { http_status, problem: ResponseProblem::NotJson, excerpt: String::new() })
    }

    fn network(message: &str) -> Error {
        Error::Network { message: message.into() }
    }

    fn failed(error: &Error) -> FailedAttempt<'_> {
        FailedAttempt { error, retries: 0, max_retries: 2, clock_corrected: false, server_date_ms: None, server_delay_ms: None, jitter: 0.5 }
    }

    #[test]
    fn transient_failures_are_retried_under_the_transient_policy() {
        for error in [api("Throttling.User", 400), api("ServiceUnavailable", 503), api("BadGateway", 502), response(504), network("fetch failed (ECONNRESET)"), Error::Timeout { after_ms: 5 }] {
            assert_eq!(decide(RetryPolicy::Transient, &failed(&error)), Decision::RetryAfter { ms: 50.0 }, "{error}");
        }
        for error in [api("SignatureDoesNotMatch", 400), api("Forbidden.RAM", 403), Error::Aborted, api("UploadDocumentJob.StatusInvalid", 400)] {
            assert_eq!(decide(RetryPolicy::Transient, &failed(&error)), Decision::GiveUp, "{error}");
        }
    }

    #[test]
    fn without_idempotence_only_what_surely_was_not_applied_is_retried() {
        let policy = RetryPolicy::SurelyNotApplied;
        for error in [api("Throttling.User", 400), api("Throttling", 503), response(429), network("fetch failed (ECONNREFUSED)"), network("fetch failed (ENOTFOUND)")] {
            assert!(matches!(decide(policy, &failed(&error)), Decision::RetryAfter { .. }), "{error}");
        }
        for error in [api("InternalError", 500), api("ServiceUnavailable", 503), response(502), response(504), network("fetch failed (ECONNRESET)"), network("Failed to fetch"), Error::Timeout { after_ms: 5 }] {
            assert_eq!(decide(policy, &failed(&error)), Decision::GiveUp, "{error}");
        }
    }

    #[test]
    fn the_server_wait_and_the_retry_budget_are_honoured() {
        let error = api("Throttling.User", 400);
        let asked = FailedAttempt { server_delay_ms: Some(1234.0), ..failed(&error) };
        assert_eq!(decide(RetryPolicy::SurelyNotApplied, &asked), Decision::RetryAfter { ms: 1234.0 });
        let spent = FailedAttempt { retries: 2, ..failed(&error) };
        assert_eq!(decide(RetryPolicy::Transient, &spent), Decision::GiveUp);
        let third = FailedAttempt { retries: 2, max_retries: 3, jitter: 0.5, ..failed(&error) };
        assert_eq!(decide(RetryPolicy::Transient, &third), Decision::RetryAfter { ms: 200.0 });
    }

    #[test]
    fn a_rejected_timestamp_corrects_the_clock_once_whatever_the_policy() {
        let error = api("InvalidTimeStamp.Expired", 400);
        let with_date = FailedAttempt { server_date_ms: Some(1e12), ..failed(&error) };
        for policy in [RetryPolicy::Transient, RetryPolicy::SurelyNotApplied] {
            assert_eq!(decide(policy, &with_date), Decision::CorrectClockAndRetry { server_ms: 1e12 });
            assert_eq!(decide(policy, &FailedAttempt { clock_corrected: true, ..with_date }), Decision::GiveUp);
            assert_eq!(decide(policy, &failed(&error)), Decision::GiveUp, "no Date, no correction");
        }
    }

    #[test]
    fn gateway_timeouts_may_have_been_applied() {
        for error in [response(504), response(502), api("GatewayTimeout", 504), api("BadGateway", 502), Error::Timeout { after_ms: 1 }, network("fetch failed (ECONNRESET)"), network("Failed to fetch")] {
            assert!(may_have_applied(&error), "{error}");
        }
        for error in [response(500), api("ServiceUnavailable", 503), api("Throttling", 429), network("fetch failed (ECONNREFUSED)"), network("getaddrinfo EAI_AGAIN"), Error::Aborted] {
            assert!(!may_have_applied(&error), "{error}");
        }
    }

    #[test]
    fn full_jitter_windows_double_up_to_the_cap() {
        assert_eq!(backoff_delay_ms(0, 0.0), 0.0);
        assert_eq!(backoff_delay_ms(0, 0.999_999), 99.0);
        assert_eq!(backoff_delay_ms(1, 0.5), 100.0);
        assert_eq!(backoff_delay_ms(3, 0.5), 400.0);
        assert_eq!(backoff_delay_ms(20, 0.5), 10_000.0);
        assert_eq!(backoff_delay_ms(u32::MAX, 1.0), 20_000.0);
    }

    #[test]
    fn server_delays_are_read_and_capped() {
        let never = |_: &str| None;
        assert_eq!(server_delay_ms(Some("250"), Some("9"), never, 0.0), Some(250.0));
        assert_eq!(server_delay_ms(None, Some(" 2 "), never, 0.0), Some(2000.0));
        assert_eq!(server_delay_ms(None, Some("600"), never, 0.0), Some(MAX_DELAY_MS));
        assert_eq!(server_delay_ms(None, Some("Wed, 21 Oct 2015 07:28:05 GMT"), |_| Some(5_000.0), 1_000.0), Some(4_000.0));
        assert_eq!(server_delay_ms(None, Some("Wed, 21 Oct 2015 07:28:00 GMT"), |_| Some(0.0), 1_000.0), Some(0.0));
        assert_eq!(server_delay_ms(None, Some("soon"), never, 0.0), None);
        assert_eq!(server_delay_ms(Some("-1"), None, never, 0.0), None);
        assert_eq!(server_delay_ms(None, None, never, 0.0), None);
    }
}
