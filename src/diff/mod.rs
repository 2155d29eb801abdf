//! `diff`: what a change does to the clusters. Two renders (the base revision and the working
//! tree) are compared object by object, per cluster: added, removed, changed (with field
//! paths, old → new). For each FlinkDeployment the diff says what happens to the running job.
//!
//! The job impact follows the operator's reconciliation:
//! * only metadata (labels, annotations) changed → **none**;
//! * `job.state` running → suspended → **suspend** (how depends on the upgrade mode), and back
//!   → **resume**;
//! * only fields the operator's spec diff ignores changed (`job.upgradeMode`,
//!   `job.initialSavepointPath`, `job.allowNonRestoredState`, the trigger nonces, and
//!   `flinkConfiguration` keys under `kubernetes.operator`, `job.autoscaler`,
//!   `parallelism.default`: `@SpecDiff(IGNORE)` in the operator's `AbstractFlinkSpec` and
//!   `JobSpec`) → **none** until the next upgrade;
//! * a new `job.savepointRedeployNonce` (`job.restore`) → **redeploy from savepoint**: the
//!   operator cancels the job without a savepoint and restores the chosen one
//!   (`DiffType.SAVEPOINT_REDEPLOY`);
//! * only `job.parallelism` / `taskManager.replicas` changed → **rescale** (the operator
//!   redeploys the job with its upgrade mode);
//! * any other spec change → a **restart**, carried out with the new spec's upgrade mode:
//!   `savepoint` (stop with a savepoint, restore from it), `last-state` (restore from the
//!   latest checkpoint), `stateless` (state lost). A job that was deployed `stateless` cannot
//!   carry state into the upgrade, whatever the new mode says;
//! * a new FlinkDeployment → **new job**, a removed one → **job deleted** (Flux prunes it and
//!   the operator cancels the job; checkpoints stay in storage).
//!
//! A side with findings that stop rendering (YAML, schema, CRD errors, …) is [`Unrendered`]
//! in part: the services whose spec did not render there are left out of the comparison
//! ([`without_unrendered`]) — a spec with a YAML error is not a deleted job — and the reports
//! say which, and why.

pub mod report;

use crate::render::{Rendered, RenderedObject};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ObjectKey {
    pub cluster: String,
    pub service: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// `spec.job.parallelism`, `spec.flinkConfiguration["state.backend.type"]`, `spec.job.args[1]`.
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    None,
    Rescale,
    RestartSavepoint,
    RestartLastState,
    RestartStateLost,
    Suspend,
    Resume,
    NewJob,
    JobDeleted,
    /// A new `savepointRedeployNonce` (`job.restore`): cancelled without a savepoint and
    /// redeployed from the chosen savepoint.
    RedeployFromSavepoint,
    /// A FlinkBlueGreenDeployment's template changed: the new spec starts beside the running
    /// job (from a savepoint of it, unless `stateless`), which keeps running until then.
    BlueGreenSwitch,
}

impl Impact {
    pub fn describe(self) -> &'static str {
        match self {
            Impact::None => "no effect on the job (metadata only)",
            Impact::Rescale => "rescale: the job is redeployed with a new parallelism",
            Impact::RestartSavepoint => {
                "restart with savepoint upgrade: stopped with a savepoint, restored from it"
            }
            Impact::RestartLastState => {
                "restart from last state: restored from the latest checkpoint"
            }
            Impact::RestartStateLost => "restart with state lost: the job starts from empty state",
            Impact::Suspend => "suspend: the job is stopped",
            Impact::Resume => "resume: the job is started again",
            Impact::NewJob => "new job: first deployment",
            Impact::JobDeleted => "job deleted: the job is cancelled and removed",
            Impact::RedeployFromSavepoint => {
                "redeploy from savepoint: cancelled, its current state discarded, restored from `job.restore`'s savepoint"
            }
            Impact::BlueGreenSwitch => {
                "blue/green switch: the new spec starts beside the running job, from a savepoint of it (unless stateless), and replaces it once it runs"
            }
        }
    }

    /// Whether the job stops running for a while (or for good).
    pub fn interrupts(self) -> bool {
        !matches!(self, Impact::None)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "change")]
