//! The `Timestamp` parameter: UTC, `yyyy-MM-ddTHH:mm:ssZ`, computed without reading any clock.

use std::fmt;

use super::error::{Error, InputProblem};

/// Seconds since the Unix epoch, between 1970-01-01 and 9999-12-31.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Timestamp {
    unix_seconds: i64,
}

// 9999-12-31T23:59:59Z: the last time the four-digit year format can show.
const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

impl Timestamp {
    /// From milliseconds since the Unix epoch (what `Date.now()` returns); sub-second digits are dropped.
    pub fn from_unix_millis(millis: i64) -> Result<Self, Error> {
        let unix_seconds = millis.div_euclid(1000);
        if !(0..=MAX_UNIX_SECONDS).contains(&unix_seconds) {
            return Err(Error::input("timestamp", InputProblem::Malformed { expected: "a time between 1970 and 9999" }));
        }
        Ok(Timestamp { unix_seconds })
    }
}

impl fmt::Display for Timestamp {
    /// `yyyy-MM-ddTHH:mm:ssZ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = civil_from_days(self.unix_seconds.div_euclid(86_400));
        // u32, which the year (1970 to 9999) and the seconds of a day fit: every number the
        // module formats is a u32 or a usize, so it holds one integer formatter, not also i64's.
        let (year, secs) = (year as u32, self.unix_seconds.rem_euclid(86_400) as u32);
        write!(f, "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

/// Whether `text` is an ISO 8601 date and time that says its zone: `2024-01-01T00:00:00Z`,
/// `2024-01-01T08:00:00.5+08:00`, `…+0800`.
///
/// A time without a zone is refused rather than read one way or the other: JavaScript reads
/// `2024-01-01T00:00:00` as local time and `2024-01-01` as UTC, the API wants UTC, and a caller
/// may mean either; a guess would sign a time that is off by the machine's offset, silently.
pub fn iso8601_has_zone(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    // YYYY-MM-DDTHH:MM
    if !(digits(0..4) && at(4, b'-') && digits(5..7) && at(7, b'-') && digits(8..10) && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13) && at(13, b':') && digits(14..16))
    {
        return false;
    }
    let mut i = 16;
    // :SS and a fraction, optional.
    if at(i, b':') {
        if !digits(i + 1..i + 3) {
            return false;
        }
        i += 3;
        if at(i, b'.') {
            let count = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
            if count == 0 {
                return false;
            }
            i += 1 + count;
        }
    }
    // The zone: Z, ±HH:MM or ±HHMM, and nothing after it.
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] => {
            let zone = &b[i + 1..];
            (zone.len() == 5 && digits(i + 1..i + 3) && at(i + 3, b':') && digits(i + 4..i + 6))
                || (zone.len() == 4 && digits(i + 1..i + 5))
        }
        _ => false,
    }
}

// Howard Hinnant's days -> (year, month, day) for the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn formats_utc_seconds() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_456_231_584_000, "2016-02-23T12:46:24Z"),
            (1_678_696_470_999, "2023-03-13T08:34:30Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (4_107_542_399_000, "2100-02-28T23:59:59Z"),
            (253_402_300_799_000, "9999-12-31T23:59:59Z"),
        ];
        for (millis, text) in cases {
            assert_eq!(Timestamp::from_unix_millis(millis).unwrap().to_string(), text);
        }
    }

    #[test]
    fn a_time_string_must_say_its_zone() {
        for zoned in ["2024-01-01T00:00:00Z", "2024-01-01T00:00Z", "2024-01-01t00:00:00.123456z", "2024-01-01T08:00:00+08:00",
            "2024-01-01 08:00:00+0800", "2016-02-23T12:46:24-05:30"] {
            assert!(super::iso8601_has_zone(zoned), "{zoned}");
        }
        for zoneless in ["2024-01-01T00:00:00", "2024-01-01", "2024-01-01T00:00:00.5", "2024-01-01T00:00:00+08", "2024-01-01T00:00:00Zx",
            "Mon, 01 Jan 2024 00:00:00 GMT", "2024-01-01T00:00:00 Z", "", "2024-01-01T00:00:00.Z"] {
            assert!(!super::iso8601_has_zone(zoneless), "{zoneless}");
        }
    }

    #[test]
    fn rejects_times_the_format_cannot_show() {
        assert!(Timestamp::from_unix_millis(-1).is_err());
        assert!(Timestamp::from_unix_millis(253_402_300_800_000).is_err());
        assert!(Timestamp::from_unix_millis(i64::MIN).is_err());
        assert!(Timestamp::from_unix_millis(i64::MAX).is_err());
    }
}
