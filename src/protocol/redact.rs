//! Removes secrets from text that came back from the network before it reaches an error.
//!
//! Servers echo requests: Alibaba's `SignatureDoesNotMatch` message quotes the server's string
//! to sign, which holds the percent-encoded form body and so the namespace password, twice
//! encoded. A proxy's HTML error page may echo the form body. So every form a secret takes on
//! the wire is scrubbed: raw, percent-encoded once and twice, and form-encoded.
//!
//! `Debug` of the signing stages and of a signed request masks the secret parameters' values too.


use super::encode::percent_encode;
use crate::substring::{replace_all, split_once};

/// What secrets are replaced with.
pub const MASK: &str = "***";

/// Returns `text` with every wire form of every secret replaced by [`MASK`].
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut forms: Vec<String> = Vec::with_capacity(secrets.len() * 4);
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let once = percent_encode(secret);
        let twice = percent_encode(&once);
        let form = replace_all(&once, "%20", "+");
        forms.extend([secret.to_string(), once, twice, form]);
    }
    // Longest first, so that a secret inside another's encoding is not half-replaced.
    crate::small_sort::sort_by(&mut forms, |a, b| a.len() > b.len());
    let mut out = text.to_owned();
    for form in &forms {
        out = replace_all(&out, form, MASK);
    }
    out
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
        let text = "raw p@ss word/1, once p%40ss%20word%2F1, twice p%2540ss%2520word%252F1, form p%40ss+word%2F1, tok";
        assert_eq!(redact(text, &secrets), "raw ***, once ***, twice ***, form ***, ***");
        assert_eq!(redact("nothing here", &[""]), "nothing here");
    }
}
