use super::admission::{self, Layers, dir_help, key_for, upgrade_mode_origin};
use crate::flink::version::{CHECKPOINT_DIR_KEYS, FlinkVersion};
use crate::policy::{Finding, Rule, Target};

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
        if !crate::facts::view::is_stateful_mode(mode) {
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
