//! Offline validation of objects against CustomResourceDefinition schemas.
//!
//! A [`CrdCatalog`] maps `(apiVersion, kind)` to a JSON-Schema validator compiled from the
//! `openAPIV3Schema` of one version of a CRD. [`CrdCatalog::builtin`] holds the CRDs embedded in
//! the binary (`schemas/crds/`: Flink Kubernetes Operator **1.15.0** FlinkDeployment,
//! FlinkSessionJob, FlinkBlueGreenDeployment and FlinkStateSnapshot, Flux Kustomization v1); [`CrdCatalog::from_texts`] reads a user's CRD files
//! and [`CrdCatalog::extend`] lets them override the built-in ones.
//!
//! An object that is surely valid is answered by walking the converted schema with the object
//! as flinkform holds it (`crd::fast`); only the others are converted to JSON and given to
//! jsonschema, which decides and writes the messages (and whose validator is compiled only
//! then).
//!
//! This module is pure: it reads no files and prints nothing.
//!
//! # How a structural schema becomes a JSON Schema (draft 2020-12)
//!
//! * Translated faithfully: `type`, `properties`, `required`, `items`, `enum`, `minimum`,
//!   `maximum`, `exclusiveMinimum`/`exclusiveMaximum` (OpenAPI 3.0 booleans that modify
//!   `minimum`/`maximum` become 2020-12 numeric bounds), `multipleOf`, `minLength`,
//!   `maxLength`, `pattern`, `minItems`, `maxItems`, `minProperties`, `maxProperties`,
//!   `additionalProperties` (boolean or schema), `anyOf`, `allOf`, `oneOf`, `not`.
//! * `nullable: true` also allows `null` (and adds `null` to an `enum`). Without it a `null`
//!   is reported: the API server would drop the field, which is rarely what the author meant.
//! * `x-kubernetes-int-or-string: true` allows an integer or a string (the generated
//!   `anyOf: [{type: integer}, {type: string}]` next to it is folded into that type, which keeps
//!   error messages short).
//! * `x-kubernetes-preserve-unknown-fields: true` allows unknown fields at that node; without a
//!   `type` it allows any value (Flink's `flinkConfiguration`).
//! * `x-kubernetes-embedded-resource: true` requires non-empty `apiVersion` and `kind` and
//!   checks `metadata` minimally (see below).
//! * `x-kubernetes-list-type: set` requires unique items.
//! * `format` (`int32`, `int64`, `date-time`, …) is an annotation only and is never asserted.
//!   `type: integer` itself is strict: strings such as `"2"` and fractional numbers are
//!   rejected. A number with a zero fraction (`2.0`) is accepted, as JSON Schema says and as
//!   the API server sees it after `kubectl`/kustomize convert YAML to JSON.
//! * Ignored: `x-kubernetes-validations` (CEL rules need a CEL engine; the API server checks
//!   them on apply), `default` (defaulting changes objects, it does not reject them),
//!   `x-kubernetes-list-type: map` / `x-kubernetes-list-map-keys` (key uniqueness),
//!   `x-kubernetes-map-type`, `description`, `example` and other annotations.
//!
//! # Strictness: unknown fields are errors
//!
//! An object schema that has `properties`, no `additionalProperties` and no
//! `x-kubernetes-preserve-unknown-fields` gets `additionalProperties: false`, so every unknown
//! field is reported (like `kubeconform -strict`). The API server would instead *prune* such a
//! field silently: a misspelt `parralelism` or a field the installed operator version does not
//! know yet would be accepted and then lost. Catching that silent data loss is the point of this
//! check. The rule is not applied inside `anyOf`/`allOf`/`oneOf`/`not`, where a schema
//! describes a value and not its shape.
//!
//! # The top level
//!
//! `apiVersion` and `kind` (strings) and `metadata` are always allowed at the root, whatever
//! the CRD's schema says about them. `metadata` is required and checked minimally: an object
//! with a string `name` (required), optional string `namespace` and `generateName`, and
//! `labels` / `annotations` that map strings to strings. Other ObjectMeta fields are not
//! checked. `name` is required even next to `generateName`: `kubectl apply` and Flux (the
//! GitOps appliers flinkform targets) cannot apply an object without a name.
//!
//! CRD versions without a schema are left out of the catalogue (their objects are "not
//! covered"), as are documents that are not CRDs.
//!
//! Regular expressions (`pattern`) are compiled with the linear-time `regex` engine, which like
//! the API server's RE2 has no backtracking features.

