//! A quick "valid" for the usual object: nearly every object flinkform renders matches its
//! CRD, and proving that needs neither jsonschema's compiled validator (compiling the
//! FlinkDeployment schema took 13 ms, the largest fixed cost of `check PATH`) nor the object
//! copied into a `serde_json::Value` (a copy of every rendered custom resource).
//!
//! [`surely_valid`] walks the converted schema ([`super::convert`]) and the object together
//! and answers `true` only when it is sure the object is valid. Anything else — a violation,
//! or a keyword or value it does not judge (`oneOf`, `not`, `multipleOf`, a fractional
//! number against `integer`, a bound that is not an integer) — answers `false`, and jsonschema,
//! which stays the definition of validity and writes every message, decides. So this can
//! only make validation faster, never different; a test checks, on every object of the test
//! corpus and thousands of mutations of each, that jsonschema agrees whenever this says
//! `true`.

use serde_json::Value;
use std::collections::HashMap;

use crate::tree::{Node, Value as V};

/// Whether `object` surely matches `schema` (a JSON Schema from [`super::convert`]).
pub(super) fn surely_valid(schema: &Value, object: &Node) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(keywords) => keywords
            .iter()
            .all(|(keyword, value)| keyword_holds(keywords, keyword, value, object)),
        _ => false,
    }
}

fn keyword_holds(
    keywords: &serde_json::Map<String, Value>,
    keyword: &str,
    value: &Value,
    object: &Node,
) -> bool {
    match keyword {
        "type" => match value {
            Value::String(t) => has_type(t, object),
            Value::Array(types) => types
                .iter()
                .any(|t| t.as_str().is_some_and(|t| has_type(t, object))),
            _ => false,
        },
        "properties" => {
            let Value::Object(properties) = value else {
                return false;
            };
            let Some(map) = object.as_map() else {
                return true;
            };
            let additional = keywords.get("additionalProperties");
            map.iter().all(|e| match properties.get(&e.key) {
                Some(schema) => surely_valid(schema, &e.value),
                None => additional.is_none_or(|a| surely_valid(a, &e.value)),
            })
        }
        // With `properties`, judged there.
        "additionalProperties" if keywords.contains_key("properties") => true,
        "additionalProperties" => object
            .as_map()
            .is_none_or(|map| map.iter().all(|e| surely_valid(value, &e.value))),
        "required" => {
            let Value::Array(required) = value else {
                return false;
            };
            object.as_map().is_none_or(|map| {
                required
                    .iter()
                    .all(|r| r.as_str().is_some_and(|r| map.get(r).is_some()))
            })
        }
        "items" => object
            .as_seq()
            .is_none_or(|items| items.iter().all(|i| surely_valid(value, i))),
        "enum" => {
            let Value::Array(allowed) = value else {
                return false;
            };
            allowed.iter().any(|a| surely_equal(object, a))
        }
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
            match (&object.value, value.as_i64()) {
                (V::Int(n), Some(bound)) => match keyword {
                    "minimum" => *n >= bound,
                    "maximum" => *n <= bound,
                    "exclusiveMinimum" => *n > bound,
                    _ => *n < bound,
                },
                (V::Int(_) | V::Float(_), _) => false,
                _ => true,
            }
        }
        "minLength" | "maxLength" => match (&object.value, value.as_u64()) {
            // JSON Schema counts characters (code points).
            (V::Str(s), Some(limit)) => {
                let n = s.chars().count() as u64;
                if keyword == "minLength" {
                    n >= limit
                } else {
                    n <= limit
                }
            }
            (V::Str(_), None) => false,
            _ => true,
        },
        "minItems" | "maxItems" => match (object.as_seq(), value.as_u64()) {
            (Some(items), Some(limit)) => {
                let n = items.len() as u64;
                if keyword == "minItems" {
                    n >= limit
                } else {
                    n <= limit
                }
            }
            (Some(_), None) => false,
            (None, _) => true,
        },
        "pattern" => match (&object.value, value.as_str()) {
            (V::Str(s), Some(pattern)) => matches_pattern(pattern, s),
            (V::Str(_), None) => false,
            _ => true,
        },
        "uniqueItems" => match object.as_seq() {
            Some(items) if value == &Value::Bool(true) && items.len() > 1 => {
                // Only strings are compared here (JSON equality of other values has its own
                // rules, `1 == 1.0`).
                let mut texts: Vec<&str> = Vec::with_capacity(items.len());
                for i in items {
                    match &i.value {
                        V::Str(s) => texts.push(s),
                        _ => return false,
                    }
                }
                texts.sort_unstable();
                texts.windows(2).all(|w| w[0] != w[1])
            }
            _ => true,
        },
        "anyOf" => match value {
            Value::Array(branches) => branches.iter().any(|b| surely_valid(b, object)),
            _ => false,
        },
        "allOf" => match value {
            Value::Array(branches) => branches.iter().all(|b| surely_valid(b, object)),
            _ => false,
        },
        // Not judged here: `oneOf`, `not`, `multipleOf`, `prefixItems`,
        // `minProperties`/`maxProperties`, and anything else.
        _ => false,
    }
}

