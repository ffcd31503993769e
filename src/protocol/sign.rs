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
use super::small_sort::sort_by_key;

/// Stage 1: the sorted, encoded `k=v&k=v` string over all parameters except `Signature`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CanonicalQuery(String);

impl CanonicalQuery {
    /// Builds the canonical query from `(key, value)` pairs in any order.
    ///
    /// Keys sort by their bytes, as the official signer's `Object.keys(...).sort()` does for the
    /// ASCII parameter names Alibaba uses. A pair named `Signature` is left out.
    pub fn new(params: &[(&str, &str)]) -> Self {
        let mut sorted: Vec<&(&str, &str)> = params.iter().filter(|(key, _)| *key != "Signature").collect();
        sort_by_key(&mut sorted, |(key, _)| *key);
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

/// Stage 2: `METHOD & %2F & enc(CanonicalQuery)`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StringToSign(String);

impl StringToSign {
    /// Builds the string to sign for `method` (`GET` or `POST`).
    pub fn new(method: &str, canonical: &CanonicalQuery) -> Self {
        let mut out = vec![0; method.len() + 5 + 3 * canonical.0.len()];
        let mut at = copy_at(&mut out, 0, method.as_bytes());
        // The path of every RPC request is signed as "/", whatever the endpoint's real path.
        at = copy_at(&mut out, at, b"&%2F&");
        at = percent_encode_at(&mut out, at, canonical.0.as_bytes());
        out.truncate(at);
        StringToSign(into_string(out))
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

/// Stage 3: `base64(HMAC-SHA1(secret + "&", StringToSign))`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Signature(String);

impl Signature {
    /// Signs `string_to_sign` with the AccessKey secret.
    pub fn calculate(access_key_secret: &str, string_to_sign: &StringToSign) -> Self {
        // Key = AccessKeySecret + "&" (the "&" stands for an empty token secret, unused by RPC APIs).
        let key = [access_key_secret.as_bytes(), b"&"].concat();
        let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(&key) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(string_to_sign.0.as_bytes());
        let digest = mac.finalize().into_bytes();
        Signature(base64::engine::general_purpose::STANDARD.encode(digest))
    }

    /// The base64 signature.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// The builders push only encoded (ASCII) bytes and `str`s, so this never falls back.
fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}
