//! Flink durations (`TimeUtils.parseDuration`) rewritten in the spec's syntax.
//!
//! Flink reads `<digits>[ ]<unit>`, unit case-insensitive, no unit meaning milliseconds:
//! `d`/`day(s)`, `h`/`hour(s)`, `min`/`m`/`minute(s)`, `s`/`sec(s)`/`second(s)`,
//! `ms`/`milli(s)`/`millisecond(s)`, `µs`/`micro(s)`/`microsecond(s)`,
//! `ns`/`nano(s)`/`nanosecond(s)` ([`crate::flink::duration`]). The spec takes
//! `<positive integer>(ms|s|m|h)`.

use crate::flink::duration::{DurationGrammar, parse_duration};
use crate::limits::is_spec_duration;

/// Nanoseconds of a Flink duration, if every supported Flink reads it (the 1.x grammar, the
/// strictest: `import` does not know which version will run the job).
pub fn parse_flink_duration(text: &str) -> Option<u128> {
    parse_duration(text, DurationGrammar::Flink1)
        .ok()
        .map(|d| d.nanos())
}

/// The spec's spelling of a Flink duration: kept as written when it already is one
/// (`60s`), otherwise the largest exact unit (`60000` → `1m`, `2 min` → `2m`, `1 d` → `24h`).
/// `None` when the spec cannot say it: zero, sub-millisecond, or text Flink would not read.
pub fn to_spec_duration(text: &str) -> Option<String> {
    if is_spec_duration(text) {
        return Some(text.to_string());
    }
    let nanos = parse_flink_duration(text)?;
    if nanos == 0 || !nanos.is_multiple_of(1_000_000) {
        return None;
    }
    let ms = nanos / 1_000_000;
    let (value, unit) = [(3_600_000, "h"), (60_000, "m"), (1_000, "s"), (1, "ms")]
        .into_iter()
        .find(|(f, _)| ms.is_multiple_of(*f))
        .map(|(f, u)| (ms / f, u))?;
    Some(format!("{value}{unit}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flink_durations_in_spec_syntax() {
        for (flink, spec) in [
            ("60s", Some("60s")),
            ("10 s", Some("10s")),
            ("60000", Some("1m")),
            ("1500", Some("1500ms")),
            ("5 min", Some("5m")),
            ("2MIN", Some("2m")),
            ("30sec", Some("30s")),
            ("1 d", Some("24h")),
            ("3 hours", Some("3h")),
            ("0", None),
            ("0s", None),
            ("100 ns", None),
            ("1.5 min", None),
            ("PT1M", None),
            ("", None),
            ("s", None),
        ] {
            assert_eq!(to_spec_duration(flink).as_deref(), spec, "{flink:?}");
        }
    }
}
