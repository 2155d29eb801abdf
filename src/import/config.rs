//! A manifest's `flinkConfiguration`, sorted into what the spec says natively, what
//! flinkform owns, and what stays in the spec's `flinkConfiguration`.

use super::duration::to_spec_duration;
use crate::flink::operator_keys::PERIODIC_SAVEPOINT_INTERVAL;
use crate::flink::version::{
    CHECKPOINT_DIR_KEYS, CHECKPOINT_INTERVAL_KEY, HA_STORAGE_KEY, HA_TYPE_KEYS, SAVEPOINT_DIR_KEYS,
    STATE_BACKEND_KEYS,
};
use crate::tree::{Map, Node, Origin, Value};

pub const SLOTS_KEY: &str = "taskmanager.numberOfTaskSlots";
const INCREMENTAL_KEYS: [&str; 2] = [
    "execution.checkpointing.incremental",
    "state.backend.incremental",
];
const CHECKPOINT_MODE_KEY: &str = "execution.checkpointing.mode";
const CHECKPOINT_TIMEOUT_KEY: &str = "execution.checkpointing.timeout";
const CHECKPOINT_MIN_PAUSE_KEY: &str = "execution.checkpointing.min-pause";
const HA_FACTORY: &str = "org.apache.flink.kubernetes.highavailability.KubernetesHaServicesFactory";

/// Keys the operator overwrites from the spec and its own naming: setting them never had an
/// effect.
const OPERATOR_OWNED: [&str; 5] = [
    "kubernetes.namespace",
    "kubernetes.cluster-id",
    "kubernetes.service-account",
    "high-availability.cluster-id",
    "kubernetes.container.image.ref",
];

/// One flattened entry, as the operator flattens: nested maps joined with `.`, lists joined
/// with `;`. The value keeps its YAML type so the spec reads like the manifest.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub value: Node,
}

impl Entry {
    pub fn text(&self) -> String {
        self.value.scalar_text().unwrap_or_default()
    }
}

/// The entries of a manifest's `flinkConfiguration`, flattened as the operator does (see
/// [`crate::facts::view::flatten_config`]); `null` values set nothing and are left out.
pub fn flatten(node: &Node) -> Vec<Entry> {
    crate::facts::view::flatten_config(node)
        .into_iter()
        .filter(|e| !e.node.is_null())
        .map(|e| Entry {
            value: match &e.node.value {
                Value::Seq(_) => Node::str(e.value, Origin::NONE),
                _ => e.node.without_origins(),
            },
            key: e.key,
        })
        .collect()
}

/// What an entry becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    Slots(i64),
    StateBackend(&'static str),
    CheckpointInterval(String),
    CheckpointMode(&'static str),
    CheckpointTimeout(String),
    CheckpointMinPause(String),
    Incremental(bool),
    SavepointInterval(String),
    HighAvailability(bool),
    /// A checkpoint, savepoint or HA directory: the platform's storage decides.
    Storage(StorageKind),
    /// `*.memory.process.size`: the role's memory.
    ProcessSize(&'static str),
    /// Set by the operator whatever the manifest says.
    OperatorOwned,
    /// Stays in `flinkConfiguration`.
    Keep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    Checkpoints,
    Savepoints,
    HighAvailability,
}

impl StorageKind {
    pub fn field(self) -> &'static str {
        match self {
            StorageKind::Checkpoints => "checkpoints",
            StorageKind::Savepoints => "savepoints",
            StorageKind::HighAvailability => "highAvailability",
        }
    }
}

pub fn classify(e: &Entry) -> Class {
    let key = e.key.as_str();
    let text = e.text();
    let t = text.trim();
    match key {
        SLOTS_KEY => match t.parse::<i64>() {
            Ok(n) if (1..=1024).contains(&n) => Class::Slots(n),
            _ => Class::Keep,
        },
        k if STATE_BACKEND_KEYS.contains(&k) => match t.to_ascii_lowercase().as_str() {
            "rocksdb" => Class::StateBackend("rocksdb"),
            "hashmap" => Class::StateBackend("hashmap"),
            _ => Class::Keep,
        },
        CHECKPOINT_INTERVAL_KEY => {
            to_spec_duration(t).map_or(Class::Keep, Class::CheckpointInterval)
        }
        CHECKPOINT_TIMEOUT_KEY => to_spec_duration(t).map_or(Class::Keep, Class::CheckpointTimeout),
        CHECKPOINT_MIN_PAUSE_KEY => {
            to_spec_duration(t).map_or(Class::Keep, Class::CheckpointMinPause)
        }
        PERIODIC_SAVEPOINT_INTERVAL => {
            to_spec_duration(t).map_or(Class::Keep, Class::SavepointInterval)
        }
        CHECKPOINT_MODE_KEY => match t.to_ascii_uppercase().replace('-', "_").as_str() {
            "EXACTLY_ONCE" => Class::CheckpointMode("exactly-once"),
            "AT_LEAST_ONCE" => Class::CheckpointMode("at-least-once"),
            _ => Class::Keep,
        },
        k if INCREMENTAL_KEYS.contains(&k) => match t.to_ascii_lowercase().as_str() {
            "true" => Class::Incremental(true),
            "false" => Class::Incremental(false),
            _ => Class::Keep,
        },
        k if HA_TYPE_KEYS.contains(&k) => {
            if t.eq_ignore_ascii_case("kubernetes") || t == HA_FACTORY {
                Class::HighAvailability(true)
            } else if t.eq_ignore_ascii_case("none") {
                Class::HighAvailability(false)
            } else {
                Class::Keep
            }
        }
        k if CHECKPOINT_DIR_KEYS.contains(&k) => Class::Storage(StorageKind::Checkpoints),
        k if SAVEPOINT_DIR_KEYS.contains(&k) => Class::Storage(StorageKind::Savepoints),
        HA_STORAGE_KEY => Class::Storage(StorageKind::HighAvailability),
        "jobmanager.memory.process.size" => Class::ProcessSize("jobManager"),
        "taskmanager.memory.process.size" => Class::ProcessSize("taskManager"),
        k if OPERATOR_OWNED.contains(&k) || k.starts_with("$internal.") => Class::OperatorOwned,
        _ => Class::Keep,
    }
}

/// The configuration keys a native field of the spec is rendered as (`checkpointing.interval`
/// → `execution.checkpointing.interval`); empty for other paths. A manifest's value that
/// [`classify`] keeps in `flinkConfiguration` (a `${…}` placeholder, a value the field cannot
/// hold) still sets that option, so a platform default of the field does not apply beside it.
pub fn native_field_keys(path: &[String]) -> &'static [&'static str] {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    match path.as_slice() {
        ["checkpointing", "interval"] => &[CHECKPOINT_INTERVAL_KEY],
        ["checkpointing", "mode"] => &[CHECKPOINT_MODE_KEY],
        ["checkpointing", "timeout"] => &[CHECKPOINT_TIMEOUT_KEY],
        ["checkpointing", "minPause"] => &[CHECKPOINT_MIN_PAUSE_KEY],
        ["checkpointing", "incremental"] => &INCREMENTAL_KEYS,
        ["savepoints", "interval"] => &[PERIODIC_SAVEPOINT_INTERVAL],
        ["stateBackend"] => STATE_BACKEND_KEYS,
        ["highAvailability"] => HA_TYPE_KEYS,
        ["taskManager", "slots"] => &[SLOTS_KEY],
        _ => &[],
    }
}

