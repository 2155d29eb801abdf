use super::{
    Pair, TransitionRule, at_or_blame, parallelism, spec_origin, stateful_unacknowledged, value,
};
use crate::policy::Finding;

crate::declare_rule! {
    /// The max parallelism a stateful job's snapshots were written with still fits after the change.
    ///
    /// ## What it checks
    /// For a job that keeps state across the upgrade (deployed with `upgradeMode: savepoint` or
    /// `last-state`, and not made stateless by the change):
    /// * `pipeline.max-parallelism` set on both sides to different values: fires (error);
    /// * set before and removed now: fires when the new `job.parallelism` is above the old
    ///   max parallelism (Flink adopts the snapshot's value, which must still fit);
    /// * unset before and set now: fires unless the new value equals the max parallelism
    ///   Flink derived for the old parallelism (warning: flinkform cannot see the snapshot);
    /// * unset on both sides and `job.parallelism` raised: fires when the new parallelism is
    ///   above the derived max parallelism of the old one (error), or above 128 and the old
    ///   parallelism (warning: the state's value was fixed at the job's first stateful start,
    ///   with whatever parallelism it had then, and is at least 128).
    ///
    /// The derived value is Flink's `KeyGroupRangeAssignment.computeDefaultMaxParallelism`:
    /// `min(max(roundUpToPowerOfTwo(p + p / 2), 128), 32768)`, so 128 up to parallelism 85,
    /// 256 up to 170, 512 up to 341.
    ///
    /// ## Why
    /// The max parallelism is the number of key groups keyed state is split into; it is
    /// recorded in every checkpoint and savepoint. On restore Flink
    /// (`Checkpoints#loadAndValidateCheckpoint` and
    /// `StateAssignmentOperation#checkParallelismPreconditions`, unchanged from 1.15 to 2.3)
    /// rejects an explicit max parallelism that differs from the snapshot's ("Max parallelism
    /// mismatch between checkpoint/savepoint state and new program") and a parallelism above
    /// the snapshot's max parallelism ("The maximum parallelism (128) of the restored state is
    /// lower than the configured parallelism (200)"). A max parallelism never set explicitly
    /// is derived again at every submission, but replaced by the snapshot's when state is
    /// restored (`SchedulerBase#computeVertexParallelismStore`, `canRescaleMaxParallelism`).
    /// The job then fails to start after the merge, and only a stateless start recovers it.
    ///
    /// ## Example
    /// In the base revision `services/orders/service.yaml` has `parallelism: 4` and
    /// `pipeline.max-parallelism: "128"`; the change sets:
    /// ```yaml
    /// spec:
    ///   flinkConfiguration:
    ///     pipeline.max-parallelism: "256"
    /// ```
    ///
    /// ## Fix
    /// Keep the max parallelism a stateful job started with, and set it explicitly at the
    /// first deployment (a value that leaves room to scale, e.g. 720 or 1024). To change it,
    /// the state has to be rebuilt (start stateless, or migrate it with the State Processor
    /// API); say so in the spec with `job.restore` (docs/changes.md).
    ///
    /// A parallelism change within the max parallelism (e.g. 4 → 8 with no max parallelism
    /// set) does not fire.
    pub struct MaxParallelismChanged { name: "max-parallelism-changed", severity: Error, category: Policy, kinds: [Deployment] }
}

const KEY: &str = "pipeline.max-parallelism";
const KEYS: &[&str] = &[KEY];

/// Flink's derived max parallelism for an operator parallelism.
pub fn default_max_parallelism(p: i64) -> i64 {
    let p = p.clamp(1, 32768);
    let wanted = p + p / 2;
    let pow = (wanted as u64).next_power_of_two() as i64;
    pow.clamp(128, 32768)
}

impl TransitionRule for MaxParallelismChanged {
    fn check(&self, pair: &Pair<'_>, out: &mut Vec<Finding>) {
        let Some((base, head)) = stateful_unacknowledged(pair) else {
            return;
        };
        let parse = |s: Option<&str>| s.and_then(|s| s.parse::<i64>().ok());
        let old_max = parse(value(&base.view, KEYS));
        let new_max = parse(value(&head.view, KEYS));
        let old_p = parallelism(&base.view).unwrap_or(1);
        let new_p = parallelism(&head.view).unwrap_or(1);
        let max_at = head.view.get(KEY).map(|e| e.origin());
        let p_at = spec_origin(&head.view, &["job", "parallelism"]);
        let help = "keep the max parallelism the job's state was written with; set `pipeline.max-parallelism` explicitly at first deployment, and acknowledge a deliberate state reset with `job.restore`";
        match (old_max, new_max) {
            (Some(a), Some(b)) if a != b => out.push(
                Finding::new(
                    at_or_blame(head, max_at),
                    format!("the max parallelism changes from {a} to {b}: the job's savepoints and checkpoints cannot be restored"),
                )
                .label(format!("was {a}"))
                .help(help),
            ),
            (Some(a), None) if new_p > a => out.push(
                Finding::new(
                    at_or_blame(head, p_at),
                    format!("the parallelism {new_p} is above the max parallelism {a} the job's state was written with: it cannot be restored"),
                )
                .label(format!("above {a}"))
                .help(help),
            ),
            (None, Some(b)) if b != default_max_parallelism(old_p) => out.push(
                Finding::new(
                    at_or_blame(head, max_at),
                    format!(
                        "the max parallelism is set to {b}, but the job's state was written with the derived value (at most {}, for parallelism {old_p}; 128 if the job first started with parallelism 85 or less): it cannot be restored",
                        default_max_parallelism(old_p)
                    ),
                )
                .label("first set on a stateful job")
                .severity(crate::diag::Severity::Warning)
                .help(help),
            ),
            (None, None) if new_p > old_p => {
                let derived = default_max_parallelism(old_p);
                if new_p > derived {
                    out.push(
                        Finding::new(
                            at_or_blame(head, p_at),
                            format!("the parallelism rises from {old_p} to {new_p}, above the max parallelism the job's state was written with (at most {derived}, derived from parallelism {old_p}): it cannot be restored"),
                        )
                        .label(format!("above {derived}"))
                        .help(help),
                    );
                } else if new_p > 128 {
                    out.push(
                        Finding::new(
                            at_or_blame(head, p_at),
                            format!("the parallelism rises from {old_p} to {new_p}, above 128: if the job first started with parallelism 85 or less, its state has max parallelism 128 and cannot be restored"),
                        )
                        .label("above 128")
                        .severity(crate::diag::Severity::Warning)
                        .help(help),
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::default_max_parallelism as d;

    /// The values measured with Flink 1.15.4, 2.1.1 and 2.3.0 (`KeyGroupRangeAssignment`
    /// `#computeDefaultMaxParallelism` of each release).
    #[test]
    fn derived_max_parallelism_matches_flink() {
        for (p, want) in [
            (1, 128),
            (10, 128),
            (85, 128),
            (86, 256),
            (171, 256),
            (172, 512),
            (341, 512),
            (342, 1024),
            (1000, 2048),
            (10923, 16384),
            (21845, 32768),
            (32768, 32768),
        ] {
            assert_eq!(d(p), want, "parallelism {p}");
        }
    }
}
