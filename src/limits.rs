//! The largest (and smallest) numbers Kubernetes, the operator and Flink can hold, and the
//! checks that turn a number beyond them into a message naming the limit.
//!
//! Each reader stores numbers in fixed-width types: Kubernetes counts CPU in 64-bit millicores
//! and bytes in 64-bit integers (`resource.Quantity`), the operator reads `parallelism` and
//! `replicas` into a Java `int`, Flink holds memory sizes in a Java `long` of bytes and
//! durations as a `java.time.Duration` it reads back in 64-bit milliseconds. A number beyond
//! that does not fail loudly where it is written: it is rejected at admission, overflows in a
//! sum (the ResourceQuota), or stops the job at startup. So flinkform checks every number a
//! spec or manifest gives against these limits and reports the line.
//!
//! Pure and total: nothing here panics, whatever the input.

/// Kubernetes holds a CPU amount as a signed 64-bit count of millicores.
pub const MAX_MILLICORES: u128 = i64::MAX as u128;

/// The smallest CPU amount Kubernetes expresses: 1m.
pub const MIN_CPU: f64 = 0.001;

/// Kubernetes holds a memory amount (a pod's, a quota's) as a signed 64-bit count of bytes.
pub const MAX_KUBERNETES_BYTES: u128 = i64::MAX as u128;

/// The operator reads `parallelism`, `replicas` and Flink reads slot counts into a Java `int`.
pub const MAX_JAVA_INT: i64 = i32::MAX as i64;

/// Flink reads a duration back as a Java `long` of milliseconds (`Duration.toMillis`).
pub const MAX_DURATION_MS: u128 = i64::MAX as u128;

/// Flink's smallest checkpoint interval and timeout (`CheckpointConfig`'s
/// `MINIMAL_CHECKPOINT_TIME`): "must be larger than or equal to 10 ms".
pub const MIN_CHECKPOINT_MS: u128 = 10;

/// Go's `time.Duration` (Flux's intervals) is a signed 64-bit count of nanoseconds.
pub const MAX_GO_DURATION_NS: u128 = i64::MAX as u128;

/// A CPU amount in cores, as millicores (rounded up, as Kubernetes rounds), or why it is
/// not one Kubernetes can hold.
pub fn cpu_millicores(cores: f64) -> Result<u128, String> {
    if !cores.is_finite() || cores <= 0.0 {
        return Err("is not a positive number of cores".to_string());
    }
    if cores < MIN_CPU {
        return Err(format!(
            "is less than 1m ({MIN_CPU} cores), the smallest CPU amount Kubernetes counts"
        ));
    }
    let millis = (cores * 1000.0).ceil();
    if millis > MAX_MILLICORES as f64 {
        return Err(format!(
            "is more than Kubernetes can hold: at most {} cores (CPU is counted in 64-bit millicores)",
            MAX_MILLICORES / 1000
        ));
    }
    Ok(millis as u128)
}

/// Millicores written as `"<n>m"`, or why they are not a CPU amount Kubernetes can hold.
pub fn cpu_text_millicores(text: &str) -> Result<u128, String> {
    let digits = text.strip_suffix('m').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a number of millicores".to_string());
    }
    match digits.parse::<u128>() {
        Ok(0) => Err("is not a positive number of cores".to_string()),
        Ok(m) if m <= MAX_MILLICORES => Ok(m),
        _ => Err(format!(
            "is more than Kubernetes can hold: at most {MAX_MILLICORES}m (CPU is counted in 64-bit millicores)"
        )),
    }
}

