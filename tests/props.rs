//! Property tests: no input makes the loader panic, and every span it reports is in bounds.

use flinkform::schema::{self, Format};
use flinkform::source::{FileId, SourceFile};
use flinkform::tree::{Node, Value};
use proptest::prelude::*;

fn spans_in_bounds(n: &Node, len: u32) -> bool {
    let ok = n.origin.span().is_none_or(|s| s.end <= len);
    ok && match &n.value {
        Value::Map(m) => m.iter().all(|e| {
            e.key_origin.span().is_none_or(|s| s.end <= len) && spans_in_bounds(&e.value, len)
        }),
        Value::Seq(s) => s.iter().all(|c| spans_in_bounds(c, len)),
        _ => true,
    }
}

fn yamlish() -> impl Strategy<Value = String> {
    // Mostly YAML punctuation and structure, so the parser's deeper paths are reached.
    proptest::collection::vec(
        prop_oneof![
            Just(": ".to_string()),
            Just("\n".to_string()),
            Just("  ".to_string()),
            Just("- ".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("{".to_string()),
            Just("}".to_string()),
            Just("&a ".to_string()),
            Just("*a".to_string()),
            Just("<<: ".to_string()),
            Just("\"".to_string()),
            Just("'".to_string()),
            Just("---\n".to_string()),
            Just("\t".to_string()),
            Just("#".to_string()),
            Just("|\n".to_string()),
            "[a-z]{1,6}",
            "[0-9.]{1,4}",
            "\\PC{1,3}",
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn loading_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let (file, _) = flinkform::workspace::decode("x.yaml", bytes);
        if let Ok(doc) = flinkform::yaml::load(FileId(0), &file) {
            prop_assert!(spans_in_bounds(&doc, file.text.len() as u32));
            let _ = schema::validate(Format::Service, &doc, FileId(0));
        }
    }

    #[test]
    fn loading_yamlish_text_never_panics(text in yamlish()) {
        let file = SourceFile::new("x.yaml", &text);
        match flinkform::yaml::load(FileId(0), &file) {
            Ok(doc) => {
                prop_assert!(spans_in_bounds(&doc, file.text.len() as u32));
                let _ = schema::validate(Format::Service, &doc, FileId(0));
                let _ = schema::validate(Format::Platform, &doc, FileId(0));
            }
            Err(d) => {
                let span = d.primary.expect("syntax errors are located").span;
                prop_assert!(span.end as usize <= file.text.len());
            }
        }
    }
}
