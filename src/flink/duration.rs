//! Flink durations: the one reading of `TimeUtils.parseDuration` that every rule and `import`
//! use, per Flink version.
//!
//! Flink reads `<digits>[whitespace]<unit>` (no unit = milliseconds; the unit lower-cased with
//! `Locale.US`; `String.trim` whitespace, i.e. every char up to U+0020, at both ends and
//! between number and unit). The unit labels are the same in every version:
//! `d day days`, `h hour hours`, `min m minute minutes`, `s sec secs second seconds`,
//! `ms milli millis millisecond milliseconds`, `µs micro micros microsecond microseconds`
//! (micro sign U+00B5 only), `ns nano nanos nanosecond nanoseconds`. `mins`, `hr`, `us`,
//! fractions, signs and compounds (`1h30m`) are refused everywhere. What changed:
//!
//! * [`DurationGrammar::Flink1`] (1.15 – 1.20): the number is a Java `long`, and
//!   `Duration.of(n, unit)` overflows when its seconds do not fit one.
//! * [`DurationGrammar::Flink2_0`]: the number may have any length (`BigInteger`); the duration
//!   must fit `Long.MAX_VALUE` seconds plus 999 999 999 ns.
//! * [`DurationGrammar::Flink2_1`] (2.1 and later): as 2.0, and text without a leading digit is
//!   read as ISO-8601 (`PT30S`, `P1DT2H`, `PT1.5S`) by `java.time.Duration.parse`; a negative
//!   result is refused.
//!
//! Options of the operator (`kubernetes.operator.*`) and of its autoscaler (`job.autoscaler.*`)
//! are read by the operator's own bundled Flink 1.20, so they use the 1.x grammar whatever the
//! deployment's version ([`DurationGrammar::for_key`]).
//!
//! Sources: release binaries 1.15.4 … 2.3.0, `TimeUtils#parseDuration`. The test vectors,
//! measured with those binaries, are in `duration_cases.txt` beside this file.

use crate::flink::java::java_trim;
use crate::flink::version::FlinkVersion;
use std::fmt;

/// Which version of `TimeUtils.parseDuration` reads the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationGrammar {
    /// Flink 1.15 – 1.20 (and the operator, whose bundled Flink is 1.20).
    Flink1,
    /// Flink 2.0: numbers of any length, checked for overflow.
    Flink2_0,
    /// Flink 2.1 and later: 2.0 plus ISO-8601 (`PT30S`).
    Flink2_1,
}

impl DurationGrammar {
    /// The grammar of a Flink version. Without a known version, the most permissive one
    /// (2.1+), so that nothing any supported Flink reads is reported as unreadable.
    pub fn for_version(version: Option<FlinkVersion>) -> DurationGrammar {
        match version.map(|v| (v.major, v.minor)) {
            Some((1, _)) | Some((0, _)) => DurationGrammar::Flink1,
            Some((2, 0)) => DurationGrammar::Flink2_0,
            _ => DurationGrammar::Flink2_1,
        }
    }

    /// The grammar that reads `key`: the operator's (1.x) for operator and autoscaler
    /// options, the deployment's Flink for everything else.
    pub fn for_key(key: &str, version: Option<FlinkVersion>) -> DurationGrammar {
        if is_operator_option(key) {
            DurationGrammar::Flink1
        } else {
            DurationGrammar::for_version(version)
        }
    }
}

/// Whether the operator (not the job's Flink) reads this option.
pub fn is_operator_option(key: &str) -> bool {
    key.starts_with("kubernetes.operator.") || key.starts_with("job.autoscaler.")
}

/// A duration Flink accepted: whole nanoseconds, at most `Long.MAX_VALUE` s + 999 999 999 ns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlinkDuration {
    nanos: u128,
}

