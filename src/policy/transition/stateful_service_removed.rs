use super::{Pair, TransitionRule};
use crate::flink::operator_keys::SAVEPOINT_ON_DELETION;
use crate::policy::Finding;

crate::declare_rule! {
    /// A stateful service is not deleted (or renamed, or taken off a cluster) without a plan for its state.
    ///
    /// ## What it checks
    /// A service whose FlinkDeployment keeps state (`upgradeMode: savepoint` or `last-state`)
    /// in the base revision has none on the same cluster after the change: its spec was
    /// deleted, renamed, or no longer names that environment. Also a stateful job that turns
    /// blue/green on or off (`blueGreen.enabled`) without restoring a savepoint: the
    /// FlinkDeployment and the FlinkBlueGreenDeployment are different objects, so Flux prunes
    /// one and the other starts its job afresh. The finding is at the spec in
    /// the base revision when the spec is gone (at its base path), else at the spec.
    ///
    /// ## Why
    /// Flux prunes what is no longer rendered: the FlinkDeployment and the service's
    /// Namespace, with the HA metadata and the service account in it. The operator then
    /// cancels the job; it takes a savepoint first only when
    /// `kubernetes.operator.job.savepoint-on-deletion` is true (default false,
    /// `ApplicationReconciler#cleanupInternal`; flinkform renders it `true` for every stateful
    /// service), and that savepoint's path outlives the deployment only as a
    /// `FlinkStateSnapshot` resource, which the operator creates when its snapshot resources
    /// are enabled. A rename also moves the `{service}` storage
    /// paths: the new deployment starts from empty state unless it restores the old job's
    /// savepoint.
    ///
    /// ## Example
    /// In the base revision `services/orders/service.yaml` upgrades with `savepoint`; the
    /// change deletes the file (or renames the service to `orders-v2`).
    ///
    /// ## Fix
    /// To retire a service: stop it with a savepoint first (`job.state: suspended`, merged and
    /// applied on its own), then delete the spec, and waive this finding for the deleting
    /// change. To rename one: give the new service `job.initialSavepointPath` pointing at the
    /// old job's last savepoint (docs/changes.md), and waive this finding for
    /// the old name. A new service, or one that was stateless, does not fire.
    pub struct StatefulServiceRemoved { name: "stateful-service-removed", severity: Error, category: Policy, kinds: [Deployment] }
}

/// Whether the new deployment restores a savepoint when it first starts.
fn restores_a_savepoint(head: &super::Side<'_>) -> bool {
    head.view
        .spec_str(&["job", "initialSavepointPath"])
        .is_some_and(|p| !p.trim().is_empty())
}

impl TransitionRule for StatefulServiceRemoved {
    fn check(&self, pair: &Pair<'_>, out: &mut Vec<Finding>) {
        let Some(base) = &pair.base else {
            return;
        };
        if !base.view.keeps_state() {
            return;
        }
        if let Some(head) = &pair.head {
            // Still on the cluster: a finding only when the job is replaced by another kind.
            if head.blue_green != base.blue_green && !restores_a_savepoint(head) {
                let (from, to) = if head.blue_green {
                    ("FlinkDeployment", "FlinkBlueGreenDeployment")
                } else {
                    ("FlinkBlueGreenDeployment", "FlinkDeployment")
                };
                // At the line that turns blue/green on or off, where the spec has one.
                let at = head.blue_green_at.or(head.blame);
                out.push(
                    Finding::new(
                        at,
                        format!(
                            "the stateful job `{}` on cluster `{}` moves from a {from} to a {to}: Flux prunes the old object, and the new one starts its job from empty state",
                            pair.service, pair.cluster
                        ),
                    )
                    .label("state not carried over")
                    .help("restore the new job from the old one's last savepoint (`job.restore` with a savepoint and a nonce, or `job.initialSavepointPath`), or waive this finding for the change"),
                );
            }
            return;
        }
        let suspended = base.view.spec_str(&["job", "state"]) == Some("suspended");
        let rename = match pair.added_on_cluster {
            [one] => format!(
                " (renamed to `{one}`? its storage paths move with the name, so it starts from empty state)"
            ),
            _ => String::new(),
        };
        let message = if suspended {
            format!(
                "the suspended stateful job `{}` is removed from cluster `{}`{rename}: Flux prunes its FlinkDeployment and Namespace; its last savepoint stays in storage, and only there",
                pair.service, pair.cluster
            )
        } else if base
            .view
            .get(SAVEPOINT_ON_DELETION)
            .is_some_and(|e| e.value.trim().eq_ignore_ascii_case("true"))
        {
            format!(
                "the stateful job `{}` is removed from cluster `{}`{rename}: Flux prunes its FlinkDeployment and Namespace; the operator stops the job with a savepoint (`{SAVEPOINT_ON_DELETION}`), whose path is kept only in a FlinkStateSnapshot, if the operator creates them",
                pair.service, pair.cluster
            )
        } else {
            format!(
                "the stateful job `{}` is removed from cluster `{}`{rename}: Flux prunes its FlinkDeployment and Namespace, and the operator cancels the job without a savepoint (`{SAVEPOINT_ON_DELETION}` is not `true`)",
                pair.service, pair.cluster
            )
        };
        out.push(
            Finding::new(base.blame, message)
                .label("stateful service removed")
                .help("suspend the job with a savepoint first and waive this finding for the deleting change; for a rename, restore the new service from the old job's savepoint (`job.initialSavepointPath`)"),
        );
    }
}
