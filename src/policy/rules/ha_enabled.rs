use crate::facts::resources::JOB_MANAGER;
use crate::facts::storage;
use crate::flink::version::HA_TYPE_KEYS;
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// High availability must be on where the environment requires it, with durable storage.
    ///
    /// ## What it checks
    /// In an environment whose `require.highAvailability` is true (by default `prod` and
    /// `production`), the job's JobManager runs with Kubernetes HA (`high-availability.type:
    /// kubernetes`) and `high-availability.storageDir` on durable storage: an object store or
    /// distributed file system, or a `file://` path on a PersistentVolumeClaim mounted in the
    /// JobManager's pod template; not another `file://` or local path. Wherever HA is on, its
    /// storage must be durable. A manifest for Amazon EMR on EKS turns HA on with EMR's own
    /// `jobManager.highAvailabilityEnabled: true` and keeps its metadata in
    /// `jobManager.storageDir`; both count (the dialect is recognised once, in
    /// `src/facts/dialect.rs`, for every rule).
    ///
    /// ## Why
    /// Without HA, a JobManager restart loses the job's running state: the operator falls back
    /// to the last completed checkpoint it knows of, or to nothing. HA metadata on a pod's
    /// local disk disappears with the pod.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   highAvailability: false # but prod requires it
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     high-availability.type: kubernetes
    ///     high-availability.storageDir: file:///tmp/ha
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   highAvailability: true
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     high-availability.type: kubernetes
    ///     high-availability.storageDir: s3://flink-prod/orders/ha
    /// ```
    /// In a service spec, leave `highAvailability` unset (the environment decides) or set it
    /// to `true`, and give the platform a `storage.highAvailability` template.
    pub struct HaEnabled {
        name: "ha-enabled", severity: Error, category: Policy, kinds: [Deployment],
    }
}

impl Rule for HaEnabled {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != Kind::Deployment {
            return;
        }
        if !v.ha_enabled() {
            if t.requirements.high_availability {
                let set = v.get_any(HA_TYPE_KEYS).map(|e| e.origin());
                let at = set.unwrap_or_else(|| {
                    if t.is_render() {
                        t.anchor(&["highAvailability"])
                    } else {
                        t.anchor(&["flinkConfiguration"])
                    }
                });
                let mut f = Finding::new(at, format!("high availability is off, but environment `{}` requires it", t.env))
                    .label("HA off")
                    .help(if t.is_render() {
                        "remove `highAvailability: false` (the environment turns HA on), or waive this finding in flinkform.yaml"
                    } else if crate::facts::dialect::Dialect::of(v) == crate::facts::dialect::Dialect::EmrOnEks {
                        "set jobManager.highAvailabilityEnabled: true and jobManager.storageDir to durable storage (EMR on EKS's own HA fields)"
                    } else {
                        "set high-availability.type: kubernetes and high-availability.storageDir to durable storage"
                    });
                if t.requirements.ha_origin.span().is_some() {
                    f = f.also(t.requirements.ha_origin, "required here");
                }
                out.push(f);
            }
            return;
        }
        match v.ha_storage().as_ref() {
            None => out.push(
                Finding::new(
                    v.get_any(HA_TYPE_KEYS)
                        .map_or(t.anchor(&["flinkConfiguration"]), |e| e.origin()),
                    "high availability is on without high-availability.storageDir",
                )
                .label("HA without storage")
                .help(if t.is_render() {
                    "give the platform a storage.highAvailability template in flinkform.yaml"
                } else {
                    "set high-availability.storageDir to durable storage, e.g. s3://bucket/<job>/ha"
                }),
            ),
            Some(e)
                if super::admission::placeholder_stops(t, e.origin(), &e.key, &e.value, out) => {}
            // The JobManager writes the HA metadata.
            Some(e) if !storage::classify(&e.value, v.object, &[JOB_MANAGER]).is_durable() => out
                .push(
                    Finding::new(
                        e.origin(),
                        format!(
                            "HA metadata is stored at `{}`, which does not survive the pod",
                            e.value
                        ),
                    )
                    .label("not durable")
                    .help(storage::DURABLE_HELP),
                ),
            Some(_) => {}
        }
    }
}
