//! Memory sizes as Flink, the Flink Kubernetes Operator and Kubernetes read them.
//!
//! The same text means different things to each reader. `4G` is 4 GiB to Flink and to the
//! operator's memory fields, but 4 × 10^9 bytes in a pod's resources; `2048m` is 2 GiB to Flink
//! and 2.048 bytes to Kubernetes. flinkform therefore accepts only the one spelling all three
//! agree on ([`parse_spec_memory`]), and this module models each reader exactly so that it can
//! explain, for a given input, what the others would have made of it.
//!
//! Everything here is pure and total: no function panics, whatever the input.

use std::fmt;

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

// ---------------------------------------------------------------------------------------------
// Flink `MemorySize`
// ---------------------------------------------------------------------------------------------

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
fn flink_unit_bytes(unit: &str) -> Option<u64> {
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

/// Java `String.format(Locale.ROOT, "%.3f", x)` for a finite, non-negative `x`.
fn java_fixed3(x: f64) -> String {
    let (digits, exp10) = shortest_decimal(x);
    // value = digits × 10^exp10; we want it in thousandths, rounded half-up.
    let shift = exp10 + 3;
    let thousandths = if shift >= 0 {
        pow10(shift.unsigned_abs()).and_then(|p| u128::from(digits).checked_mul(p))
    } else {
        match pow10(shift.unsigned_abs()) {
            Some(p) => {
                let d = u128::from(digits);
                let (q, r) = (d / p, d % p);
                Some(if r * 2 >= p { q + 1 } else { q })
            }
            None => Some(0),
        }
    };
    match thousandths {
        Some(t) => format!("{}.{:03}", t / 1000, t % 1000),
        // Only reachable for values beyond 10^35, which no byte count divided by 1024 can be.
        None => format!("{x:.3}"),
    }
}

/// The shortest decimal that reads back as `x` (what Java's `Double.toString` and
/// `BigDecimal.valueOf(double)` use): `x == digits × 10^exp10`. `x` must be finite;
/// the sign is ignored.
pub(crate) fn shortest_decimal(x: f64) -> (u64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (0, 0);
    }
    // Rust's `{:e}` prints the shortest round-tripping digits, e.g. `1.0000000149011612e-1`.
    let text = format!("{:e}", x.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: u64 = format!("{int_part}{frac_part}").parse().unwrap_or(0);
    let frac_len = i32::try_from(frac_part.len()).unwrap_or(0);
    (digits, exponent - frac_len)
}

/// Java `String.trim()`: strips every char up to U+0020, which includes control characters.
pub(crate) fn java_trim(text: &str) -> &str {
    text.trim_matches(|c: char| c <= ' ')
}

fn pow10(exp: u32) -> Option<u128> {
    10u128.checked_pow(exp)
}

// ---------------------------------------------------------------------------------------------
// Kubernetes `resource.Quantity`
// ---------------------------------------------------------------------------------------------

/// Which suffix a Kubernetes quantity was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantitySuffix {
    /// No suffix: plain units (bytes, for memory).
    None,
    /// `Ki` `Mi` `Gi` `Ti` `Pi` `Ei`: powers of 1024.
    Binary(&'static str),
    /// `n` `u` `m` `k` `M` `G` `T` `P` `E`: powers of 1000 (`m` is milli).
    Decimal(&'static str),
    /// `e<n>` / `E<n>`: times 10^n.
    Exponent(i32),
}

/// A parsed Kubernetes quantity, kept exact:
/// value = (−1 if `negative`) × `digits` × 10^`exp10` × 2^`exp2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct K8sQuantity {
    pub negative: bool,
    /// Significant digits, without trailing zeros (those are folded into `exp10`).
    pub digits: u128,
    pub exp10: i32,
    pub exp2: u32,
    pub suffix: QuantitySuffix,
}

/// What a quantity is as a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Integral {
    Exact(u128),
    TooLarge,
    Fractional,
}

impl K8sQuantity {
    /// The value in bytes, if it is a whole, non-negative number of bytes that fits a `u64`.
    pub fn bytes(&self) -> Option<u64> {
        if self.negative && self.digits != 0 {
            return None;
        }
        match self.magnitude() {
            Integral::Exact(value) => u64::try_from(value).ok(),
            Integral::TooLarge | Integral::Fractional => None,
        }
    }

    /// Whether the value is a whole number (of bytes, for memory).
    pub fn is_integer(&self) -> bool {
        self.magnitude() != Integral::Fractional
    }

    pub fn is_zero(&self) -> bool {
        self.digits == 0
    }

    /// Strictly negative (`-0` is zero, not negative).
    pub fn is_negative(&self) -> bool {
        self.negative && self.digits != 0
    }

    /// An approximation, for messages only.
    pub fn approximate(&self) -> f64 {
        let magnitude = self.digits as f64 * 10f64.powi(self.exp10) * 2f64.powi(self.exp2 as i32);
        if self.negative { -magnitude } else { magnitude }
    }

    /// The magnitude as an integer, exactly: divides out 10^-exp10 as 5^k · 2^k.
    fn magnitude(&self) -> Integral {
        if self.digits == 0 {
            return Integral::Exact(0);
        }
        if self.exp10 >= 0 {
            let scaled = pow10(self.exp10.unsigned_abs())
                .and_then(|p| self.digits.checked_mul(p))
                .and_then(|v| shift_left(v, self.exp2));
            return scaled.map_or(Integral::TooLarge, Integral::Exact);
        }
        let k = self.exp10.unsigned_abs();
        let Some(five_k) = 5u128.checked_pow(k) else {
            // 5^k exceeds any u128, so it cannot divide the (non-zero) digits.
            return Integral::Fractional;
        };
        if !self.digits.is_multiple_of(five_k) {
            return Integral::Fractional;
        }
        let rest = self.digits / five_k;
        if self.exp2 >= k {
            shift_left(rest, self.exp2 - k).map_or(Integral::TooLarge, Integral::Exact)
        } else {
            let twos = k - self.exp2;
            if twos >= 128 || !rest.is_multiple_of(1u128 << twos) {
                Integral::Fractional
            } else {
                Integral::Exact(rest >> twos)
            }
        }
    }

    /// Exact decimal text of the value when it has no binary suffix, e.g. `4.096` for `4096m`.
    fn decimal_text(&self) -> Option<String> {
        (self.exp2 == 0).then(|| decimal_string(self.negative, self.digits, self.exp10))
    }
}

fn shift_left(value: u128, bits: u32) -> Option<u128> {
    if value == 0 {
        return Some(0);
    }
    if bits >= 128 || value.leading_zeros() < bits {
        return None;
    }
    Some(value << bits)
}

