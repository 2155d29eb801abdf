use crate::facts::view::Kind;
use crate::policy::{Finding, Identity, Rule, Target};
use std::collections::HashMap;

crate::declare_rule! {
    /// One job per Flink cluster: application mode only, one deployment per namespace.
    ///
    /// ## What it checks
    /// * a FlinkDeployment without a `job` (a session cluster) and every FlinkSessionJob are
    ///   errors, unless the platform lists the service in `policy.previewPools`;
    /// * two FlinkDeployments naming the same namespace on one cluster are errors (`lint`
    ///   treats the files it is given as one cluster).
    ///
    /// ## Why
    /// Jobs sharing a session cluster share uniformly sized TaskManagers, so the heaviest job
    /// sizes everyone; upgrades become all-or-nothing; a fault in one job takes down the
    /// others. Production runs one job per application-mode cluster, in its own namespace.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: shared-session, namespace: analytics }
    /// spec:
    ///   serviceAccount: shared-session
    ///   job: null # a session cluster: jobs are submitted to it
    /// ```
    ///
    /// ## Fix
    /// Give each job its own FlinkDeployment with a `job`:
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   serviceAccount: orders
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2 }
    /// ```
    /// Short-lived previews may use a session cluster deliberately: list them in
    /// `policy.previewPools` in flinkform.yaml.
    ///
    /// A service spec cannot make this rule fire: flinkform renders every service as an
    /// application-mode FlinkDeployment with its one job.
    pub struct OneJobPerCluster {
        name: "one-job-per-cluster", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob], spec: false,
    }
}

impl Rule for OneJobPerCluster {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        let preview = |name: &str| {
            t.platform
                .policy
                .preview_pools
                .iter()
                .any(|p| p.value == name)
        };
        match v.kind() {
            Kind::Deployment if !v.has_job() && !preview(v.name()) => out.push(
                Finding::new(t.anchor(&["job"]).or(v.object.get("kind").map(|k| k.origin).unwrap_or_default()), format!("`{}` is a session cluster (no `job`)", v.name()))
                    .label("no job")
                    .help("run each job in its own application-mode FlinkDeployment, or list this preview cluster in policy.previewPools"),
            ),
            Kind::SessionJob => {
                let target = v.spec_str(&["deploymentName"]).unwrap_or_default();
                if !preview(target) && !preview(v.name()) {
                    out.push(
                        Finding::new(v.object.get("kind").map(|k| k.origin).unwrap_or_default(), format!("`{}` is a session job on the shared cluster `{target}`", v.name()))
                            .label("session job")
                            .help("deploy the job as its own application-mode FlinkDeployment, or list the session cluster in policy.previewPools"),
                    );
                }
            }
            _ => {}
        }
    }

    fn check_all(&self, targets: &[Identity], out: &mut Vec<(usize, Finding)>) {
        let mut by_ns: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, t) in targets.iter().enumerate() {
            if t.kind != Kind::Deployment {
                continue;
            }
            // Only namespaces the objects name: where an unnamespaced manifest lands depends on
            // how it is applied (`namespace-isolation` reports that), and `lint` cannot tell.
            let Some(ns) = t.namespace.as_deref() else {
                continue;
            };
            by_ns.entry((t.cluster.as_str(), ns)).or_default().push(i);
        }
        // Two documents with the same name are one object (a duplicate, or a kustomize patch of
        // it), not two jobs: count distinct names.
        let distinct = |members: &[usize]| {
            let mut names: Vec<&str> = members
                .iter()
                .filter_map(|&i| targets.get(i))
                .map(|t| t.name.as_str())
                .collect();
            names.sort_unstable();
            names.dedup();
            names.len()
        };
        let mut groups: Vec<_> = by_ns.into_iter().filter(|(_, v)| distinct(v) > 1).collect();
        groups.sort();
        for ((_, ns), members) in groups {
            for &i in &members {
                let Some(t) = targets.get(i) else { continue };
                let mut f = Finding::new(
                    t.namespace_origin.or(t.blame),
                    format!("namespace `{ns}` holds {} Flink deployments; each job needs its own namespace", distinct(&members)),
                )
                .label("shared namespace")
                .help("give every job its own namespace (and service account)");
                for other in members
                    .iter()
                    .filter(|&&j| j != i)
                    .filter_map(|&j| targets.get(j))
                {
                    f = f.also(
                        other.namespace_origin.or(other.blame),
                        format!("`{}` is here too", other.name),
                    );
                }
                out.push((i, f));
            }
        }
    }
}
