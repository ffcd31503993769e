//! `percent_encode` and `CanonicalQuery` on any text: Alibaba's encoding, reversible, and a
//! canonical query whose `&` and `=` are only the separators.
//!
//! Input layout: any bytes, read as UTF-8 with U+FFFD for invalid sequences. For the canonical
//! query the text is split at line feeds into `key`, `value`, `key`, `value`, ...
#![no_main]

use gpdb_edge::protocol::encode::{percent_encode, percent_encode_into};
use gpdb_edge::protocol::sign::v2::CanonicalQuery;
use libfuzzer_sys::fuzz_target;

/// More pairs only make the insertion sort slower, not the check stronger.
const MAX_PAIRS: usize = 8;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_percent_encode(&text);

    let parts: Vec<&str> = text.splitn(2 * MAX_PAIRS, '\n').collect();
    let pairs: Vec<(&str, &str)> = parts
        .chunks(2)
        .map(|kv| (kv[0], kv.get(1).copied().unwrap_or("")))
        .collect();
    check_canonical_query(&pairs);
});

fn check_percent_encode(text: &str) {
    let encoded = percent_encode(text);
    assert_eq!(
        decode(&encoded),
        text.as_bytes(),
        "{encoded} does not decode to {text:?}"
    );

    let mut appended = String::from("a=");
    percent_encode_into(&mut appended, text);
    assert_eq!(appended.strip_prefix("a="), Some(encoded.as_str()));
}

/// What Alibaba's encoding keeps as is (help.aliyun.com/document_detail/28839.html), written
/// out again rather than taken from the crate.
fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte)
}

/// Strict percent-decoding: panics unless each byte has its one Alibaba form, kept as is if
/// unreserved, else `%` and two upper-case hex digits.
fn decode(encoded: &str) -> Vec<u8> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%' {
            let hex = |at: usize| match bytes.get(at) {
                Some(&d @ b'0'..=b'9') => d - b'0',
                Some(&d @ b'A'..=b'F') => d - b'A' + 10,
                other => panic!("%{other:?} is not upper-case hex in {encoded}"),
            };
            let decoded = hex(i + 1) << 4 | hex(i + 2);
            assert!(
                !unreserved(decoded),
                "unreserved byte {decoded:#04x} encoded in {encoded}"
            );
            out.push(decoded);
            i += 3;
        } else {
            assert!(unreserved(byte), "raw byte {byte:#04x} in {encoded}");
            out.push(byte);
            i += 1;
        }
    }
    out
}

fn check_canonical_query(pairs: &[(&str, &str)]) {
    let canonical = CanonicalQuery::new(pairs);
    assert_eq!(canonical.to_string(), canonical.as_str());

    // Keys sorted by their bytes, equal keys in their given order, `Signature` left out.
    let mut expected: Vec<&(&str, &str)> = pairs
        .iter()
        .filter(|(key, _)| *key != "Signature")
        .collect();
    expected.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));

    let query = canonical.as_str();
    let entries: Vec<&str> = if query.is_empty() {
        Vec::new()
    } else {
        query.split('&').collect()
    };
    assert_eq!(entries.len(), expected.len(), "{query}");
    for (entry, (key, value)) in entries.iter().zip(expected) {
        let Some((encoded_key, encoded_value)) = entry.split_once('=') else {
            panic!("no '=' in {entry:?} of {query}");
        };
        assert!(
            !encoded_value.contains('='),
            "raw '=' in {entry:?} of {query}"
        );
        assert_eq!(decode(encoded_key), key.as_bytes(), "{query}");
        assert_eq!(decode(encoded_value), value.as_bytes(), "{query}");
    }
}