/// `digits × 10^exp10` written out in plain decimal, or as `<digits>e<exp10>` when that would
/// take more than a few dozen zeros (inputs like `4e-999999999` must not allocate gigabytes).
fn decimal_string(negative: bool, digits: u128, exp10: i32) -> String {
    const MAX_ZEROS: u32 = 40;
    let sign = if negative && digits != 0 { "-" } else { "" };
    let text = digits.to_string();
    if digits == 0 {
        return "0".to_string();
    }
    if exp10.unsigned_abs() > MAX_ZEROS + 39 {
        return format!("{sign}{text}e{exp10}");
    }
    if exp10 >= 0 {
        if exp10.unsigned_abs() > MAX_ZEROS {
            return format!("{sign}{text}e{exp10}");
        }
        return format!("{sign}{text}{}", "0".repeat(exp10.unsigned_abs() as usize));
    }
    let frac = exp10.unsigned_abs() as usize;
    if text.len() > frac {
        let (int_part, frac_part) = text.split_at(text.len() - frac);
        format!("{sign}{int_part}.{frac_part}")
    } else {
        format!("{sign}0.{}{text}", "0".repeat(frac - text.len()))
    }
}

/// Parses decimal digits into a significand, folding trailing zeros into the exponent so that
/// long runs of zeros do not overflow. Returns `(digits, exp10_adjustment)`.
fn significand(int_part: &str, frac_part: &str) -> Option<(u128, i32)> {
    let all = format!("{int_part}{frac_part}");
    let all = all.trim_start_matches('0');
    let kept = all.trim_end_matches('0');
    let folded = i32::try_from(all.len() - kept.len()).ok()?;
    let frac_len = i32::try_from(frac_part.len()).ok()?;
    let mut value: u128 = 0;
    for digit in kept.bytes() {
        value = value
            .checked_mul(10)?
            .checked_add(u128::from(digit - b'0'))?;
    }
    Some((value, folded.checked_sub(frac_len)?))
}

const QUANTITY_FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// Kubernetes `resource.ParseQuantity`: `<signed decimal><suffix>` where the suffix is one of
/// `Ki Mi Gi Ti Pi Ei`, `n u m "" k M G T P E`, or `e<n>`/`E<n>`. Suffixes are case-sensitive and
/// no whitespace is allowed. Errors use the apimachinery texts.
///
/// Differences from apimachinery, all on inputs no memory field would carry: exponents outside
/// `i32` are rejected (Go wraps them), significands beyond 38 digits are rejected, and values are
/// not rounded up to nano precision.
pub fn parse_k8s_quantity(text: &str) -> Result<K8sQuantity, String> {
    if text.is_empty() {
        return Err(QUANTITY_FORMAT_ERROR.to_string());
    }
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let int_end = unsigned
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(unsigned.len());
    let int_part = &unsigned[..int_end];
    let after_int = &unsigned[int_end..];
    let (frac_part, suffix) = match after_int.strip_prefix('.') {
        Some(after_point) => {
            let end = after_point
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after_point.len());
            (&after_point[..end], &after_point[end..])
        }
        None => ("", after_int),
    };
    if !suffix_is_well_formed(suffix) {
        return Err(QUANTITY_FORMAT_ERROR.to_string());
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return Err("unable to parse numeric part of quantity".to_string());
    }
    let suffix = interpret_suffix(suffix).ok_or("unable to parse quantity's suffix")?;
    let (digits, exp10) = significand(int_part, frac_part)
        .ok_or("unable to parse numeric part of quantity: too many significant digits")?;
    let (suffix_exp10, exp2) = match suffix {
        QuantitySuffix::None => (0, 0),
        QuantitySuffix::Binary(unit) => (0, binary_exp2(unit)),
        QuantitySuffix::Decimal(unit) => (decimal_exp10(unit), 0),
        QuantitySuffix::Exponent(e) => (e, 0),
    };
    let exp10 = exp10
        .checked_add(suffix_exp10)
        .ok_or("unable to parse quantity's suffix")?;
    Ok(K8sQuantity {
        negative,
        digits,
        exp10,
        exp2,
        suffix,
    })
}

/// `[eEinumkKMGTP]*[-+]?[0-9]*` over the whole remainder, as apimachinery scans it.
fn suffix_is_well_formed(suffix: &str) -> bool {
    let rest = suffix.trim_start_matches(|c: char| "eEinumkKMGTP".contains(c));
    let rest = rest
        .strip_prefix('+')
        .or_else(|| rest.strip_prefix('-'))
        .unwrap_or(rest);
    rest.bytes().all(|b| b.is_ascii_digit())
}

fn interpret_suffix(suffix: &str) -> Option<QuantitySuffix> {
    const BINARY: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    const DECIMAL: [&str; 9] = ["n", "u", "m", "k", "M", "G", "T", "P", "E"];
    if suffix.is_empty() {
        return Some(QuantitySuffix::None);
    }
    if let Some(unit) = BINARY.iter().find(|u| **u == suffix) {
        return Some(QuantitySuffix::Binary(unit));
    }
    if let Some(unit) = DECIMAL.iter().find(|u| **u == suffix) {
        return Some(QuantitySuffix::Decimal(unit));
    }
    let exponent = suffix
        .strip_prefix('e')
        .or_else(|| suffix.strip_prefix('E'))?;
    if exponent.is_empty() {
        return None;
    }
    exponent.parse::<i32>().ok().map(QuantitySuffix::Exponent)
}

fn binary_exp2(unit: &str) -> u32 {
    match unit {
        "Ki" => 10,
        "Mi" => 20,
        "Gi" => 30,
        "Ti" => 40,
        "Pi" => 50,
        _ => 60,
    }
}

fn decimal_exp10(unit: &str) -> i32 {
    match unit {
        "n" => -9,
        "u" => -6,
        "m" => -3,
        "k" => 3,
        "M" => 6,
        "G" => 9,
        "T" => 12,
        "P" => 15,
        _ => 18,
    }
}

// ---------------------------------------------------------------------------------------------
// The operator's reading (`ResourceConfigUtils.parseResourceMemoryString`)
// ---------------------------------------------------------------------------------------------

/// The bytes the Flink Kubernetes Operator deploys for a `resource.memory` /
/// `resources.*.memory` string: Flink `MemorySize` first; otherwise the text is normalised (trim,
/// drop whitespace, upper-case, drop one trailing `B`, turn a trailing `I` into `i`) and read as a
/// fabric8 `Quantity`, whose `BigDecimal` text is then parsed by Flink again. That last step
/// rejects fractional results (`1.5Gi` becomes `1610612736.0`), negative ones, and the
/// scientific notation fabric8 produces for `E`/`Ei`/exponents of 16 and more.
///
/// Note the consequences: `2048m` and `1G` are MiB and GiB here, `2Gi`/`2gi`/`2GiB` are GiB.
pub fn operator_memory_bytes(text: &str) -> Result<u64, String> {
    let flink_error = match parse_flink_memory(text) {
        Ok(bytes) => return Ok(bytes),
        Err(error) => error,
    };
    let normalized = operator_normalize(text);
    let numeric = fabric8_numerical_amount(&normalized).map_err(|error| {
        format!(
            "'{text}' is not a Flink memory size ({flink_error}) nor a Kubernetes quantity \
             once normalised to '{normalized}' ({error})"
        )
    })?;
    parse_flink_memory(&numeric).map_err(|error| {
        format!(
            "'{text}' is read as the Kubernetes quantity '{normalized}' = '{numeric}', \
             which Flink cannot use: {error}"
        )
    })
}

