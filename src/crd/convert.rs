//! Conversion of a Kubernetes structural schema (`openAPIV3Schema`, an OpenAPI 3.0 dialect with
//! `x-kubernetes-*` extensions) into a JSON Schema (draft 2020-12) document.
//!
//! The conversion is an allow-list: every keyword Kubernetes validates is translated, every
//! annotation (`description`, `default`, `example`, `format`, `x-kubernetes-validations`, …) is
//! dropped. See the module documentation of [`crate::crd`] for the decisions this encodes.

use serde_json::{Map, Value, json};

/// Converts the `openAPIV3Schema` of one CRD version into the schema of a whole object:
/// the converted CRD schema plus `apiVersion`, `kind` and a minimal `metadata` at the root.
pub(super) fn object_schema(openapi: &Value) -> Result<Value, String> {
    let mut root = match convert(openapi, "", Ctx::Structural)? {
        Value::Object(m) => m,
        // `convert` only ever builds objects.
        other => return Ok(other),
    };
    let props = root
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(props) = props {
        props.insert("apiVersion".into(), json!({"type": "string"}));
        props.insert("kind".into(), json!({"type": "string"}));
        props.insert("metadata".into(), metadata_schema(true));
    }
    // The root is an object even when a CRD omits `type: object` there. It gets the same
    // strictness as any other object with `properties`.
    root.entry("type").or_insert_with(|| json!("object"));
    // Every object needs a name, so `metadata` must be there.
    match root.get_mut("required") {
        Some(Value::Array(r)) if !r.contains(&json!("metadata")) => r.push(json!("metadata")),
        Some(_) => {}
        None => {
            root.insert("required".into(), json!(["metadata"]));
        }
    }
    if !root.contains_key("additionalProperties") && !preserves_unknown(openapi) {
        root.insert("additionalProperties".into(), Value::Bool(false));
    }
    Ok(Value::Object(root))
}

/// `metadata` of a top-level or embedded object: only what is checked everywhere (name,
/// namespace, labels, annotations); the rest of ObjectMeta is accepted as is.
fn metadata_schema(name_required: bool) -> Value {
    let string_map = json!({"type": "object", "additionalProperties": {"type": "string"}});
    let mut m = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "generateName": {"type": "string"},
            "namespace": {"type": "string"},
            "labels": string_map.clone(),
            "annotations": string_map,
        },
    });
    if name_required && let Value::Object(o) = &mut m {
        o.insert("required".into(), json!(["name"]));
    }
    m
}

/// Whether a schema node is a structural node (strictness applies) or sits inside a value
/// validation (`anyOf`/`allOf`/`oneOf`/`not`), where Kubernetes does not prune and where
/// `additionalProperties: false` would wrongly reject fields described by a sibling schema.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Structural,
    ValueValidation,
}

fn preserves_unknown(s: &Value) -> bool {
    s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
}

fn flag(s: &Map<String, Value>, key: &str) -> bool {
    s.get(key) == Some(&Value::Bool(true))
}

