use crate::diag::Severity;
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Node;

crate::declare_rule! {
    /// A FlinkStateSnapshot committed to Git keeps its savepoint's data when Flux deletes it.
    ///
    /// ## What it checks
    /// A FlinkStateSnapshot of a savepoint (`spec.savepoint`) that names its job
    /// (`spec.jobReference`) must set `spec.savepoint.disposeOnDelete: false`. Unset, it is
    /// `true` (even with `alreadyExists: true`). Checkpoint snapshots and savepoints without a
    /// `jobReference` are never disposed of, and are left alone.
    ///
    /// ## Why
    /// Flux prunes what it applied when it leaves Git (a snapshot file removed, the service
    /// retired, the Kustomization deleted). When a savepoint snapshot with `disposeOnDelete`
    /// is deleted, the operator deletes the savepoint's **data** through the referenced job;
    /// if that job is gone or not running, the snapshot cannot be deleted and stays
    /// `Terminating` (its finalizer then blocks the deletion of its namespace). Either way a
    /// commit that only meant to tidy up Git costs the savepoint. Savepoints the operator takes
    /// itself (periodic, upgrade) follow `kubernetes.operator.savepoint.dispose-on-delete`
    /// (default `false`); only hand-written ones default to disposal.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkStateSnapshot
    /// metadata: { name: orders-before-migration, namespace: orders }
    /// spec:
    ///   backoffLimit: 0
    ///   jobReference: { kind: FlinkDeployment, name: orders }
    ///   savepoint: {}
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkStateSnapshot
    /// metadata: { name: orders-before-migration, namespace: orders }
    /// spec:
    ///   backoffLimit: 0
    ///   jobReference: { kind: FlinkDeployment, name: orders }
    ///   savepoint: { disposeOnDelete: false }
    /// ```
    /// A snapshot is processed once: to take another savepoint from Git, add a snapshot with a
    /// new name (docs/spec.md, "Savepoints").
    ///
    /// A service spec cannot make this rule fire: flinkform renders no FlinkStateSnapshot
    /// (periodic savepoints are the operator's, `savepoints.interval`).
    pub struct SnapshotDataKept {
        name: "snapshot-data-kept", severity: Warning, category: Policy, kinds: [StateSnapshot],
        spec: false,
    }
}

impl Rule for SnapshotDataKept {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != Kind::StateSnapshot {
            return;
        }
        let Some(savepoint) = v.spec(&["savepoint"]).filter(|n| !n.is_null()) else {
            return;
        };
        if v.spec(&["jobReference"]).is_none_or(Node::is_null) {
            return;
        }
        let dispose = savepoint.get("disposeOnDelete").filter(|n| !n.is_null());
        let (at, label) = match dispose {
            Some(n) if n.as_bool() == Some(false) => return,
            Some(n) => (n.origin.or(t.anchor(&["savepoint"])), "disposeOnDelete"),
            None => (t.anchor(&["savepoint"]), "disposeOnDelete not set (true)"),
        };
        let job = v
            .spec_str(&["jobReference", "name"])
            .map_or_else(String::new, |n| {
                format!(" `{}`", crate::excerpt::quote(n))
            });
        out.push(
            Finding::new(
                at,
                format!(
                    "when Flux prunes `{}` the operator deletes the savepoint's data with it (or, with job{job} gone, the snapshot hangs in Terminating)",
                    crate::excerpt::quote(v.name())
                ),
            )
            .label(label)
            .help("set `spec.savepoint.disposeOnDelete: false` to keep the data when the object leaves Git")
            .severity(Severity::Warning),
        );
    }
}
