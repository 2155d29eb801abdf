//! The memory Flink computes for a FlinkDeployment, as `flinkform memory` shows it: the
//! deployment's effective configuration and its derivation ([`crate::facts::effective`], the
//! same the memory rules read), in parts that add up to each process size.

use crate::facts::effective::SpecMemory;
use crate::facts::resources::{ROLES, spec_value};
use crate::facts::view::FlinkView;
use crate::flink::memory::{JobManagerMemory, JvmFlags, MemoryError, TaskManagerMemory};
use crate::tree::{Node, Origin};
use serde::Serialize;

/// Both roles' memory, in bytes, and the JVM flags Flink starts them with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    pub job_manager: Role<JobManagerMemory>,
    pub task_manager: Role<TaskManagerMemory>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Role<M> {
    #[serde(flatten)]
    pub memory: M,
    pub jvm: JvmFlags,
}

/// Where a role's process size came from in the FlinkDeployment.
#[derive(Debug, Clone)]
pub struct MemorySource {
    /// The text as written, e.g. `8192m`.
    pub text: String,
    pub origin: Origin,
}

/// Why no breakdown could be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakdownError {
    /// Flink (or the operator) would refuse the configuration: its message.
    Flink(Vec<String>),
    /// The object has no usable `flinkVersion`.
    NoVersion,
}

impl std::fmt::Display for BreakdownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BreakdownError::Flink(messages) => f.write_str(&messages.join("\n")),
            BreakdownError::NoVersion => {
                f.write_str("the FlinkDeployment has no flinkVersion, which the memory model needs")
            }
        }
    }
}

/// `spec.<section>.resource.memory`, or on newer operators `resources.requests.memory`
/// (falling back to `limits.memory`), which wins over `resource` when `resources` has
/// requests or limits ([`crate::facts::resources::spec_value`]).
pub fn spec_memory(object: &Node, section: &str) -> Option<MemorySource> {
    let role = ROLES.into_iter().find(|r| r.section == section)?;
    let m = spec_value(&FlinkView::new(object), role, "memory")?;
    Some(MemorySource {
        text: m.text,
        origin: m.node.origin,
    })
}

/// Derives both roles' memory for a FlinkDeployment, from its effective configuration
/// ([`crate::facts::effective`]).
pub fn breakdown(object: &Node) -> Result<Breakdown, BreakdownError> {
    let view = FlinkView::new(object);
    if view.flink_version().is_none() {
        return Err(BreakdownError::NoVersion);
    }
    let e = view.effective();
    let unreadable: Vec<String> = ROLES
        .into_iter()
        .filter_map(|role| match e.memory(role) {
            SpecMemory::Unreadable(m, why) => {
                Some(format!("{} memory `{}`: {why}", role.section, m.text))
            }
            _ => None,
        })
        .collect();
    if !unreadable.is_empty() {
        return Err(BreakdownError::Flink(unreadable));
    }
    match (e.job_manager(), e.task_manager()) {
        (Ok(jm), Ok(tm)) => Ok(Breakdown {
            job_manager: Role {
                jvm: jm.jvm(),
                memory: *jm,
            },
            task_manager: Role {
                jvm: tm.jvm(),
                memory: *tm,
            },
        }),
        (jm, tm) => Err(BreakdownError::Flink(
            [jm.as_ref().err(), tm.as_ref().err()]
                .into_iter()
                .flatten()
                .map(|e: &MemoryError| e.message.clone())
                .collect(),
        )),
    }
}

impl Breakdown {
    /// The JSON `flinkform memory --format json` prints: bytes per component, the parts of
    /// each role adding up to its `process`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// The parts of a TaskManager, in Flink's order, as (label, bytes). They add up to `process`.
pub fn task_manager_parts(m: &TaskManagerMemory) -> [(&'static str, u64); 8] {
    [
        ("framework heap", m.framework_heap),
        ("task heap", m.task_heap),
        ("managed", m.managed),
        ("network", m.network),
        ("framework off-heap", m.framework_off_heap),
        ("task off-heap", m.task_off_heap),
        ("JVM metaspace", m.metaspace),
        ("JVM overhead", m.overhead),
    ]
}

/// The parts of a JobManager, as (label, bytes). They add up to `process`.
pub fn job_manager_parts(m: &JobManagerMemory) -> [(&'static str, u64); 4] {
    [
        ("JVM heap", m.heap),
        ("off-heap", m.off_heap),
        ("JVM metaspace", m.metaspace),
        ("JVM overhead", m.overhead),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_node;

    fn deployment(jm: &str, tm: &str, conf: Node) -> Node {
        map_node! {
            "kind" => "FlinkDeployment",
            "spec" => map_node! {
                "flinkVersion" => "v1_20",
                "flinkConfiguration" => conf,
                "jobManager" => map_node! { "resource" => map_node! { "memory" => jm } },
                "taskManager" => map_node! { "resource" => map_node! { "memory" => tm } },
            },
        }
    }

    #[test]
    fn spec_memory_overrides_the_configured_process_size() {
        let d = deployment(
            "1024m",
            "2048m",
            map_node! { "taskmanager.memory.process.size" => "9g" },
        );
        let b = breakdown(&d).expect("derives");
        assert_eq!(b.task_manager.memory.process, 2048 << 20);
        assert_eq!(b.task_manager.memory.overhead, 214_748_368);
        assert_eq!(b.job_manager.memory.process, 1024 << 20);
        assert_eq!(b.job_manager.memory.heap, 448 << 20);
        let tm = &b.task_manager.memory;
        let sum: u64 = task_manager_parts(tm).iter().map(|(_, b)| b).sum();
        assert_eq!(sum, tm.process);
    }

    #[test]
    fn flink_refusals_carry_flinks_message() {
        let d = deployment("1024m", "512m", map_node! {});
        let e = breakdown(&d).expect_err("too small");
        assert!(
            e.to_string()
                .starts_with("TaskManager memory configuration failed: "),
            "{e}"
        );
    }

    #[test]
    fn newer_operators_resources_field_wins() {
        let mut d = deployment("1024m", "2048m", map_node! {});
        d.ensure_map(&["spec", "taskManager"]).insert(
            "resources",
            map_node! { "limits" => map_node! { "memory" => "4Gi" } },
        );
        let b = breakdown(&d).expect("derives");
        assert_eq!(b.task_manager.memory.process, 4 << 30);
    }
}