/// A CPU amount as Kubernetes and the operator read one, in millicores: a number of cores (a
/// YAML number, or text such as `"1.5"`) or millicores (`"500m"`). `None` when the value is
/// not written as a CPU amount at all (the schema or the CRD reports the spelling); otherwise
/// the millicores, or why Kubernetes cannot hold them (zero and negative amounts included).
pub fn cpu_amount(value: &crate::tree::Value) -> Option<Result<u128, String>> {
    use crate::tree::Value;
    match value {
        Value::Int(i) => Some(cpu_millicores(*i as f64)),
        Value::Float(f) => Some(cpu_millicores(*f)),
        Value::Str(s) => {
            let s = s.trim();
            if s.ends_with('m') {
                Some(cpu_text_millicores(s))
            } else {
                s.parse::<f64>().ok().map(cpu_millicores)
            }
        }
        _ => None,
    }
}

/// The units a spec duration may use, in milliseconds.
const SPEC_DURATION_UNITS: [(&str, u128); 4] =
    [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)];

/// Whether the text is a spec duration as the service schema writes one: a positive integer
/// without leading zeros, then `ms`, `s`, `m` or `h` (whether Flink can hold it is
/// [`spec_duration_ms`]'s to say).
pub fn is_spec_duration(text: &str) -> bool {
    !text.starts_with('0') && spec_duration_ms(text).is_some()
}

/// A spec duration (`<digits><ms|s|m|h>`) in milliseconds, or why Flink cannot hold it.
/// `None` when the text is not a spec duration at all (the schema reports that).
pub fn spec_duration_ms(text: &str) -> Option<Result<u128, String>> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let (_, factor) = SPEC_DURATION_UNITS.iter().find(|(u, _)| *u == unit)?;
    if number.is_empty() {
        return None;
    }
    let too_long = || {
        format!(
            "is longer than Flink can hold: at most {}{unit} (durations are 64-bit milliseconds)",
            MAX_DURATION_MS / factor
        )
    };
    Some(
        number
            .parse::<u128>()
            .ok()
            .and_then(|n| n.checked_mul(*factor))
            .filter(|ms| *ms <= MAX_DURATION_MS)
            .ok_or_else(too_long),
    )
}

/// The fix for a duration longer than Flink can hold. A larger unit does not help (the
/// milliseconds are the same): the duration itself must be shorter. `unit` is how the longest
/// one is written in the reader's syntax, worth `unit_ms` milliseconds.
pub fn shorter_duration_help(unit: &str, unit_ms: u128) -> String {
    let most = MAX_DURATION_MS / unit_ms.max(1);
    format!(
        "write a shorter duration: Flink holds at most {MAX_DURATION_MS} ms, about `{most}{unit}`"
    )
}

