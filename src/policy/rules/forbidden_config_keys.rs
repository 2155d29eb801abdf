use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// `flinkConfiguration` does not set the keys the operator sets itself.
    ///
    /// ## What it checks
    /// A FlinkDeployment's `flinkConfiguration` must not contain `kubernetes.namespace`,
    /// `kubernetes.cluster-id` or `high-availability.cluster-id` (nested spellings such as
    /// `kubernetes: { namespace: … }` included).
    ///
    /// ## Why
    /// The operator derives these from `metadata.namespace` and `metadata.name` and rejects a
    /// resource that sets them ("Forbidden Flink config key: …"): a different value would put
    /// the cluster's pods, services and HA ConfigMaps where the operator does not look.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     kubernetes.cluster-id: orders-prod
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     kubernetes.cluster-id: orders-prod
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   flinkConfiguration:
    ///     restart-strategy.type: exponential-delay
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders-prod, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    /// ```
    /// Name the resource (and its namespace) what the cluster should be called.
    pub struct ForbiddenConfigKeys {
        name: "forbidden-config-keys", severity: Error, category: Policy, kinds: [Deployment],
    }
}

/// The forbidden keys and what the operator sets each from.
pub const FORBIDDEN: [(&str, &str); 3] = [
    ("kubernetes.namespace", "metadata.namespace"),
    ("kubernetes.cluster-id", "metadata.name"),
    ("high-availability.cluster-id", "metadata.name"),
];

impl Rule for ForbiddenConfigKeys {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(v) = super::admission::validated_deployment(t) else {
            return;
        };
        for e in v.conf() {
            let Some((key, from)) = FORBIDDEN.iter().find(|(k, _)| *k == e.key) else {
                continue;
            };
            let help = if t.is_render() {
                format!(
                    "remove `{key}` from the service's flinkConfiguration: the operator sets it from the FlinkDeployment's {from}, which flinkform derives from the service name"
                )
            } else {
                format!("remove it: the operator sets `{key}` from {from}")
            };
            out.push(
                Finding::new(e.key_origin.or(e.origin()), format!("Forbidden Flink config key: `{key}` (set to `{}`): the operator rejects the deployment", e.value))
                    .label("set by the operator")
                    .help(help),
            );
        }
    }
}
