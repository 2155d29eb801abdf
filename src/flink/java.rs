//! How Java reads and prints numbers and strings, where Flink, the operator or fabric8 show
//! it to the user or compute with it: `String.trim`, `Double.toString`, `String.format("%.3f")`,
//! `Float.parseFloat`, `BigDecimal` text. The one home of these emulations.

/// Java `String.format(Locale.ROOT, "%.3f", x)` for a finite, non-negative `x`.
pub(crate) fn java_fixed3(x: f64) -> String {
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

/// `new BigDecimal(text)` without an exponent (fabric8 has already split `e`/`E` off):
/// `(negative, unscaled, scale)`.
pub(crate) fn java_big_decimal(text: &str) -> Option<(bool, u128, i64)> {
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

/// Java `BigDecimal.toString()`: plain when the scale is 0, or positive with an adjusted
/// exponent of at least −6; scientific (`2.000000000000000E+18`) otherwise.
pub(crate) fn java_big_decimal_string(negative: bool, unscaled: u128, scale: i64) -> String {
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

/// Java `Double.toString(d)`: `0.10000000149011612`, `1.5`, `1.0E-5`, `NaN`, `Infinity`.
/// Flink quotes fractions this way in its "Inconsistently configured" error.
pub fn java_double_to_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".to_string();
    }
    let sign = if d.is_sign_negative() { "-" } else { "" };
    if d.is_infinite() {
        return format!("{sign}Infinity");
    }
    if d == 0.0 {
        return format!("{sign}0.0");
    }
    let (digits, exp10) = shortest_decimal(d);
    let digits = digits.to_string();
    let len = i32::try_from(digits.len()).unwrap_or(1);
    let scientific = exp10 + len - 1;
    if (-3..7).contains(&scientific) {
        let point = len + exp10;
        let body = if exp10 >= 0 {
            format!("{digits}{}.0", "0".repeat(exp10.unsigned_abs() as usize))
        } else if point > 0 {
            let (int_part, frac_part) = digits.split_at(point.unsigned_abs() as usize);
            format!("{int_part}.{frac_part}")
        } else {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{scientific}")
    }
}

/// Java `Float.parseFloat`: see [`java_decimal_text`].
pub fn java_parse_float(text: &str) -> Option<f32> {
    java_decimal_text(text).and_then(|t| t.parse::<f32>().ok())
}

/// Java `Double.parseDouble`: see [`java_decimal_text`].
pub fn java_parse_double(text: &str) -> Option<f64> {
    java_decimal_text(text).and_then(|t| t.parse::<f64>().ok())
}

/// The text Rust's float parser reads as Java's `FloatingDecimal` reads `text` (`String.trim`,
/// optional sign, decimal digits with optional point and exponent, optional `f`/`F`/`d`/`D`
/// suffix, or `NaN`/`Infinity` spelled so), or `None` when Java throws. Rust rounds decimal
/// text to the nearest float directly, as Java does. Hexadecimal floats are not supported
/// (treated as unparsable).
fn java_decimal_text(text: &str) -> Option<String> {
    let text = java_trim(text);
    let (sign, body) = match text.as_bytes().first() {
        Some(b'-') => ("-", &text[1..]),
        Some(b'+') => ("", &text[1..]),
        _ => ("", text),
    };
    match body {
        "NaN" => return Some("NaN".to_string()),
        "Infinity" => return Some(format!("{sign}inf")),
        _ => {}
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        digits(int_part) && digits(frac_part) && !(int_part.is_empty() && frac_part.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !mantissa_ok || !exponent_ok {
        return None;
    }
    Some(format!("{sign}{body}"))
}

/// A bound as the operator's messages print it: Java's `Double.toString`, with `+Infinity` for
/// an open upper bound.
pub fn java_double_text(v: f64) -> String {
    if v == f64::INFINITY {
        return "+Infinity".to_string();
    }
    java_double_to_string(v)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn doubles_as_java_reads_them() {
        assert_eq!(java_parse_double("0.7"), Some(0.7));
        assert_eq!(java_parse_double(" 1 "), Some(1.0));
        assert_eq!(java_parse_double("1e-2"), Some(0.01));
        assert_eq!(java_parse_double("2d"), Some(2.0));
        assert_eq!(java_parse_double("-0.5"), Some(-0.5));
        assert_eq!(java_parse_double("Infinity"), Some(f64::INFINITY));
        assert!(java_parse_double("NaN").is_some_and(f64::is_nan));
        assert_eq!(java_parse_double("inf"), None);
        assert_eq!(java_parse_double("70%"), None);
        assert_eq!(java_parse_double("0,7"), None);
        assert_eq!(java_parse_double(""), None);
        assert_eq!(java_parse_double("."), None);
        assert_eq!(java_parse_double("d"), None);
    }

    #[test]
    fn doubles_as_java_prints_them() {
        assert_eq!(java_double_text(0.0), "0.0");
        assert_eq!(java_double_text(1.0), "1.0");
        assert_eq!(java_double_text(0.01), "0.01");
        assert_eq!(java_double_text(0.7), "0.7");
        assert_eq!(java_double_text(f64::INFINITY), "+Infinity");
    }

    #[test]
    fn java_float_parsing_matches_float_parse_float() {
        // Cross-checked against JDK 17 `Float.parseFloat` / `Double.toString`.
        for (text, expected) in [
            ("0.1", "0.10000000149011612"),
            (" 0.1 ", "0.10000000149011612"),
            ("0.7f", "0.699999988079071"),
            (".5", "0.5"),
            ("1.", "1.0"),
            ("+.5e-1", "0.05000000074505806"),
            ("-0.0", "-0.0"),
            ("NaN", "NaN"),
            ("-Infinity", "-Infinity"),
            ("1E-3", "0.0010000000474974513"),
            ("3.5e38", "Infinity"),
        ] {
            let parsed = java_parse_float(text).map(|f| java_double_to_string(f64::from(f)));
            assert_eq!(parsed.as_deref(), Some(expected), "{text:?}");
        }
        for text in [
            "", "1e", "e5", "abc", "0.1.2", "1_0", "inf", "nan", "++1", "0. 4",
        ] {
            assert_eq!(java_parse_float(text), None, "{text:?}");
        }
    }

    #[test]
    fn java_double_to_string_matches_java() {
        for (value, text) in [
            (f64::from(0.1f32), "0.10000000149011612"),
            (f64::from(0.4f32), "0.4000000059604645"),
            (0.1f32 as f64 / (1.0 - 0.1f32 as f64), "0.11111111295076065"),
            (1.5, "1.5"),
            (100.0, "100.0"),
            (1e7, "1.0E7"),
            (12_345_678.0, "1.2345678E7"),
            (f64::from(1e-5f32), "9.999999747378752E-6"),
            (0.001, "0.001"),
            (-0.0, "-0.0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(java_double_to_string(value), text);
        }
    }
}
