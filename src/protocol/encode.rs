//! Alibaba Cloud percent-encoding for RPC signature V1.
//!
//! Source: help.aliyun.com/document_detail/28839.html ("Encode the parameters"): keep
//! `A-Z a-z 0-9 - _ . ~`, encode every other byte of the UTF-8 form as `%XY` in upper-case hex,
//! so a space is `%20` (never `+`), `*` is `%2A` and `~` stays `~`.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `byte` is left as is: the RFC 3986 unreserved set.
#[inline]
pub fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Appends the percent-encoding of `input` to `out`.
pub fn percent_encode_into(out: &mut String, input: &str) {
    for &byte in input.as_bytes() {
        if is_unreserved(byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0x0F)] as char);
        }
    }
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
