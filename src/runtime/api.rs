//! The synchronous exports of any RPC action: `signApiRequest`, and the check of `assumeRole`'s
//! options when the glue makes its provider. Sending (`callApi`, one AssumeRole) is `calls`'.

use wasm_bindgen::JsValue;

use super::js_imports::glue;
use super::options::{self, API_SIGN, ASSUME_ROLE};
use super::rejection::Rejection;
use super::{environment, to_js};

/// Signs the action without sending it: `{ method, url, headers, body }`.
pub(crate) fn sign(options: &JsValue) -> Result<JsValue, JsValue> {
    let options = options::read(options, &API_SIGN)?;
    let api = options::read_api(&options)?;
    let call = options::read_sign(&options, None)?;
    let signed = environment::sign_now(&api.request(), &call.credentials, &call.destination, call.version, call.timestamp_ms, call.nonce)
        .map_err(Rejection::from)?;
    Ok(to_js::signed_request(&glue().map_err(Rejection::from)?, &signed))
}

/// Checks `assumeRole`'s options without sending: the provider calls this when it is made.
pub(crate) fn check_assume_role(options: &JsValue) -> Result<(), JsValue> {
    let options = options::read(options, &ASSUME_ROLE)?;
    options::read_assume_role(&options)?;
    options::read_send(&options, Some(options::sts_endpoint()?))?;
    Ok(())
}
