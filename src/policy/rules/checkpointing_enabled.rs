use super::ha_enabled::is_durable;
use crate::flink::version::{CHECKPOINT_DIR_KEYS, CHECKPOINT_INTERVAL_KEY};
use crate::policy::view::Kind;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// Jobs checkpoint periodically, to durable storage when they upgrade with state.
    ///
    /// ## What it checks
    /// A job sets `execution.checkpointing.interval` to a positive duration (with
    /// `upgradeMode: last-state` the operator defaults it to 5 minutes, which counts). When the
    /// job upgrades with state (`savepoint` or `last-state`), its checkpoint directory
    /// (`execution.checkpointing.dir`, or `state.checkpoints.dir` before Flink 1.20) is on
    /// durable storage, not `file://` or a local path. (A missing directory is
    /// `checkpoint-dir-required`.)
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
        name: "checkpointing-enabled", severity: Error, category: Policy, kinds: [Deployment],
    }
}

/// A Flink duration in milliseconds: a number with an optional unit (`ms`, `s`, `min`/`m`,
/// `h`, `d`, and their long forms); no unit means milliseconds. `None` if unreadable.
pub fn duration_ms(text: &str) -> Option<i128> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: i128 = n.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
        "h" | "hour" | "hours" => 3_600_000,
        "d" | "day" | "days" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(factor)
}

impl Rule for CheckpointingEnabled {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != Kind::Deployment || !v.has_job() {
            return;
        }
        let mode = v.upgrade_mode();
        match v.get(CHECKPOINT_INTERVAL_KEY) {
            Some(e) => match duration_ms(&e.value) {
                Some(ms) if ms > 0 => {}
                Some(_) => out.push(
                    Finding::new(e.origin(), format!("checkpointing is disabled (interval `{}`)", e.value))
                        .label("disabled")
                        .help("set a positive interval, e.g. 60s"),
                ),
                None => out.push(
                    Finding::new(e.origin(), format!("`{}` is not a duration Flink reads", e.value))
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
        if mode != "stateless"
            && let Some(dir) = v.get_any(CHECKPOINT_DIR_KEYS)
            && !dir.value.trim().is_empty()
            && !is_durable(&dir.value)
        {
            out.push(
                Finding::new(dir.origin(), format!("checkpoints go to `{}`, which does not survive the pod", dir.value))
                    .label("not durable")
                    .help("use object storage or a distributed file system (s3://, gs://, abfss://, hdfs://)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::duration_ms;

    #[test]
    fn durations() {
        assert_eq!(duration_ms("60s"), Some(60_000));
        assert_eq!(duration_ms("5 min"), Some(300_000));
        assert_eq!(duration_ms("100"), Some(100));
        assert_eq!(duration_ms("2h"), Some(7_200_000));
        assert_eq!(duration_ms("-1"), Some(-1));
        assert_eq!(duration_ms("soon"), None);
        assert_eq!(duration_ms("99999999999999999999999999999999999999d"), None);
    }
}
