//! JSON Schema validation of the spec formats, with every error mapped back to a source span.
//!
//! The schemas in `schemas/` are embedded, compiled once per process, and resolved offline:
//! `platform.schema.json` refers to definitions in `service.schema.json` through a registry
//! that holds both under their `$id`s. Schemas stay structural; the domain checks live in
//! `policy`. Schema keywords carry `x-flinkform-hint` where a better message than "does not
//! match pattern" is worth giving (memory units, names, durations). Numbers of the right shape
//! but beyond what Kubernetes or Flink can hold are checked beside the schema (`limits`).

mod limits;
mod map;

use crate::diag::Diagnostic;
use crate::source::FileId;
use crate::tree::Node;
use jsonschema::Validator;
use serde_json::Value;
use std::sync::OnceLock;

pub const SERVICE_SCHEMA: &str = include_str!("../../schemas/service.schema.json");
pub const PLATFORM_SCHEMA: &str = include_str!("../../schemas/platform.schema.json");

const SERVICE_ID: &str = "https://flinkform.dev/schemas/service.schema.json";
const PLATFORM_ID: &str = "https://flinkform.dev/schemas/platform.schema.json";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Service,
    Platform,
}

pub(crate) struct Schemas {
    service: Validator,
    platform: Validator,
    service_doc: Value,
    platform_doc: Value,
}

impl Schemas {
    /// The schema document with this id (for hints and "did you mean" lookups).
    pub(crate) fn doc(&self, uri: &str) -> Option<&Value> {
        match uri {
            SERVICE_ID => Some(&self.service_doc),
            PLATFORM_ID => Some(&self.platform_doc),
            _ => None,
        }
    }
}

/// The compiled schemas. They are part of the binary and covered by tests, so failing to
/// compile them is a build defect, not a user error.
pub(crate) fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let service_doc: Value =
            serde_json::from_str(SERVICE_SCHEMA).expect("embedded service schema is JSON");
        let platform_doc: Value =
            serde_json::from_str(PLATFORM_SCHEMA).expect("embedded platform schema is JSON");
        let registry = jsonschema::Registry::new()
            .add(SERVICE_ID, service_doc.clone())
            .and_then(|r| r.add(PLATFORM_ID, platform_doc.clone()))
            .and_then(|r| r.prepare())
            .expect("embedded schemas register");
        let build = |doc: &Value| {
            jsonschema::options()
                .with_registry(&registry)
                .offline()
                .build(doc)
                .expect("embedded schema compiles")
        };
        Schemas {
            service: build(&service_doc),
            platform: build(&platform_doc),
            service_doc,
            platform_doc,
        }
    })
}

/// The schema violations of a loaded document, each a `schema` diagnostic at the span of
/// the offending key or value. `text` is the document's source (its spans point into it), so
/// that messages and fixes quote values as written.
pub fn violations(format: Format, doc: &Node, file: FileId, text: &str) -> Vec<Diagnostic> {
    let s = schemas();
    let validator = match format {
        Format::Service => &s.service,
        Format::Platform => &s.platform,
    };
    // `key: null` in a map removes the key from lower layers (merge rules): it is always
    // structurally valid, so the schema does not see it. Under `environments` a null value
    // means "no overrides" and stays.
    let instance = without_null_entries(doc, &mut Vec::new());
    let mut out = Vec::new();
    let mut budget = crate::suggest::Budget::default();
    // Nearly every document is valid: answered without collecting errors (a third of the
    // validation's time).
    let errors = (!validator.is_valid(&instance))
        .then(|| validator.iter_errors(&instance))
        .into_iter()
        .flatten();
    for error in errors {
        let document = map::Document {
            node: doc,
            file,
            text,
        };
        map::diagnostics(&error, &document, s, &mut budget, &mut out);
    }
    limits::check(doc, format == Format::Platform, &mut out);
    out
}

/// The document as JSON, without map entries whose value is null, except the direct entries of
/// `spec.environments`.
fn without_null_entries<'a>(n: &'a Node, path: &mut Vec<&'a str>) -> Value {
    use crate::tree::Value as V;
    match &n.value {
        V::Map(m) => {
            let keep_nulls = path.as_slice() == ["spec", "environments"];
            let mut out = serde_json::Map::new();
            for e in m.iter() {
                if e.value.is_null() && !keep_nulls {
                    continue;
                }
                path.push(&e.key);
                out.insert(e.key.clone(), without_null_entries(&e.value, path));
                path.pop();
            }
            Value::Object(out)
        }
        V::Seq(items) => Value::Array(
            items
                .iter()
                .map(|i| without_null_entries(i, path))
                .collect(),
        ),
        _ => n.to_json(),
    }
}

/// The schema text for `flinkform schema`.
pub fn text(format: Format) -> &'static str {
    match format {
        Format::Service => SERVICE_SCHEMA,
        Format::Platform => PLATFORM_SCHEMA,
    }
}

#[cfg(test)]
mod tests;
