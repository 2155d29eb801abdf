use super::{Pair, TransitionRule, both};
use crate::policy::Finding;
use crate::tree::{Node, Origin, Value};

crate::declare_rule! {
    /// A change that only touches pod labels or annotations still restarts the job.
    ///
    /// ## What it checks
    /// A FlinkDeployment's spec changes only in pod-template metadata
    /// (`spec.podTemplate.metadata`, `spec.jobManager.podTemplate.metadata`,
    /// `spec.taskManager.podTemplate.metadata`: labels and annotations that flinkform writes
    /// from the spec's `labels`, `annotations` and the platform's). Reported as information.
    ///
    /// ## Why
    /// The operator diffs the whole spec (`ReflectiveDiffBuilder`); the pod template is not a
    /// `Diffable` field and has no `@SpecDiff` annotation, so any change in it, metadata
    /// included, is an `UPGRADE`: the job is stopped and restored with its upgrade mode, for a
    /// change that does not affect it. (Labels and annotations of the FlinkDeployment itself
    /// are not in the spec and restart nothing.)
    ///
    /// ## Example
    /// The change adds a pod label:
    /// ```yaml
    /// metadata:
    ///   labels: { cost-center: "4711" }
    /// ```
    ///
    /// ## Fix
    /// Nothing to fix; merge such changes together with a change that restarts the job anyway,
    /// or at a quiet time.
    pub struct RestartWithoutNeed { name: "restart-without-need", severity: Info, category: Policy, kinds: [Deployment] }
}

const COSMETIC: &[&[&str]] = &[
    &["podTemplate", "metadata"],
    &["jobManager", "podTemplate", "metadata"],
    &["taskManager", "podTemplate", "metadata"],
];

/// A copy of a spec without origins and without the pod-template metadata.
fn essential(spec: &Node) -> serde_json::Value {
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
        if b.without_origins() == h.without_origins() || essential(b) != essential(h) {
            return;
        }
        let at = COSMETIC
            .iter()
            .filter_map(|p| h.path(p).map(|n| first_difference(b.path(p), n)))
            .flatten()
            .find(|o| o.0.is_some())
            .unwrap_or(Origin::NONE)
            .or(head.blame);
        out.push(
            Finding::new(
                at,
                "only pod labels or annotations change, but the operator treats any pod-template change as an upgrade: the job restarts (with its upgrade mode)",
            )
            .label("restarts the job"),
        );
    }
}
