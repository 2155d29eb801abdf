use crate::flink::operator_keys::ROLLBACK_ENABLED;
use super::admission::flink_bool;
use crate::flink::version::HA_TYPE_KEYS;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// Automatic rollback needs high availability.
    ///
    /// ## What it checks
    /// When a FlinkDeployment sets `kubernetes.operator.deployment.rollback.enabled: true`,
    /// high availability is on (`high-availability.type`, legacy `high-availability`, set and
    /// not `NONE`).
    ///
    /// ## Why
    /// To roll back, the operator restores the last stable spec from HA metadata. Without HA
    /// it rejects the resource ("HA must be enabled for rollback support.").
    ///
    /// ## Example
    /// ```yaml,spec,fires,also-ha-enabled
    /// spec:
    ///   highAvailability: false
    ///   flinkConfiguration:
    ///     kubernetes.operator.deployment.rollback.enabled: "true"
    /// ```
    /// ```yaml,fires,also-ha-enabled
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkConfiguration:
    ///     kubernetes.operator.deployment.rollback.enabled: "true"
    ///     high-availability.type: null # not set
    ///     high-availability.storageDir: null # not set
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   highAvailability: true
    ///   flinkConfiguration:
    ///     kubernetes.operator.deployment.rollback.enabled: "true"
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     kubernetes.operator.deployment.rollback.enabled: "true"
    ///     high-availability.type: kubernetes
    ///     high-availability.storageDir: s3://flink-prod/orders/ha
    /// ```
    pub struct RollbackNeedsHa {
        name: "rollback-needs-ha", severity: Error, category: Policy, kinds: [Deployment],
    }
}


impl Rule for RollbackNeedsHa {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(v) = super::admission::validated_deployment(t) else {
            return;
        };
        let Some(e) = v.get(ROLLBACK_ENABLED) else {
            return;
        };
        if flink_bool(&e.value) != Some(true) || super::admission::ha_on(v) {
            return;
        }
        let mut f = Finding::new(e.origin(), "rollback is enabled without high availability: the operator rejects the deployment (\"HA must be enabled for rollback support.\")")
            .label("rollback on")
            .help(if t.is_render() {
                "turn HA on (`highAvailability: true`, or leave it to an environment that requires HA), or remove the rollback setting"
            } else {
                "set high-availability.type: kubernetes and high-availability.storageDir, or remove the rollback setting"
            });
        if let Some(h) = v.get_any(HA_TYPE_KEYS) {
            f = f.also(h.origin(), "HA off");
        }
        out.push(f);
    }
}
