//! How the memory and resource rules show the facts of [`crate::facts::resources`] and
//! [`crate::facts::effective`] in findings: where a value is and how the reader wrote it.

use crate::facts::effective::EffectiveConfig;
use crate::facts::resources::{Role, SpecValue};
use crate::flink::memory::{JobManagerMemory, TaskManagerMemory};
use crate::flink::memory_size::human_mib;
use crate::policy::Target;
use crate::tree::Origin;

/// How to set something in the spec, by mode: `taskManager.memory` in a service spec,
/// `spec.taskManager.resource.memory` in a manifest.
pub fn where_to_set(t: &Target<'_>, role: Role, name: &str) -> String {
    if t.is_render() {
        format!("`{}.{name}` in the service spec", role.section)
    } else {
        format!("`spec.{}.resource.{name}`", role.section)
    }
}

/// A spec value placed in the reader's file.
pub trait Placed {
    /// The field as the reader wrote it: `taskManager.memory` in a service spec (`check`),
    /// `taskManager.resource.memory` in a manifest (`lint`).
    fn shown(&self, t: &Target<'_>) -> String;
    /// Where the value is, or the nearest thing to it.
    fn origin(&self, t: &Target<'_>) -> Origin;
}

impl Placed for SpecValue<'_> {
    fn shown(&self, t: &Target<'_>) -> String {
        match (t.is_render(), self.path().first(), self.path().last()) {
            (true, Some(section), Some(name)) => format!("{section}.{name}"),
            _ => self.field(),
        }
    }

    fn origin(&self, t: &Target<'_>) -> Origin {
        self.node.origin.or(t.anchor(self.path()))
    }
}

/// Where a configuration key of the derivation is set: the spec memory for the process size
/// it overrides, else the `flinkConfiguration` entry.
pub fn origin_of(e: &EffectiveConfig<'_>, t: &Target<'_>, role: Role, key: &str) -> Origin {
    match e.read_memory(role) {
        Some((m, _)) if key == role.process_key() => m.origin(t),
        _ => t.view.get(key).map_or(Origin::NONE, |e| e.origin()),
    }
}

/// Where the process size comes from: the spec memory, the process-size key, or the JVM's
/// spec section.
pub fn process_origin(e: &EffectiveConfig<'_>, t: &Target<'_>, role: Role) -> Origin {
    let key = origin_of(e, t, role, &role.process_key());
    key.or(t.anchor(&[role.section]))
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
    use crate::facts::resources::{JOB_MANAGER, TASK_MANAGER, spec_value};
    use crate::facts::view::FlinkView;
    use crate::flink::memory_size::{GIB, MIB};
    use crate::policy::target::{Mode, requirements};
    use crate::policy::{Finding, Rule};
    use crate::spec::platform::Platform;
    use crate::tree::Node;
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
        let e = v.effective();
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
        let e = v.effective();
        assert_eq!(
            e.config.get("taskmanager.memory.process.size"),
            Some(&(4096 * MIB).to_string())
        );
        assert!(e.is_sized(TASK_MANAGER));
        let unreadable = view_of(json!({ "taskManager": { "resource": { "memory": "1.5Gi" } } }));
        assert!(
            FlinkView::new(&unreadable)
                .effective()
                .is_unreadable(TASK_MANAGER)
        );
        let empty = view_of(json!({}));
        assert!(!FlinkView::new(&empty).effective().is_sized(JOB_MANAGER));
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
