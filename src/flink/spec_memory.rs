//! flinkform's own spelling of memory in a service spec: `<positive integer>(Mi|Gi|Ti)`, the
//! one spelling Flink, the operator and the API server read as the same bytes, and the
//! explanation of each trap another spelling falls into.

use crate::flink::memory_size::{FLINK_MAX_BYTES, GIB, MIB, TIB, flink_unit_bytes};
use crate::flink::quantity::{
    K8sQuantity, QuantitySuffix, decimal_exp10, interpret_suffix, parse_k8s_quantity, significand,
};
use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flink::memory_size::{flink_human_readable, human_mib, parse_flink_memory};
    use crate::flink::operator_memory::operator_memory_bytes;
    use crate::flink::quantity::k8s_binary;
    use proptest::prelude::*;

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
