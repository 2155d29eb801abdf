use super::admission;
use crate::diag::Severity;
use crate::flink::config_keys::{self, KeyStatus};
use crate::flink::version::{FlinkVersion, V1_16, V1_17, V1_18, V1_20};
use crate::facts::view::{ConfEntry, Kind};
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// Configuration keys are ones Flink or the operator reads.
    ///
    /// ## What it checks
    /// Every key of `flinkConfiguration` (nested maps joined with `.`) of a FlinkDeployment or
    /// FlinkSessionJob, against the catalogue of documented Flink (1.15 … 2.x) and operator
    /// keys, with open families such as `metrics.reporter.<name>.*` and `s3.*`:
    /// * an unknown key is a warning, with the closest documented key as "did you mean";
    /// * a key the job's Flink version does not read yet (`execution.checkpointing.dir` before
    ///   1.20, `state.backend.type` before 1.17, `high-availability.type` before 1.16,
    ///   `pekko.*` before 1.18, …) is a warning, naming the key that version reads;
    /// * a deprecated key is an info finding naming its replacement, when the job's Flink
    ///   version has the replacement.
    ///
    /// `$internal.*` keys are reported as unknown: Flink and the operator set them. Resources
    /// for Amazon EMR on EKS or IBM's operator (whose Flink builds read keys of their own) get
    /// no unknown-key findings.
    ///
    /// ## Why
    /// Flink ignores keys it does not know, silently: a misspelled key leaves the setting at
    /// its default (a checkpoint directory that is never used, a restart strategy that does not
    /// apply) and nothing fails until it matters.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     taskmanager.numberOfTaskSlot: "2"
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     taskmanager.numberOfTaskslots: "2"
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   taskManager: { slots: 2 }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     taskmanager.numberOfTaskSlots: "2"
    /// ```
    pub struct UnknownConfigKey {
        name: "unknown-config-key", severity: Warning, category: Policy,
        kinds: [Deployment, SessionJob],
    }
}

/// Renames whose Flink version is known: (old key, new key, the version that added the new key).
pub const RENAMES: [(&str, &str, FlinkVersion); 8] = [
    (
        "state.checkpoints.dir",
        "execution.checkpointing.dir",
        V1_20,
    ),
    (
        "state.savepoints.dir",
        "execution.checkpointing.savepoint-dir",
        V1_20,
    ),
    (
        "state.backend.incremental",
        "execution.checkpointing.incremental",
        V1_20,
    ),
    ("state.backend", "state.backend.type", V1_17),
    ("high-availability", "high-availability.type", V1_16),
    (
        "kubernetes.container.image",
        "kubernetes.container.image.ref",
        V1_17,
    ),
    (
        "kubernetes.jobmanager.cpu",
        "kubernetes.jobmanager.cpu.amount",
        V1_17,
    ),
    (
        "kubernetes.taskmanager.cpu",
        "kubernetes.taskmanager.cpu.amount",
        V1_17,
    ),
];

/// Replacements that exist in every Flink version the operator supports (1.15 on).
const LONG_ESTABLISHED: [&str; 14] = [
    "rest.port",
    "web.",
    "high-availability.storageDir",
    "high-availability.zookeeper.",
    "high-availability.cluster-id",
    "high-availability.jobmanager.port",
    "high-availability.job.delay",
    "taskmanager.memory.",
    "jobmanager.memory.",
    "io.tmp.dirs",
    "queryable-state.",
    "resourcemanager.",
    "security.ssl.internal.enabled",
    "metrics.scope.",
];

fn is_operator_key(key: &str) -> bool {
    key.starts_with("kubernetes.operator.") || key.starts_with("job.autoscaler.")
}

