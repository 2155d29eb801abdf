//! Transition rules: policy over a *change*, not an end state. `check --base REF` compiles the
//! base revision too and pairs each service's FlinkDeployment on each cluster across the two
//! sides ([`Pair`]); every rule here looks at one pair. What they guard is the job's state
//! across the upgrade the operator will perform: a manifest that is valid on its own can still
//! make the next upgrade fail to restore, or silently start from nothing.
//!
//! The operator's behaviour they rely on (apache/flink-kubernetes-operator, 1.13.0 to main,
//! where it is unchanged): the reconciler diffs the last reconciled `spec` against the new one
//! (`ReflectiveDiffBuilder`); `flinkConfiguration` keys under `kubernetes.operator`,
//! `job.autoscaler` and `parallelism.default`, and `job.upgradeMode`,
//! `job.initialSavepointPath` and `job.allowNonRestoredState`, are ignored (`@SpecDiff(IGNORE)`
//! in `AbstractFlinkSpec` / `JobSpec`); every other spec field is an upgrade, carried out with
//! the *new* spec's upgrade mode (`AbstractJobReconciler#getJobUpgrade`).
//!
//! Rules are declared with the same [`crate::declare_rule!`] as the end-state rules, get their
//! severity per environment and their waivers from the platform config the same way, and are
//! listed in `docs/rules.md` under "Transition rules".

mod flink_major_upgrade;
mod max_parallelism_changed;
mod restart_without_need;
mod savepoint_path_ignored;
mod state_backend_switch;
mod state_storage_lost;
mod stateful_service_removed;

use super::rule::Finding;
use crate::facts::view::{ConfEntry, FlinkView};
use crate::tree::{Node, Origin};

/// One side of a pair: the FlinkDeployment as rendered there, and its spec's origin.
pub struct Side<'a> {
    /// The FlinkDeployment, or a FlinkBlueGreenDeployment's template (the FlinkDeployment its
    /// children are made from).
    pub view: FlinkView<'a>,
    /// The service spec (its `spec` key): where a finding goes that has no better line.
    pub blame: Origin,
    /// Rendered as a FlinkBlueGreenDeployment: every change switches to a new child that
    /// starts from a savepoint of the running one.
    pub blue_green: bool,
    /// Where the head's spec says `blueGreen` (its `enabled` key); none on the base side.
    pub blue_green_at: Origin,
}

/// A service's FlinkDeployment on one cluster, before (base) and after (head) the change.
/// At least one side is present; a missing base is a new service, a missing head a service
/// deleted (or removed from this cluster).
pub struct Pair<'a> {
    pub base: Option<Side<'a>>,
    pub head: Option<Side<'a>>,
    pub cluster: &'a str,
    pub env: &'a str,
    pub service: &'a str,
    /// Services that are new in this change on the same cluster (to name a likely rename).
    pub added_on_cluster: &'a [String],
}

/// A transition rule: its metadata from [`crate::declare_rule!`], and its check of one pair.
pub trait TransitionRule: super::rule::Declared + Sync {
    fn check(&self, pair: &Pair<'_>, out: &mut Vec<Finding>);
}

/// Every transition rule, sorted by name.
pub static ALL: &[&dyn TransitionRule] = &[
    &flink_major_upgrade::FlinkMajorUpgrade,
    &max_parallelism_changed::MaxParallelismChanged,
    &restart_without_need::RestartWithoutNeed,
    &savepoint_path_ignored::SavepointPathIgnored,
    &state_backend_switch::StateBackendSwitch,
    &state_storage_lost::StateStorageLost,
    &stateful_service_removed::StatefulServiceRemoved,
];

pub fn registry() -> &'static [&'static dyn TransitionRule] {
    ALL
}

pub fn find(name: &str) -> Option<&'static dyn TransitionRule> {
    ALL.iter().copied().find(|r| r.meta().name == name)
}

/// Both sides, when the service is on this cluster before and after, as the same kind (a
/// change between a FlinkDeployment and a FlinkBlueGreenDeployment replaces the job: see
/// `stateful-service-removed`).
pub fn both<'p, 'a>(p: &'p Pair<'a>) -> Option<(&'p Side<'a>, &'p Side<'a>)> {
    let (base, head) = (p.base.as_ref()?, p.head.as_ref()?);
    (base.blue_green == head.blue_green).then_some((base, head))
}

/// Both sides, when the job keeps state on both and no `job.restore` acknowledges this change:
/// the pairs that rules about restoring state judge.
pub fn stateful_unacknowledged<'p, 'a>(p: &'p Pair<'a>) -> Option<(&'p Side<'a>, &'p Side<'a>)> {
    let (base, head) = both(p)?;
    (base.view.keeps_state() && head.view.keeps_state() && !acknowledged(base, head))
        .then_some((base, head))
}

/// The effective value of the first of `keys` set (trimmed; blank counts as unset).
pub fn value<'v>(v: &'v FlinkView<'_>, keys: &[&str]) -> Option<&'v str> {
    v.get_any(keys)
        .map(|e| e.value.trim())
        .filter(|s| !s.is_empty())
}

/// The entry for the first of `keys` that is set on the head, for locations.
pub fn entry<'v, 'a>(v: &'v FlinkView<'a>, keys: &[&str]) -> Option<&'v ConfEntry<'a>> {
    v.get_any(keys)
}

/// Where a head value is, else the head spec (a removed setting has no line of its own).
pub fn at_or_blame(head: &Side<'_>, origin: Option<Origin>) -> Origin {
    origin.unwrap_or(Origin::NONE).or(head.blame)
}

/// The origin of a spec node on a side, if the node exists.
pub fn spec_origin(v: &FlinkView<'_>, path: &[&str]) -> Option<Origin> {
    v.spec(path).map(Node::any_origin)
}

/// Whether the change acknowledges a state reset: it sets a new `job.savepointRedeployNonce`
/// (from the spec's `job.restore`), so the operator redeploys the job from the chosen
/// savepoint, discarding its current state, and a person said so in this change. The next
/// change, with the same nonce, is judged again.
pub fn acknowledged(base: &Side<'_>, head: &Side<'_>) -> bool {
    let nonce = |v: &FlinkView<'_>| {
        v.spec(&["job", "savepointRedeployNonce"])
            .filter(|n| !n.is_null())
            .map(Node::without_origins)
    };
    let new = nonce(&head.view);
    new.is_some() && new != nonce(&base.view)
}

/// `job.parallelism` as an integer.
pub fn parallelism(v: &FlinkView<'_>) -> Option<i64> {
    v.spec(&["job", "parallelism"]).and_then(Node::as_i64)
}

/// How to write what is unset in a message.
pub fn shown(v: Option<&str>) -> String {
    v.map_or_else(|| "unset".to_string(), |s| format!("`{s}`"))
}
