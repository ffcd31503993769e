//! `callApi` and `signApiRequest`: any RPC action through the one signer and attempt loop; and
//! STS AssumeRole, the typed call behind `assumeRole` (whose caching provider is the glue's).

use wasm_bindgen::JsValue;

use super::attempts::{send, Answer};
use super::js_imports::glue;
use super::options::{self, API_SEND, API_SIGN, ASSUME_ROLE};
use super::rejection::Rejection;
use super::{environment, to_js};
use crate::protocol::error::{ResponseError, ResponseProblem};
use crate::protocol::retry::RetryPolicy;
use crate::protocol::{check_api_answer, parse_assume_role_answer, Error};

/// Sends the action: its JSON answer as `JSON.parse` reads it.
pub(crate) async fn call(options: JsValue) -> Result<JsValue, Rejection> {
    {
        let options = options::read(&options, &API_SEND)?;
        let api = options::read_api(&options)?;
        let call = options::read_send(&options, None)?;
        let request = api.request();
        let secrets = request.secret_values(&api.secret_names);
        let parse = |status: u16, body: &[u8], secrets: &[&str]| {
            check_api_answer(status, body, secrets)?;
            // Checked: UTF-8 and one JSON object.
            Ok(Answer::Json(String::from_utf8_lossy(body).into_owned()))
        };
        let sent = send(&call, &request, &secrets, api.policy, parse).await;
        let Answer::Json(text) = sent.result? else { unreachable!("callApi's parser answers Json") };
        js_sys::JSON::parse(&text).map_err(|cause| {
            let error = Error::Response(ResponseError { http_status: 200, problem: ResponseProblem::NotJson, excerpt: String::new() });
            Rejection::with_cause(error, cause)
        })
    }
}

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

/// One STS AssumeRole: `{ accessKeyId, accessKeySecret, securityToken, expiration }`.
/// AssumeRole changes nothing, so any transient failure is retried.
pub(crate) async fn assume_role(options: JsValue) -> Result<JsValue, Rejection> {
    {
        let options = options::read(&options, &ASSUME_ROLE)?;
        let role = options::read_assume_role(&options)?;
        let call = options::read_send(&options, Some(options::sts_endpoint()?))?;
        let request = role.request().map_err(Rejection::from)?;
        let parse = |status: u16, body: &[u8], secrets: &[&str]| parse_assume_role_answer(status, body, secrets).map(Answer::AssumedRole);
        let Answer::AssumedRole(assumed) = send(&call, &request, &[], RetryPolicy::Transient, parse).await.result? else {
            unreachable!("AssumeRole's parser answers AssumedRole")
        };
        Ok(to_js::assumed_role(assumed))
    }
}
