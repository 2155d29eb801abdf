use super::{Pair, TransitionRule, both};
use crate::flink::option_types::meaning;
use crate::flink::version::FlinkVersion;
use crate::policy::Finding;
use crate::tree::{Node, Origin, Value};

crate::declare_rule! {
    /// A change that only touches pod labels or annotations, or only respells configuration values, still restarts the job.
    ///
    /// ## What it checks
    /// A FlinkDeployment's spec changes, and every change is one of:
    /// * pod-template metadata (`spec.podTemplate.metadata`,
    ///   `spec.jobManager.podTemplate.metadata`, `spec.taskManager.podTemplate.metadata`:
    ///   labels and annotations that flinkform writes from the spec's `labels`, `annotations`
    ///   and the platform's);
    /// * a `flinkConfiguration` value written differently with the same meaning to Flink: a
    ///   duration (`60 s` → `1 min`), a memory size (`1024m` → `1g`) or an integer (`08` →
    ///   `8`), read by the option's type for the job's Flink version.
    ///
    /// Reported as information.
    ///
    /// ## Why
    /// The operator diffs the whole spec (`ReflectiveDiffBuilder`) as text and structure. The
    /// pod template is not a `Diffable` field and has no `@SpecDiff` annotation, so any change
    /// in it, metadata included, is an `UPGRADE`; `flinkConfiguration` is compared value by
    /// value as text, so a respelled value is an `UPGRADE` too. The job is stopped and
    /// restored with its upgrade mode, for a change that does not affect it. (Labels and
    /// annotations of the FlinkDeployment itself are not in the spec and restart nothing; nor
    /// do the operator's own `kubernetes.operator.*` options.)
    ///
    /// ## Example
    /// The change adds a pod label:
    /// ```yaml
    /// metadata:
    ///   labels: { cost-center: "4711" }
    /// ```
    /// or rewrites `execution.checkpointing.timeout: 600 s` as `10 min`.
    ///
    /// ## Fix
    /// Nothing to fix; merge such changes together with a change that restarts the job anyway,
    /// or at a quiet time (or keep the old spelling).
    pub struct RestartWithoutNeed { name: "restart-without-need", severity: Info, category: Policy, kinds: [Deployment] }
}

const COSMETIC: &[&[&str]] = &[
    &["podTemplate", "metadata"],
    &["jobManager", "podTemplate", "metadata"],
    &["taskManager", "podTemplate", "metadata"],
];

/// A copy of a spec without origins, without the pod-template metadata, and with each
/// configuration value replaced by its meaning where it has one.
fn essential(spec: &Node, version: Option<FlinkVersion>) -> serde_json::Value {
    let mut s = spec.without_origins().to_json();
    for path in COSMETIC {
        let Some((last, parents)) = path.split_last() else {
            continue;
        };
        let mut at = Some(&mut s);
        for p in parents {
            at = at.and_then(|v| v.get_mut(*p));
        }
        if let Some(serde_json::Value::Object(m)) = at {
            m.remove(*last);
        }
    }
    if let Some(serde_json::Value::Object(conf)) = s.get_mut("flinkConfiguration") {
        for (key, value) in conf.iter_mut() {
            if let Some(m) = value.as_str().and_then(|t| meaning(key, t, version)) {
                *value = serde_json::Value::String(m);
            }
        }
    }
    s
}

/// The origin of the first value in `head` that differs from `base`.
fn first_difference(base: Option<&Node>, head: &Node) -> Option<Origin> {
    match (&head.value, base.map(|b| &b.value)) {
        (Value::Map(h), Some(Value::Map(b))) => h.iter().find_map(|e| match b.get(&e.key) {
            None => Some(e.key_origin.or(e.value.any_origin())),
            Some(bv) => first_difference(Some(bv), &e.value),
        }),
        _ if base.map(Node::without_origins) == Some(head.without_origins()) => None,
        _ => Some(head.any_origin()),
    }
}

/// The configuration keys whose text changed (both sides set, same meaning by [`essential`]).
fn respelled<'a>(base: &Node, head: &'a Node) -> Vec<(&'a str, Origin)> {
    let (Some(Value::Map(b)), Some(Value::Map(h))) = (
        base.get("flinkConfiguration").map(|n| &n.value),
        head.get("flinkConfiguration").map(|n| &n.value),
    ) else {
        return Vec::new();
    };
    h.iter()
        .filter(|e| {
            b.get(&e.key)
                .is_some_and(|bv| bv.without_origins() != e.value.without_origins())
        })
        .map(|e| (e.key.as_str(), e.value.origin.or(e.key_origin)))
        .collect()
}

impl TransitionRule for RestartWithoutNeed {
    fn check(&self, pair: &Pair<'_>, out: &mut Vec<Finding>) {
        let Some((base, head)) = both(pair) else {
            return;
        };
        if !head.view.has_job() {
            return;
        }
        let (Some(b), Some(h)) = (base.view.object.get("spec"), head.view.object.get("spec"))
        else {
            return;
        };
        if b.without_origins() == h.without_origins()
            || essential(b, base.view.flink_version()) != essential(h, head.view.flink_version())
        {
            return;
        }
        let metadata_changed = COSMETIC
            .iter()
            .any(|p| b.path(p).map(Node::without_origins) != h.path(p).map(Node::without_origins));
        let metadata_at = COSMETIC
            .iter()
            .filter_map(|p| h.path(p).map(|n| first_difference(b.path(p), n)))
            .flatten()
            .find(|o| o.0.is_some());
        let respelled = respelled(b, h);
        let mut what = Vec::new();
        if metadata_changed {
            what.push("pod labels or annotations change".to_string());
        }
        if !respelled.is_empty() {
            let keys: Vec<String> = respelled.iter().map(|(k, _)| format!("`{k}`")).collect();
            what.push(format!(
                "{} {} respelled with the same meaning to Flink",
                keys.join(", "),
                if keys.len() == 1 { "is" } else { "are" }
            ));
        }
        if what.is_empty() {
            return;
        }
        let at = metadata_at
            .or_else(|| respelled.iter().map(|(_, o)| *o).find(|o| o.0.is_some()))
            .unwrap_or(Origin::NONE)
            .or(head.blame);
        out.push(
            Finding::new(
                at,
                format!(
                    "only {}, but the operator compares the spec as written: the job restarts (with its upgrade mode)",
                    what.join(" and ")
                ),
            )
            .label("restarts the job"),
        );
    }
}
