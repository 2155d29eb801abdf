//! The rule registry: one file per rule, one line per rule here (sorted by name).

mod admission;
mod jvm;

pub mod crd_schema;
pub mod deployment_name_valid;
pub mod dns_cache_disabled;
pub mod flink_version_supported;
pub mod ha_enabled;
pub mod official_image;
pub mod one_job_per_cluster;
pub mod policy_config;
pub mod schema;
pub mod service_account_required;
pub mod stateful_upgrade_mode;
pub mod waiver_expired;
pub mod waiver_unused;
pub mod yaml_syntax;

use super::Rule;

pub static ALL: &[&dyn Rule] = &[
    &crd_schema::CrdSchema,
    &deployment_name_valid::DeploymentNameValid,
    &dns_cache_disabled::DnsCacheDisabled,
    &flink_version_supported::FlinkVersionSupported,
    &ha_enabled::HaEnabled,
    &official_image::OfficialImage,
    &one_job_per_cluster::OneJobPerCluster,
    &policy_config::PolicyConfig,
    &schema::Schema,
    &service_account_required::ServiceAccountRequired,
    &stateful_upgrade_mode::StatefulUpgradeMode,
    &waiver_expired::WaiverExpired,
    &waiver_unused::WaiverUnused,
    &yaml_syntax::YamlSyntax,
];
