//! Names no service may claim.
//!
//! A service's name is its namespace: flinkform renders a Namespace, a ServiceAccount, a Role
//! and RoleBinding, a ResourceQuota and a NetworkPolicy into it, and its Flux Kustomization
//! prunes what it applied. A service named after a namespace that already holds something
//! else (an ingress controller, Vault, the operator) would rewrite that namespace's quota and
//! network policy and give the job's service account rights next to the infrastructure. So
//! these namespaces are reserved (see [`reservation`]):
//! * Kubernetes' own: `default` and every `kube-*`;
//! * the platform's own, as the platform config names them: the operator's, Flux's (and the
//!   namespaces of its source and of the operator's Kustomization) and monitoring's;
//! * common infrastructure, [`BUILT_IN`]: the namespaces the installation guides of widely
//!   used cluster add-ons create by default (listed with the add-on, so a reader can tell
//!   why each is there), and the prefixes distributions reserve (`openshift-*`, `cattle-*`,
//!   `gke-*`);
//! * the platform config's `policy.reservedNamespaces` (names, or prefixes ending in `*`),
//!   in addition to all of the above.
//!
//! A platform that does want a service in one of these namespaces waives the finding
//! (`namespace-isolation`) for that service, with a reason and an expiry date.
//!
//! flinkform offers no namespace prefix per platform (`team-x-<service>`): a namespace named
//! exactly after the service is what the `{service}` storage and IAM templates, the
//! operator's resource names and every dashboard rely on, and a prefix added later would move
//! every running job to a new namespace (new HA ConfigMaps, so a restart without its last
//! state). The reserved list turns a collision into a finding at the service's name instead.

use super::platform::Platform;
use crate::tree::Origin;

/// Namespaces of common cluster infrastructure, with what runs there. A trailing `*` is a
/// prefix.
pub const BUILT_IN: &[(&str, &str)] = &[
    // Delivery
    ("flux-system", "Flux"),
    ("argocd", "Argo CD"),
    ("argo-rollouts", "Argo Rollouts"),
    ("argo", "Argo Workflows"),
    ("argo-workflows", "Argo Workflows"),
    ("argo-events", "Argo Events"),
    ("tekton-pipelines", "Tekton"),
    ("crossplane-system", "Crossplane"),
    // Ingress, gateways, networking, service mesh
    ("ingress-nginx", "the NGINX Ingress Controller"),
    ("nginx-ingress", "NGINX Ingress (F5)"),
    ("traefik", "Traefik"),
    ("kong", "Kong"),
    ("projectcontour", "Contour"),
    ("envoy-gateway-system", "Envoy Gateway"),
    ("istio-system", "Istio"),
    ("istio-ingress", "Istio's ingress gateway"),
    ("linkerd", "Linkerd"),
    ("linkerd-viz", "Linkerd"),
    ("calico-system", "Calico"),
    ("calico-apiserver", "Calico"),
    ("tigera-operator", "Calico (Tigera operator)"),
    ("metallb-system", "MetalLB"),
    ("external-dns", "ExternalDNS"),
    // Certificates, secrets, identity
    ("cert-manager", "cert-manager"),
    ("vault", "HashiCorp Vault"),
    ("external-secrets", "External Secrets Operator"),
    ("sealed-secrets", "Sealed Secrets"),
    // Admission policy, runtime security
    ("kyverno", "Kyverno"),
    ("gatekeeper-system", "OPA Gatekeeper"),
    ("falco", "Falco"),
    ("trivy-system", "Trivy Operator"),
    // Monitoring and logging
    ("monitoring", "monitoring (kube-prometheus-stack)"),
    ("prometheus", "Prometheus"),
    ("grafana", "Grafana"),
    ("loki", "Loki"),
    ("logging", "logging"),
    ("observability", "observability tooling"),
    (
        "opentelemetry-operator-system",
        "the OpenTelemetry Operator",
    ),
    ("datadog", "the Datadog agent"),
    ("elastic-system", "Elastic Cloud on Kubernetes"),
    ("amazon-cloudwatch", "the Amazon CloudWatch agent"),
    ("gmp-system", "Google Cloud Managed Service for Prometheus"),
    ("gmp-public", "Google Cloud Managed Service for Prometheus"),
    // Scaling, storage, backup
    ("keda", "KEDA"),
    ("karpenter", "Karpenter"),
    ("velero", "Velero"),
    ("longhorn-system", "Longhorn"),
    ("rook-ceph", "Rook"),
    ("local-path-storage", "the local-path provisioner"),
    // Operators and distributions
    ("olm", "the Operator Lifecycle Manager"),
    ("operators", "the Operator Lifecycle Manager"),
    ("kubernetes-dashboard", "the Kubernetes Dashboard"),
    ("knative-serving", "Knative"),
    ("knative-eventing", "Knative"),
    ("openshift", "OpenShift"),
    ("openshift-*", "OpenShift"),
    ("cattle-*", "Rancher"),
    ("fleet-system", "Rancher Fleet"),
    ("fleet-default", "Rancher Fleet"),
    ("fleet-local", "Rancher Fleet"),
    ("gke-*", "Google Kubernetes Engine"),
];

