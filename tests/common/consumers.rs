//! The real consumers of flinkform's reports, for tests: Microsoft's SARIF validator with
//! GitHub's rule set, `xmllint` with a JUnit schema, a CommonMark/GFM parser, and GitHub's
//! size limits. The external tools are optional locally and required in CI: a test that uses
//! one is marked `#[cfg_attr(missing_<tool>, ignore = "needs <tool>")]` (see
//! [`super::tools`]).

use super::tools;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Microsoft's validator (`npm install @microsoft/sarif-multitool`), from
/// FLINKFORM_SARIF_MULTITOOL, for a test marked as needing it.
pub fn multitool() -> PathBuf {
    tools::require(&tools::SARIF_MULTITOOL)
}

/// Validates a SARIF log with the SARIF rules and GitHub's (`--rule-kind Sarif;Ghas`, the
/// checks GitHub Advanced Security applies); panics on any error or warning.
pub fn validate_sarif(tool: &Path, sarif: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.sarif");
    let log = dir.path().join("validation.sarif");
    fs::write(&input, sarif).expect("write");
    // npm's `sarif-multitool` is a node script that runs the tool through a shell, which
    // would split the rule list at `;`: quote it for that shell.
    let script = fs::read(tool).is_ok_and(|b| b.starts_with(b"#!"));
    let kinds = if script { "'Sarif;Ghas'" } else { "Sarif;Ghas" };
    let out = Command::new(tool)
        .arg("validate")
        .arg(&input)
        .args(["--rule-kind", kinds, "--log", "ForceOverwrite", "-o"])
        .arg(&log)
        .output()
        .expect("run sarif-multitool");
    assert!(
        out.status.success(),
        "validator failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&log).expect("validation log")).expect("json");
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(results.is_empty(), "SARIF validator findings: {results:#?}");
}

/// Checks that a broken SARIF log does fail the validator's GitHub rules (so a clean
/// validation above means something).
pub fn ghas_rules_run(tool: &Path) {
    let broken = serde_json::json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": { "name": "t", "rules": [{ "id": "r" }] } },
            "results": [{ "ruleId": "r", "message": { "text": "no location" } }]
        }]
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.sarif");
    let log = dir.path().join("validation.sarif");
    fs::write(&input, broken.to_string()).expect("write");
    let script = fs::read(tool).is_ok_and(|b| b.starts_with(b"#!"));
    let kinds = if script { "'Sarif;Ghas'" } else { "Sarif;Ghas" };
    Command::new(tool)
        .arg("validate")
        .arg(&input)
        .args(["--rule-kind", kinds, "--log", "ForceOverwrite", "-o"])
        .arg(&log)
        .output()
        .expect("run sarif-multitool");
    let text = fs::read_to_string(&log).expect("validation log");
    assert!(
        text.contains("\"GH10"),
        "GitHub's rules did not run: {text}"
    );
}

/// Checks that JUnit XML is well-formed (roxmltree).
pub fn junit_is_well_formed(xml: &str) {
    if let Err(e) = roxmltree::Document::parse(xml) {
        panic!("JUnit XML is not well-formed: {e}\n{xml}");
    }
}