pub enum Change {
    Added,
    Removed,
    Changed { fields: Vec<FieldChange> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectDiff {
    #[serde(flatten)]
    pub key: ObjectKey,
    #[serde(flatten)]
    pub change: Change,
    /// For FlinkDeployments: what happens to the running job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    /// Extra detail for the impact, e.g. `parallelism 4 → 8`, `upgrade mode savepoint`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What one side of a diff could not render.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unrendered {
    /// Nothing rendered at all: the platform config has errors.
    pub nothing: bool,
    /// Files with findings that stop rendering (git-root paths), sorted.
    pub files: Vec<String>,
    /// Services left out of the comparison: their spec did not render on this side.
    pub services: Vec<String>,
}

impl Unrendered {
    /// Whether this side rendered everything.
    pub fn is_complete(&self) -> bool {
        !self.nothing && self.files.is_empty()
    }

    /// What a compilation could not render. `prefix` is the platform folder's path in its git
    /// repository (for git-root file paths); `names` maps spec paths (platform-relative) to
    /// service names, from both sides, so a spec that does not load here is still named.
    pub fn of(
        c: &crate::compile::Compilation,
        prefix: &str,
        names: &BTreeMap<String, String>,
    ) -> Unrendered {
        let sources = &c.workspace.sources;
        let (blocked, _) = c.blocked_specs();
        let join = |p: &str| {
            if prefix.is_empty() {
                p.to_string()
            } else {
                format!("{prefix}/{p}")
            }
        };
        let mut files: Vec<String> = c
            .report
            .diagnostics
            .iter()
            .filter(|d| crate::compile::is_blocking(d))
            .filter_map(|d| d.primary.as_ref())
            .map(|l| join(&sources.path(l.span.file)))
            .chain(blocked.iter().map(|p| join(p)))
            .collect();
        let nothing = c.workspace.platform.is_none();
        if nothing && files.is_empty() {
            files.push(join(crate::spec::platform::FILE_NAME));
        }
        files.sort();
        files.dedup();
        let mut services: Vec<String> = blocked
            .iter()
            .filter_map(|p| names.get(p).cloned())
            .collect();
        services.sort();
        services.dedup();
        Unrendered {
            nothing,
            files,
            services,
        }
    }
}

/// The spec path → service name of every service a compilation loaded.
pub fn service_names(c: &crate::compile::Compilation) -> BTreeMap<String, String> {
    c.workspace
        .services
        .iter()
        .map(|s| (s.path.clone(), s.name.value.clone()))
        .collect()
}

/// What the base and the working tree could not render.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sides {
    pub base: Unrendered,
    pub head: Unrendered,
}

impl Sides {
    /// Whether a service is compared: it rendered on both sides (when a side rendered
    /// nothing, no service is).
    pub fn compared(&self, service: &str) -> bool {
        !self.base.nothing
            && !self.head.nothing
            && !self.base.services.iter().any(|s| s == service)
            && !self.head.services.iter().any(|s| s == service)
    }
}

/// The diffs of the services compared on both sides: a service that did not render on one
/// side would otherwise show as removed (a deleted job) or added.
pub fn without_unrendered(diffs: Vec<ObjectDiff>, sides: &Sides) -> Vec<ObjectDiff> {
    diffs
        .into_iter()
        .filter(|d| sides.compared(&d.key.service))
        .collect()
}

fn key_of(o: &RenderedObject) -> ObjectKey {
    let meta = |k: &str| {
        o.node
            .path(&["metadata", k])
            .and_then(crate::tree::Node::as_str)
            .unwrap_or_default()
            .to_string()
    };
    ObjectKey {
        cluster: o.cluster.to_string(),
        service: o.service.to_string(),
        kind: o.kind().to_string(),
        namespace: meta("namespace"),
        name: meta("name"),
    }
}

/// Compares two renders. The result is sorted by cluster, service, kind, namespace, name.
///
/// Changes are found on the objects as rendered, and reported with every secret value
/// replaced by [`crate::secrets::REDACTED`] (the same decision `check` and `render` make): a
/// changed password shows as a changed field, never as its value.
pub fn diff(base: &Rendered, head: &Rendered) -> Vec<ObjectDiff> {
    let index = |r: &Rendered| -> BTreeMap<ObjectKey, (Value, Value)> {
        r.objects
            .iter()
            .map(|o| {
                let mut shown = o.node.clone();
                crate::secrets::redact(&mut shown);
                (key_of(o), (o.node.to_json(), shown.to_json()))
            })
            .collect()
    };
    let (old, new) = (index(base), index(head));
    let mut out = Vec::new();
    for (key, (before, before_shown)) in &old {
        match new.get(key) {
            None => out.push(finish(key.clone(), Change::Removed, Some(before), None)),
            Some((after, after_shown)) if after != before => {
                let mut fields = Vec::new();
                compare_shown(
                    String::new(),
                    (Some(before), Some(after)),
                    (Some(before_shown), Some(after_shown)),
                    &mut fields,
                );
                out.push(finish(
                    key.clone(),
                    Change::Changed { fields },
                    Some(before),
                    Some(after),
                ));
            }
            Some(_) => {}
        }
    }
    for (key, (after, _)) in &new {
        if !old.contains_key(key) {
            out.push(finish(key.clone(), Change::Added, None, Some(after)));
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// [`compare`] on the raw values, reporting the redacted ones (`shown`, the same structure
/// with secrets replaced).
fn compare_shown(
    path: String,
    raw: (Option<&Value>, Option<&Value>),
    shown: (Option<&Value>, Option<&Value>),
    out: &mut Vec<FieldChange>,
) {
    match (raw, shown) {
        ((Some(Value::Object(a)), Some(Value::Object(b))), (sa, sb)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                compare_shown(
                    step(&path, k),
                    (a.get(k), b.get(k)),
                    (sa.and_then(|v| v.get(k)), sb.and_then(|v| v.get(k))),
                    out,
                );
            }
        }
        ((Some(Value::Array(a)), Some(Value::Array(b))), (sa, sb)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare_shown(
                    format!("{path}[{i}]"),
                    (Some(x), Some(y)),
                    (sa.and_then(|v| v.get(i)), sb.and_then(|v| v.get(i))),
                    out,
                );
            }
        }
        ((a, b), (sa, sb)) if a != b => out.push(FieldChange {
            path,
            old: a.and(sa).cloned(),
            new: b.and(sb).cloned(),
        }),
        _ => {}
    }
}

fn finish(
    key: ObjectKey,
    change: Change,
    before: Option<&Value>,
    after: Option<&Value>,
) -> ObjectDiff {
    let (impact, detail) = if key.kind == "FlinkDeployment" {
        let (i, d) = impact(before, after);
        (Some(i), d)
    } else if key.kind == crate::facts::blue_green::KIND {
        let (i, d) = blue_green_impact(before, after);
        (Some(i), d)
    } else {
        (None, None)
    };
    ObjectDiff {
        key,
        change,
        impact,
        detail,
    }
}

fn at<'a>(v: Option<&'a Value>, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v?, |cur, k| cur.get(k))
}

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// The job impact of a FlinkBlueGreenDeployment going from `before` to `after`: the operator
/// compares only `template.spec` (`FlinkBlueGreenDeploymentSpecDiff`, operator 1.14 – main).
/// Suspend, resume, a redeploy from a savepoint and changes the operator ignores act as on a
/// FlinkDeployment (ignored ones are patched into the running child); every other change is
/// a blue/green switch.
fn blue_green_impact(before: Option<&Value>, after: Option<&Value>) -> (Impact, Option<String>) {
    let template = |v: Option<&Value>| {
        v.map(|v| serde_json::json!({ "spec": at(Some(v), &["spec", "template", "spec"]) }))
    };
    let (b, a) = (template(before), template(after));
    match impact(b.as_ref(), a.as_ref()) {
        (
            Impact::Rescale
            | Impact::RestartSavepoint
            | Impact::RestartLastState
            | Impact::RestartStateLost,
            _,
        ) => (Impact::BlueGreenSwitch, None),
        other => other,
    }
}

