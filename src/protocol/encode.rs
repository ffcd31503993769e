//! Alibaba Cloud percent-encoding, the same for signature V2 and V3.
//!
//! Source: help.aliyun.com/document_detail/28839.html ("Encode the parameters"): keep
//! `A-Z a-z 0-9 - _ . ~`, encode every other byte of the UTF-8 form as `%XY` in upper-case hex,
//! so a space is `%20` (never `+`), `*` is `%2A` and `~` stays `~`.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `byte` is left as is: the RFC 3986 unreserved set.
pub fn is_unreserved(byte: u8) -> bool {
    UNRESERVED[usize::from(byte)]
}

// One lookup instead of five comparisons: every byte of a signature passes here twice, and this
// was a tenth of a signature (README, Performance).
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
    let mut encoded = Vec::with_capacity(input.len());
    percent_encode_bytes(&mut encoded, input.as_bytes());
    // Every byte written is ASCII.
    out.push_str(std::str::from_utf8(&encoded).unwrap_or_default());
}

/// Appends the percent-encoding of `input` to `out`, as bytes: the encoders write bytes and make
/// one string at the end (a `String::push` per character was a quarter of a signature).
pub fn percent_encode_bytes(out: &mut Vec<u8>, input: &[u8]) {
    out.reserve(input.len());
    // Runs of unreserved bytes are copied as they are, each escape written after its run.
    let mut rest = input;
    while let Some(at) = rest.iter().position(|&byte| !is_unreserved(byte)) {
        let (run, escaped) = (&rest[..at], rest[at]);
        out.extend_from_slice(run);
        out.extend_from_slice(&[b'%', HEX[usize::from(escaped >> 4)], HEX[usize::from(escaped & 15)]]);
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
}

/// Lower-case hex of `bytes`: V3's hashes and signature, and the random nonces.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(2 * bytes.len());
    for byte in bytes {
        out.extend_from_slice(&[DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 15)]]);
    }
    // Every byte written is ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// Returns the percent-encoding of `input`.
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
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
