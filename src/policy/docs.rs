//! `docs/rules.md`, `flinkform explain` and SARIF rule help, all generated from the rules' doc
//! comments, and the examples in them, which a test runs (tests/docs.rs).
//!
//! A rule's examples are fenced blocks tagged with what they are:
//! * ```` ```yaml,spec,fires ```` / ```` ```yaml,spec,passes ````: a service spec
//!   (`services/<name>/service.yaml`, what a product engineer edits), checked with `check` on
//!   [`EXAMPLE_PLATFORM`];
//! * ```` ```yaml,fires ```` / ```` ```yaml,passes ````: a hand-written manifest, checked with
//!   `lint`.
//!
//! Examples show the fields that matter. Each is tested on top of a clean document of its
//! kind ([`CLEAN_SPEC`], [`CLEAN_DEPLOYMENT`], [`CLEAN_SESSION_JOB`], [`clean_blue_green`];
//! maps merge key by key,
//! `null` removes a key), and must behave as tagged with every rule: a `fires` example makes
//! its own rule fire and no other, a `passes` example makes none fire. Readers see plain
//! ```` ```yaml ```` fences with a caption saying which file the example is.

use super::registry;
use super::rule::{Category, RuleMeta};

pub const RULES_MD_HEADER: &str = "<!-- Generated from the rule registry (src/policy/rules/). Do not edit: run `FLINKFORM_UPDATE_DOCS=1 cargo test --test main docs::`. -->";

/// The platform config spec examples are checked with: the defaults a platform team would
/// give (the built-in image allow-list: the official `flink` image).
pub const EXAMPLE_PLATFORM: &str = r#"apiVersion: flinkform/v1
kind: Platform
spec:
  storage:
    checkpoints: s3://flink-{env}/{service}/checkpoints
    savepoints: s3://flink-{env}/{service}/savepoints
    highAvailability: s3://flink-{env}/{service}/ha
  defaults:
    flinkVersion: "1.20"
    jobManager: { cpu: 1, memory: 2Gi }
    taskManager: { cpu: 2, memory: 4Gi, slots: 2 }
    stateBackend: rocksdb
    checkpointing: { interval: 60s }
    job: { upgradeMode: savepoint }
  environments:
    staging: { clusters: [staging-1] }
    prod:
      clusters: [prod-1]
      require: { highAvailability: true, statefulUpgrade: true }
  policy:
    previewPools: [previews]
"#;

/// The service spec every spec example is merged onto: clean with [`EXAMPLE_PLATFORM`].
pub const CLEAN_SPEC: &str = r#"apiVersion: flinkform/v1
kind: FlinkService
metadata: { name: orders, team: checkout }
spec:
  image: flink:1.20.1-java17
  job:
    jarURI: local:///opt/flink/usrlib/orders.jar
    entryClass: com.example.Orders
    parallelism: 4
  environments: { staging: {}, prod: {} }
"#;

/// The FlinkDeployment every manifest example of that kind is merged onto: clean with `lint`
/// in environment `prod` of [`EXAMPLE_PLATFORM`].
pub const CLEAN_DEPLOYMENT: &str = r#"apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: { name: orders, namespace: orders }
spec:
  image: flink:1.20.1-java17
  flinkVersion: v1_20
  serviceAccount: orders
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "2"
    state.backend.type: rocksdb
    execution.checkpointing.interval: 60s
    execution.checkpointing.dir: s3://flink-prod/orders/checkpoints
    execution.checkpointing.savepoint-dir: s3://flink-prod/orders/savepoints
    high-availability.type: kubernetes
    high-availability.storageDir: s3://flink-prod/orders/ha
    metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
    metrics.reporter.prom.port: "9249"
    env.java.opts.jobmanager: -Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0
    env.java.opts.taskmanager: -Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0
  jobManager:
    resource: { cpu: 1, memory: 2Gi }
  taskManager:
    resource: { cpu: 2, memory: 4Gi }
  job:
    jarURI: local:///opt/flink/usrlib/orders.jar
    entryClass: com.example.Orders
    parallelism: 4
    upgradeMode: savepoint
"#;

/// The FlinkBlueGreenDeployment every manifest example of that kind is merged onto: its
/// template is [`CLEAN_DEPLOYMENT`]'s spec (derived, so the two cannot drift apart).
pub fn clean_blue_green() -> String {
    let spec = CLEAN_DEPLOYMENT
        .split_once("\nspec:\n")
        .map_or("", |(_, spec)| spec);
    let mut s = String::from(
        "apiVersion: flink.apache.org/v1beta1\n\
         kind: FlinkBlueGreenDeployment\n\
         metadata: { name: orders, namespace: orders }\n\
         spec:\n  \
           configuration:\n    \
             kubernetes.operator.bluegreen.abort.grace-period: 10 min\n  \
           template:\n    \
             spec:\n",
    );
    for line in spec.lines() {
        s.push_str("    ");
        s.push_str(line);
        s.push('\n');
    }
    s
}

