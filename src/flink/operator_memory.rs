//! The bytes the Flink Kubernetes Operator deploys for a memory string
//! (`ResourceConfigUtils.parseResourceMemoryString`): Flink's `MemorySize` first, then a
//! fabric8 `Quantity`.

use crate::flink::java::{java_big_decimal, java_big_decimal_string, java_trim};
use crate::flink::memory_size::parse_flink_memory;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flink::memory_size::{GIB, MIB};

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
}
