use crate::facts::resources::ROLES;
use crate::facts::storage;
use crate::flink::duration::{DurationGrammar, parse_duration};
use crate::flink::version::{CHECKPOINT_DIR_KEYS, CHECKPOINT_INTERVAL_KEY};
use crate::policy::{Finding, Rule, Target};

use super::admission;

crate::declare_rule! {
    /// Jobs checkpoint periodically, to durable storage when they upgrade with state.
    ///
    /// ## What it checks
    /// A job sets `execution.checkpointing.interval` to a positive duration in Flink's own
    /// syntax for the job's version (`60s`, `5 min`; not `5 mins`; ISO-8601 such as `PT1M`
    /// only from Flink 2.1). With `upgradeMode: last-state` the operator defaults it to 5
    /// minutes, which counts. When the job upgrades with state (`savepoint` or `last-state`),
    /// its checkpoint directory (`execution.checkpointing.dir`, or `state.checkpoints.dir`
    /// before Flink 1.20) is on durable storage: an object store or distributed file system,
    /// or a `file://` path on a PersistentVolumeClaim mounted in the pod template of the
    /// JobManager and the TaskManagers; not another `file://` or local path. (A missing
    /// directory is `checkpoint-dir-required`.) In a hand-written manifest a `${…}`
    /// placeholder (in the interval or the directory) is left alone; in `check` it is
    /// reported, since flinkform deploys it as written.
    ///
    /// A FlinkSessionJob is checked the same way, with its own `flinkConfiguration` over its
    /// session cluster's (the operator merges them so), when `lint` is given the cluster too;
    /// without it, what the cluster supplies is unknown and nothing is reported.
    ///
    /// ## Why
    /// Without checkpoints a failure restarts the job from nothing, and exactly-once sinks
    /// cannot commit. Checkpoints on a pod's disk vanish with the pod, exactly when they are
    /// needed.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   checkpointing: { interval: null } # the platform's default interval removed
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     execution.checkpointing.dir: file:///tmp/checkpoints
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2, upgradeMode: savepoint }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   checkpointing: { interval: 60s }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     execution.checkpointing.interval: 60s
    ///     execution.checkpointing.dir: s3://flink-prod/orders/checkpoints
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2, upgradeMode: savepoint }
    /// ```
    /// In a service spec: `checkpointing: { interval: 60s }`; the platform's
    /// `storage.checkpoints` template gives the directory.
    pub struct CheckpointingEnabled {
        name: "checkpointing-enabled", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob],
    }
}

impl Rule for CheckpointingEnabled {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if !v.has_job() {
            return;
        }
        // A session job's configuration is its own over its session cluster's; with the
        // cluster not among the linted objects, what it supplies is unknown: say nothing.
        let cluster = admission::session_cluster(t);
        let Some(conf) = admission::job_layers(t, &cluster) else {
            return;
        };
        // The pods that write the checkpoints: the deployment's, or the session cluster's.
        let pods = cluster.as_ref().map_or(v.object, |c| c.object);
        let mode = v.upgrade_mode();
        match conf.get(CHECKPOINT_INTERVAL_KEY) {
            // A `${…}` interval is not judged as a duration: unknown in `lint`, deployed as
            // written in `check` (which says so).
            Some(e) if admission::placeholder_stops(t, e.origin(), &e.key, &e.value, out) => {}
            Some(e) => match parse_duration(&e.value, DurationGrammar::for_key(&e.key, conf.flink_version())) {
                Ok(d) if !d.is_zero() => {}
                Ok(_) => out.push(
                    Finding::new(e.origin(), format!("checkpointing is disabled (interval `{}`)", e.value))
                        .label("disabled")
                        .help("set a positive interval, e.g. 60s"),
                ),
                Err(why) => out.push(
                    Finding::new(e.origin(), format!("`{}` is not a duration Flink reads: {why}", e.value))
                        .label("unreadable")
                        .help("write a number with a unit, e.g. 60s or 5 min"),
                ),
            },
            None if mode == "last-state" => {}
            None => out.push(
                Finding::new(
                    if t.is_render() { t.anchor(&["checkpointing"]) } else { t.anchor(&["flinkConfiguration"]) },
                    "checkpointing is off: no execution.checkpointing.interval",
                )
                .label("no checkpoints")
                .help(if t.is_render() {
                    "set `checkpointing: { interval: 60s }` in the spec (or in the platform defaults)"
                } else {
                    "set execution.checkpointing.interval, e.g. 60s"
                }),
            ),
        }
        // The JobManager and the TaskManagers both write checkpoints.
        if mode != "stateless"
            && let Some(dir) = conf.get_any(CHECKPOINT_DIR_KEYS)
            && !dir.value.trim().is_empty()
            && !admission::placeholder_stops(t, dir.origin(), &dir.key, &dir.value, out)
            && !storage::classify(&dir.value, pods, &ROLES).is_durable()
        {
            out.push(
                Finding::new(
                    dir.origin(),
                    format!(
                        "checkpoints go to `{}`, which does not survive the pod",
                        dir.value
                    ),
                )
                .label("not durable")
                .help(storage::DURABLE_HELP),
            );
        }
    }
}
