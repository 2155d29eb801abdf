//! The one effective Flink configuration of a deployment, for memory: the flattened
//! `flinkConfiguration` (nested maps joined with `.`, the last of duplicate keys winning) with
//! the operator's own override applied — each JVM's spec memory written over its
//! `*.memory.process.size`, as `FlinkConfigBuilder` does after the configuration — and the
//! memory Flink's model derives from it. Deprecated and fallback keys are resolved by the
//! memory model itself ([`crate::flink::memory`]), in Flink's order.
//!
//! Computed once per object and kept on its [`FlinkView`] ([`FlinkView::effective`]): every
//! memory rule and `flinkform memory` read the same configuration and the same derivation.
//!
//! Not included: the operator's own default configuration (its Helm chart sets no memory
//! keys) and per-namespace operator defaults, which flinkform cannot see.

use crate::facts::resources::{
    DEFAULT_FLINK_VERSION, JOB_MANAGER, ROLES, Role, SpecValue, spec_value,
};
use crate::facts::view::FlinkView;
use crate::flink::memory::{
    Config, JobManagerMemory, MemoryError, TaskManagerMemory, derive_job_manager,
    derive_task_manager,
};

/// What sets a JVM's process size from the spec.
#[derive(Debug, Clone)]
pub enum SpecMemory<'a> {
    /// No spec memory: the configuration alone sizes the JVM.
    Unset,
    /// Spec memory the operator reads, with its bytes.
    Read(SpecValue<'a>, u64),
    /// Spec memory the operator cannot read (`memory-matches-limit` reports it), and why.
    Unreadable(SpecValue<'a>, String),
}

/// The configuration the operator hands to Flink, and the memory Flink derives from it.
#[derive(Debug)]
pub struct EffectiveConfig<'a> {
    /// The flat configuration with the readable spec memories written over the process sizes.
    pub config: Config,
    /// The job's Flink version as `(major, minor)`, or the current default when unset.
    pub version: (u32, u32),
    /// Each JVM's spec memory, in [`ROLES`] order.
    memory: [SpecMemory<'a>; 2],
    task_manager: Result<TaskManagerMemory, MemoryError>,
    job_manager: Result<JobManagerMemory, MemoryError>,
}

impl<'a> EffectiveConfig<'a> {
    /// Computes the configuration of `v` (see [`FlinkView::effective`] for the memoised one).
    pub fn of(v: &FlinkView<'a>) -> EffectiveConfig<'a> {
        let mut config: Config = v
            .conf()
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect();
        let memory = ROLES.map(|role| match spec_value(v, role, "memory") {
            None => SpecMemory::Unset,
            Some(m) => match m.operator_bytes() {
                Ok(bytes) => {
                    config.insert(role.process_key(), bytes.to_string());
                    SpecMemory::Read(m, bytes)
                }
                Err(why) => SpecMemory::Unreadable(m, why),
            },
        });
        let version = v
            .flink_version()
            .map_or(DEFAULT_FLINK_VERSION, |f| (f.major, f.minor));
        EffectiveConfig {
            task_manager: derive_task_manager(&config, version),
            job_manager: derive_job_manager(&config),
            config,
            version,
            memory,
        }
    }

    /// A JVM's spec memory.
    pub fn memory(&self, role: Role) -> &SpecMemory<'a> {
        &self.memory[usize::from(role != JOB_MANAGER)]
    }

    /// The spec memory that sets the JVM's process size, with its bytes, when readable.
    pub fn read_memory(&self, role: Role) -> Option<(&SpecValue<'a>, u64)> {
        match self.memory(role) {
            SpecMemory::Read(m, bytes) => Some((m, *bytes)),
            _ => None,
        }
    }

    /// Whether the JVM's spec memory is set but unreadable: no derivation speaks for it.
    pub fn is_unreadable(&self, role: Role) -> bool {
        matches!(self.memory(role), SpecMemory::Unreadable(..))
    }

    /// Whether anything sizes this JVM (otherwise the operator rejects the deployment: a
    /// matter for `resources-defined`).
    pub fn is_sized(&self, role: Role) -> bool {
        self.read_memory(role).is_some()
            || role
                .sizing_keys()
                .iter()
                .any(|k| self.config.contains_key(*k))
    }

    /// The TaskManager memory Flink derives, or Flink's refusal.
    pub fn task_manager(&self) -> &Result<TaskManagerMemory, MemoryError> {
        &self.task_manager
    }

    /// The JobManager memory Flink derives, or Flink's refusal.
    pub fn job_manager(&self) -> &Result<JobManagerMemory, MemoryError> {
        &self.job_manager
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::resources::TASK_MANAGER;
    use crate::flink::memory_size::{GIB, MIB};
    use crate::tree::Node;
    use serde_json::json;

    fn object(spec: serde_json::Value) -> Node {
        Node::from_json(&json!({
            "apiVersion": "flink.apache.org/v1beta1",
            "kind": "FlinkDeployment",
            "metadata": { "name": "t", "namespace": "t" },
            "spec": spec,
        }))
    }

    #[test]
    fn spec_memory_overrides_the_configured_process_size_and_nested_keys_are_flat() {
        let o = object(json!({
            "flinkVersion": "v1_20",
            "flinkConfiguration": {
                "taskmanager": { "memory": { "process.size": "1g" } },
                "jobmanager.memory.process.size": "1g",
            },
            "taskManager": { "resource": { "memory": "4g" } },
        }));
        let v = FlinkView::new(&o);
        let e = v.effective();
        assert_eq!(
            e.config["taskmanager.memory.process.size"],
            (4 * GIB).to_string()
        );
        assert_eq!(e.config["jobmanager.memory.process.size"], "1g");
        assert_eq!(e.read_memory(TASK_MANAGER).map(|(_, b)| b), Some(4 * GIB));
        assert!(e.read_memory(JOB_MANAGER).is_none());
        assert_eq!(
            e.task_manager().as_ref().map(|m| m.process).ok(),
            Some(4 * GIB)
        );
        assert_eq!(e.job_manager().as_ref().map(|m| m.process).ok(), Some(GIB));
        assert_eq!(e.version, (1, 20));
    }

    #[test]
    fn resources_win_over_resource_even_without_memory() {
        // `resources` with a request is in use, so `resource.memory` is ignored (fact sheet §4).
        let o = object(json!({
            "flinkConfiguration": { "taskmanager.memory.process.size": "1g" },
            "taskManager": {
                "resource": { "memory": "4g" },
                "resources": { "requests": { "cpu": 1 } },
            },
        }));
        let v = FlinkView::new(&o);
        let e = v.effective();
        assert!(matches!(e.memory(TASK_MANAGER), SpecMemory::Unset));
        assert_eq!(e.task_manager().as_ref().map(|m| m.process).ok(), Some(GIB));
    }

    #[test]
    fn unreadable_spec_memory_leaves_the_configuration_alone() {
        let o = object(json!({
            "flinkConfiguration": { "taskmanager.memory.process.size": "2048m" },
            "taskManager": { "resource": { "memory": "lots" } },
        }));
        let v = FlinkView::new(&o);
        let e = v.effective();
        assert!(e.is_unreadable(TASK_MANAGER));
        assert_eq!(e.config["taskmanager.memory.process.size"], "2048m");
        assert!(e.is_sized(TASK_MANAGER));
        assert_eq!(
            e.task_manager().as_ref().map(|m| m.process).ok(),
            Some(2048 * MIB)
        );
    }

    #[test]
    fn computed_once_per_view() {
        let o = object(json!({ "taskManager": { "resource": { "memory": "4g" } } }));
        let v = FlinkView::new(&o);
        assert!(std::ptr::eq(v.effective(), v.effective()));
    }
}
