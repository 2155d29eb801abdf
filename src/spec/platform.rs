//! The platform config (`flinkform.yaml`) with every default filled in.
//!
//! Defaults (also in `docs/spec.md`):
//! services `services/*/service.yaml`; output `rendered`; operator 1.15 in namespace
//! `flink-operator`, installed by Flux Kustomization `flink-operator`; Flux namespace
//! `flux-system`, source `GitRepository/flux-system`, interval `10m`, timeout `5m`, Flux 2.5; images from
//! the official `flink` repository; monitoring namespace `monitoring`, port 9249, alerts on; JVM DNS TTL at
//! most 0; environments named `prod` or `production` require HA and stateful upgrades.

use super::read;
use crate::diag::Diagnostic;
pub use crate::pod_security::Level as PodSecurityLevel;
use crate::source::{FileId, Span};
use crate::tree::{Node, Origin, Sp};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DEFAULT_SERVICES_GLOB: &str = "services/*/service.yaml";
pub const DEFAULT_OUTPUT: &str = "rendered";
pub const FILE_NAME: &str = "flinkform.yaml";

#[derive(Debug, Clone)]
pub struct Platform {
    /// The config file, or `None` for the built-in defaults (`lint` outside a repository).
    pub file: Option<FileId>,
    pub name: Option<String>,
    pub services_include: Vec<Sp<String>>,
    pub services_exclude: Vec<Sp<String>>,
    pub output: Sp<String>,
    /// Why the output folder may not be used, found on disk after the config was read: it
    /// holds files that `services.include` matches (see `workspace::config_paths`).
    /// [`Platform::output_dir`] reports it.
    pub output_holds_specs: Option<String>,
    pub operator: Operator,
    pub flux: Flux,
    pub allowed_registries: Vec<Sp<String>>,
    pub storage: Storage,
    pub service_account_annotations: BTreeMap<String, Sp<String>>,
    pub monitoring: Monitoring,
    pub dns_max_ttl: Sp<i64>,
    pub crds: Vec<Sp<String>>,
    pub defaults: Option<Node>,
    /// Sorted by name.
    pub environments: Vec<Environment>,
    pub policy: PolicyConfig,
}

#[derive(Debug, Clone)]
pub struct Operator {
    pub version: Sp<(u32, u32)>,
    pub namespace: String,
    pub flux_kustomization: FluxRef,
}