/// The job impact of a FlinkDeployment going from `before` to `after`.
pub fn impact(before: Option<&Value>, after: Option<&Value>) -> (Impact, Option<String>) {
    let (Some(b), Some(a)) = (before, after) else {
        return if after.is_some() {
            (Impact::NewJob, None)
        } else {
            (Impact::JobDeleted, None)
        };
    };
    let (bs, as_) = (b.get("spec"), a.get("spec"));
    if bs == as_ {
        return (Impact::None, None);
    }
    let state = |v| text(at(v, &["job", "state"])).unwrap_or("running");
    let mode_of = |v| text(at(v, &["job", "upgradeMode"])).unwrap_or("stateless");
    let (old_mode, new_mode) = (mode_of(bs), mode_of(as_));
    match (state(bs), state(as_)) {
        ("running", "suspended") => {
            return (Impact::Suspend, Some(format!("upgrade mode {new_mode}")));
        }
        ("suspended", "running") => {
            return (Impact::Resume, Some(format!("upgrade mode {new_mode}")));
        }
        ("suspended", "suspended") => {
            return (Impact::None, Some("the job stays suspended".into()));
        }
        _ => {}
    }
    // Which spec fields changed?
    let mut fields = Vec::new();
    compare(String::new(), bs, as_, &mut fields);
    // The operator's SpecDiff (`AbstractFlinkSpec`, `JobSpec`; operator 1.13.0 to main): a new
    // savepointRedeployNonce redeploys from initialSavepointPath; fields it ignores change
    // nothing until the next upgrade (operator options apply live).
    let nonce = |v| at(v, &["job", "savepointRedeployNonce"]).filter(|n| !n.is_null());
    if nonce(as_).is_some() && nonce(as_) != nonce(bs) {
        return (Impact::RedeployFromSavepoint, None);
    }
    if fields.iter().all(|f| ignored_by_operator(&f.path)) {
        return (
            Impact::None,
            Some("the operator ignores this change until the job's next upgrade (operator options apply at once)".into()),
        );
    }
    let rescale_only = fields
        .iter()
        .all(|f| f.path == "job.parallelism" || f.path == "taskManager.replicas");
    if rescale_only {
        let p = |v| {
            at(v, &["job", "parallelism"])
                .map(|p| p.to_string())
                .unwrap_or_else(|| "?".into())
        };
        return (
            Impact::Rescale,
            Some(format!(
                "parallelism {} → {}, upgrade mode {new_mode}",
                p(bs),
                p(as_)
            )),
        );
    }
    if old_mode == "stateless" {
        let detail = if new_mode == "stateless" {
            None
        } else {
            Some(format!(
                "the running job was deployed stateless; `{new_mode}` applies from the next upgrade"
            ))
        };
        return (Impact::RestartStateLost, detail);
    }
    match new_mode {
        "savepoint" => (Impact::RestartSavepoint, None),
        "last-state" => (Impact::RestartLastState, None),
        _ => (
            Impact::RestartStateLost,
            Some(format!("upgrade mode changes from {old_mode} to stateless")),
        ),
    }
}

