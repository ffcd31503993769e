//! Signature V3, `ACS3-HMAC-SHA256`: the signature travels in the `Authorization` header and
//! covers the method, path, query, the `host`, `content-type` and `x-acs-*` headers, and the
//! body's SHA-256.
//!
//! Source: Alibaba Cloud's "Request syntax and signature method V3" (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature),
//! and the official `@alicloud/openapi-util` `getAuthorization` (tests/cross-check/V3-NOTES.md):
//! 1. `CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
//!    SignedHeaders \n HashedPayload`, where the query is `enc(k)=enc(v)` sorted by key, each
//!    header `lowercase-name:trimmed-value\n` sorted by name, and the signed headers the same
//!    names joined by `;`.
//! 2. `StringToSign = "ACS3-HMAC-SHA256" \n hex(SHA-256(CanonicalRequest))`.
//! 3. `Signature = hex(HMAC-SHA256(AccessKeySecret, StringToSign))`.

use std::fmt::{self, Write as _};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::{encode_each, join};
use crate::protocol::encode::hex;
use crate::protocol::redact::MASK;
use crate::substring::split_once;

/// The algorithm's name, first in the string to sign and in `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Lower-case hex of `bytes`' SHA-256: the `x-acs-content-sha256` of a body.
pub fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Stage 1: the canonical request, and the signed header names it covers.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
    signed_headers: String,
}

impl CanonicalRequest {
    /// Builds the canonical request. `query` holds raw `(key, value)` pairs and `headers` the
    /// `(name, value)` pairs to sign, both in any order; `hashed_payload` is [`hex_sha256`] of
    /// the body.
    pub fn new(method: &str, path: &str, query: &[(&str, &str)], headers: &[(&str, &str)], hashed_payload: &str) -> Self {
        let mut query = encode_each(query);
        crate::small_sort::sort_by(&mut query, |a, b| a.0 < b.0);
        let mut headers: Vec<(String, &str)> = headers.iter().map(|(name, value)| (name.to_ascii_lowercase(), value.trim_ascii())).collect();
        crate::small_sort::sort_by(&mut headers, |a, b| a.0 < b.0);
        let signed_headers = super::join_texts(headers.iter().map(|(name, _)| name.as_str()), ";");
        let mut text = format!("{method}\n{path}\n{}\n", join(&query));
        for (name, value) in &headers {
            let _ = writeln!(text, "{name}:{value}");
        }
        let _ = write!(text, "\n{signed_headers}\n{hashed_payload}");
        CanonicalRequest { text, signed_headers }
    }

    /// The signed header names joined by `;`, e.g. `content-type;host;x-acs-action;…`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The canonical request as a string.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a signed header and a secret.
        let label = "\nx-acs-security-token:";
        let shown = match split_once(&self.text, label) {
            Some((before, after)) => {
                let rest = split_once(after, "\n").map_or("", |(_, rest)| rest);
                format!("{before}{label}{MASK}\n{rest}")
            }
            None => self.text.clone(),
        };
        f.debug_tuple("CanonicalRequest").field(&shown).finish()
    }
}

/// Stage 2: `ACS3-HMAC-SHA256 \n hex(SHA-256(CanonicalRequest))`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StringToSign(String);

impl StringToSign {
    /// Builds the string to sign.
    pub fn new(canonical: &CanonicalRequest) -> Self {
        StringToSign(format!("{ALGORITHM}\n{}", hex_sha256(canonical.text.as_bytes())))
    }

    /// The string to sign as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stage 3: `hex(HMAC-SHA256(AccessKeySecret, StringToSign))`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Signature(String);

impl Signature {
    /// Signs `string_to_sign` with the AccessKey secret (the bare secret is the key).
    pub fn calculate(access_key_secret: &str, string_to_sign: &StringToSign) -> Self {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(access_key_secret.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(string_to_sign.0.as_bytes());
        Signature(hex(&mac.finalize().into_bytes()))
    }

    /// The hex signature.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `Authorization` header's value:
    /// `ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex>`.
    pub fn authorization(&self, access_key_id: &str, canonical: &CanonicalRequest) -> String {
        format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={}", canonical.signed_headers, self.0)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_the_security_token() {
        let headers = [("x-acs-security-token", "sts/tok3n"), ("host", "gpdb.aliyuncs.com")];
        let canonical = CanonicalRequest::new("POST", "/", &[], &headers, &hex_sha256(b""));
        assert!(canonical.to_string().contains("x-acs-security-token:sts/tok3n\n"));
        let shown = format!("{canonical:?}");
        assert!(!shown.contains("tok3n"), "{shown}");
        assert!(shown.contains("x-acs-security-token:***"), "{shown}");
    }

    #[test]
    fn headers_are_lower_cased_trimmed_and_sorted() {
        let headers = [("X-Acs-Version", " 2016-05-03 "), ("Host", "h"), ("content-type", "t")];
        let canonical = CanonicalRequest::new("POST", "/", &[("b", "2"), ("a", "1 2")], &headers, "e3");
        assert_eq!(canonical.as_str(), "POST\n/\na=1%202&b=2\ncontent-type:t\nhost:h\nx-acs-version:2016-05-03\n\ncontent-type;host;x-acs-version\ne3");
        assert_eq!(canonical.signed_headers(), "content-type;host;x-acs-version");
    }
}
