use super::session_job_jar_uri::{Parsed, parse};
use crate::flink::version::FlinkVersion;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// A FlinkDeployment's `job.jarURI` is a URI with a scheme (`local:///…` for a jar in the
    /// image).
    ///
    /// ## What it checks
    /// For a FlinkDeployment with a job, `job.jarURI`, when set:
    /// * is a URI Java can read (the operator parses it with `java.net.URI`);
    /// * has a scheme. Without one (`/opt/flink/usrlib/job.jar`, `job.jar`) it is an error in
    ///   standalone mode (`mode: standalone`) and on Flink 1.18 and earlier; from Flink 1.19
    ///   an absolute path without a scheme is read as `file:` and works, a relative one is an
    ///   error.
    ///
    /// A FlinkSessionJob's jar is `session-job-jar-uri`'s.
    ///
    /// ## Why
    /// The operator hands the jarURI to Flink, which resolves a path without a scheme against
    /// the working directory of the process that reads it, the operator's, not the image's:
    /// Flink up to 1.18 then refuses it ("Only \"local\" is supported as schema for
    /// application mode"); in standalone mode the operator itself fails on the missing scheme;
    /// from 1.19 a relative path names a file in the operator's folder, which the JobManager
    /// does not have. The deployment fails at submission, after it was accepted.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   job: { jarURI: usrlib/orders.jar }
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   job: { jarURI: usrlib/orders.jar }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar }
    /// ```
    pub struct JarUriScheme {
        name: "jar-uri-scheme", severity: Error, category: Policy, kinds: [Deployment],
    }
}

/// The first Flink whose Kubernetes application mode reads a jar path without a scheme as a
/// `file:` URI (`KubernetesUtils.checkJarFileForApplicationMode`); before, only `local:`.
const FILE_PATHS_FROM: FlinkVersion = FlinkVersion::new(1, 19);

impl Rule for JarUriScheme {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(v) = super::admission::validated_deployment(t) else {
            return;
        };
        if !v.has_job() {
            return;
        }
        let Some((uri, at)) = super::admission::jar_uri(t, out) else {
            return;
        };
        let shown = uri.escape_debug().to_string();
        let in_image = if uri.is_empty() {
            "local:///opt/flink/usrlib/job.jar".to_string()
        } else if uri.starts_with('/') {
            format!("local://{shown}")
        } else {
            format!("local:///opt/flink/usrlib/{shown}")
        };
        match parse(uri) {
            Parsed::Invalid(why) => out.push(
                Finding::new(at, format!("jarURI `{shown}` is not a valid URI ({why}): the operator cannot deploy it"))
                    .label("invalid URI")
                    .help("write an absolute URI, e.g. local:///opt/flink/usrlib/job.jar for a jar in the image; escape spaces and special characters with %XX"),
            ),
            Parsed::NoScheme => {
                let standalone = v.spec_str(&["mode"]) == Some("standalone");
                let version = v.flink_version();
                let old_flink = version.is_some_and(|f| f < FILE_PATHS_FROM);
                let why = if uri.is_empty() {
                    "it is empty".to_string()
                } else if standalone {
                    "in standalone mode the operator fails on a jarURI without a scheme".to_string()
                } else if old_flink {
                    "Flink 1.18 and earlier refuse it: \"Only \\\"local\\\" is supported as schema for application mode\"".to_string()
                } else if !uri.starts_with('/') {
                    "Flink resolves the relative path in the operator's working directory, which the JobManager does not have".to_string()
                } else {
                    return; // Flink 1.19+: an absolute path is read as `file:`, in the pod.
                };
                out.push(
                    Finding::new(at, format!("jarURI `{shown}` has no scheme: {why}"))
                        .label("no scheme")
                        .help(format!("for a jar in the image, write `{in_image}`")),
                );
            }
            Parsed::Absolute { .. } => {}
        }
    }
}
