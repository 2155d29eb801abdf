//! `flinkform new`: the first spec of a service, written so that it passes `check` on the
//! platform as it is, with comments that say what to change. Values the platform's defaults
//! already provide are left to them (shown as comments), so a later change of a platform
//! default reaches the new service too; values nobody provides get flinkform's sensible
//! defaults.

use crate::policy::rules::official_image::normalize_repository;
use crate::spec::platform::{DEFAULT_SERVICES_GLOB, Platform};
use crate::tree::Node;
use crate::yaml::scalar;
use std::fmt::Write as _;

/// Where the schema lives when the repository has no copy of its own; editors fetch it.
pub const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/flinkform/flinkform/main/schemas/service.schema.json";

/// The repository's own copy of the schema, which the modeline prefers.
pub const REPO_SCHEMA: &str = "schemas/service.schema.json";

/// Flink version for a service when the platform defaults name none: the newest 1.x release
/// line, which every operator flinkform targets supports.
pub const DEFAULT_FLINK_VERSION: &str = "1.20";

#[derive(Debug, Clone)]
pub struct Request {
    pub name: String,
    pub team: String,
    /// Empty: every environment of the platform.
    pub environments: Vec<String>,
}

/// The spec to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaffold {
    /// Repository-relative path.
    pub path: String,
    pub text: String,
}

/// Why no spec can be made; the text says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a service name as the schema does (`$defs/serviceName`).
pub fn check_service_name(name: &str) -> Result<(), String> {
    if name.len() > 45 {
        return Err(format!(
            "`{name}` is {} characters; a service name has at most 45 (the Flink operator's limit)",
            name.len()
        ));
    }
    if !crate::spec::service::is_service_name(name) {
        return Err(format!(
            "`{name}` is not a valid service name: lower-case letters, digits and `-`, starting with a letter and ending with a letter or digit"
        ));
    }
    if name == crate::layout::RESERVED_SERVICE_NAME {
        return Err(format!(
            "`{name}` cannot be a service name: its Flux Kustomization would be the output's `flux/<cluster>/{name}.yaml`, which Flux takes as the folder's kustomization"
        ));
    }
    Ok(())
}

/// Refuses a name `check` would report as claiming a reserved namespace
/// ([`crate::spec::reserved`]), unless the platform waives that for this service.
pub fn check_unreserved(platform: &Platform, name: &str) -> Result<(), String> {
    let Some(r) = crate::spec::reserved::reservation(platform, name) else {
        return Ok(());
    };
    let rule = crate::policy::RuleId::NamespaceIsolation.name();
    let waived = platform
        .policy
        .waivers
        .iter()
        .any(|w| w.rule.value == rule && w.service.value == name);
    if waived {
        return Ok(());
    }
    Err(format!(
        "`{name}` cannot be a service name here: its namespace would be `{name}`, {}; choose another name",
        r.reason
    ))
}

/// Checks a team name as the schema does (`$defs/dnsLabel`).
pub fn check_team(team: &str) -> Result<(), String> {
    if team.len() > 63 || !is_dns_label(team) {
        return Err(format!(
            "`{team}` is not a valid team: a DNS label of at most 63 characters (lower-case letters, digits and `-`, starting and ending with a letter or digit)"
        ));
    }
    Ok(())
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// The spec path for a service under the platform's discovery patterns: the default
/// `services/*/service.yaml`, or any include pattern with exactly one `*` folder and nothing
/// else to guess. Otherwise the platform decides layouts flinkform cannot guess.
pub fn spec_path(platform: &Platform, name: &str) -> Result<String, Refusal> {
    let fits = |p: &str| {
        let parts: Vec<&str> = p.split('/').collect();
        parts.iter().filter(|s| **s == "*").count() == 1
            && parts
                .iter()
                .all(|s| *s == "*" || !s.contains(['*', '?', '[', '{']))
            && parts.last().is_some_and(|l| *l != "*")
    };
    let pattern = platform
        .services_include
        .iter()
        .find(|p| p.value == DEFAULT_SERVICES_GLOB)
        .or_else(|| platform.services_include.iter().find(|p| fits(&p.value)));
    let Some(pattern) = pattern else {
        return Err(Refusal(format!(
            "flinkform.yaml finds specs with `services.include: [{}]`, which does not say where a new service goes; pass --path with a file those patterns match",
            patterns(&platform.services_include)
        )));
    };
    let path = pattern
        .value
        .split('/')
        .map(|s| if s == "*" { name } else { s })
        .collect::<Vec<_>>()
        .join("/");
    check_discoverable(platform, &path)?;
    Ok(path)
}

fn patterns(p: &[crate::tree::Sp<String>]) -> String {
    p.iter()
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether discovery will find a spec at `path` (repository-relative).
pub fn check_discoverable(platform: &Platform, path: &str) -> Result<(), Refusal> {
    let matches = |patterns: &[crate::tree::Sp<String>]| {
        patterns.iter().any(|p| {
            globset::GlobBuilder::new(&p.value)
                .literal_separator(true)
                .build()
                .is_ok_and(|g| g.compile_matcher().is_match(path))
        })
    };
    if !matches(&platform.services_include) {
        return Err(Refusal(format!(
            "`{path}` does not match the platform's `services.include` ({}), so flinkform would never read it",
            patterns(&platform.services_include)
        )));
    }
    if matches(&platform.services_exclude) {
        return Err(Refusal(format!(
            "`{path}` matches the platform's `services.exclude`, so flinkform would never read it"
        )));
    }
    Ok(())
}

/// What the platform's defaults (and, for every chosen environment, its defaults) provide.
struct Defaults<'a> {
    layers: Vec<&'a Node>,
    env_layers: Vec<Option<&'a Node>>,
}

impl Defaults<'_> {
    fn get(&self, path: &[&str]) -> Option<&Node> {
        let from_env = self
            .env_layers
            .iter()
            .map(|l| l.and_then(|n| n.path(path)))
            .collect::<Option<Vec<_>>>()
            .and_then(|v| v.first().copied());
        from_env.or_else(|| self.layers.iter().find_map(|l| l.path(path)))
    }

    fn has(&self, path: &[&str]) -> bool {
        self.get(path).is_some_and(|n| !n.is_null())
    }
}

