//! RPC signature V1, one value per stage so a test can compare each with an official vector.
//!
//! Source: help.aliyun.com/document_detail/28839.html (RPC signature V1):
//! 1. `CanonicalQuery = join("&", sort_by_key(enc(k) "=" enc(v)))` over every parameter of the
//!    query string and the form body, except `Signature`.
//! 2. `StringToSign = METHOD & %2F & enc(CanonicalQuery)`.
//! 3. `Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))`.

use crate::prelude::*;

use core::fmt;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use super::encode::{copy_at, percent_encode_at};
use super::redact::masked;
use super::substring::split_once;
use super::small_sort::sort_by_key;

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
        let signed = |pair: &&(&str, &str)| pair.0 != "Signature";
        // The usual dozen pairs are sorted on the stack: an allocation costs more than the sort.
        let mut on_stack = [&("", ""); 16];
        let mut on_heap: Vec<&(&str, &str)>;
        let sorted: &mut [&(&str, &str)] = if params.len() <= on_stack.len() {
            let mut len = 0;
            for (slot, pair) in on_stack.iter_mut().zip(params.iter().filter(signed)) {
                *slot = pair;
                len += 1;
            }
            on_stack.get_mut(..len).unwrap_or_default()
        } else {
            on_heap = params.iter().filter(signed).collect();
            &mut on_heap
        };
        sort_by_key(sorted, |(key, _)| *key);
        // Room for the worst case (every byte escaped), zeroed once, written by index.
        let mut out = vec![0; params.iter().map(|(k, v)| 3 * (k.len() + v.len()) + 2).sum()];
        let mut at = 0;
        for (i, (key, value)) in sorted.iter().enumerate() {
            if i > 0 {
                at = copy_at(&mut out, at, b"&");
            }
            at = percent_encode_at(&mut out, at, key.as_bytes());
            at = copy_at(&mut out, at, b"=");
            at = percent_encode_at(&mut out, at, value.as_bytes());
        }
        out.truncate(at);
        CanonicalQuery(into_string(out))
    }

    /// Merges two canonical queries of disjoint parameters (the query string and the form body)
    /// into the canonical query over both, without encoding anything again. Pairs are ordered by
    /// their encoded keys, which is the order of the keys themselves for names made of
    /// unreserved characters, as every Alibaba parameter name is.
    pub fn merge(a: &CanonicalQuery, b: &CanonicalQuery) -> Self {
        // Encoded pairs hold no raw `&` or `=`, so these splits find exactly the pairs and keys.
        // (Byte scans: `str::split` calls memchr for every pair, which costs more than the pair.)
        fn key(pair: &str) -> &[u8] {
            let bytes = pair.as_bytes();
            bytes.get(..bytes.iter().position(|&b| b == b'=').unwrap_or(bytes.len())).unwrap_or_default()
        }
        fn pairs(query: &str) -> impl Iterator<Item = &str> {
            let mut rest = query;
            core::iter::from_fn(move || {
                let at = rest.as_bytes().iter().position(|&b| b == b'&').unwrap_or(rest.len());
                let (pair, tail) = (rest.get(..at)?, rest.get(at..).unwrap_or_default());
                rest = tail.get(1..).unwrap_or_default();
                (!pair.is_empty()).then_some(pair)
            })
        }
        let mut out = String::with_capacity(a.0.len() + 1 + b.0.len());
        let mut a = pairs(&a.0).peekable();
        let mut b = pairs(&b.0).peekable();
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if key(x) > key(y) => b.next(),
                (Some(_), _) => a.next(),
                (None, _) => b.next(),
            };
            let Some(pair) = next else { break };
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(pair);
        }
        CanonicalQuery(out)
    }

    /// The canonical query as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical query as an owned string.
    pub fn into_string(self) -> String {
        self.0
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
// Kept as bytes: HMAC reads bytes, and checking them as UTF-8 on every signature cost 2% of it.
#[derive(Clone, PartialEq, Eq)]
pub struct StringToSign(Vec<u8>);

impl StringToSign {
    /// Builds the string to sign for `method` (`GET` or `POST`).
    pub fn new(method: &str, canonical: &CanonicalQuery) -> Self {
        let mut out = vec![0; method.len() + 5 + 3 * canonical.0.len()];
        let mut at = copy_at(&mut out, 0, method.as_bytes());
        // The path of every RPC request is signed as "/", whatever the endpoint's real path.
        at = copy_at(&mut out, at, b"&%2F&");
        at = percent_encode_at(&mut out, at, canonical.0.as_bytes());
        out.truncate(at);
        StringToSign(out)
    }

    /// The string to sign as a string.
    pub fn as_str(&self) -> &str {
        // Built from a method name and encoded (ASCII) bytes: always UTF-8.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `METHOD&%2F&` and the canonical query, encoded once more: pairs joined by %26, key and
        // value by %3D.
        let text = self.as_str();
        let shown = match split_once(text, "&%2F&") {
            Some((method, query)) => [method, "&%2F&", &masked(query, "%26", "%3D")].concat(),
            None => masked(text, "%26", "%3D"),
        };
        f.debug_tuple("StringToSign").field(&shown).finish()
    }
}

/// Stage 3's key: HMAC-SHA1 keyed with `AccessKeySecret + "&"`, ready to sign. A caller that signs
/// many requests with one secret makes it once and saves two SHA-1 blocks a signature, as
/// aws-sigv4 callers reuse a signing key. `Debug` does not show it.
#[derive(Clone)]
pub struct SigningKey(Hmac<Sha1>);

impl SigningKey {
    /// The key for `access_key_secret`.
    pub fn new(access_key_secret: &str) -> Self {
        // Key = AccessKeySecret + "&" (the "&" stands for an empty token secret, unused by RPC APIs).
        let key = [access_key_secret.as_bytes(), b"&"].concat();
        let Ok(mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(&key) else {
            unreachable!("HMAC takes keys of any length")
        };
        SigningKey(mac)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

/// Stage 3: `base64(HMAC-SHA1(secret + "&", StringToSign))`, always 28 characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature([u8; 28]);

impl Signature {
    /// Signs `string_to_sign` with the AccessKey secret.
    pub fn calculate(access_key_secret: &str, string_to_sign: &StringToSign) -> Self {
        Signature::with_key(&SigningKey::new(access_key_secret), string_to_sign)
    }

    /// Signs `string_to_sign` with a prepared key.
    pub fn with_key(key: &SigningKey, string_to_sign: &StringToSign) -> Self {
        let mut mac = key.0.clone();
        mac.update(&string_to_sign.0);
        let digest = mac.finalize().into_bytes();
        // 20 bytes are 28 base64 characters, padding included.
        let mut text = [0; 28];
        let _ = base64::engine::general_purpose::STANDARD.encode_slice(digest, &mut text);
        Signature(text)
    }

    /// The base64 signature.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signature").field(&self.as_str()).finish()
    }
}

// The builders push only encoded (ASCII) bytes and `str`s, so this never falls back.
fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_the_secret_parameters() {
        let params = [("Collection", "docs"), ("NamespacePassword", "hunter2 q&w=e"), ("SecurityToken", "sts/tok3n"), ("JobId", "j")];
        let canonical = CanonicalQuery::new(&params);
        let string_to_sign = StringToSign::new("POST", &canonical);
        let shown = format!("{canonical:?} {string_to_sign:?} {:?}", SigningKey::new("k3y-secret"));
        for secret in ["hunter2", "tok3n", "k3y-secret"] {
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
