//! Shared by the rules about memory and resources: what the operator makes of a
//! FlinkDeployment's `resource` / `resources` fields (fact sheet §4), and the effective
//! configuration Flink's memory model derives from (§5).

use crate::flink::memory::{Config, JobManagerMemory, TaskManagerMemory};
use crate::flink::memory_size::human_mib;
use crate::flink::operator_memory::operator_memory_bytes;
use crate::policy::Target;
use crate::policy::view::FlinkView;
use crate::tree::{Node, Origin};

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
    fn new(path: &[&'static str], node: &'a Node) -> SpecValue<'a> {
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

    /// The field as the reader wrote it: `taskManager.memory` in a service spec (`check`),
    /// `taskManager.resource.memory` in a manifest (`lint`).
    pub fn shown(&self, t: &Target<'_>) -> String {
        match (t.is_render(), self.path().first(), self.path().last()) {
            (true, Some(section), Some(name)) => format!("{section}.{name}"),
            _ => self.field(),
        }
    }

    /// Where the value is, or the nearest thing to it.
    pub fn origin(&self, t: &Target<'_>) -> Origin {
        self.node.origin.or(t.anchor(self.path()))
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

/// How to set something in the spec, by mode: `taskManager.memory` in a service spec,
/// `spec.taskManager.resource.memory` in a manifest.
pub fn where_to_set(t: &Target<'_>, role: Role, name: &str) -> String {
    if t.is_render() {
        format!("`{}.{name}` in the service spec", role.section)
    } else {
        format!("`spec.{}.resource.{name}`", role.section)
    }
}

/// The flat configuration as the operator hands it to Flink (the last of duplicate keys wins).
pub fn base_config(v: &FlinkView<'_>) -> Config {
    v.conf()
        .iter()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect()
}

/// The configuration Flink derives one JVM's memory from: `flinkConfiguration` with the
/// process size replaced by the spec memory, as the operator does.
pub struct Effective<'a> {
    pub config: Config,
    /// The spec memory that sets the process size, with its bytes.
    pub memory: Option<(SpecValue<'a>, u64)>,
}

impl Effective<'_> {
    /// Whether anything sizes this JVM (otherwise the operator rejects the deployment: a
    /// matter for `resources-defined`).
    pub fn is_sized(&self, role: Role) -> bool {
        self.memory.is_some()
            || role
                .sizing_keys()
                .iter()
                .any(|k| self.config.contains_key(*k))
    }

    /// Where a configuration key of the derivation is set: the spec memory for the process
    /// size it overrides, else the `flinkConfiguration` entry.
    pub fn origin_of(&self, t: &Target<'_>, role: Role, key: &str) -> Origin {
        match &self.memory {
            Some((m, _)) if key == role.process_key() => m.origin(t),
            _ => t.view.get(key).map_or(Origin::NONE, |e| e.origin()),
        }
    }

    /// Where the process size comes from: the spec memory, the process-size key, or the JVM's
    /// spec section.
    pub fn process_origin(&self, t: &Target<'_>, role: Role) -> Origin {
        let key = self.origin_of(t, role, &role.process_key());
        key.or(t.anchor(&[role.section]))
    }
}

/// `None` when the spec memory cannot be read by the operator (`memory-matches-limit` says so).
pub fn effective<'a>(v: &FlinkView<'a>, role: Role) -> Option<Effective<'a>> {
    let mut config = base_config(v);
    let memory = match spec_value(v, role, "memory") {
        Some(m) => {
            let bytes = m.operator_bytes().ok()?;
            config.insert(role.process_key(), bytes.to_string());
            Some((m, bytes))
        }
        None => None,
    };
    Some(Effective { config, memory })
}

/// The job's Flink version as `(major, minor)`.
pub fn flink_version(v: &FlinkView<'_>) -> (u32, u32) {
    v.flink_version()
        .map_or(DEFAULT_FLINK_VERSION, |f| (f.major, f.minor))
}

