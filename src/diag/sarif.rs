//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! * `tool.driver.rules` lists every rule (id, a PascalCase `name`, summary as
//!   `shortDescription`, documentation as help, `helpUri`, default level), whether or not it
//!   fired. Security rules carry the `security` tag and a `security-severity` score, which
//!   code scanning turns into critical/high/medium/low.
//! * Locations are URIs relative to the git repository root (percent-encoded); a file outside
//!   the repository (`lint /elsewhere/job.yaml`) is a `file://` URI. Columns count Unicode code
//!   points (`columnKind: unicodeCodePoints`), `endColumn` is exclusive.
//! * `partialFingerprints["flinkform/v3"]` hashes the rule, the file, the service, the key
//!   path of the finding (`spec.taskManager.memory`) and the shape of its label (what kind of
//!   finding of the rule it is: "not allowed", "unpinned"; numbers and quoted values left
//!   out), not its line, message, values, environment or cluster: moving lines, rewording a
//!   message or adding `prod: {}` to a service keeps every alert (and its dismissal); the
//!   same finding on several clusters is one alert; two findings of one rule at one place are
//!   two alerts.
//! * `automationDetails.id` names the analysis and the platform: `flinkform/check/` for a
//!   platform at the git root, `flinkform/check/platform/` for one in `platform/`, so uploads
//!   of different commands, or of two platforms of one repository, do not close each other's
//!   alerts.
//! * Code scanning keeps at most [`MAX_RESULTS`] results of a run: the renderer keeps the
//!   first ones in report order (the caller puts the pull request's own files first) and says
//!   how many it left out in a tool notification.
//! * Waived findings carry an external suppression with the waiver's reason.
//! * A clean run has an empty `results` array.

use super::json::Location;
use super::{Diagnostic, Report, Severity, rule_url};
use crate::source::{SourceMap, Span};
use serde_json::{Value, json};

/// Results per run that GitHub code scanning keeps (it rejects uploads over 25,000).
pub const MAX_RESULTS: usize = 5_000;

/// What SARIF needs to know about a rule.
pub struct RuleInfo {
    pub id: String,
    pub summary: String,
    pub help: String,
    pub level: Severity,
    /// A CVSS-like score for security rules (see `RuleMeta::security_severity`).
    pub security_severity: Option<String>,
}

/// How to write the log.
pub struct Options<'a> {
    pub version: &'a str,
    /// The analysis, e.g. `check`: `automationDetails.id` is `flinkform/<analysis>/`, then the
    /// platform's folder.
    pub analysis: &'a str,
    /// The platform folder's path in its git repository (`platform`), or empty at the root.
    pub platform: &'a str,
    /// The most results to write.
    pub max_results: usize,
    /// The key path of a span in its file (for fingerprints); see `yaml::KeyPaths`.
    pub key_path: &'a dyn Fn(Span) -> String,
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

/// `memory-matches-limit` → `MemoryMatchesLimit`. SARIF wants the name to differ from the id
/// (SARIF1001), so a one-word id gets a suffix: `schema` → `SchemaViolation`.
pub fn rule_name(id: &str) -> String {
    let name: String = id
        .split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    if name.eq_ignore_ascii_case(id) {
        format!("{name}Violation")
    } else {
        name
    }
}

/// A path as a URI reference: relative paths percent-encoded, absolute ones as `file://`.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What kind of finding of its rule `d` is, from its label: the label with every quoted
/// value (`` `…` ``) and every word holding a digit left out, so a finding keeps its
/// fingerprint when the values it names change ("Flink 1.19" and "Flink 1.20" are one kind;
/// "not allowed" and "unpinned" are two).
fn label_shape(d: &Diagnostic) -> String {
    let label = d.primary.as_ref().map_or("", |l| l.message.as_str());
    let mut unquoted = String::new();
    for (i, part) in label.split('`').enumerate() {
        unquoted.push_str(if i % 2 == 0 { part } else { "…" });
    }
    unquoted
        .split_whitespace()
        .map(|w| {
            if w.chars().any(|c| c.is_ascii_digit()) {
                "#"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The service a finding is about: its subject without the environment and cluster
/// (`fraud-detector (prod/prod-eu-1)` → `fraud-detector`).
fn service(d: &Diagnostic) -> &str {
    d.subject
        .as_deref()
        .map_or("", |s| s.split(" (").next().unwrap_or(s))
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
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri(&l.file) },
        "region": region(l),
    } })
}

