//! Rendering a diff for people (terminal), for pull requests (Markdown, one collapsible
//! section per service) and for machines (JSON).

use super::{Change, FieldChange, Impact, ObjectDiff};
use crate::diag::markdown::cell;
use crate::diag::terminal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const MAX_VALUE: usize = 80;

/// A value on one line, shortened.
fn show(v: &Option<Value>) -> String {
    let s = match v {
        None => return "(absent)".to_string(),
        Some(Value::String(s)) => serde_json::to_string(s).unwrap_or_default(),
        Some(v) => serde_json::to_string(v).unwrap_or_default(),
    };
    if s.chars().count() > MAX_VALUE {
        format!("{}…", s.chars().take(MAX_VALUE).collect::<String>())
    } else {
        s
    }
}

/// One changed field on one line, with every control and bidirectional character from the
/// specs (in keys and values) written as a visible escape, as in every output for people.
fn field_line(f: &FieldChange) -> String {
    let line = match (&f.old, &f.new) {
        (None, _) => format!("+ {}: {}", f.path, show(&f.new)),
        (_, None) => format!("- {}: {}", f.path, show(&f.old)),
        _ => format!("~ {}: {} → {}", f.path, show(&f.old), show(&f.new)),
    };
    terminal::inline(&line)
}

/// The longest run of backticks in `lines`.
fn longest_backtick_run(lines: &[String]) -> usize {
    lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// Per service: its diffs by cluster.
fn by_service(diffs: &[ObjectDiff]) -> BTreeMap<&str, Vec<&ObjectDiff>> {
    let mut m: BTreeMap<&str, Vec<&ObjectDiff>> = BTreeMap::new();
    for d in diffs {
        m.entry(d.key.service.as_str()).or_default().push(d);
    }
    for v in m.values_mut() {
        v.sort_by(|a, b| {
            (&a.key.cluster, &a.key.kind, &a.key.name).cmp(&(
                &b.key.cluster,
                &b.key.kind,
                &b.key.name,
            ))
        });
    }
    m
}

fn verb(c: &Change) -> &'static str {
    match c {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Changed { .. } => "changed",
    }
}

/// The most disruptive job impact of a service across its clusters, for summaries.
fn service_impacts(diffs: &[&ObjectDiff]) -> Vec<(Impact, Vec<String>)> {
    let mut m: BTreeMap<&'static str, (Impact, Vec<String>)> = BTreeMap::new();
    for d in diffs {
        if let Some(i) = d.impact {
            m.entry(i.describe())
                .or_insert((i, Vec::new()))
                .1
                .push(d.key.cluster.clone());
        }
    }
    m.into_values().collect()
}

pub fn human(diffs: &[ObjectDiff], base: &str) -> String {
    let mut s = String::new();
    if diffs.is_empty() {
        let _ = writeln!(s, "no changes against {base}");
        return s;
    }
    let services = by_service(diffs);
    let _ = writeln!(
        s,
        "{} object(s) differ from {base}, in {} service(s):",
        diffs.len(),
        services.len()
    );
    for (service, items) in &services {
        let _ = writeln!(s, "\n{service}");
        for (impact, clusters) in service_impacts(items) {
            let _ = writeln!(s, "  job: {} [{}]", impact.describe(), clusters.join(", "));
        }
        for d in items {
            let detail = d
                .detail
                .as_deref()
                .map(|x| format!(" ({})", terminal::inline(x)))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  {} {} {} in {}{detail}",
                verb(&d.change),
                d.key.kind,
                d.key.name,
                d.key.cluster
            );
            if let Change::Changed { fields } = &d.change {
                for f in fields {
                    let _ = writeln!(s, "      {}", field_line(f));
                }
            }
        }
    }
    s
}

pub fn markdown(diffs: &[ObjectDiff], base: &str) -> String {
    let mut s = format!("## flinkform diff against {}\n\n", cell(base));
    if diffs.is_empty() {
        s.push_str("No changes to the clusters.\n");
        return s;
    }
    let services = by_service(diffs);
    s.push_str("| service | what happens to the job | clusters | objects |\n|---|---|---|---|\n");
    for (service, items) in &services {
        let impacts = service_impacts(items);
        let what = if impacts.is_empty() {
            "no Flink job change".to_string()
        } else {
            impacts
                .iter()
                .map(|(i, _)| i.describe())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let mut clusters: Vec<&str> = items.iter().map(|d| d.key.cluster.as_str()).collect();
        clusters.dedup();
        let _ = writeln!(
            s,
            "| `{service}` | {} | {} | {} |",
            cell(&what),
            clusters.join(", "),
            items.len()
        );
    }
    for (service, items) in &services {
        let _ = write!(
            s,
            "\n<details><summary><code>{service}</code>: {} object(s)</summary>\n\n",
            items.len()
        );
        for d in items {
            let detail = d
                .detail
                .as_deref()
                .map(|x| format!(" ({})", terminal::inline(x)))
                .unwrap_or_default();
            let impact = d
                .impact
                .map(|i| format!(" — **{}**", i.describe()))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "- {} `{}/{}` in `{}`{impact}{detail}",
                verb(&d.change),
                d.key.kind,
                d.key.name,
                d.key.cluster
            );
            if let Change::Changed { fields } = &d.change
                && !fields.is_empty()
            {
                // One line per field, and a fence longer than any run of backticks in them, so
                // no key or value from a spec can end the block.
                let lines: Vec<String> = fields
                    .iter()
                    .map(|f| field_line(f).replacen("~ ", "! ", 1))
                    .collect();
                let fence = "`".repeat(3.max(longest_backtick_run(&lines) + 1));
                let _ = writeln!(s, "\n  {fence}diff");
                for line in &lines {
                    let _ = writeln!(s, "  {line}");
                }
                let _ = writeln!(s, "  {fence}");
            }
        }
        s.push_str("\n</details>\n");
    }
    s
}

pub fn json(diffs: &[ObjectDiff], base: &str) -> String {
    let doc = serde_json::json!({ "version": 1, "base": base, "changes": diffs });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
