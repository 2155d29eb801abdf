//! Shared by the rules that mirror the operator's admission checks (`DefaultValidator`,
//! `AutoscalerValidator`): reading configuration values the way Flink reads them, and the
//! effective configuration of a FlinkSessionJob (its session cluster's, overlaid with its own).

use crate::facts::placeholder::{Placeholder, literal, placeholder};
use crate::facts::view::{ConfEntry, FlinkView, Kind};
use crate::flink::version::{FlinkVersion, V1_20};
use crate::policy::{Finding, Target};
use crate::tree::Node;
use crate::tree::Origin;

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

/// The operator distribution a resource is written for, when it is a vendor's
/// ([`crate::facts::dialect`]).
pub fn vendor(t: &Target<'_>) -> Option<&'static str> {
    crate::facts::dialect::Dialect::of(&t.view).vendor()
}

/// Whether high availability is on: `high-availability.type` (legacy `high-availability`)
/// set and not NONE, or EMR on EKS's `jobManager.highAvailabilityEnabled: true`.
pub fn ha_on(v: &FlinkView<'_>) -> bool {
    v.ha_enabled()
}

/// The job's `jarURI` as text, with where to point at it; `None` when there is none, it is not
/// text, or a `${…}` placeholder stops the judging ([`placeholder_stops`]).
pub fn jar_uri<'a>(t: &Target<'a>, out: &mut Vec<Finding>) -> Option<(&'a str, Origin)> {
    let node = t.view.spec(&["job", "jarURI"])?;
    let uri = node.as_str()?;
    let at = node.origin.or(t.anchor(&["job", "jarURI"]));
    (!placeholder_stops(t, at, "job.jarURI", uri, out)).then_some((uri, at))
}

/// Whether a rule stops judging `text` because it holds a `${…}` placeholder
/// ([`crate::facts::placeholder`]): in `lint` its value is unknown; in `check` it is deployed
/// as written, which is reported here (at `at`, for `field`) instead of judging the text.
pub fn placeholder_stops(
    t: &Target<'_>,
    at: Origin,
    field: &str,
    text: &str,
    out: &mut Vec<Finding>,
) -> bool {
    match placeholder(text, t.is_render()) {
        None => false,
        Some(Placeholder::Unknown) => true,
        Some(Placeholder::Literal) => {
            let (message, help) = literal(field, text);
            out.push(Finding::new(at, message).label("placeholder").help(help));
            true
        }
    }
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
        Kind::StateSnapshot => None,
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

/// The directory key to name in messages: the one the job's Flink version reads.
pub fn key_for(
    version: Option<FlinkVersion>,
    pick: fn(FlinkVersion) -> &'static str,
) -> &'static str {
    pick(version.unwrap_or(V1_20))
}

/// The origin of `job.upgradeMode`, or the nearest spec line.
pub fn upgrade_mode_origin(t: &Target<'_>) -> Origin {
    t.view
        .spec(&["job", "upgradeMode"])
        .map(|n| n.origin)
        .filter(|o| o.span().is_some())
        .unwrap_or_else(|| t.anchor(&["job", "upgradeMode"]))
}

/// What to do about a missing directory (`field`: the platform's storage template,
/// `checkpoints` or `savepoints`).
pub fn dir_help(
    t: &Target<'_>,
    field: &str,
    key: &str,
    blank: bool,
    version_known: bool,
) -> String {
    let example = format!("s3://<bucket>/<job>/{field}");
    if !t.is_render() {
        return format!("set `{key}` to durable storage, e.g. {example}");
    }
    if blank {
        return format!(
            "remove the blank `{key}` from the service's flinkConfiguration: flinkform writes it from the platform's `storage.{field}` template"
        );
    }
    match storage_template(t, field) {
        None => format!(
            "give the platform a `storage.{field}` template in flinkform.yaml (environment `{}` has none), e.g. `s3://flink-{{env}}/{{service}}/{field}`",
            t.env
        ),
        Some(_) if !version_known => format!(
            "flinkform writes the {field} directory only for a known Flink version: set `flinkVersion`"
        ),
        Some(_) => format!(
            "the platform's `storage.{field}` template could not be expanded: fix the template in flinkform.yaml"
        ),
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

    #[test]
    fn stateful_modes_and_keys() {
        assert!(crate::facts::view::is_stateful_mode("savepoint"));
        assert!(crate::facts::view::is_stateful_mode("last-state"));
        assert!(!crate::facts::view::is_stateful_mode("stateless"));
        assert!(!crate::facts::view::is_stateful_mode("Savepoint"));
        assert_eq!(
            key_for(None, FlinkVersion::checkpoint_dir_key),
            "execution.checkpointing.dir"
        );
        assert_eq!(
            key_for(
                Some(FlinkVersion::new(1, 19)),
                FlinkVersion::checkpoint_dir_key
            ),
            "state.checkpoints.dir"
        );
    }
}
