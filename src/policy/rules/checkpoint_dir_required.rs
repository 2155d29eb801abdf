use super::admission::{self, Layers};
use crate::flink::version::{CHECKPOINT_DIR_KEYS, FlinkVersion, V1_20};
use crate::policy::{Finding, Rule, Target};
use crate::tree::Origin;

crate::declare_rule! {
    /// Jobs with `savepoint` or `last-state` upgrades have a checkpoint directory.
    ///
    /// ## What it checks
    /// A job (a FlinkDeployment's `job`, or a FlinkSessionJob's together with its session
    /// cluster when that is linted too) whose `upgradeMode` is `savepoint` or `last-state` has
    /// a non-blank checkpoint directory: `execution.checkpointing.dir` (Flink 1.20 and newer)
    /// or `state.checkpoints.dir`.
    ///
    /// In `check`, flinkform writes the directory from the platform's `storage.checkpoints`
    /// template (flinkform.yaml), so a platform without one gets this finding for every
    /// stateful service.
    ///
    /// ## Why
    /// Both modes restore the job from its checkpoints: without a directory there is nothing to
    /// restore from. The operator rejects the resource ("Checkpoint directory … must be defined
    /// for last-state and savepoint upgrade modes").
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkConfiguration:
    ///     execution.checkpointing.dir: null # not set
    ///   job: { upgradeMode: last-state }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     execution.checkpointing.dir: s3://flink-prod/orders/checkpoints
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2, upgradeMode: last-state }
    /// ```
    /// In a flinkform repository, give the platform a `storage.checkpoints` template, e.g.
    /// `s3://flink-{env}/{service}/checkpoints`.
    ///
    /// A service spec cannot make this rule fire: flinkform writes the checkpoint directory
    /// from the platform's `storage.checkpoints` template, and without one `check` reports it for
    /// every service that upgrades with state.
    pub struct CheckpointDirRequired {
        name: "checkpoint-dir-required", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob], spec: false,
    }
}

/// Whether an upgrade mode restores state (and so needs a checkpoint directory).
pub fn is_stateful(mode: &str) -> bool {
    matches!(mode, "savepoint" | "last-state")
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

impl Rule for CheckpointDirRequired {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if super::admission::is_canary(t) {
            return;
        }
        let v = &t.view;
        if !v.has_job() {
            return;
        }
        let mode = v.upgrade_mode();
        if !is_stateful(mode) {
            return;
        }
        let cluster = admission::session_cluster(t);
        let Some(conf) = admission::job_layers(t, &cluster) else {
            return;
        };
        check_dir(t, &conf, mode, out);
    }
}

fn check_dir(t: &Target<'_>, conf: &Layers<'_, '_>, mode: &str, out: &mut Vec<Finding>) {
    let version = conf.flink_version();
    let key = key_for(version, FlinkVersion::checkpoint_dir_key);
    let set = conf.get_any(CHECKPOINT_DIR_KEYS);
    if set.is_some_and(|e| !e.value.trim().is_empty()) {
        return;
    }
    let mode_at = upgrade_mode_origin(t);
    let message =
        format!("upgrade mode `{mode}` needs a checkpoint directory, but `{key}` is not set");
    let mut f = match set {
        Some(blank) => Finding::new(
            blank.origin(),
            format!(
                "upgrade mode `{mode}` needs a checkpoint directory, but `{}` is blank",
                blank.key
            ),
        )
        .label("blank")
        .also(mode_at, format!("upgradeMode {mode}")),
        None => Finding::new(mode_at, message).label(format!("upgradeMode {mode}")),
    };
    f = f.help(format!(
        "{}; or use `upgradeMode: stateless` if the job keeps no state",
        dir_help(t, "checkpoints", key, set.is_some(), version.is_some())
    ));
    out.push(f);
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
    match admission::storage_template(t, field) {
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
    fn stateful_modes_and_keys() {
        assert!(is_stateful("savepoint"));
        assert!(is_stateful("last-state"));
        assert!(!is_stateful("stateless"));
        assert!(!is_stateful("Savepoint"));
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
