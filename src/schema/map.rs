//! From a validator error to diagnostics at the right span:
//! * unknown key → at the key, with "did you mean" from the schema's own property names;
//! * missing required field → at the key of the mapping that lacks it;
//! * wrong type or value → at the value, with a message that explains the trap where one
//!   exists (memory units, names, durations: `x-flinkform-hint` in the schema);
//! * `anyOf` → the errors of the branch the value was meant for.

use super::Schemas;
use crate::diag::Diagnostic;
use crate::excerpt::quote;
use crate::flink::spec_memory;
use crate::source::{FileId, Span};
use crate::suggest::{Budget, Found};
use crate::tree::{Entry, Node, Value};
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind as K};
use jsonschema::paths::LocationSegment;
use serde_json::Value as J;

/// The document being validated: its tree, its file, and its text (for values as written:
/// `1.20` is the number 1.2 once loaded, and a fix must quote what the user typed).
pub(super) struct Document<'a> {
    pub node: &'a Node,
    pub file: FileId,
    pub text: &'a str,
}

impl Document<'_> {
    /// The source text of a scalar as written, when the node has a span into this text.
    fn written(&self, n: &Node) -> Option<&str> {
        let span = n
            .origin
            .span()
            .filter(|s| s.file == self.file && !s.is_empty())?;
        self.text.get(span.start as usize..span.end as usize)
    }
}

/// Where an instance path lands in the document.
struct Located<'a> {
    node: &'a Node,
    /// The entry whose value `node` is, when `node` sits under a key.
    entry: Option<&'a Entry>,
    /// Whether the whole path exists (a `required` error names a missing child).
    exact: bool,
    /// Dotted path for messages, e.g. `spec.job.parallelism`.
    dotted: String,
}

fn locate<'a>(doc: &'a Node, error: &ValidationError<'_>) -> Located<'a> {
    let mut loc = Located {
        node: doc,
        entry: None,
        exact: true,
        dotted: String::new(),
    };
    for seg in error.instance_path().segments() {
        let next = match (&seg, &loc.node.value) {
            (LocationSegment::Property(k), Value::Map(m)) => {
                m.entry(k).map(|e| (Some(e), &e.value))
            }
            (LocationSegment::Index(i), Value::Map(m)) => {
                m.entry(&i.to_string()).map(|e| (Some(e), &e.value))
            }
            (LocationSegment::Index(i), Value::Seq(s)) => s.get(*i).map(|n| (None, n)),
            _ => None,
        };
        let Some((entry, node)) = next else {
            loc.exact = false;
            break;
        };
        match &seg {
            LocationSegment::Property(k) => push_key(&mut loc.dotted, k),
            LocationSegment::Index(i) => match entry {
                Some(_) => push_key(&mut loc.dotted, &i.to_string()),
                None => loc.dotted.push_str(&format!("[{i}]")),
            },
        }
        if entry.is_some() {
            loc.entry = entry;
        }
        loc.node = node;
    }
    loc
}

fn push_key(dotted: &mut String, k: &str) {
    if !dotted.is_empty() {
        dotted.push('.');
    }
    dotted.push_str(k);
}

/// The span to blame for a value: the value itself, else its key, else the document start.
fn value_span(loc: &Located<'_>, file: FileId) -> Span {
    loc.node
        .origin
        .span()
        .filter(|s| !s.is_empty())
        .or_else(|| loc.entry.and_then(|e| e.key_origin.span()))
        .or_else(|| loc.node.origin.span())
        .unwrap_or(Span::new(file, 0, 0))
}

/// The span to blame for a whole mapping: the key it sits under (mapping nodes themselves have
/// empty spans), else its first key.
fn mapping_span(loc: &Located<'_>, file: FileId) -> Span {
    loc.entry
        .and_then(|e| e.key_origin.span())
        .or_else(|| {
            loc.node
                .as_map()
                .and_then(|m| m.iter().next())
                .and_then(|e| e.key_origin.span())
        })
        .or_else(|| loc.node.origin.span())
        .unwrap_or(Span::new(file, 0, 0))
}

fn field_name(loc: &Located<'_>) -> String {
    match loc.dotted.rsplit('.').next() {
        Some(last) if !last.is_empty() => format!("`{}`", quote(last)),
        _ => "the document".to_string(),
    }
}

