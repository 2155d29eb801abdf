//! What the operator makes of a FlinkDeployment's `resource` / `resources` fields (fact sheet
//! §4): which value sizes each JVM. `resources` with a non-empty `requests` or `limits` wins
//! over the deprecated `resource`; within it `requests` over `limits`.

use crate::facts::view::FlinkView;
use crate::flink::operator_memory::operator_memory_bytes;
use crate::tree::Node;

/// One of the two JVMs, by its three names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    /// The configuration prefix: `jobmanager`.
    pub key: &'static str,
    /// The spec section: `jobManager`.
    pub section: &'static str,
    /// In messages: `JobManager`.
    pub who: &'static str,
}

pub const JOB_MANAGER: Role = Role {
    key: "jobmanager",
    section: "jobManager",
    who: "JobManager",
};

pub const TASK_MANAGER: Role = Role {
    key: "taskmanager",
    section: "taskManager",
    who: "TaskManager",
};

pub const ROLES: [Role; 2] = [JOB_MANAGER, TASK_MANAGER];

/// The flinkVersion a memory derivation assumes when the manifest names none (the operator
/// rejects such a manifest anyway): the current behaviour.
pub const DEFAULT_FLINK_VERSION: (u32, u32) = (1, 20);

impl Role {
    pub fn is_task_manager(self) -> bool {
        self == TASK_MANAGER
    }

    /// `taskmanager.memory.process.size`: what the operator writes the spec memory to.
    pub fn process_key(self) -> String {
        format!("{}.memory.process.size", self.key)
    }

    /// The keys any one of which lets Flink size this JVM without a process size (with the
    /// process size itself first).
    pub fn sizing_keys(self) -> &'static [&'static str] {
        if self.is_task_manager() {
            &[
                "taskmanager.memory.process.size",
                "taskmanager.memory.flink.size",
                "taskmanager.memory.task.heap.size",
                "taskmanager.memory.managed.size",
                "taskmanager.memory.size",
            ]
        } else {
            &[
                "jobmanager.memory.process.size",
                "jobmanager.memory.flink.size",
                "jobmanager.memory.heap.size",
            ]
        }
    }
}

/// A `cpu` or `memory` value of a JobManager or TaskManager in the spec.
#[derive(Debug, Clone)]
pub struct SpecValue<'a> {
    /// The path under `spec`, e.g. `["taskManager", "resource", "memory"]`.
    pub path: Vec<&'static str>,
    pub node: &'a Node,
    /// The text the operator reads (numbers in their YAML spelling).
    pub text: String,
}

impl<'a> SpecValue<'a> {
    pub(crate) fn new(path: &[&'static str], node: &'a Node) -> SpecValue<'a> {
        SpecValue {
            path: path.to_vec(),
            node,
            text: node.scalar_text().unwrap_or_default(),
        }
    }

    pub fn path(&self) -> &[&'static str] {
        &self.path
    }

    /// `taskManager.resource.memory`.
    pub fn field(&self) -> String {
        self.path().join(".")
    }

    /// Whether this is a Kubernetes quantity (`resources`), not the operator's own
    /// `resource` string.
    pub fn is_quantity(&self) -> bool {
        self.path().get(1) == Some(&"resources")
    }

    /// The bytes the operator reads (`parseResourceMemoryString`).
    pub fn operator_bytes(&self) -> Result<u64, String> {
        operator_memory_bytes(&self.text)
    }
}

fn present<'a>(v: &FlinkView<'a>, path: &[&str]) -> Option<&'a Node> {
    v.spec(path).filter(|n| !n.is_null())
}

/// Whether the operator uses `resources` rather than `resource` for this JVM: `resources` has
/// a non-empty `requests` or `limits`.
pub fn resources_in_use(v: &FlinkView<'_>, role: Role) -> bool {
    ["requests", "limits"].iter().any(|k| {
        v.spec(&[role.section, "resources", k])
            .and_then(Node::as_map)
            .is_some_and(|m| !m.is_empty())
    })
}

/// The `memory` or `cpu` value the operator uses for this JVM: `resources.requests`, falling
/// back to `resources.limits`, when `resources` is in use; otherwise `resource`.
pub fn spec_value<'a>(v: &FlinkView<'a>, role: Role, name: &'static str) -> Option<SpecValue<'a>> {
    if resources_in_use(v, role) {
        ["requests", "limits"].iter().find_map(|k| {
            let path = [role.section, "resources", k, name];
            present(v, &path).map(|n| SpecValue::new(&path, n))
        })
    } else {
        let path = [role.section, "resource", name];
        present(v, &path).map(|n| SpecValue::new(&path, n))
    }
}

/// `resources.requests.<name>` and `resources.limits.<name>`, when `resources` is in use.
pub fn request_and_limit<'a>(
    v: &FlinkView<'a>,
    role: Role,
    name: &'static str,
) -> (Option<SpecValue<'a>>, Option<SpecValue<'a>>) {
    if !resources_in_use(v, role) {
        return (None, None);
    }
    let get = |k: &'static str| {
        let path = [role.section, "resources", k, name];
        present(v, &path).map(|n| SpecValue::new(&path, n))
    };
    (get("requests"), get("limits"))
}
