//! What a service's Flux Kustomization waits for: the `healthCheckExprs` (CEL, Flux 2.5 and
//! later) of its Flink object, per kind and per operator version.
//!
//! Generic health checks call a custom resource healthy as soon as its `observedGeneration`
//! matches (a FlinkDeployment: when the operator has read the spec, not when the job runs) or
//! at once (a FlinkBlueGreenDeployment has neither `observedGeneration` nor conditions), so
//! the expressions read the job's state. Flux evaluates `inProgress`, then `failed`, then
//! `current`; none true is "in progress", an evaluation error "unknown" (retried). Every
//! optional field is guarded with `has()`. What each status field means: the operator's
//! `FlinkDeploymentStatus`, `FlinkBlueGreenDeploymentStatus` and `CommonStatus` (tags
//! `release-1.13.0` to `main`).
//!
//! * FlinkDeployment: `lifecycleState` STABLE (or SUSPENDED for a suspended job) **and** the
//!   job running: the `Running` condition on operators that have it (1.15 and later), else
//!   `jobStatus.state` (STABLE alone is also true while the job restarts). FAILED is failed.
//! * FlinkBlueGreenDeployment: `blueGreenState` ACTIVE_BLUE or ACTIVE_GREEN with
//!   `jobStatus.state` RUNNING (SUSPENDED for a suspended job, which may stay
//!   INITIALIZING_BLUE); a transition or savepoint in progress is in progress; `jobStatus.state`
//!   FAILING or an `error` is failed. Its children (`-blue`/`-green`) are not Flux's: the
//!   check is on the object Flux applied.
//!
//! **Stale status.** Flux checks right after it applies a change, when the status may still
//! describe the previous spec (the operator has not reconciled yet) and read as healthy:
//! * FlinkDeployment: guarded without anything in the expressions. Flux's evaluator
//!   (fluxcd/pkg `runtime/cel/status_evaluator.go`, `StatusEvaluator.Evaluate`, as of Flux
//!   2.5: RFC-0009) returns "in progress" without evaluating them while
//!   `status.observedGeneration` differs from `metadata.generation`. The operator sets
//!   `observedGeneration` only together with `reconciliationStatus.lastReconciledSpec`
//!   (`ReconciliationStatus.serializeAndSetLastReconciledSpec`, and
//!   `ReconciliationUtils.updateReconciliationMetadata` for a change its diff ignores;
//!   tags 1.13.0 – main), and `lifecycleState` is `STABLE` only once that spec is also the last
//!   stable one (`CommonStatus.getLifecycleState`: `UPGRADING`/`DEPLOYED` until then).
//! * FlinkBlueGreenDeployment: its status has no `observedGeneration`
//!   (`FlinkBlueGreenDeploymentStatus`, 1.14.0 – main), so Flux's evaluator cannot tell, and
//!   `ACTIVE_*` with `RUNNING` from before a change would pass at once. What marks the new
//!   spec as taken is `status.lastReconciledSpec`, the whole spec as compact JSON
//!   (`BlueGreenUtils.setLastReconciledSpec`, `SpecUtils.writeSpecAsJSON` with a plain
//!   Jackson `ObjectMapper`), written whenever the operator acts on a template change (switch,
//!   patch, suspend, resume, or `FAILING` when it cannot switch). CEL cannot serialize the
//!   spec to compare, so `render::blue_green` puts a digest of `template.spec` in
//!   `template.metadata.annotations`
//!   ([`crate::facts::blue_green::TEMPLATE_DIGEST_ANNOTATION`]; the operator ignores
//!   template metadata for the children but records it), and `current` and `failed` hold only
//!   while `lastReconciledSpec` contains `"<annotation>":"<digest>"` of the applied object. A
//!   change outside the template (`configuration`, `ingress`) leaves the digest as it was:
//!   the operator does not act on it as a template change either (its diff compares only
//!   `template.spec`). A job suspended from the start stays `INITIALIZING_BLUE` with no
//!   `lastReconciledSpec` (`InitializingBlueStateHandler`): that state is healthy for a
//!   suspended job without the mark.

use crate::facts::blue_green::KIND as BLUE_GREEN;

/// One `healthCheckExprs` entry's expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exprs {
    pub in_progress: Option<&'static str>,
    pub failed: &'static str,
    pub current: &'static str,
}

