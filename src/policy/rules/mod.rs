//! The rule registry: one file per rule, one line per rule here (sorted by name). The line
//! declares the rule's module, puts the rule in [`ALL`] and gives it a [`RuleId`].

// Helpers shared by rules (moving to the facts layer).
mod admission;
mod sizing;

use super::rule::{Rule, RuleMeta};

/// Builds the registry from its lines: the modules, [`ALL`], and [`RuleId`].
macro_rules! registry {
    ($($module:ident::$ty:ident,)*) => {
        $(pub mod $module;)*

        /// Every rule, in registry order (alphabetical).
        pub static ALL: &[&dyn Rule] = &[$(&$module::$ty),*];

        /// A rule's typed identity: code that reports a finding names its rule with this, never
        /// with a string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($ty,)*
        }

        impl RuleId {
            /// Every id, in registry order.
            pub const ALL: &[RuleId] = &[$(RuleId::$ty,)*];

            pub const fn meta(self) -> &'static RuleMeta {
                match self {
                    $(RuleId::$ty => &$module::$ty::META,)*
                }
            }
        }
    };
}

registry! {
    api_version_known::ApiVersionKnown,
    autoscaler_options_valid::AutoscalerOptionsValid,
    blue_green_valid::BlueGreenValid,
    checkpoint_dir_required::CheckpointDirRequired,
    checkpointing_enabled::CheckpointingEnabled,
    config_key_overlap::ConfigKeyOverlap,
    crd_schema::CrdSchema,
    deployment_name_valid::DeploymentNameValid,
    dns_cache_disabled::DnsCacheDisabled,
    duplicate_name::DuplicateName,
    flink_version_supported::FlinkVersionSupported,
    flux_health_checks::FluxHealthChecks,
    forbidden_config_keys::ForbiddenConfigKeys,
    ha_enabled::HaEnabled,
    health_check_needs_recovery::HealthCheckNeedsRecovery,
    ingress_template_valid::IngressTemplateValid,
    jar_uri_scheme::JarUriScheme,
    jobmanager_replicas_need_ha::JobmanagerReplicasNeedHa,
    log_configuration_keys::LogConfigurationKeys,
    managed_memory_unused::ManagedMemoryUnused,
    memory_matches_limit::MemoryMatchesLimit,
    memory_model_valid::MemoryModelValid,
    metrics_enabled::MetricsEnabled,
    namespace_isolation::NamespaceIsolation,
    no_plaintext_secrets::NoPlaintextSecrets,
    no_service_account_override::NoServiceAccountOverride,
    not_a_flink_resource::NotAFlinkResource,
    numbers_in_range::NumbersInRange,
    official_image::OfficialImage,
    one_job_per_cluster::OneJobPerCluster,
    parallelism_fits_slots::ParallelismFitsSlots,
    pod_security::PodSecurity,
    policy_config::PolicyConfig,
    render_blocked::RenderBlocked,
    render_drift::RenderDrift,
    reserved_labels::ReservedLabels,
    resources_defined::ResourcesDefined,
    rollback_needs_ha::RollbackNeedsHa,
    savepoint_dir_required::SavepointDirRequired,
    schema::Schema,
    service_account_required::ServiceAccountRequired,
    session_job_jar_uri::SessionJobJarUri,
    snapshot_data_kept::SnapshotDataKept,
    spec_not_discovered::SpecNotDiscovered,
    stateful_upgrade_mode::StatefulUpgradeMode,
    template_invalid::TemplateInvalid,
    unfilled_placeholder::UnfilledPlaceholder,
    unknown_config_key::UnknownConfigKey,
    unsafe_path::UnsafePath,
    waiver_date_invalid::WaiverDateInvalid,
    waiver_expired::WaiverExpired,
    waiver_unused::WaiverUnused,
    yaml_syntax::YamlSyntax,
}

impl RuleId {
    /// The rule's stable name, as findings, the platform config and `explain` spell it.
    pub const fn name(self) -> &'static str {
        self.meta().name
    }

    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|id| id.name() == name)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl From<RuleId> for String {
    fn from(id: RuleId) -> String {
        id.name().to_string()
    }
}