/// Builds the spec. `has_repo_schema`: the repository holds [`REPO_SCHEMA`].
pub fn scaffold(
    platform: &Platform,
    request: &Request,
    path: &str,
    has_repo_schema: bool,
) -> Result<Scaffold, Refusal> {
    check_service_name(&request.name).map_err(Refusal)?;
    check_unreserved(platform, &request.name).map_err(Refusal)?;
    check_team(&request.team).map_err(Refusal)?;
    let known: Vec<&str> = platform
        .environments
        .iter()
        .map(|e| e.name.value.as_str())
        .collect();
    if known.is_empty() {
        return Err(Refusal(
            "flinkform.yaml defines no environments; add one under `environments` first".into(),
        ));
    }
    let mut envs: Vec<&str> = Vec::new();
    for e in &request.environments {
        if !known.contains(&e.as_str()) {
            let hint = match crate::suggest::did_you_mean(e, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("environments: {}", known.join(", ")),
            };
            return Err(Refusal(format!(
                "environment `{e}` is not defined in flinkform.yaml; {hint}"
            )));
        }
        if !envs.contains(&e.as_str()) {
            envs.push(e);
        }
    }
    if envs.is_empty() {
        envs = known.clone();
    }
    let defaults = Defaults {
        layers: platform.defaults.iter().collect(),
        env_layers: envs
            .iter()
            .map(|e| {
                platform
                    .environment(e)
                    .and_then(|env| env.defaults.as_ref())
            })
            .collect(),
    };
    let text = build(platform, request, &envs, &defaults, path, has_repo_schema);
    Ok(Scaffold {
        path: path.to_string(),
        text,
    })
}

/// The editor modeline (and its explanation) for a spec at `path`.
pub fn modeline(path: &str, has_repo_schema: bool) -> String {
    if has_repo_schema {
        let depth = path.matches('/').count();
        format!(
            "# yaml-language-server: $schema={}{REPO_SCHEMA}\n",
            "../".repeat(depth)
        )
    } else {
        format!(
            "# yaml-language-server: $schema={SCHEMA_URL}\n# (this flinkform's own schema: `flinkform schema service`; editor setup: docs/editors.md)\n"
        )
    }
}

/// The image for a new service: the official image itself when that is all the platform
/// allows (with a jar the official image ships, so the job runs as written), otherwise a
/// repository of its own under the first allowed registry.
fn image_and_jar(platform: &Platform, name: &str, version: &str) -> (String, String, bool) {
    let registry = platform
        .allowed_registries
        .first()
        .map(|r| r.value.trim_end_matches('/').to_string())
        .unwrap_or_else(|| "flink".into());
    if normalize_repository(&registry) == "docker.io/library/flink" {
        (
            format!("{registry}:{version}"),
            "local:///opt/flink/examples/streaming/StateMachineExample.jar".into(),
            true,
        )
    } else {
        (
            format!("{registry}/{name}:0.1.0-flink{version}"),
            format!("local:///opt/flink/usrlib/{name}.jar"),
            false,
        )
    }
}

