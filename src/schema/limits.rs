//! Numbers that match the schema's shape but lie beyond what Kubernetes, the operator or Flink
//! can hold ([`crate::limits`]): a CPU amount past 64-bit millicores or below 1m, a memory size
//! past Flink's 64-bit bytes, a duration past 64-bit milliseconds (or a checkpoint interval
//! below Flink's 10 ms), a Flux interval past Go's 64-bit nanoseconds. JSON Schema cannot say
//! these (a pattern bounds digits, not values), so they are checked here, reported as `schema`
//! findings at the value, and the spec is not rendered.

use crate::diag::Diagnostic;
use crate::excerpt::quote;
use crate::flink::spec_memory;
use crate::limits;
use crate::tree::{Node, Value};

/// The sections of a document that hold spec fields: a service's `spec` and its environment
/// overlays, the platform's `defaults` and each environment's `defaults`.
fn sections(doc: &Node, platform: bool) -> Vec<&Node> {
    let mut out = Vec::new();
    let Some(spec) = doc.get("spec") else {
        return out;
    };
    let envs = spec
        .get("environments")
        .and_then(Node::as_map)
        .map(|m| m.iter().map(|e| &e.value).collect::<Vec<_>>())
        .unwrap_or_default();
    if platform {
        out.extend(spec.get("defaults"));
        out.extend(envs.into_iter().filter_map(|e| e.get("defaults")));
    } else {
        out.push(spec);
        out.extend(envs);
    }
    out
}

/// Findings for the numbers in one schema-valid-shaped document.
pub(super) fn check(doc: &Node, platform: bool, out: &mut Vec<Diagnostic>) {
    for section in sections(doc, platform) {
        for role in ["jobManager", "taskManager"] {
            if let Some(cpu) = section.path(&[role, "cpu"]) {
                // Zero, negative and malformed amounts are the schema's to report.
                let judged = match &cpu.value {
                    Value::Int(i) => *i > 0,
                    Value::Float(f) => *f > 0.0,
                    Value::Str(s) => is_millicores_shape(s),
                    _ => false,
                };
                if judged && let Some(Err(why)) = limits::cpu_amount(&cpu.value) {
                    push(out, cpu, &format!("{role}.cpu"), &why, cpu_help());
                }
            }
            if let Some(memory) = section.path(&[role, "memory"])
                && let Some(text) = memory.as_str()
                && is_memory_shape(text)
                && let Err(e) = spec_memory::parse_spec_memory(text)
            {
                let help = e.suggestion.map_or_else(
                    || "write the memory the JVM needs, e.g. `4Gi`".to_string(),
                    |s| format!("write `{s}`"),
                );
                out.push(
                    Diagnostic::error(crate::policy::RuleId::Schema, e.message)
                        .at_opt(memory.origin.span(), "here")
                        .with_help(help),
                );
            }
        }
        for (path, minimum) in [
            (
                &["checkpointing", "interval"][..],
                limits::MIN_CHECKPOINT_MS,
            ),
            (&["checkpointing", "timeout"], limits::MIN_CHECKPOINT_MS),
            (&["checkpointing", "minPause"], 0),
            (&["savepoints", "interval"], 0),
        ] {
            let Some(n) = section.path(path) else {
                continue;
            };
            // Only durations of the schema's shape (no leading zero): `0s` is the schema's.
            let Some(text) = n
                .as_str()
                .filter(|t| t.starts_with(|c| matches!(c, '1'..='9')))
            else {
                continue;
            };
            let field = path.join(".");
            match limits::spec_duration_ms(text) {
                Some(Err(why)) => push(
                    out,
                    n,
                    &field,
                    &why,
                    limits::shorter_duration_help("h", 3_600_000),
                ),
                Some(Ok(ms)) if ms < minimum => push(
                    out,
                    n,
                    &field,
                    &format!("is shorter than Flink's minimum of {minimum}ms"),
                    format!("use {minimum}ms or more"),
                ),
                _ => {}
            }
        }
    }
    if platform {
        let flux = doc.path(&["spec", "flux"]);
        for key in ["interval", "retryInterval", "timeout"] {
            let Some(n) = flux.and_then(|f| f.get(key)) else {
                continue;
            };
            if let Some(text) = n.as_str()
                && let Some(Err(why)) = limits::go_duration_ns(text)
            {
                push(
                    out,
                    n,
                    &format!("flux.{key}"),
                    &why,
                    "Flux intervals are minutes or hours, e.g. `10m` or `1h`".to_string(),
                );
            }
        }
    }
}

fn push(out: &mut Vec<Diagnostic>, n: &Node, field: &str, why: &str, help: String) {
    let text = match n.value {
        // `1e308`, not its 309 digits.
        Value::Float(f) if f != 0.0 && !(1e-4..1e15).contains(&f.abs()) => format!("{f:e}"),
        _ => n.scalar_text().unwrap_or_default(),
    };
    out.push(
        Diagnostic::error(
            crate::policy::RuleId::Schema,
            format!("`{field}: {}` {why}", quote(&text)),
        )
        .at_opt(n.origin.span(), "out of range")
        .with_help(help),
    );
}

fn cpu_help() -> String {
    "write the cores a pod needs, e.g. `cpu: 2`, `cpu: 0.5` or `cpu: \"500m\"`".to_string()
}

/// `<digits>m` without a leading zero: the schema's millicores pattern.
fn is_millicores_shape(text: &str) -> bool {
    text.strip_suffix('m').is_some_and(|d| {
        !d.is_empty() && !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `<digits>(Mi|Gi|Ti)`: the schema's memory pattern (other text is the schema's to report).
fn is_memory_shape(text: &str) -> bool {
    let Some(digits) = ["Mi", "Gi", "Ti"].iter().find_map(|u| text.strip_suffix(u)) else {
        return false;
    };
    !digits.is_empty() && !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}
