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

/// The decimal Java's `Double.toString` (and so `BigDecimal.valueOf(double)`) prints for `x`:
/// `x == digits × 10^exp10`. `x` must be finite; the sign is ignored.
///
/// That is the shortest decimal that reads back as `x`, and where two are equally short and
/// `x` lies exactly halfway between them, the one whose last digit is even: what JDK 11 and 17
/// (the JDKs of Flink's images) print. Rust's formatter takes the upper one in that tie (the
/// float `0.798378` is exactly `0.79837799072265625`: Java prints `0.7983779907226562`, Rust
/// `…63`), and a size derived from it can be one byte off. JDK 19 and later changed
/// `Double.toString` (JDK-4511638); this follows the older JDKs.
pub(crate) fn shortest_decimal(x: f64) -> (u64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (0, 0);
    }
    let x = x.abs();
    // Rust's `{:e}` prints the shortest round-tripping digits, e.g. `1.0000000149011612e-1`.
    let text = format!("{x:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: u64 = format!("{int_part}{frac_part}").parse().unwrap_or(0);
    let frac_len = i32::try_from(frac_part.len()).unwrap_or(0);
    tie_to_even(x, digits, exponent - frac_len)
}

/// Java's choice in a tie (see [`shortest_decimal`]): when `digits` is odd and `x` is exactly
/// halfway between it and a neighbour (`digits ± 1`, same exponent) that also reads back as
/// `x`, the even neighbour, without trailing zeros.
fn tie_to_even(x: f64, digits: u64, exp10: i32) -> (u64, i32) {
    if digits.is_multiple_of(2) {
        return (digits, exp10);
    }
    for neighbour in [digits - 1, digits + 1] {
        if neighbour == 0 || !is_midpoint(x, digits.min(neighbour), exp10) {
            continue;
        }
        if format!("{neighbour}e{exp10}").parse::<f64>() == Ok(x) {
            let (mut d, mut e) = (neighbour, exp10);
            while d.is_multiple_of(10) {
                d /= 10;
                e += 1;
            }
            return (d, e);
        }
    }
    (digits, exp10)
}