/// The entries left for the spec's `flinkConfiguration`, in manifest order.
pub fn keep_map(entries: &[&Entry]) -> Map {
    let mut m = Map::new();
    for e in entries {
        m.insert(e.key.clone(), e.value.clone());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_node;

    fn entry(k: &str, v: &str) -> Entry {
        Entry {
            key: k.into(),
            value: Node::str(v, Origin::NONE),
        }
    }

    #[test]
    fn nested_and_list_values_flatten_like_the_operator() {
        let n = map_node! {
            "state" => map_node! { "savepoints.dir" => "s3://x", "backend" => map_node! { "type" => "rocksdb" } },
            "a" => vec![Node::str("x", Origin::NONE), Node::int(2, Origin::NONE)],
            "gone" => Node::null(),
        };
        let keys: Vec<(String, String)> = flatten(&n)
            .iter()
            .map(|e| (e.key.clone(), e.text()))
            .collect();
        assert_eq!(
            keys,
            [
                ("state.savepoints.dir".to_string(), "s3://x".to_string()),
                ("state.backend.type".to_string(), "rocksdb".to_string()),
                ("a".to_string(), "x;2".to_string()),
            ]
        );
    }

    #[test]
    fn classes() {
        assert_eq!(classify(&entry(SLOTS_KEY, "2")), Class::Slots(2));
        assert_eq!(classify(&entry(SLOTS_KEY, "0")), Class::Keep);
        assert_eq!(
            classify(&entry("state.backend", "RocksDB")),
            Class::StateBackend("rocksdb")
        );
        assert_eq!(classify(&entry("state.backend", "filesystem")), Class::Keep);
        assert_eq!(
            classify(&entry(CHECKPOINT_INTERVAL_KEY, "10000")),
            Class::CheckpointInterval("10s".into())
        );
        assert_eq!(
            classify(&entry(CHECKPOINT_MODE_KEY, "EXACTLY_ONCE")),
            Class::CheckpointMode("exactly-once")
        );
        assert_eq!(
            classify(&entry("high-availability", HA_FACTORY)),
            Class::HighAvailability(true)
        );
        assert_eq!(
            classify(&entry("high-availability.type", "zookeeper")),
            Class::Keep
        );
        assert_eq!(
            classify(&entry("state.checkpoints.dir", "s3://b/cp")),
            Class::Storage(StorageKind::Checkpoints)
        );
        assert_eq!(
            classify(&entry("$internal.application.main", "x")),
            Class::OperatorOwned
        );
        assert_eq!(classify(&entry("restart-strategy.type", "x")), Class::Keep);
    }
}