fn convert(schema: &Value, path: &str, ctx: Ctx) -> Result<Value, String> {
    let s = match schema {
        Value::Object(m) => m,
        // JSON Schema booleans are not structural schemas, but they mean what they say.
        Value::Bool(b) => return Ok(Value::Bool(*b)),
        other => {
            return Err(format!(
                "{}: expected a schema object, found {other}",
                at(path)
            ));
        }
    };
    let mut out = Map::new();
    let preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
    let int_or_string = flag(s, "x-kubernetes-int-or-string");
    let embedded = flag(s, "x-kubernetes-embedded-resource");
    let nullable = flag(s, "nullable") && ctx == Ctx::Structural;

    // type (+ nullable, int-or-string, embedded resource)
    let mut types: Vec<&str> = Vec::new();
    if int_or_string {
        types.extend(["integer", "string"]);
    } else if let Some(t) = s.get("type") {
        match t {
            Value::String(t) => match t.as_str() {
                "object" | "array" | "string" | "integer" | "number" | "boolean" => types.push(t),
                // An empty type is allowed only together with preserve-unknown-fields or
                // int-or-string; both mean "no type constraint" here.
                "" => {}
                other => {
                    return Err(format!(
                        "{}: unknown type `{}`",
                        at(path),
                        crate::excerpt::quote(other)
                    ));
                }
            },
            other => {
                return Err(format!(
                    "{}: `type` must be a string, found {other}",
                    at(path)
                ));
            }
        }
    } else if embedded {
        types.push("object");
    }
    if !types.is_empty() {
        if nullable {
            types.push("null");
        }
        out.insert(
            "type".into(),
            match types.as_slice() {
                [one] => json!(one),
                many => json!(many),
            },
        );
    }

    // properties
    let mut props = Map::new();
    if let Some(p) = s.get("properties") {
        let Value::Object(p) = p else {
            return Err(format!("{}: `properties` must be a mapping", at(path)));
        };
        for (k, v) in p {
            props.insert(k.clone(), convert(v, &format!("{path}.{k}"), ctx)?);
        }
    }
    let mut required: Vec<Value> = match s.get("required") {
        None => Vec::new(),
        Some(Value::Array(r)) if r.iter().all(Value::is_string) => r.clone(),
        Some(_) => {
            return Err(format!(
                "{}: `required` must be a list of field names",
                at(path)
            ));
        }
    };
    if embedded {
        props.insert(
            "apiVersion".into(),
            json!({"type": "string", "minLength": 1}),
        );
        props.insert("kind".into(), json!({"type": "string", "minLength": 1}));
        props.insert("metadata".into(), metadata_schema(false));
        for k in ["apiVersion", "kind"] {
            if !required.iter().any(|r| r == k) {
                required.push(json!(k));
            }
        }
    }
    let has_properties = !props.is_empty() || s.contains_key("properties");
    if has_properties {
        out.insert("properties".into(), Value::Object(props));
    }
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }

    // additionalProperties, with the strictness rule
    match s.get("additionalProperties") {
        Some(Value::Bool(b)) => {
            out.insert("additionalProperties".into(), Value::Bool(*b));
        }
        Some(a @ Value::Object(_)) => {
            out.insert(
                "additionalProperties".into(),
                convert(a, &format!("{path}.*"), ctx)?,
            );
        }
        Some(other) => {
            return Err(format!(
                "{}: `additionalProperties` must be a boolean or a schema, found {other}",
                at(path)
            ));
        }
        None if has_properties && !preserve && ctx == Ctx::Structural => {
            out.insert("additionalProperties".into(), Value::Bool(false));
        }
        None => {}
    }

    // items
    match s.get("items") {
        None => {}
        Some(i @ (Value::Object(_) | Value::Bool(_))) => {
            out.insert("items".into(), convert(i, &format!("{path}[]"), ctx)?);
        }
        // Tuple form (not allowed in structural schemas): keep its meaning.
        Some(Value::Array(items)) => {
            let items = items
                .iter()
                .enumerate()
                .map(|(n, i)| convert(i, &format!("{path}[{n}]"), ctx))
                .collect::<Result<Vec<_>, _>>()?;
            out.insert("prefixItems".into(), Value::Array(items));
        }
        Some(other) => {
            return Err(format!(
                "{}: `items` must be a schema, found {other}",
                at(path)
            ));
        }
    }

    // enum (a nullable enum also accepts null, as in Kubernetes)
    if let Some(e) = s.get("enum") {
        let Value::Array(values) = e else {
            return Err(format!("{}: `enum` must be a list", at(path)));
        };
        let mut values = values.clone();
        if nullable && !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
        out.insert("enum".into(), Value::Array(values));
    }

    // numbers: OpenAPI 3.0 `exclusiveMinimum: true` modifies `minimum`; in JSON Schema 2020-12
    // `exclusiveMinimum` is the bound itself.
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        let limit = match s.get(bound) {
            None => None,
            Some(n @ Value::Number(_)) => Some(n.clone()),
            Some(other) => {
                return Err(format!(
                    "{}: `{bound}` must be a number, found {other}",
                    at(path)
                ));
            }
        };
        match (s.get(exclusive), limit) {
            (Some(Value::Bool(true)), Some(n)) => {
                out.insert(exclusive.into(), n);
            }
            (Some(n @ Value::Number(_)), limit) => {
                out.insert(exclusive.into(), n.clone());
                if let Some(l) = limit {
                    out.insert(bound.into(), l);
                }
            }
            (_, Some(n)) => {
                out.insert(bound.into(), n);
            }
            (_, None) => {}
        }
    }
    copy_number(s, &mut out, "multipleOf", path)?;

    // strings, arrays, objects
    for k in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ] {
        copy_number(s, &mut out, k, path)?;
    }
    if let Some(p) = s.get("pattern") {
        let Value::String(_) = p else {
            return Err(format!("{}: `pattern` must be a string", at(path)));
        };
        out.insert("pattern".into(), p.clone());
    }
    if flag(s, "uniqueItems") || s.get("x-kubernetes-list-type") == Some(&json!("set")) {
        out.insert("uniqueItems".into(), Value::Bool(true));
    }

    // value validations
    for k in ["anyOf", "allOf", "oneOf"] {
        let Some(list) = s.get(k) else { continue };
        let Value::Array(list) = list else {
            return Err(format!("{}: `{k}` must be a list of schemas", at(path)));
        };
        if k == "anyOf" && int_or_string && list.iter().all(is_int_or_string_branch) {
            // The usual generated `anyOf: [{type: integer}, {type: string}]` next to
            // `x-kubernetes-int-or-string` says nothing the type above does not.
            continue;
        }
        let list = list
            .iter()
            .enumerate()
            .map(|(n, v)| convert(v, &format!("{path}({k}[{n}])"), Ctx::ValueValidation))
            .collect::<Result<Vec<_>, _>>()?;
        out.insert(k.into(), Value::Array(list));
    }
    if let Some(n) = s.get("not") {
        out.insert(
            "not".into(),
            convert(n, &format!("{path}(not)"), Ctx::ValueValidation)?,
        );
    }
    Ok(Value::Object(out))
}

