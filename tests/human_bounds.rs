//! `--format human` shows a short excerpt of the source per finding, whatever the file: no
//! panic on long lines or far columns (miette formats columns with a width argument that
//! panics past 65535), output bounded per finding, and work per finding bounded by what it
//! shows (so one file with many findings costs linear time, not a scan of the file each).

use crate::common;

use flinkform::diag::snippet::{EXCERPT_CHARS, MAX_LINE_CHARS, Snippet};
use flinkform::diag::{Diagnostic, Report, Severity, human};
use flinkform::source::{SourceFile, SourceMap, Span};
use proptest::prelude::*;

/// The most columns one line of human output may take: a whole line or an excerpt (`…`
/// twice), the gutter with a line number; the label's underline beneath is no wider.
const MAX_OUTPUT_LINE: usize = MAX_LINE_CHARS + 20;

/// Columns of a line as a terminal shows it (tabs to the next multiple of 4).
fn columns(line: &str) -> usize {
    line.chars().fold(0, |col, c| match c {
        '\t' => col + 4 - col % 4,
        c => col + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0),
    })
}

fn render(text: &str, spans: &[(usize, usize)]) -> String {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("services/x/service.yaml", text));
    let mut d = Diagnostic::new("schema", Severity::Error, "unknown field");
    for (i, &(s, e)) in spans.iter().enumerate() {
        d = if i == 0 {
            d.at(Span::new(id, s, e), "here")
        } else {
            d.with_secondary(Span::new(id, s, e), "and here")
        };
    }
    human::render(
        &Report {
            diagnostics: vec![d],
            files: 1,
        },
        &sources,
        human::HumanOptions {
            color: false,
            width: 100,
        },
    )
}

/// Lines of very different lengths (empty to 200,000 characters), some with multi-byte
/// characters and CRLF endings.
fn text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just(0usize),
        1usize..200,
        100usize..2_000,
        60_000usize..70_000,
        190_000usize..200_001,
    ];
    let piece = prop::sample::select(vec!["k", " ", "é", "💥", "\t", ":"]);
    prop::collection::vec((line, piece, any::<bool>()), 1..6).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(n, piece, crlf)| {
                let mut l = piece.repeat(n.max(1) / piece.len().max(1));
                l.push_str(if crlf { "\r\n" } else { "\n" });
                l
            })
            .collect()
    })
}