/// Label domains that Kubernetes, cluster add-ons and admission webhooks act on, with who
/// acts on them. A service label under one of them (`<domain>/<name>`, for the domain or any
/// subdomain) is the platform's to set, not a service's: on a Namespace, `openshift.io/run-level`
/// exempts it from security constraints, `admission.gatekeeper.sh/ignore` from policy,
/// `istio-injection: disabled` from the mesh; on any object, `kustomize.toolkit.fluxcd.io/…`
/// says which Flux Kustomization owns (and prunes) it. The `reserved-labels` rule reports them;
/// flinkform never puts a service's labels on its Namespace at all.
pub const LABEL_DOMAINS: &[(&str, &str)] = &[
    ("kubernetes.io", "Kubernetes"),
    ("k8s.io", "Kubernetes"),
    ("openshift.io", "OpenShift"),
    ("istio.io", "Istio"),
    ("gatekeeper.sh", "OPA Gatekeeper"),
    ("fluxcd.io", "Flux"),
    ("kyverno.io", "Kyverno"),
    ("argoproj.io", "Argo CD"),
    ("cert-manager.io", "cert-manager"),
    ("linkerd.io", "Linkerd"),
    ("helm.sh", "Helm"),
    ("cattle.io", "Rancher"),
];

/// Label keys without a domain that add-ons act on: a prefix (ending in `*`) or a name.
pub const LABEL_NAMES: &[(&str, &str)] = &[("istio*", "Istio (`istio-injection`)")];

/// Who acts on a label key, if it is reserved (see [`LABEL_DOMAINS`], [`LABEL_NAMES`]).
/// `app.kubernetes.io/…`, Kubernetes' recommended labels for applications, are free.
pub fn label_owner(key: &str) -> Option<&'static str> {
    match key.split_once('/') {
        Some(("app.kubernetes.io", _)) => None,
        Some((domain, _)) => LABEL_DOMAINS
            .iter()
            .find(|(d, _)| {
                domain == *d || domain.strip_suffix(d).is_some_and(|sub| sub.ends_with('.'))
            })
            .map(|(_, who)| *who),
        None => LABEL_NAMES
            .iter()
            .find(|(n, _)| matches(n, key))
            .map(|(_, who)| *who),
    }
}

/// Why a namespace may not be claimed, and where that is configured (for the finding's
/// secondary location).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// e.g. `a Kubernetes system namespace`, `the namespace of the Flink operator`.
    pub reason: String,
    /// The platform config line that reserves it, if it is configured there.
    pub origin: Origin,
}

/// Whether `name` matches a reserved entry: equal, or starting with the part before a
/// trailing `*`.
pub fn matches(entry: &str, name: &str) -> bool {
    match entry.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => entry == name,
    }
}

/// Why `namespace` is reserved on this platform, if it is.
pub fn reservation(platform: &Platform, namespace: &str) -> Option<Reservation> {
    let made = |reason: String| {
        Some(Reservation {
            reason,
            origin: Origin::NONE,
        })
    };
    if namespace == "default" || namespace.starts_with("kube-") {
        return made("a Kubernetes system namespace".to_string());
    }
    let own = [
        (Some(&platform.operator.namespace), "the Flink operator"),
        (Some(&platform.flux.namespace), "Flux"),
        (platform.flux.source_namespace.as_ref(), "Flux's source"),
        (
            platform.operator.flux_kustomization.namespace.as_ref(),
            "the operator's Flux Kustomization",
        ),
        (Some(&platform.monitoring.namespace), "monitoring"),
    ];
    if let Some((_, whose)) = own
        .iter()
        .find(|(ns, _)| ns.is_some_and(|n| n == namespace))
    {
        return made(format!("the namespace of {whose} on this platform"));
    }
    if let Some(entry) = platform
        .policy
        .reserved_namespaces
        .iter()
        .find(|e| matches(&e.value, namespace))
    {
        return Some(Reservation {
            reason: "reserved by the platform (`policy.reservedNamespaces`)".to_string(),
            origin: entry.origin,
        });
    }
    BUILT_IN
        .iter()
        .find(|(entry, _)| matches(entry, namespace))
        .and_then(|(_, what)| made(format!("the usual namespace of {what}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_label_domains_and_names() {
        for key in [
            "openshift.io/run-level",
            "admission.gatekeeper.sh/ignore",
            "istio-injection",
            "kubernetes.io/metadata.name",
            "kustomize.toolkit.fluxcd.io/name",
            "node-role.kubernetes.io/control-plane",
            "pod-security.kubernetes.io/enforce",
            "policies.kyverno.io/x",
        ] {
            assert!(super::label_owner(key).is_some(), "{key}");
        }
        for key in [
            "team",
            "app.kubernetes.io/version",
            "app.kubernetes.io.example.com/x",
            "notkubernetes.io/x",
            "example.com/kubernetes.io",
            "app",
            "cost-center",
        ] {
            assert!(super::label_owner(key).is_none(), "{key}");
        }
    }

    use super::*;

    #[test]
    fn built_in_reservations() {
        let p = Platform::builtin();
        let why = |ns: &str| reservation(&p, ns).map(|r| r.reason);
        assert_eq!(
            why("default").as_deref(),
            Some("a Kubernetes system namespace")
        );
        assert_eq!(
            why("kube-node-lease").as_deref(),
            Some("a Kubernetes system namespace")
        );
        assert_eq!(
            why("flink-operator").as_deref(),
            Some("the namespace of the Flink operator on this platform")
        );
        assert_eq!(
            why("ingress-nginx").as_deref(),
            Some("the usual namespace of the NGINX Ingress Controller")
        );
        assert_eq!(
            why("openshift-monitoring").as_deref(),
            Some("the usual namespace of OpenShift")
        );
        for free in [
            "fraud-detector",
            "vaults",
            "kube",
            "istio",
            "monitoring-sink",
        ] {
            assert_eq!(why(free), None, "{free}");
        }
    }

    #[test]
    fn the_built_in_list_is_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for (entry, what) in BUILT_IN {
            let name = entry.strip_suffix('*').unwrap_or(entry);
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{entry}"
            );
            assert!(!what.is_empty());
            assert!(seen.insert(*entry), "{entry} listed twice");
        }
    }
}
