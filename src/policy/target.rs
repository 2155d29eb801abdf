//! What a rule looks at: one FlinkDeployment or FlinkSessionJob as it will be deployed, with
//! its environment's requirements, the platform's settings, and its neighbours.

use crate::facts::view::FlinkView;
use crate::spec::platform::Platform;
use crate::tree::{Node, Origin};

/// Whether rules look at flinkform's own output or at hand-written manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `check`/`render`: flinkform rendered the object and its neighbours.
    Render,
    /// `lint`: a hand-written manifest; objects outside the linted set are unknown, and rules
    /// that need them say nothing.
    Lint,
}

/// What the environment requires of the jobs in it.
#[derive(Debug, Clone, Copy)]
pub struct Requirements {
    pub high_availability: bool,
    pub stateful_upgrade: bool,
    /// Where the requirement is set (the platform config), for findings to point at as well.
    pub ha_origin: Origin,
    pub stateful_origin: Origin,
}

pub struct Target<'a> {
    pub view: FlinkView<'a>,
    pub mode: Mode,
    pub platform: &'a Platform,
    /// Environment name (lint: `--env`, default `prod`).
    pub env: String,
    /// Cluster name (lint: empty).
    pub cluster: String,
    /// Service name, for waivers and messages: the spec's name, or the manifest's name.
    pub service: String,
    pub requirements: Requirements,
    /// Other objects of the same service on the same cluster (render) or in the linted set.
    pub neighbours: Vec<&'a Node>,
    /// Where a finding points when the value it is about has no origin (it is missing, or
    /// flinkform chose it): the service spec's `spec` key, or the manifest's `spec` key.
    pub blame: Origin,
    /// For `check`: the service's merged spec tree, to find the spec line of a missing value
    /// (e.g. the `job` key when `upgradeMode` is not set).
    pub source: Option<&'a Node>,
    /// `fraud-detector (prod/prod-eu-1)`, or the manifest's file and name.
    pub subject: String,
}

impl<'a> Target<'a> {
    /// The best place to point for something under `spec` that has no origin: the deepest
    /// existing key on `path` in the source spec, else the object's own deepest node, else the
    /// target's blame.
    pub fn anchor(&self, path: &[&str]) -> Origin {
        let from = |root: &Node| {
            let mut best = Origin::NONE;
            let mut cur = root;
            for k in path {
                let Some(e) = cur.as_map().and_then(|m| m.entry(k)) else {
                    break;
                };
                best = e.key_origin.or(e.value.origin).or(best);
                cur = &e.value;
            }
            best
        };
        let in_source = self.source.map(from).unwrap_or_default();
        let in_object = self.view.object.get("spec").map(from).unwrap_or_default();
        in_source.or(in_object).or(self.blame)
    }

    /// Whether a neighbour of this kind exists.
    pub fn has_neighbour(&self, kind: &str) -> bool {
        self.neighbours
            .iter()
            .any(|n| n.get("kind").and_then(Node::as_str) == Some(kind))
    }

    pub fn is_render(&self) -> bool {
        self.mode == Mode::Render
    }
}

/// Requirements of a named environment: the platform's setting, or by name (`prod` and
/// `production` require HA and stateful upgrades).
pub fn requirements(platform: &Platform, env: &str) -> Requirements {
    match platform.environment(env) {
        Some(e) => Requirements {
            high_availability: e.require_ha.value,
            stateful_upgrade: e.require_stateful_upgrade.value,
            ha_origin: e.require_ha.origin,
            stateful_origin: e.require_stateful_upgrade.origin,
        },
        None => {
            let prod = matches!(env, "prod" | "production");
            Requirements {
                high_availability: prod,
                stateful_upgrade: prod,
                ha_origin: Origin::NONE,
                stateful_origin: Origin::NONE,
            }
        }
    }
}

/// What rules across targets know about a target: enough to find collisions (two deployments
/// in one namespace), never the whole object.
#[derive(Debug, Clone)]
pub struct Identity {
    pub kind: crate::facts::view::Kind,
    pub name: String,
    pub namespace: Option<String>,
    pub namespace_origin: Origin,
    /// Where a finding about the object as a whole points (its `kind`, else the target's blame).
    pub kind_origin: Origin,
    pub cluster: String,
    pub env: String,
    pub service: String,
    pub blame: Origin,
    pub subject: String,
}

impl Target<'_> {
    pub fn identity(&self) -> Identity {
        let ns = self.view.namespace();
        Identity {
            kind: self.view.kind(),
            name: self.view.name().to_string(),
            namespace: ns.and_then(Node::as_str).map(str::to_string),
            namespace_origin: ns.map_or(Origin::NONE, |n| n.origin),
            kind_origin: self
                .view
                .object
                .get("kind")
                .map_or(Origin::NONE, |k| k.origin),
            cluster: self.cluster.clone(),
            env: self.env.clone(),
            service: self.service.clone(),
            blame: self.blame,
            subject: self.subject.clone(),
        }
    }
}
