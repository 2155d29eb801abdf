//! Shared by the rules that mirror the operator's admission checks (`DefaultValidator`,
//! `AutoscalerValidator`): reading configuration values the way Flink reads them, and the
//! effective configuration of a FlinkSessionJob (its session cluster's, overlaid with its own).

use crate::flink::version::FlinkVersion;
use crate::policy::Target;
use crate::policy::view::{ConfEntry, FlinkView, Kind};
use crate::tree::Node;

/// Whether the operator leaves this resource alone: its health-check canaries (label
/// `flink.apache.org/canary: "true"`) are neither validated nor deployed.
pub fn is_canary(t: &Target<'_>) -> bool {
    t.view
        .object
        .path(&["metadata", "labels", "flink.apache.org/canary"])
        .and_then(Node::scalar_text)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The FlinkDeployment the operator's validator looks at: `None` for other kinds and for
/// health-check canaries, which the rules mirroring the validator leave alone.
pub fn validated_deployment<'t, 'a>(t: &'t Target<'a>) -> Option<&'t FlinkView<'a>> {
    (t.view.kind() == Kind::Deployment && !is_canary(t)).then_some(&t.view)
}

/// The operator distribution a resource is written for, when it is not the Apache one:
/// Amazon EMR on EKS (`spec.emrReleaseLabel`, `spec.executionRoleArn`) and IBM's
/// (`license.accept`/`license.use` in flinkConfiguration). Their webhooks fill in fields the
/// Apache operator requires (EMR: the service account), accept fields and configuration keys of
/// their own, and so get fewer "missing" and "unknown" findings.
pub fn vendor(t: &Target<'_>) -> Option<&'static str> {
    let v = &t.view;
    if v.spec(&["emrReleaseLabel"]).is_some() || v.spec(&["executionRoleArn"]).is_some() {
        Some("Amazon EMR on EKS")
    } else if v.get("license.accept").is_some() || v.get("license.use").is_some() {
        Some("IBM Event Automation")
    } else {
        None
    }
}

/// Whether high availability is on: `high-availability.type` (legacy `high-availability`)
/// set and not NONE, or EMR on EKS's `jobManager.highAvailabilityEnabled: true`.
pub fn ha_on(v: &FlinkView<'_>) -> bool {
    v.ha_enabled()
        || v.spec(&["jobManager", "highAvailabilityEnabled"])
            .is_some_and(|n| n.as_bool() == Some(true))
}

/// Whether a value is left for a later substitution (Flux `postBuild`, envsubst: `${VAR}`):
/// what it will be is not known yet.
pub fn is_substituted(text: &str) -> bool {
    text.contains("${")
}

/// A boolean as Flink's configuration reads it: `true`/`false` in any case, nothing else.
pub fn flink_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A configuration made of layers, the first winning: a FlinkDeployment's own configuration,
/// or a FlinkSessionJob's over its session cluster's.
pub struct Layers<'v, 'a> {
    views: Vec<&'v FlinkView<'a>>,
}

impl<'v, 'a> Layers<'v, 'a> {
    pub fn new(views: Vec<&'v FlinkView<'a>>) -> Self {
        Layers { views }
    }

    /// The value of `key` in the first layer that sets it.
    pub fn get(&self, key: &str) -> Option<&'v ConfEntry<'a>> {
        self.views.iter().find_map(|v| v.get(key))
    }

    /// The first of `keys` (in order of precedence) that some layer sets: Flink reads the
    /// current key before its deprecated and fallback keys.
    pub fn get_any(&self, keys: &[&str]) -> Option<&'v ConfEntry<'a>> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// The Flink version: the first layer that declares one (a session job's cluster).
    pub fn flink_version(&self) -> Option<FlinkVersion> {
        self.views.iter().find_map(|v| v.flink_version())
    }
}

/// The session cluster a FlinkSessionJob runs on, when it is among the linted objects: a
/// FlinkDeployment named `spec.deploymentName` in the same namespace (a missing namespace
/// matches any, as `kubectl apply -n` decides it).
pub fn session_cluster<'a>(t: &Target<'a>) -> Option<FlinkView<'a>> {
    if t.view.kind() != Kind::SessionJob {
        return None;
    }
    let name = t.view.spec_str(&["deploymentName"])?;
    let ns = |n: &Node| {
        n.path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let own_ns = ns(t.view.object);
    t.neighbours
        .iter()
        .copied()
        .find(|n| {
            n.get("kind").and_then(Node::as_str) == Some("FlinkDeployment")
                && n.path(&["metadata", "name"]).and_then(Node::as_str) == Some(name)
                && match (&own_ns, ns(n)) {
                    (Some(a), Some(b)) => *a == b,
                    _ => true,
                }
        })
        .map(FlinkView::new)
}

/// Which objects' configuration a job-level check (D11–D15) reads: a FlinkDeployment's own, a
/// FlinkSessionJob's over its session cluster's. `None` for a session job whose cluster is not
/// among the linted objects: the operator only runs these checks once the cluster exists, and
/// the cluster's configuration may supply what the job lacks.
pub fn job_layers<'v, 'a>(
    t: &'v Target<'a>,
    cluster: &'v Option<FlinkView<'a>>,
) -> Option<Layers<'v, 'a>> {
    match t.view.kind() {
        Kind::Deployment => Some(Layers::new(vec![&t.view])),
        Kind::SessionJob => cluster.as_ref().map(|c| Layers::new(vec![&t.view, c])),
    }
}

/// Where a storage template comes from in render mode, for help texts: the environment's
/// `storage.<field>` or the platform's.
pub fn storage_template<'p>(t: &Target<'p>, field: &str) -> Option<&'p crate::tree::Sp<String>> {
    let storage = t
        .platform
        .environment(&t.env)
        .map_or(&t.platform.storage, |e| &e.storage);
    match field {
        "checkpoints" => storage.checkpoints.as_ref(),
        "savepoints" => storage.savepoints.as_ref(),
        _ => storage.high_availability.as_ref(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_flink_reads_them() {
        assert_eq!(flink_bool("true"), Some(true));
        assert_eq!(flink_bool(" TRUE "), Some(true));
        assert_eq!(flink_bool("False"), Some(false));
        assert_eq!(flink_bool("yes"), None);
        assert_eq!(flink_bool(""), None);
    }
}
