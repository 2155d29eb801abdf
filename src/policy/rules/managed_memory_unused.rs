use super::sizing;
use crate::facts::resources::TASK_MANAGER;
use crate::flink::memory::derive_task_manager;
use crate::flink::memory_size::human_mib;
use crate::flink::version::{STATE_BACKEND_KEYS, V1_20};
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// TaskManagers of heap-state jobs do not reserve managed memory they never use.
    ///
    /// ## What it checks
    /// When the state backend is `hashmap` (`state.backend.type` / `state.backend`; unset means
    /// `hashmap`, Flink's default), the managed memory Flink derives for the TaskManager must
    /// be 0. Batch jobs (`execution.runtime-mode: BATCH`) and PyFlink jobs, which use managed
    /// memory for sorting and for the Python workers, are exempt.
    ///
    /// ## Why
    /// Managed memory is native memory reserved for RocksDB, batch operators and Python. A
    /// streaming job that keeps its state on the heap never touches it, yet by default it is
    /// 40 % of Total Flink Memory: memory the pod pays for while the heap, where the state
    /// lives, is smaller than it could be.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   stateBackend: hashmap
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     state.backend.type: hashmap
    ///   taskManager:
    ///     resource: { cpu: 2, memory: 4096m }
    /// ```
    ///
    /// ## Fix
    /// Give the managed memory to the heap, or use RocksDB, which puts it to work:
    /// ```yaml,spec,passes
    /// spec:
    ///   stateBackend: rocksdb
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     state.backend.type: hashmap
    ///     taskmanager.memory.managed.fraction: "0"
    ///   taskManager:
    ///     resource: { cpu: 2, memory: 4096m }
    /// ```
    /// In a service spec: `stateBackend: rocksdb`, or keep `hashmap` and add
    /// `taskmanager.memory.managed.fraction: "0"` to `flinkConfiguration`.
    pub struct ManagedMemoryUnused {
        name: "managed-memory-unused", severity: Warning, category: Policy, kinds: [Deployment],
    }
}

/// State backends that keep state on the JVM heap (`filesystem` and `jobmanager` are the
/// pre-1.13 names Flink 1.x still maps to the hashmap backend).
const HEAP_BACKENDS: [&str; 3] = ["hashmap", "filesystem", "jobmanager"];

/// Whether the job runs Python (PyFlink): its Python workers use managed memory. PyFlink jobs
/// start through `PythonDriver`, or through `PythonGatewayServer` with `-py`/`-pym` arguments,
/// or name a `.py` file as the jar.
fn is_python(v: &crate::facts::view::FlinkView<'_>) -> bool {
    let entry = v.spec_str(&["job", "entryClass"]).unwrap_or_default();
    let jar = v.spec_str(&["job", "jarURI"]).unwrap_or_default();
    let python_arg = v
        .spec(&["job", "args"])
        .and_then(crate::tree::Node::as_seq)
        .is_some_and(|args| {
            args.iter()
                .any(|a| matches!(a.as_str(), Some("-py" | "--python" | "-pym" | "--pyModule")))
        });
    entry.starts_with("org.apache.flink.client.python.") || jar.ends_with(".py") || python_arg
}

const MANAGED_KEYS: [&str; 3] = [
    "taskmanager.memory.managed.size",
    "taskmanager.memory.size",
    "taskmanager.memory.managed.fraction",
];

impl Rule for ManagedMemoryUnused {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != Kind::Deployment {
            return;
        }
        let backend = v.get_any(STATE_BACKEND_KEYS);
        let name = backend.map_or("hashmap".to_string(), |e| {
            e.value.trim().to_ascii_lowercase()
        });
        if !HEAP_BACKENDS.contains(&name.as_str()) {
            return;
        }
        let batch = v
            .get("execution.runtime-mode")
            .is_some_and(|e| e.value.trim().eq_ignore_ascii_case("batch"));
        let python = is_python(v);
        if batch || python {
            return;
        }
        let e = v.effective();
        if e.is_unreadable(TASK_MANAGER) || !e.is_sized(TASK_MANAGER) {
            return;
        }
        let version = e.version;
        let Ok(m) = e.task_manager() else {
            return; // memory-model-valid
        };
        if m.managed == 0 {
            return;
        }
        let mut without = e.config.clone();
        for key in MANAGED_KEYS {
            without.remove(key);
        }
        without.insert(
            "taskmanager.memory.managed.fraction".to_string(),
            "0".to_string(),
        );
        let heap_after = derive_task_manager(&without, version)
            .ok()
            .map(|w| w.jvm().xmx);

        // Blame what makes the managed memory non-zero when it is set; else the backend; else
        // the TaskManager's memory.
        let set = MANAGED_KEYS.iter().find_map(|k| v.get(k));
        let at = set
            .map(|s| s.origin())
            .or(backend.map(|b| b.origin()))
            .unwrap_or_else(|| sizing::process_origin(e, t, TASK_MANAGER));
        let backend_text = match backend {
            Some(b) => format!("the `{}` state backend", b.value.trim()),
            None => "the default (hashmap) state backend".to_string(),
        };
        let mut f = Finding::new(
            at,
            format!(
                "{} of managed memory ({} bytes) per TaskManager is unused: {backend_text} keeps state on the JVM heap",
                human_mib(m.managed),
                m.managed
            ),
        )
        .label(format!("{} managed memory", human_mib(m.managed)));
        if set.is_some()
            && let Some(b) = backend
        {
            f = f.also(b.origin(), "heap state backend");
        }
        let backend_key = v.flink_version().unwrap_or(V1_20).state_backend_key();
        let grows = heap_after.map_or(String::new(), |h| {
            format!(
                " (the heap grows from {} to {})",
                human_mib(m.jvm().xmx),
                human_mib(h)
            )
        });
        // An explicit managed size wins over the fraction: that is the key to change.
        let zero = match set {
            Some(s) if s.key != "taskmanager.memory.managed.fraction" => s.key.as_str(),
            _ => "taskmanager.memory.managed.fraction",
        };
        let help = if t.is_render() {
            format!(
                "set `{zero}: \"0\"` in flinkConfiguration{grows}, or use `stateBackend: rocksdb`"
            )
        } else {
            format!("set `{zero}: \"0\"`{grows}, or `{backend_key}: rocksdb`")
        };
        out.push(f.help(help));
    }
}