fn build(
    platform: &Platform,
    request: &Request,
    envs: &[&str],
    defaults: &Defaults<'_>,
    path: &str,
    has_repo_schema: bool,
) -> String {
    let name = &request.name;
    let mut t = modeline(path, has_repo_schema);
    let _ = writeln!(t, "#");
    let _ = writeln!(
        t,
        "# The Flink job `{name}`, owned by team `{}`. What is left out comes from the",
        request.team
    );
    let _ = writeln!(
        t,
        "# platform's defaults in flinkform.yaml; every field is described in docs/spec.md."
    );
    t.push_str("apiVersion: flinkform/v1\nkind: FlinkService\nmetadata:\n");
    let _ = writeln!(t, "  name: {}", scalar(name));
    let _ = writeln!(t, "  team: {}", scalar(&request.team));
    t.push_str("  # description: What the job does, in one sentence.\nspec:\n");

    let version = defaults
        .get(&["flinkVersion"])
        .and_then(Node::as_str)
        .unwrap_or(DEFAULT_FLINK_VERSION)
        .to_string();
    if !defaults.has(&["flinkVersion"]) {
        t.push_str(
            "  # Flink major.minor of the image, quoted (1.20 unquoted is the number 1.2).\n",
        );
        let _ = writeln!(t, "  flinkVersion: {}", scalar(&version));
    }
    let (image, jar, official) = image_and_jar(platform, name, &version);
    if official {
        let _ = writeln!(
            t,
            "  # The official image runs Flink's StateMachineExample; build the job's own image FROM it\n  # with the jar under /opt/flink/usrlib/, and pin it by tag or digest."
        );
    } else {
        t.push_str(
            "  # The job's image, built FROM the official Flink image, pinned by tag or digest.\n",
        );
    }
    let _ = writeln!(t, "  image: {}", scalar(&image));
    t.push_str("  job:\n");
    let _ = writeln!(t, "    jarURI: {}", scalar(&jar));
    t.push_str(
        "    # entryClass: com.example.Main   # when the jar's manifest names no Main-Class\n",
    );
    t.push_str("    # args: [\"--topic\", \"orders\"]\n");
    t.push_str("    parallelism: 2\n");
    if !defaults.has(&["job", "upgradeMode"]) {
        t.push_str("    # Keep state across changes: stop with a savepoint, restore from it.\n");
        t.push_str("    upgradeMode: savepoint\n");
    }

    let sized = defaults.has(&["jobManager", "memory"]) && defaults.has(&["taskManager", "memory"]);
    if sized {
        t.push_str("  # Sizes come from the platform defaults. To size this job (memory is also the pod's\n");
        t.push_str("  # limit; write it in Mi or Gi):\n");
        t.push_str("  # jobManager: { cpu: 1, memory: 2Gi }\n");
        t.push_str("  # taskManager: { cpu: 2, memory: 4Gi, slots: 2 }\n");
    } else {
        t.push_str("  # Memory is also the pod's limit; write it in Mi or Gi.\n");
        if !defaults.has(&["jobManager", "memory"]) {
            t.push_str("  jobManager: { cpu: 1, memory: 2Gi }\n");
        }
        if !defaults.has(&["taskManager", "memory"]) {
            t.push_str("  taskManager: { cpu: 2, memory: 4Gi, slots: 2 }\n");
        }
    }
    let _ = writeln!(
        t,
        "  # `flinkform memory {name}` shows how Flink divides it."
    );
    if !defaults.has(&["stateBackend"]) {
        t.push_str("  stateBackend: rocksdb\n");
    }
    if !defaults.has(&["checkpointing", "interval"]) {
        t.push_str("  checkpointing: { interval: 60s }\n");
    }
    t.push_str("  environments:\n");
    let example_env = envs.first().copied().unwrap_or("staging");
    let _ = writeln!(
        t,
        "    # Where it runs, with overrides per environment, e.g. `{example_env}: {{ job: {{ parallelism: 1 }} }}`."
    );
    for e in envs {
        let _ = writeln!(t, "    {}: {{}}", scalar(e));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_schema() {
        assert!(check_service_name("orders").is_ok());
        assert!(check_service_name("a1-b2").is_ok());
        assert!(check_service_name("1orders").is_err());
        assert!(check_service_name("Orders").is_err());
        assert!(check_service_name("orders-").is_err());
        assert!(check_service_name(&"a".repeat(46)).is_err());
        assert!(check_service_name(&"a".repeat(45)).is_ok());
        let p = Platform::builtin();
        assert!(check_unreserved(&p, "orders").is_ok());
        assert_eq!(
            check_unreserved(&p, "vault"),
            Err("`vault` cannot be a service name here: its namespace would be `vault`, the usual namespace of HashiCorp Vault; choose another name".to_string())
        );
        assert!(check_unreserved(&p, "kube-jobs").is_err());
        assert!(check_team("42").is_ok());
        assert!(check_team("-risk").is_err());
        assert!(check_team("risk_team").is_err());
    }

    #[test]
    fn default_platform_gets_a_complete_runnable_spec() {
        let p = Platform::builtin();
        assert_eq!(
            spec_path(&p, "orders"),
            Ok("services/orders/service.yaml".to_string())
        );
    }
}
