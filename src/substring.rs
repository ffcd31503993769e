//! Substring search on bytes. std's `str::contains(&str)`/`split_once(&str)`
//! use a two-way searcher whose panic paths format characters with `Debug`, which pulls Unicode
//! tables into the wasm; the needles here are a few bytes long, so a plain scan does.

/// Byte offset of the first `needle` in `haystack`.
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return Some(0);
    }
    let (&first, rest) = needle.split_first()?;
    // Compare only where the first byte matches: a slice comparison per position is a call each.
    let last_start = haystack.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&at| {
        haystack.get(at) == Some(&first) && haystack.get(at + 1..at + needle.len()) == Some(rest)
    })
}

/// `text` split around the first `separator`.
pub(crate) fn split_once<'a>(text: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let at = find(text, separator)?;
    Some((text.get(..at)?, text.get(at + separator.len()..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_splits_like_std() {
        let cases = [("a--b--c", "--"), ("ééé", "é"), ("abc", "x"), ("aaa", "aa"), ("", "a"), ("x%20y", "%20")];
        for (haystack, needle) in cases {
            assert_eq!(find(haystack, needle), haystack.find(needle), "{haystack} {needle}");
            assert_eq!(split_once(haystack, needle), haystack.split_once(needle), "{haystack} {needle}");
        }
    }
}