/// `formatMemoryStringForK8sSpec`.
fn operator_normalize(text: &str) -> String {
    // Java `\s` is [ \t\n\x0B\f\r].
    let mut normalized: String = java_trim(text)
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r'))
        .collect::<String>()
        .to_uppercase();
    if normalized.ends_with('B') {
        normalized.pop();
    }
    if normalized.ends_with('I') {
        normalized.pop();
        normalized.push('i');
    }
    normalized
}

/// fabric8 `Quantity.parse(s).getNumericalAmount().toString()`: the decimal text the operator
/// hands back to Flink. fabric8 splits at the first unit character, scales a `BigDecimal` by the
/// suffix's multiple (computed with `MathContext.DECIMAL64`, i.e. 16 significant digits, which
/// is why `E` and `Ei` come out in scientific notation), and keeps the scale.
fn fabric8_numerical_amount(quantity: &str) -> Result<String, String> {
    if quantity.is_empty() {
        return Err("Invalid quantity string format passed.".to_string());
    }
    let unit_at = quantity
        .find(|c: char| "eEinumkKMGTP".contains(c))
        .unwrap_or(quantity.len());
    let (amount, format) = quantity.split_at(unit_at);
    let format_has_digit = format.chars().any(|c| c.is_ascii_digit());
    if format_has_digit && format.chars().last().is_some_and(char::is_alphabetic) {
        return Err("Invalid quantity string format passed".to_string());
    }
    let (negative, unscaled, scale) =
        java_big_decimal(amount).ok_or_else(|| format!("'{amount}' is not a decimal number"))?;
    let (multiple, multiple_scale) = fabric8_multiple(format, format_has_digit)?;
    let product = unscaled
        .checked_mul(multiple)
        .ok_or("the quantity is too large")?;
    Ok(java_big_decimal_string(
        negative,
        product,
        scale + multiple_scale,
    ))
}

/// `new BigDecimal(text)` without an exponent (fabric8 has already split `e`/`E` off):
/// `(negative, unscaled, scale)`.
fn java_big_decimal(text: &str) -> Option<(bool, u128, i64)> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (int_part, frac_part) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return None;
    }
    let mut unscaled: u128 = 0;
    for digit in int_part.bytes().chain(frac_part.bytes()) {
        unscaled = unscaled
            .checked_mul(10)?
            .checked_add(u128::from(digit - b'0'))?;
    }
    Some((negative, unscaled, i64::try_from(frac_part.len()).ok()?))
}

/// fabric8 `getMultiple`: `(unscaled, scale)` of the suffix's multiple as `DECIMAL64` yields it.
fn fabric8_multiple(format: &str, has_digit: bool) -> Result<(u128, i64), String> {
    let rounded_pow = |base_pow: u128, digits: usize| -> (u128, i64) {
        // DECIMAL64 keeps 16 significant digits, rounding half-even (only used for 10^18 and
        // 2^60, where no tie occurs, so plain half-up is the same).
        let dropped = digits.saturating_sub(16) as u32;
        if dropped == 0 {
            return (base_pow, 0);
        }
        let divisor = 10u128.pow(dropped);
        let (q, r) = (base_pow / divisor, base_pow % divisor);
        (
            if r * 2 >= divisor { q + 1 } else { q },
            -i64::from(dropped),
        )
    };
    if has_digit && format.len() > 1 {
        let exponent: i64 = format[1..]
            .parse::<i32>()
            .map_err(|_| format!("For input string: \"{}\"", &format[1..]))?
            .into();
        return Ok(if exponent < 0 {
            (1, -exponent)
        } else if exponent <= 15 {
            (10u128.pow(exponent.unsigned_abs() as u32), 0)
        } else {
            (10u128.pow(15), -(exponent - 15))
        });
    }
    let binary = |bits: u32| {
        let value = 1u128 << bits;
        rounded_pow(value, value.to_string().len())
    };
    let decimal = |exp: i64| {
        if exp < 0 {
            (1, -exp)
        } else {
            let value = 10u128.pow(exp.unsigned_abs() as u32);
            rounded_pow(value, value.to_string().len())
        }
    };
    Ok(match format {
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "" => (1, 0),
        _ => return Err("Invalid quantity format passed to parse".to_string()),
    })
}

/// Java `BigDecimal.toString()`: plain when the scale is 0, or positive with an adjusted
/// exponent of at least −6; scientific (`2.000000000000000E+18`) otherwise.
fn java_big_decimal_string(negative: bool, unscaled: u128, scale: i64) -> String {
    let sign = if negative && unscaled != 0 { "-" } else { "" };
    let digits = unscaled.to_string();
    let len = digits.len() as i64;
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let adjusted = -scale + (len - 1);
    if scale > 0 && adjusted >= -6 {
        let frac = scale.unsigned_abs() as usize;
        return if digits.len() > frac {
            let (int_part, frac_part) = digits.split_at(digits.len() - frac);
            format!("{sign}{int_part}.{frac_part}")
        } else {
            format!("{sign}0.{}{digits}", "0".repeat(frac - digits.len()))
        };
    }
    let (first, rest) = digits.split_at(1);
    let point = if rest.is_empty() { "" } else { "." };
    let exp_sign = if adjusted > 0 { "+" } else { "" };
    format!("{sign}{first}{point}{rest}E{exp_sign}{adjusted}")
}

// ---------------------------------------------------------------------------------------------
// flinkform's own spelling
// ---------------------------------------------------------------------------------------------

/// Why a spec's memory value was refused, and the value to write instead when one is clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecMemoryError {
    pub message: String,
    /// A drop-in replacement, e.g. `4Gi`; always itself accepted by [`parse_spec_memory`].
    pub suggestion: Option<String>,
}

impl fmt::Display for SpecMemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SpecMemoryError {}

/// Memory in a flinkform service spec must be `<positive integer>(Mi|Gi|Ti)`: a Kubernetes binary
/// quantity that Flink, the operator and the API server all read as the same number of bytes, and
/// a whole number of MiB so that Flink's process size equals the pod limit exactly (Flink writes
/// the container memory as `floor(bytes / MiB)Mi`). Returns the bytes, or an explanation of the
/// trap this particular input falls into.
pub fn parse_spec_memory(text: &str) -> Result<u64, SpecMemoryError> {
    // No memory size is this long, and every message below quotes the text whole.
    if text.chars().count() > crate::excerpt::MAX_QUOTE_CHARS {
        return Err(refusal(
            format!(
                "`{}` is not a memory size: write a whole number followed by `Mi`, `Gi` or \
                 `Ti`, such as `4Gi` or `4096Mi`",
                crate::excerpt::quote(text)
            ),
            None,
        ));
    }
    if text.trim().is_empty() {
        return Err(refusal(
            "memory must not be empty; write a size such as `4Gi`".to_string(),
            None,
        ));
    }
    if text.chars().any(char::is_whitespace) {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let suggestion = match parse_spec_memory(&compact) {
            Ok(_) => Some(compact),
            Err(inner) => inner.suggestion,
        };
        return Err(refusal(
            format!("`{text}` contains whitespace, which Kubernetes quantities do not allow"),
            suggestion,
        ));
    }
    let Some(number) = SpecNumber::lex(text) else {
        return Err(refusal(
            format!(
                "`{text}` is not a memory size: write a whole number followed by `Mi`, `Gi` or \
                 `Ti`, such as `4Gi` or `4096Mi`"
            ),
            None,
        ));
    };
    number.check(text)
}

