//! `--format junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure).
//! One test case per finding (errors and warnings fail, infos pass with output, waived ones
//! are skipped); a clean run is one passing case.

use super::json::Location;
use super::{Report, Severity};
use crate::source::SourceMap;

/// Escapes text for XML attributes and content.
pub fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r') || !c.is_control())
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

pub fn render(report: &Report, sources: &SourceMap, suite: &str) -> String {
    let s = report.summary();
    let cases = report.diagnostics.len().max(1);
    let failures = s.errors + s.warnings;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"flinkform\" tests=\"{cases}\" failures=\"{failures}\" errors=\"0\" skipped=\"{}\">\n",
        s.waived
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{cases}\" failures=\"{failures}\" errors=\"0\" skipped=\"{}\">\n",
        xml(suite),
        s.waived
    ));
    if report.diagnostics.is_empty() {
        out.push_str(&format!(
            "    <testcase classname=\"flinkform\" name=\"{} files: no findings\"/>\n",
            s.files
        ));
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
        let mut body = d.message.clone();
        if let Some(sub) = &d.subject {
            body.push_str(&format!("\nsubject: {sub}"));
        }
        if let Some(h) = &d.help {
            body.push_str(&format!("\nhelp: {h}"));
        }
        body.push_str(&format!("\n{}", d.url()));
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\">\n",
            xml(&class),
            xml(&name)
        ));
        match (&d.waived, d.severity) {
            (Some(w), _) => out.push_str(&format!(
                "      <skipped message=\"{}\"/>\n",
                xml(&format!("waived until {}: {}", w.expires, w.reason))
            )),
            (None, Severity::Info) => {
                out.push_str(&format!("      <system-out>{}</system-out>\n", xml(&body)))
            }
            (None, sev) => out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                sev.as_str(),
                xml(&d.message),
                xml(&body)
            )),
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
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
    }
}