/// Spans at arbitrary offsets of `text` (any order, any length, some empty).
fn spans(len: usize) -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0..=len, 0..=len), 1..4)
        .prop_map(|v| v.into_iter().map(|(a, b)| (a.min(b), a.max(b))).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// No panic, and the output stays short, for any line length, column and span.
    #[test]
    fn long_lines_and_far_columns_render_a_bounded_excerpt(
        (text, spans) in text().prop_flat_map(|t| { let n = t.len(); (Just(t), spans(n)) })
    ) {
        let spans: Vec<(usize, usize)> = spans
            .into_iter()
            .map(|(s, e)| (floor(&text, s), floor(&text, e)))
            .collect();
        let out = render(&text, &spans);
        prop_assert!(out.contains("unknown field"), "{out}");
        let longest = out.lines().map(columns).max().unwrap_or(0);
        prop_assert!(longest <= MAX_OUTPUT_LINE, "a line of {longest} characters:\n{out}");
        // Per label: a few lines of context and at most 8 lines of the label itself.
        prop_assert!(out.lines().count() <= 12 + spans.len() * 16, "{out}");
    }

    /// What miette is given (the only source it reads) is bounded, whatever the file's size.
    #[test]
    fn a_snippet_is_bounded_by_what_it_shows(
        (text, spans) in text().prop_flat_map(|t| { let n = t.len(); (Just(t), spans(n)) })
    ) {
        let spans: Vec<(usize, usize)> = spans
            .into_iter()
            .map(|(s, e)| (floor(&text, s), floor(&text, e)))
            .collect();
        let file = SourceFile::new("x", &text);
        let s = Snippet::new(&file, &text, &spans, 0);
        // Each label: 8 lines of itself, one of context each side; each line an excerpt.
        let bound = spans.len() * 10 * (4 * (EXCERPT_CHARS.max(MAX_LINE_CHARS)) + 8);
        prop_assert!(s.text.len() <= bound, "{} > {bound}", s.text.len());
        for (start, end) in &s.spans {
            prop_assert!(start <= end && *end <= s.text.len());
            prop_assert!(s.text.is_char_boundary(*start) && s.text.is_char_boundary(*end));
        }
    }
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The attack: a spec line with the unknown key 70,000 columns in, and a 200,000-character
/// configuration key. `check` and `lint` exit 1 with the finding at the right column (they
/// panicked with exit 101).
#[test]
fn a_finding_past_column_65535_is_reported_not_a_panic() {
    let repo = common::isolated(&common::example());
    let spec = repo.path().join("services/payments-enricher/service.yaml");
    let text = std::fs::read_to_string(&spec).expect("spec");
    let pad = " ".repeat(70_000);
    let text = text.replace(
        "  stateBackend: hashmap\n",
        &format!("  stateBackend: hashmap\n  jobManager: {{cpu: 1,{pad}bogus: 1}}\n"),
    );
    std::fs::write(&spec, &text).expect("write");
    let (code, out, err) = common::run(repo.path(), &["check"]);
    assert_eq!(code, 1, "{err}");
    let line = text[..text.find("bogus").expect("bogus")].lines().count();
    assert!(
        out.contains(&format!(
            "services/payments-enricher/service.yaml:{line}:{}]",
            "  jobManager: {cpu: 1,".len() + pad.len() + 1
        )),
        "{out}"
    );
    assert!(out.contains("bogus: 1}"), "{out}");
    assert!(out.len() < 2_000, "{} bytes:\n{out}", out.len());

    // A 200,000-character key in flinkConfiguration, through `check` and `lint`.
    // (An explicit key: YAML allows implicit keys of at most 1024 characters.)
    let key = format!("pipeline.{}", "k".repeat(200_000));
    let text = std::fs::read_to_string(&spec)
        .expect("spec")
        .replace(&format!("  jobManager: {{cpu: 1,{pad}bogus: 1}}\n"), "")
        .replace(
            "    taskmanager.memory.managed.fraction: \"0.0\"\n",
            &format!(
                "    taskmanager.memory.managed.fraction: \"0.0\"\n    ? {key}\n    : \"1\"\n"
            ),
        );
    std::fs::write(&spec, &text).expect("write");
    let (code, out, err) = common::run(repo.path(), &["check"]);
    assert_eq!(code, 0, "a warning: {out}{err}");
    assert!(out.contains("unknown-config-key"), "{out}");
    assert!(
        out.contains("services/payments-enricher/service.yaml:18:7]"),
        "{out}"
    );
    assert!(out.len() < 4_000, "{} bytes", out.len());
    let manifest = repo.path().join("wide.yaml");
    std::fs::write(
        &manifest,
        format!(
            "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {{ name: orders, namespace: orders }}\nspec:\n  flinkVersion: v1_20\n  flinkConfiguration: {{ {}a.b: \"1\", ? {key} : \"1\" }}\n",
            " ".repeat(70_000)
        ),
    )
    .expect("write");
    let (code, out, err) = common::run(repo.path(), &["lint", "wide.yaml"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("unknown-config-key"), "{out}");
    assert!(out.len() < 8_000, "{} bytes", out.len());
}

/// One scalar of 100 KB is shown as an excerpt (it was shown whole, underlined: 460 KB), and
/// N findings in one file give output proportional to N.
#[test]
fn output_is_bounded_per_finding() {
    let repo = common::isolated(&common::example());
    let spec = repo.path().join("services/payments-enricher/service.yaml");
    let original = std::fs::read_to_string(&spec).expect("spec");
    let text = original.replace(
        "  stateBackend: hashmap\n",
        &format!("  stateBackend: {}\n", "h".repeat(100_000)),
    );
    std::fs::write(&spec, &text).expect("write");
    let (code, out, _) = common::run(repo.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(out.len() < 3_000, "{} bytes:\n{out}", out.len());

    // 2,000 unknown keys, all on one line of a flow mapping, and 2,000 on lines of their own.
    for one_line in [true, false] {
        let keys: Vec<String> = (0..2_000).map(|i| format!("bogus{i:05}: 1")).collect();
        let block = if one_line {
            format!("  taskManager: {{ {} }}\n", keys.join(", "))
        } else {
            format!(
                "  taskManager:\n{}",
                keys.iter()
                    .map(|k| format!("    {k}\n"))
                    .collect::<String>()
            )
        };
        let text = original.replace(
            "  stateBackend: hashmap\n",
            &format!("  stateBackend: hashmap\n{block}"),
        );
        std::fs::write(&spec, &text).expect("write");
        let (code, out, _) = common::run(repo.path(), &["check"]);
        assert_eq!(code, 1);
        let findings = out.matches("unknown field `bogus").count();
        assert_eq!(findings, 2_000, "one_line={one_line}");
        // Each finding: its message, help and a few excerpt lines (about 700 bytes).
        assert!(
            out.len() < findings * 1_500,
            "one_line={one_line}: {} bytes for {findings} findings",
            out.len()
        );
    }
}
