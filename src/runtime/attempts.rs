//! The attempt loop: sign afresh, send, interpret; retry what may succeed, after a backoff or
//! the wait the server asked for; learn the server's clock when it rejects our timestamp.

use js_sys::Date;
use wasm_bindgen_futures::JsFuture;

use super::environment::{random_unit, set_server_time, sign_now};
use super::fetch::{caller_aborted, fetch_once};
use super::js_imports::glue;
use super::options::SendCall;
use super::rejection::Rejection;
use crate::protocol::retry::{backoff_delay_ms, is_clock_skew, server_delay_ms};
use crate::protocol::{parse_response, CancelResult, Error};

pub(crate) async fn send(call: SendCall) -> Result<CancelResult, Rejection> {
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
        let request = sign_now(&call.operation, &credentials, &call.destination, call.version, None, None)
            .map_err(|e| Rejection::from(e).after(attempts))?;
        // What a server or proxy may echo back and must not reach an error message.
        let mut secrets = vec![call.operation.namespace_password.as_str(), credentials.access_key_secret.as_str()];
        secrets.extend(credentials.security_token.as_deref());
        secrets.extend(request.headers.iter().filter(|(name, _)| *name == "authorization").map(|(_, value)| value.as_str()));
        attempts += 1;
        let (rejection, raw) = match fetch_once(&glue, &request, &call.signal, call.timeout_ms, &secrets).await {
            Ok(raw) => match parse_response(raw.status, &raw.body, &secrets) {
                Ok(result) => return Ok(result),
                Err(error) => (Rejection::from(error).after(attempts), Some(raw)),
            },
            Err(rejection) => (rejection.after(attempts), None),
        };

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