/// The schema object that holds the failing keyword, read from the error's absolute location.
fn schema_object<'s>(error: &ValidationError<'_>, schemas: &'s Schemas) -> Option<&'s J> {
    let uri = error.absolute_keyword_location()?.as_str().to_string();
    let (base, fragment) = uri.split_once('#').unwrap_or((&uri, ""));
    let doc = schemas.doc(base)?;
    let pointer = fragment.rsplit_once('/').map_or("", |(parent, _)| parent);
    doc.pointer(pointer)
}

fn hint(error: &ValidationError<'_>, schemas: &Schemas) -> Option<String> {
    schema_object(error, schemas)?
        .get("x-flinkform-hint")?
        .as_str()
        .map(str::to_string)
}

/// Property names a schema object accepts, following `allOf`/`anyOf`/`$ref` within our two
/// documents (bounded: our schemas nest refs only a few levels deep).
fn known_properties(obj: &J, schemas: &Schemas, base: &str, depth: usize, out: &mut Vec<String>) {
    if depth > 8 {
        return;
    }
    if let Some(props) = obj.get("properties").and_then(J::as_object) {
        out.extend(props.keys().cloned());
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for sub in obj.get(key).and_then(J::as_array).into_iter().flatten() {
            known_properties(sub, schemas, base, depth + 1, out);
        }
    }
    if let Some(r) = obj.get("$ref").and_then(J::as_str) {
        let (doc_part, frag) = r.split_once('#').unwrap_or((r, ""));
        let target_base = if doc_part.is_empty() {
            base.to_string()
        } else {
            format!("https://flinkform.dev/schemas/{doc_part}")
        };
        if let Some(target) = schemas.doc(&target_base).and_then(|d| d.pointer(frag)) {
            known_properties(target, schemas, &target_base, depth + 1, out);
        }
    }
}

