//! RPC signature V2 (Alibaba's `SignatureVersion=1.0`), one value per stage so a test can compare
//! each with an official vector.
//!
//! Source: help.aliyun.com/document_detail/28839.html (RPC signature):
//! 1. `CanonicalQuery = join("&", sort_by_key(enc(k) "=" enc(v)))` over every parameter of the
//!    query string and the form body, except `Signature`.
//! 2. `StringToSign = METHOD & %2F & enc(CanonicalQuery)`.
//! 3. `Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))`.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use super::{encode_each, join};
use crate::protocol::encode::percent_encode;
use crate::protocol::redact::masked;

/// Stage 1: the sorted, encoded `k=v&k=v` string over all parameters except `Signature`.
/// `Debug` masks the secret parameters' values.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalQuery(String);

impl CanonicalQuery {
    /// Builds the canonical query from `(key, value)` pairs in any order.
    ///
    /// Keys sort by their bytes, as the official signer's `Object.keys(...).sort()` does for the
    /// ASCII parameter names Alibaba uses. A pair named `Signature` is left out.
    pub fn new(params: &[(&str, &str)]) -> Self {
        let encoded = encode_each(params);
        CanonicalQuery::from_encoded(encoded.iter().map(|(key, text)| (*key, text.as_str())).collect())
    }

    /// Builds the canonical query from pairs [`encode_each`] made, in any order.
    pub fn from_encoded(mut encoded: Vec<(&str, &str)>) -> Self {
        encoded.retain(|(key, _)| *key != "Signature");
        crate::small_sort::sort_by(&mut encoded, |a, b| a.0 < b.0);
        CanonicalQuery(join(&encoded))
    }

    /// The canonical query as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CanonicalQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CanonicalQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CanonicalQuery").field(&masked(&self.0, "&", "=")).finish()
    }
}

/// Stage 2: `METHOD & %2F & enc(CanonicalQuery)`.
#[derive(Clone, PartialEq, Eq)]
pub struct StringToSign(String);

impl StringToSign {
    /// Builds the string to sign for `method` (`GET` or `POST`).
    pub fn new(method: &str, canonical: &CanonicalQuery) -> Self {
        // The path of every RPC request is signed as "/", whatever the endpoint's real path.
        StringToSign(format!("{method}&%2F&{}", percent_encode(&canonical.0)))
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

impl fmt::Debug for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `METHOD&%2F&` and the canonical query, encoded once more: pairs joined by %26, key and
        // value by %3D.
        let shown = match crate::substring::split_once(&self.0, "&%2F&") {
            Some((method, query)) => format!("{method}&%2F&{}", masked(query, "%26", "%3D")),
            None => masked(&self.0, "%26", "%3D"),
        };
        f.debug_tuple("StringToSign").field(&shown).finish()
    }
}

/// Stage 3: `base64(HMAC-SHA1(secret + "&", StringToSign))`.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature(String);

impl Signature {
    /// Signs `string_to_sign` with the AccessKey secret.
    pub fn calculate(access_key_secret: &str, string_to_sign: &StringToSign) -> Self {
        // Key = AccessKeySecret + "&" (the "&" stands for an empty token secret, unused by RPC APIs).
        let key = format!("{access_key_secret}&");
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(string_to_sign.0.as_bytes());
        Signature(base64(&mac.finalize().into_bytes()))
    }

    /// The base64 signature.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Standard base64 with padding (RFC 4648), for the 20 bytes of a signature: the `base64` crate
/// cost 1.9 KB gzip of wasm for this (README, Performance).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (i, byte)| group | u32::from(*byte) << (16 - 8 * i));
        for i in 0..4 {
            let sextet = (group >> (18 - 6 * i)) & 63;
            out.push(if i <= chunk.len() { char::from(ALPHABET[sextet as usize]) } else { '=' });
        }
    }
    out
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signature").field(&self.0).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_rfc_4648_with_padding() {
        // RFC 4648 section 10's test vectors.
        for (input, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(input.as_bytes()), encoded, "{input}");
        }
        assert_eq!(base64(&[0xFB, 0xFF, 0xBF]), "+/+/");
    }

    #[test]
    fn debug_masks_the_secret_parameters() {
        let params = [("Collection", "docs"), ("NamespacePassword", "hunter2 q&w=e"), ("SecurityToken", "sts/tok3n"), ("JobId", "j")];
        let canonical = CanonicalQuery::new(&params);
        let string_to_sign = StringToSign::new("POST", &canonical);
        let shown = format!("{canonical:?} {string_to_sign:?}");
        for secret in ["hunter2", "tok3n"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert_eq!(
            format!("{canonical:?}"),
            r#"CanonicalQuery("Collection=docs&JobId=j&NamespacePassword=***&SecurityToken=***")"#
        );
        // The first pair of the string to sign follows the method and path.
        let first = StringToSign::new("POST", &CanonicalQuery::new(&[("NamespacePassword", "hunter2")]));
        assert_eq!(format!("{first:?}"), r#"StringToSign("POST&%2F&NamespacePassword%3D***")"#);
        assert_eq!(
            format!("{string_to_sign:?}"),
            r#"StringToSign("POST&%2F&Collection%3Ddocs%26JobId%3Dj%26NamespacePassword%3D***%26SecurityToken%3D***")"#
        );
    }
}