/// Whether `x == (low + 0.5) × 10^exp10` exactly.
fn is_midpoint(x: f64, low: u64, exp10: i32) -> bool {
    // (low + 0.5) × 10^e = (2·low + 1) × 10^e / 2.
    let twice = u128::from(low) * 2 + 1;
    if exp10 >= 0 {
        // An odd number times 10^e over 2: an integer only for e ≥ 1; x is then an integer.
        return exp10 >= 1
            && pow10(exp10.unsigned_abs())
                .and_then(|p| twice.checked_mul(p))
                .is_some_and(|n| {
                    let value = n / 2;
                    x.fract() == 0.0 && x < 3.0e38 && (x as u128) == value
                });
    }
    // (2·low + 1) / (2^(q+1) · 5^q): a binary fraction (as x is) only if 5^q divides it.
    let q = exp10.unsigned_abs();
    let Some(five_q) = 5u128.checked_pow(q) else {
        return false;
    };
    if twice % five_q != 0 {
        return false;
    }
    let numerator = twice / five_q;
    let Ok(q_plus_1) = i32::try_from(q + 1) else {
        return false;
    };
    // `numerator` < 2^66; exact as an f64 only when it fits the significand.
    numerator < (1u128 << 53) && (numerator as f64) * 2f64.powi(-q_plus_1) == x
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

/// Java `Float.parseFloat`: decimal text (see [`java_decimal_text`]) or a hexadecimal
/// floating-point literal (see [`java_hex_float`]).
pub fn java_parse_float(text: &str) -> Option<f32> {
    if let Some(hex) = java_hex_float(text) {
        // Rounded once, to float's 24 bits (normal exponents from −126).
        return Some(hex.round(24, -126) as f32);
    }
    java_decimal_text(text).and_then(|t| t.parse::<f32>().ok())
}

/// Java `Double.parseDouble`: as [`java_parse_float`], to double precision.
pub fn java_parse_double(text: &str) -> Option<f64> {
    if let Some(hex) = java_hex_float(text) {
        return Some(hex.round(53, -1022));
    }
    java_decimal_text(text).and_then(|t| t.parse::<f64>().ok())
}

/// The message of the `NumberFormatException` Java's `Float.parseFloat` / `Double.parseDouble`
/// throws for `text` (which they refuse): `empty String` for blank text, `multiple points` when
/// the leading run of digits and points (after the sign) holds two points, else
/// `For input string: "<trimmed text>"`.
pub fn java_parse_float_error(text: &str) -> String {
    let trimmed = java_trim(text);
    if trimmed.is_empty() {
        return "empty String".to_string();
    }
    let unsigned = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let hex = unsigned.starts_with("0x") || unsigned.starts_with("0X");
    let points = unsigned
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .filter(|b| *b == b'.')
        .count();
    if !hex && points >= 2 {
        return "multiple points".to_string();
    }
    format!("For input string: \"{trimmed}\"")
}

/// A hexadecimal floating-point literal read exactly: `±(mantissa + sticky) × 2^exp2`, where
/// `sticky` stands for nonzero digits beyond the 112 bits kept (enough to round correctly).
#[derive(Debug, Clone, Copy)]
struct HexFloat {
    negative: bool,
    mantissa: u128,
    sticky: bool,
    exp2: i64,
}

/// Java's hexadecimal float syntax (`FloatingDecimal.parseHexString`), after `String.trim`:
/// `[+-]0x` (or `0X`), hex digits with an optional point (at least one digit), a mandatory
/// binary exponent `p`/`P` with optional sign and decimal digits, and an optional
/// `f`/`F`/`d`/`D` suffix: `0x1p-2` is 0.25, `0x.8P0` is 0.5.
fn java_hex_float(text: &str) -> Option<HexFloat> {
    let text = java_trim(text);
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let body = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))?;
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    let (mantissa_text, exponent_text) = body.split_once(['p', 'P'])?;
    let (int_part, frac_part) = mantissa_text.split_once('.').unwrap_or((mantissa_text, ""));
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    if (int_part.is_empty() && frac_part.is_empty()) || !hex(int_part) || !hex(frac_part) {
        return None;
    }
    let (exp_negative, exp_digits) = match exponent_text.as_bytes().first() {
        Some(b'-') => (true, &exponent_text[1..]),
        Some(b'+') => (false, &exponent_text[1..]),
        _ => (false, exponent_text),
    };
    if exp_digits.is_empty() || !exp_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Beyond a million the value is 0 or infinite whatever the mantissa: clamp, no overflow.
    let magnitude = exp_digits
        .bytes()
        .try_fold(0i64, |n, b| {
            let n = n * 10 + i64::from(b - b'0');
            (n <= 1_000_000).then_some(n)
        })
        .unwrap_or(1_000_000);
    let mut exp2 = if exp_negative { -magnitude } else { magnitude };
    let (mut mantissa, mut sticky) = (0u128, false);
    for (i, b) in int_part.bytes().chain(frac_part.bytes()).enumerate() {
        let digit = u128::from(char::from(b).to_digit(16).unwrap_or(0));
        let fraction = i >= int_part.len();
        if mantissa < (1u128 << 112) {
            mantissa = mantissa * 16 + digit;
            if fraction {
                exp2 -= 4;
            }
        } else {
            sticky |= digit != 0;
            if !fraction {
                exp2 += 4;
            }
        }
    }
    Some(HexFloat {
        negative,
        mantissa,
        sticky,
        exp2,
    })
}

impl HexFloat {
    /// The nearest binary float with `precision` significand bits and smallest normal exponent
    /// `min_exp`, ties to even (IEEE 754, as Java rounds), as an `f64` (exact for both float and
    /// double results); infinite above the range.
    fn round(self, precision: i64, min_exp: i64) -> f64 {
        let sign = if self.negative { -1.0 } else { 1.0 };
        if self.mantissa == 0 {
            return sign * 0.0;
        }
        let length = i64::from(128 - self.mantissa.leading_zeros());
        // The value lies in [2^top, 2^(top+1)).
        let top = length - 1 + self.exp2;
        if top > -min_exp + 1 {
            return sign * f64::INFINITY;
        }
        // Bits kept: `precision` for normal numbers, fewer for subnormal ones.
        let keep = if top >= min_exp {
            precision
        } else {
            precision - (min_exp - top)
        };
        let shift = length - keep;
        if shift > length {
            // Below half the smallest subnormal: zero.
            return sign * 0.0;
        }
        // The mantissa is under 2^116, so both shifts stay in range.
        let quotient = if shift <= 0 {
            self.mantissa << (-shift)
        } else {
            let quotient = self.mantissa >> shift;
            let remainder = self.mantissa & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            let round_up =
                remainder > half || (remainder == half && (self.sticky || quotient % 2 == 1));
            quotient + u128::from(round_up)
        };
        // quotient ≤ 2^precision, exact in an f64; scaled by 2^(exp2 + shift) in two exact steps.
        let scale = self.exp2 + shift;
        let half = scale / 2;
        let value = (quotient as f64)
            * 2f64.powi(i32::try_from(half).unwrap_or(0))
            * 2f64.powi(i32::try_from(scale - half).unwrap_or(0));
        if precision == 24 && value > f64::from(f32::MAX) {
            return sign * f64::INFINITY;
        }
        sign * value
    }
}