/// The Flink version from which `old` is deprecated in favour of `new` (`None`: in every
/// supported version). Where the version is not known, 1.20: the report waits until the
/// replacement surely exists.
pub fn deprecated_from(old: &str, new: Option<&str>) -> Option<FlinkVersion> {
    if is_operator_key(old) {
        return None;
    }
    if let Some(new) = new {
        if let Some((_, _, v)) = RENAMES.iter().find(|(o, n, _)| *o == old && *n == new) {
            return Some(*v);
        }
        if new.starts_with("pekko.") {
            return Some(V1_18);
        }
        if LONG_ESTABLISHED
            .iter()
            .any(|p| new == *p || (p.ends_with('.') && new.starts_with(p)))
        {
            return None;
        }
    }
    Some(V1_20)
}

/// For a key the given Flink version does not read yet: (the version that added it, the key
/// that version reads instead).
pub fn too_new(key: &str, version: FlinkVersion) -> Option<(FlinkVersion, String)> {
    if let Some((old, _, v)) = RENAMES.iter().find(|(_, n, _)| *n == key) {
        return (version < *v).then(|| (*v, (*old).to_string()));
    }
    let rest = key.strip_prefix("pekko.")?;
    (version < V1_18).then(|| (V1_18, format!("akka.{rest}")))
}

/// Whether `version` (unknown: the newest) has the replacement of a deprecated key.
fn replacement_available(old: &str, new: Option<&str>, version: Option<FlinkVersion>) -> bool {
    match (deprecated_from(old, new), version) {
        (None, _) | (_, None) => true,
        (Some(from), Some(v)) => v >= from,
    }
}

/// Follows a chain of deprecations (`a -> b`, `b -> c`) to the key to use: (key, whether that
/// key is current). Stops after a few steps, so a cycle in the data cannot hang.
pub fn final_replacement(first: &'static str) -> (&'static str, bool) {
    let mut key = first;
    for _ in 0..4 {
        match config_keys::lookup(key) {
            KeyStatus::Deprecated {
                replacement: Some(next),
            } => key = next,
            KeyStatus::Deprecated { replacement: None } => return (key, false),
            _ => return (key, true),
        }
    }
    (key, true)
}

fn at(e: &ConfEntry<'_>) -> crate::tree::Origin {
    e.key_origin.or(e.origin())
}

