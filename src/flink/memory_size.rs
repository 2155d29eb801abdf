//! Flink's `MemorySize`: the one reading of a Flink memory size (`MemorySize.parseBytes`) and
//! its printed forms. Flink, the operator and Kubernetes read the same text differently (`4G`
//! is 4 GiB to Flink but 4 × 10^9 bytes in a pod's resources); the other readers are
//! [`super::quantity`] (Kubernetes), [`super::operator_memory`] (the operator's fallback) and
//! [`super::spec_memory`] (the one spelling a service spec accepts).
//!
//! The grammar is the same in Flink 1.15 … 2.3 (release binaries, `MemorySize#parseBytes`):
//! ASCII digits, `String.trim` whitespace, an optional case-insensitive 1024-based unit
//! (`b bytes`, `k kb kibibytes`, `m mb mebibytes`, `g gb gibibytes`, `t tb tebibytes`; no
//! unit = bytes), a Java `long` of bytes. No fraction, sign, exponent, `Gi` or `GiB`. The
//! vectors are in `memory_size_cases.txt` beside this file.
//!
//! Everything here is pure and total: no function panics, whatever the input.

use crate::flink::java::{java_fixed3, java_trim};

pub const KIB: u64 = 1 << 10;
pub const MIB: u64 = 1 << 20;
pub const GIB: u64 = 1 << 30;
pub const TIB: u64 = 1 << 40;

/// The largest size Flink can hold: `MemorySize` stores a Java `long`.
pub const FLINK_MAX_BYTES: u64 = i64::MAX as u64;

/// Flink's unit table (`MemorySize.MemoryUnit`), all 1024-based, in the order Flink tries them.
const FLINK_UNITS: [(&[&str], u64); 5] = [
    (&["b", "bytes"], 1),
    (&["k", "kb", "kibibytes"], KIB),
    (&["m", "mb", "mebibytes"], MIB),
    (&["g", "gb", "gibibytes"], GIB),
    (&["t", "tb", "tebibytes"], TIB),
];

/// `MemoryUnit.getAllUnits()`, quoted in Flink's "unit does not match" error.
const FLINK_UNITS_TEXT: &str = "(b | bytes) / (k | kb | kibibytes) / (m | mb | mebibytes) / \
                                (g | gb | gibibytes) / (t | tb | tebibytes)";
/// Flink `MemorySize.parseBytes`: leading ASCII digits only (no sign, no decimal point), optional
/// whitespace, optional case-insensitive unit (`b`/`bytes`, `k`/`kb`/`kibibytes`,
/// `m`/`mb`/`mebibytes`, `g`/`gb`/`gibibytes`, `t`/`tb`/`tebibytes`; all 1024-based; none means
/// bytes). The result never exceeds [`FLINK_MAX_BYTES`]. Error texts are Flink's own, so they can
/// be shown next to the message Flink itself would log.
pub fn parse_flink_memory(text: &str) -> Result<u64, String> {
    let trimmed = java_trim(text);
    if trimmed.is_empty() {
        return Err("argument is an empty- or whitespace-only string".to_string());
    }
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, rest) = trimmed.split_at(split);
    // Flink lower-cases with `Locale.US`; Rust's Unicode lower-casing agrees on every unit
    // spelling, including the Kelvin sign that Java also folds to `k`.
    let unit = java_trim(rest).to_lowercase();
    if number.is_empty() {
        return Err("text does not start with a number".to_string());
    }
    let value: i64 = number.parse().map_err(|_| {
        format!("The value '{number}' cannot be re represented as 64bit number (numeric overflow).")
    })?;
    let multiplier = flink_unit_multiplier(&unit)?;
    // Flink multiplies with wrap-around and divides back to detect overflow; for power-of-two
    // multipliers that is exactly a checked multiplication.
    value
        .checked_mul(multiplier)
        .map(i64::unsigned_abs)
        .ok_or_else(|| {
            format!(
                "The value '{text}' cannot be re represented as 64bit number of bytes (numeric overflow)."
            )
        })
}

fn flink_unit_multiplier(unit: &str) -> Result<i64, String> {
    if unit.is_empty() {
        return Ok(1);
    }
    FLINK_UNITS
        .iter()
        .find(|(names, _)| names.contains(&unit))
        .map(|&(_, multiplier)| multiplier as i64)
        .ok_or_else(|| {
            format!(
                "Memory size unit '{unit}' does not match any of the recognized units: {FLINK_UNITS_TEXT}"
            )
        })
}

/// The 1024-based multiplier of a Flink unit spelling (case-insensitive), if it is one.
pub(crate) fn flink_unit_bytes(unit: &str) -> Option<u64> {
    let unit = unit.to_lowercase();
    FLINK_UNITS
        .iter()
        .find(|(names, _)| names.contains(&unit.as_str()))
        .map(|&(_, multiplier)| multiplier)
}

/// Flink `MemorySize.toHumanReadableString()`, the form every memory-model error message uses:
/// `0 bytes`, `1024 bytes`, `128.000mb (134217728 bytes)`, `1.508gb (1619001344 bytes)`.
/// Flink's own text, `1 bytes` included: it is quoted beside Flink's messages, not plural-fixed.
///
/// Flink picks the largest unit strictly smaller than the value and prints the quotient with
/// Java's `%.3f`, which rounds the shortest decimal form of the double half-up.
pub fn flink_human_readable(bytes: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(TIB, "tb"), (GIB, "gb"), (MIB, "mb"), (KIB, "kb")];
    for (multiplier, name) in UNITS {
        if bytes > multiplier {
            let approximate = bytes as f64 / multiplier as f64;
            return format!("{}{name} ({bytes} bytes)", java_fixed3(approximate));
        }
    }
    format!("{bytes} bytes")
}