/// A Go duration (`1h30m`, `90s`, `1.5h`) in nanoseconds, or why Go (and so Flux) cannot
/// hold it. `None` when it is not a Go duration (the schema reports that).
pub fn go_duration_ns(text: &str) -> Option<Result<u128, String>> {
    const UNITS: [(&str, u128); 4] = [
        ("ms", 1_000_000),
        ("s", 1_000_000_000),
        ("m", 60_000_000_000),
        ("h", 3_600_000_000_000),
    ];
    let too_long = || {
        Err(
            "is longer than Flux can hold: at most 2562047h47m16.854775807s (Go durations are 64-bit nanoseconds)"
                .to_string(),
        )
    };
    let mut rest = text;
    let mut total: u128 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let int_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (int_part, after) = rest.split_at(int_end);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let end = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
                (&a[..end], &a[end..])
            }
            None => ("", after),
        };
        if int_part.is_empty() {
            return None;
        }
        let (unit, factor) = UNITS.iter().find(|(u, _)| after.starts_with(u))?;
        // `ms` before `m`: the list is ordered so.
        rest = &after[unit.len()..];
        let Ok(whole) = int_part.parse::<u128>() else {
            return Some(too_long());
        };
        let mut part = match whole.checked_mul(*factor) {
            Some(p) => p,
            None => return Some(too_long()),
        };
        let mut scale = *factor;
        for d in frac_part.bytes().take(30) {
            scale /= 10;
            part = part.saturating_add(u128::from(d.saturating_sub(b'0')) * scale);
        }
        total = match total.checked_add(part) {
            Some(t) if t <= MAX_GO_DURATION_NS => t,
            _ => return Some(too_long()),
        };
    }
    Some(Ok(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_bounds() {
        assert_eq!(cpu_millicores(2.0), Ok(2000));
        assert_eq!(cpu_millicores(0.5), Ok(500));
        assert_eq!(cpu_millicores(0.0015), Ok(2));
        assert!(cpu_millicores(0.0001).unwrap_err().contains("less than 1m"));
        assert!(
            cpu_millicores(1e308)
                .unwrap_err()
                .contains("at most 9223372036854775 cores")
        );
        assert!(cpu_millicores(f64::NAN).is_err());
        assert!(cpu_millicores(-1.0).is_err());
        assert_eq!(cpu_text_millicores("500m"), Ok(500));
        assert!(
            cpu_text_millicores("99999999999999999999999m")
                .unwrap_err()
                .contains("at most 9223372036854775807m")
        );
    }

    #[test]
    fn cpu_amounts_in_every_spelling() {
        use crate::tree::Value;
        let s = |t: &str| Value::Str(t.to_string());
        assert_eq!(cpu_amount(&Value::Int(2)), Some(Ok(2000)));
        assert_eq!(cpu_amount(&Value::Float(0.25)), Some(Ok(250)));
        assert_eq!(cpu_amount(&s(" 1.5 ")), Some(Ok(1500)));
        assert_eq!(cpu_amount(&s("500m")), Some(Ok(500)));
        assert!(cpu_amount(&s("0m")).is_some_and(|r| r.is_err()));
        assert!(cpu_amount(&Value::Int(-1)).is_some_and(|r| r.is_err()));
        assert!(cpu_amount(&s("1.5m")).is_some_and(|r| r.is_err()));
        // Not written as a CPU amount: the schema's or the CRD's to report.
        assert_eq!(cpu_amount(&s("two")), None);
        assert_eq!(cpu_amount(&Value::Bool(true)), None);
    }

    #[test]
    fn spec_durations() {
        assert_eq!(spec_duration_ms("60s"), Some(Ok(60_000)));
        assert_eq!(spec_duration_ms("2h"), Some(Ok(7_200_000)));
        assert_eq!(
            spec_duration_ms("9223372036854775807ms"),
            Some(Ok(MAX_DURATION_MS))
        );
        assert_eq!(
            spec_duration_ms("99999999999999999999s"),
            Some(Err(
                "is longer than Flink can hold: at most 9223372036854775s (durations are 64-bit milliseconds)"
                    .to_string()
            ))
        );
        assert!(spec_duration_ms(&"9".repeat(60)).is_none());
        assert!(spec_duration_ms(&format!("{}h", "9".repeat(60))).is_some_and(|r| r.is_err()));
        assert_eq!(spec_duration_ms("s"), None);
        for (text, is) in [
            ("60s", true),
            ("1500ms", true),
            ("99999999999999999999s", true),
            ("0s", false),
            ("05m", false),
            ("5 m", false),
            ("5min", false),
            ("m", false),
            ("", false),
        ] {
            assert_eq!(is_spec_duration(text), is, "{text:?}");
        }
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration_ns("10m"), Some(Ok(600_000_000_000)));
        assert_eq!(go_duration_ns("1h30m"), Some(Ok(5_400_000_000_000)));
        assert_eq!(go_duration_ns("1.5h"), Some(Ok(5_400_000_000_000)));
        assert_eq!(go_duration_ns("150ms"), Some(Ok(150_000_000)));
        assert!(go_duration_ns("2562048h").is_some_and(|r| r.is_err()));
        assert!(go_duration_ns("2562047h").is_some_and(|r| r.is_ok()));
        assert!(go_duration_ns(&format!("{}h", "9".repeat(50))).is_some_and(|r| r.is_err()));
        assert_eq!(go_duration_ns("10x"), None);
    }
}