/// The text Rust's float parser reads as Java's `FloatingDecimal` reads `text` (`String.trim`,
/// optional sign, decimal digits with optional point and exponent, optional `f`/`F`/`d`/`D`
/// suffix, or `NaN`/`Infinity` spelled so), or `None` when Java throws. Rust rounds decimal
/// text to the nearest float directly, as Java does. Hexadecimal literals are read by
/// [`java_hex_float`].
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
        // JDK 17's messages.
        for (text, message) in [
            (" ", "empty String"),
            ("0.1.2", "multiple points"),
            ("-..5", "multiple points"),
            ("1e.5.3", "For input string: \"1e.5.3\""),
            ("0x1.2.3p0", "For input string: \"0x1.2.3p0\""),
            (" abc ", "For input string: \"abc\""),
        ] {
            assert_eq!(java_parse_float_error(text), message, "{text:?}");
        }
    }

    #[test]
    fn hexadecimal_floats_as_java_reads_them() {
        // Cross-checked against JDK 17 `Float.parseFloat` / `Double.parseDouble`.
        for (text, expected) in [
            ("0x1p-2", 0.25f32),
            ("0X1P-2", 0.25),
            (" 0x1.8p-2 ", 0.375),
            ("0x.8p0", 0.5),
            ("0x1.p0", 1.0),
            ("-0x1p-2f", -0.25),
            ("+0x1p-2D", 0.25),
            ("0x0p0", 0.0),
            ("0x1.fffffep-1", 0.99999994),
            // 25 significant bits: a tie, to even (up), and just below it (down).
            ("0x1.ffffffp-1", 1.0),
            ("0x1.fffffefp-1", 0.99999994),
            ("0x1.000001p0", 1.0),
            ("0x1.0000010000000000000000000000000000001p0", 1.000_000_1),
            ("0x1p-149", f32::from_bits(1)),
            ("0x1p-150", 0.0),
            ("0x1.0000001p-150", f32::from_bits(1)),
            ("0x1p128", f32::INFINITY),
            ("0x1p99999999999", f32::INFINITY),
            ("0x1p-99999999999", 0.0),
        ] {
            assert_eq!(java_parse_float(text), Some(expected), "{text:?}");
        }
        assert_eq!(java_parse_double("0x1.8p-2"), Some(0.375));
        assert_eq!(java_parse_double("0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(
            java_parse_double("0x1.fffffffffffff8p1023"),
            Some(f64::INFINITY)
        );
        for text in [
            "0x", "0x1", "0x.p1", "0xp1", "0x1p", "0x1p+", "0x1g1", "0x1p1.5", "1p1", "0x1p1x",
        ] {
            assert_eq!(java_parse_float(text), None, "{text:?}");
        }
    }

    #[test]
    fn ties_print_the_even_neighbour_as_jdk_17_does() {
        // Cross-checked against JDK 17 `Double.toString((double) Float.parseFloat(text))`. The
        // float 0.798378 is exactly 0.79837799072265625, halfway between two 16-digit
        // decimals; 0.3 is no tie (control).
        for (text, expected) in [
            ("0.798378", "0.7983779907226562"),
            ("0.3", "0.30000001192092896"),
        ] {
            let value = java_parse_float(text).map(|f| java_double_to_string(f64::from(f)));
            assert_eq!(value.as_deref(), Some(expected), "{text:?}");
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
