//! `--format github`: GitHub Actions workflow commands, which become annotations on the
//! pull request's changed lines:
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::message`.
//!
//! Escaping follows the actions toolkit: in the message `%`, `\r`, `\n` become `%25`, `%0D`,
//! `%0A`; property values also escape `:` and `,` (`%3A`, `%2C`). Columns are given only when
//! the span is on one line (GitHub rejects them otherwise). Errors are `error`, warnings
//! `warning`, infos and waived findings `notice`.

use super::json::Location;
use super::{Report, Severity};
use crate::source::SourceMap;

/// Escapes an annotation message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report, sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let command = match (d.severity, d.waived.is_some()) {
            (_, true) | (Severity::Info, _) => "notice",
            (Severity::Warning, _) => "warning",
            (Severity::Error, _) => "error",
        };
        let mut props = Vec::new();
        if let Some(p) = &d.primary {
            let l = Location::of(p.span, sources);
            props.push(format!("file={}", escape_property(&l.file)));
            props.push(format!("line={}", l.line));
            if l.line == l.end_line {
                props.push(format!("col={}", l.column));
                props.push(format!("endColumn={}", l.end_column.max(l.column + 1)));
            } else {
                props.push(format!("endLine={}", l.end_line));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("flinkform {}", d.rule))
        ));
        let mut message = d.message.clone();
        if let Some(s) = &d.subject {
            message.push_str(&format!(" [{s}]"));
        }
        if let Some(w) = &d.waived {
            message.push_str(&format!("\nwaived until {}: {}", w.expires, w.reason));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        message.push_str(&format!("\n{}", d.url()));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("a:b,c"), "a:b,c", "messages keep `:` and `,`");
    }
}
