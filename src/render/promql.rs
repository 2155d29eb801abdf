//! Text that Prometheus reads back: PromQL string literals, Prometheus durations, and label and
//! annotation values, which Prometheus expands as Go templates. Everything a spec puts into a
//! rendered rule passes through here, so no value can end a selector or run a template.

/// The longest duration Prometheus holds (Go's `time.Duration`: 64-bit nanoseconds), in ms.
pub const MAX_DURATION_MS: u128 = (i64::MAX as u128) / 1_000_000;

/// `s` as a double-quoted PromQL string literal. PromQL strings take Go's escapes; a quote, a
/// backslash or a control character in `s` is escaped, so the literal always ends where it
/// should.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A selector matching exactly `namespace="<ns>"`.
pub fn namespace_selector(namespace: &str) -> String {
    format!("{{namespace={}}}", string_literal(namespace))
}

/// `text` for a label or annotation value of a rule: Prometheus expands those as Go templates,
/// so every `{{` becomes the template `{{ "{{" }}`, which prints `{{`. Nothing else starts a
/// template action.
pub fn template_literal(text: &str) -> String {
    // Asked of every label and link of every alert: most have no `{{`, and are copied without
    // building a substring searcher for each.
    if !text.as_bytes().windows(2).any(|w| w == b"{{") {
        return text.to_string();
    }
    text.replace("{{", "{{ \"{{\" }}")
}

/// A Prometheus duration for `ms` milliseconds in its largest whole unit (`15m`, `90s`,
/// `1500ms`); `None` if Prometheus cannot hold it.
pub fn duration(ms: u128) -> Option<String> {
    if ms > MAX_DURATION_MS {
        return None;
    }
    const UNITS: [(&str, u128); 5] = [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];
    if ms == 0 {
        return Some("0s".into());
    }
    UNITS
        .iter()
        .find(|(_, f)| ms.is_multiple_of(*f))
        .map(|(u, f)| format!("{}{u}", ms / f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_cannot_be_broken_out_of() {
        assert_eq!(string_literal("orders"), "\"orders\"");
        assert_eq!(
            string_literal("a\"}) or vector(1) #"),
            "\"a\\\"}) or vector(1) #\""
        );
        assert_eq!(string_literal("a\\"), "\"a\\\\\"");
        assert_eq!(string_literal("a\nb\r\t"), "\"a\\nb\\r\\t\"");
        assert_eq!(string_literal("\u{1b}[31m"), "\"\\u001b[31m\"");
        assert_eq!(string_literal("\u{85}"), "\"\\u0085\"");
        assert_eq!(string_literal("ä€"), "\"ä€\"");
        assert_eq!(
            namespace_selector("x\"}"),
            "{namespace=\"x\\\"}\"}".to_string()
        );
    }

    #[test]
    fn templates_in_values_print_as_text() {
        assert_eq!(template_literal("plain"), "plain");
        assert_eq!(template_literal("{{ .Value }}"), "{{ \"{{\" }} .Value }}");
        assert_eq!(template_literal("{{{"), "{{ \"{{\" }}{");
        assert_eq!(template_literal("}}"), "}}");
    }

    #[test]
    fn durations_use_the_largest_whole_unit_and_stop_where_prometheus_does() {
        assert_eq!(duration(0).as_deref(), Some("0s"));
        assert_eq!(duration(1_500).as_deref(), Some("1500ms"));
        assert_eq!(duration(90_000).as_deref(), Some("90s"));
        assert_eq!(duration(900_000).as_deref(), Some("15m"));
        assert_eq!(duration(7_200_000).as_deref(), Some("2h"));
        assert_eq!(duration(172_800_000).as_deref(), Some("2d"));
        assert!(duration(MAX_DURATION_MS).is_some());
        assert_eq!(duration(MAX_DURATION_MS + 1), None);
    }
}