/// CEL: the operator has taken the template of the applied FlinkBlueGreenDeployment, its
/// `status.lastReconciledSpec` holds the template's digest annotation (module comment). The
/// annotation's name is [`crate::facts::blue_green::TEMPLATE_DIGEST_ANNOTATION`] (a test holds
/// them together).
macro_rules! template_taken {
    () => {
        "has(spec.template) && has(spec.template.metadata) && has(spec.template.metadata.annotations) && 'flinkform.dev/template-digest' in spec.template.metadata.annotations && has(status.lastReconciledSpec) && status.lastReconciledSpec.contains('\"flinkform.dev/template-digest\":\"' + spec.template.metadata.annotations['flinkform.dev/template-digest'] + '\"')"
    };
}

/// The expressions for a Flink object of `kind` on an operator of version `operator`, for a
/// job that is meant to run (`suspended: false`) or to be suspended.
pub fn exprs(kind: &str, operator: (u32, u32), suspended: bool) -> Exprs {
    if kind == BLUE_GREEN {
        return Exprs {
            in_progress: Some(
                "!has(status.blueGreenState) || (status.blueGreenState in ['INITIALIZING_BLUE', 'SAVEPOINTING_BLUE', 'SAVEPOINTING_GREEN', 'TRANSITIONING_TO_BLUE', 'TRANSITIONING_TO_GREEN'] && !(has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state in ['FAILING', 'SUSPENDED']))",
            ),
            failed: concat!(
                "((has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state == 'FAILING') || (has(status.error) && status.error != '')) && ",
                template_taken!()
            ),
            current: if suspended {
                concat!(
                    "has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state == 'SUSPENDED' && has(status.blueGreenState) && (status.blueGreenState == 'INITIALIZING_BLUE' || (status.blueGreenState in ['ACTIVE_BLUE', 'ACTIVE_GREEN'] && ",
                    template_taken!(),
                    "))"
                )
            } else {
                concat!(
                    "has(status.blueGreenState) && status.blueGreenState in ['ACTIVE_BLUE', 'ACTIVE_GREEN'] && has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state == 'RUNNING' && ",
                    template_taken!()
                )
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

    /// A blue/green check passes only on the status of the template Flux applied: its digest
    /// annotation quoted as the operator's JSON writes it, in `lastReconciledSpec`.
    #[test]
    fn a_blue_green_check_waits_for_the_operator_to_take_the_template() {
        let name = crate::facts::blue_green::TEMPLATE_DIGEST_ANNOTATION;
        let taken = format!(
            "'{name}' in spec.template.metadata.annotations && has(status.lastReconciledSpec) && status.lastReconciledSpec.contains('\"{name}\":\"' + spec.template.metadata.annotations['{name}'] + '\"')"
        );
        for v in [(1, 14), (1, 15), (1, 16)] {
            let running = exprs(BLUE_GREEN, v, false);
            assert!(running.current.ends_with(&taken), "{}", running.current);
            assert!(running.failed.ends_with(&taken), "{}", running.failed);
            assert!(
                running
                    .in_progress
                    .is_some_and(|p| !p.contains("lastReconciledSpec"))
            );
            // Suspended from the start: INITIALIZING_BLUE, nothing reconciled yet.
            let suspended = exprs(BLUE_GREEN, v, true).current;
            assert!(
                suspended.contains(&format!(
                    "(status.blueGreenState == 'INITIALIZING_BLUE' || (status.blueGreenState in ['ACTIVE_BLUE', 'ACTIVE_GREEN'] && has(spec.template) && has(spec.template.metadata) && has(spec.template.metadata.annotations) && {taken}))"
                )),
                "{suspended}"
            );
        }
        // A FlinkDeployment needs no mark: Flux compares its observedGeneration first.
        for suspended in [false, true] {
            let e = exprs("FlinkDeployment", (1, 15), suspended);
            assert!(!e.current.contains("lastReconciledSpec") && !e.failed.contains("spec."));
        }
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
                            "status.lifecycleState",
                            "status.blueGreenState",
                            "status.jobStatus.state",
                            "status.conditions",
                            "status.error",
                            "status.lastReconciledSpec",
                            "spec.template.metadata.annotations",
                        ] {
                            for read in [format!("{field} "), format!("{field}.")] {
                                if text.contains(&read) {
                                    assert!(text.contains(&format!("has({field})")), "{text}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