/// `<sign?><int>[.<frac>]<unit>`, as written in a spec.
struct SpecNumber<'a> {
    sign: Option<char>,
    int_part: &'a str,
    frac_part: Option<&'a str>,
    unit: &'a str,
}

/// How a unit spelling is read.
#[derive(Clone, Copy)]
enum SpecUnit {
    /// `Mi` `Gi` `Ti`: what flinkform wants.
    Accepted(u32, &'static str),
    /// `Ki` `Pi` `Ei`: unambiguous, but not whole MiB or needlessly large.
    OtherBinary(u32),
    /// A Kubernetes decimal suffix, with what Flink makes of the same letter, if anything.
    Decimal(&'static str, Option<(u32, &'static str)>),
    /// `e<n>`: a decimal exponent.
    Exponent,
    /// No unit: bytes to everyone.
    Bytes,
    /// A Flink-only spelling (`g`, `gb`, `GB`, `mebibytes`, `K`, `b`, …), by binary exponent.
    FlinkOnly(u32),
    /// A binary unit in the wrong case or with a `B` (`gi`, `GiB`, `MIB`), by binary exponent.
    Miscased(u32),
    Unknown,
}

impl<'a> SpecNumber<'a> {
    fn lex(text: &'a str) -> Option<Self> {
        let (sign, rest) = match text.chars().next() {
            Some(c @ ('+' | '-')) => (Some(c), &text[1..]),
            _ => (None, text),
        };
        let int_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (int_part, rest) = rest.split_at(int_end);
        let (frac_part, unit) = match rest.strip_prefix('.') {
            Some(after_point) => {
                let end = after_point
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(after_point.len());
                (Some(&after_point[..end]), &after_point[end..])
            }
            None => (None, rest),
        };
        let has_digits = !int_part.is_empty() || frac_part.is_some_and(|f| !f.is_empty());
        has_digits.then_some(SpecNumber {
            sign,
            int_part,
            frac_part,
            unit,
        })
    }

    fn unit(&self) -> SpecUnit {
        match self.unit {
            "Mi" => return SpecUnit::Accepted(20, "Mi"),
            "Gi" => return SpecUnit::Accepted(30, "Gi"),
            "Ti" => return SpecUnit::Accepted(40, "Ti"),
            "Ki" => return SpecUnit::OtherBinary(10),
            "Pi" => return SpecUnit::OtherBinary(50),
            "Ei" => return SpecUnit::OtherBinary(60),
            "" => return SpecUnit::Bytes,
            "m" => return SpecUnit::Decimal("m", Some((20, "MiB"))),
            "k" => return SpecUnit::Decimal("k", Some((10, "KiB"))),
            "M" => return SpecUnit::Decimal("M", Some((20, "MiB"))),
            "G" => return SpecUnit::Decimal("G", Some((30, "GiB"))),
            "T" => return SpecUnit::Decimal("T", Some((40, "TiB"))),
            "P" => return SpecUnit::Decimal("P", None),
            "E" => return SpecUnit::Decimal("E", None),
            "u" => return SpecUnit::Decimal("u", None),
            "n" => return SpecUnit::Decimal("n", None),
            _ => {}
        }
        if let Some(QuantitySuffix::Exponent(_)) = interpret_suffix(self.unit) {
            return SpecUnit::Exponent;
        }
        if let Some(multiplier) = flink_unit_bytes(self.unit) {
            return SpecUnit::FlinkOnly(multiplier.trailing_zeros());
        }
        let lower = self.unit.to_lowercase();
        match lower.strip_suffix('b').unwrap_or(&lower) {
            "ki" => SpecUnit::Miscased(10),
            "mi" => SpecUnit::Miscased(20),
            "gi" => SpecUnit::Miscased(30),
            "ti" => SpecUnit::Miscased(40),
            "pi" => SpecUnit::Miscased(50),
            "ei" => SpecUnit::Miscased(60),
            _ => SpecUnit::Unknown,
        }
    }

    /// The number times 10^exp10 × 2^exp2, exactly.
    fn scaled(&self, exp10: i32, exp2: u32) -> Option<K8sQuantity> {
        let (digits, own_exp10) = significand(self.int_part, self.frac_part.unwrap_or(""))?;
        Some(K8sQuantity {
            negative: self.sign == Some('-'),
            digits,
            exp10: own_exp10.checked_add(exp10)?,
            exp2,
            suffix: QuantitySuffix::None,
        })
    }

    fn is_fractional_syntax(&self) -> bool {
        self.frac_part.is_some()
    }

    /// `<same integer><unit>`, if the number was written as an integer and that is accepted.
    fn same_number(&self, unit: Option<&str>) -> Option<String> {
        let unit = unit?;
        if self.is_fractional_syntax() {
            return None;
        }
        let candidate = format!("{}{unit}", self.int_part);
        parse_spec_memory(&candidate).is_ok().then_some(candidate)
    }

    fn check(&self, text: &str) -> Result<u64, SpecMemoryError> {
        let Some(plain) = self.scaled(0, 0) else {
            return Err(refusal(format!("`{text}` is far too large"), None));
        };
        if plain.is_zero() {
            return Err(refusal(
                format!("`{text}` is zero; memory must be a positive size such as `4Gi`"),
                None,
            ));
        }
        if self.sign == Some('-') {
            return Err(refusal(
                format!("`{text}` is negative; memory must be a positive size such as `4Gi`"),
                None,
            ));
        }
        if self.sign == Some('+') {
            let unsigned = &text[1..];
            let suggestion = match parse_spec_memory(unsigned) {
                Ok(_) => Some(unsigned.to_string()),
                Err(inner) => inner.suggestion,
            };
            return Err(refusal(
                format!("`{text}` has an explicit `+` sign, which Flink cannot parse"),
                suggestion,
            ));
        }
        match self.unit() {
            SpecUnit::Accepted(exp2, unit) => self.check_accepted(text, exp2, unit),
            SpecUnit::OtherBinary(exp2) => Err(self.other_binary(text, exp2)),
            SpecUnit::Decimal(symbol, flink) => Err(self.decimal(text, symbol, flink)),
            SpecUnit::Exponent => Err(self.exponent(text)),
            SpecUnit::Bytes => Err(self.bytes(text)),
            SpecUnit::FlinkOnly(exp2) => Err(self.flink_only(text, exp2)),
            SpecUnit::Miscased(exp2) => Err(self.miscased(text, exp2)),
            SpecUnit::Unknown => Err(refusal(
                format!(
                    "`{text}` has the unknown unit `{}`; write a whole number of MiB or GiB such \
                     as `4096Mi` or `4Gi`",
                    self.unit
                ),
                None,
            )),
        }
    }

