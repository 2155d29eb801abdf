use super::{Pair, TransitionRule, at_or_blame, spec_origin, stateful_unacknowledged};
use crate::diag::Severity;
use crate::policy::Finding;

crate::declare_rule! {
    /// A Flink version change on a stateful job goes through a savepoint, in its own commit.
    ///
    /// ## What it checks
    /// `flinkVersion` changes on a job that keeps state, and:
    /// * the new spec's `upgradeMode` is `last-state`: an error for a major version change
    ///   (1.x → 2.x), a warning for a minor one;
    /// * or `job.state` changes to `suspended` in the same change (a warning).
    ///
    /// ## Why
    /// In `last-state` mode the operator upgrades a version change with a savepoint only when
    /// the job is running and a savepoint directory is set; otherwise it cancels the job and
    /// restores the last checkpoint with the new version (`AbstractJobReconciler#getJobUpgrade`,
    /// "Using savepoint to upgrade Flink version"). A checkpoint is not portable across major
    /// versions, and an unaligned one not even across minor versions (Flink's "Checkpoints
    /// vs. Savepoints" table). Suspending and changing the version in one commit gets past the
    /// operator's validator, which rejects a version change only after a last-state suspend
    /// was already applied (`DefaultValidator#validateFlinkVersion`); the resume then depends
    /// on how the suspend went.
    ///
    /// ## Example
    /// In the base revision the job runs Flink 1.20 with `upgradeMode: last-state`; the change
    /// sets:
    /// ```yaml
    /// spec:
    ///   flinkVersion: "2.1"
    /// ```
    ///
    /// ## Fix
    /// Upgrade with `upgradeMode: savepoint` (merge the mode first, then the version), while
    /// the job runs; suspend in one change and change the version in another.
    pub struct FlinkMajorUpgrade { name: "flink-major-upgrade", severity: Error, category: Policy, kinds: [Deployment] }
}

impl TransitionRule for FlinkMajorUpgrade {
    fn check(&self, pair: &Pair<'_>, out: &mut Vec<Finding>) {
        let Some((base, head)) = stateful_unacknowledged(pair) else {
            return;
        };
        let (Some(old), Some(new)) = (base.view.flink_version(), head.view.flink_version()) else {
            return;
        };
        if old == new {
            return;
        }
        let at = at_or_blame(head, spec_origin(&head.view, &["flinkVersion"]));
        if head.view.upgrade_mode() == "last-state" {
            let major = old.major != new.major;
            let mut f = Finding::new(
                at,
                format!(
                    "Flink {old} → {new} on a `last-state` job: unless the job is running and has a savepoint directory when the operator upgrades it, it restores a checkpoint written by Flink {old}{}",
                    if major { ", which Flink " } else { "" }
                ) + if major { "does not restore across major versions" } else { "" },
            )
            .label("version change")
            .help("merge `job.upgradeMode: savepoint` first, then the version change, while the job runs");
            if !major {
                f = f.severity(Severity::Warning);
            }
            out.push(f);
        }
        let was = base.view.spec_str(&["job", "state"]).unwrap_or("running");
        let now = head.view.spec_str(&["job", "state"]).unwrap_or("running");
        if was != "suspended" && now == "suspended" {
            out.push(
                Finding::new(
                    at_or_blame(head, spec_origin(&head.view, &["job", "state"])),
                    format!("the job is suspended and its Flink version changes ({old} → {new}) in one change: the operator's check for a version change after a last-state suspend does not see it"),
                )
                .label("suspend with version change")
                .also(at, "version change")
                .severity(Severity::Warning)
                .help("suspend in one change and change the version in the next"),
            );
        }
    }
}