/// Whether the operator's spec diff ignores a change at this path (`@SpecDiff(IGNORE)` fields
/// and the `flinkConfiguration` prefixes `kubernetes.operator`, `job.autoscaler` and
/// `parallelism.default`).
fn ignored_by_operator(path: &str) -> bool {
    const FIELDS: [&str; 6] = [
        "job.upgradeMode",
        "job.initialSavepointPath",
        "job.allowNonRestoredState",
        "job.savepointTriggerNonce",
        "job.checkpointTriggerNonce",
        "job.autoscalerResetNonce",
    ];
    if FIELDS.contains(&path) {
        return true;
    }
    let Some(key) = path
        .strip_prefix("flinkConfiguration[\"")
        .and_then(|k| k.strip_suffix("\"]"))
        .or_else(|| path.strip_prefix("flinkConfiguration."))
    else {
        return false;
    };
    [
        "kubernetes.operator",
        "job.autoscaler",
        "parallelism.default",
    ]
    .iter()
    .any(|p| key.starts_with(p))
}

/// A readable path step: `.key`, `["dotted.key"]` or `[3]`.
fn step(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", serde_json::to_string(key).unwrap_or_default()),
    }
}

fn compare(path: String, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                compare(step(&path, k), a.get(k), b.get(k), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(format!("{path}[{i}]"), Some(x), Some(y), out);
            }
        }
        (a, b) if a != b => out.push(FieldChange {
            path,
            old: a.cloned(),
            new: b.cloned(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fd(spec: Value) -> Value {
        json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment", "metadata": {"name": "a", "labels": {"x": "1"}}, "spec": spec})
    }

    fn spec(parallelism: u32, mode: &str, state: &str, interval: &str) -> Value {
        json!({"flinkConfiguration": {"execution.checkpointing.interval": interval}, "job": {"parallelism": parallelism, "upgradeMode": mode, "state": state}, "taskManager": {"resource": {"memory": "4096m"}}})
    }

    #[test]
    fn impact_classes() {
        let base = fd(spec(4, "savepoint", "running", "60s"));
        let mut labels = base.clone();
        labels["metadata"]["labels"]["x"] = json!("2");
        assert_eq!(impact(Some(&base), Some(&labels)).0, Impact::None);
        assert_eq!(
            impact(
                Some(&base),
                Some(&fd(spec(8, "savepoint", "running", "60s")))
            )
            .0,
            Impact::Rescale
        );
        assert_eq!(
            impact(
                Some(&base),
                Some(&fd(spec(4, "savepoint", "running", "30s")))
            )
            .0,
            Impact::RestartSavepoint
        );
        assert_eq!(
            impact(
                Some(&base),
                Some(&fd(spec(4, "last-state", "running", "30s")))
            )
            .0,
            Impact::RestartLastState
        );
        assert_eq!(
            impact(
                Some(&base),
                Some(&fd(spec(4, "stateless", "running", "30s")))
            )
            .0,
            Impact::RestartStateLost
        );
        assert_eq!(
            impact(
                Some(&base),
                Some(&fd(spec(4, "savepoint", "suspended", "60s")))
            )
            .0,
            Impact::Suspend
        );
        let suspended = fd(spec(4, "savepoint", "suspended", "60s"));
        assert_eq!(impact(Some(&suspended), Some(&base)).0, Impact::Resume);
        let stateless = fd(spec(4, "stateless", "running", "60s"));
        assert_eq!(
            impact(
                Some(&stateless),
                Some(&fd(spec(4, "savepoint", "running", "30s")))
            )
            .0,
            Impact::RestartStateLost
        );
        assert_eq!(impact(None, Some(&base)).0, Impact::NewJob);
        assert_eq!(impact(Some(&base), None).0, Impact::JobDeleted);
    }

    #[test]
    fn field_paths() {
        let mut out = Vec::new();
        compare(
            String::new(),
            Some(&json!({"spec": {"flinkConfiguration": {"a.b": "1"}, "args": ["x", "y"]}})),
            Some(
                &json!({"spec": {"flinkConfiguration": {"a.b": "2"}, "args": ["x", "z"], "new": true}}),
            ),
            &mut out,
        );
        let paths: Vec<&str> = out.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "spec.args[1]",
                "spec.flinkConfiguration[\"a.b\"]",
                "spec.new"
            ]
        );
    }
}
