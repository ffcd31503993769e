//! Alibaba Cloud percent-encoding for RPC signature V1.
//!
//! Source: help.aliyun.com/document_detail/28839.html ("Encode the parameters"): keep
//! `A-Z a-z 0-9 - _ . ~`, encode every other byte of the UTF-8 form as `%XY` in upper-case hex,
//! so a space is `%20` (never `+`), `*` is `%2A` and `~` stays `~`.

// "%00%01…%FF": the escape of byte b is ESCAPES[3b..3b + 3].
const ESCAPES: &str = "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2D%2E%2F%30%31%32%33%34%35%36%37%38%39%3A%3B%3C%3D%3E%3F%40%41%42%43%44%45%46%47%48%49%4A%4B%4C%4D%4E%4F%50%51%52%53%54%55%56%57%58%59%5A%5B%5C%5D%5E%5F%60%61%62%63%64%65%66%67%68%69%6A%6B%6C%6D%6E%6F%70%71%72%73%74%75%76%77%78%79%7A%7B%7C%7D%7E%7F%80%81%82%83%84%85%86%87%88%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9F%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7%B8%B9%BA%BB%BC%BD%BE%BF%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF%E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD%FE%FF";

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
    // Copies runs of unreserved bytes at once: pushing char by char was the signer's hot spot.
    let bytes = input.as_bytes();
    out.reserve(bytes.len());
    let mut run_start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !is_unreserved(byte) {
            // A non-empty run holds only ASCII and starts after a whole character, so it is
            // always sliced on character boundaries.
            if run_start < i {
                out.push_str(input.get(run_start..i).unwrap_or_default());
            }
            let at = usize::from(byte) * 3;
            out.push_str(ESCAPES.get(at..at + 3).unwrap_or_default());
            run_start = i + 1;
        }
    }
    if run_start < bytes.len() {
        out.push_str(input.get(run_start..).unwrap_or_default());
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
