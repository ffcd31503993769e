//! The signed HTTP request: everything the runtime layer hands to `fetch`.

use std::fmt;

use super::credentials::Credentials;
use super::endpoint::Endpoint;
use super::error::Error;
use super::operation::{check_text_up_to, CancelUploadDocumentJob, ACTION, VERSION};
use super::redact::masked;
use super::sign::{encode_each, join, CanonicalQuery, Signature, StringToSign};
use super::timestamp::Timestamp;

/// The HTTP method. Source: the official SDK's `Params { method: "POST", style: "RPC" }`.
pub const METHOD: &str = "POST";
/// The longest nonce accepted from a caller's override.
const MAX_NONCE_BYTES: usize = 128;

/// The headers of every request.
pub const HEADERS: [(&str, &str); 4] = [
    ("content-type", "application/x-www-form-urlencoded"),
    ("accept", "application/json"),
    ("x-acs-action", ACTION),
    ("x-acs-version", VERSION),
];

/// A signed request, ready to send.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Always `POST`.
    pub method: &'static str,
    /// Endpoint + `?` + the common parameters, `DBInstanceId`, `RegionId` and `Signature`.
    pub url: String,
    /// `content-type`, `accept`, `x-acs-action`, `x-acs-version`.
    pub headers: Vec<(&'static str, String)>,
    /// `application/x-www-form-urlencoded`: `Collection`, `JobId`, `Namespace`,
    /// `NamespacePassword` and, with STS credentials, `SecurityToken`.
    pub body: String,
}

/// Validates everything, then builds and signs the request.
///
/// The secret, the security token and the namespace password never reach the URL: the token
/// travels in the signed form body, which Alibaba's RPC gateway reads like the query string.
pub fn sign_request(
    operation: &CancelUploadDocumentJob,
    credentials: &Credentials,
    endpoint: &Endpoint,
    timestamp: Timestamp,
    nonce: &str,
) -> Result<SignedRequest, Error> {
    operation.validate()?;
    credentials.validate()?;
    check_text_up_to("nonce", nonce, MAX_NONCE_BYTES)?;

    let timestamp = timestamp.to_string();
    let [db_instance_id, region_id] = operation.query_params();
    // Common parameters, in canonical (sorted) order.
    // Source: help.aliyun.com/document_detail/28839.html ("Common parameters").
    let query = [
        ("AccessKeyId", credentials.access_key_id.as_str()),
        ("Action", ACTION),
        db_instance_id,
        ("Format", "JSON"),
        region_id,
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", &timestamp),
        ("Version", VERSION),
    ];
    let mut body = operation.body_params().to_vec();
    if let Some(token) = &credentials.security_token {
        body.push(("SecurityToken", token));
    }

    let (query, body) = (encode_each(&query), encode_each(&body));
    let all = query.iter().chain(&body).map(|(key, text)| (*key, text.as_str())).collect();
    let string_to_sign = StringToSign::new(METHOD, &CanonicalQuery::from_encoded(all));
    let signature = Signature::calculate(&credentials.access_key_secret, &string_to_sign);
    let url = format!("{}?{}&{}", endpoint.as_str(), join(&query), join(&encode_each(&[("Signature", signature.as_str())])));

    Ok(SignedRequest {
        method: METHOD,
        url,
        headers: HEADERS.iter().map(|&(name, value)| (name, value.to_owned())).collect(),
        body: join(&body),
    })
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body", &masked(&self.body, "&", "="))
            .finish()
    }
}