fn unknown_field_candidates(error: &ValidationError<'_>, schemas: &Schemas) -> Vec<String> {
    let Some(uri) = error
        .absolute_keyword_location()
        .map(|u| u.as_str().to_string())
    else {
        return Vec::new();
    };
    let base = uri.split_once('#').map_or(uri.as_str(), |(b, _)| b);
    let mut out = Vec::new();
    if let Some(obj) = schema_object(error, schemas) {
        known_properties(obj, schemas, base, 0, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

pub(super) fn diagnostics(
    error: &ValidationError<'_>,
    document: &Document<'_>,
    schemas: &Schemas,
    budget: &mut Budget,
    out: &mut Vec<Diagnostic>,
) {
    let (doc, file) = (document.node, document.file);
    let loc = locate(doc, error);
    match error.kind() {
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            let candidates = unknown_field_candidates(error, schemas);
            // Under `unevaluatedProperties`, a failing `allOf` branch leaves all of its keys
            // "unevaluated"; those keys are known, and their real error is reported on its own.
            for key in unexpected.iter().filter(|k| !candidates.contains(k)) {
                let entry = loc.node.as_map().and_then(|m| m.entry(key));
                let span = entry
                    .and_then(|e| e.key_origin.span())
                    .unwrap_or_else(|| mapping_span(&loc, file));
                let mut d = Diagnostic::error(
                    crate::policy::RuleId::Schema,
                    format!("unknown field `{}`", quote(key)),
                )
                .at(span, "unknown field");
                let known = || format!("known fields here: {}", candidates.join(", "));
                d = match budget.did_you_mean(key, candidates.iter().map(String::as_str)) {
                    Found::Match(s) => d.with_help(format!("did you mean `{s}`?")),
                    Found::Exhausted => {
                        d.with_help(format!("{} {}", known(), crate::suggest::exhausted_note()))
                    }
                    Found::Nothing if !candidates.is_empty() => d.with_help(known()),
                    Found::Nothing => d.with_help("remove this field"),
                };
                out.push(d);
            }
        }
        K::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let span = mapping_span(&loc, file);
            let whose = if loc.dotted.is_empty() {
                "the document".to_string()
            } else {
                format!("`{}`", loc.dotted)
            };
            out.push(
                Diagnostic::error(
                    crate::policy::RuleId::Schema,
                    format!("missing required field `{name}`"),
                )
                .at(span, format!("{whose} needs `{name}`"))
                .with_help(required_help(&loc.dotted, name)),
            );
        }
        K::AnyOf { context } | K::OneOfNotValid { context } => {
            any_of(error, context, &loc, document, schemas, budget, out);
        }
        K::PropertyNames { error: inner } => {
            let key = inner.instance().as_str().unwrap_or_default().to_string();
            let entry = loc.node.as_map().and_then(|m| m.entry(&key));
            let span = entry
                .and_then(|e| e.key_origin.span())
                .unwrap_or_else(|| mapping_span(&loc, file));
            let (message, help) = value_message(
                inner,
                &Shown {
                    text: &key,
                    written: None,
                    key: None,
                    hide: false,
                },
                schemas,
                &format!("`{}`", quote(&key)),
                budget,
            );
            out.push(with_help(
                Diagnostic::error(crate::policy::RuleId::Schema, message).at(span, "this key"),
                help,
            ));
        }
        _ => {
            let span = value_span(&loc, file);
            // A value under a name that says it is a credential is never quoted.
            let hide = loc
                .entry
                .is_some_and(|e| crate::secrets::names_secret(&e.key));
            let text = if hide {
                crate::secrets::REDACTED.to_string()
            } else {
                loc.node.scalar_text().unwrap_or_default()
            };
            let shown = Shown {
                text: &text,
                written: if hide {
                    None
                } else {
                    document.written(loc.node)
                },
                // A list item has no key of its own to repeat in the fix.
                key: loc
                    .entry
                    .filter(|e| std::ptr::eq(&e.value, loc.node))
                    .map(|e| e.key.as_str()),
                hide,
            };
            let (message, help) = value_message(error, &shown, schemas, &field_name(&loc), budget);
            out.push(with_help(
                Diagnostic::error(crate::policy::RuleId::Schema, message).at(span, "here"),
                help,
            ));
        }
    }
}

fn with_help(d: Diagnostic, help: Option<String>) -> Diagnostic {
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

fn required_help(parent: &str, name: &str) -> String {
    match (parent, name) {
        ("", "apiVersion") => "add `apiVersion: flinkform/v1`".into(),
        ("", "kind") => "add `kind: FlinkService` (or `kind: Platform` in flinkform.yaml)".into(),
        ("spec", "environments") => {
            "list where the service runs, e.g. `environments: {staging: {}, prod: {}}`".into()
        }
        ("spec", "job") => "add `job:` with at least `jarURI`".into(),
        _ => format!("add `{name}`"),
    }
}

/// `anyOf`: report the errors of the branch whose type matched (the user meant that one);
/// when no branch's type matched, say which types are accepted.
fn any_of(
    error: &ValidationError<'_>,
    context: &[Vec<ValidationError<'static>>],
    loc: &Located<'_>,
    document: &Document<'_>,
    schemas: &Schemas,
    budget: &mut Budget,
    out: &mut Vec<Diagnostic>,
) {
    let file = document.file;
    let own_path = error.instance_path().as_str();
    let type_matched: Vec<&Vec<ValidationError<'static>>> = context
        .iter()
        .filter(|branch| {
            !branch.iter().any(|e| {
                e.instance_path().as_str() == own_path
                    && matches!(e.kind(), K::Type { .. } | K::Constant { .. })
            })
        })
        .collect();
    if let Some(branch) = type_matched.first() {
        for e in branch.iter() {
            diagnostics(e, document, schemas, budget, out);
        }
        return;
    }
    let span = value_span(loc, file);
    let text = loc.node.scalar_text().unwrap_or_default();
    let (message, help) = match hint(error, schemas).as_deref() {
        Some("cpu") => (
            format!(
                "{} must be a positive number of cores or millicores",
                field_name(loc)
            ),
            Some("write `cpu: 2`, `cpu: 0.5` or `cpu: \"500m\"`".to_string()),
        ),
        _ => {
            let mut expected: Vec<String> = context
                .iter()
                .flat_map(|b| b.iter())
                .filter_map(|e| match e.kind() {
                    K::Type { kind } => Some(type_names(kind)),
                    _ => None,
                })
                .collect();
            expected.sort();
            expected.dedup();
            (
                format!(
                    "{} must be {}, found {}",
                    field_name(loc),
                    expected.join(" or "),
                    describe_found(loc.node)
                ),
                Some(format!("change it to {}", expected.join(" or "))),
            )
        }
    };
    let _ = text;
    out.push(with_help(
        Diagnostic::error(crate::policy::RuleId::Schema, message).at(span, "here"),
        help,
    ));
}

fn type_names(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a mapping".to_string(),
        "array" => "a list".to_string(),
        "integer" => "an integer".to_string(),
        "null" => "null".to_string(),
        other => format!("a {other}"),
    };
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(set) => {
            let names: Vec<String> = set.iter().map(|t| name(&t)).collect();
            names.join(" or ")
        }
    }
}

/// What kind of value was found, without the value.
fn describe_kind(n: &Node) -> String {
    match &n.value {
        Value::Str(_) => "a string".into(),
        Value::Int(_) => "an integer".into(),
        Value::Float(_) => "a number".into(),
        Value::Bool(_) => "a boolean".into(),
        _ => describe_found(n),
    }
}

fn describe_found(n: &Node) -> String {
    match &n.value {
        Value::Str(s) => format!("the string \"{}\"", quote(s)),
        Value::Int(i) => format!("the integer {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Null => "nothing (null)".into(),
        Value::Seq(_) => "a list".into(),
        Value::Map(_) => "a mapping".into(),
    }
}

/// The value an error is about, as messages may show it.
struct Shown<'a> {
    /// Its text as loaded (`1.2` for an unquoted `1.20`), or the redaction mark.
    text: &'a str,
    /// Its text as written in the file, when known and not secret.
    written: Option<&'a str>,
    /// The key it sits under, for fixes that spell out `key: value`.
    key: Option<&'a str>,
    /// It sits under a name that says it is a credential: never shown.
    hide: bool,
}

/// Message and help for an error about one value (or one key, for `propertyNames`). Every
/// message states the constraint the value breaks (the length, the range, the pattern, the
/// accepted values), and every fix is computed from what was written.
fn value_message(
    error: &ValidationError<'_>,
    shown: &Shown<'_>,
    schemas: &Schemas,
    field: &str,
    budget: &mut Budget,
) -> (String, Option<String>) {
    let h = hint(error, schemas);
    let value = error.instance();
    let text = shown.text;
    // What messages show of the value: a short excerpt (the value itself may be a whole
    // private key pasted into one scalar).
    let q = quote(text);
    let chars = value.as_str().map_or(0, |v| v.chars().count());
    let found = |prefix: &str| {
        if shown.hide {
            String::new()
        } else {
            format!(
                "{prefix}{}",
                quote(&Node::from_json(value).scalar_text().unwrap_or_default())
            )
        }
    };
    match (error.kind(), h.as_deref()) {
        (K::Type { kind }, hint) => type_message(kind, shown, value, field, hint),
        (K::Pattern { .. } | K::MaxLength { .. }, Some("memory")) => match spec_memory::parse_spec_memory(text) {
            Err(e) => (e.message, e.suggestion.map(|s| format!("write `{s}`"))),
            Ok(_) => (
                format!("{field}: `{q}` is not a valid memory quantity"),
                Some("write a whole number of Mi, Gi or Ti without leading zeros, e.g. \"4Gi\" or \"1536Mi\"".into()),
            ),
        },
        (K::MaxLength { limit }, Some("serviceName")) => (
            format!(
                "service name `{q}` is {chars} characters; the Flink operator allows at most {limit}"
            ),
            Some("shorten the name: it becomes the FlinkDeployment, namespace and service account name".into()),
        ),
        (K::Pattern { .. }, Some("serviceName")) => (
            format!("`{q}` is not a valid service name"),
            Some(format!(
                "use lower-case letters, digits and '-', starting with a letter and ending with a letter or digit{}",
                crate::facts::names::suggested_name(text).map(|s| format!(", e.g. `{s}`")).unwrap_or_default()
            )),
        ),
        (K::MaxLength { limit }, Some(hint @ ("dnsLabel" | "dnsSubdomain"))) => (
            format!("`{q}` is not a valid Kubernetes name: it is {chars} characters, at most {limit} are allowed"),
            Some(if hint == "dnsLabel" {
                format!("shorten it to {limit} characters or fewer")
            } else {
                format!("shorten it to {limit} characters or fewer (each dot-separated part at most 63)")
            }),
        ),
        (K::Pattern { .. }, Some("dnsLabel")) => (
            format!("`{q}` is not a valid Kubernetes name"),
            Some(format!(
                "use lower-case letters, digits and '-', starting and ending with a letter or digit{}",
                crate::facts::names::suggested_name(text).map(|s| format!(", e.g. `{s}`")).unwrap_or_default()
            )),
        ),
        (K::Pattern { .. }, Some("dnsSubdomain")) => (
            format!("`{q}` is not a valid Kubernetes name"),
            Some("use lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit".into()),
        ),
        (K::Pattern { .. }, Some("envName")) => (
            format!("`{q}` is not a valid environment variable name"),
            Some("use letters, digits and '_', not starting with a digit".into()),
        ),
        (K::Pattern { .. }, Some("duration")) => (
            format!("{field}: `{q}` is not a duration"),
            Some("write a whole number above zero with a unit: ms, s, m or h, e.g. \"60s\" or \"5m\"".into()),
        ),
        (K::Pattern { .. }, Some("goDuration")) => (
            format!("{field}: `{q}` is not a Go duration"),
            Some("write numbers with the units ms, s, m or h, as Flux expects, e.g. \"10m\", \"1h30m\" or \"90s\"".into()),
        ),
        (K::Pattern { .. }, Some("flinkVersion")) => (
            format!("{field}: `{q}` is not a Flink version"),
            Some(match major_minor_prefix(text) {
                Some(v) => format!("write the major.minor only, as a string: `\"{v}\"`"),
                None => "write major.minor as a string, e.g. \"1.20\" or \"2.0\"".into(),
            }),
        ),
        (K::Pattern { .. }, Some("uriTemplate")) => (
            format!("{field}: `{q}` is not a URI"),
            Some("write a URI with a scheme, e.g. \"s3://flink-{env}/{service}/checkpoints\"".into()),
        ),
        (K::Pattern { pattern }, _) => (
            format!("{field}: `{q}` does not match the pattern `{pattern}`"),
            Some("change the value to match the pattern (docs/spec.md describes the field)".into()),
        ),
        (K::Enum { options }, _) => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(|v| Node::from_json(v).scalar_text().unwrap_or_default()).collect())
                .unwrap_or_default();
            let shown_value = if text.is_empty() { describe_found(&Node::from_json(value)) } else { format!("`{q}`") };
            let help = match budget.did_you_mean(text, opts.iter().map(String::as_str)) {
                Found::Match(s) => Some(format!("did you mean `{s}`?")),
                _ => Some(format!("use one of: {}", opts.join(", "))),
            };
            (format!("{field}: {shown_value} is not one of: {}", opts.join(", ")), help)
        }
        (K::Constant { expected_value }, _) => {
            let expected = Node::from_json(expected_value).scalar_text().unwrap_or_default();
            (
                format!("{field} must be `{expected}`{}", found(", found ")),
                Some(format!("write `{expected}`")),
            )
        }
        (K::Minimum { limit }, _) => (format!("{field} must be at least {limit}{}", found(", found ")), Some(format!("use {limit} or more"))),
        (K::Maximum { limit }, _) => (format!("{field} must be at most {limit}{}", found(", found ")), Some(format!("use {limit} or less"))),
        (K::ExclusiveMinimum { limit }, _) => (format!("{field} must be greater than {limit}{}", found(", found ")), Some(format!("use a value above {limit}"))),
        (K::ExclusiveMaximum { limit }, _) => (format!("{field} must be less than {limit}{}", found(", found ")), Some(format!("use a value below {limit}"))),
        (K::MultipleOf { multiple_of }, _) => (format!("{field} must be a multiple of {multiple_of}{}", found(", found ")), Some(format!("use a multiple of {multiple_of}"))),
        (K::MinLength { limit: 1 }, _) => (format!("{field} must not be empty"), Some("give it a value, or remove the field".into())),
        (K::MinLength { limit }, _) => (
            format!("{field} must be at least {} long, found {chars}", crate::plural::count(*limit, "character", "characters")),
            Some(format!("write at least {}", crate::plural::count(*limit, "character", "characters"))),
        ),
        (K::MaxLength { limit }, _) => (
            format!("{field} must be at most {} long, found {chars}", crate::plural::count(*limit, "character", "characters")),
            Some(format!("shorten it to {limit} or fewer")),
        ),
        (K::MinItems { limit }, _) => (format!("{field} needs at least {}", crate::plural::count(*limit, "item", "items")), Some(if *limit == 1 { "add an item, or remove the field".to_string() } else { format!("list at least {limit}, or remove the field") })),
        (K::MaxItems { limit }, _) => (format!("{field} allows at most {}", crate::plural::count(*limit, "item", "items")), Some(format!("keep at most {limit}"))),
        (K::MinProperties { limit }, _) => (format!("{field} needs at least {}", crate::plural::count(*limit, "entry", "entries")), Some("add an entry, e.g. `prod: {}`".into())),
        (K::MaxProperties { limit }, _) => (format!("{field} allows at most {}", crate::plural::count(*limit, "entry", "entries")), Some(format!("keep at most {limit}"))),
        (K::UniqueItems, _) => (format!("{field} has duplicate entries"), Some("list each entry once".into())),
        _ => (
            format!("{field}: {}", error.masked()),
            Some("change the value to what the field accepts (docs/spec.md, or `flinkform schema service`)".into()),
        ),
    }
}

