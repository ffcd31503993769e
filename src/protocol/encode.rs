//! Alibaba Cloud percent-encoding for RPC signature V1.
//!
//! Source: help.aliyun.com/document_detail/28839.html ("Encode the parameters"): keep
//! `A-Z a-z 0-9 - _ . ~`, encode every other byte of the UTF-8 form as `%XY` in upper-case hex,
//! so a space is `%20` (never `+`), `*` is `%2A` and `~` stays `~`.

use crate::prelude::*;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `byte` is left as is: the RFC 3986 unreserved set.
#[inline]
pub fn is_unreserved(byte: u8) -> bool {
    UNRESERVED[usize::from(byte)]
}

// A table, not a chain of comparisons: this is asked for every byte of every request, twice.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.' || c == b'~';
        b += 1;
    }
    table
};

/// Appends the percent-encoding of `input` to `out`.
pub fn percent_encode_into(out: &mut String, input: &str) {
    let mut encoded = Vec::new();
    percent_encode_bytes(&mut encoded, input.as_bytes());
    out.push_str(ascii(&encoded));
}

/// Bytes this module produced as `str`: they are ASCII, so the check always passes.
fn ascii(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

/// Appends the percent-encoding of `input` to `out`.
pub fn percent_encode_bytes(out: &mut Vec<u8>, input: &[u8]) {
    let start = out.len();
    out.resize(start + 3 * input.len(), 0);
    let end = percent_encode_at(out, start, input);
    out.truncate(end);
}

/// Writes the percent-encoding of `input` into `buffer` from `at` and returns where it ends.
/// `buffer` must have room for the worst case, three bytes per input byte, from `at`: the
/// builders of the canonical query and the string to sign allocate that zeroed, once, and write
/// everything by index (pushing byte by byte makes the compiler reload the vector's length after
/// every store).
pub(crate) fn percent_encode_at(buffer: &mut [u8], mut at: usize, input: &[u8]) -> usize {
    debug_assert!(buffer.len() >= at + 3 * input.len());
    for &byte in input {
        if is_unreserved(byte) {
            if let Some(slot) = buffer.get_mut(at) {
                *slot = byte;
            }
            at += 1;
        } else {
            if let Some([first, second, third]) = buffer.get_mut(at..at + 3) {
                (*first, *second, *third) = (b'%', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]);
            }
            at += 3;
        }
    }
    at
}

/// Copies `bytes` into `buffer` at `at` and returns where they end (room as for [`percent_encode_at`]).
pub(crate) fn copy_at(buffer: &mut [u8], at: usize, bytes: &[u8]) -> usize {
    if let Some(slots) = buffer.get_mut(at..at + bytes.len()) {
        slots.copy_from_slice(bytes);
    }
    at + bytes.len()
}

/// Returns the percent-encoding of `input`.
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    percent_encode_into(&mut out, input);
    out
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn encodes_per_alibaba_rules() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode(" "), "%20");
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("!'()"), "%21%27%28%29");
        assert_eq!(percent_encode("a+b=c&d/e%"), "a%2Bb%3Dc%26d%2Fe%25");
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
        assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
        assert_eq!(percent_encode(""), "");
    }
}
