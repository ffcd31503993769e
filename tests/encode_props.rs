//! Properties of the Alibaba percent-encoder, for every string, and of merging canonical queries.

use gpdb_edge::protocol::encode::{is_unreserved, percent_encode};
use proptest::prelude::*;

fn decode(encoded: &str) -> Vec<u8> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn output_uses_only_the_allowed_alphabet(input in any::<String>()) {
        let encoded = percent_encode(&input);
        let bytes = encoded.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = &bytes[i + 1..i + 3];
                prop_assert!(hex.iter().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b)), "{encoded}");
                // An escape is only ever used for a byte that is not unreserved.
                prop_assert!(!is_unreserved(u8::from_str_radix(std::str::from_utf8(hex).unwrap(), 16).unwrap()));
                i += 3;
            } else {
                prop_assert!(is_unreserved(bytes[i]), "{encoded}");
                i += 1;
            }
        }
    }

    #[test]
    fn decoding_gives_back_the_input(input in any::<String>()) {
        prop_assert_eq!(decode(&percent_encode(&input)), input.as_bytes());
    }

    #[test]
    fn encoding_is_byte_by_byte(a in any::<String>(), b in any::<String>()) {
        prop_assert_eq!(percent_encode(&format!("{a}{b}")), percent_encode(&a) + &percent_encode(&b));
    }
}