/// `1.20` of `1.20.1` or `1.20-SNAPSHOT`: a Flink version written with more than major.minor.
fn major_minor_prefix(text: &str) -> Option<String> {
    let mut parts = text.splitn(3, '.');
    let major = parts
        .next()
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?;
    let rest = parts.next()?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    (end > 0).then(|| format!("{major}.{}", &rest[..end]))
}

/// A value of the wrong type. A scalar YAML read as a number or boolean where a string is
/// wanted is quoted as written (`1.20`, not the number 1.2 it became), with a note where YAML
/// read it as something other than its text.
fn type_message(
    kind: &TypeKind,
    shown: &Shown<'_>,
    value: &J,
    field: &str,
    hint: Option<&str>,
) -> (String, Option<String>) {
    let found = Node::from_json(value);
    let wanted = type_names(kind);
    let loaded = found.scalar_text().unwrap_or_default();
    let written = shown.written.map(str::trim).filter(|w| !w.is_empty());
    let plain_scalar = matches!(
        found.value,
        Value::Int(_) | Value::Float(_) | Value::Bool(_)
    );
    let found_text = if shown.hide {
        describe_kind(&found)
    } else {
        match (&found.value, written) {
            (Value::Int(_) | Value::Float(_), Some(w)) => format!("the number {}", quote(w)),
            (Value::Bool(_), Some(w)) => format!("the boolean {}", quote(w)),
            _ => describe_found(&found),
        }
    };
    let message = format!("{field} must be {wanted}, found {found_text}");
    if wanted == "a string" && plain_scalar && !shown.hide {
        let as_written = written.unwrap_or(&loaded);
        let quoted = serde_json::to_string(as_written).unwrap_or_default();
        let assignment = match shown.key {
            Some(k) => format!("{}: {quoted}", quote(k)),
            None => quoted,
        };
        let reads = match found.value {
            Value::Bool(_) => "the boolean",
            _ => "the number",
        };
        let note = if as_written == loaded {
            String::new()
        } else {
            format!(
                " (unquoted, YAML reads `{}` as {reads} {})",
                quote(as_written),
                quote(&loaded)
            )
        };
        let what = if hint == Some("flinkVersion") || field == "`flinkVersion`" {
            "quote the version"
        } else {
            "quote it"
        };
        return (message, Some(format!("{what}: `{assignment}`{note}")));
    }
    let help = if hint == Some("memory") || field == "`memory`" {
        "write memory as a quoted Kubernetes binary quantity, e.g. \"4Gi\" or \"4096Mi\""
            .to_string()
    } else {
        type_help(kind, &found)
    };
    (message, Some(help))
}

