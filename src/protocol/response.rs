//! From an HTTP status and body to a typed result.
//!
//! Source: CancelUploadDocumentJob API reference (response `{RequestId, Message, Status}`,
//! `Status` is `success` or `fail`) and Alibaba Cloud's common error body
//! `{RequestId, HostId, Code, Message, Recommend}` (help.aliyun.com/document_detail/28839.html).


use super::error::{ApiError, Error, ResponseError, ResponseProblem};
use super::json::{parse_object, Value};
use super::redact::redact;

/// How many characters of an unexpected body an error quotes.
pub const EXCERPT_CHARS: usize = 160;
/// The `Code` given to a 2xx answer with `Status: "fail"` that names no code of its own.
pub const OPERATION_FAILED: &str = "OperationFailed";

/// A successful CancelUploadDocumentJob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelResult {
    /// `RequestId`.
    pub request_id: String,
    /// `Status`: always `success` here.
    pub status: String,
    /// `Message`.
    pub message: String,
}

/// Interprets an answer. `secrets` (password, AccessKey secret, token) are scrubbed from every
/// text that ends up in an error, since servers and proxies echo requests.
///
/// Never panics, whatever the bytes.
pub fn parse_response(http_status: u16, body: &[u8], secrets: &[&str]) -> Result<CancelResult, Error> {
    let response_error = |problem| {
        Error::Response(ResponseError { http_status, problem, excerpt: excerpt(body, secrets) })
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(response_error(ResponseProblem::Empty));
    }
    let Some(members) = core::str::from_utf8(body).ok().and_then(parse_object) else {
        return Err(response_error(ResponseProblem::NotJson));
    };
    let field = |names: &[&str]| {
        members.iter().find_map(|(key, value)| match value {
            Value::String(text) | Value::Number(text) if names.contains(&key.as_str()) => Some(text.as_str()),
            _ => None,
        })
    };
    let request_id = field(&["RequestId", "requestId"]);
    let message = field(&["Message", "message"]).unwrap_or_default();
    let code = field(&["Code", "code"]);
    // Every field is scrubbed, not only Message: all of it is server text.
    let scrub = |text: &str| redact(text, secrets);
    let api_error = |code: &str| {
        Error::Api(Box::new(ApiError {
            code: scrub(code),
            message: scrub(message),
            request_id: request_id.map(scrub),
            host_id: field(&["HostId", "hostId"]).map(scrub),
            recommend: field(&["Recommend", "recommend"]).map(scrub),
            http_status,
        }))
    };

    if !(200..300).contains(&http_status) {
        return Err(match code {
            Some(code) => api_error(code),
            None => response_error(ResponseProblem::MissingField("Code")),
        });
    }
    match (field(&["Status", "status"]), code) {
        (Some("success"), _) => match request_id {
            Some(request_id) => Ok(CancelResult {
                request_id: request_id.to_owned(),
                status: "success".to_owned(),
                message: message.to_owned(),
            }),
            None => Err(response_error(ResponseProblem::MissingField("RequestId"))),
        },
        (Some("fail"), code) => Err(api_error(code.unwrap_or(OPERATION_FAILED))),
        (None, Some(code)) => Err(api_error(code)),
        (None, None) => Err(response_error(ResponseProblem::MissingField("Status"))),
        (Some(_), _) => Err(response_error(ResponseProblem::UnknownStatus)),
    }
}

/// The start of `body` as text: control characters and runs of whitespace become one space,
/// secrets become `***`, at most [`EXCERPT_CHARS`] characters.
pub fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    // Scrub before cutting, so that a secret is never cut into a visible prefix.
    let window = &body[..body.len().min(4 * EXCERPT_CHARS * 4)];
    let text = redact(&String::from_utf8_lossy(window), secrets);
    let mut out = String::with_capacity(EXCERPT_CHARS);
    let mut count = 0;
    for ch in text.chars() {
        if count == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        let ch = if ch.is_control() || ch.is_whitespace() { ' ' } else { ch };
        if ch == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(ch);
        count += 1;
    }
    out.truncate(out.trim_end().len());
    out
}
