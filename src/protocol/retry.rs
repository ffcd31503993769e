//! When to send again and how long to wait first. Pure: the caller supplies the randomness,
//! the clock readings and the parsed header values.
//!
//! Modelled on AWS SDK v3: full-jitter exponential backoff, `Retry-After` honoured, and a clock
//! offset learnt from the server's `Date` when it rejects a request's timestamp.

use super::error::Error;

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

/// The offset to add to the local clock so that it reads the server's time.
pub fn clock_offset_ms(server_date_ms: f64, local_now_ms: f64) -> f64 {
    server_date_ms - local_now_ms
}

#[cfg(test)]
mod tests {
    use super::*;

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
