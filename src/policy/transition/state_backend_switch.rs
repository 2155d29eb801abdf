use super::{Pair, TransitionRule, at_or_blame, shown, stateful_unacknowledged, value};
use crate::flink::version::STATE_BACKEND_KEYS;
use crate::policy::Finding;

crate::declare_rule! {
    /// A state backend switch goes through a canonical savepoint, not a checkpoint.
    ///
    /// ## What it checks
    /// The state backend (`state.backend.type`, or `state.backend` before Flink 1.17) changes
    /// kind on a job that keeps state, and the upgrade restores from a format tied to the old
    /// backend: the new spec's `upgradeMode` is `last-state` (the operator restores the latest
    /// checkpoint), or it is `savepoint` with
    /// `kubernetes.operator.savepoint.format.type: NATIVE`. `hashmap`, `filesystem`,
    /// `jobmanager` and unset are one kind (the heap backend); `rocksdb` and `forst` are others
    /// (names are case-insensitive, as in Flink's `StateBackendLoader`).
    ///
    /// ## Why
    /// Checkpoints and native savepoints are in the backend's own format; only a canonical
    /// savepoint can be restored into another backend (Flink's "Checkpoints vs. Savepoints"
    /// table; measured on 1.20.3 and 2.1.1: "Unexpected state handle type … This can mostly
    /// happen when a different StateBackend from the one that was used for taking a
    /// checkpoint/savepoint is used when restoring"). The operator has no special handling
    /// for a backend switch: it is a plain upgrade, and in `last-state` mode it restores the
    /// last checkpoint, so the job restart-loops after the merge. Its savepoint upgrades use
    /// `kubernetes.operator.savepoint.format.type`, canonical by default.
    ///
    /// ## Example
    /// In the base revision the job runs on `rocksdb` with `upgradeMode: last-state`; the
    /// change sets:
    /// ```yaml
    /// spec:
    ///   stateBackend: hashmap
    /// ```
    ///
    /// ## Fix
    /// Switch in two steps: first set `job.upgradeMode: savepoint` (merged alone it changes
    /// nothing on the running job), then switch the backend; the operator stops the job with
    /// a canonical savepoint and restores it into the new backend. A savepoint-mode job whose
    /// job is unhealthy falls back to last-state: switch while it runs.
    pub struct StateBackendSwitch { name: "state-backend-switch", severity: Error, category: Policy, kinds: [Deployment] }
}

const FORMAT_KEY: &str = "kubernetes.operator.savepoint.format.type";

/// The backend's snapshot format family.
fn kind(name: Option<&str>) -> String {
    match name.map(str::to_ascii_lowercase).as_deref() {
        None | Some("hashmap" | "filesystem" | "jobmanager") => "hashmap".to_string(),
        Some(other) => other.to_string(),
    }
}

impl TransitionRule for StateBackendSwitch {
    fn check(&self, pair: &Pair<'_>, out: &mut Vec<Finding>) {
        let Some((base, head)) = stateful_unacknowledged(pair) else {
            return;
        };
        let old = value(&base.view, STATE_BACKEND_KEYS);
        let new = value(&head.view, STATE_BACKEND_KEYS);
        if kind(old) == kind(new) {
            return;
        }
        let mode = head.view.upgrade_mode();
        let native =
            value(&head.view, &[FORMAT_KEY]).is_some_and(|f| f.eq_ignore_ascii_case("native"));
        let how = match mode {
            // A blue/green switch starts the new child from a savepoint, whatever the mode.
            "last-state" if !head.blue_green => {
                "the upgrade restores the latest checkpoint (`upgradeMode: last-state`)"
            }
            _ if native => {
                "the upgrade takes a native savepoint (`kubernetes.operator.savepoint.format.type: NATIVE`)"
            }
            _ => return,
        };
        let at = head.view.get_any(STATE_BACKEND_KEYS).map(|e| e.origin());
        out.push(
            Finding::new(
                at_or_blame(head, at),
                format!(
                    "the state backend changes from {} to {} and {how}, which is in the old backend's format: the job cannot restore its state",
                    shown(old),
                    shown(new)
                ),
            )
            .label("state backend switch")
            .help("switch through a canonical savepoint: merge `job.upgradeMode: savepoint` first, then the backend change"),
        );
    }
}
