use crate::facts::names::{name_problem, suggested_name};
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Node;

crate::declare_rule! {
    /// FlinkDeployment names (and a session job's `deploymentName`) are names the operator accepts.
    ///
    /// ## What it checks
    /// `metadata.name` of a FlinkDeployment, and `spec.deploymentName` of a FlinkSessionJob,
    /// must match the operator's pattern `[a-z]([-a-z0-9]{0,43}[a-z0-9])?`: lower-case letters,
    /// digits and `-`, starting with a letter, ending with a letter or digit, at most 45
    /// characters. A FlinkSessionJob without `deploymentName` is also reported.
    ///
    /// ## Why
    /// The name becomes the Flink cluster id and the prefix of the Kubernetes objects Flink
    /// creates (`<name>-rest`, `<name>-taskmanager-1-1`, HA ConfigMaps), which must be valid
    /// DNS labels of at most 63 characters. The operator rejects other names at admission
    /// ("The FlinkDeployment name: … is invalid").
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: Orders_Enrichment, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders-enrichment, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    /// ```
    ///
    /// A service spec cannot make this rule fire: the spec's own name is checked when it is read
    /// (`schema`), and it becomes the FlinkDeployment's name.
    pub struct DeploymentNameValid {
        name: "deployment-name-valid", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob], spec: false,
    }
}

fn finding(node: &Node, at: crate::tree::Origin, what: &str, problem: &str) -> Finding {
    let text = node.scalar_text().unwrap_or_default();
    let mut help =
        "use lower-case letters, digits and `-`, starting with a letter, at most 45 characters"
            .to_string();
    if let Some(s) = suggested_name(&text) {
        help = format!("rename it, e.g. to `{s}` ({help})");
    }
    Finding::new(at, format!("{what} `{text}` is invalid: {problem}"))
        .label("invalid name")
        .help(help)
}

impl Rule for DeploymentNameValid {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if super::admission::is_canary(t) {
            return;
        }
        let v = &t.view;
        match v.kind() {
            Kind::Deployment => {
                // A missing name is the schema's business (Kubernetes requires one).
                let Some(node) = v.object.path(&["metadata", "name"]) else {
                    return;
                };
                let text = node.scalar_text().unwrap_or_default();
                let at = node.origin.or(t.blame);
                if super::admission::placeholder_stops(t, at, "metadata.name", &text, out) {
                    return;
                }
                if let Some(problem) = name_problem(&text) {
                    out.push(finding(node, at, "FlinkDeployment name", &problem));
                }
            }
            Kind::SessionJob => match v.spec(&["deploymentName"]).filter(|n| !n.is_null()) {
                None => {
                    // Operators before 1.0 called it `clusterId`.
                    let old = v
                        .object
                        .get("spec")
                        .and_then(|s| s.as_map())
                        .and_then(|m| m.entry("clusterId"));
                    let (at, help) = match old {
                        Some(e) => (
                            e.key_origin.or(t.anchor(&["clusterId"])),
                            "rename `clusterId` to `deploymentName`: `clusterId` is the field's name in early operator versions, which current ones do not read",
                        ),
                        None => (
                            t.anchor(&["deploymentName"]),
                            "set spec.deploymentName to the name of the session cluster's FlinkDeployment",
                        ),
                    };
                    out.push(
                        Finding::new(at, "FlinkSessionJob has no `deploymentName`: the operator does not know which session cluster to submit it to")
                            .label("no deploymentName")
                            .help(help),
                    );
                }
                Some(node) => {
                    let text = node.scalar_text().unwrap_or_default();
                    let at = node.origin.or(t.anchor(&["deploymentName"]));
                    if super::admission::placeholder_stops(t, at, "deploymentName", &text, out) {
                        return;
                    }
                    if let Some(problem) = name_problem(&text) {
                        out.push(finding(node, at, "deploymentName", &problem));
                    }
                }
            },
            Kind::StateSnapshot => {}
        }
    }
}