impl Rule for UnknownConfigKey {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if super::admission::is_canary(t) {
            return;
        }
        let v = &t.view;
        let cluster = admission::session_cluster(t);
        let version = match v.kind() {
            Kind::Deployment => v.flink_version(),
            Kind::SessionJob => cluster.as_ref().and_then(|c| c.flink_version()),
            Kind::StateSnapshot => None,
        };
        let vendor = admission::vendor(t);
        let where_ = if t.is_render() {
            "in the service's flinkConfiguration"
        } else {
            "in flinkConfiguration"
        };
        // A budget of "did you mean" searches for this object: thousands of unknown keys cost
        // the same as twenty.
        let mut budget = crate::suggest::Budget::default();
        for e in v.conf() {
            let key = e.key.as_str();
            match config_keys::classify(key) {
                KeyStatus::Known | KeyStatus::Family(_) => {
                    if let Some((since, instead)) = version.and_then(|ver| too_new(key, ver)) {
                        let ver = version.map(|v| v.to_string()).unwrap_or_default();
                        out.push(
                            Finding::new(at(e), format!("`{key}` is not read by Flink {ver}: it was added in Flink {since}"))
                                .label(format!("Flink {since}+"))
                                .help(format!("use `{instead}` {where_} for Flink {ver}, or upgrade the job to Flink {since}")),
                        );
                    }
                }
                KeyStatus::Deprecated { replacement } => {
                    if !replacement_available(key, replacement, version) {
                        continue;
                    }
                    let help = match replacement.map(final_replacement) {
                        Some((r, true)) => format!("use `{r}` instead"),
                        Some((r, false)) => format!(
                            "its replacement `{r}` is deprecated too, without a replacement of its own: remove it"
                        ),
                        None => "it has no replacement and may be ignored: remove it".to_string(),
                    };
                    out.push(
                        Finding::new(at(e), format!("`{key}` is deprecated"))
                            .label("deprecated")
                            .help(help)
                            .severity(Severity::Info),
                    );
                }
                KeyStatus::Unknown { .. } => {
                    if vendor.is_some() {
                        continue; // the vendor's Flink has keys of its own
                    }
                    if key.starts_with("$internal.") {
                        out.push(
                            Finding::new(
                                at(e),
                                format!(
                                    "`{}` is internal: Flink and the operator set it themselves",
                                    crate::excerpt::quote(key)
                                ),
                            )
                            .label("internal key")
                            .help("remove it: setting it overrides what the operator computes"),
                        );
                        continue;
                    }
                    let searched = budget.take();
                    let suggestion = if searched {
                        config_keys::suggest(key)
                    } else {
                        None
                    };
                    let help = match suggestion {
                        Some(s) => {
                            let mut h = format!("did you mean `{s}`?");
                            if let KeyStatus::Deprecated { replacement } = config_keys::lookup(s)
                                && replacement_available(s, replacement, version)
                            {
                                match replacement.map(final_replacement) {
                                    Some((r, true)) => {
                                        h.push_str(&format!(" It is deprecated: better use `{r}`"));
                                    }
                                    _ => h.push_str(" It is deprecated."),
                                }
                            }
                            h
                        }
                        None if !searched => format!(
                            "check the spelling against the Flink and operator documentation {}",
                            crate::suggest::exhausted_note()
                        ),
                        None => "check the spelling against the Flink and operator documentation; settings of the job itself belong in its arguments".to_string(),
                    };
                    out.push(
                        Finding::new(
                            at(e),
                            format!(
                                "unknown configuration key `{}`: Flink and the operator ignore it",
                                crate::excerpt::quote(key)
                            ),
                        )
                        .label("unknown key")
                        .help(help),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u32, minor: u32) -> FlinkVersion {
        FlinkVersion::new(major, minor)
    }

    #[test]
    fn deprecations_by_version() {
        let cp = ("state.checkpoints.dir", Some("execution.checkpointing.dir"));
        assert!(!replacement_available(cp.0, cp.1, Some(v(1, 19))));
        assert!(replacement_available(cp.0, cp.1, Some(v(1, 20))));
        assert!(replacement_available(cp.0, cp.1, None));
        assert!(!replacement_available(
            "akka.ask.timeout",
            Some("pekko.ask.timeout"),
            Some(v(1, 17))
        ));
        assert!(replacement_available(
            "akka.ask.timeout",
            Some("pekko.ask.timeout"),
            Some(v(1, 18))
        ));
        assert!(replacement_available(
            "jobmanager.web.port",
            Some("rest.port"),
            Some(v(1, 15))
        ));
        assert!(replacement_available(
            "kubernetes.operator.job.autoscaler.enabled",
            Some("job.autoscaler.enabled"),
            Some(v(1, 15))
        ));
        // Unknown history: only from 1.20.
        assert!(!replacement_available(
            "restart-strategy",
            Some("restart-strategy.type"),
            Some(v(1, 19))
        ));
    }

    #[test]
    fn chains_of_deprecations() {
        assert_eq!(
            final_replacement("execution.checkpointing.dir"),
            ("execution.checkpointing.dir", true)
        );
        assert_eq!(
            final_replacement("job.autoscaler.target.utilization.boundary"),
            ("job.autoscaler.target.utilization.boundary", false)
        );
        assert_eq!(
            final_replacement("high-availability.job.delay"),
            ("high-availability.job.delay", false)
        );
    }

    #[test]
    fn keys_too_new_for_a_version() {
        assert_eq!(
            too_new("execution.checkpointing.dir", v(1, 19)),
            Some((V1_20, "state.checkpoints.dir".to_string()))
        );
        assert_eq!(too_new("execution.checkpointing.dir", v(1, 20)), None);
        assert_eq!(
            too_new("high-availability.type", v(1, 15)),
            Some((V1_16, "high-availability".to_string()))
        );
        assert_eq!(
            too_new("pekko.ask.timeout", v(1, 17)),
            Some((V1_18, "akka.ask.timeout".to_string()))
        );
        assert_eq!(too_new("pekko.ask.timeout", v(1, 18)), None);
        assert_eq!(too_new("execution.checkpointing.interval", v(1, 15)), None);
    }
}
