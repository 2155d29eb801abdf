//! The fields a service sets and the platform may default (`$defs/specFields` in the service
//! schema), as read from a merged tree. Every leaf is an [`Sp`] so later stages know which
//! line of which file set it.

use crate::tree::{Node, Sp};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

// No `deny_unknown_fields` here: the schema rejects unknown keys already, and the two
// free-form fields (`flinkConfiguration`, `podTemplate`) are skipped by serde and kept as trees.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecFields {
    pub flink_version: Option<Sp<String>>,
    pub image: Option<Sp<String>>,
    pub image_pull_policy: Option<Sp<String>>,
    #[serde(default)]
    pub job: Job,
    #[serde(default)]
    pub job_manager: JobManager,
    #[serde(default)]
    pub task_manager: TaskManager,
    pub state_backend: Option<Sp<StateBackend>>,
    #[serde(default)]
    pub checkpointing: Checkpointing,
    #[serde(default)]
    pub savepoints: Savepoints,
    pub high_availability: Option<Sp<bool>>,
    /// Kept as a tree: values pass through to the FlinkDeployment with their origins.
    #[serde(skip)]
    pub flink_configuration: Option<Node>,
    #[serde(default)]
    pub log_configuration: BTreeMap<String, Sp<String>>,
    /// Kept as a tree, passed through to the FlinkDeployment.
    #[serde(skip)]
    pub pod_template: Option<Node>,
    /// The operator's `ingress` (template, className, annotations, labels, tls), kept as a
    /// tree and passed through.
    #[serde(skip)]
    pub ingress: Option<Node>,
    #[serde(default)]
    pub env: BTreeMap<Sp<String>, Sp<String>>,
    #[serde(default)]
    pub secrets: Vec<SecretRef>,
    #[serde(default)]
    pub network: Network,
    #[serde(default)]
    pub sources: Vec<Sp<super::alerts::Source>>,
    #[serde(default)]
    pub alerts: super::alerts::AlertSettings,
    #[serde(default)]
    pub blue_green: super::blue_green::BlueGreen,
    /// Only in an environment overlay: the clusters to run on.
    pub clusters: Option<Vec<Sp<String>>>,
}

impl SpecFields {
    /// Reads the fields of a merged `spec` tree; the free-form parts stay trees.
    pub fn from_tree(
        node: &Node,
        file: crate::source::FileId,
    ) -> Result<SpecFields, crate::diag::Diagnostic> {
        let mut f: SpecFields = super::read(node, file)?;
        f.flink_configuration = node.get("flinkConfiguration").cloned();
        f.pod_template = node.get("podTemplate").cloned();
        f.ingress = node.get("ingress").cloned();
        f.job_manager.pod_template = node.path(&["jobManager", "podTemplate"]).cloned();
        f.task_manager.pod_template = node.path(&["taskManager", "podTemplate"]).cloned();
        Ok(f)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Job {
    #[serde(rename = "jarURI")]
    pub jar_uri: Option<Sp<String>>,
    pub entry_class: Option<Sp<String>>,
    pub args: Option<Vec<Sp<String>>>,
    pub parallelism: Option<Sp<i64>>,
    pub upgrade_mode: Option<Sp<UpgradeMode>>,
    pub state: Option<Sp<JobState>>,
    pub allow_non_restored_state: Option<Sp<bool>>,
    pub initial_savepoint_path: Option<Sp<String>>,
    pub restore: Option<Restore>,
}

/// `job.restore`: redeploy the running job from a chosen savepoint, once per `nonce` (the
/// operator's `savepointRedeployNonce`), with the reason for reviewers.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Restore {
    pub savepoint: Sp<String>,
    pub nonce: Sp<i64>,
    pub reason: Sp<String>,
}

// No `deny_unknown_fields`: the schema rejects unknown keys, and `podTemplate` is a tree.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobManager {
    pub cpu: Option<Sp<Cpu>>,
    pub memory: Option<Sp<String>>,
    pub replicas: Option<Sp<i64>>,
    /// This role's own pod template (the operator merges it over `spec.podTemplate`).
    #[serde(skip)]
    pub pod_template: Option<Node>,
}

// No `deny_unknown_fields`: the schema rejects unknown keys, and `podTemplate` is a tree.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskManager {
    pub cpu: Option<Sp<Cpu>>,
    pub memory: Option<Sp<String>>,
    pub slots: Option<Sp<i64>>,
    pub replicas: Option<Sp<i64>>,
    /// This role's own pod template (the operator merges it over `spec.podTemplate`).
    #[serde(skip)]
    pub pod_template: Option<Node>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Checkpointing {
    pub interval: Option<Sp<String>>,
    pub mode: Option<Sp<CheckpointMode>>,
    pub timeout: Option<Sp<String>>,
    pub min_pause: Option<Sp<String>>,
    pub incremental: Option<Sp<bool>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Savepoints {
    pub interval: Option<Sp<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretRef {
    pub name: Sp<String>,
    #[serde(default)]
    pub env: BTreeMap<Sp<String>, Sp<String>>,
    pub mount_path: Option<Sp<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Network {
    #[serde(default)]
    pub allow_ingress_from: Vec<Sp<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpgradeMode {
    Savepoint,
    LastState,
    Stateless,
}

impl UpgradeMode {
    pub fn as_str(self) -> &'static str {
        match self {
            UpgradeMode::Savepoint => "savepoint",
            UpgradeMode::LastState => "last-state",
            UpgradeMode::Stateless => "stateless",
        }
    }

    /// Whether the job carries state across upgrades (and deletion).
    pub fn keeps_state(self) -> bool {
        crate::facts::view::is_stateful_mode(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobState {
    Running,
    Suspended,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Suspended => "suspended",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StateBackend {
    Rocksdb,
    Hashmap,
}

impl StateBackend {
    pub fn as_str(self) -> &'static str {
        match self {
            StateBackend::Rocksdb => "rocksdb",
            StateBackend::Hashmap => "hashmap",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckpointMode {
    ExactlyOnce,
    AtLeastOnce,
}

impl CheckpointMode {
    /// Flink's spelling for `execution.checkpointing.mode`.
    pub fn flink_value(self) -> &'static str {
        match self {
            CheckpointMode::ExactlyOnce => "EXACTLY_ONCE",
            CheckpointMode::AtLeastOnce => "AT_LEAST_ONCE",
        }
    }
}

/// CPU cores: a number, or Kubernetes millicores in the spec (`"500m"` = 0.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cpu(pub f64);

impl<'de> Deserialize<'de> for Cpu {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Cpu;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of cores or millicores such as \"500m\"")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Cpu, E> {
                Ok(Cpu(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Cpu, E> {
                Ok(Cpu(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Cpu, E> {
                Ok(Cpu(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Cpu, E> {
                v.strip_suffix('m')
                    .and_then(|m| m.parse::<u64>().ok())
                    .map(|m| Cpu(m as f64 / 1000.0))
                    .ok_or_else(|| E::custom(format!("`{v}` is not a cpu amount")))
            }
        }
        d.deserialize_any(V)
    }
}
