//! What a service's Flux Kustomization waits for: the `healthCheckExprs` (CEL, Flux 2.5 and
//! later) of its Flink object, per kind and per operator version.
//!
//! Generic health checks call a custom resource healthy as soon as its `observedGeneration`
//! matches (a FlinkDeployment: when the operator has read the spec, not when the job runs) or
//! at once (a FlinkBlueGreenDeployment has neither `observedGeneration` nor conditions), so
//! the expressions read the job's state. Flux evaluates `inProgress`, then `failed`, then
//! `current`; none true is "in progress", an evaluation error "unknown" (retried). Every
//! optional field is guarded with `has()`. What each status field means: project notes
//! `research-operator.md` §4.6.
//!
//! * FlinkDeployment: `lifecycleState` STABLE (or SUSPENDED for a suspended job) **and** the
//!   job running: the `Running` condition on operators that have it (1.15 and later), else
//!   `jobStatus.state` (STABLE alone is also true while the job restarts). FAILED is failed.
//! * FlinkBlueGreenDeployment: `blueGreenState` ACTIVE_BLUE or ACTIVE_GREEN with
//!   `jobStatus.state` RUNNING (SUSPENDED for a suspended job, which may stay
//!   INITIALIZING_BLUE); a transition or savepoint in progress is in progress; `jobStatus.state`
//!   FAILING or an `error` is failed. Its children (`-blue`/`-green`) are not Flux's: the
//!   check is on the object Flux applied.

use crate::facts::blue_green::KIND as BLUE_GREEN;

/// One `healthCheckExprs` entry's expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exprs {
    pub in_progress: Option<&'static str>,
    pub failed: &'static str,
    pub current: &'static str,
}

/// The expressions for a Flink object of `kind` on an operator of version `operator`, for a
/// job that is meant to run (`suspended: false`) or to be suspended.
pub fn exprs(kind: &str, operator: (u32, u32), suspended: bool) -> Exprs {
    if kind == BLUE_GREEN {
        return Exprs {
            in_progress: Some(
                "!has(status.blueGreenState) || (status.blueGreenState in ['INITIALIZING_BLUE', 'SAVEPOINTING_BLUE', 'SAVEPOINTING_GREEN', 'TRANSITIONING_TO_BLUE', 'TRANSITIONING_TO_GREEN'] && !(has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state in ['FAILING', 'SUSPENDED']))",
            ),
            failed: "(has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state == 'FAILING') || (has(status.error) && status.error != '')",
            current: if suspended {
                "has(status.blueGreenState) && status.blueGreenState in ['ACTIVE_BLUE', 'ACTIVE_GREEN', 'INITIALIZING_BLUE'] && has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state == 'SUSPENDED'"
            } else {
                "has(status.blueGreenState) && status.blueGreenState in ['ACTIVE_BLUE', 'ACTIVE_GREEN'] && has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state == 'RUNNING'"
            },
        };
    }
    Exprs {
        in_progress: None,
        failed: "has(status.lifecycleState) && status.lifecycleState == 'FAILED'",
        current: if suspended {
            "has(status.lifecycleState) && status.lifecycleState == 'SUSPENDED'"
        } else if crate::flink::operator::release(operator).running_condition {
            "has(status.lifecycleState) && status.lifecycleState == 'STABLE' && has(status.conditions) && status.conditions.exists(c, c.type == 'Running' && c.status == 'True')"
        } else {
            "has(status.lifecycleState) && status.lifecycleState == 'STABLE' && has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state == 'RUNNING'"
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deployment_reads_the_running_condition_from_1_15() {
        let on = |v| exprs("FlinkDeployment", v, false).current;
        assert!(on((1, 15)).contains("c.type == 'Running'"));
        assert!(on((1, 16)).contains("c.type == 'Running'"));
        assert!(!on((1, 14)).contains("conditions"));
        assert!(on((1, 14)).contains("status.jobStatus.state == 'RUNNING'"));
        assert!(on((1, 13)).contains("has(status.jobStatus.state)"));
        assert_eq!(
            exprs("FlinkDeployment", (1, 15), true).current,
            "has(status.lifecycleState) && status.lifecycleState == 'SUSPENDED'"
        );
        assert_eq!(exprs("FlinkDeployment", (1, 15), false).in_progress, None);
    }

    #[test]
    fn a_blue_green_deployment_reads_its_own_status() {
        let e = exprs(BLUE_GREEN, (1, 15), false);
        assert!(
            e.current
                .contains("status.blueGreenState in ['ACTIVE_BLUE', 'ACTIVE_GREEN']")
        );
        assert!(!e.current.contains("lifecycleState"));
        assert!(e.failed.contains("'FAILING'") && e.failed.contains("has(status.error)"));
        assert!(
            e.in_progress
                .is_some_and(|p| p.contains("TRANSITIONING_TO_GREEN"))
        );
        assert!(
            exprs(BLUE_GREEN, (1, 14), true)
                .current
                .contains("'SUSPENDED'")
        );
    }

    /// Every field read is guarded by `has()` before it is compared (an unguarded missing
    /// field is an evaluation error: Flux reports "unknown" and retries until its timeout).
    #[test]
    fn every_field_is_guarded() {
        for kind in ["FlinkDeployment", BLUE_GREEN] {
            for v in [(1, 13), (1, 14), (1, 15), (1, 16)] {
                for suspended in [false, true] {
                    let e = exprs(kind, v, suspended);
                    for text in [e.current, e.failed].into_iter().chain(e.in_progress) {
                        for field in [
                            "lifecycleState",
                            "blueGreenState",
                            "jobStatus.state",
                            "conditions",
                            "error",
                        ] {
                            let read = format!("status.{field} ");
                            if text.contains(&read) {
                                assert!(text.contains(&format!("has(status.{field})")), "{text}");
                            }
                        }
                    }
                }
            }
        }
    }
}
