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
            let _ = schema::violations(Format::Service, &doc, FileId(0), &file.text);
        }
    }

    #[test]
    fn linting_arbitrary_manifests_never_panics(text in yamlish(), header in prop::sample::select(vec![
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\n",
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\n",
        "",
    ])) {
        let mut sources = flinkform::source::SourceMap::new();
        let report = flinkform::lint::lint_bytes(
            vec![("x.yaml".to_string(), format!("{header}{text}").into_bytes())],
            &flinkform::spec::platform::Platform::builtin(),
            &Default::default(),
            &mut sources,
        );
        prop_assert!(report.is_ok());
    }

    #[test]
    fn loading_yamlish_text_never_panics(text in yamlish()) {
        let file = SourceFile::new("x.yaml", &text);
        match flinkform::yaml::load(FileId(0), &file) {
            Ok(doc) => {
                prop_assert!(spans_in_bounds(&doc, file.text.len() as u32));
                let _ = schema::violations(Format::Service, &doc, FileId(0), &file.text);
                let _ = schema::violations(Format::Platform, &doc, FileId(0), &file.text);
            }
            Err(d) => {
                let span = d.primary.expect("syntax errors are located").span;
                prop_assert!(span.end as usize <= file.text.len());
            }
        }
    }
}

mod pipeline {
    //! Mutated valid specs through the whole pipeline (load, schema, resolve, render, CRD
    //! validation, policy): never a panic, every span in bounds, and rendering deterministic.

    use flinkform::tree::{IntoNode, Map, Node, Origin, Value};
    use proptest::prelude::*;
    use std::fs;

    const PLATFORM: &str = include_str!("fixtures/check/policy/flinkform.yaml");
    const SPEC: &str =
        include_str!("../fixtures/example-platform/services/fraud-detector/service.yaml");

    #[derive(Debug, Clone)]
    enum Edit {
        Delete(usize),
        Duplicate(usize),
        Insert(usize, usize, &'static str),
        Replace(usize, &'static str),
        Indent(usize, usize),
    }

    const TOKENS: &[&str] = &[
        ": ",
        "null",
        "~",
        "[",
        "]",
        "{",
        "}",
        "- x",
        "\"",
        "'",
        "&a ",
        "*a",
        "<<: *a",
        "1.5",
        "yes",
        "4G",
        "-1",
        "0",
        "{}",
        "[]",
        "\t",
        "#",
        "|",
        ">",
        "---",
        "%",
        "@",
        "é",
        "a: b: c",
        "  ",
        "\u{feff}",
        "99999999999999999999",
    ];

    fn edit() -> impl Strategy<Value = Edit> {
        let line = 0usize..40;
        let token = prop::sample::select(TOKENS);
        prop_oneof![
            line.clone().prop_map(Edit::Delete),
            line.clone().prop_map(Edit::Duplicate),
            (line.clone(), 0usize..60, token.clone()).prop_map(|(l, c, t)| Edit::Insert(l, c, t)),
            (line.clone(), token).prop_map(|(l, t)| Edit::Replace(l, t)),
            (line, 0usize..8).prop_map(|(l, n)| Edit::Indent(l, n)),
        ]
    }

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for e in edits {
            if lines.is_empty() {
                break;
            }
            let at = |l: usize| l % lines.len();
            match *e {
                Edit::Delete(l) => {
                    let i = at(l);
                    lines.remove(i);
                }
                Edit::Duplicate(l) => {
                    let i = at(l);
                    let copy = lines[i].clone();
                    lines.insert(i, copy);
                }
                Edit::Insert(l, c, t) => {
                    let i = at(l);
                    let mut chars: Vec<char> = lines[i].chars().collect();
                    let c = c.min(chars.len());
                    chars.splice(c..c, t.chars());
                    lines[i] = chars.into_iter().collect();
                }
                Edit::Replace(l, t) => {
                    let i = at(l);
                    // Keep the key, replace the value.
                    lines[i] = match lines[i].split_once(": ") {
                        Some((k, _)) => format!("{k}: {t}"),
                        None => t.to_string(),
                    };
                }
                Edit::Indent(l, n) => {
                    let i = at(l);
                    lines[i] = format!("{}{}", " ".repeat(n), lines[i].trim_start());
                }
            }
        }
        lines.join("\n") + "\n"
    }

