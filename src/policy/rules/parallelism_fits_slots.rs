use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Node;

crate::declare_rule! {
    /// The job's parallelism is what the operator will run it with.
    ///
    /// ## What it checks
    /// For a FlinkDeployment, `taskManager.replicas`, when set, is at least 1. With a `job`:
    /// * without `taskManager.replicas`, `job.parallelism` is at least 1 (the operator's
    ///   default is 0, which it rejects; `parallelism.default` in `flinkConfiguration` does not
    ///   count);
    /// * with `taskManager.replicas`, a `job.parallelism` equals
    ///   replicas × `taskmanager.numberOfTaskSlots` (default 1): that product is the
    ///   parallelism the operator sets, whatever `job.parallelism` says.
    ///
    /// A `parallelism.default` in `flinkConfiguration` that differs from the parallelism the
    /// operator sets is reported as well: the operator overwrites it.
    ///
    /// ## Why
    /// A parallelism of 0, or replicas under 1, is rejected by the operator's validator ("Job
    /// parallelism must be larger than 0", "TaskManager replicas should not be configured less
    /// than one"). With fixed replicas, the operator silently replaces `job.parallelism`
    /// (it only logs a warning), so the manifest says one thing and the job runs another.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   job: { parallelism: 4 }
    ///   taskManager: { replicas: 1, slots: 2 }
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     taskmanager.numberOfTaskSlots: "2"
    ///   taskManager:
    ///     replicas: 2
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 8 }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   job: { parallelism: 4 }
    ///   taskManager: { replicas: 2, slots: 2 }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     taskmanager.numberOfTaskSlots: "2"
    ///   taskManager:
    ///     replicas: 4
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 8 }
    /// ```
    /// Or drop `replicas` and let Flink start as many TaskManagers as the parallelism needs.
    pub struct ParallelismFitsSlots {
        name: "parallelism-fits-slots", severity: Error, category: Policy, kinds: [Deployment],
    }
}

const SLOTS_KEY: &str = "taskmanager.numberOfTaskSlots";

impl Rule for ParallelismFitsSlots {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != Kind::Deployment {
            return;
        }
        let replicas = v
            .spec(&["taskManager", "replicas"])
            .filter(|n| !n.is_null());
        // D23 holds for session clusters too.
        if let Some(r) = replicas
            && let Some(count) = r.as_i64()
            && count < 1
        {
            out.push(
                Finding::new(r.origin.or(t.anchor(&["taskManager", "replicas"])), format!("taskManager.replicas is {count}: the operator rejects it (\"TaskManager replicas should not be configured less than one\")"))
                    .label("replicas < 1")
                    .help("set taskManager.replicas to at least 1, or remove it and let Flink start as many TaskManagers as the parallelism needs"),
            );
            return;
        }
        if !v.has_job() {
            return;
        }
        let parallelism = v.spec(&["job", "parallelism"]).filter(|n| !n.is_null());
        let parallelism_at = |n: Option<&Node>| {
            n.map_or(crate::tree::Origin::NONE, |n| n.origin)
                .or(t.anchor(&["job", "parallelism"]))
        };
        let effective = match replicas {
            None => {
                let value = parallelism.and_then(Node::as_i64);
                if parallelism.is_some() && value.is_none() {
                    return; // not a number: the CRD schema says so
                }
                let p = value.unwrap_or(0);
                if p < 1 {
                    let what = if parallelism.is_some() {
                        format!("job.parallelism is {p}")
                    } else {
                        "job.parallelism is not set, so it is 0".to_string()
                    };
                    let mut f = Finding::new(parallelism_at(parallelism), format!("{what}: the operator rejects the job (\"Job parallelism must be larger than 0\")"))
                        .label("parallelism < 1")
                        .help("set job.parallelism to at least 1 (parallelism.default in flinkConfiguration does not count)");
                    if let Some(d) = v.get("parallelism.default") {
                        f = f.also(d.origin(), "does not count: the operator overwrites it");
                    }
                    out.push(f);
                    return;
                }
                p
            }
            Some(r) => {
                let Some(count) = r.as_i64() else { return };
                let r_at = r.origin.or(t.anchor(&["taskManager", "replicas"]));
                let slots_entry = v.get(SLOTS_KEY);
                let slots = match slots_entry {
                    Some(e) => match e.value.trim().parse::<i64>() {
                        Ok(s) if s >= 1 => s,
                        _ => return, // Flink refuses it; not this rule's business
                    },
                    None => 1,
                };
                let Some(product) = count.checked_mul(slots) else {
                    return;
                };
                if let Some(p) = parallelism.and_then(Node::as_i64)
                    && p != product
                {
                    let mut f = Finding::new(
                        parallelism_at(parallelism),
                        format!(
                            "job.parallelism {p} is ignored: with {} × {} the operator runs the job with parallelism {product}",
                            crate::plural::count(count, "TaskManager replica", "TaskManager replicas"),
                            crate::plural::count(slots, "slot", "slots")
                        ),
                    )
                    .label(format!("runs as {product}"))
                    .also(r_at, crate::plural::count(count, "replica", "replicas"));
                    if let Some(e) = slots_entry {
                        f = f.also(
                            e.origin(),
                            format!("{} each", crate::plural::count(slots, "slot", "slots")),
                        );
                    }
                    // Replicas that would give the declared parallelism, when it is one.
                    let needed =
                        (p >= 1).then(|| p.div_euclid(slots) + i64::from(p.rem_euclid(slots) != 0));
                    let help = match needed {
                        Some(n) if n.saturating_mul(slots) == p => format!(
                            "set job.parallelism to {product}, or taskManager.replicas to {n}"
                        ),
                        Some(n) => format!(
                            "set job.parallelism to {product}, or taskManager.replicas to {n} (parallelism {})",
                            n.saturating_mul(slots)
                        ),
                        None => format!("set job.parallelism to {product}, or remove it"),
                    };
                    out.push(f.help(help));
                }
                product
            }
        };
        if let Some(e) = v.get("parallelism.default")
            && e.value.trim().parse::<i64>().ok() != Some(effective)
        {
            out.push(
                Finding::new(
                    e.origin(),
                    format!(
                        "`parallelism.default: {}` has no effect: the operator sets it to the job's parallelism, {effective}",
                        e.value
                    ),
                )
                .label("overwritten")
                .help("remove parallelism.default from flinkConfiguration and set job.parallelism"),
            );
        }
    }
}