    fn check_accepted(&self, text: &str, exp2: u32, unit: &str) -> Result<u64, SpecMemoryError> {
        let quantity = self.scaled(0, exp2);
        if self.is_fractional_syntax() {
            let suggestion = quantity.and_then(|q| q.bytes()).and_then(canonical_memory);
            return Err(refusal_or_reason(
                format!(
                    "`{text}` is fractional: the operator rejects fractional quantities (fabric8 \
                     turns them into a decimal such as `1610612736.0`, which Flink cannot parse)"
                ),
                suggestion,
                quantity,
            ));
        }
        match quantity.and_then(|q| q.bytes()) {
            Some(bytes) if bytes <= FLINK_MAX_BYTES => Ok(bytes),
            _ => Err(refusal(
                format!(
                    "`{text}` is larger than Flink can represent (at most {} {unit})",
                    FLINK_MAX_BYTES >> exp2
                ),
                None,
            )),
        }
    }

    fn other_binary(&self, text: &str, exp2: u32) -> SpecMemoryError {
        let quantity = self.scaled(0, exp2);
        let suggestion = quantity.and_then(|q| q.bytes()).and_then(canonical_memory);
        let fractional = if self.is_fractional_syntax() {
            ", and the operator rejects fractional quantities"
        } else {
            ""
        };
        refusal_or_reason(
            format!("`{text}`: flinkform writes memory in `Mi`, `Gi` or `Ti`{fractional}"),
            suggestion,
            quantity,
        )
    }

    fn decimal(
        &self,
        text: &str,
        symbol: &str,
        flink: Option<(u32, &'static str)>,
    ) -> SpecMemoryError {
        let exp10 = decimal_exp10(symbol);
        let kubernetes_quantity = self.scaled(exp10, 0);
        let kubernetes = kubernetes_quantity
            .and_then(|q| q.decimal_text())
            .unwrap_or_else(|| "?".to_string());
        let name = match symbol {
            "m" => "milli".to_string(),
            "u" => "micro".to_string(),
            "n" => "nano".to_string(),
            _ => format!("10^{exp10}"),
        };
        let Some((exp2, flink_name)) = flink else {
            let suggestion = kubernetes_quantity
                .and_then(|q| q.bytes())
                .and_then(canonical_memory);
            return refusal_or_reason(
                format!(
                    "`{text}` uses the Kubernetes decimal unit `{symbol}` ({name}, so {kubernetes} \
                     bytes), which Flink does not understand"
                ),
                suggestion,
                kubernetes_quantity,
            );
        };
        let flink_quantity = self.scaled(0, exp2);
        let suggestion = self.same_number(binary_name(exp2)).or_else(|| {
            flink_quantity
                .and_then(|q| q.bytes())
                .and_then(canonical_memory)
        });
        let fractional = if self.is_fractional_syntax() {
            ", and the operator rejects fractional sizes"
        } else {
            ""
        };
        refusal_or_reason(
            format!(
                "`{text}` is ambiguous: Kubernetes reads `{symbol}` as {name} ({}) \
                 while Flink and the operator read `{symbol}` as {flink_name}{fractional}",
                crate::plural::written(&kubernetes, "byte", "bytes")
            ),
            suggestion,
            flink_quantity,
        )
    }

    fn exponent(&self, text: &str) -> SpecMemoryError {
        let quantity = parse_k8s_quantity(text).ok();
        let kubernetes = quantity
            .and_then(|q| q.decimal_text())
            .unwrap_or_else(|| "?".to_string());
        let suggestion = quantity.and_then(|q| q.bytes()).and_then(canonical_memory);
        refusal_or_reason(
            format!(
                "`{text}` uses a decimal exponent ({} to Kubernetes), which Flink \
                 cannot parse",
                crate::plural::written(&kubernetes, "byte", "bytes")
            ),
            suggestion,
            quantity,
        )
    }

    fn bytes(&self, text: &str) -> SpecMemoryError {
        let quantity = self.scaled(0, 0);
        if self.is_fractional_syntax() {
            return refusal_or_reason(
                format!("`{text}` has no unit, so it is a number of bytes"),
                None,
                quantity,
            );
        }
        if let Some(canonical) = quantity.and_then(|q| q.bytes()).and_then(canonical_memory) {
            return refusal(
                format!(
                    "`{text}` has no unit, so Kubernetes and Flink both read it as bytes, which \
                     is exactly {canonical}"
                ),
                Some(canonical),
            );
        }
        // Most likely MiB were meant; say so, but do not pretend to know.
        let guess = self.same_number(Some("Mi"));
        let hint = match &guess {
            Some(guess) => format!("; write `{guess}` if you meant MiB"),
            None => String::new(),
        };
        SpecMemoryError {
            message: format!(
                "`{text}` has no unit, so Kubernetes and Flink both read it as {}{hint}",
                crate::plural::written(self.int_part, "byte", "bytes")
            ),
            suggestion: guess,
        }
    }

    fn flink_only(&self, text: &str, exp2: u32) -> SpecMemoryError {
        let quantity = self.scaled(0, exp2);
        let suggestion = self
            .same_number(binary_name(exp2))
            .or_else(|| quantity.and_then(|q| q.bytes()).and_then(canonical_memory));
        let meaning = match exp2 {
            0 => "bytes",
            10 => "KiB",
            20 => "MiB",
            30 => "GiB",
            _ => "TiB",
        };
        let fractional = if self.is_fractional_syntax() {
            " (and Flink takes no fractions)"
        } else {
            ""
        };
        refusal_or_reason(
            format!(
                "`{text}` is Flink's spelling of {meaning}{fractional}; Kubernetes rejects `{}` \
                 (its units are case-sensitive: `Gi` is GiB, `G` is 10^9)",
                self.unit
            ),
            suggestion,
            quantity,
        )
    }

    fn miscased(&self, text: &str, exp2: u32) -> SpecMemoryError {
        let quantity = self.scaled(0, exp2);
        let suggestion = self
            .same_number(binary_name(exp2))
            .or_else(|| quantity.and_then(|q| q.bytes()).and_then(canonical_memory));
        refusal_or_reason(
            format!(
                "`{text}`: Kubernetes units are case-sensitive and take no trailing `B`; only \
                 the operator's lenient parser accepts `{}`",
                self.unit
            ),
            suggestion,
            quantity,
        )
    }
}

/// `Mi`/`Gi`/`Ti` for 2^20/2^30/2^40.
fn binary_name(exp2: u32) -> Option<&'static str> {
    match exp2 {
        20 => Some("Mi"),
        30 => Some("Gi"),
        40 => Some("Ti"),
        _ => None,
    }
}

