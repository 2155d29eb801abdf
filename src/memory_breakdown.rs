//! The memory Flink computes for a FlinkDeployment: the configuration the operator hands to
//! Flink (the flattened `flinkConfiguration`, then the spec's memory written over
//! `*.memory.process.size`, as `FlinkConfigBuilder` does), run through the memory model in
//! [`crate::flink::memory`]. Used by `flinkform memory`.
//!
//! Not included: the operator's own default configuration (its Helm chart sets no memory
//! keys) and per-namespace operator defaults, which flinkform cannot see.

use crate::flink::memory::{
    Config, JobManagerMemory, JvmFlags, MemoryError, TaskManagerMemory, derive_job_manager,
    derive_task_manager,
};
use crate::flink::operator_memory::operator_memory_bytes;
use crate::policy::view::FlinkView;
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

/// The configuration Flink sees, for memory purposes. Each role's spec memory overwrites its
/// process size in `flinkConfiguration`: the operator applies the spec after the configuration.
pub fn effective_config(object: &Node) -> Result<Config, Vec<String>> {
    let view = FlinkView::new(object);
    let mut config: Config = view
        .conf()
        .iter()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect();
    let mut errors = Vec::new();
    for (role, section) in FlinkView::ROLES {
        if let Some(source) = spec_memory(object, section) {
            match operator_memory_bytes(&source.text) {
                Ok(bytes) => {
                    config.insert(format!("{role}.memory.process.size"), format!("{bytes}b"));
                }
                Err(e) => errors.push(format!("{section} memory `{}`: {e}", source.text)),
            }
        }
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// `spec.<section>.resource.memory`, or on newer operators `resources.requests.memory`
/// (falling back to `limits.memory`), which wins over `resource` when set.
pub fn spec_memory(object: &Node, section: &str) -> Option<MemorySource> {
    let role = object.get("spec")?.get(section)?;
    let resources = role.get("resources");
    let from_resources = ["requests", "limits"]
        .iter()
        .find_map(|k| resources.and_then(|r| r.path(&[k, "memory"])));
    let node = from_resources.or_else(|| role.path(&["resource", "memory"]))?;
    Some(MemorySource {
        text: node.scalar_text()?,
        origin: node.origin,
    })
}

/// Derives both roles' memory for a FlinkDeployment.
pub fn breakdown(object: &Node) -> Result<Breakdown, BreakdownError> {
    let version = FlinkView::new(object)
        .flink_version()
        .ok_or(BreakdownError::NoVersion)?;
    let config = effective_config(object).map_err(BreakdownError::Flink)?;
    let jm = derive_job_manager(&config);
    let tm = derive_task_manager(&config, (version.major, version.minor));
    match (jm, tm) {
        (Ok(jm), Ok(tm)) => Ok(Breakdown {
            job_manager: Role {
                jvm: jm.jvm(&config),
                memory: jm,
            },
            task_manager: Role {
                jvm: tm.jvm(),
                memory: tm,
            },
        }),
        (jm, tm) => Err(BreakdownError::Flink(
            [jm.err(), tm.err()]
                .into_iter()
                .flatten()
                .map(|e: MemoryError| e.message)
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
