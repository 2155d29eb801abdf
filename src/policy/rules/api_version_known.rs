use crate::facts::dialect::APACHE_API_VERSION;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Node;

crate::declare_rule! {
    /// A FlinkDeployment or FlinkSessionJob names the resource version the operator serves.
    ///
    /// ## What it checks
    /// The `apiVersion` of every FlinkDeployment and FlinkSessionJob is
    /// `flink.apache.org/v1beta1`, the only version of these resources that any release of the
    /// Flink Kubernetes Operator serves (its vendors' distributions, EMR on EKS and IBM Event
    /// Automation, included). A missing `apiVersion`, another version
    /// (`flink.apache.org/v1alpha1`) or another group is reported where it is written.
    ///
    /// flinkform still checks such a resource's policy as if it were `v1beta1`, but its CRD
    /// schema (`crd-schema`) cannot be checked: no CRD describes that version.
    ///
    /// ## Why
    /// The API server refuses an object whose `apiVersion` no installed CRD serves ("no matches
    /// for kind … in version …"), so the resource never reaches the operator; and since
    /// nothing validates it against a schema, a typo in its fields would go unnoticed too.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1alpha1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// ```
    ///
    /// A service spec cannot make this rule fire: flinkform renders `flink.apache.org/v1beta1`.
    pub struct ApiVersionKnown {
        name: "api-version-known", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob], spec: false,
    }
}

impl Rule for ApiVersionKnown {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let object = t.view.object;
        let kind = object.get("kind").and_then(Node::as_str).unwrap_or_default();
        let help = format!("write `apiVersion: {APACHE_API_VERSION}`");
        match object.get("apiVersion") {
            None => {
                let at = object
                    .as_map()
                    .and_then(|m| m.entry("kind"))
                    .map(|e| e.key_origin)
                    .unwrap_or(t.blame);
                out.push(
                    Finding::new(at, format!("{kind} has no `apiVersion`: the API server refuses it, and its CRD schema cannot be checked"))
                        .label("no apiVersion")
                        .help(help),
                );
            }
            Some(node) => {
                let text = node.scalar_text();
                if text.as_deref() == Some(APACHE_API_VERSION) {
                    return;
                }
                let text = text.unwrap_or_default();
                let shown = if node.scalar_text().is_some() {
                    format!("`apiVersion: {}`", text.escape_debug())
                } else {
                    "an `apiVersion` that is not a string".to_string()
                };
                let why = if node.scalar_text().is_none() {
                    format!("it must be the string `{APACHE_API_VERSION}`")
                } else if text.trim() == APACHE_API_VERSION {
                    "it has spaces around it".to_string()
                } else if text.starts_with("flink.apache.org/") {
                    "the operator's CRDs serve only `v1beta1`".to_string()
                } else {
                    "that is not the Flink Kubernetes Operator's API group".to_string()
                };
                out.push(
                    Finding::new(node.origin.or(t.blame), format!("{kind} has {shown}, which no Flink operator serves ({why}): the API server refuses it, and its CRD schema cannot be checked"))
                        .label("unknown apiVersion")
                        .help(help),
                );
            }
        }
    }
}
