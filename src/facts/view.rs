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
pub use crate::flink_conf::{ConfEntry, flatten_config};
use crate::tree::Node;
use std::sync::OnceLock;

pub struct FlinkView<'a> {
    /// The object the rules read: the FlinkDeployment or FlinkSessionJob, or a
    /// FlinkBlueGreenDeployment's template seen as a FlinkDeployment.
    pub object: &'a Node,
    /// The FlinkBlueGreenDeployment `object` is the template of.
    blue_green: Option<&'a Node>,
    /// The object's `spec`, found once: the rules read it some hundred times per object.
    spec: Option<&'a Node>,
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
        let spec = object.get("spec");
        let conf = spec
            .and_then(|s| s.get("flinkConfiguration"))
            .map(flatten_config)
            .unwrap_or_default();
        FlinkView {
            object,
            blue_green: None,
            spec,
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
        self.spec?.path(path)
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

    /// Whether the job carries state into its next upgrade: it has a job and is not deployed
    /// `stateless` (a job deployed stateless has no savepoint or checkpoint the operator would
    /// restore, whatever mode the next spec asks for).
    pub fn keeps_state(&self) -> bool {
        self.has_job() && is_stateful_mode(self.upgrade_mode())
    }

    /// Whether Kubernetes (or any) HA is on in the effective configuration, or through a
    /// vendor's own switch ([`crate::facts::dialect::Dialect::vendor_ha_on`]).
    pub fn ha_enabled(&self) -> bool {
        self.get_any(crate::flink::version::HA_TYPE_KEYS)
            .is_some_and(|e| {
                !e.value.trim().eq_ignore_ascii_case("none") && !e.value.trim().is_empty()
            })
            || crate::facts::dialect::Dialect::of(self).vendor_ha_on(self)
    }

    /// Where HA metadata goes: `high-availability.storageDir`, or a vendor's own field for it
    /// (EMR on EKS's `jobManager.storageDir`, as an entry of that name).
    pub fn ha_storage(&self) -> Option<ConfEntry<'a>> {
        if let Some(e) = self.get(crate::flink::version::HA_STORAGE_KEY) {
            return Some(e.clone());
        }
        let node = crate::facts::dialect::Dialect::of(self).vendor_ha_storage(self)?;
        let key_origin = self
            .spec(&["jobManager"])
            .and_then(Node::as_map)
            .and_then(|m| m.entry("storageDir"))
            .map_or(node.origin, |e| e.key_origin);
        Some(ConfEntry {
            key: "jobManager.storageDir".into(),
            value: node.scalar_text().unwrap_or_default(),
            key_origin,
            value_origin: node.origin,
            node,
        })
    }

    /// Both JVMs' roles with their spec section names.
    pub const ROLES: [(&'static str, &'static str); 2] =
        [("jobmanager", "jobManager"), ("taskmanager", "taskManager")];
}

/// Whether an upgrade mode restores state: `savepoint` and `last-state` do (and so need a
/// checkpoint directory, and a savepoint when the job is deleted); `stateless` does not. The
/// operator's values are case-sensitive.
pub fn is_stateful_mode(mode: &str) -> bool {
    matches!(mode, "savepoint" | "last-state")
}