/// `process 4096 MiB: heap 1587.20 MiB, managed 1372.16 MiB, …`.
pub fn tm_breakdown(m: &TaskManagerMemory) -> String {
    format!(
        "process {}: heap {} (framework {} + task {}), managed {}, network {}, off-heap {}, metaspace {}, overhead {}",
        human_mib(m.process),
        human_mib(m.jvm().xmx),
        human_mib(m.framework_heap),
        human_mib(m.task_heap),
        human_mib(m.managed),
        human_mib(m.network),
        human_mib(m.framework_off_heap.saturating_add(m.task_off_heap)),
        human_mib(m.metaspace),
        human_mib(m.overhead),
    )
}

/// `process 2048 MiB: heap 1459.20 MiB, off-heap 128 MiB, …`.
pub fn jm_breakdown(m: &JobManagerMemory) -> String {
    format!(
        "process {}: heap {}, off-heap {}, metaspace {}, overhead {}",
        human_mib(m.process),
        human_mib(m.heap),
        human_mib(m.off_heap),
        human_mib(m.metaspace),
        human_mib(m.overhead),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flink::memory_size::{GIB, MIB};
    use crate::policy::target::{Mode, requirements};
    use crate::policy::{Finding, Rule};
    use crate::spec::platform::Platform;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn view_of(spec: Value) -> Node {
        Node::from_json(&json!({
            "apiVersion": "flink.apache.org/v1beta1",
            "kind": "FlinkDeployment",
            "metadata": { "name": "t", "namespace": "t" },
            "spec": spec,
        }))
    }

    /// The memory and resource rules' findings on one object.
    fn run(object: &Node) -> Vec<(&'static str, Finding)> {
        use crate::policy::rules::{
            managed_memory_unused::ManagedMemoryUnused, memory_matches_limit::MemoryMatchesLimit,
            memory_model_valid::MemoryModelValid, parallelism_fits_slots::ParallelismFitsSlots,
            resources_defined::ResourcesDefined,
        };
        let platform = Platform::builtin();
        let t = Target {
            view: FlinkView::new(object),
            mode: Mode::Lint,
            platform: &platform,
            env: "prod".into(),
            cluster: String::new(),
            service: "t".into(),
            requirements: requirements(&platform, "prod"),
            neighbours: Vec::new(),
            blame: Origin::NONE,
            source: None,
            subject: "t".into(),
        };
        let rules: [&dyn Rule; 5] = [
            &ManagedMemoryUnused,
            &MemoryMatchesLimit,
            &MemoryModelValid,
            &ParallelismFitsSlots,
            &ResourcesDefined,
        ];
        let mut out = Vec::new();
        for rule in rules {
            let mut findings = Vec::new();
            rule.check(&t, &mut findings);
            out.extend(findings.into_iter().map(|f| (rule.meta().name, f)));
        }
        out
    }

    #[test]
    fn resources_win_over_resource_and_requests_over_limits() {
        let object = view_of(json!({
            "jobManager": {
                "resource": { "cpu": 1, "memory": "1g" },
                "resources": { "limits": { "memory": "3Gi" }, "requests": { "memory": "2Gi" } },
            },
            "taskManager": {
                "resource": { "cpu": 1, "memory": "1g" },
                "resources": { "requests": {}, "limits": {} },
            },
        }));
        let v = FlinkView::new(&object);
        let jm = spec_value(&v, JOB_MANAGER, "memory").expect("memory");
        assert_eq!(jm.field(), "jobManager.resources.requests.memory");
        assert_eq!(jm.operator_bytes(), Ok(2 * GIB));
        assert!(spec_value(&v, JOB_MANAGER, "cpu").is_none());
        // Empty requests and limits leave `resource` in charge.
        let tm = spec_value(&v, TASK_MANAGER, "memory").expect("memory");
        assert_eq!(tm.field(), "taskManager.resource.memory");
        let e = effective(&v, TASK_MANAGER).expect("readable");
        assert_eq!(
            e.config
                .get("taskmanager.memory.process.size")
                .map(String::as_str),
            Some("1073741824")
        );
    }

    #[test]
    fn the_spec_memory_replaces_the_configured_process_size() {
        let object = view_of(json!({
            "flinkConfiguration": { "taskmanager": { "memory": { "process.size": "1g" } } },
            "taskManager": { "resources": { "limits": { "memory": "4096Mi" } } },
        }));
        let v = FlinkView::new(&object);
        let e = effective(&v, TASK_MANAGER).expect("readable");
        assert_eq!(
            e.config.get("taskmanager.memory.process.size"),
            Some(&(4096 * MIB).to_string())
        );
        assert!(e.is_sized(TASK_MANAGER));
        let unreadable = view_of(json!({ "taskManager": { "resource": { "memory": "1.5Gi" } } }));
        assert!(effective(&FlinkView::new(&unreadable), TASK_MANAGER).is_none());
        let empty = view_of(json!({}));
        let e = effective(&FlinkView::new(&empty), JOB_MANAGER).expect("readable");
        assert!(!e.is_sized(JOB_MANAGER));
    }

    fn text() -> impl Strategy<Value = Value> {
        prop_oneof![
            "[0-9]{0,12}(\\.[0-9]{0,3})?[ ]?(Mi|Gi|Ti|Ki|m|k|M|G|T|g|gb|mb|b|e9|E|Ei|P|x)?"
                .prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            Just(Value::Null),
            Just(json!({ "nested": "map" })),
            Just(json!(["a", "list"])),
        ]
    }

    fn resources() -> impl Strategy<Value = Value> {
        (text(), text(), text(), text(), text(), text(), 0u8..4).prop_map(
            |(rc, rm, lc, lm, cpu, memory, shape)| match shape {
                0 => json!({ "resource": { "cpu": cpu, "memory": memory } }),
                1 => json!({ "resources": { "requests": { "cpu": rc, "memory": rm } } }),
                2 => json!({
                    "resources": {
                        "requests": { "cpu": rc, "memory": rm },
                        "limits": { "cpu": lc, "memory": lm },
                    },
                    "resource": { "memory": memory },
                    "replicas": cpu,
                    "podTemplate": { "spec": { "containers": [
                        { "name": "flink-main-container", "resources": { "limits": { "memory": lm, "cpu": lc } } },
                        "not a container",
                    ] } },
                }),
                _ => memory,
            },
        )
    }

    const KEYS: &[&str] = &[
        "taskmanager.memory.process.size",
        "jobmanager.memory.process.size",
        "taskmanager.memory.managed.size",
        "taskmanager.memory.managed.fraction",
        "taskmanager.memory.framework.heap.size",
        "taskmanager.memory.network.max",
        "taskmanager.memory.flink.size",
        "taskmanager.memory.task.heap.size",
        "jobmanager.memory.heap.size",
        "jobmanager.memory.flink.size",
        "kubernetes.taskmanager.memory.limit-factor",
        "kubernetes.jobmanager.memory.limit-factor",
        "taskmanager.numberOfTaskSlots",
        "parallelism.default",
        "state.backend.type",
        "taskmanager.network.numberOfBuffers",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_values_never_panic(
            jm in resources(),
            tm in resources(),
            conf in proptest::collection::vec((proptest::sample::select(KEYS), text()), 0..6),
            version in proptest::sample::select(&["v1_15", "v1_16", "v1_20", "v2_0", "v9_99", "x"][..]),
            job in prop_oneof![Just(Value::Null), text(), (text(), text()).prop_map(|(p, e)| json!({ "parallelism": p, "entryClass": e }))],
        ) {
            let conf: serde_json::Map<String, Value> =
                conf.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            let object = view_of(json!({
                "flinkVersion": version,
                "flinkConfiguration": conf,
                "jobManager": jm,
                "taskManager": tm,
                "podTemplate": { "spec": { "containers": { "not": "a list" } } },
                "job": job,
            }));
            for (rule, f) in run(&object) {
                prop_assert!(!f.message.is_empty(), "{rule}: empty message");
                prop_assert!(f.help.as_ref().is_some_and(|h| !h.is_empty()), "{rule}: no help for {}", f.message);
            }
        }
    }
}