/// MiB for reports: whole MiB print as `1024 MiB`; anything else with exactly two decimals,
/// rounded half-up, as `1587.20 MiB` (so a non-whole size never looks whole).
pub fn human_mib(bytes: u64) -> String {
    if bytes.is_multiple_of(MIB) {
        return format!("{} MiB", bytes / MIB);
    }
    let mib = u128::from(MIB);
    let scaled = u128::from(bytes) * 100;
    let hundredths = (scaled + mib / 2) / mib;
    format!("{}.{:02} MiB", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flink::vectors::cases;

    /// `input | result`: `ok <bytes>` or the kind of Flink's error.
    const CASES: &str = include_str!("memory_size_cases.txt");

    #[test]
    fn flink_documented_and_measured_vectors() {
        let mut count = 0;
        for (n, cols) in cases(CASES) {
            assert_eq!(cols.len(), 2, "line {n}: {cols:?}");
            let got = match parse_flink_memory(&cols[0]) {
                Ok(bytes) => format!("ok {bytes}"),
                Err(e) if e.starts_with("argument is an empty") => "empty".into(),
                Err(e) if e == "text does not start with a number" => "nan".into(),
                Err(e) if e.starts_with("Memory size unit") => "unit".into(),
                Err(e) if e.ends_with("64bit number (numeric overflow).") => "number".into(),
                Err(e) if e.ends_with("64bit number of bytes (numeric overflow).") => {
                    "bytes".into()
                }
                Err(e) => e,
            };
            assert_eq!(got, cols[1], "line {n}: {:?}", cols[0]);
            count += 1;
        }
        assert!(count > 70, "only {count} vectors read");
    }

    const UNITS_ERROR: &str = "does not match any of the recognized units: (b | bytes) / (k | kb | \
                               kibibytes) / (m | mb | mebibytes) / (g | gb | gibibytes) / (t | tb \
                               | tebibytes)";

    // -----------------------------------------------------------------------------------------
    // Flink MemorySize (fact sheet §5.6)
    // -----------------------------------------------------------------------------------------

    #[test]
    fn flink_memory_sizes() {
        for (text, bytes) in [
            ("100", 100),
            ("0", 0),
            ("2g", 2 * GIB),
            ("2G", 2 * GIB),
            ("2 g", 2 * GIB),
            ("2gb", 2 * GIB),
            ("2GB", 2 * GIB),
            ("2gibibytes", 2 * GIB),
            ("2048m", 2048 * MIB),
            ("2048 mb", 2048 * MIB),
            ("1mebibytes", MIB),
            ("64k", 64 * KIB),
            ("64KB", 64 * KIB),
            ("1kibibytes", KIB),
            ("1t", TIB),
            ("1 tebibytes", TIB),
            ("7b", 7),
            ("7 bytes", 7),
            ("  512m\t", 512 * MIB),
            ("007m", 7 * MIB),
            ("8388607t", 8_388_607 * TIB),
            ("9223372036854775807", FLINK_MAX_BYTES),
        ] {
            assert_eq!(parse_flink_memory(text), Ok(bytes), "{text:?}");
        }
    }

    #[test]
    fn flink_memory_errors_use_flinks_words() {
        assert_eq!(
            parse_flink_memory("1.5g"),
            Err(format!("Memory size unit '.5g' {UNITS_ERROR}"))
        );
        assert_eq!(
            parse_flink_memory("2Gi"),
            Err(format!("Memory size unit 'gi' {UNITS_ERROR}"))
        );
        assert_eq!(
            parse_flink_memory("-1m"),
            Err("text does not start with a number".to_string())
        );
        assert_eq!(
            parse_flink_memory("m"),
            Err("text does not start with a number".to_string())
        );
        assert_eq!(
            parse_flink_memory(" \t"),
            Err("argument is an empty- or whitespace-only string".to_string())
        );
        assert_eq!(
            parse_flink_memory("9999999999t"),
            Err(
                "The value '9999999999t' cannot be re represented as 64bit number of bytes \
                 (numeric overflow)."
                    .to_string()
            )
        );
        assert_eq!(
            parse_flink_memory("8388608t"),
            Err(
                "The value '8388608t' cannot be re represented as 64bit number of bytes \
                 (numeric overflow)."
                    .to_string()
            )
        );
        assert_eq!(
            parse_flink_memory("9223372036854775808"),
            Err(
                "The value '9223372036854775808' cannot be re represented as 64bit number \
                 (numeric overflow)."
                    .to_string()
            )
        );
    }

    #[test]
    fn flink_human_readable_matches_java() {
        // Each expected string was produced by Flink's formatting code on JDK 17.
        for (bytes, text) in [
            (0, "0 bytes"),
            (1, "1 bytes"),
            (1024, "1024 bytes"),
            (1025, "1.001kb (1025 bytes)"),
            (MIB, "1024.000kb (1048576 bytes)"),
            (1_114_112, "1.063mb (1114112 bytes)"), // 1.0625 rounds half-up
            (105_696_462, "100.800mb (105696462 bytes)"),
            (GIB, "1024.000mb (1073741824 bytes)"),
            (1_619_001_344, "1.508gb (1619001344 bytes)"),
            (2_483_027_968, "2.313gb (2483027968 bytes)"),
            (FLINK_MAX_BYTES, "8388608.000tb (9223372036854775807 bytes)"),
        ] {
            assert_eq!(flink_human_readable(bytes), text);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Kubernetes quantities (fact sheet §5.6)
    // -----------------------------------------------------------------------------------------
}
