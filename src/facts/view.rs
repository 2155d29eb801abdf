//! A FlinkDeployment or FlinkSessionJob as rules read it: its effective `flinkConfiguration`
//! (flattened the way the operator flattens it: nested maps joined with `.`, lists with `;`,
//! every scalar as text) and typed accessors for the spec fields rules care about. The same
//! view serves rendered objects (`check`) and hand-written manifests (`lint`).
//!
//! A FlinkBlueGreenDeployment is seen through the FlinkDeployment its `template.spec` becomes
//! ([`crate::facts::blue_green::template_deployment`]): every rule about a FlinkDeployment
//! applies to it unchanged, and [`FlinkView::blue_green`] gives the object itself to the rules
//! about blue/green.

use crate::facts::effective::EffectiveConfig;
use crate::flink::version::FlinkVersion;
use crate::tree::{Node, Origin, Value};
use std::sync::OnceLock;

/// One configuration entry: key, value text, and where each came from.
#[derive(Debug, Clone)]
pub struct ConfEntry<'a> {
    pub key: String,
    pub value: String,
    pub key_origin: Origin,
    pub value_origin: Origin,
    pub node: &'a Node,
}

impl ConfEntry<'_> {
    /// The value's origin, or the key's.
    pub fn origin(&self) -> Origin {
        self.value_origin.or(self.key_origin)
    }
}

pub struct FlinkView<'a> {
    /// The object the rules read: the FlinkDeployment or FlinkSessionJob, or a
    /// FlinkBlueGreenDeployment's template seen as a FlinkDeployment.
    pub object: &'a Node,
    /// The FlinkBlueGreenDeployment `object` is the template of.
    blue_green: Option<&'a Node>,
    conf: Vec<ConfEntry<'a>>,
    /// The effective configuration, computed on first use ([`FlinkView::effective`]).
    effective: OnceLock<EffectiveConfig<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Deployment,
    SessionJob,
    /// A FlinkStateSnapshot: no Flink configuration of its own; only the rules that name this
    /// kind look at it.
    StateSnapshot,
}

impl<'a> FlinkView<'a> {
    pub fn new(object: &'a Node) -> FlinkView<'a> {
        let conf = object
            .path(&["spec", "flinkConfiguration"])
            .map(flatten_config)
            .unwrap_or_default();
        FlinkView {
            object,
            blue_green: None,
            conf,
            effective: OnceLock::new(),
        }
    }

    /// The view of a FlinkBlueGreenDeployment: `template` is its
    /// [`template_deployment`](crate::facts::blue_green::template_deployment).
    pub fn of_blue_green(template: &'a Node, blue_green: &'a Node) -> FlinkView<'a> {
        FlinkView {
            blue_green: Some(blue_green),
            ..FlinkView::new(template)
        }
    }

    /// The FlinkBlueGreenDeployment this view is the template of.
    pub fn blue_green(&self) -> Option<&'a Node> {
        self.blue_green
    }

    /// The effective configuration Flink sees, with the memory it derives: computed once per
    /// object, shared by every rule that reads it.
    pub fn effective(&self) -> &EffectiveConfig<'a> {
        self.effective.get_or_init(|| EffectiveConfig::of(self))
    }

    pub fn kind(&self) -> Kind {
        match self.object.get("kind").and_then(Node::as_str) {
            Some("FlinkSessionJob") => Kind::SessionJob,
            Some("FlinkStateSnapshot") => Kind::StateSnapshot,
            _ => Kind::Deployment,
        }
    }

    pub fn name(&self) -> &str {
        self.object
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or_default()
    }

    pub fn namespace(&self) -> Option<&Node> {
        self.object.path(&["metadata", "namespace"])
    }

    /// A node under `spec`.
    pub fn spec(&self, path: &[&str]) -> Option<&'a Node> {
        self.object.get("spec")?.path(path)
    }

    pub fn spec_str(&self, path: &[&str]) -> Option<&'a str> {
        self.spec(path).and_then(Node::as_str)
    }

    pub fn conf(&self) -> &[ConfEntry<'a>] {
        &self.conf
    }

    /// The last entry for `key` (a key can appear twice when nested and flat forms collide;
    /// the operator keeps the last).
    pub fn get(&self, key: &str) -> Option<&ConfEntry<'a>> {
        self.conf.iter().rev().find(|e| e.key == key)
    }

    /// The first of `keys` that is set (for settings whose key changed across versions).
    pub fn get_any(&self, keys: &[&str]) -> Option<&ConfEntry<'a>> {
        keys.iter().find_map(|k| self.get(k))
    }

    pub fn flink_version_text(&self) -> Option<&'a Node> {
        self.spec(&["flinkVersion"])
    }

    pub fn flink_version(&self) -> Option<FlinkVersion> {
        self.flink_version_text()
            .and_then(Node::as_str)
            .and_then(FlinkVersion::from_operator_label)
    }

    pub fn has_job(&self) -> bool {
        self.spec(&["job"]).is_some_and(|j| !j.is_null())
    }

    /// `job.upgradeMode`, with the operator's default.
    pub fn upgrade_mode(&self) -> &'a str {
        self.spec_str(&["job", "upgradeMode"])
            .unwrap_or("stateless")
    }

    /// Whether Kubernetes (or any) HA is on in the effective configuration.
    pub fn ha_enabled(&self) -> bool {
        self.get_any(crate::flink::version::HA_TYPE_KEYS)
            .is_some_and(|e| {
                !e.value.trim().eq_ignore_ascii_case("none") && !e.value.trim().is_empty()
            })
    }

    /// Both JVMs' roles with their spec section names.
    pub const ROLES: [(&'static str, &'static str); 2] =
        [("jobmanager", "jobManager"), ("taskmanager", "taskManager")];
}

/// A `flinkConfiguration` mapping flattened the way the operator flattens it: nested maps
/// joined with `.`, lists joined with `;`, every scalar as text.
pub fn flatten_config(config: &Node) -> Vec<ConfEntry<'_>> {
    let mut out = Vec::new();
    flatten(config, String::new(), Origin::NONE, &mut out);
    out
}

fn flatten<'a>(n: &'a Node, prefix: String, key_origin: Origin, out: &mut Vec<ConfEntry<'a>>) {
    match &n.value {
        Value::Map(m) => {
            for e in m.iter() {
                let key = if prefix.is_empty() {
                    e.key.clone()
                } else {
                    format!("{prefix}.{}", e.key)
                };
                flatten(&e.value, key, e.key_origin.or(key_origin), out);
            }
        }
        Value::Seq(items) => {
            let value = items
                .iter()
                .filter_map(Node::scalar_text)
                .collect::<Vec<_>>()
                .join(";");
            out.push(ConfEntry {
                key: prefix,
                value,
                key_origin,
                value_origin: n.origin,
                node: n,
            });
        }
        Value::Null => out.push(ConfEntry {
            key: prefix,
            value: String::new(),
            key_origin,
            value_origin: n.origin,
            node: n,
        }),
        _ => out.push(ConfEntry {
            key: prefix,
            value: n.scalar_text().unwrap_or_default(),
            key_origin,
            value_origin: n.origin,
            node: n,
        }),
    }
}
