use crate::excerpt::quote;
use crate::policy::{Finding, Rule, Target};
use crate::secrets::POD_TEMPLATES;

crate::declare_rule! {
    /// The job's pods run as its own service account, not one named elsewhere.
    ///
    /// ## What it checks
    /// `flinkConfiguration` does not set `kubernetes.service-account`,
    /// `kubernetes.jobmanager.service-account` or `kubernetes.taskmanager.service-account`
    /// (flat or nested, e.g. `kubernetes: { jobmanager: { service-account: … } }`), and no pod
    /// template names a `serviceAccountName` (or the old `serviceAccount`) other than the
    /// FlinkDeployment's `serviceAccount`.
    ///
    /// ## Why
    /// The service account is the job's identity: its RBAC in the namespace and, through the
    /// platform's annotations, its cloud IAM role. The operator sets
    /// `kubernetes.service-account` from `spec.serviceAccount`, but Flink reads the
    /// per-role keys first, so `kubernetes.jobmanager.service-account: ingest-admin` moves the
    /// JobManager (and, through it, every TaskManager it creates) to another account of the
    /// namespace, with that account's rights and cloud role, past every check on
    /// `serviceAccount`.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     kubernetes.jobmanager.service-account: ingest-admin
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   serviceAccount: orders
    ///   flinkConfiguration:
    ///     kubernetes.jobmanager.service-account: ingest-admin
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
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   serviceAccount: orders
    /// ```
    /// A job that needs more rights gets them on its own account (in the platform's RBAC or
    /// its `serviceAccount.annotations` role).
    pub struct NoServiceAccountOverride {
        name: "no-service-account-override", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob], security: "7.0",
    }
}

/// The Flink options that choose the pods' service account.
pub const SERVICE_ACCOUNT_KEYS: [&str; 3] = [
    "kubernetes.service-account",
    "kubernetes.jobmanager.service-account",
    "kubernetes.taskmanager.service-account",
];

impl Rule for NoServiceAccountOverride {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        let own = v.spec_str(&["serviceAccount"]);
        let help = if t.is_render() {
            "remove it from the service's flinkConfiguration: the job runs as the service account flinkform renders for it"
        } else {
            "remove it: the operator sets the account from spec.serviceAccount"
        };
        for e in v.conf() {
            if SERVICE_ACCOUNT_KEYS.contains(&e.key.as_str()) {
                out.push(
                    Finding::new(
                        e.key_origin.or(e.origin()),
                        format!(
                            "`{}` moves the job's pods to the service account `{}`",
                            e.key,
                            quote(&e.value)
                        ),
                    )
                    .label("service account override")
                    .help(help),
                );
            }
        }
        for path in POD_TEMPLATES {
            let Some(spec) = v.spec(path).and_then(|p| p.get("spec")) else {
                continue;
            };
            for field in ["serviceAccountName", "serviceAccount"] {
                let Some(n) = spec.get(field) else { continue };
                let name = n.scalar_text().unwrap_or_default();
                if own == Some(name.as_str()) {
                    continue;
                }
                out.push(
                    Finding::new(
                        n.origin.or(t.anchor(path)),
                        format!(
                            "the pod template names the service account `{}`, not the job's own",
                            quote(&name)
                        ),
                    )
                    .label("other account")
                    .help(if t.is_render() {
                        "remove it from the podTemplate: the job runs as the service account flinkform renders for it"
                    } else {
                        "remove it from the pod template: the pods run as spec.serviceAccount"
                    }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Nested maps count: the view flattens them as the operator does.
    #[test]
    fn nested_keys_flatten_to_the_forbidden_names() {
        let doc = crate::yaml::load(
            crate::source::FileId(0),
            &crate::source::SourceFile::new(
                "t.yaml",
                "spec:\n  flinkConfiguration:\n    kubernetes:\n      taskmanager: { service-account: admin }\n",
            ),
        )
        .expect("yaml");
        let view = crate::facts::view::FlinkView::new(&doc);
        let keys: Vec<&str> = view.conf().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["kubernetes.taskmanager.service-account"]);
        assert!(super::SERVICE_ACCOUNT_KEYS.contains(&keys[0]));
    }
}
