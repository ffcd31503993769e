//! Removes secrets from text that came back from the network before it reaches an error.
//!
//! Servers and proxies echo requests, each in its own encoding: Alibaba's `SignatureDoesNotMatch`
//! message quotes the server's string to sign, which holds the form body percent-encoded twice;
//! a gateway's JSON error may `\u`-escape characters (Go's encoding/json escapes `<`, `>` and `&`;
//! Gson also `=` and `'`); an HTML error page may echo the form body with entities. So a secret is
//! not matched as a fixed set of strings but one character at a time, each character in any form
//! it can take there (a secret is masked whichever characters an encoder chose to escape):
//!
//! - raw;
//! - percent-encoded, upper- or lower-case hex, each UTF-8 byte (RFC 3986, `encodeURIComponent`,
//!   WHATWG form encoding, Python's `quote`, Java's `URLEncoder`), and percent-encoded twice
//!   (`%25XX`, Alibaba's string to sign);
//! - a space as `+` (form encoding) or `%2B` (form encoding, then percent-encoded);
//! - a JSON escape: `\uXXXX` in either case (a surrogate pair for characters past U+FFFF), `\/`,
//!   `\"`, `\\`;
//! - an HTML character reference: `&#NN;`, `&#xHH;`, `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`.
//!
//! The whole text is scanned from its start, and a character is let through only after no
//! secret was found starting at it: cutting the result short (an excerpt) can never leave a
//! prefix of a secret behind.
//!
//! `Debug` of the signing stages and of a signed request masks the secret parameters' values too.

use super::request::SignedRequest;
use crate::substring::split_once;

/// What secrets are replaced with.
pub const MASK: &str = "***";

/// A piece of redacted text: a character let through, or a secret masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// A character of the text, at no secret's start.
    Char(char),
    /// A secret, in one of its forms: shown as [`MASK`].
    Masked,
}

/// `text` as [`Piece`]s, left to right.
pub fn pieces<'a>(text: &'a str, secrets: &'a [&'a str]) -> impl Iterator<Item = Piece> + 'a {
    let mut sorted: Vec<Vec<char>> = secrets.iter().filter(|s| !s.is_empty()).map(|s| s.chars().collect()).collect();
    // Longest first, so that a secret holding another is masked whole.
    crate::small_sort::sort_by(&mut sorted, |a, b| a.len() > b.len());
    let mut at = 0;
    core::iter::from_fn(move || {
        let rest = text.get(at..)?;
        let first = rest.chars().next()?;
        match sorted.iter().find_map(|secret| encoded_len(rest.as_bytes(), secret)) {
            Some(len) => {
                at += len;
                Some(Piece::Masked)
            }
            None => {
                at += first.len_utf8();
                Some(Piece::Char(first))
            }
        }
    })
}

/// Returns `text` with every form of every secret replaced by [`MASK`].
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text, secrets) {
        match piece {
            Piece::Char(ch) => out.push(ch),
            Piece::Masked => out.push_str(MASK),
        }
    }
    out
}