/// Validates JUnit XML: well-formed and valid against `tests/junit.xsd` with `xmllint` (for a
/// test marked as needing it).
pub fn validate_junit(xml: &str) {
    junit_is_well_formed(xml);
    let xmllint = tools::require(&tools::XMLLINT);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("junit.xml");
    fs::write(&file, xml).expect("write");
    let out = Command::new(xmllint)
        .args(["--noout", "--schema"])
        .arg(super::manifest_dir().join("tests/junit.xsd"))
        .arg(&file)
        .output()
        .expect("run xmllint");
    assert!(
        out.status.success(),
        "xmllint: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a Markdown document holds, as GitHub's parser reads it (CommonMark with GFM tables
/// and strikethrough; pulldown-cmark).
#[derive(Debug, Default)]
pub struct Markdown {
    /// Each table: its header cells and rows, as plain text.
    pub tables: Vec<(Vec<String>, Vec<Vec<String>>)>,
    /// Raw HTML (block and inline).
    pub html: Vec<String>,
    /// Link and image targets.
    pub links: Vec<String>,
    /// Text of code spans.
    pub code: Vec<String>,
    /// All text.
    pub text: String,
}

pub fn parse_markdown(md: &str) -> Markdown {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut m = Markdown::default();
    let mut row: Option<Vec<String>> = None;
    let mut cell: Option<String> = None;
    let mut in_head = false;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Table(_)) => m.tables.push((Vec::new(), Vec::new())),
            Event::Start(Tag::TableHead) => {
                in_head = true;
                row = Some(Vec::new());
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let (Some(t), Some(r)) = (m.tables.last_mut(), row.take()) {
                    t.0 = r;
                }
            }
            Event::Start(Tag::TableRow) => row = Some(Vec::new()),
            Event::End(TagEnd::TableRow) => {
                if let (Some(t), Some(r)) = (m.tables.last_mut(), row.take())
                    && !in_head
                {
                    t.1.push(r);
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(r), Some(c)) = (row.as_mut(), cell.take()) {
                    r.push(c);
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                m.links.push(dest_url.to_string());
            }
            Event::Html(h) | Event::InlineHtml(h) => m.html.push(h.to_string()),
            Event::Code(c) => {
                m.code.push(c.to_string());
                if let Some(c2) = cell.as_mut() {
                    c2.push_str(&c);
                }
                m.text.push_str(&c);
            }
            Event::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
                m.text.push_str(&t);
            }
            _ => {}
        }
    }
    m
}

/// The link targets GitHub's parser finds, autolinks included: comrak (a port of GitHub's
/// cmark-gfm) with GFM's extensions on. pulldown-cmark has no autolink extension, so a bare
/// `https://…` or `www.…` in a cell is a link only GitHub (and comrak) see.
pub fn gfm_links(md: &str) -> Vec<String> {
    use comrak::nodes::NodeValue;
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    options.extension.table = true;
    options.extension.strikethrough = true;
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &options);
    root.descendants()
        .filter_map(|n| match &n.data.borrow().value {
            NodeValue::Link(l) | NodeValue::Image(l) => Some(l.url.clone()),
            _ => None,
        })
        .collect()
}

/// Asserts that every row of every table has as many cells as its header, that the only
/// HTML is flinkform's own line breaks and `<details>` blocks, and that links — autolinks
/// too, as GitHub finds them — go only to flinkform's documentation. Returns the parsed
/// document.
pub fn check_markdown(md: &str) -> Markdown {
    let m = parse_markdown(md);
    for l in gfm_links(md) {
        assert!(
            l.starts_with("https://github.com/flinkform/flinkform/"),
            "GitHub would make a link to {l:?} in\n{md}"
        );
    }
    for (head, rows) in &m.tables {
        for r in rows {
            assert_eq!(r.len(), head.len(), "a row with {r:?} under {head:?}\n{md}");
        }
    }
    for h in &m.html {
        let h = h.trim();
        assert!(
            [
                "<br>",
                "<details>",
                "</details>",
                "<summary>",
                "</summary>",
                "<code>",
                "</code>"
            ]
            .iter()
            .any(|ok| h == *ok || h.starts_with("<details><summary>")),
            "unexpected HTML {h:?} in\n{md}"
        );
    }
    for l in &m.links {
        assert!(
            l.starts_with("https://github.com/flinkform/flinkform/"),
            "unexpected link {l:?} in\n{md}"
        );
    }
    m
}

/// GitHub's limits on what a workflow may upload or show.
pub mod limits {
    /// Bytes of one step's job summary.
    pub const STEP_SUMMARY: usize = 1024 * 1024;
    /// SARIF results kept per run, and the most an upload may hold.
    pub const SARIF_KEPT: usize = 5_000;
    pub const SARIF_ACCEPTED: usize = 25_000;
    /// Size of an upload, gzipped.
    pub const SARIF_GZIPPED: usize = 10 * 1000 * 1000;

    /// The size of `bytes` gzipped.
    pub fn gzipped(bytes: &[u8]) -> usize {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).expect("gzip");
        e.finish().expect("gzip").len()
    }
}
