//! The signed HTTP request: everything the runtime layer hands to `fetch`.

use std::fmt;

use super::api::ApiRequest;
use super::credentials::Credentials;
use super::endpoint::Destination;
use super::error::{Error, InputProblem};
use super::job::check_text_up_to;
use super::redact::{masked, MASK};
use super::sign::{encode_each, join, v2, v3, SignatureVersion};
use super::timestamp::Timestamp;

/// The HTTP method. Source: the official SDK's `Params { method: "POST", style: "RPC" }`.
pub const METHOD: &str = "POST";
/// What a value sent in a V3 header must be.
const HEADER_SAFE: &str = "visible ASCII characters only (signature V3 sends it in an HTTP header)";
/// The longest nonce accepted from a caller's override.
const MAX_NONCE_BYTES: usize = 128;

/// The headers of every request, besides the signature's.
const CONTENT_TYPE: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");
const ACCEPT: (&str, &str) = ("accept", "application/json");

/// A signed request, ready to send.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Always `POST`.
    pub method: &'static str,
    /// The endpoint's (or the proxy's) URL + `?` + the query parameters; with V2 also the common
    /// parameters and `Signature`.
    pub url: String,
    /// `accept`, `content-type`, `x-acs-action`, `x-acs-version`; with V3 also `authorization`,
    /// `x-acs-content-sha256`, `x-acs-date`, `x-acs-signature-nonce` and, with STS
    /// credentials, `x-acs-security-token`. `host` is `fetch`'s to set.
    pub headers: Vec<(&'static str, String)>,
    /// `application/x-www-form-urlencoded`: the body parameters and, with V2 and STS
    /// credentials, `SecurityToken`.
    pub body: String,
}

/// Validates the request and the credentials, then builds and signs the request.
///
/// The secret, the security token and the body parameters never reach the URL.
pub fn sign_request(
    request: &ApiRequest<'_>,
    credentials: &Credentials,
    destination: &Destination,
    version: SignatureVersion,
    timestamp: Timestamp,
    nonce: &str,
) -> Result<SignedRequest, Error> {
    request.validate()?;
    credentials.validate()?;
    check_text_up_to("nonce", nonce, MAX_NONCE_BYTES)?;
    let timestamp = timestamp.to_string();
    // Through a pointer, so that neither signer is inlined here: V8 compiles a wasm function at its
    // first call, and the first V3 signature then compiles no V2 code (README, Performance).
    let sign: Signer = match version {
        SignatureVersion::V3 => sign_v3,
        SignatureVersion::V2 => sign_v2,
    };
    sign(request, credentials, destination, &timestamp, nonce)
}

type Signer = fn(&ApiRequest<'_>, &Credentials, &Destination, &str, &str) -> Result<SignedRequest, Error>;

/// `base` + `?` + the encoded pairs, or `base` alone when there are none.
fn url_with_query(base: &str, encoded: &str) -> String {
    match encoded {
        "" => base.to_owned(),
        _ => format!("{base}?{encoded}"),
    }
}

/// V3: the query and body as they are; the date, nonce, body hash and token in signed `x-acs-*`
/// headers; the signature in `authorization`.
fn sign_v3(
    request: &ApiRequest<'_>,
    credentials: &Credentials,
    destination: &Destination,
    timestamp: &str,
    nonce: &str,
) -> Result<SignedRequest, Error> {
    // These travel in headers, which hold visible ASCII only (V2 sends them percent-encoded).
    let header_safe = |field, value: &str, as_error: fn(&'static str, InputProblem) -> Error| {
        match value.bytes().all(|b| b.is_ascii_graphic()) {
            true => Ok(()),
            false => Err(as_error(field, InputProblem::Malformed { expected: HEADER_SAFE })),
        }
    };
    header_safe("credentials.accessKeyId", &credentials.access_key_id, Error::credentials)?;
    if let Some(token) = &credentials.security_token {
        header_safe("credentials.securityToken", token, Error::credentials)?;
    }
    header_safe("nonce", nonce, Error::input)?;

    let body = join(&encode_each(&request.body));
    let content_sha256 = v3::hex_sha256(body.as_bytes());
    let mut headers: Vec<(&'static str, &str)> = vec![
        CONTENT_TYPE,
        ("x-acs-action", request.action),
        ("x-acs-version", request.version),
        ("x-acs-content-sha256", content_sha256.as_str()),
        ("x-acs-date", timestamp),
        ("x-acs-signature-nonce", nonce),
    ];
    if let Some(token) = &credentials.security_token {
        headers.push(("x-acs-security-token", token));
    }
    let endpoint = &destination.endpoint;
    let mut signed = headers.clone();
    signed.push(("host", endpoint.host()));
    let canonical = v3::CanonicalRequest::new(METHOD, endpoint.path(), &request.query, &signed, &content_sha256);
    let signature = v3::Signature::calculate(&credentials.access_key_secret, &v3::StringToSign::new(&canonical));

    let mut out: Vec<(&'static str, String)> = vec![
        (ACCEPT.0, ACCEPT.1.to_owned()),
        ("authorization", signature.authorization(&credentials.access_key_id, &canonical)),
    ];
    out.extend(headers.into_iter().map(|(name, value)| (name, value.to_owned())));
    let url = url_with_query(destination.send_to().as_str(), &join(&encode_each(&request.query)));
    Ok(SignedRequest { method: METHOD, url, headers: out, body })
}

/// V2: the common parameters with the query parameters in the query string, sorted; the token in
/// the form body; the signature in the `Signature` parameter.
fn sign_v2(
    request: &ApiRequest<'_>,
    credentials: &Credentials,
    destination: &Destination,
    timestamp: &str,
    nonce: &str,
) -> Result<SignedRequest, Error> {
    // Source: help.aliyun.com/document_detail/28839.html ("Common parameters").
    let mut query = vec![
        ("AccessKeyId", credentials.access_key_id.as_str()),
        ("Action", request.action),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp),
        ("Version", request.version),
    ];
    query.extend_from_slice(&request.query);
    crate::small_sort::sort_by(&mut query, |a, b| a.0 < b.0);
    let mut body = request.body.clone();
    if let Some(token) = &credentials.security_token {
        body.push(("SecurityToken", token));
    }

    let (query, body) = (encode_each(&query), encode_each(&body));
    let all = query.iter().chain(&body).map(|(key, text)| (*key, text.as_str())).collect();
    let string_to_sign = v2::StringToSign::new(METHOD, &v2::CanonicalQuery::from_encoded(all));
    let signature = v2::Signature::calculate(&credentials.access_key_secret, &string_to_sign);
    let url = format!(
        "{}?{}&{}",
        destination.send_to().as_str(),
        join(&query),
        join(&encode_each(&[("Signature", signature.as_str())]))
    );
    let headers = [CONTENT_TYPE, ACCEPT, ("x-acs-action", request.action), ("x-acs-version", request.version)];
    Ok(SignedRequest {
        method: METHOD,
        url,
        headers: headers.iter().map(|&(name, value)| (name, value.to_owned())).collect(),
        body: join(&body),
    })
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signature and the token are credentials of their own.
        let shown_headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| match *name {
                "authorization" | "x-acs-security-token" => (*name, MASK),
                _ => (*name, value.as_str()),
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &shown_headers)
            .field("body", &masked(&self.body, "&", "="))
            .finish()
    }
}