impl Operator {
    /// What the operator release the platform runs has ([`crate::flink::operator`]).
    pub fn release(&self) -> &'static crate::flink::operator::Release {
        crate::flink::operator::release(self.version.value)
    }

    /// Operators after 1.15 have the `resources` field on JobManager and TaskManager.
    pub fn has_resources_field(&self) -> bool {
        self.release().resources_field
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FluxRef {
    pub name: Sp<String>,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Flux {
    pub namespace: String,
    pub source_kind: String,
    pub source_name: String,
    pub source_namespace: Option<String>,
    pub interval: String,
    pub retry_interval: Option<String>,
    pub timeout: String,
    /// The oldest Flux release the clusters run (`flux.version`, `major.minor`); unset:
    /// [`DEFAULT_FLUX_VERSION`]. It decides whether the Kustomizations get `healthCheckExprs`
    /// ([`Flux::has_health_check_exprs`]).
    pub version: Sp<(u32, u32)>,
    /// Where the platform folder (the folder of `flinkform.yaml`) is inside the source's
    /// artifact (`flux.platformPath`): the rendered Kustomizations' `path:` starts with it.
    /// Unset: the compiler fills in [`DEFAULT_PLATFORM_PATH`].
    pub platform_path: Option<Sp<String>>,
    /// The `flux` mapping of the config (or its `spec`), where findings about it point.
    pub span: Option<Span>,
}

/// The first Flux release whose kustomize-controller serves `kustomize.toolkit.fluxcd.io/v1`
/// (Flux 2.0.0, kustomize-controller 1.0.0): the only API version of the Kustomizations
/// flinkform renders. Older versions are refused (`flux.version`).
pub const FLUX_KUSTOMIZATION_V1: (u32, u32) = (2, 0);

/// The first Flux release with `healthCheckExprs` (RFC-0009, "generally available in Flux
/// v2.5"; fluxcd/pkg `runtime/cel/status_evaluator.go`).
pub const FLUX_HEALTH_CHECK_EXPRS: (u32, u32) = (2, 5);

/// `flux.version` when the config does not set one: the first release with
/// `healthCheckExprs`, so an unset version renders what flinkform rendered before the setting
/// existed (and what every Flux since February 2025 reads).
pub const DEFAULT_FLUX_VERSION: (u32, u32) = FLUX_HEALTH_CHECK_EXPRS;

/// `flux.platformPath` when the config does not set one: the artifact's root. It never
/// depends on the machine (a clone or an export of the same files render the same bytes); a
/// `GitRepository` platform in a subfolder of its git repository must set it (see
/// [`Flux::platform_path_finding`]).
pub const DEFAULT_PLATFORM_PATH: &str = ".";

impl Flux {
    /// Whether the clusters' Flux reads `healthCheckExprs` (2.5 and later). An older
    /// kustomize-controller's CRD has no such field: the API server would prune it, so it is
    /// not rendered, and the platform is told once what that Flux checks instead
    /// (`flux-health-checks`).
    pub fn has_health_check_exprs(&self) -> bool {
        self.version.value >= FLUX_HEALTH_CHECK_EXPRS
    }

    /// The finding when `flux.platformPath` is unset for a `GitRepository` platform that is
    /// not at the root of its git repository (`in_git`: its path there): the default, the
    /// artifact's root, would point every Kustomization at a folder that does not exist.
    pub fn platform_path_finding(&self, in_git: &str) -> Option<Diagnostic> {
        if self.platform_path.is_some() || self.source_kind != "GitRepository" || in_git.is_empty()
        {
            return None;
        }
        Some(
            Diagnostic::error(
                crate::policy::RuleId::Schema,
                format!(
                    "flux.platformPath is not set, but this platform is in `{in_git}` of its git repository: the Flux Kustomizations would point at `./{}/…` of the GitRepository, which is not where the output is",
                    DEFAULT_OUTPUT
                ),
            )
            .at_opt(self.span, "flux settings")
            .with_help(format!(
                "set `platformPath: {in_git}` under `flux` in {FILE_NAME} (where this folder is in the GitRepository's artifact; `.` if Flux's source holds this folder's contents)"
            )),
        )
    }

    /// The `path:` of a Flux Kustomization for a folder of the output (`{output}/{cluster}/…`,
    /// relative to the platform folder): relative to the source artifact's root, `./`-prefixed.
    pub fn kustomization_path(&self, folder: &str) -> String {
        let base = self.platform_path.as_ref().map_or("", |p| p.value.as_str());
        let parts: Vec<&str> = base
            .split('/')
            .chain(folder.split('/'))
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        format!("./{}", parts.join("/"))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Storage {
    pub checkpoints: Option<Sp<String>>,
    pub savepoints: Option<Sp<String>>,
    pub high_availability: Option<Sp<String>>,
}

impl Storage {
    /// `self`, with unset templates taken from `base`.
    fn over(&self, base: &Storage) -> Storage {
        Storage {
            checkpoints: self
                .checkpoints
                .clone()
                .or_else(|| base.checkpoints.clone()),
            savepoints: self.savepoints.clone().or_else(|| base.savepoints.clone()),
            high_availability: self
                .high_availability
                .clone()
                .or_else(|| base.high_availability.clone()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Monitoring {
    pub namespace: String,
    pub pod_monitor_labels: BTreeMap<String, String>,
    pub port: i64,
    /// `monitoring.ruleLabels`: what the Prometheus operator's `ruleSelector` matches.
    pub rule_labels: BTreeMap<String, String>,
    /// `monitoring.alerts`: whether any PrometheusRule is rendered (default true).
    pub alerts: bool,
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub name: Sp<String>,
    pub clusters: Vec<Sp<String>>,
    pub require_ha: Sp<bool>,
    pub require_stateful_upgrade: Sp<bool>,
    /// The platform's storage templates with this environment's overrides.
    pub storage: Storage,
    pub defaults: Option<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeveritySetting {
    Error,
    Warning,
    Info,
    Off,
}

#[derive(Debug, Clone, Default)]
pub struct PolicyConfig {
    pub rules: BTreeMap<Sp<String>, Sp<SeveritySetting>>,
    pub environments: BTreeMap<String, BTreeMap<Sp<String>, Sp<SeveritySetting>>>,
    pub preview_pools: Vec<Sp<String>>,
    pub waivers: Vec<Waiver>,
    /// `policy.podSecurity`: the Pod Security Standards level for every environment (default
    /// baseline).
    pub pod_security: Option<Sp<PodSecurityLevel>>,
    /// `policy.environments.<env>.podSecurity`: the level for one environment.
    pub pod_security_by_env: BTreeMap<String, Sp<PodSecurityLevel>>,
    /// `policy.reservedNamespaces`: names (or `prefix*` patterns) no service may claim, in
    /// addition to the built-in ones (see [`super::reserved`]).
    pub reserved_namespaces: Vec<Sp<String>>,
}

impl PolicyConfig {
    /// The Pod Security Standards level in an environment, with the line that sets it.
    pub fn pod_security(&self, env: &str) -> Sp<PodSecurityLevel> {
        self.pod_security_by_env
            .get(env)
            .or(self.pod_security.as_ref())
            .cloned()
            .unwrap_or(Sp::made(crate::pod_security::DEFAULT_LEVEL))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub rule: Sp<String>,
    pub service: Sp<String>,
    pub environment: Option<Sp<String>>,
    pub reason: Sp<String>,
    pub expires: Sp<String>,
}

impl Waiver {
    /// Where a finding about the waiver itself points: its `rule` value.
    pub fn span(&self) -> Option<Span> {
        self.rule.origin.span()
    }
}

// ---- raw shapes, as written ----

// `defaults` stays a tree, so serde skips it; the schema has rejected unknown keys already.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    #[serde(default)]
    services: RawServices,
    output: Option<Sp<String>>,
    #[serde(default)]
    operator: RawOperator,
    #[serde(default)]
    flux: RawFlux,
    #[serde(default)]
    images: RawImages,
    #[serde(default)]
    storage: Storage,
    #[serde(default)]
    service_account: RawServiceAccount,
    #[serde(default)]
    monitoring: RawMonitoring,
    #[serde(default)]
    dns: RawDns,
    #[serde(default)]
    crds: Vec<Sp<String>>,
    #[serde(default)]
    environments: BTreeMap<Sp<String>, RawEnvironment>,
    #[serde(default)]
    policy: RawPolicy,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServices {
    include: Option<Vec<Sp<String>>>,
    #[serde(default)]
    exclude: Vec<Sp<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawOperator {
    version: Option<Sp<String>>,
    namespace: Option<String>,
    flux_kustomization: Option<FluxRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawFlux {
    namespace: Option<String>,
    source_ref: Option<RawSourceRef>,
    interval: Option<String>,
    retry_interval: Option<String>,
    timeout: Option<String>,
    platform_path: Option<Sp<String>>,
    version: Option<Sp<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSourceRef {
    kind: String,
    name: String,
    namespace: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawImages {
    allowed_registries: Option<Vec<Sp<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServiceAccount {
    #[serde(default)]
    annotations: BTreeMap<String, Sp<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawMonitoring {
    namespace: Option<String>,
    #[serde(default)]
    pod_monitor_labels: BTreeMap<String, String>,
    port: Option<i64>,
    #[serde(default)]
    rule_labels: BTreeMap<String, String>,
    alerts: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawDns {
    max_ttl: Option<Sp<i64>>,
}

// `defaults` stays a tree; serde only skips it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEnvironment {
    clusters: Vec<Sp<String>>,
    #[serde(default)]
    require: RawRequire,
    #[serde(default)]
    storage: Storage,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRequire {
    high_availability: Option<Sp<bool>>,
    stateful_upgrade: Option<Sp<bool>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    rules: BTreeMap<Sp<String>, Sp<SeveritySetting>>,
    #[serde(default)]
    environments: BTreeMap<String, RawPolicyEnv>,
    #[serde(default)]
    preview_pools: Vec<Sp<String>>,
    #[serde(default)]
    waivers: Vec<Waiver>,
    pod_security: Option<Sp<PodSecurityLevel>>,
    #[serde(default)]
    reserved_namespaces: Vec<Sp<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPolicyEnv {
    #[serde(default)]
    rules: BTreeMap<Sp<String>, Sp<SeveritySetting>>,
    pod_security: Option<Sp<PodSecurityLevel>>,
}

/// Whether an environment of this name requires HA and stateful upgrades by default.
fn is_production(name: &str) -> bool {
    matches!(name, "prod" | "production")
}

impl Platform {
    /// The built-in platform: what `lint` uses outside a repository.
    pub fn builtin() -> Platform {
        Platform::from_raw(Raw::default(), None, None, &Node::null())
            .expect("the built-in defaults are valid")
    }

    /// Reads a schema-valid platform document. Cross-field problems (a cluster in two
    /// environments, an output folder outside the repository) become diagnostics.
    pub fn read(doc: &Node, file: FileId) -> (Option<Platform>, Vec<Diagnostic>) {
        let empty = Node::null();
        let spec = doc.get("spec").unwrap_or(&empty);
        let raw: Raw = match read(spec, file) {
            Ok(r) => r,
            Err(d) => return (None, vec![d]),
        };
        let name = doc
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .map(str::to_string);
        match Platform::from_raw(raw, Some(file), name, spec) {
            Ok(p) => {
                let diags = p.check();
                (Some(p), diags)
            }
            Err(d) => (None, vec![d]),
        }
    }

    fn from_raw(
        raw: Raw,
        file: Option<FileId>,
        name: Option<String>,
        spec: &Node,
    ) -> Result<Platform, Diagnostic> {
        let flux_ns = raw.flux.namespace.unwrap_or_else(|| "flux-system".into());
        let version = match raw.operator.version {
            Some(v) => Sp::new(version_setting(&v, "the operator's", "1.15")?, v.origin),
            None => Sp::made((1, 15)),
        };
        let flux_version = match &raw.flux.version {
            Some(v) => Sp::new(version_setting(v, "Flux's", "2.5")?, v.origin),
            None => Sp::made(DEFAULT_FLUX_VERSION),
        };
        let source = raw.flux.source_ref.unwrap_or(RawSourceRef {
            kind: "GitRepository".into(),
            name: "flux-system".into(),
            namespace: None,
        });
        let mut environments = Vec::new();
        for (env_name, env) in raw.environments {
            let prod = is_production(&env_name.value);
            let defaults = spec
                .path(&["environments", &env_name.value, "defaults"])
                .cloned();
            environments.push(Environment {
                require_ha: env.require.high_availability.unwrap_or(Sp::made(prod)),
                require_stateful_upgrade: env.require.stateful_upgrade.unwrap_or(Sp::made(prod)),
                storage: env.storage.over(&raw.storage),
                clusters: env.clusters,
                defaults,
                name: env_name,
            });
        }
        Ok(Platform {
            file,
            name,
            services_include: raw
                .services
                .include
                .unwrap_or_else(|| vec![Sp::made(DEFAULT_SERVICES_GLOB.to_string())]),
            services_exclude: raw.services.exclude,
            output: raw.output.unwrap_or(Sp::made(DEFAULT_OUTPUT.to_string())),
            output_holds_specs: None,
            operator: Operator {
                version,
                namespace: raw
                    .operator
                    .namespace
                    .unwrap_or_else(|| "flink-operator".into()),
                flux_kustomization: raw.operator.flux_kustomization.unwrap_or(FluxRef {
                    name: Sp::made("flink-operator".into()),
                    namespace: None,
                }),
            },
            flux: Flux {
                namespace: flux_ns,
                source_kind: source.kind,
                source_name: source.name,
                source_namespace: source.namespace,
                interval: raw.flux.interval.unwrap_or_else(|| "10m".into()),
                retry_interval: raw.flux.retry_interval,
                timeout: raw.flux.timeout.unwrap_or_else(|| "5m".into()),
                platform_path: raw.flux.platform_path,
                version: flux_version,
                span: spec
                    .get("flux")
                    .and_then(|n| n.origin.span())
                    .or_else(|| spec.origin.span()),
            },
            allowed_registries: raw
                .images
                .allowed_registries
                .unwrap_or_else(|| vec![Sp::made("flink".to_string())]),
            storage: raw.storage,
            service_account_annotations: raw.service_account.annotations,
            monitoring: Monitoring {
                namespace: raw
                    .monitoring
                    .namespace
                    .unwrap_or_else(|| "monitoring".into()),
                pod_monitor_labels: raw.monitoring.pod_monitor_labels,
                port: raw.monitoring.port.unwrap_or(9249),
                rule_labels: raw.monitoring.rule_labels,
                alerts: raw.monitoring.alerts.unwrap_or(true),
            },
            dns_max_ttl: raw.dns.max_ttl.unwrap_or(Sp::made(0)),
            crds: raw.crds,
            defaults: spec.get("defaults").cloned(),
            environments,
            policy: PolicyConfig {
                rules: raw.policy.rules,
                pod_security_by_env: raw
                    .policy
                    .environments
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.pod_security.clone()?)))
                    .collect(),
                environments: raw
                    .policy
                    .environments
                    .into_iter()
                    .map(|(k, v)| (k, v.rules))
                    .collect(),
                preview_pools: raw.policy.preview_pools,
                waivers: raw.policy.waivers,
                pod_security: raw.policy.pod_security,
                reserved_namespaces: raw.policy.reserved_namespaces,
            },
        })
    }

    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name.value == name)
    }

    /// The environment a cluster belongs to.
    pub fn environment_of_cluster(&self, cluster: &str) -> Option<&Environment> {
        self.environments
            .iter()
            .find(|e| e.clusters.iter().any(|c| c.value == cluster))
    }

    /// The output folder as a clean relative path, or why flinkform will not write there:
    /// outside the repository, its root, inside `.git`, the platform config, or overlapping
    /// the specs (`output: services` would hide every spec from `check`).
    pub fn output_dir(&self) -> Result<String, String> {
        let rel = clean_relative(&self.output.value)?;
        let parts: Vec<&str> = rel.split('/').collect();
        if parts.iter().any(|p| p.eq_ignore_ascii_case(".git")) {
            return Err("is inside `.git`; render would write into git's own files".into());
        }
        if parts[0].eq_ignore_ascii_case(FILE_NAME) {
            return Err(format!("is the platform config `{FILE_NAME}`"));
        }
        for pattern in &self.services_include {
            let base = literal_prefix(&pattern.value);
            let inside = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}/"));
            if !base.is_empty() && (inside(&base, &rel) || inside(&rel, &base)) {
                return Err(format!(
                    "overlaps the service specs (`services.include: {}`); check would skip the specs in it and render would write among them",
                    pattern.value
                ));
            }
        }
        if let Some(why) = &self.output_holds_specs {
            return Err(why.clone());
        }
        Ok(rel)
    }

    /// The `crds` folders flinkform may read: the ones [`repository_path_problem`] accepts.
    pub fn crd_dirs(&self) -> impl Iterator<Item = &Sp<String>> {
        self.crds
            .iter()
            .filter(|c| repository_path_problem(&c.value).is_none())
    }

    /// Cross-field checks the schema cannot express.
    fn check(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<&str, &Sp<String>> = BTreeMap::new();
        for env in &self.environments {
            for c in &env.clusters {
                if c.value == crate::layout::FLUX_DIR {
                    out.push(
                        Diagnostic::error(crate::policy::RuleId::Schema, "a cluster may not be called `flux`")
                            .at_opt(c.origin.span(), "reserved name")
                            .with_help("the output's `flux/` folder holds the Flux Kustomizations; rename the cluster"),
                    );
                }
                if let Some(first) = seen.insert(&c.value, c) {
                    let mut d = Diagnostic::error(
                        crate::policy::RuleId::DuplicateName,
                        format!("cluster `{}` is listed in more than one environment", c.value),
                    )
                    .at_opt(c.origin.span(), "listed again here")
                    .with_help("a cluster belongs to exactly one environment; its folder under the output holds that environment's services");
                    if let Some(s) = first.origin.span() {
                        d = d.with_secondary(s, "first listed here");
                    }
                    out.push(d);
                }
            }
        }
        if let Some(p) = &self.flux.platform_path {
            let v = &p.value;
            if v.starts_with('/') || v.contains('\\') || v.split('/').any(|c| c == "..") {
                out.push(
                    Diagnostic::error(
                        crate::policy::RuleId::Schema,
                        format!("flux.platformPath `{v}` must be a relative path inside the Flux source's artifact"),
                    )
                    .at_opt(p.origin.span(), "here")
                    .with_help("write where this folder is inside the source, e.g. `platform`, or `.` for its root"),
                );
            }
        }
        let flux = &self.flux.version;
        if flux.value < FLUX_KUSTOMIZATION_V1 {
            let (major, minor) = flux.value;
            let (need_major, need_minor) = FLUX_KUSTOMIZATION_V1;
            out.push(
                Diagnostic::error(
                    crate::policy::RuleId::Schema,
                    format!(
                        "flux.version {major}.{minor} is older than flinkform can target: the Kustomizations it renders are `kustomize.toolkit.fluxcd.io/v1`, which Flux serves from {need_major}.{need_minor}"
                    ),
                )
                .at_opt(flux.origin.span(), "here")
                .with_help(format!(
                    "upgrade Flux to {need_major}.{need_minor} or later (2.5 or later also checks the job's health) and set `version` under `flux` to it"
                )),
            );
        }
        let dep = &self.operator.flux_kustomization;
        if dep
            .namespace
            .as_ref()
            .is_none_or(|ns| *ns == self.flux.namespace)
            && let Some(service) = dep
                .name
                .value
                .strip_prefix(crate::layout::FLUX_KUSTOMIZATION_PREFIX)
        {
            out.push(
                Diagnostic::error(
                    crate::policy::RuleId::Schema,
                    format!(
                        "the operator's Flux Kustomization `{}` has the prefix of the ones flinkform renders: a service named `{}` would replace it",
                        crate::excerpt::quote(&dep.name.value),
                        crate::excerpt::quote(service)
                    ),
                )
                .at_opt(dep.name.origin.span(), "collides with flinkform's names")
                .with_help(format!(
                    "flinkform names each service's Kustomization `{}<service>` in the Flux namespace; rename the operator's Kustomization (and this reference) to a name without that prefix",
                    crate::layout::FLUX_KUSTOMIZATION_PREFIX
                )),
            );
        }
        if let Err(why) = self.output_dir() {
            out.push(
                Diagnostic::error(
                    crate::policy::RuleId::UnsafePath,
                    format!("output folder `{}` {why}", self.output.value),
                )
                .at_opt(self.output.origin.span(), "here")
                .with_help(
                    "use a folder of its own inside the repository, e.g. `output: rendered`",
                ),
            );
        }
        for (key, patterns) in [
            ("services.include", &self.services_include),
            ("services.exclude", &self.services_exclude),
        ] {
            for p in patterns {
                if let Some(why) = repository_path_problem(&p.value) {
                    out.push(
                        Diagnostic::error(crate::policy::RuleId::UnsafePath, format!("`{key}` pattern `{}` {why}", p.value))
                            .at_opt(p.origin.span(), "here")
                            .with_help("patterns match paths below the folder of flinkform.yaml, e.g. `services/*/service.yaml`"),
                    );
                }
            }
        }
        for c in &self.crds {
            if let Some(why) = repository_path_problem(&c.value) {
                out.push(
                    Diagnostic::error(crate::policy::RuleId::UnsafePath, format!("CRD folder `{}` {why}; it is not read", c.value))
                        .at_opt(c.origin.span(), "here")
                        .with_help("keep the CRDs in a folder inside the repository, e.g. `crds: [crds]`; `--crd DIR` reads a folder anywhere"),
                );
            }
        }
        out
    }
}

/// Why flinkform will not read a path (or pattern) that `flinkform.yaml` names: absolute,
/// climbing out with `..`, or inside `.git` (where `actions/checkout` keeps its token). Paths
/// in the platform config are relative to its folder and stay below it.
pub fn repository_path_problem(path: &str) -> Option<&'static str> {
    if path.starts_with('/')
        || path.starts_with('\\')
        || path.starts_with('~')
        || path.contains(':')
    {
        return Some("is absolute; it must be a path inside the repository");
    }
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    if parts.contains(&"..") {
        return Some("leaves the folder of flinkform.yaml (`..`)");
    }
    if parts.iter().any(|p| p.eq_ignore_ascii_case(".git")) {
        return Some("is inside `.git`");
    }
    None
}

/// The folder a pattern's matches must live under: its components before the first glob
/// metacharacter (an entirely literal pattern names a file: its folder).
pub fn literal_prefix(pattern: &str) -> String {
    let mut parts = Vec::new();
    for part in pattern.split('/') {
        if is_glob(part) {
            return parts.join("/");
        }
        parts.push(part);
    }
    parts.pop();
    parts.join("/")
}

/// Whether `pattern` (components matched one by one, `*` not crossing `/`, `**` any number of
/// components) can match a path below the folder `dir`.
pub fn matches_below(pattern: &str, dir: &str) -> bool {
    let parts: Vec<&str> = dir.split('/').collect();
    let pattern: Vec<&str> = pattern.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        match pattern.get(i) {
            None => return false,
            Some(&"**") => return true,
            Some(p) if !component_matches(p, part) => return false,
            Some(_) => {}
        }
    }
    pattern.len() > parts.len()
}

/// Whether the exclude pattern `pattern` excludes everything below the folder `dir`: its
/// components match `dir`'s and it ends in `/**` right after them.
pub fn excludes_everything_below(pattern: &str, dir: &str) -> bool {
    let parts: Vec<&str> = dir.split('/').collect();
    let pattern: Vec<&str> = pattern.split('/').collect();
    pattern.len() == parts.len() + 1
        && pattern.last() == Some(&"**")
        && parts
            .iter()
            .zip(&pattern)
            .all(|(part, p)| component_matches(p, part))
}

/// Whether one component of a pattern matches one path component (an invalid glob matches
/// only itself; discovery reports it).
fn component_matches(pattern: &str, part: &str) -> bool {
    if !is_glob(pattern) {
        return pattern == part;
    }
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_or(pattern == part, |g| g.compile_matcher().is_match(part))
}

/// Whether a pattern component has glob metacharacters.
pub fn is_glob(part: &str) -> bool {
    part.contains(['*', '?', '[', '{'])
}

/// `a/b` from `./a//b/`; errors for absolute paths, `..`, and the repository root itself.
pub fn clean_relative(path: &str) -> Result<String, String> {
    if path.starts_with('/') || path.starts_with('\\') || path.contains(':') {
        return Err("is absolute; it must be inside the repository".into());
    }
    let mut parts = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return Err("leaves the repository (`..`)".into()),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("is the repository root; render would overwrite the repository".into());
    }
    Ok(parts.join("/"))
}

/// A `major.minor` version setting, or the finding at it when it is not one (`whose`: whose
/// version it is, `example`: a version to show).
fn version_setting(v: &Sp<String>, whose: &str, example: &str) -> Result<(u32, u32), Diagnostic> {
    parse_major_minor(&v.value).ok_or_else(|| {
        Diagnostic::error(
            crate::policy::RuleId::Schema,
            format!("`{}` is not a version", crate::excerpt::quote(&v.value)),
        )
        .at_opt(v.origin.span(), "here")
        .with_help(format!(
            "write {whose} major.minor as a string, e.g. `version: \"{example}\"`"
        ))
    })
}

fn parse_major_minor(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

impl Environment {
    pub fn origin(&self) -> Origin {
        self.name.origin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_must_stay_inside() {
        assert_eq!(clean_relative("./rendered//x/"), Ok("rendered/x".into()));
        assert!(clean_relative("/tmp/out").is_err());
        assert!(clean_relative("../out").is_err());
        assert!(clean_relative("a/../../b").is_err());
        assert!(clean_relative(".").is_err());
        assert!(clean_relative("").is_err());
    }

    #[test]
    fn output_may_not_overlap_specs_config_or_git() {
        let mut p = Platform::builtin();
        for (output, ok) in [
            ("rendered", true),
            ("out/rendered", true),
            ("services", false),
            ("services/rendered", false),
            (".", false),
            (".git", false),
            ("x/.GIT/y", false),
            ("flinkform.yaml", false),
        ] {
            p.output = Sp::made(output.to_string());
            assert_eq!(p.output_dir().is_ok(), ok, "{output}: {:?}", p.output_dir());
        }
        p.services_include = vec![Sp::made("teams/*/services/*/service.yaml".into())];
        p.output = Sp::made("teams".into());
        assert!(p.output_dir().is_err(), "the output holds the specs");
    }

    /// Patterns whose first components are globs reach into a folder too, and a folder inside
    /// a spec folder is reached.
    #[test]
    fn patterns_reach_below_folders() {
        for (pattern, dir, reaches) in [
            ("**/service.yaml", "services", true),
            ("**/service.yaml", "rendered", true),
            ("*/*/service.yaml", "services", true),
            ("s*/*/service.yaml", "services", true),
            ("[s]ervices/*/service.yaml", "services", true),
            ("{services,x}/*/service.yaml", "services", true),
            (
                "services/*/service.yaml",
                "services/payments-enricher",
                true,
            ),
            ("**/service.yaml", "services/payments-enricher", true),
            ("s*/*/service.yaml", "rendered", false),
            ("services/*/service.yaml", "rendered", false),
            ("services/*/service.yaml", "services/x/y", false),
        ] {
            assert_eq!(matches_below(pattern, dir), reaches, "{pattern} / {dir}");
        }
        assert!(excludes_everything_below("rendered/**", "rendered"));
        assert!(excludes_everything_below("r*/**", "rendered"));
        assert!(!excludes_everything_below("rendered/*.yaml", "rendered"));
        assert!(!excludes_everything_below("**", "rendered"));
    }

    #[test]
    fn repository_paths_stay_inside() {
        for bad in [
            "/usr",
            "../x",
            "a/../../b",
            "a/../b",
            ".git/*",
            "x/.git",
            "C:/x",
            "~/x",
        ] {
            assert!(repository_path_problem(bad).is_some(), "{bad}");
        }
        for good in [
            "crds",
            "services/*/service.yaml",
            "**/service.yaml",
            "a/.github/b",
        ] {
            assert_eq!(repository_path_problem(good), None, "{good}");
        }
    }

    #[test]
    fn builtin_defaults() {
        let p = Platform::builtin();
        assert_eq!(p.output.value, "rendered");
        assert_eq!(p.operator.version.value, (1, 15));
        assert!(!p.operator.has_resources_field());
        assert_eq!(p.allowed_registries[0].value, "flink");
    }
}