mod convert;
mod embedded;
mod fast;
mod report;

use crate::excerpt::quote;
use crate::source::{FileId, SourceFile};
use crate::tree::Seg;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// One step of the path to a violation: a field name or a list index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl PathSeg {
    /// The same step as a [`Seg`], to look the value up in a [`crate::tree::Node`].
    pub fn as_seg(&self) -> Seg<'_> {
        match self {
            PathSeg::Key(k) => Seg::Key(k),
            PathSeg::Index(i) => Seg::Index(*i),
        }
    }
}

/// One way an object does not match its CRD schema.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CrdViolation {
    /// Path from the object root to the offending value. For an unknown field, the path of
    /// that field; for a missing required field, the path of the object that lacks it.
    pub path: Vec<PathSeg>,
    /// The same path as a JSON pointer, e.g. `/spec/job/parallelism` (`""` for the root).
    pub pointer: String,
    /// What is wrong, for humans, e.g. ``unknown field `foo` (allowed: a, b, c)``.
    pub message: String,
}

impl fmt::Display for CrdViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {}", self.message)
    }
}

/// The schema of one group/version/kind, converted and compiled on first use.
///
/// Compiling a CRD's schema with jsonschema is most of a small run's start-up (the built-in
/// catalogue holds five kinds, and `check` of one spec needs two: FlinkDeployment and Flux's
/// Kustomization). The converted schema is enough to find a valid object valid ([`fast`]),
/// so the validator is compiled only when an object of the kind is not surely valid (tests
/// compile every built-in one). A user's CRDs (`--crd`) are compiled as they are read, so a
/// schema that does not compile is reported against its file.
struct Entry {
    /// The CRD version's `openAPIV3Schema`.
    openapi: Openapi,
    /// Where it comes from, for an error.
    at: String,
    /// The converted JSON Schema ([`convert`]).
    schema: OnceLock<Result<Value, String>>,
    validator: OnceLock<Result<jsonschema::Validator, String>>,
}

/// A CRD version's `openAPIV3Schema`, as read or still as text.
enum Openapi {
    /// A user's CRD, parsed as its file was read.
    Parsed(Value),
    /// A built-in CRD's schema, parsed when first needed: the embedded CRDs are 360 KB of
    /// JSON, and parsing all of them took a third of the start-up of `check PATH`, which
    /// needs two of the five kinds.
    Embedded(&'static serde_json::value::RawValue),
}

impl Entry {
    fn new(openapi: Openapi, at: String) -> Entry {
        Entry {
            openapi,
            at,
            schema: OnceLock::new(),
            validator: OnceLock::new(),
        }
    }

    /// The converted schema.
    fn schema(&self) -> &Result<Value, String> {
        self.schema.get_or_init(|| {
            let at = &self.at;
            let parsed;
            let openapi = match &self.openapi {
                Openapi::Parsed(v) => v,
                Openapi::Embedded(raw) => {
                    parsed = serde_json::from_str::<Value>(raw.get())
                        .map_err(|e| format!("{at}: {e}"))?;
                    &parsed
                }
            };
            convert::object_schema(openapi).map_err(|e| format!("{at}: {e}"))
        })
    }

    /// The converted schema and its jsonschema validator.
    fn compiled(&self) -> Result<(&Value, &jsonschema::Validator), String> {
        let schema = self.schema().as_ref().map_err(String::clone)?;
        let validator = self
            .validator
            .get_or_init(|| {
                validator_options()
                    .build(schema)
                    .map_err(|e| format!("{}: the schema does not compile: {e}", self.at))
            })
            .as_ref()
            .map_err(String::clone)?;
        Ok((schema, validator))
    }
}

/// How every schema is compiled: draft 2020-12, `format` not asserted, patterns with the
/// linear-time `regex` engine.
fn validator_options() -> jsonschema::ValidationOptions<'static> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(false)
        .with_pattern_options(jsonschema::PatternOptions::regex())
}

/// CRD schemas by `apiVersion` (`group/version`) and `kind`, compiled for validation.
#[derive(Default)]
pub struct CrdCatalog {
    entries: BTreeMap<String, BTreeMap<String, Entry>>,
}

