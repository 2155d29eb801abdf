//! `--format json`: a documented, versioned shape (see `docs/output.md`).
//!
//! ```json
//! {"version":1,
//!  "diagnostics":[{"rule":"schema","severity":"error","message":"…",
//!                  "file":"services/a/service.yaml","line":12,"column":3,"endLine":12,"endColumn":13,
//!                  "help":"…","url":"…","subject":"…","related":[…],"waived":{…}}],
//!  "summary":{"errors":1,"warnings":0,"infos":0,"waived":0,"files":7}}
//! ```
//! Lines and columns are 1-based; columns count Unicode code points; `endColumn` is the column
//! just past the last character (as in SARIF). Optional fields are omitted when empty. Fields
//! are written in this order (structs, not maps), so the output reads well.

use super::{Diagnostic, Label, Report, Summary};
use crate::source::{Reader, SourceMap, Span};
use serde::Serialize;

pub const VERSION: u64 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u64,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

/// A location: file, line, column, endLine, endColumn.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Location {
    /// Where a span is, with the file's path as machine formats show it (relative to the git
    /// repository root, see [`SourceMap::shown`]).
    pub fn of(span: Span, sources: &SourceMap) -> Location {
        let file = sources.get(span.file);
        let start = file.line_col(span.start as usize);
        let end = file.line_col(span.end as usize);
        Location {
            file: sources.shown(span.file, Reader::Machine),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<Related<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<JsonWaived<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    #[serde(flatten)]
    location: Location,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonWaived<'a> {
    #[serde(flatten)]
    location: Location,
    reason: &'a str,
    expires: &'a str,
}

pub fn render(report: &Report, sources: &SourceMap) -> String {
    let doc = Document {
        version: VERSION,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| diagnostic(d, sources))
            .collect(),
        summary: report.summary(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn diagnostic<'a>(d: &'a Diagnostic, sources: &SourceMap) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        rule: &d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        location: d
            .primary
            .as_ref()
            .map(|l: &Label| Location::of(l.span, sources)),
        help: d.help.as_deref(),
        url: d.url(),
        subject: d.subject.as_deref(),
        related: d
            .secondary
            .iter()
            .map(|l| Related {
                location: Location::of(l.span, sources),
                message: &l.message,
            })
            .collect(),
        waived: d.waived.as_ref().map(|w| JsonWaived {
            location: Location::of(w.span, sources),
            reason: &w.reason,
            expires: &w.expires,
        }),
    }
}
