//! Redaction on generated inputs: many secrets of each kind (AccessKey secret, STS token,
//! namespace password, V3 `Authorization` value), each written in every form servers, gateways
//! and proxies echo (encoded here by the test's own encoders, not the library's), at random
//! positions in random padding, also past the first 2.5 KB that an excerpt once looked at.
//!
//! The padding's characters can be no part of any form of any secret, so what must come out is
//! known exactly: the padding, with `***` where each secret was.

use gpdb_edge::protocol::redact::{redact, MASK};
use gpdb_edge::protocol::response::excerpt;
use proptest::prelude::*;

const PADDING: &str = "GHIJKLMNOPQRSTVWYZ|\n";

fn pct(s: &str, keep: impl Fn(u8) -> bool, lower: bool) -> String {
    s.bytes()
        .map(|b| match keep(b) {
            true => char::from(b).to_string(),
            false if lower => format!("%{b:02x}"),
            false => format!("%{b:02X}"),
        })
        .collect()
}
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.~".contains(&b)
}
fn uri_component(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}
// WHATWG application/x-www-form-urlencoded: `*-._` raw, space as `+`, `~` as `%7E`.
fn form(s: &str) -> String {
    pct(s, |b| b.is_ascii_alphanumeric() || b"*-._ ".contains(&b), false).replace(' ', "+")
}
fn json_u(s: &str, every: bool, lower: bool) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        let escape = every || matches!(ch, '<' | '>' | '&' | '=' | '\'') || !ch.is_ascii();
        match ch {
            '"' if !every => out.push_str("\\\""),
            '\\' if !every => out.push_str("\\\\"),
            '/' if !every => out.push_str("\\/"),
            _ if escape => {
                for unit in ch.encode_utf16(&mut [0; 2]) {
                    out.push_str(&if lower { format!("\\u{unit:04x}") } else { format!("\\u{unit:04X}") });
                }
            }
            _ => out.push(ch),
        }
    }
    out
}
fn html(s: &str) -> String {
    s.chars()
        .map(|ch| match ch {
            '&' => "&amp;".into(),
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '"' => "&quot;".into(),
            '\'' => "&#39;".into(),
            _ if !ch.is_ascii() => format!("&#x{:X};", u32::from(ch)),
            _ => ch.to_string(),
        })
        .collect()
}
// Each character independently in a random one of its forms.
fn mixed(s: &str, choices: &[u8]) -> String {
    s.chars()
        .enumerate()
        .map(|(i, ch)| {
            let text = ch.to_string();
            match choices[i % choices.len()] % 5 {
                0 => text,
                1 => pct(&text, |_| false, false),
                2 => pct(&text, |_| false, true),
                3 => json_u(&text, true, i % 2 == 0),
                _ => format!("&#{};", u32::from(ch)),
            }
        })
        .collect()
}

/// Every form of `secret` the test checks, by name.
fn forms(secret: &str, choices: &[u8]) -> Vec<(&'static str, String)> {
    vec![
        ("raw", secret.to_owned()),
        ("percent, upper-case hex", pct(secret, unreserved, false)),
        ("percent, lower-case hex", pct(secret, unreserved, true)),
        ("encodeURIComponent", pct(secret, uri_component, false)),
        ("WHATWG form", form(secret)),
        ("percent twice (string to sign)", pct(&pct(secret, unreserved, false), unreserved, false)),
        ("form, then percent", pct(&form(secret), unreserved, false)),
        ("JSON \\u every character, lower", json_u(secret, true, true)),
        ("JSON \\u every character, upper", json_u(secret, true, false)),
        ("JSON as Go and Gson write it", json_u(secret, false, false)),
        ("HTML", html(secret)),
        ("mixed", mixed(secret, choices)),
    ]
}

