//! Turning the validator's errors into [`CrdViolation`]s with paths and plain-language messages.

use super::{CrdViolation, PathSeg};
use crate::suggest::Budget;
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind as K};
use serde_json::Value;
use std::fmt::Write as _;

/// Most allowed field names listed in an unknown-field message.
const MAX_ALLOWED: usize = 25;

/// Appends the violations one validator error stands for (one per unknown field).
pub(super) fn push(
    out: &mut Vec<CrdViolation>,
    error: &ValidationError<'_>,
    root: &Value,
    schema: &Value,
    budget: &mut Budget,
) {
    let path = path_of(error.instance_path().as_str(), root);
    match error.kind() {
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            let allowed = allowed_fields(error.schema_path().as_str(), schema);
            for key in unexpected {
                let mut path = path.clone();
                path.push(PathSeg::Key(key.clone()));
                out.push(violation(path, unknown_field(key, &allowed, budget)));
            }
        }
        _ => out.push(violation(path, message(error))),
    }
}

fn violation(path: Vec<PathSeg>, message: String) -> CrdViolation {
    CrdViolation {
        pointer: pointer_of(&path),
        path,
        message,
    }
}

/// Splits a JSON pointer into segments, telling list indices from keys by walking `root`
/// (a key `"0"` of a mapping stays a key).
pub(super) fn path_of(pointer: &str, root: &Value) -> Vec<PathSeg> {
    let mut cur = Some(root);
    pointer
        .split('/')
        .skip(1)
        .map(|raw| {
            let seg = raw.replace("~1", "/").replace("~0", "~");
            match cur {
                Some(Value::Array(items)) => match seg.parse::<usize>() {
                    Ok(i) => {
                        cur = items.get(i);
                        PathSeg::Index(i)
                    }
                    Err(_) => {
                        cur = None;
                        PathSeg::Key(seg)
                    }
                },
                Some(Value::Object(fields)) => {
                    cur = fields.get(&seg);
                    PathSeg::Key(seg)
                }
                _ => {
                    cur = None;
                    PathSeg::Key(seg)
                }
            }
        })
        .collect()
}

pub(super) fn pointer_of(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        s.push('/');
        match seg {
            PathSeg::Key(k) => {
                for c in k.chars() {
                    match c {
                        '~' => s.push_str("~0"),
                        '/' => s.push_str("~1"),
                        c => s.push(c),
                    }
                }
            }
            PathSeg::Index(i) => {
                let _ = write!(s, "{i}");
            }
        }
    }
    s
}