/// How many bytes at the start of `text` are `secret` in some form; `None` if it is not there.
///
/// Backtracks: a `%` in a secret may be raw or `%25`, a `+` raw or a space. The number of steps
/// is bounded; past the bound the text is taken to hold the secret (masking too much is safe).
fn encoded_len(text: &[u8], chars: &[char]) -> Option<usize> {
    // Cheap rejection first: the text must start like some form of the first character.
    let first = *text.first()?;
    let raw_first = chars.first()?.encode_utf8(&mut [0; 4]).as_bytes()[0];
    if !(first == raw_first || matches!(first, b'%' | b'\\' | b'&' | b'+')) {
        return None;
    }
    // For each matched character: where it started in the text, and the next form to try.
    let mut stack: Vec<(usize, usize)> = Vec::with_capacity(chars.len());
    let (mut pos, mut form) = (0, 0);
    let mut budget = 64 + 8 * chars.len();
    loop {
        if stack.len() == chars.len() {
            return Some(pos);
        }
        budget -= 1;
        if budget == 0 {
            // Adversarial text: stop searching and mask what was matched, at least one character.
            let first_char_len = match first {
                0..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            return Some(pos.max(first_char_len));
        }
        let ch = chars[stack.len()];
        match (form..FORMS).find_map(|f| char_form_len(&text[pos..], ch, TRY_ORDER[f]).map(|len| (f, len))) {
            Some((f, len)) => {
                stack.push((pos, f + 1));
                pos += len;
                form = 0;
            }
            None => {
                let (start, next) = stack.pop()?;
                pos = start;
                form = next;
            }
        }
    }
}

/// How many forms [`char_form_len`] knows.
const FORMS: usize = 7;
/// Encoded forms before the raw one: a `%` that starts `%25` is taken as an escape first, so a
/// secret is matched to the end of its encoding, not cut short where a raw reading also fits.
const TRY_ORDER: [usize; FORMS] = [2, 1, 4, 6, 5, 3, 0];

/// The length of form number `form` of `ch` at the start of `text`, if it is there.
fn char_form_len(text: &[u8], ch: char, form: usize) -> Option<usize> {
    let mut utf8 = [0; 4];
    let bytes = ch.encode_utf8(&mut utf8).as_bytes();
    match form {
        // Raw.
        0 => text.starts_with(bytes).then_some(bytes.len()),
        // Each byte as %XX, or as %25XX (encoded twice).
        1 | 2 => {
            let prefix: &[u8] = if form == 1 { b"%" } else { b"%25" };
            let mut at = 0;
            for &byte in bytes {
                let rest = text.get(at..)?;
                if !rest.starts_with(prefix) || hex_value(rest.get(prefix.len()..prefix.len() + 2)?)? != u32::from(byte) {
                    return None;
                }
                at += prefix.len() + 2;
            }
            Some(at)
        }
        // A space as form encoding writes it, once or twice encoded.
        3 => (ch == ' ').then(|| if text.starts_with(b"+") { Some(1) } else { starts_with_ignore_case(text, b"%2B").then_some(3) })?,
        // JSON \uXXXX, one per UTF-16 unit.
        4 => {
            let mut units = [0; 2];
            let mut at = 0;
            for &unit in ch.encode_utf16(&mut units).iter() {
                let rest = text.get(at..)?;
                if !rest.starts_with(b"\\u") || hex_value(rest.get(2..6)?)? != u32::from(unit) {
                    return None;
                }
                at += 6;
            }
            Some(at)
        }
        // JSON's short escapes, and HTML's named references.
        5 => {
            let forms: &[&[u8]] = match ch {
                '/' => &[b"\\/"],
                '"' => &[b"\\\"", b"&quot;"],
                '\\' => &[b"\\\\"],
                '&' => &[b"&amp;"],
                '<' => &[b"&lt;"],
                '>' => &[b"&gt;"],
                '\'' => &[b"&apos;"],
                _ => &[],
            };
            forms.iter().find(|form| text.starts_with(form)).map(|form| form.len())
        }
        // HTML numeric references: &#NN; or &#xHH;.
        _ => {
            let rest = text.strip_prefix(b"&#")?;
            let (radix, digits_at) = match rest.first()? {
                b'x' | b'X' => (16, 1),
                _ => (10, 0),
            };
            let digits = rest.get(digits_at..)?;
            let count = digits.iter().take_while(|&&b| digit_value(b, radix).is_some()).count();
            if count == 0 || count > 8 || digits.get(count) != Some(&b';') {
                return None;
            }
            let value = digits[..count].iter().fold(0u32, |n, &b| n * radix + digit_value(b, radix).unwrap_or(0));
            (value == u32::from(ch)).then_some(2 + digits_at + count + 1)
        }
    }
}

fn hex_value(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |n, &b| Some(n * 16 + digit_value(b, 16)?))
}

// A decimal or hex digit's value.
fn digit_value(byte: u8, radix: u32) -> Option<u32> {
    let value = match byte {
        b'0'..=b'9' => byte - b'0',
        b'a'..=b'f' => byte - b'a' + 10,
        b'A'..=b'F' => byte - b'A' + 10,
        _ => return None,
    };
    (u32::from(value) < radix).then_some(u32::from(value))
}