/// Whether the value has the JSON type `t`. A fractional or non-finite number (which JSON
/// cannot hold) is never surely of a type.
fn has_type(t: &str, object: &Node) -> bool {
    match (&object.value, t) {
        (V::Map(_), "object")
        | (V::Seq(_), "array")
        | (V::Str(_), "string")
        | (V::Bool(_), "boolean")
        | (V::Null, "null")
        | (V::Int(_), "integer" | "number") => true,
        (V::Float(f), "number") => f.is_finite(),
        _ => false,
    }
}

/// Whether a scalar surely equals a JSON value (for `enum`).
fn surely_equal(object: &Node, json: &Value) -> bool {
    match (&object.value, json) {
        (V::Null, Value::Null) => true,
        (V::Bool(a), Value::Bool(b)) => a == b,
        (V::Str(a), Value::String(b)) => a == b,
        (V::Int(a), Value::Number(b)) => b.as_i64() == Some(*a),
        _ => false,
    }
}

/// Whether `text` matches `pattern` as jsonschema decides it (its regular-expression dialect
/// is ECMA 262's, translated): a validator of the one keyword, compiled once per pattern and
/// thread.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    thread_local! {
        static PATTERNS: std::cell::RefCell<HashMap<String, Option<jsonschema::Validator>>> =
            std::cell::RefCell::new(HashMap::new());
    }
    PATTERNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Looked up by reference: a pattern is copied once, not once per string judged.
        if !cache.contains_key(pattern) {
            let validator = super::validator_options()
                .build(&serde_json::json!({ "pattern": pattern }))
                .ok();
            cache.insert(pattern.to_string(), validator);
        }
        cache
            .get(pattern)
            .and_then(Option::as_ref)
            .is_some_and(|v| v.is_valid(&Value::String(text.to_string())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::CrdCatalog;
    use crate::source::{FileId, SourceFile};
    use crate::tree::{Map, Origin};
    use std::path::{Path, PathBuf};

    /// A step into a tree, owned (the tree is cloned and changed along it).
    #[derive(Clone)]
    enum Step {
        Key(String),
        Index(usize),
    }

    /// Every path to a value in `n` (not the root).
    fn paths(n: &Node, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match &n.value {
            V::Map(m) => {
                for e in m.iter() {
                    here.push(Step::Key(e.key.clone()));
                    out.push(here.clone());
                    paths(&e.value, here, out);
                    here.pop();
                }
            }
            V::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    here.push(Step::Index(i));
                    out.push(here.clone());
                    paths(item, here, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }

    fn at_mut<'a>(n: &'a mut Node, path: &[Step]) -> &'a mut Node {
        let Some((first, rest)) = path.split_first() else {
            return n;
        };
        let next = match (first, &mut n.value) {
            (Step::Key(k), V::Map(m)) => m.get_mut(k).expect("a path of the tree"),
            (Step::Index(i), V::Seq(items)) => &mut items[*i],
            _ => panic!("a path of the tree"),
        };
        at_mut(next, rest)
    }

    fn node(value: V) -> Node {
        Node::new(value, Origin::NONE)
    }

    fn map(entries: &[(&str, Node)]) -> Node {
        let mut m = Map::new();
        for (k, v) in entries {
            m.insert(*k, v.clone());
        }
        node(V::Map(m))
    }

    /// The object changed at every position in every way a schema tells apart: each value
    /// replaced by values of every type (and bounds, and near-enums), each key removed, an
    /// unknown key added to each mapping.
    fn mutants(object: &Node) -> Vec<Node> {
        let replacements = [
            node(V::Null),
            node(V::Bool(true)),
            node(V::Int(0)),
            node(V::Int(-1)),
            node(V::Int(1 << 40)),
            node(V::Float(0.5)),
            node(V::Float(2.0)),
            node(V::Float(f64::NAN)),
            node(V::Str(String::new())),
            node(V::Str("x".into())),
            node(V::Str("1Gi".into())),
            node(V::Str("savepoint".into())),
            node(V::Str("v1_20".into())),
            node(V::Str("1m".into())),
            node(V::Str("x".repeat(300))),
            map(&[]),
            map(&[("unknownField", node(V::Int(1)))]),
            node(V::Seq(Vec::new())),
            node(V::Seq(vec![
                node(V::Str("x".into())),
                node(V::Str("x".into())),
            ])),
            node(V::Seq(vec![map(&[])])),
        ];
        let mut all = Vec::new();
        paths(object, &mut Vec::new(), &mut all);
        let mut out = Vec::new();
        for path in &all {
            for r in &replacements {
                let mut m = object.clone();
                *at_mut(&mut m, path) = r.clone();
                out.push(m);
            }
            if let Some((Step::Key(k), parent)) = path.split_last() {
                let mut m = object.clone();
                if let V::Map(map) = &mut at_mut(&mut m, parent).value {
                    map.remove(k);
                }
                out.push(m);
            }
        }
        for path in std::iter::once(Vec::new()).chain(all) {
            let mut m = object.clone();
            if let V::Map(map) = &mut at_mut(&mut m, &path).value {
                map.insert("unknownField", node(V::Str("x".into())));
                out.push(m);
            }
        }
        out
    }

    /// (what the fast path says, what jsonschema says) of an object, if the catalogue covers
    /// it (a mutant's `kind` may be another).
    fn judge(catalog: &CrdCatalog, object: &Node) -> Option<(bool, bool)> {
        let text = |k: &str| object.get(k).and_then(Node::as_str).unwrap_or_default();
        let entry = catalog.entry(text("apiVersion"), text("kind"))?;
        let (schema, validator) = entry.compiled().expect("compiles");
        Some((
            surely_valid(schema, object),
            validator.is_valid(&object.to_json()),
        ))
    }

    fn repository_file(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }

    /// The example's rendered custom resources.
    fn rendered_example() -> Vec<Node> {
        let options = crate::compile::Options {
            keep_objects: true,
            ..Default::default()
        };
        let c = crate::compile::compile(&repository_file("fixtures/example-platform"), &options)
            .expect("the example compiles");
        c.rendered
            .objects
            .into_iter()
            .map(|o| o.node)
            .filter(covered)
            .collect()
    }

    fn covered(n: &Node) -> bool {
        let text = |k: &str| n.get(k).and_then(Node::as_str).unwrap_or_default();
        CrdCatalog::builtin().covers(text("apiVersion"), text("kind"))
    }

    /// The whole point: every custom resource flinkform renders for the example is answered
    /// here, without jsonschema.
    #[test]
    fn the_examples_objects_are_surely_valid() {
        let objects = rendered_example();
        let kinds: std::collections::BTreeSet<&str> = objects
            .iter()
            .filter_map(|o| o.get("kind").and_then(Node::as_str))
            .collect();
        assert_eq!(
            kinds.into_iter().collect::<Vec<_>>(),
            [
                "FlinkBlueGreenDeployment",
                "FlinkDeployment",
                "Kustomization"
            ]
        );
        for o in &objects {
            assert_eq!(judge(CrdCatalog::builtin(), o), Some((true, true)), "{o:?}");
        }
    }

    /// "Surely valid" never contradicts jsonschema: on the example's objects and the public
    /// manifests, and on every mutation of each. (It may say "not sure" of a valid object;
    /// then jsonschema decides, so that costs only time.)
    #[test]
    #[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
    fn surely_valid_only_where_jsonschema_agrees() {
        let mut objects = rendered_example();
        let real_world = repository_file("../shared/reference/real-world");
        for dir in ["flinkdeployment", "flinksessionjob", "flux"] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(real_world.join(dir))
                .expect("the public manifests")
                .map(|e| e.expect("entry").path())
                .collect();
            files.sort();
            for path in files {
                let text = std::fs::read_to_string(&path).expect("read");
                let file = SourceFile::new(path.display().to_string(), &text);
                let docs = crate::yaml::load_all(FileId(0), &file).unwrap_or_default();
                objects.extend(docs.into_iter().filter(covered));
            }
        }
        assert!(objects.len() > 100, "{}", objects.len());
        let (mut judged, mut sure, mut invalid) = (0, 0, 0);
        for object in &objects {
            for m in std::iter::once(object.clone()).chain(mutants(object)) {
                let Some((fast, valid)) = judge(CrdCatalog::builtin(), &m) else {
                    continue;
                };
                assert!(
                    !fast || valid,
                    "surely valid, but jsonschema disagrees: {m:?}"
                );
                judged += 1;
                sure += usize::from(fast);
                invalid += usize::from(!valid);
            }
        }
        // The comparison has teeth: many objects of each verdict.
        assert!(judged > 50_000, "{judged}");
        assert!(sure > judged / 10, "{sure} of {judged}");
        assert!(invalid > judged / 2, "{invalid} of {judged}");
    }
}