impl fmt::Debug for CrdCatalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrdCatalog")
            .field("kinds", &self.kinds())
            .finish()
    }
}

/// The upstream CRD files the built-in catalogue comes from, as `(path, text)`. Only tests
/// read them: the binary embeds [`BUILTIN_JSON`], generated from them.
#[cfg(test)]
const BUILTIN: [(&str, &str); 5] = [
    (
        "schemas/crds/flinkbluegreendeployments.flink.apache.org-v1.yml",
        include_str!("../../schemas/crds/flinkbluegreendeployments.flink.apache.org-v1.yml"),
    ),
    (
        "schemas/crds/flinkdeployments.flink.apache.org-v1.yml",
        include_str!("../../schemas/crds/flinkdeployments.flink.apache.org-v1.yml"),
    ),
    (
        "schemas/crds/flinksessionjobs.flink.apache.org-v1.yml",
        include_str!("../../schemas/crds/flinksessionjobs.flink.apache.org-v1.yml"),
    ),
    (
        "schemas/crds/flinkstatesnapshots.flink.apache.org-v1.yml",
        include_str!("../../schemas/crds/flinkstatesnapshots.flink.apache.org-v1.yml"),
    ),
    (
        "schemas/crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml",
        include_str!("../../schemas/crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml"),
    ),
];

/// The operator's CRDs on `main` (1.16-SNAPSHOT), which add `resources` to JobManager and
/// TaskManager: the built-in catalogue for platforms whose `operator.version` is after 1.15.
#[cfg(test)]
const BUILTIN_MAIN: [(&str, &str); 4] = [
    (
        "schemas/crds/operator-main/flinkbluegreendeployments.flink.apache.org-v1.yml",
        include_str!(
            "../../schemas/crds/operator-main/flinkbluegreendeployments.flink.apache.org-v1.yml"
        ),
    ),
    (
        "schemas/crds/operator-main/flinkdeployments.flink.apache.org-v1.yml",
        include_str!("../../schemas/crds/operator-main/flinkdeployments.flink.apache.org-v1.yml"),
    ),
    (
        "schemas/crds/operator-main/flinksessionjobs.flink.apache.org-v1.yml",
        include_str!("../../schemas/crds/operator-main/flinksessionjobs.flink.apache.org-v1.yml"),
    ),
    (
        "schemas/crds/operator-main/flinkstatesnapshots.flink.apache.org-v1.yml",
        include_str!(
            "../../schemas/crds/operator-main/flinkstatesnapshots.flink.apache.org-v1.yml"
        ),
    ),
];

/// [`BUILTIN_MAIN`] as one JSON array, generated like [`BUILTIN_JSON`].
const BUILTIN_MAIN_JSON: &str = include_str!("../../schemas/crds/builtin-main.json");

/// The documents of [`BUILTIN`]'s files as one compact JSON array. Parsing 600 KB of YAML with
/// spans took half of the catalogue's 47 ms start-up; JSON parses in 3 ms, which matters for
/// `check PATH` in a pre-commit hook. A test regenerates it and fails when it is stale.
const BUILTIN_JSON: &str = include_str!("../../schemas/crds/builtin.json");

impl CrdCatalog {
    /// An empty catalogue.
    pub fn new() -> Self {
        Self::default()
    }