/// The message with `; write `<suggestion>``, or, when there is nothing to suggest, with the
/// reason there is none (not whole bytes, not whole MiB, or too large).
fn refusal_or_reason(
    message: String,
    suggestion: Option<String>,
    intended: Option<K8sQuantity>,
) -> SpecMemoryError {
    if suggestion.is_some() {
        return refusal(message, suggestion);
    }
    let reason = match intended.map(|q| (q, q.bytes())) {
        Some((_, Some(bytes))) if bytes <= FLINK_MAX_BYTES => format!(
            "that is {}, not a whole number of MiB, and flinkform requires whole MiB \
             so that Flink's process size equals the pod memory limit exactly",
            crate::plural::bytes(bytes)
        ),
        Some((q, None)) if !q.is_integer() => {
            "that is not a whole number of bytes, let alone of MiB".to_string()
        }
        _ => "that is larger than Flink can represent".to_string(),
    };
    refusal(format!("{message}; {reason}"), None)
}

fn refusal(message: String, suggestion: Option<String>) -> SpecMemoryError {
    let message = match &suggestion {
        Some(s) => format!("{message}; write `{s}`"),
        None => message,
    };
    SpecMemoryError {
        message,
        suggestion,
    }
}

/// The one spelling of a byte count that flinkform accepts in specs and writes into manifests:
/// a Kubernetes binary quantity in the largest of `Ti`, `Gi`, `Mi` that divides it (`8Gi`,
/// `8000Mi`). Flink's `MemorySize` rejects these units, so the operator reads them as
/// Kubernetes does (its fabric8 fallback): Flink, the operator and the API server agree on the
/// bytes. `None` for sizes that are zero, not whole MiB, or beyond what Flink can hold.
///
/// The spelling depends on the bytes only, so rewriting `8192Mi` as `8Gi` in a spec changes
/// nothing in the rendered FlinkDeployment (the operator would otherwise see a spec change and
/// upgrade the job).
pub fn canonical_memory(bytes: u64) -> Option<String> {
    if bytes == 0 || !bytes.is_multiple_of(MIB) || bytes > FLINK_MAX_BYTES {
        return None;
    }
    let text = [(TIB, "Ti"), (GIB, "Gi"), (MIB, "Mi")]
        .iter()
        .find(|(unit, _)| bytes.is_multiple_of(*unit))
        .map(|(unit, name)| format!("{}{name}", bytes / unit))?;
    Some(text)
}

// ---------------------------------------------------------------------------------------------
// Writing sizes back out
// ---------------------------------------------------------------------------------------------