// Secret alphabets: no padding character, no control character.
const SPECIALS: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{}~ ";
fn secret_chars() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => prop::char::range('a', 'z'),
        2 => prop::char::range('0', '9'),
        1 => prop::char::range('A', 'F'),
        4 => prop::sample::select(SPECIALS.chars().collect::<Vec<_>>()),
        1 => prop::sample::select(vec!['é', '中', '😀', 'ß']),
    ]
}
fn text_of(chars: impl Strategy<Value = char>, len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(chars, len).prop_map(|chars| chars.into_iter().collect())
}
fn base64ish(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    text_of(prop_oneof![prop::char::range('a', 'z'), prop::char::range('0', '9'), prop::sample::select(vec!['+', '/', '=', 'A', 'B', 'E'])], len)
}
/// An AccessKey secret, an STS token, a namespace password and a V3 Authorization value, with
/// distinct first characters (so that none can start matching at another's place).
fn secrets() -> impl Strategy<Value = Vec<String>> {
    (
        base64ish(12..40).prop_map(|s| format!("k{s}")),
        base64ish(20..600).prop_map(|s| format!("CAIS{s}")),
        text_of(secret_chars(), 1..40).prop_map(|s| format!("p{s}")),
        ("[0-9a-f]{64}", "[a-z0-9.]{4,20}").prop_map(|(signature, id)| {
            format!("ACS3-HMAC-SHA256 Credential={id},SignedHeaders=content-type;host;x-acs-action,Signature={signature}")
        }),
        // A password of any characters, starting with a special one.
        (prop::sample::select(vec!['!', '%', '&', '\\', ' ', '😀', '"']), text_of(secret_chars(), 0..20))
            .prop_map(|(first, rest)| format!("{first}{rest}")),
    )
        .prop_map(|(a, b, c, d, e)| vec![a, b, c, d, e])
}

/// Each secret inserted once (in form number `form_of[i]`) between random paddings.
#[derive(Debug, Clone)]
struct Case {
    secrets: Vec<String>,
    text: String,
    expected: String,
}

fn case() -> impl Strategy<Value = Case> {
    let padding = text_of(prop::sample::select(PADDING.chars().collect::<Vec<_>>()), 0..3000);
    (secrets(), prop::collection::vec((padding, 0..12usize, prop::collection::vec(any::<u8>(), 1..8)), 6), any::<u16>()).prop_map(
        |(secrets, parts, order)| {
            let (mut text, mut expected) = (String::new(), String::new());
            // A rotating order, so that each kind of secret comes first in some cases.
            for i in 0..secrets.len() {
                let (padding, form, choices) = &parts[i];
                let secret = &secrets[(i + usize::from(order)) % secrets.len()];
                let (_, encoded) = forms(secret, choices).swap_remove(*form);
                text += padding;
                text += &encoded;
                expected += padding;
                expected += MASK;
            }
            text += &parts[5].0;
            expected += &parts[5].0;
            Case { secrets, text, expected }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn every_form_of_every_secret_is_masked_wherever_it_is(case in case()) {
        let secrets: Vec<&str> = case.secrets.iter().map(String::as_str).collect();
        prop_assert_eq!(redact(&case.text, &secrets), case.expected.clone());
        // The excerpt is cut after redaction: exactly the excerpt of the expected text.
        prop_assert_eq!(excerpt(case.text.as_bytes(), &secrets), excerpt(case.expected.as_bytes(), &[]));
    }

    #[test]
    fn each_form_alone_is_masked(secret in text_of(secret_chars(), 1..60), choices in prop::collection::vec(any::<u8>(), 1..8),
                                 before in "[G-T]{0,3000}", after in "[G-T]{0,40}") {
        for (name, encoded) in forms(&secret, &choices) {
            let text = format!("{before}{encoded}{after}");
            prop_assert_eq!(redact(&text, &[&secret]), format!("{before}{MASK}{after}"), "form {}: {:?}", name, encoded);
            let shown = excerpt(text.as_bytes(), &[&secret]);
            prop_assert_eq!(&shown, &excerpt(format!("{before}{MASK}{after}").as_bytes(), &[]), "form {}", name);
        }
    }
}

#[test]
fn a_secret_straddling_the_old_excerpt_window_keeps_no_prefix() {
    let secret = "Rel!ns#Pass_(2024)*";
    for at in 2_540..2_570 {
        let text = format!("{}{}", "G".repeat(at), pct(secret, unreserved, true));
        assert_eq!(redact(&text, &[secret]), format!("{}{MASK}", "G".repeat(at)));
    }
}
