use crate::flink::operator_keys::HEALTH_CHECK_ENABLED;
use super::admission::flink_bool;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// The job health check needs JobManager deployment recovery.
    ///
    /// ## What it checks
    /// When a FlinkDeployment sets `kubernetes.operator.cluster.health-check.enabled: true`,
    /// it does not also set `kubernetes.operator.jm-deployment-recovery.enabled` (or its
    /// deprecated name `kubernetes.operator.reconciler.jm-deployment-recovery.enabled`) to
    /// `false`.
    ///
    /// ## Why
    /// When the health check finds the job unhealthy, the operator recovers it by redeploying
    /// the JobManager; with recovery off it could only watch. It rejects the combination
    /// ("Deployment recovery (…) must be enabled for job health check (…) support.").
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     kubernetes.operator.cluster.health-check.enabled: "true"
    ///     kubernetes.operator.jm-deployment-recovery.enabled: "false"
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     kubernetes.operator.cluster.health-check.enabled: "true"
    ///     kubernetes.operator.jm-deployment-recovery.enabled: "false"
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   flinkConfiguration:
    ///     kubernetes.operator.cluster.health-check.enabled: "true"
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     kubernetes.operator.cluster.health-check.enabled: "true"
    /// ```
    /// Recovery is on by default: remove the setting that turns it off.
    pub struct HealthCheckNeedsRecovery {
        name: "health-check-needs-recovery", severity: Error, category: Policy, kinds: [Deployment],
    }
}

pub const RECOVERY_KEYS: &[&str] = &[
    "kubernetes.operator.jm-deployment-recovery.enabled",
    "kubernetes.operator.reconciler.jm-deployment-recovery.enabled",
];

impl Rule for HealthCheckNeedsRecovery {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(v) = super::admission::validated_deployment(t) else {
            return;
        };
        let Some(check) = v.get(HEALTH_CHECK_ENABLED) else {
            return;
        };
        if flink_bool(&check.value) != Some(true) {
            return;
        }
        let Some(recovery) = v.get_any(RECOVERY_KEYS) else {
            return;
        };
        if flink_bool(&recovery.value) != Some(false) {
            return;
        }
        out.push(
            Finding::new(
                recovery.origin(),
                format!(
                    "`{}` is false, but the job health check needs JobManager deployment recovery",
                    recovery.key
                ),
            )
            .label("recovery off")
            .also(check.origin(), "health check on")
            .help(format!(
                "remove `{}` (recovery is on by default), or turn the health check off",
                recovery.key
            )),
        );
    }
}
