//! `--format junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure).
//!
//! One test case per finding. A finding at or above the run's `--fail-on` severity is a
//! `<failure>`; one below it passes, with its text in `<system-out>` (a warning is not a failed
//! test unless `--fail-on warning` says so); a waived one is `<skipped>`. A clean run is one
//! passing case. The shape follows the common JUnit schema (Jenkins' xunit `junit-10.xsd`,
//! which GitLab and Azure DevOps also read): `skipped` is counted on `<testsuite>`, which has
//! it, and not on `<testsuites>`, which does not.
//!
//! Any message is well-formed: characters XML 1.0 does not allow (most control characters,
//! U+FFFE, U+FFFF) are replaced by U+FFFD, and line breaks and tabs in attributes are written
//! as character references so that parsers keep them.

use super::json::Location;
use super::{Report, Severity};
use crate::source::SourceMap;
use std::fmt::Write as _;

/// Whether XML 1.0 allows `c` in a document.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text for XML content.
pub fn xml(s: &str) -> String {
    escape(s, false)
}

/// Escapes text for an XML attribute value (in double quotes).
pub fn xml_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Renders the report; findings at or above `fail_at` are failures (`None`: none fails,
/// as with `--fail-on never`).
pub fn render(
    report: &Report,
    sources: &SourceMap,
    suite: &str,
    fail_at: Option<Severity>,
) -> String {
    let s = report.summary();
    let fails = |sev: Severity| fail_at.is_some_and(|f| sev >= f);
    let cases = report.diagnostics.len().max(1);
    let failures = report
        .diagnostics
        .iter()
        .filter(|d| d.is_active() && fails(d.severity))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"flinkform\" tests=\"{cases}\" failures=\"{failures}\" errors=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{cases}\" failures=\"{failures}\" errors=\"0\" skipped=\"{}\">",
        xml_attr(suite),
        s.waived
    );
    if report.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "    <testcase classname=\"flinkform\" name=\"{}: no findings\"/>",
            crate::plural::count(s.files, "file", "files")
        );
    }
    for d in &report.diagnostics {
        let at = d.primary.as_ref().map(|p| Location::of(p.span, sources));
        let name = match &at {
            Some(l) => format!("{} {}:{}:{}", d.rule, l.file, l.line, l.column),
            None => d.rule.clone(),
        };
        let class = at
            .as_ref()
            .map_or("flinkform".to_string(), |l| l.file.clone());
        let mut body = format!("{}: {}", d.severity.as_str(), d.message);
        if let Some(sub) = &d.subject {
            let _ = write!(body, "\nsubject: {sub}");
        }
        if let Some(h) = &d.help {
            let _ = write!(body, "\nhelp: {h}");
        }
        let _ = write!(body, "\n{}", d.url());
        let _ = writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\">",
            xml_attr(&class),
            xml_attr(&name)
        );
        match &d.waived {
            Some(w) => {
                let _ = writeln!(
                    out,
                    "      <skipped message=\"{}\"/>",
                    xml_attr(&format!("waived until {}: {}", w.expires, w.reason))
                );
            }
            None if fails(d.severity) => {
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    d.severity.as_str(),
                    xml_attr(&d.message),
                    xml(&body)
                );
            }
            None => {
                let _ = writeln!(out, "      <system-out>{}</system-out>", xml(&body));
            }
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escaping() {
        assert_eq!(
            super::xml("<a href=\"x\">&'</a>\u{7}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;\u{FFFD}"
        );
        assert_eq!(super::xml_attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
        assert_eq!(super::xml("a\nb\u{FFFF}\u{85}"), "a\nb\u{FFFD}\u{85}");
    }
}
