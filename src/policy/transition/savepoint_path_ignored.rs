use super::{Pair, TransitionRule, at_or_blame, both, shown, spec_origin};
use crate::policy::Finding;

crate::declare_rule! {
    /// A changed `initialSavepointPath` on a running job does nothing by itself.
    ///
    /// ## What it checks
    /// `job.initialSavepointPath` is set or changed on a job that is already deployed (the
    /// service was on the cluster in the base revision), and `job.savepointRedeployNonce` does
    /// not change with it.
    ///
    /// ## Why
    /// The operator restores `initialSavepointPath` only at a job's first deployment. Later,
    /// the field is ignored (`@SpecDiff(IGNORE)` on `JobSpec.initialSavepointPath`) and not even
    /// recorded; the next upgrade restores the job's own latest savepoint or checkpoint. Only a
    /// new `savepointRedeployNonce` (operator 1.8 and later, `DiffType.SAVEPOINT_REDEPLOY`)
    /// makes it redeploy from that path, discarding the current state. The change looks
    /// effective in review and is not.
    ///
    /// ## Example
    /// In the base revision the service runs; the change sets:
    /// ```yaml
    /// spec:
    ///   job:
    ///     initialSavepointPath: s3://flink-prod/orders/savepoints/savepoint-1a2b3c
    /// ```
    ///
    /// ## Fix
    /// To restore a running job from a chosen savepoint, use `job.restore` with the savepoint
    /// and a new nonce (docs/changes.md). For a service deployed for the first time (a new
    /// service, or one renamed) `initialSavepointPath` works as is and this rule does not fire.
    pub struct SavepointPathIgnored { name: "savepoint-path-ignored", severity: Warning, category: Policy, kinds: [Deployment] }
}

const PATH: &[&str] = &["job", "initialSavepointPath"];
const NONCE: &[&str] = &["job", "savepointRedeployNonce"];

impl TransitionRule for SavepointPathIgnored {
    fn check(&self, pair: &Pair<'_>, out: &mut Vec<Finding>) {
        let Some((base, head)) = both(pair) else {
            return;
        };
        if !base.view.has_job() || !head.view.has_job() {
            return;
        }
        let old = base.view.spec_str(PATH);
        let Some(new) = head.view.spec_str(PATH) else {
            return;
        };
        if old == Some(new) {
            return;
        }
        let nonce = |v: &crate::facts::view::FlinkView<'_>| {
            v.spec(NONCE).map(crate::tree::Node::without_origins)
        };
        let new_nonce = nonce(&head.view);
        if new_nonce.as_ref().is_some_and(|n| !n.is_null()) && new_nonce != nonce(&base.view) {
            return;
        }
        out.push(
            Finding::new(
                at_or_blame(head, spec_origin(&head.view, PATH)),
                format!(
                    "`initialSavepointPath` changes from {} to `{new}` on a job that is already deployed: the operator ignores it, and the job keeps restoring its own state",
                    shown(old)
                ),
            )
            .label("ignored by the operator")
            .help("to restore this savepoint, use `job.restore` with the savepoint and a new nonce"),
        );
    }
}
