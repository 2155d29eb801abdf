use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// Jobs must keep their state across upgrades where the environment requires it.
    ///
    /// ## What it checks
    /// In an environment whose `require.statefulUpgrade` is true (by default `prod` and
    /// `production`), `job.upgradeMode` is `savepoint` or `last-state`. Not setting it means
    /// `stateless`.
    ///
    /// ## Why
    /// With `stateless`, the operator cancels the job and starts it from empty state on every
    /// change to the spec, including a config change or an image bump: windows, joins and
    /// deduplication state are lost, and exactly-once sinks may see duplicates or gaps.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   job: { upgradeMode: stateless } # but prod requires a stateful upgrade
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2, upgradeMode: stateless }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   job: { upgradeMode: savepoint }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2, upgradeMode: savepoint }
    /// ```
    /// `savepoint` stops the job with a savepoint and restores from it; `last-state` restores
    /// from the latest checkpoint (faster, and works when the job is unhealthy). Both need a
    /// checkpoint directory; `savepoint` also a savepoint directory.
    pub struct StatefulUpgradeMode {
        name: "stateful-upgrade-mode", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob],
    }
}

impl Rule for StatefulUpgradeMode {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if !t.requirements.stateful_upgrade || !v.has_job() || v.upgrade_mode() != "stateless" {
            return;
        }
        let at = v
            .spec(&["job", "upgradeMode"])
            .map(|n| n.origin)
            .filter(|o| o.span().is_some())
            .unwrap_or_else(|| t.anchor(&["job", "upgradeMode"]));
        let mut f = Finding::new(at, format!("upgrade mode `stateless` loses the job's state on every change, but environment `{}` requires stateful upgrades", t.env))
            .label("stateless")
            .help("set job.upgradeMode to `savepoint` or `last-state`");
        if t.requirements.stateful_origin.span().is_some() {
            f = f.also(t.requirements.stateful_origin, "required here");
        }
        out.push(f);
    }
}
