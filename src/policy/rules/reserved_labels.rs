use crate::excerpt::quote;
use crate::pod_security::LABEL_PREFIX;
use crate::policy::{Finding, Rule, Target};
use crate::spec::reserved;
use crate::tree::Node;

crate::declare_rule! {
    /// Labels that Kubernetes and cluster add-ons act on are the platform's, not a job's.
    ///
    /// ## What it checks
    /// A FlinkDeployment's or FlinkSessionJob's labels (in a service spec: `metadata.labels`,
    /// which flinkform puts on every namespaced object it renders for the service) do not
    /// use a domain that Kubernetes or a cluster add-on acts on: `kubernetes.io` and `k8s.io`
    /// (and their subdomains, except `app.kubernetes.io`, the recommended application
    /// labels), `openshift.io`, `istio.io`, `gatekeeper.sh`, `fluxcd.io`, `kyverno.io`,
    /// `argoproj.io`, `cert-manager.io`, `linkerd.io`, `helm.sh`, `cattle.io`, and the
    /// unprefixed `istio*` labels. (`pod-security.kubernetes.io/` labels are reported by
    /// `pod-security`.)
    ///
    /// ## Why
    /// These labels are switches: `openshift.io/run-level` exempts a namespace from security
    /// constraints, `admission.gatekeeper.sh/ignore` from admission policy,
    /// `istio-injection: disabled` from the mesh, and `kustomize.toolkit.fluxcd.io/name`
    /// tells Flux which Kustomization owns (and prunes) an object. A service's labels used to
    /// reach its Namespace, where they turned the switches for the whole namespace; flinkform
    /// now labels the Namespace with its own labels only, and this rule keeps the switches off
    /// the service's other objects.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// metadata:
    ///   labels: { kustomize.toolkit.fluxcd.io/name: flux-system }
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata:
    ///   name: orders
    ///   namespace: orders
    ///   labels: { kustomize.toolkit.fluxcd.io/name: flux-system }
    /// spec:
    ///   flinkVersion: v1_20
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// metadata:
    ///   labels: { app.kubernetes.io/component: scoring, cost-center: shop }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata:
    ///   name: orders
    ///   namespace: orders
    ///   labels: { app.kubernetes.io/component: scoring, cost-center: shop }
    /// spec:
    ///   flinkVersion: v1_20
    /// ```
    /// A namespace that needs such a label (a mesh, an exemption) gets it from the platform
    /// team, outside the service specs.
    pub struct ReservedLabels {
        name: "reserved-labels", severity: Error, category: Policy, kinds: [Deployment, SessionJob],
        security: "7.0",
    }
}

impl Rule for ReservedLabels {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(labels) = t
            .view
            .object
            .path(&["metadata", "labels"])
            .and_then(Node::as_map)
        else {
            return;
        };
        for e in labels.iter() {
            let at = e.key_origin.or(e.value.origin);
            if e.key.starts_with(LABEL_PREFIX) || at.span().is_none() {
                continue;
            }
            let Some(owner) = reserved::label_owner(&e.key) else {
                continue;
            };
            let help = if t.is_render() {
                "remove it from the service's labels: labels the cluster acts on are set by the platform team (flinkform never puts a service's labels on its Namespace)"
            } else {
                "remove it: labels the cluster acts on are set by the platform team"
            };
            out.push(
                Finding::new(
                    at,
                    format!(
                        "the label `{}` is {owner}'s: labels under this prefix change what the cluster does with the object",
                        quote(&e.key)
                    ),
                )
                .label("reserved label")
                .help(help),
            );
        }
    }
}