fn starts_with_ignore_case(text: &[u8], prefix: &[u8]) -> bool {
    text.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// What of a signed request is a secret besides the credentials and the password: V3's
/// `Authorization` value and its signature alone, V2's `Signature` parameter (decoded). A
/// signature is good for one request only, but it is not for anyone else to see.
pub fn signature_secrets(request: &SignedRequest) -> Vec<String> {
    let mut found = Vec::new();
    for (name, value) in &request.headers {
        if *name == "authorization" {
            found.push(value.clone());
            found.extend(split_once(value, "Signature=").map(|(_, signature)| signature.to_owned()));
        }
    }
    let mut query = split_once(&request.url, "?").map(|(_, query)| query);
    while let Some(rest) = query {
        let (pair, next) = split_once(rest, "&").map_or((rest, None), |(pair, next)| (pair, Some(next)));
        if let Some(("Signature", encoded)) = split_once(pair, "=") {
            found.push(percent_decode(encoded));
        }
        query = next;
    }
    found
}

// `%XX` escapes decoded; what is not valid UTF-8 afterwards becomes U+FFFD.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match (byte, bytes.get(at + 1..at + 3).and_then(hex_value)) {
            (b'%', Some(value)) => {
                out.push(value as u8);
                at += 3;
            }
            _ => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The parameters whose values are secrets (the form body's); `Debug` output masks them.
const SECRET_PARAMS: [&str; 3] = ["NamespacePassword", "Password", "SecurityToken"];

/// `text` (pairs joined by `and`, each `key` `eq` `value`) with the secret parameters' values
/// replaced by [`MASK`].
pub(crate) fn masked(text: &str, and: &str, eq: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = Some(text);
    while let Some(current) = rest {
        let (pair, next) = split_once(current, and).map_or((current, None), |(pair, next)| (pair, Some(next)));
        match split_once(pair, eq) {
            Some((key, _)) if SECRET_PARAMS.contains(&key) => out.extend([key, eq, MASK]),
            _ => out.push_str(pair),
        }
        if next.is_some() {
            out.push_str(and);
        }
        rest = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn scrubs_every_wire_form() {
        let secrets = ["p@ss word/1", "tok"];
        let text = "raw p@ss word/1, once p%40ss%20word%2F1, lower p%40ss%20word%2f1, twice p%2540ss%2520word%252F1, \
                    form p%40ss+word%2F1, json p\\u0040ss word\\/1, html p&#64;ss&#x20;word&#47;1, tok";
        assert_eq!(redact(text, &secrets), "raw ***, once ***, lower ***, twice ***, form ***, json ***, html ***, ***");
        assert_eq!(redact("nothing here", &[""]), "nothing here");
    }

    #[test]
    fn a_percent_in_a_secret_may_be_raw_or_encoded() {
        assert_eq!(redact("a%25b and a%2525b and a%b and a%2", &["a%b"]), "*** and *** and *** and a%2");
        assert_eq!(redact("x+y x%2By x y", &["x y"]), "*** *** ***");
        assert_eq!(redact("x+y", &["x+y"]), "***");
    }

    #[test]
    fn signatures_are_secrets_too() {
        let v3 = super::SignedRequest {
            method: "POST",
            url: "https://h/?A=1".into(),
            headers: vec![("authorization", "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=abc123".into())],
            body: String::new(),
        };
        assert_eq!(super::signature_secrets(&v3), ["ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=abc123", "abc123"]);
        let v2 = super::SignedRequest { method: "POST", url: "https://h/?A=1&Signature=%2Fx%2By%3D".into(), headers: vec![], body: String::new() };
        assert_eq!(super::signature_secrets(&v2), ["/x+y="]);
    }

    #[test]
    fn astral_characters_as_surrogate_pairs() {
        assert_eq!(redact("k\\uD83D\\uDE00y k\\ud83d\\ude00y k%F0%9F%98%80y k&#128512;y", &["k😀y"]), "*** *** *** ***");
    }
}
