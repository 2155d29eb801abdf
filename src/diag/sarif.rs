//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! * `tool.driver.rules` lists every rule (id, summary, documentation as help, `helpUri`,
//!   default level), whether or not it fired.
//! * Locations are repository-relative URIs; columns count Unicode code points
//!   (`columnKind: unicodeCodePoints`), `endColumn` is exclusive.
//! * `partialFingerprints.flinkform/v1` is a hash of rule, file, message and subject: stable
//!   when unrelated lines move, so code scanning tracks a finding across commits.
//! * Waived findings carry an external suppression with the waiver's reason.
//! * A clean run has an empty `results` array.

use super::json::Location;
use super::{Diagnostic, Report, Severity, rule_url};
use crate::source::SourceMap;
use serde_json::{Value, json};

/// What SARIF needs to know about a rule.
pub struct RuleInfo {
    pub id: String,
    pub summary: String,
    pub help: String,
    pub level: Severity,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// FNV-1a, 64 bits: a small, stable, platform-independent hash for fingerprints.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn region(l: &Location) -> Value {
    json!({
        "startLine": l.line,
        "startColumn": l.column,
        "endLine": l.end_line,
        "endColumn": l.end_column.max(if l.end_line == l.line { l.column + 1 } else { 1 }),
    })
}

fn physical(l: &Location) -> Value {
    json!({ "physicalLocation": { "artifactLocation": { "uri": l.file }, "region": region(l) } })
}

pub fn render(report: &Report, sources: &SourceMap, rules: &[RuleInfo], version: &str) -> String {
    let index = |id: &str| rules.iter().position(|r| r.id == id);
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.help, "markdown": r.help },
                "helpUri": rule_url(&r.id),
                "defaultConfiguration": { "level": level(r.level) },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| result(d, sources, index(&d.rule)))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "flinkform",
                "version": version,
                "informationUri": "https://github.com/flinkform/flinkform",
                "rules": driver_rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn result(d: &Diagnostic, sources: &SourceMap, rule_index: Option<usize>) -> Value {
    let mut text = d.message.clone();
    if let Some(s) = &d.subject {
        text.push_str(&format!(" [{s}]"));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    let location = d.primary.as_ref().map(|p| Location::of(p.span, sources));
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": text },
        "partialFingerprints": {
            "flinkform/v1": fingerprint(&[
                &d.rule,
                location.as_ref().map_or("", |l| l.file.as_str()),
                &d.message,
                d.subject.as_deref().unwrap_or(""),
            ]),
        },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(l) = &location {
        r["locations"] = json!([physical(l)]);
    }
    if !d.secondary.is_empty() {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut v = physical(&Location::of(s.span, sources));
                v["id"] = json!(i + 1);
                v["message"] = json!({ "text": s.message });
                v
            })
            .collect();
        r["relatedLocations"] = Value::Array(related);
    }
    if let Some(w) = &d.waived {
        r["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} (waived until {})", w.reason, w.expires),
        }]);
    }
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(
            super::fingerprint(&["a", "b"]),
            super::fingerprint(&["a", "b"])
        );
        assert_ne!(
            super::fingerprint(&["ab", ""]),
            super::fingerprint(&["a", "b"])
        );
        assert_eq!(super::fingerprint(&[]), "cbf29ce484222325");
    }
}
