//! The signed HTTP request: everything the runtime layer hands to `fetch`.

use crate::prelude::*;

use core::fmt;

use super::credentials::Credentials;
use super::endpoint::Endpoint;
use super::error::Error;
use super::operation::{check_text_up_to, CancelUploadDocumentJob, ACTION, VERSION};
use super::redact::masked;
use super::sign::{CanonicalQuery, Signature, SigningKey, StringToSign};
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
    pub headers: [(&'static str, &'static str); 4],
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
    sign_request_with_key(operation, credentials, None, endpoint, timestamp, nonce)
}

/// [`sign_request`], with the signing key of `credentials.access_key_secret` when the caller
/// keeps one ([`SigningKey::new`] of that secret: the caller's to keep in step).
pub(crate) fn sign_request_with_key(
    operation: &CancelUploadDocumentJob,
    credentials: &Credentials,
    key: Option<&SigningKey>,
    endpoint: &Endpoint,
    timestamp: Timestamp,
    nonce: &str,
) -> Result<SignedRequest, Error> {
    operation.validate()?;
    credentials.validate()?;
    check_text_up_to("nonce", nonce, MAX_NONCE_BYTES)?;

    let timestamp = timestamp.to_ascii();
    let timestamp = core::str::from_utf8(&timestamp).unwrap_or_default();
    let [db_instance_id, region_id] = operation.query_params();
    // Common parameters. Source: help.aliyun.com/document_detail/28839.html ("Common parameters").
    let query: [(&str, &str); 10] = [
        ("AccessKeyId", &credentials.access_key_id),
        ("Action", ACTION),
        db_instance_id,
        ("Format", "JSON"),
        region_id,
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp),
        ("Version", VERSION),
    ];
    let [collection, job_id, namespace, password] = operation.body_params();
    let with_token = [collection, job_id, namespace, password, ("SecurityToken", credentials.security_token.as_deref().unwrap_or_default())];
    let body = with_token.get(..if credentials.security_token.is_some() { 5 } else { 4 }).unwrap_or_default();

    // The query and the body are each in canonical form (sorted, encoded), and together they
    // are the canonical query: each pair is encoded once.
    let query_string = CanonicalQuery::new(&query);
    let body = CanonicalQuery::new(body);
    let string_to_sign = StringToSign::new(METHOD, &CanonicalQuery::merge(&query_string, &body));
    let signature = match key {
        Some(key) => Signature::with_key(key, &string_to_sign),
        None => Signature::calculate(&credentials.access_key_secret, &string_to_sign),
    };

    let mut url = String::with_capacity(endpoint.as_str().len() + query_string.as_str().len() + 48);
    url.push_str(endpoint.as_str());
    url.push('?');
    url.push_str(query_string.as_str());
    url.push_str("&Signature=");
    super::encode::percent_encode_into(&mut url, signature.as_str());

    Ok(SignedRequest {
        method: METHOD,
        url,
        headers: HEADERS,
        body: body.into_string(),
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
