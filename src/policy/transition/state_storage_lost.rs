use super::{Pair, TransitionRule, at_or_blame, both, shown, spec_origin, value};
use crate::flink::version::{CHECKPOINT_DIR_KEYS, HA_STORAGE_KEY, SAVEPOINT_DIR_KEYS};
use crate::policy::Finding;

crate::declare_rule! {
    /// A stateful job keeps its upgrade mode and the storage its state is in.
    ///
    /// ## What it checks
    /// For a job deployed with `upgradeMode: savepoint` or `last-state`, the change:
    /// * sets `upgradeMode: stateless`: the next upgrade cancels the job and starts it from
    ///   nothing;
    /// * removes or moves its checkpoint directory (`execution.checkpointing.dir` /
    ///   `state.checkpoints.dir`), its savepoint directory
    ///   (`execution.checkpointing.savepoint-dir` / `state.savepoints.dir`) or its HA storage
    ///   (`high-availability.storageDir`), or turns high availability off on a `last-state`
    ///   job.
    ///
    /// A change to the platform's storage templates changes every service at once: it is
    /// reported once, at that line of `flinkform.yaml`.
    ///
    /// ## Why
    /// The operator ignores an `upgradeMode` change on its own (`@SpecDiff(IGNORE)`), and
    /// carries out the next upgrade with the new mode: `stateless` cancels without a savepoint
    /// and starts empty (`AbstractJobReconciler#getJobUpgrade`). A last-state upgrade restores
    /// from the HA metadata, which points into the HA storage and to checkpoints by their
    /// old paths; with HA turned off in the same change the restore fails ("HA metadata is
    /// not available to restore from last state", `AbstractFlinkService#validateHaMetadataExists`).
    /// A moved checkpoint or savepoint directory makes the next restore start from the
    /// latest snapshot in the old place while new snapshots go elsewhere: retention, the
    /// operator's savepoint history and any manual restore look in the wrong place.
    ///
    /// ## Example
    /// In the base revision the job upgrades with `savepoint`; the change sets:
    /// ```yaml
    /// spec:
    ///   job:
    ///     upgradeMode: stateless
    /// ```
    ///
    /// ## Fix
    /// Keep the storage where it is, or copy the snapshots over before the change. When
    /// restoring from a chosen savepoint is intended, say so with `job.restore` in the spec
    /// (a new nonce acknowledges this change only, docs/changes.md); to start from nothing,
    /// waive the finding for this change in `flinkform.yaml`.
    pub struct StateStorageLost { name: "state-storage-lost", severity: Error, category: Policy, kinds: [Deployment] }
}

impl TransitionRule for StateStorageLost {
    fn check(&self, pair: &Pair<'_>, out: &mut Vec<Finding>) {
        let Some((base, head)) = both(pair) else {
            return;
        };
        if !base.view.keeps_state() {
            return;
        }
        if super::acknowledged(base, head) {
            return;
        }
        let help = "keep the job's state where it is; if starting over is intended, acknowledge it with `job.restore` or a waiver";
        if head.view.has_job() && head.view.upgrade_mode() == "stateless" {
            out.push(
                Finding::new(
                    at_or_blame(head, spec_origin(&head.view, &["job", "upgradeMode"])),
                    format!(
                        "the job upgraded with `{}` becomes `stateless`: its next upgrade cancels it and starts it from empty state",
                        base.view.upgrade_mode()
                    ),
                )
                .label("state dropped at the next upgrade")
                .help(help),
            );
            return;
        }
        if !head.view.has_job() {
            return;
        }
        for (what, keys) in [
            ("checkpoint directory", CHECKPOINT_DIR_KEYS),
            ("savepoint directory", SAVEPOINT_DIR_KEYS),
            ("HA storage", &[HA_STORAGE_KEY][..]),
        ] {
            let old = value(&base.view, keys);
            let new = value(&head.view, keys);
            if old.is_none() || old == new {
                continue;
            }
            let at = head.view.get_any(keys).map(|e| e.origin());
            let change = match new {
                None => "is removed".to_string(),
                Some(_) => format!("moves from {} to {}", shown(old), shown(new)),
            };
            out.push(
                Finding::new(
                    at_or_blame(head, at),
                    format!("the {what} of a stateful job {change}: its next upgrade does not find the snapshots where they are"),
                )
                .label(format!("{what} changed"))
                .help(help),
            );
        }
        if base.view.ha_enabled()
            && !head.view.ha_enabled()
            && head.view.upgrade_mode() == "last-state"
        {
            let at = head
                .view
                .get_any(crate::flink::version::HA_TYPE_KEYS)
                .map(|e| e.origin());
            out.push(
                Finding::new(
                    at_or_blame(head, at),
                    "high availability is turned off on a `last-state` job: the upgrade keeps the HA metadata but cannot restore from it",
                )
                .label("HA off")
                .help("switch to `upgradeMode: savepoint` in one change, then turn HA off in the next"),
            );
        }
    }
}