/// Java's `Long.MAX_VALUE`.
const JAVA_LONG_MAX: u128 = i64::MAX as u128;
const NANOS_PER_SECOND: u128 = 1_000_000_000;
const NANOS_PER_MILLI: u128 = 1_000_000;
/// The largest `java.time.Duration`, in nanoseconds.
const MAX_NANOS: u128 = JAVA_LONG_MAX * NANOS_PER_SECOND + (NANOS_PER_SECOND - 1);

impl FlinkDuration {
    /// The duration in nanoseconds.
    pub fn nanos(self) -> u128 {
        self.nanos
    }

    /// Whole milliseconds, rounded down (`Duration.toMillis`).
    pub fn millis(self) -> u128 {
        self.nanos / NANOS_PER_MILLI
    }

    /// Whether `Duration.toMillis` holds it: Flink reads most durations back as a `long` of
    /// milliseconds, which overflows past 9223372036854775807 ms.
    pub fn fits_java_millis(self) -> bool {
        self.millis() <= JAVA_LONG_MAX
    }

    /// Whether it is zero.
    pub fn is_zero(self) -> bool {
        self.nanos == 0
    }
}

/// Why Flink refuses a duration, with the message `TimeUtils` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// Empty or whitespace only.
    Empty,
    /// No leading digit (and, on 2.1+, not ISO-8601 either).
    NotANumber,
    /// A unit label Flink does not know (`mins`, `hr`, `.5s`).
    UnknownUnit(String),
    /// The number or the duration does not fit (a `long` of digits on 1.x, the `Duration`'s
    /// seconds everywhere).
    Overflow,
    /// An ISO-8601 duration below zero (2.1+).
    Negative,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => f.write_str("it is empty"),
            DurationError::NotANumber => f.write_str("it does not start with a number"),
            DurationError::UnknownUnit(u) => write!(
                f,
                "`{u}` is not a unit Flink knows (d, h, min or m, s, ms, µs, ns, or their long forms such as `minutes`)"
            ),
            DurationError::Overflow => {
                f.write_str("it is longer than Flink can hold (numeric overflow)")
            }
            DurationError::Negative => f.write_str("it is negative"),
        }
    }
}

/// A unit label and its length in nanoseconds.
const UNITS: [(&[&str], u128); 7] = [
    (&["d", "day", "days"], 86_400 * NANOS_PER_SECOND),
    (&["h", "hour", "hours"], 3_600 * NANOS_PER_SECOND),
    (&["min", "m", "minute", "minutes"], 60 * NANOS_PER_SECOND),
    (&["s", "sec", "secs", "second", "seconds"], NANOS_PER_SECOND),
    (
        &["ms", "milli", "millis", "millisecond", "milliseconds"],
        NANOS_PER_MILLI,
    ),
    (
        &["µs", "micro", "micros", "microsecond", "microseconds"],
        1_000,
    ),
    (&["ns", "nano", "nanos", "nanosecond", "nanoseconds"], 1),
];

