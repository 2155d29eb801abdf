use crate::flink::version::HA_TYPE_KEYS;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// Standby JobManagers need high availability; there is at least one JobManager.
    ///
    /// ## What it checks
    /// `spec.jobManager.replicas` of a FlinkDeployment is at least 1, and when it is more than
    /// 1, high availability is on (`high-availability.type`, legacy `high-availability`, set
    /// and not `NONE`).
    ///
    /// ## Why
    /// Standby JobManagers take over through HA leader election; without HA they are separate
    /// clusters racing for the same job. The operator rejects both cases ("JobManager replicas
    /// should not be configured less than one.", "High availability should be enabled when
    /// starting standby JobManagers.").
    ///
    /// ## Example
    /// ```yaml,spec,fires,also-ha-enabled
    /// spec:
    ///   highAvailability: false
    ///   jobManager: { replicas: 2 }
    /// ```
    /// ```yaml,fires,also-ha-enabled
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkConfiguration:
    ///     high-availability.type: null # not set
    ///     high-availability.storageDir: null # not set
    ///   jobManager: { replicas: 2 }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   highAvailability: true
    ///   jobManager: { replicas: 2 }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     high-availability.type: kubernetes
    ///     high-availability.storageDir: s3://flink-prod/orders/ha
    ///   jobManager: { replicas: 2 }
    /// ```
    /// In a service spec, standby JobManagers need `highAvailability: true` (or an environment
    /// that requires HA).
    pub struct JobmanagerReplicasNeedHa {
        name: "jobmanager-replicas-need-ha", severity: Error, category: Policy, kinds: [Deployment],
    }
}

impl Rule for JobmanagerReplicasNeedHa {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(v) = super::admission::validated_deployment(t) else {
            return;
        };
        let Some(node) = v.spec(&["jobManager", "replicas"]) else {
            return;
        };
        // A non-integer is the CRD schema's business.
        let Some(replicas) = node.as_i64() else {
            return;
        };
        let at = node.origin.or(t.anchor(&["jobManager", "replicas"]));
        if replicas < 1 {
            out.push(
                Finding::new(
                    at,
                    format!(
                        "JobManager replicas is {replicas}: there must be at least one JobManager"
                    ),
                )
                .label("less than one")
                .help("set jobManager.replicas to 1 (or remove it: 1 is the default)"),
            );
        } else if replicas > 1 && !super::admission::ha_on(v) {
            let mut f = Finding::new(at, format!("{replicas} JobManager replicas without high availability: standby JobManagers need HA"))
                .label("standby JobManagers")
                .help(if t.is_render() {
                    "turn HA on (`highAvailability: true`, or leave it to an environment that requires HA), or use one JobManager"
                } else {
                    "set high-availability.type: kubernetes and high-availability.storageDir, or use one JobManager"
                });
            if let Some(e) = v.get_any(HA_TYPE_KEYS) {
                f = f.also(e.origin(), "HA off");
            }
            out.push(f);
        }
    }
}