    fn spans_ok(c: &flinkform::compile::Compilation) -> bool {
        c.report.diagnostics.iter().all(|d| {
            d.primary.iter().chain(d.secondary.iter()).all(|l| {
                let f = c.workspace.sources.get(l.span.file);
                l.span.end as usize <= f.text.len()
                    && f.text.is_char_boundary(l.span.start as usize)
                    && f.text.is_char_boundary(l.span.end as usize)
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn mutated_specs_never_panic_and_render_deterministically(edits in proptest::collection::vec(edit(), 1..6)) {
            let repo = tempfile::tempdir().expect("tempdir");
            fs::write(repo.path().join("flinkform.yaml"), PLATFORM).expect("platform");
            let dir = repo.path().join("services/fraud-detector");
            fs::create_dir_all(&dir).expect("mkdir");
            fs::write(dir.join("service.yaml"), apply(SPEC, &edits)).expect("spec");
            let run = || {
                let files = std::sync::Arc::new(flinkform::compile::KeepFiles::default());
                let options = flinkform::compile::Options { files: Some(files.clone()), ..Default::default() };
                let c = flinkform::compile::compile(repo.path(), &options).expect("compiles or reports");
                drop(options);
                (c, std::sync::Arc::try_unwrap(files).expect("the run let go of the sink").into_files())
            };
            let (first, first_files) = run();
            prop_assert!(spans_ok(&first));
            let (second, second_files) = run();
            prop_assert_eq!(first_files, second_files);
            let msgs = |c: &flinkform::compile::Compilation| c.report.diagnostics.iter().map(|d| (d.rule.clone(), d.message.clone(), d.primary.clone())).collect::<Vec<_>>();
            prop_assert_eq!(msgs(&first), msgs(&second));
        }
    }

    /// Strings that YAML 1.1 or 1.2 readers could take for something else.
    const TRICKY: &[&str] = &[
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "true",
        "null",
        "~",
        "",
        " ",
        "0755",
        "0x1F",
        "1e3",
        "1_000",
        "12:30",
        "2024-01-01",
        "-",
        "- a",
        ": x",
        "#c",
        "a #b",
        "'q'",
        "\"d\"",
        "multi\nline",
        "trailing\n",
        "tab\there",
        "${env}",
        "é",
        "🙂",
        "[",
        "{}",
        "*a",
        "&a",
        "!tag",
        "%x",
        "@x",
        "`x`",
    ];

    fn scalar() -> impl Strategy<Value = Node> {
        prop_oneof![
            prop::sample::select(TRICKY).prop_map(|s| s.into_node()),
            "[a-zA-Z0-9 ._-]{0,12}".prop_map(|s| s.into_node()),
            any::<i64>().prop_map(|i| i.into_node()),
            any::<bool>().prop_map(|b| b.into_node()),
            (-1.0e6f64..1.0e6).prop_map(|f| Node::new(Value::Float(f), Origin::NONE)),
        ]
    }

    fn tree() -> impl Strategy<Value = Node> {
        scalar().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(|v| v.into_node()),
                proptest::collection::btree_map(
                    prop::sample::select(TRICKY).prop_map(str::to_string),
                    inner,
                    0..5
                )
                .prop_map(|m| m.into_iter().collect::<Map>().into_node()),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn emitted_yaml_parses_back_to_the_same_tree(t in tree()) {
            let root = Node::map([("root".to_string(), t)].into_iter().collect(), Origin::NONE);
            let text = flinkform::yaml::emit(&root);
            let file = flinkform::source::SourceFile::new("x.yaml", &text);
            let back = flinkform::yaml::load(flinkform::source::FileId(0), &file).map_err(|d| TestCaseError::fail(format!("{}\n{text}", d.message)))?;
            prop_assert_eq!(back.to_json(), root.to_json(), "{}", text);
        }
    }
}