/// What to write instead of a value of the wrong type: drop the quotes when the text already
/// is the right type (`"4"` for an integer), otherwise name the type.
fn type_help(kind: &TypeKind, found: &Node) -> String {
    let wanted = type_names(kind);
    let unquoted = found.as_str().map(|t| {
        crate::yaml::load(
            crate::source::FileId(0),
            &crate::source::SourceFile::new("value", t),
        )
        .ok()
    });
    let reads_as = |n: &Node| match &n.value {
        crate::tree::Value::Int(_) => Some("an integer"),
        crate::tree::Value::Float(_) => Some("a number"),
        crate::tree::Value::Bool(_) => Some("a boolean"),
        _ => None,
    };
    match unquoted.flatten().as_ref().and_then(reads_as) {
        Some(t) if wanted.contains(t) || (t == "an integer" && wanted.contains("a number")) => {
            "remove the quotes".to_string()
        }
        _ => format!("change it to {wanted}"),
    }
}

#[cfg(test)]
mod tests {
    //! Keywords flinkform's own schemas do not use (yet): their messages state the constraint
    //! too, should a schema start using them.
    use super::*;
    use crate::source::SourceFile;

    fn messages(schema: J, yaml: &str) -> Vec<(String, Option<String>)> {
        let validator = jsonschema::options()
            .offline()
            .build(&schema)
            .expect("the test schema compiles");
        let file = SourceFile::new("t.yaml", yaml);
        let doc = crate::yaml::load(FileId(0), &file).expect("valid yaml");
        let document = Document {
            node: &doc,
            file: FileId(0),
            text: &file.text,
        };
        let mut out = Vec::new();
        let mut budget = Budget::default();
        for error in validator.iter_errors(&doc.to_json()) {
            diagnostics(
                &error,
                &document,
                super::super::schemas(),
                &mut budget,
                &mut out,
            );
        }
        out.into_iter().map(|d| (d.message, d.help)).collect()
    }

