//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a pull request comment —
//! counts, a table of findings, and the waivers in force.

use super::json::Location;
use super::{Report, Severity};
use crate::source::SourceMap;

/// Makes text safe inside a Markdown table cell.
pub fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', "<br>")
        .replace('\r', "")
}

pub fn render(report: &Report, sources: &SourceMap, title: &str) -> String {
    let s = report.summary();
    let mut out = format!("## {title}\n\n");
    let status = if s.errors > 0 {
        "❌"
    } else if s.warnings > 0 {
        "⚠️"
    } else {
        "✅"
    };
    out.push_str(&format!(
        "{status} **{}** error{}, **{}** warning{}, **{}** info, **{}** waived — {} file{} checked\n",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.infos,
        s.waived,
        s.files,
        if s.files == 1 { "" } else { "s" },
    ));
    let active: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_active())
        .collect();
    if !active.is_empty() {
        out.push_str("\n| | rule | where | finding |\n|---|---|---|---|\n");
        for d in active {
            let icon = match d.severity {
                Severity::Error => "❌",
                Severity::Warning => "⚠️",
                Severity::Info => "ℹ️",
            };
            let at = d.primary.as_ref().map_or_else(String::new, |p| {
                let l = Location::of(p.span, sources);
                format!("`{}:{}:{}`", l.file, l.line, l.column)
            });
            let mut text = d.message.clone();
            if let Some(sub) = &d.subject {
                text.push_str(&format!(" ({sub})"));
            }
            if let Some(h) = &d.help {
                text.push_str(&format!("\n*{h}*"));
            }
            out.push_str(&format!(
                "| {icon} | [`{}`]({}) | {at} | {} |\n",
                d.rule,
                d.url(),
                cell(&text)
            ));
        }
    }
    let waived: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| !d.is_active())
        .collect();
    if !waived.is_empty() {
        out.push_str(
            "\n### Waivers in force\n\n| rule | where | until | reason |\n|---|---|---|---|\n",
        );
        for d in waived {
            let Some(w) = &d.waived else { continue };
            let at = d.primary.as_ref().map_or_else(String::new, |p| {
                let l = Location::of(p.span, sources);
                format!("`{}:{}`", l.file, l.line)
            });
            out.push_str(&format!(
                "| `{}` | {at} | {} | {} |\n",
                d.rule,
                w.expires,
                cell(&w.reason)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_escape_pipes_and_newlines() {
        assert_eq!(super::cell("a|b\nc"), "a\\|b<br>c");
    }
}