/// The largest exact Kubernetes binary unit: 8589934592 → `8Gi`, 1610612736 → `1536Mi`,
/// 1000 → `1000`. Used when importing manifests back into specs.
pub fn k8s_binary(bytes: u64) -> String {
    const UNITS: [(u32, &str); 6] = [
        (60, "Ei"),
        (50, "Pi"),
        (40, "Ti"),
        (30, "Gi"),
        (20, "Mi"),
        (10, "Ki"),
    ];
    if bytes == 0 {
        return "0".to_string();
    }
    UNITS
        .iter()
        .find(|(bits, _)| bytes.trailing_zeros() >= *bits)
        .map_or_else(
            || bytes.to_string(),
            |(bits, name)| format!("{}{name}", bytes >> bits),
        )
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
    use proptest::prelude::*;

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

    fn quantity(text: &str) -> K8sQuantity {
        parse_k8s_quantity(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn kubernetes_quantities() {
        assert_eq!(quantity("2G").bytes(), Some(2_000_000_000));
        assert_eq!(quantity("2Gi").bytes(), Some(2 * GIB));
        assert_eq!(quantity("2Gi").suffix, QuantitySuffix::Binary("Gi"));
        assert_eq!(quantity("2G").suffix, QuantitySuffix::Decimal("G"));
        assert_eq!(quantity("1k").bytes(), Some(1000));
        assert_eq!(quantity("1M").bytes(), Some(1_000_000));
        assert_eq!(quantity("1T").bytes(), Some(1_000_000_000_000));
        assert_eq!(quantity("1P").bytes(), Some(1_000_000_000_000_000));
        assert_eq!(quantity("1E").bytes(), Some(1_000_000_000_000_000_000));
        assert_eq!(quantity("1Ei").bytes(), Some(1 << 60));
        assert_eq!(quantity("100").bytes(), Some(100));
        assert_eq!(quantity("1e3").bytes(), Some(1000));
        assert_eq!(quantity("1e3").suffix, QuantitySuffix::Exponent(3));
        assert_eq!(quantity("1E+3").bytes(), Some(1000));
        assert_eq!(quantity("1.5Gi").bytes(), Some(1_610_612_736));
        assert_eq!(quantity(".5Ki").bytes(), Some(512));
        assert_eq!(quantity("1.Mi").bytes(), Some(MIB));
        assert_eq!(quantity("+1Ki").bytes(), Some(1024));
        assert_eq!(quantity("-0").bytes(), Some(0));
        assert_eq!(
            quantity("100000000000000000000000000000000000000000000Ti").bytes(),
            None
        );
        assert!(quantity("100000000000000000000000000000000000000000000Ti").is_integer());

        // `m` is milli: 2048m is 2.048 bytes.
        let milli = quantity("2048m");
        assert!(!milli.is_integer());
        assert_eq!(milli.bytes(), None);
        assert_eq!(milli.decimal_text().as_deref(), Some("2.048"));
        assert!((milli.approximate() - 2.048).abs() < 1e-12);

        let negative = quantity("-1Gi");
        assert!(negative.is_negative());
        assert_eq!(negative.bytes(), None);
        assert!(quantity("0.1").digits == 1 && !quantity("0.1").is_integer());
        assert!(quantity("1e-3").decimal_text().as_deref() == Some("0.001"));
        assert!(quantity("0Gi").is_zero());
        // Huge exponents are described, never expanded.
        assert_eq!(
            quantity("4e-999999999").decimal_text().as_deref(),
            Some("4e-999999999")
        );
        assert_eq!(
            quantity("4e999999999").decimal_text().as_deref(),
            Some("4e999999999")
        );
        assert!(refused("4e-999999999").message.len() < 400);
    }

    #[test]
    fn kubernetes_quantity_errors() {
        let format = QUANTITY_FORMAT_ERROR;
        for (text, error) in [
            ("", format),
            ("2g", format),
            ("1K", "unable to parse quantity's suffix"),
            ("1e", "unable to parse quantity's suffix"),
            ("1Gi5", "unable to parse quantity's suffix"),
            ("2gb", format),
            ("1 Gi", format),
            ("1.5.5", format),
            ("Gi", "unable to parse numeric part of quantity"),
            ("-", "unable to parse numeric part of quantity"),
            ("1e99999999999", "unable to parse quantity's suffix"),
        ] {
            assert_eq!(
                parse_k8s_quantity(text).err().as_deref(),
                Some(error),
                "{text:?}"
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // The operator's reading (fact sheet §4.3)
    // -----------------------------------------------------------------------------------------

    #[test]
    fn operator_reads_flink_syntax_first() {
        for (text, bytes) in [
            ("2g", 2 * GIB),
            ("2G", 2 * GIB),
            ("2 g", 2 * GIB),
            ("2gb", 2 * GIB),
            ("2048m", 2048 * MIB),
            ("1G", GIB),
            ("100", 100),
        ] {
            assert_eq!(operator_memory_bytes(text), Ok(bytes), "{text:?}");
        }
    }

    #[test]
    fn operator_falls_back_to_kubernetes_quantities() {
        for (text, bytes) in [
            ("2Gi", 2 * GIB),
            ("2gi", 2 * GIB),
            ("2 Gi", 2 * GIB),
            ("2gib", 2 * GIB),
            ("2GiB", 2 * GIB),
            ("2Pi", 2 << 50),
            ("2P", 2_000_000_000_000_000),
            ("1e3", 1000),
            ("+1Gi", GIB),
            // fabric8 quirks, reproduced: a digit after any unit letter is an exponent, and a
            // scale that cancels the DECIMAL64 rounding of 10^18 gives a plain integer.
            ("1G5", 100_000),
            ("1.000E", 1_000_000_000_000_000_000),
        ] {
            assert_eq!(operator_memory_bytes(text), Ok(bytes), "{text:?}");
        }
    }

    #[test]
    fn operator_rejects_what_flink_cannot_read_back() {
        let error = operator_memory_bytes("1.5Gi").unwrap_err();
        assert!(error.contains("'1610612736.0'"), "{error}");
        assert!(error.contains("Memory size unit '.0'"), "{error}");
        let error = operator_memory_bytes("1.5G").unwrap_err();
        assert!(error.contains("'1500000000.0'"), "{error}");
        // 10^18 and 2^60 come out of DECIMAL64 in scientific notation.
        let error = operator_memory_bytes("1E").unwrap_err();
        assert!(error.contains("'1.000000000000000E+18'"), "{error}");
        let error = operator_memory_bytes("1Ei").unwrap_err();
        assert!(error.contains("'1.152921504606847E+18'"), "{error}");
        let error = operator_memory_bytes("-1Gi").unwrap_err();
        assert!(
            error.contains("text does not start with a number"),
            "{error}"
        );
        let error = operator_memory_bytes("invalid").unwrap_err();
        assert!(error.contains("'INVALID'"), "{error}");
        for text in ["", "2048mm", "0.5Ki", "1e-3", "2U"] {
            assert!(operator_memory_bytes(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn java_big_decimal_text() {
        assert_eq!(
            java_big_decimal_string(false, 16_106_127_360, 1),
            "1610612736.0"
        );
        assert_eq!(java_big_decimal_string(false, 0, 3), "0.000");
        assert_eq!(java_big_decimal_string(false, 0, -3), "0E+3");
        assert_eq!(java_big_decimal_string(true, 5, 0), "-5");
        assert_eq!(
            java_big_decimal_string(false, 2_000_000_000_000_000, -3),
            "2.000000000000000E+18"
        );
        assert_eq!(java_big_decimal_string(false, 1, 7), "1E-7");
        assert_eq!(java_big_decimal_string(false, 1, 6), "0.000001");
    }

    // -----------------------------------------------------------------------------------------
    // flinkform's spelling and its traps
    // -----------------------------------------------------------------------------------------

    fn refused(text: &str) -> SpecMemoryError {
        match parse_spec_memory(text) {
            Ok(bytes) => panic!("{text:?} was accepted as {bytes} bytes"),
            Err(error) => error,
        }
    }

    fn assert_refused(text: &str, fragments: &[&str], suggestion: Option<&str>) {
        let error = refused(text);
        for fragment in fragments {
            assert!(
                error.message.contains(fragment),
                "{text:?}: {:?} lacks {fragment:?}",
                error.message
            );
        }
        assert_eq!(
            error.suggestion.as_deref(),
            suggestion,
            "{text:?}: {}",
            error.message
        );
    }

    #[test]
    fn spec_memory_accepts_binary_mi_gi_ti() {
        assert_eq!(parse_spec_memory("4Gi"), Ok(4 * GIB));
        assert_eq!(parse_spec_memory("4096Mi"), Ok(4 * GIB));
        assert_eq!(parse_spec_memory("1536Mi"), Ok(1536 * MIB));
        assert_eq!(parse_spec_memory("2Ti"), Ok(2 * TIB));
        assert_eq!(parse_spec_memory("8388607Ti"), Ok(8_388_607 * TIB));
    }

    #[test]
    fn spec_memory_decimal_g_is_not_gib() {
        assert_refused(
            "4G",
            &[
                "Kubernetes reads `G` as 10^9 (4000000000 bytes)",
                "read `G` as GiB",
                "write `4Gi`",
            ],
            Some("4Gi"),
        );
        assert_refused("2T", &["10^12 (2000000000000 bytes)", "TiB"], Some("2Ti"));
        assert_refused("1.5G", &["fractional"], Some("1536Mi"));
    }

    #[test]
    fn spec_memory_flink_spellings() {
        for text in ["4g", "4gb", "4GB", "4Gb", "4gibibytes"] {
            assert_refused(
                text,
                &["Flink's spelling of GiB", "Kubernetes rejects"],
                Some("4Gi"),
            );
        }
        assert_refused("512mb", &["Flink's spelling of MiB"], Some("512Mi"));
        assert_refused("1t", &["Flink's spelling of TiB"], Some("1Ti"));
        assert_refused("1048576K", &["Flink's spelling of KiB"], Some("1Gi"));
        assert_refused("1.5g", &["no fractions"], Some("1536Mi"));
    }

    #[test]
    fn spec_memory_m_and_big_m() {
        assert_refused(
            "4096m",
            &[
                "Kubernetes reads `m` as milli (4.096 bytes)",
                "read `m` as MiB",
                "write `4096Mi`",
            ],
            Some("4096Mi"),
        );
        assert_refused(
            "4096M",
            &["Kubernetes reads `M` as 10^6 (4096000000 bytes)", "MiB"],
            Some("4096Mi"),
        );
    }

    #[test]
    fn spec_memory_without_unit_is_bytes() {
        assert_refused(
            "4096",
            &["read it as 4096 bytes", "write `4096Mi` if you meant MiB"],
            Some("4096Mi"),
        );
        assert_refused("4294967296", &["exactly 4Gi"], Some("4Gi"));
        assert_refused(
            "4.5",
            &["number of bytes", "not a whole number of bytes"],
            None,
        );
    }

    #[test]
    fn spec_memory_fractions() {
        assert_refused(
            "1.5Gi",
            &["fractional", "the operator rejects", "write `1536Mi`"],
            Some("1536Mi"),
        );
        assert_refused("2048.0Mi", &["fractional"], Some("2Gi"));
        assert_refused(
            "1.3Gi",
            &["fractional", "not a whole number of bytes"],
            None,
        );
        assert_refused("0.5Mi", &["524288 bytes, not a whole number of MiB"], None);
        assert_refused("0.0001Gi", &["not a whole number of bytes"], None);
    }

    #[test]
    fn spec_memory_must_be_whole_mib() {
        assert_refused(
            "4Ki",
            &[
                "4096 bytes, not a whole number of MiB",
                "equals the pod memory limit exactly",
            ],
            None,
        );
        assert_refused("1048576Ki", &["`Mi`, `Gi` or `Ti`"], Some("1Gi"));
        assert_refused("1Pi", &["`Mi`, `Gi` or `Ti`"], Some("1024Ti"));
        assert_refused(
            "4e9",
            &[
                "decimal exponent (4000000000 bytes",
                "not a whole number of MiB",
            ],
            None,
        );
        assert_refused("1073741824e0", &["decimal exponent"], Some("1Gi"));
        assert_refused(
            "4k",
            &["Kubernetes reads `k` as 10^3 (4000 bytes)", "4096 bytes"],
            None,
        );
        assert_refused("4096k", &["KiB"], Some("4Mi"));
    }

    #[test]
    fn spec_memory_must_be_positive() {
        assert_refused("0Gi", &["is zero", "positive"], None);
        assert_refused("0", &["is zero"], None);
        assert_refused("-1Gi", &["is negative", "positive"], None);
        assert_refused("-0.5Gi", &["is negative"], None);
    }

    #[test]
    fn spec_memory_other_traps() {
        assert_refused("+4Gi", &["explicit `+` sign"], Some("4Gi"));
        assert_refused("4 Gi", &["whitespace"], Some("4Gi"));
        assert_refused(" 4Gi", &["whitespace"], Some("4Gi"));
        assert_refused("4 g", &["whitespace"], Some("4Gi"));
        for text in ["4gi", "4GI", "4GiB", "4gib", "4GIB"] {
            assert_refused(text, &["case-sensitive"], Some("4Gi"));
        }
        assert_refused("4Mib", &["case-sensitive"], Some("4Mi"));
        assert_refused("4x", &["unknown unit `x`"], None);
        assert_refused("", &["must not be empty"], None);
        assert_refused("Gi", &["not a memory size"], None);
        assert_refused(
            "1P",
            &["decimal unit `P`", "Flink does not understand"],
            None,
        );
        assert_refused("4u", &["micro"], None);
        assert_refused("9000000Ti", &["larger than Flink can represent"], None);
    }

    // -----------------------------------------------------------------------------------------
    // Writing sizes back out
    // -----------------------------------------------------------------------------------------

    #[test]
    fn writing_sizes() {
        assert_eq!(canonical_memory(8 * GIB).as_deref(), Some("8Gi"));
        assert_eq!(canonical_memory(8000 * MIB).as_deref(), Some("8000Mi"));
        assert_eq!(canonical_memory(1536 * MIB).as_deref(), Some("1536Mi"));
        assert_eq!(canonical_memory(1024 * GIB).as_deref(), Some("1Ti"));
        // Never Pi or Ei: fabric8 computes Ei with 16 significant digits, and the operator
        // cannot read the result.
        assert_eq!(canonical_memory(1 << 60).as_deref(), Some("1048576Ti"));
        assert_eq!(canonical_memory(0), None);
        assert_eq!(canonical_memory(MIB + 1), None);

        assert_eq!(k8s_binary(8_589_934_592), "8Gi");
        assert_eq!(k8s_binary(1_610_612_736), "1536Mi");
        assert_eq!(k8s_binary(2048), "2Ki");
        assert_eq!(k8s_binary(1000), "1000");
        assert_eq!(k8s_binary(0), "0");
        assert_eq!(k8s_binary(1 << 60), "1Ei");
        assert_eq!(k8s_binary(3 << 50), "3Pi");

        assert_eq!(human_mib(1024 * MIB), "1024 MiB");
        assert_eq!(human_mib(1_664_299_824), "1587.20 MiB");
        assert_eq!(human_mib(665_719_939), "634.88 MiB");
        assert_eq!(human_mib(MIB + 1), "1.00 MiB");
        assert_eq!(human_mib(MIB / 2), "0.50 MiB");
    }

    // -----------------------------------------------------------------------------------------
    // Properties
    // -----------------------------------------------------------------------------------------

    fn memoryish() -> impl Strategy<Value = String> {
        prop_oneof![
            ".*",
            "[+-]?[0-9]{0,25}(\\.[0-9]{0,6})?[ ]?[a-zA-Z]{0,9}",
            "[+-]?[0-9.]{0,8}[eE][+-]?[0-9]{0,12}",
            "[0-9]{1,20}(Mi|Gi|Ti|Ki|Pi|Ei|m|k|M|G|T|P|E|g|gb|GB|mi|GiB)",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn parsers_never_panic(text in memoryish()) {
            let _ = parse_flink_memory(&text);
            let _ = operator_memory_bytes(&text);
            if let Ok(q) = parse_k8s_quantity(&text) {
                let _ = (q.bytes(), q.is_integer(), q.approximate(), q.decimal_text());
            }
            match parse_spec_memory(&text) {
                Ok(bytes) => {
                    // Whatever flinkform accepts, every reader agrees on.
                    prop_assert!(bytes > 0 && bytes % MIB == 0);
                    prop_assert_eq!(parse_k8s_quantity(&text).ok().and_then(|q| q.bytes()), Some(bytes));
                    prop_assert_eq!(operator_memory_bytes(&text), Ok(bytes));
                    let written = canonical_memory(bytes).expect("accepted sizes have a spelling");
                    prop_assert_eq!(operator_memory_bytes(&written), Ok(bytes));
                }
                Err(error) => {
                    // Suggestions are always themselves accepted.
                    if let Some(suggestion) = error.suggestion {
                        prop_assert!(parse_spec_memory(&suggestion).is_ok(), "{}", suggestion);
                    }
                }
            }
        }

        #[test]
        fn writers_round_trip(mib in 1u64..=8_388_607 * 1024 * 1024) {
            let bytes = mib * MIB;
            prop_assert_eq!(parse_k8s_quantity(&k8s_binary(bytes)).ok().and_then(|q| q.bytes()), Some(bytes));
            // What flinkform writes into manifests: every reader gets the same bytes.
            let written = canonical_memory(bytes).unwrap();
            prop_assert_eq!(parse_spec_memory(&written), Ok(bytes));
            prop_assert_eq!(operator_memory_bytes(&written), Ok(bytes));
            prop_assert_eq!(parse_k8s_quantity(&written).ok().and_then(|q| q.bytes()), Some(bytes));
        }

        #[test]
        fn human_readable_never_panics(bytes in any::<u64>()) {
            let _ = flink_human_readable(bytes);
            let _ = human_mib(bytes);
            let _ = k8s_binary(bytes);
            let _ = canonical_memory(bytes);
        }
    }
}
