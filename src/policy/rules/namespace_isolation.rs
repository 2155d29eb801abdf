use crate::excerpt::quote;
use crate::policy::{Finding, Rule, Target};
use crate::spec::reserved;
use crate::tree::Node;

crate::declare_rule! {
    /// Each job runs in its own namespace with its own service account.
    ///
    /// ## What it checks
    /// A FlinkDeployment or FlinkSessionJob names its namespace (`metadata.namespace`), which
    /// is not reserved: not `default` or a `kube-*` system namespace, not one of the platform's
    /// own (the operator's, Flux's, monitoring's), not the usual namespace of common cluster
    /// infrastructure (`ingress-nginx`, `cert-manager`, `istio-system`, `vault`,
    /// `external-secrets`, `kyverno`, `argocd`, `openshift-*`, … the full list is in
    /// `src/spec/reserved.rs`), and not one the platform config lists in
    /// `policy.reservedNamespaces`. A FlinkDeployment's `serviceAccount` is not the
    /// namespace's `default` account. In a service spec the namespace is the service's name:
    /// the finding points at `metadata.name`. Where flinkform renders the job, its Namespace,
    /// ServiceAccount and RoleBinding must be among its objects. (Two deployments sharing a
    /// namespace are `one-job-per-cluster`.)
    ///
    /// ## Why
    /// The namespace and its service account are the tenant boundary: RBAC, quotas, network
    /// policy and cloud IAM roles attach to them. In `default`, or with the `default` account,
    /// every job gets what every other workload there has. A service named after an
    /// infrastructure namespace would have flinkform render a ResourceQuota, a NetworkPolicy
    /// and RBAC into that namespace, and Flux would apply (and later prune) them there. A
    /// finding of this rule blocks `render`, like a plain-text credential.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: default }
    /// spec:
    ///   flinkVersion: v1_20
    ///   serviceAccount: default
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
    /// flinkform gives every service a namespace and service account named after it.
    ///
    /// A service spec cannot make this rule fire: flinkform gives every service its own namespace
    /// and service account.
    pub struct NamespaceIsolation {
        name: "namespace-isolation", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob], spec: false, blocks_render: true, security: "7.5",
    }
}

impl Rule for NamespaceIsolation {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        match v.namespace() {
            None => {
                // At the `metadata` key: where the namespace belongs.
                let at = v
                    .object
                    .as_map()
                    .and_then(|m| m.entry("metadata"))
                    .map_or(t.blame, |e| e.key_origin);
                out.push(
                    Finding::new(at, format!("`{}` names no namespace: it lands wherever it is applied, usually `default`", v.name()))
                        .label("no namespace")
                        .help("set metadata.namespace to the job's own namespace"),
                );
            }
            Some(ns) => {
                let name = ns.as_str().unwrap_or_default();
                if let Some(r) = reserved::reservation(t.platform, name) {
                    let (message, help) = if t.is_render() {
                        (
                            format!(
                                "service `{}` would get the namespace `{}`, {}: flinkform would render RBAC, a quota and a network policy into it",
                                quote(v.name()),
                                quote(name),
                                r.reason
                            ),
                            "rename the service (its namespace, service account and Flux Kustomization are named after it); a platform that means to run it there waives this finding",
                        )
                    } else {
                        (
                            format!(
                                "`{}` runs in `{}`, {}: a job there shares RBAC, quotas and network policy with whatever else runs there",
                                quote(v.name()),
                                quote(name),
                                r.reason
                            ),
                            "give the job a namespace of its own",
                        )
                    };
                    let mut f = Finding::new(ns.origin, message)
                        .label("reserved namespace")
                        .help(help);
                    if r.origin.span().is_some() {
                        f = f.also(r.origin, "reserved here");
                    }
                    out.push(f);
                }
            }
        }
        if let Some(sa) = v.spec(&["serviceAccount"])
            && sa.as_str() == Some("default")
        {
            out.push(
                Finding::new(sa.origin, "the job runs as the namespace's `default` service account")
                    .label("default account")
                    .help("create a service account for the job (with the Role native mode needs) and name it here"),
            );
        }
        if t.is_render() {
            for kind in ["Namespace", "ServiceAccount", "RoleBinding"] {
                if !t.has_neighbour(kind) {
                    out.push(
                        Finding::new(t.blame, format!("no {kind} is rendered for this service"))
                            .help(
                                "flinkform renders one for every service; this is a flinkform bug",
                            ),
                    );
                }
            }
            let sa = v.spec_str(&["serviceAccount"]);
            let own = t.neighbours.iter().any(|n| {
                n.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                    && n.path(&["metadata", "name"]).and_then(Node::as_str) == sa
            });
            if !own {
                out.push(
                    Finding::new(t.blame, "the job's service account is not the one rendered for it")
                        .help("flinkform sets serviceAccount to the service's own account; this is a flinkform bug"),
                );
            }
        }
    }
}
