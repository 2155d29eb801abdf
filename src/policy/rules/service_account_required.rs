use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// FlinkDeployments name the service account their pods run as.
    ///
    /// ## What it checks
    /// `spec.serviceAccount` of a FlinkDeployment is set and not blank.
    ///
    /// ## Why
    /// In native mode the JobManager creates and deletes TaskManager pods and HA ConfigMaps
    /// through the Kubernetes API, as this service account; it needs a Role for that in the
    /// job's namespace. The operator rejects a deployment without one ("spec.serviceAccount
    /// must be defined."). flinkform creates one per service and sets it when it renders.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   serviceAccount: null # not set
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   serviceAccount: orders
    /// ```
    /// The account needs a Role allowing pods and configmaps (get, list, watch, create, update,
    /// patch, delete) in the namespace. With the operator's Helm chart, `flink` (its
    /// `jobServiceAccount`) is created in the namespaces it watches.
    ///
    /// A service spec cannot make this rule fire: flinkform sets `serviceAccount` to the
    /// service's own account.
    pub struct ServiceAccountRequired {
        name: "service-account-required", severity: Error, category: Policy, kinds: [Deployment],
        spec: false, security: "6.5",
    }
}

impl Rule for ServiceAccountRequired {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if super::admission::is_canary(t) {
            return;
        }
        let v = &t.view;
        if v.kind() != Kind::Deployment || super::admission::vendor(t).is_some() {
            return;
        }
        match v.spec(&["serviceAccount"]).filter(|n| !n.is_null()) {
            None => out.push(
                Finding::new(t.anchor(&["serviceAccount"]), "spec.serviceAccount is not set: the operator rejects the deployment")
                    .label("no service account")
                    .help("set spec.serviceAccount to an account with a Role for pods and configmaps in this namespace (the operator's Helm chart creates `flink`)"),
            ),
            Some(n) if n.as_str().is_some_and(|s| s.trim().is_empty()) => out.push(
                Finding::new(n.origin.or(t.anchor(&["serviceAccount"])), "spec.serviceAccount is blank")
                    .label("blank")
                    .help("set spec.serviceAccount to an account with a Role for pods and configmaps in this namespace"),
            ),
            Some(_) => {}
        }
    }
}
