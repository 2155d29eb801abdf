//! `${…}` placeholders: what a value holding one means, decided once for every rule.
//!
//! * In `lint` (a hand-written manifest) a placeholder is filled in later, by Flux's
//!   post-build substitution or an envsubst step: the value is **unknown** at compile time,
//!   and no rule judges it.
//! * In `check` and `render` flinkform writes the manifest itself, and turns Flux's
//!   substitution off on every object that holds `${` (annotation
//!   `kustomize.toolkit.fluxcd.io/substitute: disabled`, so that log4j lookups and shell
//!   snippets in the configuration survive). The text is therefore deployed **literally**: a
//!   rule that checks the field says so, once, instead of judging `${…}` as a value.

/// Whether `s` holds `${`. Every rendered string passes through here: a vectorised search for
/// `$` ([`memchr`]) skips most strings at a few bytes a cycle (`str::contains("${")`, whose
/// substring searcher was 4% of `check`, and then a byte-pair scan, were both slower).
pub fn has_placeholder(s: &str) -> bool {
    let bytes = s.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|i| bytes.get(i + 1) == Some(&b'{'))
}

/// What a value holding a placeholder means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// `lint`: something later fills it in; its value is unknown now.
    Unknown,
    /// `check` / `render`: flinkform deploys the text as written.
    Literal,
}

/// The meaning of `text` for a rule, `None` when it holds no placeholder. `rendered`: the
/// object is flinkform's own rendering (`check`, `render`), not a hand-written manifest.
pub fn placeholder(text: &str, rendered: bool) -> Option<Placeholder> {
    has_placeholder(text).then_some(if rendered {
        Placeholder::Literal
    } else {
        Placeholder::Unknown
    })
}

/// The finding's message and help for a placeholder deployed literally in `field`.
pub fn literal(field: &str, text: &str) -> (String, String) {
    (
        format!(
            "`{field}: {}` is deployed as written: flinkform turns Flux's substitution off on objects that hold `${{`, so nothing replaces the placeholder",
            crate::excerpt::quote(text)
        ),
        "write the value itself in the service spec (or in the platform's defaults); flinkform does not substitute placeholders".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_anywhere_and_only_as_dollar_brace() {
        for yes in ["${X}", "a${b}", "end ${", "$${x}", "€${x}"] {
            assert!(has_placeholder(yes), "{yes}");
        }
        for no in ["", "$", "{", "$ {x}", "{$}", "a$b{c", "€$"] {
            assert!(!has_placeholder(no), "{no}");
        }
        // Past the width of a vectorised search, and at its very end.
        let long = "a$".repeat(100);
        assert!(!has_placeholder(&long));
        assert!(has_placeholder(&format!("{long}${{")));
        assert!(has_placeholder(&format!("{}${{x}}{long}", "b".repeat(77))));
    }

    #[test]
    fn unknown_in_lint_literal_in_check() {
        assert_eq!(
            placeholder("s3://${BUCKET}/cp", false),
            Some(Placeholder::Unknown)
        );
        assert_eq!(
            placeholder("s3://${BUCKET}/cp", true),
            Some(Placeholder::Literal)
        );
        assert_eq!(placeholder("s3://bucket/cp", true), None);
        let (message, _) = literal("job.jarURI", "s3://b/${V}.jar");
        assert!(
            message.starts_with("`job.jarURI: s3://b/${V}.jar` is deployed as written"),
            "{message}"
        );
    }
}
