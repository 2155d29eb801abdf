//! Kubernetes `resource.Quantity`: the one reading of a quantity (`ParseQuantity`), kept
//! exact, and the binary spelling flinkform writes back.
//!
//! Everything here is pure and total: no function panics, whatever the input.

fn pow10(exp: u32) -> Option<u128> {
    10u128.checked_pow(exp)
}

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
    pub(crate) fn decimal_text(&self) -> Option<String> {
        (self.exp2 == 0).then(|| decimal_string(self.negative, self.digits, self.exp10))
    }
}

pub(crate) fn shift_left(value: u128, bits: u32) -> Option<u128> {
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
pub(crate) fn decimal_string(negative: bool, digits: u128, exp10: i32) -> String {
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
pub(crate) fn significand(int_part: &str, frac_part: &str) -> Option<(u128, i32)> {
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

pub(crate) fn interpret_suffix(suffix: &str) -> Option<QuantitySuffix> {
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

pub(crate) fn binary_exp2(unit: &str) -> u32 {
    match unit {
        "Ki" => 10,
        "Mi" => 20,
        "Gi" => 30,
        "Ti" => 40,
        "Pi" => 50,
        _ => 60,
    }
}

pub(crate) fn decimal_exp10(unit: &str) -> i32 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flink::memory_size::{GIB, MIB};

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
        let refused = crate::flink::spec_memory::parse_spec_memory("4e-999999999");
        assert!(refused.is_err_and(|e| e.message.len() < 400));
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
}
