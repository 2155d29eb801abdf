//! The rule registry: one file per rule, one line per rule here (sorted by name).

mod jvm;

pub mod checkpointing_enabled;
pub mod crd_schema;
pub mod dns_cache_disabled;
pub mod ha_enabled;
pub mod metrics_enabled;
pub mod namespace_isolation;
pub mod no_plaintext_secrets;
pub mod official_image;
pub mod one_job_per_cluster;
pub mod policy_config;
pub mod render_drift;
pub mod schema;
pub mod stateful_upgrade_mode;
pub mod waiver_expired;
pub mod waiver_unused;
pub mod yaml_syntax;

use super::Rule;

pub static ALL: &[&dyn Rule] = &[
    &checkpointing_enabled::CheckpointingEnabled,
    &crd_schema::CrdSchema,
    &dns_cache_disabled::DnsCacheDisabled,
    &ha_enabled::HaEnabled,
    &metrics_enabled::MetricsEnabled,
    &namespace_isolation::NamespaceIsolation,
    &no_plaintext_secrets::NoPlaintextSecrets,
    &official_image::OfficialImage,
    &one_job_per_cluster::OneJobPerCluster,
    &policy_config::PolicyConfig,
    &render_drift::RenderDrift,
    &schema::Schema,
    &stateful_upgrade_mode::StatefulUpgradeMode,
    &waiver_expired::WaiverExpired,
    &waiver_unused::WaiverUnused,
    &yaml_syntax::YamlSyntax,
];
