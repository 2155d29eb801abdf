//! A service spec file (`services/<name>/service.yaml`) after the schema passed.

use super::read;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use crate::tree::{Node, Origin, Sp};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct ServiceFile {
    pub file: FileId,
    pub path: String,
    pub name: Sp<String>,
    pub team: Sp<String>,
    pub description: Option<String>,
    pub labels: BTreeMap<String, Sp<String>>,
    /// The `spec` mapping without `environments`: the service's own layer for resolution.
    pub spec: Node,
    /// The `spec` key, where findings about a value that is missing altogether point.
    pub spec_key: Option<Span>,
    /// The environments it runs in, sorted by name.
    pub environments: Vec<EnvOverlay>,
}

#[derive(Debug, Clone)]
pub struct EnvOverlay {
    pub name: Sp<String>,
    /// The overrides for this environment, without `clusters`.
    pub overlay: Option<Node>,
    pub clusters: Option<Vec<Sp<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Metadata {
    name: Sp<String>,
    team: Sp<String>,
    description: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, Sp<String>>,
}

#[derive(Deserialize)]
struct OverlayClusters {
    clusters: Option<Vec<Sp<String>>>,
}

impl ServiceFile {
    /// Reads a schema-valid service document.
    pub fn read(doc: &Node, file: FileId, path: &str) -> Result<ServiceFile, Diagnostic> {
        let empty = Node::null();
        let meta: Metadata = read(doc.get("metadata").unwrap_or(&empty), file)?;
        let spec_entry = doc.as_map().and_then(|m| m.entry("spec"));
        let mut spec = spec_entry.map_or_else(Node::null, |e| e.value.clone());
        let envs = spec.as_map_mut().and_then(|m| m.remove("environments"));
        let mut environments = Vec::new();
        if let Some(envs) = envs.as_ref().and_then(Node::as_map) {
            for e in envs.iter() {
                let mut overlay = (!e.value.is_null()).then(|| e.value.clone());
                let clusters = match &overlay {
                    Some(o) => read::<OverlayClusters>(o, file)?.clusters,
                    None => None,
                };
                if let Some(m) = overlay.as_mut().and_then(Node::as_map_mut) {
                    m.remove("clusters");
                }
                environments.push(EnvOverlay {
                    name: Sp::new(e.key.clone(), e.key_origin),
                    overlay,
                    clusters,
                });
            }
        }
        environments.sort_by(|a, b| a.name.value.cmp(&b.name.value));
        Ok(ServiceFile {
            file,
            path: path.to_string(),
            name: meta.name,
            team: meta.team,
            description: meta.description,
            labels: meta.labels,
            spec,
            spec_key: spec_entry.and_then(|e| e.key_origin.span()),
            environments,
        })
    }

    /// Where to point when something the service should set is missing altogether.
    pub fn blame(&self) -> Origin {
        match self.spec_key {
            Some(s) => Origin::at(s),
            None => self.name.origin,
        }
    }
}

/// Whether `s` is a valid service name (`$defs/serviceName` in the schema): the one name
/// grammar of [`crate::facts::names`].
pub fn is_service_name(s: &str) -> bool {
    crate::facts::names::name_problem(s).is_none()
}
