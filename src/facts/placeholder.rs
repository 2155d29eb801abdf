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
//!
//! An **unfilled** placeholder ([`unfilled`]) is the other kind real manifests hold: a
//! vendor's sample that says `<jks-password>` where the reader puts their own value. Nothing
//! fills it in, in `lint` or in `check`: the manifest is not deployable as written. It is not a
//! credential written in plain text either, so `no-plaintext-secrets` leaves it to
//! `unfilled-placeholder`, which reports it as what it is. The shape is strict, so that a
//! password which merely starts with `<` is still a password: the **whole** value is `<`, a
//! name of one case (lower-case letters, digits, `-`, `_`, single spaces inside: `<jks-password>`,
//! `<URI_OF_JAR>`), and `>`, the name starting with a letter and at most
//! [`UNFILLED_MAX_CHARS`] characters long. Mixed case, punctuation, a second `<` or `>`,
//! leading or trailing spaces, or anything outside the brackets are a value, judged as one
//! (`<Xk9#pw>`, `<jks-password>x`, `<<S3_BUCKET>>`). A password that is itself a lower-case
//! word in angle brackets cannot be told from a placeholder by its text; it is read as one,
//! and reported (as unfilled), never passed over.

/// Whether `s` holds `${`. Every rendered string passes through here: a vectorised search for
/// `$` ([`memchr`]) skips most strings at a few bytes a cycle (`str::contains("${")`, whose
/// substring searcher was 4% of `check`, and then a byte-pair scan, were both slower).
pub fn has_placeholder(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() <= SHORT {
        // Most strings are short (names, quantities, paths), where setting up the vectorised
        // search costs more than the search: a scan a word at a time rules out a `$` first.
        return has_dollar(bytes) && bytes.windows(2).any(|pair| pair == b"${");
    }
    memchr::memchr_iter(b'$', bytes).any(|i| bytes.get(i + 1) == Some(&b'{'))
}

/// The length up to which [`has_placeholder`] scans a string without [`memchr`].
const SHORT: usize = 64;

/// Whether `bytes` holds a `$`, eight bytes at a time: a word XORed with eight `$` has a
/// zero byte exactly where the text has a `$`, and `(x - 0x01…) & !x & 0x80…` is non-zero
/// exactly when `x` has a zero byte.
fn has_dollar(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    const DOLLARS: u64 = u64::from_le_bytes([b'$'; 8]);
    let mut words = bytes.chunks_exact(8);
    let found = words.by_ref().any(|word| {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        let x = u64::from_le_bytes(eight) ^ DOLLARS;
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    });
    found || words.remainder().contains(&b'$')
}

/// The longest name [`unfilled`] reads inside `<…>`.
pub const UNFILLED_MAX_CHARS: usize = 64;

/// Whether `text` is wholly an unfilled placeholder such as `<jks-password>` (the shape is
/// in the module's documentation). Linear, and stops at the first byte that does not fit.
pub fn unfilled(text: &str) -> bool {
    let Some(name) = text
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
    else {
        return false;
    };
    let bytes = name.as_bytes();
    if bytes.is_empty()
        || bytes.len() > UNFILLED_MAX_CHARS
        || !bytes[0].is_ascii_alphabetic()
        || bytes.last() == Some(&b' ')
        || name.contains("  ")
    {
        return false;
    }
    let lower = bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b' '));
    let upper = bytes
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b' '));
    lower || upper
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

    proptest::proptest! {
        /// The word-at-a-time search and the vectorised one answer as `contains` does, at
        /// every length and position (the alphabet makes `$`, `{` and their pairs common, and
        /// `¤` puts the `0xA4` byte, `$` with its high bit set, beside them).
        #[test]
        fn has_placeholder_is_contains_dollar_brace(s in "[a${¤]{0,150}") {
            proptest::prop_assert_eq!(has_placeholder(&s), s.contains("${"));
        }
    }

    #[test]
    fn unfilled_placeholders_are_wholly_one_bracketed_name() {
        for yes in [
            "<jks-password>",
            "<jks-secret>",
            "<password>",
            "<URI_OF_THE_JOB_JAR>",
            "<uri of the job jar>",
            "<a>",
            "<s3_bucket-2>",
            &format!("<{}>", "a".repeat(UNFILLED_MAX_CHARS)),
        ] {
            assert!(unfilled(yes), "{yes}");
        }
        for no in [
            "",
            "<>",
            "<",
            ">",
            "< >",
            "<1password>",
            "<-x>",
            "< jks-password>",
            "<jks-password >",
            "<jks  password>",
            "<Jks-Password>",
            "<URI of the job jar>",
            "<Xk9#pw>",
            "<hunter2!>",
            "<jks-password>x",
            "x<jks-password>",
            " <jks-password>",
            "<jks-password> ",
            "<<S3_BUCKET>>",
            "<jks-password><x>",
            "<a>b<c>",
            "<jks-secret>:/opt/flink/tls-cert",
            "<ACR_LOGIN_SERVER>/fraud-insider-flink:1.0.0",
            "<pass\nword>",
            "<pass\u{0}word>",
            "<pässword>",
            "<pass\tword>",
            "${JKS_PASSWORD}",
            &format!("<{}>", "a".repeat(UNFILLED_MAX_CHARS + 1)),
        ] {
            assert!(!unfilled(no), "{no:?}");
        }
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