/// Java's `toLowerCase(Locale.US)` for a unit label. `char::to_lowercase` maps like Java for
/// the characters that matter here (ASCII letters; `µ` stays the micro sign, `Μ` becomes the
/// Greek mu, which no label uses).
fn lower(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// The nanoseconds of a unit label (empty = milliseconds), if Flink knows it.
fn unit_nanos(label: &str) -> Option<u128> {
    if label.is_empty() {
        return Some(NANOS_PER_MILLI);
    }
    UNITS
        .iter()
        .find(|(names, _)| names.contains(&label))
        .map(|(_, n)| *n)
}

/// Reads `text` as Flink's `TimeUtils.parseDuration` of `grammar` does.
pub fn parse_duration(
    text: &str,
    grammar: DurationGrammar,
) -> Result<FlinkDuration, DurationError> {
    let trimmed = java_trim(text);
    if trimmed.is_empty() {
        return Err(DurationError::Empty);
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = trimmed.split_at(digits);
    if number.is_empty() {
        return match grammar {
            DurationGrammar::Flink2_1 => parse_iso(trimmed),
            _ => Err(DurationError::NotANumber),
        };
    }
    let label = lower(java_trim(rest));
    match grammar {
        DurationGrammar::Flink1 => {
            // `Long.parseLong` first, then the unit, then `Duration.of`.
            let value: u128 = number
                .parse::<i64>()
                .map_err(|_| DurationError::Overflow)?
                .try_into()
                .map_err(|_| DurationError::Overflow)?;
            let unit = unit_nanos(&label).ok_or(DurationError::UnknownUnit(label))?;
            // `Duration.of(value, unit)`: seconds = value × unit seconds must fit a long; units
            // below a second cannot overflow (value ≤ Long.MAX).
            let nanos = value.checked_mul(unit).ok_or(DurationError::Overflow)?;
            if nanos > MAX_NANOS {
                return Err(DurationError::Overflow);
            }
            Ok(FlinkDuration { nanos })
        }
        DurationGrammar::Flink2_0 | DurationGrammar::Flink2_1 => {
            // `new BigInteger(number)` accepts any length: a number beyond u128 is beyond
            // every duration, so it is the overflow Flink reports after reading the unit.
            let unit = unit_nanos(&label).ok_or(DurationError::UnknownUnit(label))?;
            let nanos = number
                .parse::<u128>()
                .ok()
                .and_then(|v| v.checked_mul(unit))
                .filter(|n| *n <= MAX_NANOS)
                .ok_or(DurationError::Overflow)?;
            Ok(FlinkDuration { nanos })
        }
    }
}

/// `java.time.Duration.parse` (JDK 17), refusing negative results as Flink 2.1+ does:
/// `[-+]P[nD][T[nH][nM][n[.f]S]]`, case-insensitive, each number a signed `long`, the
/// fraction up to nine digits, at least one part, and no `T` without a time part.
fn parse_iso(text: &str) -> Result<FlinkDuration, DurationError> {
    let bad = DurationError::NotANumber;
    let upper = text.to_ascii_uppercase();
    let mut s = upper.as_str();
    let negate = if let Some(r) = s.strip_prefix('-') {
        s = r;
        true
    } else {
        if let Some(r) = s.strip_prefix('+') {
            s = r;
        }
        false
    };
    s = s.strip_prefix('P').ok_or(bad.clone())?;
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    // A signed long, as `Long.parseLong` reads it.
    fn signed(text: &str) -> Option<(i128, bool)> {
        let (neg, digits) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: i64 = if neg {
            format!("-{digits}").parse().ok()?
        } else {
            digits.parse().ok()?
        };
        Some((i128::from(v), neg))
    }
    // Each part in seconds as `Math.multiplyExact` computes it: days, hours, minutes, seconds.
    let mut secs: [Option<i128>; 4] = [None; 4];
    let mut nanos: i128 = 0;
    let in_long = |v: i128| (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&v);
    if !date.is_empty() {
        let days = date.strip_suffix('D').ok_or(bad.clone())?;
        let (d, _) = signed(days).ok_or(bad.clone())?;
        secs[0] = Some(d * 86_400);
    }
    if let Some(mut t) = time {
        if t.is_empty() {
            return Err(bad);
        }
        for (slot, suffix, factor) in [(1, 'H', 3_600i128), (2, 'M', 60)] {
            if let Some(i) = t.find(suffix) {
                let (n, _) = signed(&t[..i]).ok_or(bad.clone())?;
                secs[slot] = Some(n * factor);
                t = &t[i + 1..];
            }
        }
        if !t.is_empty() {
            let body = t.strip_suffix('S').ok_or(bad.clone())?;
            let (whole, fraction) = match body.find(['.', ',']) {
                Some(i) => (&body[..i], Some(&body[i + 1..])),
                None => (body, None),
            };
            let (n, negative) = signed(whole).ok_or(bad.clone())?;
            secs[3] = Some(n);
            if let Some(f) = fraction {
                if f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad);
                }
                let v: i128 = format!("{f:0<9}").parse().map_err(|_| bad.clone())?;
                nanos = if negative { -v } else { v };
            }
        }
    }
    if secs.iter().all(Option::is_none) || secs.iter().flatten().any(|s| !in_long(*s)) {
        return Err(bad);
    }
    // `addExact(days, addExact(hours, addExact(minutes, seconds)))`.
    let mut seconds: i128 = 0;
    for part in secs.iter().rev() {
        seconds += part.unwrap_or(0);
        if !in_long(seconds) {
            return Err(bad);
        }
    }
    let mut total = seconds * NANOS_PER_SECOND as i128 + nanos;
    if negate {
        total = -total;
    }
    if total < 0 {
        return Err(DurationError::Negative);
    }
    let total = total as u128;
    if total > MAX_NANOS {
        return Err(bad);
    }
    Ok(FlinkDuration { nanos: total })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::flink::vectors::cases;

    /// The vectors: one case a line, `input | 1.x | 2.0 | 2.1+`, each result `ok <nanos>` or
    /// the error's name.
    const CASES: &str = include_str!("duration_cases.txt");

    fn describe(r: &Result<FlinkDuration, DurationError>) -> String {
        match r {
            Ok(d) => format!("ok {}", d.nanos()),
            Err(DurationError::Empty) => "empty".into(),
            Err(DurationError::NotANumber) => "nan".into(),
            Err(DurationError::UnknownUnit(_)) => "unit".into(),
            Err(DurationError::Overflow) => "overflow".into(),
            Err(DurationError::Negative) => "negative".into(),
        }
    }

    #[test]
    fn flink_documented_and_measured_vectors() {
        let mut count = 0;
        for (n, cols) in cases(CASES) {
            assert_eq!(cols.len(), 4, "line {n}: {cols:?}");
            let input = &cols[0];
            for (grammar, want) in [
                (DurationGrammar::Flink1, &cols[1]),
                (DurationGrammar::Flink2_0, &cols[2]),
                (DurationGrammar::Flink2_1, &cols[3]),
            ] {
                let got = describe(&parse_duration(input, grammar));
                assert_eq!(&got, want, "line {n}: {input:?} with {grammar:?}");
            }
            count += 1;
        }
        assert!(count > 80, "only {count} vectors read");
    }

    #[test]
    fn grammar_by_version_and_key() {
        let v = |major, minor| Some(FlinkVersion { major, minor });
        assert_eq!(
            DurationGrammar::for_version(v(1, 15)),
            DurationGrammar::Flink1
        );
        assert_eq!(
            DurationGrammar::for_version(v(1, 20)),
            DurationGrammar::Flink1
        );
        assert_eq!(
            DurationGrammar::for_version(v(2, 0)),
            DurationGrammar::Flink2_0
        );
        assert_eq!(
            DurationGrammar::for_version(v(2, 1)),
            DurationGrammar::Flink2_1
        );
        assert_eq!(
            DurationGrammar::for_version(v(2, 3)),
            DurationGrammar::Flink2_1
        );
        assert_eq!(
            DurationGrammar::for_version(None),
            DurationGrammar::Flink2_1
        );
        assert_eq!(
            DurationGrammar::for_key("kubernetes.operator.periodic.savepoint.interval", v(2, 1)),
            DurationGrammar::Flink1
        );
        assert_eq!(
            DurationGrammar::for_key("job.autoscaler.metrics.window", v(2, 1)),
            DurationGrammar::Flink1
        );
        assert_eq!(
            DurationGrammar::for_key("execution.checkpointing.interval", v(2, 1)),
            DurationGrammar::Flink2_1
        );
    }

    #[test]
    fn millis_as_java_reads_them_back() {
        let d = parse_duration("9223372036854775807", DurationGrammar::Flink1).unwrap();
        assert!(d.fits_java_millis());
        let d = parse_duration("9223372036854775808", DurationGrammar::Flink2_0).unwrap();
        assert!(!d.fits_java_millis());
        assert_eq!(
            parse_duration("1500 µs", DurationGrammar::Flink1)
                .unwrap()
                .millis(),
            1
        );
    }
}
