//! What the runtime takes from the host besides the options: the time, from `Date.now()`
//! corrected by the server's clock, and randomness, from `crypto.getRandomValues` (through
//! getrandom). The pure core never reads either; it is handed both here.

use std::cell::{Cell, RefCell};

use js_sys::Date;

use crate::protocol::encode::hex;
use crate::protocol::{
    sign_request, ApiRequest, Credentials, Destination, EnvironmentProblem, Error, InputProblem, SignatureVersion, SignedRequest,
    Timestamp,
};

thread_local! {
    // What to add to Date.now() to read the server's clock; kept for the module's lifetime,
    // like AWS SDK v3's systemClockOffset.
    static CLOCK_OFFSET_MS: Cell<f64> = const { Cell::new(0.0) };
}

/// `Date.now()` corrected by the offset learnt from the server.
pub(crate) fn corrected_now_ms() -> f64 {
    Date::now() + CLOCK_OFFSET_MS.get()
}

/// Learns the server's clock from the `Date` of an answer that rejected our timestamp.
pub(crate) fn set_server_time(server_ms: f64) {
    CLOCK_OFFSET_MS.set(server_ms - Date::now());
}

/// 128 random bits as 32 hex digits. Without them no request can be signed safely: an
/// environment error, never a trap.
pub(crate) fn new_nonce() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    if !fill_random(&mut bytes) {
        return Err(Error::Environment(EnvironmentProblem::NoRandomness));
    }
    Ok(hex(&bytes))
}

/// A uniform number in `[0, 1)` for the backoff's jitter; the middle of the window if
/// crypto.getRandomValues failed (the next nonce will report that).
pub(crate) fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if !fill_random(&mut bytes) {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// Fills `bytes` from a pool refilled 256 bytes at a time: in Node one crypto.getRandomValues
/// call costs about 3.5 µs, a sixth of a signature (README, Performance). `false` when it failed.
fn fill_random(bytes: &mut [u8]) -> bool {
    RANDOM_POOL.with_borrow_mut(|(pool, used)| {
        for byte in bytes {
            if *used == pool.len() {
                if getrandom::fill(pool).is_err() {
                    return false;
                }
                *used = 0;
            }
            *byte = pool[*used];
            *used += 1;
        }
        true
    })
}

thread_local! {
    // Random bytes, and how many of them have been handed out.
    static RANDOM_POOL: RefCell<([u8; 256], usize)> = const { RefCell::new(([0; 256], 256)) };
}

/// Signs at `timestamp_ms` (else the corrected clock) with `nonce` (else a fresh one).
pub(crate) fn sign_now(
    request: &ApiRequest<'_>,
    credentials: &Credentials,
    destination: &Destination,
    version: SignatureVersion,
    timestamp_ms: Option<f64>,
    nonce: Option<String>,
) -> Result<SignedRequest, Error> {
    let millis = timestamp_ms.unwrap_or_else(corrected_now_ms);
    // `as i64` would make NaN the epoch: a time that is not a finite number is refused here.
    if !millis.is_finite() {
        return Err(Error::input("timestamp", InputProblem::Malformed { expected: "a valid Date or an ISO 8601 string" }));
    }
    let timestamp = Timestamp::from_unix_millis(millis as i64)?;
    let nonce = match nonce {
        Some(nonce) => nonce,
        None => new_nonce()?,
    };
    sign_request(request, credentials, destination, version, timestamp, &nonce)
}
