//! The attempt loop: sign afresh, send, interpret; retry what may succeed, after a backoff or
//! the wait the server asked for; learn the server's clock when it rejects our timestamp.

use crate::prelude::*;

use core::cell::Cell;

use js_sys::Date;
use wasm_bindgen_futures::JsFuture;

use super::bindings::with_glue;
use super::failure::Failure;
use super::global::Global;
use super::options::SendCall;
use super::transport::{caller_aborted, fetch_once};
use crate::protocol::retry::{backoff_delay_ms, clock_offset_ms, is_clock_skew, server_delay_ms};
use crate::protocol::{parse_response, sign_request, CancelResult, Error, Timestamp};

// What to add to Date.now() to read the server's clock; kept for the module's lifetime,
// like AWS SDK v3's systemClockOffset.
static CLOCK_OFFSET_MS: Global<Cell<f64>> = Global::new(Cell::new(0.0));

/// `Date.now()` corrected by the offset learnt from the server.
pub(crate) fn corrected_now_ms() -> f64 {
    Date::now() + CLOCK_OFFSET_MS.with(Cell::get)
}

/// 128 random bits from `crypto.getRandomValues`, as 32 hex digits. Without them no request can
/// be sent safely: a typed error (kind `network`, like a module loaded without its glue), never a
/// trap, which would leak the call's stack and strings every time it happened.
pub(crate) fn new_nonce() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    if !fill_random(&mut bytes) {
        return Err(Error::Network { message: "crypto.getRandomValues failed: no random SignatureNonce could be drawn".into() });
    }
    let mut nonce = String::with_capacity(32);
    for byte in bytes {
        nonce.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        nonce.push(char::from_digit(u32::from(byte & 0xF), 16).unwrap_or('0'));
    }
    Ok(nonce)
}

/// Fills `bytes` from the pool; `false` when crypto.getRandomValues failed.
fn fill_random(bytes: &mut [u8]) -> bool {
    // crypto.getRandomValues costs microseconds a call: draw 4 KiB (256 nonces) at a time.
    RANDOM_POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let (buffer, used) = &mut *pool;
        for byte in bytes.iter_mut() {
            if *used == buffer.len() {
                if getrandom::fill(buffer).is_err() {
                    return false;
                }
                *used = 0;
            }
            *byte = buffer[*used];
            *used += 1;
        }
        true
    })
}

// Random bytes not handed out yet, and how many of the buffer have been.
static RANDOM_POOL: Global<core::cell::RefCell<([u8; 4096], usize)>> = Global::new(core::cell::RefCell::new(([0; 4096], 4096)));

/// A uniform number in `[0, 1)` for the backoff's jitter; the middle of the window if
/// crypto.getRandomValues failed (the next nonce will report that).
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if !fill_random(&mut bytes) {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

pub(crate) async fn send(call: SendCall) -> Result<CancelResult, Failure> {
    let glue = with_glue(Clone::clone).ok_or_else(|| Failure::from(super::bindings::not_installed()))?;
    let mut attempts = 0;
    let mut retries = 0;
    let mut clock_corrected = false;
    loop {
        if let Some(failure) = caller_aborted(&call.signal) {
            return Err(failure.after(attempts));
        }
        let credentials = call.credentials.resolve().await.map_err(|f| f.after(attempts))?;
        let mut secrets = vec![call.operation.namespace_password.as_str(), credentials.access_key_secret.as_str()];
        secrets.extend(credentials.security_token.as_deref());

        // Every attempt is signed afresh: a new nonce and the current (corrected) time.
        let timestamp = Timestamp::from_unix_millis(corrected_now_ms() as i64).map_err(|e| Failure::from(e).after(attempts))?;
        let nonce = new_nonce().map_err(|e| Failure::from(e).after(attempts))?;
        let request = sign_request(&call.operation, &credentials, &call.endpoint, timestamp, &nonce)
            .map_err(|e| Failure::from(e).after(attempts))?;
        attempts += 1;
        let (failure, raw) = match fetch_once(&glue, &request, &call.signal, call.timeout_ms, &secrets).await {
            Ok(raw) => match parse_response(raw.status, &raw.body, &secrets) {
                Ok(result) => return Ok(result),
                Err(error) => (Failure::from(error).after(attempts), Some(raw)),
            },
            Err(failure) => (failure.after(attempts), None),
        };

        // A rejected timestamp: learn the server's clock from its Date header and retry once.
        if is_clock_skew(&failure.error) && !clock_corrected {
            let server_ms = raw.as_ref().and_then(|r| r.header("date")).map(|date| Date::parse(&date)).filter(|ms| ms.is_finite());
            if let Some(server_ms) = server_ms {
                CLOCK_OFFSET_MS.with(|offset| offset.set(clock_offset_ms(server_ms, Date::now())));
                clock_corrected = true;
                continue;
            }
        }
        if !failure.error.retryable() || retries >= call.max_retries {
            return Err(failure);
        }
        let asked = raw.as_ref().and_then(|r| {
            let http_date = |text: &str| Some(Date::parse(text)).filter(|ms| ms.is_finite());
            server_delay_ms(r.header("x-acs-retry-after").as_deref(), r.header("retry-after").as_deref(), http_date, Date::now())
        });
        let delay = asked.unwrap_or_else(|| backoff_delay_ms(retries, random_unit()));
        retries += 1;
        if let Err(reason) = JsFuture::from(glue.sleep(delay, &call.signal)).await {
            return Err(Failure::with_cause(Error::Aborted, reason).after(attempts));
        }
    }
}
