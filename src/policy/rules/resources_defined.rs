use crate::facts::resources::{self, ROLES, Role};
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Node;

crate::declare_rule! {
    /// The JobManager and the TaskManager each have cpu and memory set in the spec.
    ///
    /// ## What it checks
    /// A FlinkDeployment sets `cpu` and `memory` for both `jobManager` and `taskManager`, in
    /// `resource` or in `resources` (`requests`, or `limits` alone). When `resources` has
    /// requests or limits, the operator ignores `resource` entirely: a `resource` next to it
    /// is reported too.
    ///
    /// ## Why
    /// Without spec memory the operator falls back to the process size in
    /// `flinkConfiguration`, or rejects the deployment ("TaskManager resource memory must be
    /// defined …"); without spec cpu, Flink's defaults apply: one core for the JobManager, one
    /// per task slot for each TaskManager. Either way the size of the job is decided by
    /// accident rather than in the place everyone reads.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   taskManager: { cpu: null } # the platform default removed
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkConfiguration:
    ///     taskmanager.memory.process.size: 4g
    ///   jobManager:
    ///     resource: { cpu: null, memory: 2Gi } # no cpu
    ///   taskManager:
    ///     resource: null # not set
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   taskManager: { cpu: 2, memory: 4Gi }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   jobManager:
    ///     resource: { cpu: 1, memory: 2Gi }
    ///   taskManager:
    ///     resource: { cpu: 2, memory: 4Gi }
    /// ```
    /// In a service spec, set `jobManager` and `taskManager` `cpu` and `memory`, or give the
    /// platform defaults for them in flinkform.yaml.
    pub struct ResourcesDefined {
        name: "resources-defined", severity: Error, category: Policy, kinds: [Deployment],
    }
}

impl Rule for ResourcesDefined {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if t.view.kind() != Kind::Deployment {
            return;
        }
        for role in ROLES {
            missing(t, role, out);
            ignored(t, role, out);
        }
    }
}

fn missing(t: &Target<'_>, role: Role, out: &mut Vec<Finding>) {
    let v = &t.view;
    let memory = resources::spec_value(v, role, "memory").is_none();
    let cpu = resources::spec_value(v, role, "cpu").is_none();
    if !memory && !cpu {
        return;
    }
    let mut falls_back = Vec::new();
    let mut from_config = Vec::new();
    if memory {
        match role.sizing_keys().iter().find_map(|k| v.get(k)) {
            Some(e) => {
                falls_back.push(format!(
                    "memory comes from `{}` in flinkConfiguration",
                    e.key
                ));
                from_config.push(e.origin());
            }
            None => falls_back.push(format!(
                "the operator rejects the deployment (\"{} resource memory must be defined\")",
                role.who
            )),
        }
    }
    if cpu {
        let keys = [
            format!("kubernetes.{}.cpu.amount", role.key),
            format!("kubernetes.{}.cpu", role.key),
        ];
        match keys.iter().find_map(|k| v.get(k)) {
            Some(e) => {
                falls_back.push(format!("cpu comes from `{}` in flinkConfiguration", e.key));
                from_config.push(e.origin());
            }
            None if role.is_task_manager() => {
                falls_back.push("cpu is Flink's default, one core per task slot".to_string())
            }
            None => falls_back.push("cpu is Flink's default, one core".to_string()),
        }
    }
    let what = match (cpu, memory) {
        (true, true) => "cpu and memory",
        (true, false) => "cpu",
        _ => "memory",
    };
    let at = if t.is_render() {
        t.anchor(&[role.section])
    } else if resources::resources_in_use(v, role) {
        t.anchor(&[role.section, "resources", "requests"])
    } else {
        t.anchor(&[role.section, "resource"])
    };
    let help = if t.is_render() {
        format!(
            "set `{}: {{ cpu: …, memory: … }}` in the service spec, or defaults for them in flinkform.yaml",
            role.section
        )
    } else {
        format!(
            "set `spec.{}.resource: {{ cpu: 1, memory: 2Gi }}` (or `resources.requests`)",
            role.section
        )
    };
    let mut f = Finding::new(
        at,
        format!(
            "the {} has no {what} in the spec: {}",
            role.who,
            falls_back.join("; ")
        ),
    )
    .label(format!("no {what}"))
    .help(help);
    for origin in from_config {
        f = f.also(origin, "used instead");
    }
    out.push(f);
}

/// `resource` next to a `resources` with requests or limits: the operator ignores it.
fn ignored(t: &Target<'_>, role: Role, out: &mut Vec<Finding>) {
    let v = &t.view;
    if !resources::resources_in_use(v, role) {
        return;
    }
    let Some(entry) = v
        .spec(&[role.section])
        .and_then(Node::as_map)
        .and_then(|m| m.entry("resource"))
    else {
        return;
    };
    if entry.value.as_map().is_none_or(|m| m.is_empty()) {
        return;
    }
    let at = entry
        .key_origin
        .or(entry.value.origin)
        .or(t.anchor(&[role.section]));
    out.push(
        Finding::new(
            at,
            format!(
                "`{0}.resource` is ignored: `{0}.resources` is set, and the operator then uses only `resources`",
                role.section
            ),
        )
        .label("ignored")
        .help(format!(
            "move its values into `{}.resources` and remove `resource`",
            role.section
        )),
    );
}