    /// The embedded operator 1.15.0 and Flux Kustomization CRDs, parsed and compiled once.
    pub fn builtin() -> &'static CrdCatalog {
        static BUILTIN_CATALOG: OnceLock<CrdCatalog> = OnceLock::new();
        BUILTIN_CATALOG.get_or_init(|| {
            // The embedded file is fixed at build time and covered by tests.
            CrdCatalog::embedded(BUILTIN_JSON).expect("embedded CRDs compile")
        })
    }

    /// The built-in catalogue with the operator's `main` CRDs over the 1.15.0 ones (Flux's
    /// stay), compiled on first use.
    pub fn builtin_main() -> &'static CrdCatalog {
        static MAIN_CATALOG: OnceLock<CrdCatalog> = OnceLock::new();
        MAIN_CATALOG.get_or_init(|| {
            let mut c = CrdCatalog::embedded(BUILTIN_JSON).expect("embedded CRDs compile");
            c.extend(CrdCatalog::embedded(BUILTIN_MAIN_JSON).expect("embedded CRDs compile"));
            c
        })
    }

    /// The built-in catalogue for an operator release
    /// ([`crate::flink::operator::Release::crds`]).
    pub fn builtin_for(release: &crate::flink::operator::Release) -> &'static CrdCatalog {
        match release.crds {
            crate::flink::operator::EmbeddedCrds::Release1_15 => CrdCatalog::builtin(),
            crate::flink::operator::EmbeddedCrds::Main => CrdCatalog::builtin_main(),
        }
    }

    /// Parses CRD files, each of which may hold several YAML documents. Documents that are not
    /// `apiextensions.k8s.io` CustomResourceDefinitions are skipped. When two documents define
    /// the same group/version/kind, the later one wins. Errors (bad YAML, a malformed CRD, a
    /// schema that does not compile) name the file.
    pub fn from_texts(files: &[(String, String)]) -> Result<CrdCatalog, String> {
        let mut catalog = CrdCatalog::new();
        for (n, (path, text)) in files.iter().enumerate() {
            let file = SourceFile::new(path.as_str(), text);
            let id = FileId(u32::try_from(n).unwrap_or(u32::MAX));
            let docs = crate::yaml::load_all(id, &file).map_err(|d| {
                let at = d.primary.as_ref().map_or_else(String::new, |l| {
                    let lc = file.line_col(l.span.start as usize);
                    format!(":{}:{}", lc.line, lc.column)
                });
                format!("{path}{at}: {}", d.message)
            })?;
            for doc in docs {
                catalog
                    .add_crd(&doc.to_json(), true)
                    .map_err(|e| format!("{path}: {e}"))?;
            }
        }
        Ok(catalog)
    }

    /// Reads a JSON array of `apiextensions.k8s.io/v1` CRD documents (the form [`BUILTIN_JSON`]
    /// is stored in) without parsing their schemas: each is parsed and compiled on first use
    /// ([`Entry`]). A test checks that it gives the catalogue [`CrdCatalog::from_texts`] gives
    /// for the upstream files.
    fn embedded(text: &'static str) -> Result<CrdCatalog, String> {
        let docs: Vec<embedded::Crd<'static>> =
            serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut catalog = CrdCatalog::new();
        for doc in docs {
            let name = doc.metadata.name;
            for version in doc.spec.versions {
                let Some(schema) = version.schema else {
                    continue;
                };
                catalog.insert(
                    &format!("{}/{}", doc.spec.group, version.name),
                    doc.spec.names.kind,
                    Entry::new(
                        Openapi::Embedded(schema.openapi),
                        format!("CRD `{}` version `{}`", quote(name), quote(version.name)),
                    ),
                );
            }
        }
        Ok(catalog)
    }

    /// Adds one CRD document; does nothing if it is not a CRD.
    /// `eager`: compile its schemas now (see [`Entry`]).
    fn add_crd(&mut self, doc: &Value, eager: bool) -> Result<(), String> {
        let is_crd = doc
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("apiextensions.k8s.io/"))
            && doc.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition");
        if !is_crd {
            return Ok(());
        }
        let name = doc
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("<unnamed>");
        let spec = doc.get("spec");
        let str_at = |p: &str| spec.and_then(|s| s.pointer(p)).and_then(Value::as_str);
        let (Some(group), Some(kind)) = (str_at("/group"), str_at("/names/kind")) else {
            return Err(format!(
                "CustomResourceDefinition `{name}` has no spec.group or spec.names.kind"
            ));
        };
        // apiextensions.k8s.io/v1: a schema per version. v1beta1: possibly one shared
        // `spec.validation` schema and a `spec.version`.
        let shared = spec.and_then(|s| s.pointer("/validation/openAPIV3Schema"));
        let mut versions: Vec<(&str, &Value)> = Vec::new();
        match spec.and_then(|s| s.get("versions")) {
            Some(Value::Array(vs)) => {
                for v in vs {
                    let Some(vname) = v.get("name").and_then(Value::as_str) else {
                        return Err(format!("CRD `{}`: a version has no name", quote(name)));
                    };
                    if let Some(schema) = v.pointer("/schema/openAPIV3Schema").or(shared) {
                        versions.push((vname, schema));
                    }
                }
            }
            Some(_) => {
                return Err(format!(
                    "CRD `{}`: spec.versions is not a list",
                    quote(name)
                ));
            }
            None => {
                if let (Some(v), Some(schema)) = (str_at("/version"), shared) {
                    versions.push((v, schema));
                }
            }
        }
        for (version, openapi) in versions {
            let entry = Entry::new(
                Openapi::Parsed(openapi.clone()),
                format!("CRD `{}` version `{}`", quote(name), quote(version)),
            );
            if eager {
                entry.compiled()?;
            }
            self.insert(&format!("{group}/{version}"), kind, entry);
        }
        Ok(())
    }

    /// Adds the schema of one group/version/kind; a later one for the same replaces it.
    fn insert(&mut self, api_version: &str, kind: &str, entry: Entry) {
        self.entries
            .entry(api_version.to_string())
            .or_default()
            .insert(kind.to_string(), entry);
    }

    /// Adds the entries of `other`, replacing those of this catalogue for the same
    /// group/version/kind (a user's `--crd DIR` over the built-in CRDs).
    pub fn extend(&mut self, other: CrdCatalog) {
        for (api_version, kinds) in other.entries {
            self.entries.entry(api_version).or_default().extend(kinds);
        }
    }

    /// The kinds covered, as `"<apiVersion> <kind>"`, sorted, e.g.
    /// `"flink.apache.org/v1beta1 FlinkDeployment"`.
    pub fn kinds(&self) -> Vec<String> {
        self.entries
            .iter()
            .flat_map(|(v, kinds)| kinds.keys().map(move |k| format!("{v} {k}")))
            .collect()
    }

    /// Compiles every schema now: the errors of those that do not compile.
    #[cfg(test)]
    fn compile_errors(&self) -> Vec<String> {
        self.entries
            .values()
            .flat_map(BTreeMap::values)
            .filter_map(|e| e.compiled().err())
            .collect()
    }

    /// Reads and converts the schemas of these `(apiVersion, kind)` now, those the catalogue
    /// covers: for a caller that has a core to spare before the first object of those kinds
    /// is validated.
    pub fn prepare(&self, kinds: &[(&str, &str)]) {
        for (api_version, kind) in kinds {
            if let Some(entry) = self.entry(api_version, kind) {
                // An error is reported when an object of the kind is validated.
                let _ = entry.schema();
            }
        }
    }

    /// Whether a CRD covers this `apiVersion` and `kind`.
    pub fn covers(&self, api_version: &str, kind: &str) -> bool {
        self.entry(api_version, kind).is_some()
    }

    fn entry(&self, api_version: &str, kind: &str) -> Option<&Entry> {
        self.entries.get(api_version)?.get(kind)
    }

    /// The violations of one object. `None` when no CRD covers its `apiVersion`/`kind` (or it has
    /// none); otherwise every violation, sorted by path (empty when the object is valid).
    pub fn violations(&self, object: &Value) -> Option<Vec<CrdViolation>> {
        let api_version = object.get("apiVersion")?.as_str()?;
        let kind = object.get("kind")?.as_str()?;
        self.entry_violations(self.entry(api_version, kind)?, object)
    }

    /// [`CrdCatalog::violations`] of an object as flinkform holds it: an object that is
    /// surely valid (`crd::fast`) is neither converted to JSON nor given to jsonschema.
    pub fn violations_of(&self, object: &crate::tree::Node) -> Option<Vec<CrdViolation>> {
        let text = |k: &str| object.get(k).and_then(crate::tree::Node::as_str);
        let entry = self.entry(text("apiVersion")?, text("kind")?)?;
        // A built-in schema that does not convert (tests convert every one) covers nothing.
        let schema = entry.schema().as_ref().ok()?;
        if fast::surely_valid(schema, object) {
            return Some(Vec::new());
        }
        self.entry_violations(entry, &object.to_json())
    }

    fn entry_violations(&self, entry: &Entry, object: &Value) -> Option<Vec<CrdViolation>> {
        // A built-in schema that did not compile (tests compile every one) covers nothing.
        let (schema, validator) = entry.compiled().ok()?;
        if validator.is_valid(object) {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let mut budget = crate::suggest::Budget::default();
        for error in validator.iter_errors(object) {
            report::push(&mut out, &error, object, schema, &mut budget);
        }
        out.sort();
        out.dedup();
        Some(out)
    }
}

#[cfg(test)]
mod tests;