fn is_int_or_string_branch(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.len() == 1 && matches!(m.get("type"), Some(t) if t == "integer" || t == "string")
        }
        _ => false,
    }
}

fn copy_number(
    s: &Map<String, Value>,
    out: &mut Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<(), String> {
    match s.get(key) {
        None => Ok(()),
        Some(n @ Value::Number(_)) => {
            out.insert(key.into(), n.clone());
            Ok(())
        }
        Some(other) => Err(format!(
            "{}: `{key}` must be a number, found {other}",
            at(path)
        )),
    }
}

/// Where in the schema a problem is, for error messages.
fn at(path: &str) -> String {
    if path.is_empty() {
        "schema root".to_string()
    } else {
        format!(
            "schema of `{}`",
            crate::excerpt::quote(path.trim_start_matches('.'))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_objects_nullable_and_int_or_string() {
        let s = json!({
            "type": "object",
            "properties": {
                "a": {"type": "string", "nullable": true, "enum": ["x", "y"]},
                "p": {"x-kubernetes-int-or-string": true,
                      "anyOf": [{"type": "integer"}, {"type": "string"}]},
                "free": {"x-kubernetes-preserve-unknown-fields": true},
                "openObj": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                            "properties": {"k": {"type": "integer", "format": "int32"}}},
                "m": {"type": "object", "additionalProperties": {"type": "string"}},
                "n": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "default": 1},
            },
            "x-kubernetes-validations": [{"rule": "self.a != 'z'"}],
        });
        let c = convert(&s, "", Ctx::Structural).unwrap();
        assert_eq!(c["additionalProperties"], json!(false));
        assert_eq!(c["properties"]["a"]["type"], json!(["string", "null"]));
        assert_eq!(c["properties"]["a"]["enum"], json!(["x", "y", null]));
        assert_eq!(c["properties"]["p"], json!({"type": ["integer", "string"]}));
        assert_eq!(c["properties"]["free"], json!({}));
        assert!(
            c["properties"]["openObj"]
                .get("additionalProperties")
                .is_none()
        );
        assert_eq!(
            c["properties"]["openObj"]["properties"]["k"],
            json!({"type": "integer"})
        );
        assert_eq!(
            c["properties"]["m"]["additionalProperties"],
            json!({"type": "string"})
        );
        assert_eq!(
            c["properties"]["n"],
            json!({"type": "number", "exclusiveMinimum": 0})
        );
        assert!(c.get("x-kubernetes-validations").is_none());
    }

    #[test]
    fn value_validations_are_not_strict() {
        let s = json!({
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "anyOf": [{"properties": {"a": {"minLength": 1}}}, {"required": ["b"]}],
        });
        let c = convert(&s, "", Ctx::Structural).unwrap();
        assert!(c["anyOf"][0].get("additionalProperties").is_none());
    }

    #[test]
    fn embedded_resource_requires_api_version_and_kind() {
        let s = json!({"type": "object", "x-kubernetes-embedded-resource": true,
                       "x-kubernetes-preserve-unknown-fields": true});
        let c = convert(&s, "", Ctx::Structural).unwrap();
        assert_eq!(c["required"], json!(["apiVersion", "kind"]));
        assert!(c.get("additionalProperties").is_none());
    }

    #[test]
    fn malformed_schemas_are_errors() {
        let e = convert(
            &json!({"properties": {"a": {"type": 3}}}),
            "",
            Ctx::Structural,
        )
        .unwrap_err();
        assert!(e.contains("schema of `a`"), "{e}");
        assert!(convert(&json!({"type": "float"}), "", Ctx::Structural).is_err());
    }
}