/// The field names an object schema allows, found from the schema location of its
/// `additionalProperties` keyword.
fn allowed_fields(schema_path: &str, schema: &Value) -> Vec<String> {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .or_else(|| schema_path.strip_suffix("/unevaluatedProperties"))
        .unwrap_or(schema_path);
    schema
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn unknown_field(key: &str, allowed: &[String], budget: &mut Budget) -> String {
    let mut m = format!("unknown field `{}`", truncate(key));
    if allowed.is_empty() {
        m.push_str(" (no fields are allowed here)");
        return m;
    }
    m.push_str(" (");
    if budget.take()
        && let Some(near) = did_you_mean(key, allowed)
    {
        let _ = write!(m, "did you mean `{near}`? ");
    }
    m.push_str("allowed: ");
    m.push_str(
        &allowed
            .iter()
            .take(MAX_ALLOWED)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    );
    if allowed.len() > MAX_ALLOWED {
        let _ = write!(m, ", … {} more", allowed.len() - MAX_ALLOWED);
    }
    m.push(')');
    m
}

/// The allowed name closest to `key`: equal ignoring case, or within a small edit distance.
fn did_you_mean<'a>(key: &str, allowed: &'a [String]) -> Option<&'a str> {
    if key.len() > 64 {
        return None;
    }
    let lower = key.to_lowercase();
    if let Some(a) = allowed.iter().find(|a| a.to_lowercase() == lower) {
        return Some(a);
    }
    let key_len = key.chars().count();
    let limit = (key_len / 3).clamp(1, 3);
    allowed
        .iter()
        // The distance is at least the difference in length: skip what cannot be close.
        .filter(|a| a.len() <= 64 && a.chars().count().abs_diff(key_len) <= limit)
        .map(|a| {
            crate::suggest::count_comparison();
            (edit_distance(&lower, &a.to_lowercase()), a)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(prev.len());
        cur.push(i + 1);
        for (cb, pair) in b.iter().zip(prev.windows(2)) {
            let &[diag, up] = pair else { continue };
            let left = cur.last().copied().unwrap_or(usize::MAX);
            let subst = diag.saturating_add(usize::from(ca != *cb));
            cur.push(subst.min(up.saturating_add(1)).min(left.saturating_add(1)));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// A message for every error kind but unknown fields.
fn message(error: &ValidationError<'_>) -> String {
    let instance: &Value = error.instance();
    match error.kind() {
        K::Type { kind } => {
            let expected: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![t.as_str()],
                TypeKind::Multiple(ts) => ts.iter().map(|t| t.as_str()).collect(),
            };
            format!(
                "expected {}, found {}",
                expected.join(" or "),
                describe(instance)
            )
        }
        K::Enum { options } => {
            let options = match &**options {
                Value::Array(o) => o.iter().map(short).collect::<Vec<_>>().join(", "),
                other => short(other),
            };
            format!("must be one of: {options} (found {})", describe(instance))
        }
        K::Constant { expected_value } => {
            format!(
                "must be {} (found {})",
                short(expected_value),
                describe(instance)
            )
        }
        K::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            format!("missing required field `{name}`")
        }
        K::Pattern { pattern } => {
            format!(
                "must match the pattern `{pattern}` (found {})",
                describe(instance)
            )
        }
        K::Minimum { limit } => format!("must be at least {limit} (found {instance})"),
        K::Maximum { limit } => format!("must be at most {limit} (found {instance})"),
        K::ExclusiveMinimum { limit } => format!("must be greater than {limit} (found {instance})"),
        K::ExclusiveMaximum { limit } => format!("must be less than {limit} (found {instance})"),
        K::MultipleOf { multiple_of } => {
            format!("must be a multiple of {multiple_of} (found {instance})")
        }
        K::MinLength { limit } => format!(
            "must be at least {limit} character{} long (found {})",
            plural(*limit),
            describe(instance)
        ),
        K::MaxLength { limit } => format!(
            "must be at most {limit} character{} long (found {})",
            plural(*limit),
            crate::plural::count(
                instance.as_str().map_or(0, |s| s.chars().count()),
                "character",
                "characters"
            )
        ),
        K::MinItems { limit } => format!(
            "must have at least {limit} item{} (found {})",
            plural(*limit),
            instance.as_array().map_or(0, Vec::len)
        ),
        K::MaxItems { limit } => format!(
            "must have at most {limit} item{} (found {})",
            plural(*limit),
            instance.as_array().map_or(0, Vec::len)
        ),
        K::MinProperties { limit } => format!(
            "must have at least {limit} field{} (found {})",
            plural(*limit),
            instance.as_object().map_or(0, |o| o.len())
        ),
        K::MaxProperties { limit } => format!(
            "must have at most {limit} field{} (found {})",
            plural(*limit),
            instance.as_object().map_or(0, |o| o.len())
        ),
        K::UniqueItems => "items must be unique (this list has duplicates)".to_string(),
        K::AnyOf { context } | K::OneOfNotValid { context } => format!(
            "does not match any of the allowed forms{}",
            branches(context, error.instance_path().as_str())
        ),
        K::OneOfMultipleValid { .. } => {
            "matches more than one of the forms of which exactly one is allowed".to_string()
        }
        K::Not { .. } => "has a form that is not allowed here".to_string(),
        K::FalseSchema => "no value is allowed here".to_string(),
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|k| format!("`{k}`")).collect();
            format!(
                "unknown field{} {}",
                plural(names.len() as u64),
                names.join(", ")
            )
        }
        K::Format { format } => format!("is not a valid {format} (found {})", describe(instance)),
        _ => error.to_string(),
    }
}

/// The first reason each alternative of an `anyOf`/`oneOf` failed.
fn branches(context: &[Vec<ValidationError<'static>>], base: &str) -> String {
    let parts: Vec<String> = context
        .iter()
        .enumerate()
        .filter_map(|(i, errors)| {
            let e = errors.first()?;
            let rel = e.instance_path().as_str();
            let rel = rel.strip_prefix(base).unwrap_or(rel);
            let at = if rel.is_empty() {
                String::new()
            } else {
                format!("{rel}: ")
            };
            Some(format!("form {}: {at}{}", i + 1, message(e)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A value as shown in a list of options: strings without quotes, others as JSON.
fn short(v: &Value) -> String {
    match v {
        Value::String(s) => truncate(s),
        other => truncate(&other.to_string()),
    }
}

/// A value with its type, as in "found string \"two\"".
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {}", Value::String(truncate(s))),
        Value::Array(a) if a.is_empty() => "empty array".to_string(),
        Value::Array(a) => format!("array of {} item{}", a.len(), plural(a.len() as u64)),
        Value::Object(_) => "object".to_string(),
    }
}

/// What a message shows of a value: [`crate::excerpt::quote`].
fn truncate(s: &str) -> String {
    crate::excerpt::quote(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_tell_indices_from_keys() {
        let root = json!({"a": [{"0": {"x/y": 1}}]});
        assert_eq!(
            path_of("/a/0/0/x~1y", &root),
            vec![
                PathSeg::Key("a".into()),
                PathSeg::Index(0),
                PathSeg::Key("0".into()),
                PathSeg::Key("x/y".into()),
            ]
        );
        assert_eq!(pointer_of(&path_of("/a/0/0/x~1y", &root)), "/a/0/0/x~1y");
        assert!(path_of("", &root).is_empty());
    }

    #[test]
    fn suggestions() {
        let allowed: Vec<String> = ["parallelism", "jarURI", "upgradeMode"]
            .map(String::from)
            .into();
        assert_eq!(did_you_mean("parralelism", &allowed), Some("parallelism"));
        assert_eq!(did_you_mean("jarUri", &allowed), Some("jarURI"));
        assert_eq!(did_you_mean("foo", &allowed), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(
            unknown_field("foo", &allowed, &mut Budget::default()),
            "unknown field `foo` (allowed: parallelism, jarURI, upgradeMode)"
        );
    }
}
