//! `parse_cancel_answer` on any status and body: it never panics, and it keeps the promises its
//! docs make about errors.
//!
//! Input layout: the first two bytes are the HTTP status (big-endian, modulo 1000), the rest is
//! the body. The seeds start with printable pairs: `C0` = 200, `0s` = 403, `8D` = 404,
//! `4u` = 429, `HD` = 500, `HF` = 502.
#![no_main]

use gpdb_edge::protocol::error::is_retryable_status;
use gpdb_edge::protocol::response::EXCERPT_CHARS;
use gpdb_edge::protocol::{parse_cancel_answer, Error, ResponseProblem};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "secret-1";

fuzz_target!(|data: &[u8]| {
    let (status, body) = split(data);
    let result = parse_cancel_answer(status, body, &[SECRET]);
    assert_eq!(
        result,
        parse_cancel_answer(status, body, &[SECRET]),
        "not deterministic"
    );
    let read_as_json = match &result {
        Ok(answer) => {
            assert!((200..300).contains(&status), "Ok for HTTP {status}");
            assert_eq!(answer.status, "success");
            true
        }
        Err(error) => check_error(status, body, error),
    };
    check_json_reader(body, read_as_json);
});

fn split(data: &[u8]) -> (u16, &[u8]) {
    match data {
        [high, low, body @ ..] => (u16::from_be_bytes([*high, *low]) % 1000, body),
        _ => (0, data),
    }
}

/// Checks one error and returns whether the body was read as a JSON object.
fn check_error(status: u16, body: &[u8], error: &Error) -> bool {
    // error.rs: "No variant ever holds a secret value"; response.rs: secrets "are scrubbed from
    // every text that ends up in an error".
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(
            !text.contains(SECRET),
            "the secret reached an error: {text}"
        );
    }
    assert_eq!(error.http_status(), Some(status));
    match error {
        Error::Response(e) => {
            let excerpt = &e.excerpt;
            // EXCERPT_CHARS, then '…' when cut.
            assert!(
                excerpt.chars().count() <= EXCERPT_CHARS + 1,
                "excerpt too long: {excerpt:?}"
            );
            assert!(
                !excerpt.chars().any(char::is_control),
                "control character in {excerpt:?}"
            );
            assert!(
                excerpt.trim() == excerpt && !excerpt.contains("  "),
                "whitespace not collapsed: {excerpt:?}"
            );
            // A JSON object naming a key twice is refused as ambiguous (issue 18).
            let code = if e.problem == ResponseProblem::Ambiguous { "AmbiguousResponse" } else { "MalformedResponse" };
            assert_eq!(error.code(), code);
            assert_eq!(error.retryable(), is_retryable_status(status));
            let blank = body.iter().all(u8::is_ascii_whitespace);
            assert_eq!(
                e.problem == ResponseProblem::Empty,
                blank,
                "{:?}",
                e.problem
            );
            if !blank && std::str::from_utf8(body).is_err() {
                assert_eq!(e.problem, ResponseProblem::NotJson);
            }
            !matches!(e.problem, ResponseProblem::Empty | ResponseProblem::NotJson)
        }
        Error::Api(e) => {
            let code = e.code.as_str();
            if error.retryable() {
                let transient = code.starts_with("Throttling")
                    || code == "ServiceUnavailable"
                    || code == "InternalError";
                assert!(
                    transient || is_retryable_status(status),
                    "{code} at HTTP {status} retryable"
                );
            }
            let never = [
                "Signature",
                "InvalidAccessKey",
                "Forbidden",
                "NoPermission",
                "InvalidParameter",
                "MissingParameter",
            ];
            if never.iter().any(|prefix| code.starts_with(prefix)) {
                assert!(!error.retryable(), "{code} at HTTP {status} retryable");
            }
            true
        }
        other => panic!(
            "parse_cancel_answer returned a {:?} error: {other:?}",
            other.kind()
        ),
    }
}

/// The crate's JSON reader against serde_json. The crate keeps values nested at most 64 deep
/// (counting the top-level object), and, as `JSON.parse` does, accepts lone surrogate escapes
/// and numbers beyond f64; serde_json's `IgnoredAny` skips both without judging them.
fn check_json_reader(body: &[u8], read_as_json: bool) {
    if read_as_json {
        let skipped = serde_json::from_slice::<serde::de::IgnoredAny>(body);
        assert!(skipped.is_ok(), "read as JSON, serde_json says {skipped:?}");
    } else if let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) {
        let depth = 1 + object.values().map(depth).max().unwrap_or(0);
        assert!(depth > 64, "a JSON object {depth} deep was not read");
    }
}

fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}
