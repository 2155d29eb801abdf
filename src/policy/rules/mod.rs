//! The rule registry: one file per rule, one line per rule here (sorted by name).

mod jvm;
mod sizing;

pub mod crd_schema;
pub mod dns_cache_disabled;
pub mod ha_enabled;
pub mod managed_memory_unused;
pub mod memory_matches_limit;
pub mod memory_model_valid;
pub mod official_image;
pub mod one_job_per_cluster;
pub mod parallelism_fits_slots;
pub mod policy_config;
pub mod resources_defined;
pub mod schema;
pub mod stateful_upgrade_mode;
pub mod waiver_expired;
pub mod waiver_unused;
pub mod yaml_syntax;

use super::Rule;

pub static ALL: &[&dyn Rule] = &[
    &crd_schema::CrdSchema,
    &dns_cache_disabled::DnsCacheDisabled,
    &ha_enabled::HaEnabled,
    &managed_memory_unused::ManagedMemoryUnused,
    &memory_matches_limit::MemoryMatchesLimit,
    &memory_model_valid::MemoryModelValid,
    &official_image::OfficialImage,
    &one_job_per_cluster::OneJobPerCluster,
    &parallelism_fits_slots::ParallelismFitsSlots,
    &policy_config::PolicyConfig,
    &resources_defined::ResourcesDefined,
    &schema::Schema,
    &stateful_upgrade_mode::StatefulUpgradeMode,
    &waiver_expired::WaiverExpired,
    &waiver_unused::WaiverUnused,
    &yaml_syntax::YamlSyntax,
];
