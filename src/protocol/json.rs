//! A small, strict JSON reader for the objects the API answers with.
//!
//! It keeps strings, numbers (as their source text), booleans and objects, and checks, then
//! skips, arrays and `null`. Written for the response parser instead of pulling a general JSON
//! library into the wasm (`serde_json` costs 10.9 KB gzip more: README, Performance); bounded
//! nesting, so no input can exhaust the stack.


/// A member value the parser keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    String(String),
    /// A number, as its source text.
    Number(String),
    Bool(bool),
    Object(Vec<(String, Value)>),
    /// `null` or an array.
    Other,
}

const MAX_DEPTH: usize = 64;

/// Why a text is not one JSON object the parser can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not valid JSON, or not an object.
    Invalid,
    /// An object names a key twice: `JSON.parse` keeps the last, many readers the first, so the
    /// answer means different things to different readers.
    DuplicateKey,
}

/// Parses `text` as one JSON object.
pub(crate) fn parse_object(text: &str) -> Result<Vec<(String, Value)>, Refusal> {
    let mut parser = Parser { bytes: text.as_bytes(), pos: 0, duplicate: false };
    parser.skip_whitespace();
    let members = parser.object(0);
    parser.skip_whitespace();
    match members {
        // A duplicate anywhere in a valid document; an invalid one is just invalid.
        Some(_) if parser.duplicate && parser.pos == parser.bytes.len() => Err(Refusal::DuplicateKey),
        Some(members) if parser.pos == parser.bytes.len() => Ok(members),
        _ => Err(Refusal::Invalid),
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// An object seen so far named a key twice (compared after unescaping, as `JSON.parse` does).
    duplicate: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn object(&mut self, depth: usize) -> Option<Vec<(String, Value)>> {
        self.eat(b'{')?;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.eat(b'}').is_some() {
            return Some(members);
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.skip_whitespace();
            self.eat(b':')?;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    let keys: Vec<&str> = members.iter().map(|(key, _)| key.as_str()).collect();
                    self.duplicate |= crate::small_sort::has_duplicate(&keys);
                    return Some(members);
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.eat(b'[')?;
        self.skip_whitespace();
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            self.skip_whitespace();
            self.value(depth)?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth >= MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(Value::String),
            b'{' => self.object(depth + 1).map(Value::Object),
            b'[' => self.array(depth + 1).map(|_| Value::Other),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Other),
            _ => self.number().map(Value::Number),
        }
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Option<Value> {
        let end = self.pos.checked_add(word.len())?;
        (self.bytes.get(self.pos..end)? == word).then(|| {
            self.pos = end;
            value
        })
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Option<String> {
        let start = self.pos;
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.eat(b'.').is_some() && self.digits() == 0 {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned())
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            let byte = self.peek()?;
            self.pos += 1;
            match byte {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let escape = self.peek()?;
                    self.pos += 1;
                    let decoded = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(decoded.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1F => return None,
                _ => out.push(byte),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let end = self.pos.checked_add(4)?;
        let digits = self.bytes.get(self.pos..end)?;
        let mut value = 0;
        for &d in digits {
            value = value * 16 + char::from(d).to_digit(16)?;
        }
        self.pos = end;
        Some(value)
    }

    // \uXXXX, joining a surrogate pair; a lone surrogate becomes U+FFFD as in JSON.parse + TextEncoder.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return Some(char::from_u32(high).unwrap_or('\u{FFFD}'));
        }
        let rest = self.bytes.get(self.pos..)?;
        if rest.starts_with(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                return char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
            }
            self.pos = save;
        }
        Some('\u{FFFD}')
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_object, Refusal, Value};

    #[test]
    fn reads_objects_and_skips_arrays_and_null() {
        let members = parse_object(r#" {"a":"x\u00e9\ud83d\ude00\n","b":-1.5e3,"c":[1,{"d":null}],"e":true,"f":{"g":false,"h":null}} "#).unwrap();
        assert_eq!(members[0], ("a".into(), Value::String("xé😀\n".into())));
        assert_eq!(members[1], ("b".into(), Value::Number("-1.5e3".into())));
        assert_eq!(members[2].1, Value::Other);
        assert_eq!(members[3].1, Value::Bool(true));
        assert_eq!(members[4].1, Value::Object(vec![("g".into(), Value::Bool(false)), ("h".into(), Value::Other)]));
    }

    #[test]
    fn refuses_duplicate_keys_at_any_depth() {
        for ambiguous in [
            r#"{"Status":"success","Status":"fail"}"#,
            r#"{"Status":"success","St\u0061tus":"fail"}"#,
            r#"{"Job":{"Status":"Running","Status":"Cancelled"}}"#,
            r#"{"a":[{"b":1,"b":2}]}"#,
        ] {
            assert_eq!(parse_object(ambiguous), Err(Refusal::DuplicateKey), "{ambiguous}");
        }
        assert_eq!(parse_object(r#"{"a":1,"a":2"#), Err(Refusal::Invalid));
        assert!(parse_object(r#"{"Status":"success","status":"x","Job":{"Status":"y"}}"#).is_ok());
    }

    #[test]
    fn rejects_what_is_not_one_json_object() {
        for bad in ["", "[]", "{", r#"{"a":"#, r#"{"a":1,}"#, r#"{"a":01}"#, "{}x", r#"{"a":"\x"}"#, "<html>", r#"{"a":tru}"#] {
            assert_eq!(parse_object(bad), Err(Refusal::Invalid), "{bad}");
        }
        let deep = "[".repeat(100_000);
        assert_eq!(parse_object(&format!(r#"{{"a":{deep}"#)), Err(Refusal::Invalid));
    }
}