    #[test]
    fn every_keyword_states_its_constraint() {
        let one = |schema: J, yaml: &str| {
            let got = messages(schema, yaml);
            assert_eq!(got.len(), 1, "{yaml}: {got:?}");
            got.into_iter()
                .next()
                .map(|(m, h)| (m, h.unwrap_or_default()))
        };
        let cases = [
            (
                serde_json::json!({"properties": {"tags": {"maxItems": 2}}}),
                "tags: [a, b, c]",
                "`tags` allows at most 2 items",
                "keep at most 2",
            ),
            (
                serde_json::json!({"properties": {"tags": {"minItems": 3}}}),
                "tags: [a]",
                "`tags` needs at least 3 items",
                "list at least 3, or remove the field",
            ),
            (
                serde_json::json!({"properties": {"env": {"maxProperties": 1}}}),
                "env: {a: 1, b: 2}",
                "`env` allows at most 1 entry",
                "keep at most 1",
            ),
            (
                serde_json::json!({"properties": {"n": {"multipleOf": 4}}}),
                "n: 6",
                "`n` must be a multiple of 4, found 6",
                "use a multiple of 4",
            ),
            (
                serde_json::json!({"properties": {"n": {"exclusiveMaximum": 5}}}),
                "n: 5",
                "`n` must be less than 5, found 5",
                "use a value below 5",
            ),
            (
                serde_json::json!({"properties": {"n": {"exclusiveMinimum": 0}}}),
                "n: 0",
                "`n` must be greater than 0, found 0",
                "use a value above 0",
            ),
            (
                serde_json::json!({"properties": {"s": {"minLength": 10}}}),
                "s: testing",
                "`s` must be at least 10 characters long, found 7",
                "write at least 10 characters",
            ),
            (
                serde_json::json!({"properties": {"s": {"minLength": 1}}}),
                "s: \"\"",
                "`s` must not be empty",
                "give it a value, or remove the field",
            ),
            (
                serde_json::json!({"properties": {"s": {"maxLength": 3}}}),
                "s: abcd",
                "`s` must be at most 3 characters long, found 4",
                "shorten it to 3 or fewer",
            ),
            (
                serde_json::json!({"properties": {"s": {"maxLength": 1}}}),
                "s: ab",
                "`s` must be at most 1 character long, found 2",
                "shorten it to 1 or fewer",
            ),
            (
                serde_json::json!({"properties": {"s": {"const": "x"}}}),
                "s: y",
                "`s` must be `x`, found y",
                "write `x`",
            ),
        ];
        for (schema, yaml, message, help) in cases {
            assert_eq!(
                one(schema, yaml),
                Some((message.to_string(), help.to_string())),
                "{yaml}"
            );
        }
        // A value under a credential's name is never shown, not even its number.
        assert_eq!(
            one(
                serde_json::json!({"properties": {"password": {"minimum": 10}}}),
                "password: 7"
            ),
            Some((
                "`password` must be at least 10".to_string(),
                "use 10 or more".to_string()
            ))
        );
    }
}