pub fn render(
    report: &Report,
    sources: &SourceMap,
    rules: &[RuleInfo],
    opts: &Options<'_>,
) -> String {
    let index = |id: &str| rules.iter().position(|r| r.id == id);
    let driver_rules: Vec<Value> = rules.iter().map(rule).collect();
    let kept = report.diagnostics.len().min(opts.max_results);
    let results: Vec<Value> = report.diagnostics[..kept]
        .iter()
        .map(|d| result(d, sources, index(&d.rule), opts))
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "flinkform",
            "version": opts.version,
            "semanticVersion": opts.version,
            "informationUri": "https://github.com/flinkform/flinkform",
            "rules": driver_rules,
        }},
        "automationDetails": { "id": automation_id(opts) },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    let omitted = report.diagnostics.len() - kept;
    if omitted > 0 {
        run["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": [{
                "level": "warning",
                "descriptor": { "id": "results-omitted" },
                "message": { "text": format!(
                    "{omitted} of {} {} left out: GitHub code scanning keeps at most {} results per run, so this log holds {kept}. The results kept come first in flinkform's order (files the change touches first); `{} --format json` lists all {}.",
                    report.diagnostics.len(),
                    if omitted == 1 { "result was" } else { "results were" },
                    opts.max_results,
                    super::local_command(opts.analysis),
                    report.diagnostics.len()
                ) },
            }],
        }]);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// `flinkform/<analysis>/[<platform folder>/]`: GitHub takes the id up to its last `/` as the
/// analysis' category, whose latest upload replaces the earlier ones.
fn automation_id(opts: &Options<'_>) -> String {
    let folder = opts.platform.trim_matches('/');
    if folder.is_empty() || folder == "." {
        format!("flinkform/{}/", opts.analysis)
    } else {
        format!("flinkform/{}/{folder}/", opts.analysis)
    }
}

fn rule(r: &RuleInfo) -> Value {
    let mut v = json!({
        "id": r.id,
        "name": rule_name(&r.id),
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.summary },
        "help": { "text": r.help, "markdown": r.help },
        "helpUri": rule_url(&r.id),
        "defaultConfiguration": { "level": level(r.level) },
    });
    v["properties"] = match &r.security_severity {
        Some(score) => json!({
            "tags": ["security", "kubernetes", "flink"],
            "security-severity": score,
            "precision": "very-high",
        }),
        None => json!({ "tags": ["kubernetes", "flink"], "precision": "very-high" }),
    };
    v
}

fn result(
    d: &Diagnostic,
    sources: &SourceMap,
    rule_index: Option<usize>,
    opts: &Options<'_>,
) -> Value {
    let mut text = d.message.clone();
    if let Some(s) = &d.subject {
        text.push_str(&format!(" [{s}]"));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    let location = d.primary.as_ref().map(|p| Location::of(p.span, sources));
    let key = d
        .primary
        .as_ref()
        .map_or_else(String::new, |p| (opts.key_path)(p.span));
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": text },
        "partialFingerprints": {
            "flinkform/v3": fingerprint(&[
                &d.rule,
                location.as_ref().map_or("", |l| l.file.as_str()),
                service(d),
                &key,
                &label_shape(d),
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
    use super::*;

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        assert_eq!(fingerprint(&[]), "cbf29ce484222325");
    }

    #[test]
    fn label_shapes_leave_values_out() {
        use crate::source::{FileId, Span};
        let at = |label: &str| {
            Diagnostic::error("r", "m").at(Span::new(FileId(0), 0, 1), label.to_string())
        };
        assert_eq!(
            label_shape(&at("Flink 1.19")),
            label_shape(&at("Flink 1.20"))
        );
        assert_eq!(label_shape(&at("outside [0.1, 2]")), "outside # #");
        assert_eq!(label_shape(&at("needs `a.b`")), "needs …");
        assert_ne!(
            label_shape(&at("not allowed")),
            label_shape(&at("unpinned"))
        );
        assert_eq!(label_shape(&Diagnostic::error("r", "m")), "");
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(rule_name("memory-matches-limit"), "MemoryMatchesLimit");
        assert_eq!(rule_name("schema"), "SchemaViolation");
        assert_eq!(
            uri("services/a b/service.yaml"),
            "services/a%20b/service.yaml"
        );
        assert_eq!(uri("/tmp/x#1.yaml"), "file:///tmp/x%231.yaml");
        assert_eq!(uri("a/é"), "a/%C3%A9");
    }
}