/// The FlinkSessionJob every manifest example of that kind is merged onto.
pub const CLEAN_SESSION_JOB: &str = r#"apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: { name: orders-adhoc, namespace: previews }
spec:
  deploymentName: previews
  job:
    jarURI: https://artifacts.example.com/flink/orders.jar
    parallelism: 2
    upgradeMode: savepoint
"#;

/// Which file an example is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `services/<name>/service.yaml`, judged by `check`.
    Spec,
    /// A hand-written FlinkDeployment or FlinkSessionJob, judged by `lint`.
    Manifest,
}

/// An example from a rule's documentation.
#[derive(Debug, Clone)]
pub struct Example {
    pub rule: &'static str,
    pub fires: bool,
    pub view: View,
    /// Rules that must fire with this one, for findings that cannot come alone (a second
    /// JobManager without HA is also HA switched off): `also-ha-enabled` in the fence tag (no `=`: rustdoc reads the tag too, and warns about one).
    pub also: Vec<String>,
    pub yaml: String,
}

/// What a fence tag says: `yaml[,spec],fires|passes[,also-rule+rule]`.
fn example_tag(tag: &str) -> Option<(View, bool, Vec<String>)> {
    let mut parts = tag.trim().split(',');
    if parts.next() != Some("yaml") {
        return None;
    }
    let mut next = parts.next()?;
    let view = if next == "spec" {
        next = parts.next()?;
        View::Spec
    } else {
        View::Manifest
    };
    let fires = match next {
        "fires" => true,
        "passes" => false,
        _ => return None,
    };
    let also = match parts.next() {
        Some(a) => a
            .strip_prefix("also-")?
            .split('+')
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    parts.next().is_none().then_some((view, fires, also))
}

/// The caption above an example, for readers.
fn caption(view: View, also: &[String]) -> String {
    let what = match view {
        View::Spec => "In `services/<name>/service.yaml` (`flinkform check`)",
        View::Manifest => "In a hand-written manifest (`flinkform lint`)",
    };
    if also.is_empty() {
        format!("{what}:")
    } else {
        let rules: Vec<String> = also.iter().map(|r| format!("`{r}`")).collect();
        format!("{what}, where {} fires too:", rules.join(" and "))
    }
}

/// What readers are told about the examples, once per rule.
pub const EXAMPLES_NOTE: &str = "Examples show only the fields that matter; the rest is as in the clean spec and manifest of docs/rules.md (\"Examples\").";

/// A rule's documentation as readers see it (`explain`, SARIF help, docs/rules.md): every
/// example fence is a plain ```` ```yaml ```` with a caption above it.
pub fn explain_text(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let mut has_examples = false;
    for line in meta.explain().lines() {
        if let Some((view, _, also)) = line.strip_prefix("```").and_then(example_tag) {
            has_examples = true;
            // The caption is a paragraph of its own.
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(&caption(view, &also));
            out.push_str("\n\n```yaml\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if has_examples {
        out.push('\n');
        out.push_str(EXAMPLES_NOTE);
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// What a rule's metadata means for its reader: what it checks, whether the platform may
/// configure it, whether it stops `render`.
fn scope_line(m: &RuleMeta) -> String {
    use crate::facts::view::Kind;
    let about = match m.category {
        Category::Core => {
            "About input flinkform cannot read or compare; cannot be configured or waived."
                .to_string()
        }
        Category::Repository => "About the repository's files.".to_string(),
        Category::Policy => {
            let kinds: Vec<&str> = m
                .kinds
                .iter()
                .map(|k| match k {
                    Kind::Deployment => "FlinkDeployment (and FlinkBlueGreenDeployment template)",
                    Kind::SessionJob => "FlinkSessionJob",
                    Kind::StateSnapshot => "FlinkStateSnapshot",
                })
                .collect();
            format!("Checks each {}.", kinds.join(" and "))
        }
    };
    if m.blocks_render {
        format!("{about} An error stops `render`.")
    } else {
        about
    }
}

/// The rules reference.
pub fn rules_markdown() -> String {
    let mut s = String::new();
    s.push_str(RULES_MD_HEADER);
    s.push_str("\n\n# Rules\n\n");
    s.push_str(
        "Every finding names its rule. Severities are defaults: the platform config sets them per rule \
         and per environment (`policy.rules`, `policy.environments.<env>.rules`; `off` disables a rule), \
         and waives single findings (`policy.waivers`). `flinkform explain RULE` prints a rule's section.\n\n",
    );
    s.push_str("| rule | default | summary |\n|---|---|---|\n");
    for r in registry() {
        let m = r.meta();
        s.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            m.name,
            m.name,
            m.severity.as_str(),
            m.summary()
        ));
    }
    s.push_str(&examples_section());
    for r in registry() {
        let m = r.meta();
        s.push_str(&format!(
            "\n## {}\n\nDefault severity: **{}**. {}\n\n",
            m.name,
            m.severity.as_str(),
            scope_line(m)
        ));
        push_rule_text(&mut s, m);
    }
    s.push_str(&transition_section());
    s
}

/// A rule's documentation under its title in docs/rules.md: its own headings one level below.
fn push_rule_text(s: &mut String, m: &RuleMeta) {
    for line in explain_text(m).lines() {
        match line.strip_prefix("## ") {
            Some(h) => {
                s.push_str("### ");
                s.push_str(h);
            }
            None => s.push_str(line),
        }
        s.push('\n');
    }
}

/// The transition rules (`check --base`): a table and one section each. Their examples are a
/// change (a base and a head revision), shown as the edit; `tests/transitions.rs` has each as
/// a git fixture.
fn transition_section() -> String {
    let mut s = String::from(
        "\n# Transition rules\n\n`flinkform check --base REF` also judges the change from `REF` (a pull request's \
         base): it compiles that revision too, pairs each service's FlinkDeployment on each cluster across the two, and \
         runs these rules on each pair. They guard the job's state across the upgrade the operator performs after the \
         merge. Findings are at the line that makes the change (a service spec line, or the `flinkform.yaml` line a \
         value comes from, once for all services it changes; a deleted spec at its path in the base revision); \
         severities and waivers are configured as for any rule. A waiver for a transition rule is about one change: \
         it is not reported unused in runs without `--base`.\n\n",
    );
    s.push_str("| rule | default | summary |\n|---|---|---|\n");
    for r in super::transition::registry() {
        let m = r.meta();
        s.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            m.name,
            m.name,
            m.severity.as_str(),
            m.summary()
        ));
    }
    for r in super::transition::registry() {
        let m = r.meta();
        s.push_str(&format!(
            "\n## {}\n\nDefault severity: **{}**.\n\n",
            m.name,
            m.severity.as_str()
        ));
        push_rule_text(&mut s, m);
    }
    s
}

/// The clean documents the examples are merged onto, and the platform they are checked with.
fn examples_section() -> String {
    let block = |title: &str, text: &str| format!("{title}\n\n```yaml\n{text}```\n\n");
    let mut s = String::from(
        "\n## Examples\n\nEvery rule's examples are tested: a service spec example with `flinkform check` on the \
         platform config below, a manifest example with `flinkform lint` (environment `prod` of the same \
         platform config). Examples show only the fields that matter: each is merged onto the clean document of its \
         kind below (maps key by key; `null` removes a key). A \"fires\" example makes its own rule fire and \
         no other (unless its caption names one that cannot but fire too); a fixed one makes none fire.\n\n",
    );
    s.push_str(&block(
        "The platform config (`flinkform.yaml`):",
        EXAMPLE_PLATFORM,
    ));
    s.push_str(&block(
        "A clean service spec (`services/orders/service.yaml`):",
        CLEAN_SPEC,
    ));
    s.push_str(&block("A clean FlinkDeployment:", CLEAN_DEPLOYMENT));
    s.push_str(&block("A clean FlinkSessionJob:", CLEAN_SESSION_JOB));
    s.push_str(&block(
        "A clean FlinkBlueGreenDeployment:",
        &clean_blue_green(),
    ));
    s
}

/// Every example of every rule.
pub fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    for r in registry() {
        let m = r.meta();
        let text = m.explain();
        let mut current: Option<(View, bool, Vec<String>, String)> = None;
        for line in text.lines() {
            match (&mut current, line.trim()) {
                (None, l) => {
                    if let Some((view, fires, also)) = l.strip_prefix("```").and_then(example_tag) {
                        current = Some((view, fires, also, String::new()));
                    }
                }
                (Some((view, fires, also, yaml)), "```") => {
                    out.push(Example {
                        rule: m.name,
                        fires: *fires,
                        view: *view,
                        also: std::mem::take(also),
                        yaml: std::mem::take(yaml),
                    });
                    current = None;
                }
                (Some((_, _, _, yaml)), _) => {
                    yaml.push_str(line);
                    yaml.push('\n');
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_tags_name_the_view_the_verdict_and_the_rules_that_come_along() {
        assert_eq!(
            example_tag("yaml,spec,fires,also-ha-enabled+unknown-config-key"),
            Some((
                View::Spec,
                true,
                vec!["ha-enabled".to_string(), "unknown-config-key".to_string()]
            ))
        );
        assert_eq!(
            example_tag("yaml,passes"),
            Some((View::Manifest, false, vec![]))
        );
        // Not examples: another language, no verdict, an unknown part, the old `also=`.
        for tag in [
            "json,fires",
            "yaml",
            "yaml,spec",
            "yaml,fires,extra",
            "yaml,fires,also=ha-enabled",
        ] {
            assert_eq!(example_tag(tag), None, "{tag}");
        }
        // Every rule that documents companions has them read (a tag that did not parse would
        // silently make its block a plain code block).
        let with_companions: Vec<&str> = examples()
            .iter()
            .filter(|e| !e.also.is_empty())
            .map(|e| e.rule)
            .collect();
        for rule in [
            "config-key-overlap",
            "jobmanager-replicas-need-ha",
            "rollback-needs-ha",
        ] {
            assert!(
                with_companions.contains(&rule),
                "{rule}: {with_companions:?}"
            );
        }
    }
}
