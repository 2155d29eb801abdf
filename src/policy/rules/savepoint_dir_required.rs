use crate::flink::operator_keys::PERIODIC_SAVEPOINT_INTERVAL;
use super::admission;
use super::admission::{dir_help, key_for, upgrade_mode_origin};
use crate::flink::version::{FlinkVersion, SAVEPOINT_DIR_KEYS};
use crate::policy::{Finding, Rule, Target};
use crate::tree::Origin;

crate::declare_rule! {
    /// Jobs that take savepoints have a savepoint directory.
    ///
    /// ## What it checks
    /// A job (a FlinkDeployment's `job`, or a FlinkSessionJob's together with its session
    /// cluster when that is linted too) has a non-blank savepoint directory
    /// (`execution.checkpointing.savepoint-dir`, or `state.savepoints.dir` before Flink 1.20)
    /// when any of these asks for savepoints:
    /// * `job.upgradeMode: savepoint`;
    /// * `job.savepointTriggerNonce` is set (a manual savepoint);
    /// * `kubernetes.operator.periodic.savepoint.interval` is in the configuration (any value);
    /// * `kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age` is set.
    ///
    /// One finding per job, at a blank directory if there is one, else at the first of these;
    /// the others are labelled.
    ///
    /// ## Why
    /// A savepoint needs a place to go. The operator rejects each of these without one ("Job
    /// could not be upgraded with savepoint while config key[…] is not set", "Periodic
    /// savepoints cannot be enabled when config key[…] is not set", …).
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkConfiguration:
    ///     execution.checkpointing.savepoint-dir: null # not set
    ///   job: { upgradeMode: savepoint }
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
    ///     execution.checkpointing.savepoint-dir: s3://flink-prod/orders/savepoints
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2, upgradeMode: savepoint }
    /// ```
    /// In a flinkform repository, give the platform a `storage.savepoints` template.
    ///
    /// A service spec cannot make this rule fire: flinkform writes the savepoint directory
    /// from the platform's `storage.savepoints` template, and without one `check` reports it for
    /// every service that upgrades with state.
    pub struct SavepointDirRequired {
        name: "savepoint-dir-required", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob], spec: false,
    }
}

pub const MAX_AGE_KEY: &str =
    "kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age";

impl Rule for SavepointDirRequired {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if super::admission::is_canary(t) {
            return;
        }
        let v = &t.view;
        if !v.has_job() {
            return;
        }
        let cluster = admission::session_cluster(t);
        let Some(conf) = admission::job_layers(t, &cluster) else {
            return;
        };
        let set = conf.get_any(SAVEPOINT_DIR_KEYS);
        if set.is_some_and(|e| !e.value.trim().is_empty()) {
            return;
        }
        // What asks for savepoints: (where, label, what the operator says it cannot do).
        let mut triggers: Vec<(Origin, String, &str)> = Vec::new();
        if v.upgrade_mode() == "savepoint" {
            triggers.push((
                upgrade_mode_origin(t),
                "upgradeMode savepoint".into(),
                "upgrade with a savepoint",
            ));
        }
        if let Some(n) = v
            .spec(&["job", "savepointTriggerNonce"])
            .filter(|n| !n.is_null())
        {
            triggers.push((
                n.origin.or(t.anchor(&["job", "savepointTriggerNonce"])),
                "savepointTriggerNonce".into(),
                "trigger a manual savepoint",
            ));
        }
        if let Some(e) = conf.get(PERIODIC_SAVEPOINT_INTERVAL) {
            triggers.push((
                e.origin(),
                "periodic savepoint interval".into(),
                "take periodic savepoints",
            ));
        }
        if let Some(e) = conf.get(MAX_AGE_KEY).filter(|e| !e.value.trim().is_empty()) {
            triggers.push((
                e.origin(),
                "max checkpoint age".into(),
                "fall back to a savepoint when the last checkpoint is too old",
            ));
        }
        let Some(((at, label, what), rest)) = triggers.split_first() else {
            return;
        };
        let version = conf.flink_version();
        let key = key_for(version, FlinkVersion::savepoint_dir_key);
        let state = match set {
            Some(e) => format!("`{}` is blank", e.key),
            None => format!("`{key}` is not set"),
        };
        let message = format!("the job cannot {what}: {state}");
        // A blank directory is the value to change; else the first thing that needs one.
        let mut f = match set {
            Some(e) => Finding::new(e.origin(), message)
                .label("blank")
                .also(*at, label.clone()),
            None => Finding::new(*at, message).label(label.clone()),
        };
        for (o, l, _) in rest {
            f = f.also(*o, format!("{l} also needs it"));
        }
        out.push(f.help(dir_help(
            t,
            "savepoints",
            key,
            set.is_some(),
            version.is_some(),
        )));
    }
}
