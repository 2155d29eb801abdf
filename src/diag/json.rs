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
//! just past the last character (as in SARIF). Optional fields are omitted when empty.

use super::{Diagnostic, Label, Report};
use crate::source::SourceMap;
use serde_json::{Map, Value, json};

pub const VERSION: u64 = 1;

pub fn render(report: &Report, sources: &SourceMap) -> String {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| diagnostic(d, sources))
        .collect();
    let doc = json!({
        "version": VERSION,
        "diagnostics": diagnostics,
        "summary": report.summary(),
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// Location fields of one label: file, line, column, endLine, endColumn.
pub fn location(label: &Label, sources: &SourceMap) -> Map<String, Value> {
    let file = sources.get(label.span.file);
    let start = file.line_col(label.span.start as usize);
    let end = file.line_col(label.span.end as usize);
    let mut m = Map::new();
    m.insert("file".into(), json!(file.path));
    m.insert("line".into(), json!(start.line));
    m.insert("column".into(), json!(start.column));
    m.insert("endLine".into(), json!(end.line));
    m.insert("endColumn".into(), json!(end.column));
    m
}

fn diagnostic(d: &Diagnostic, sources: &SourceMap) -> Value {
    let mut m = Map::new();
    m.insert("rule".into(), json!(d.rule));
    m.insert("severity".into(), json!(d.severity.as_str()));
    m.insert("message".into(), json!(d.message));
    if let Some(p) = &d.primary {
        m.extend(location(p, sources));
    }
    if let Some(h) = &d.help {
        m.insert("help".into(), json!(h));
    }
    if let Some(u) = &d.url {
        m.insert("url".into(), json!(u));
    }
    if let Some(s) = &d.subject {
        m.insert("subject".into(), json!(s));
    }
    if !d.secondary.is_empty() {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .map(|l| {
                let mut r = location(l, sources);
                r.insert("message".into(), json!(l.message));
                Value::Object(r)
            })
            .collect();
        m.insert("related".into(), Value::Array(related));
    }
    if let Some(w) = &d.waived {
        let mut r = location(
            &Label {
                span: w.span,
                message: String::new(),
            },
            sources,
        );
        r.insert("reason".into(), json!(w.reason));
        r.insert("expires".into(), json!(w.expires));
        m.insert("waived".into(), Value::Object(r));
    }
    Value::Object(m)
}
