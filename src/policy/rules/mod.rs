//! The rule registry: one file per rule, one line per rule here (sorted by name).

mod admission;
mod sizing;

pub mod autoscaler_options_valid;
pub mod checkpoint_dir_required;
pub mod checkpointing_enabled;
pub mod crd_schema;
pub mod deployment_name_valid;
pub mod dns_cache_disabled;
pub mod flink_version_supported;
pub mod forbidden_config_keys;
pub mod ha_enabled;
pub mod health_check_needs_recovery;
pub mod ingress_template_valid;
pub mod jobmanager_replicas_need_ha;
pub mod log_configuration_keys;
pub mod managed_memory_unused;
pub mod memory_matches_limit;
pub mod memory_model_valid;
pub mod metrics_enabled;
pub mod namespace_isolation;
pub mod no_plaintext_secrets;
pub mod no_service_account_override;
pub mod numbers_in_range;
pub mod official_image;
pub mod one_job_per_cluster;
pub mod parallelism_fits_slots;
pub mod pod_security;
pub mod policy_config;
pub mod render_blocked;
pub mod render_drift;
pub mod reserved_labels;
pub mod resources_defined;
pub mod rollback_needs_ha;
pub mod savepoint_dir_required;
pub mod schema;
pub mod service_account_required;
pub mod session_job_jar_uri;
pub mod spec_not_discovered;
pub mod stateful_upgrade_mode;
pub mod unknown_config_key;
pub mod unsafe_path;
pub mod waiver_expired;
pub mod waiver_unused;
pub mod yaml_syntax;

use super::Rule;

pub static ALL: &[&dyn Rule] = &[
    &autoscaler_options_valid::AutoscalerOptionsValid,
    &checkpoint_dir_required::CheckpointDirRequired,
    &checkpointing_enabled::CheckpointingEnabled,
    &crd_schema::CrdSchema,
    &deployment_name_valid::DeploymentNameValid,
    &dns_cache_disabled::DnsCacheDisabled,
    &flink_version_supported::FlinkVersionSupported,
    &forbidden_config_keys::ForbiddenConfigKeys,
    &ha_enabled::HaEnabled,
    &health_check_needs_recovery::HealthCheckNeedsRecovery,
    &ingress_template_valid::IngressTemplateValid,
    &jobmanager_replicas_need_ha::JobmanagerReplicasNeedHa,
    &log_configuration_keys::LogConfigurationKeys,
    &managed_memory_unused::ManagedMemoryUnused,
    &memory_matches_limit::MemoryMatchesLimit,
    &memory_model_valid::MemoryModelValid,
    &metrics_enabled::MetricsEnabled,
    &namespace_isolation::NamespaceIsolation,
    &no_plaintext_secrets::NoPlaintextSecrets,
    &no_service_account_override::NoServiceAccountOverride,
    &numbers_in_range::NumbersInRange,
    &official_image::OfficialImage,
    &one_job_per_cluster::OneJobPerCluster,
    &parallelism_fits_slots::ParallelismFitsSlots,
    &pod_security::PodSecurity,
    &policy_config::PolicyConfig,
    &render_blocked::RenderBlocked,
    &render_drift::RenderDrift,
    &reserved_labels::ReservedLabels,
    &resources_defined::ResourcesDefined,
    &rollback_needs_ha::RollbackNeedsHa,
    &savepoint_dir_required::SavepointDirRequired,
    &schema::Schema,
    &service_account_required::ServiceAccountRequired,
    &session_job_jar_uri::SessionJobJarUri,
    &spec_not_discovered::SpecNotDiscovered,
    &stateful_upgrade_mode::StatefulUpgradeMode,
    &unknown_config_key::UnknownConfigKey,
    &unsafe_path::UnsafePath,
    &waiver_expired::WaiverExpired,
    &waiver_unused::WaiverUnused,
    &yaml_syntax::YamlSyntax,
];
