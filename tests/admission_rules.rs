//! The operator-admission and configuration-key rules: severities that fixtures cannot pin
//! (a deprecated Flink version is a warning, a deprecated key an info), and no panics on any
//! value in the fields they read.

use flinkform::diag::Severity;
use flinkform::flink::duration::{DurationGrammar, parse_duration};
use flinkform::policy::rules::{
    autoscaler_options_valid, flink_version_supported, ingress_template_valid, session_job_jar_uri,
};
use flinkform::source::SourceMap;
use flinkform::spec::platform::Platform;
use proptest::prelude::*;

/// Lints one manifest; (rule, severity, message) of every finding.
fn lint(yaml: &str) -> Vec<(String, Severity, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, yaml).expect("write");
    let mut sources = SourceMap::new();
    let report = flinkform::lint::lint(
        &[("m.yaml".to_string(), path)],
        &Platform::builtin(),
        &Default::default(),
        &mut sources,
    )
    .expect("lint runs");
    report
        .diagnostics
        .iter()
        .map(|d| (d.rule.clone(), d.severity, d.message.clone()))
        .collect()
}

fn severities(found: &[(String, Severity, String)], rule: &str) -> Vec<Severity> {
    found
        .iter()
        .filter(|(r, _, _)| r == rule)
        .map(|(_, s, _)| *s)
        .collect()
}

fn deployment(version: &str, conf: &str) -> String {
    format!(
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {{ name: orders, namespace: orders }}\nspec:\n  flinkVersion: {version}\n  serviceAccount: orders\n  flinkConfiguration:\n{conf}"
    )
}

#[test]
fn deprecated_versions_warn_and_unsupported_ones_fail() {
    let found = lint(&deployment("v1_17", "    a.b: c\n"));
    assert_eq!(
        severities(&found, "flink-version-supported"),
        vec![Severity::Warning]
    );
    let found = lint(&deployment("v1_14", "    a.b: c\n"));
    assert_eq!(
        severities(&found, "flink-version-supported"),
        vec![Severity::Error]
    );
    let found = lint(&deployment("v3_0", "    a.b: c\n"));
    let msgs: Vec<&str> = found
        .iter()
        .filter(|(r, _, _)| r == "flink-version-supported")
        .map(|(_, _, m)| m.as_str())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("not in the operator's enum")),
        "{msgs:?}"
    );
}

#[test]
fn deprecated_keys_are_info_and_unknown_keys_warnings() {
    let found = lint(&deployment(
        "v1_20",
        "    state.backend: rocksdb\n    taskmanager.numberOfTaskslots: \"2\"\n",
    ));
    let mut got = severities(&found, "unknown-config-key");
    got.sort();
    assert_eq!(got, vec![Severity::Info, Severity::Warning]);
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[a-z0-9:/._\\-\\[\\]@%?#{}&* ]{0,40}",
        Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn helpers_never_panic(s in text()) {
        let _ = session_job_jar_uri::parse(&s);
        let _ = session_job_jar_uri::restricted(&s);
        let _ = session_job_jar_uri::server_host(&s);
        let _ = ingress_template_valid::problem(&s, "orders", "prod");
        let _ = ingress_template_valid::expand(&s, &s, &s);
        let _ = autoscaler_options_valid::excluded_period_problem(&s);
        for grammar in [DurationGrammar::Flink1, DurationGrammar::Flink2_0, DurationGrammar::Flink2_1] {
            let _ = parse_duration(&s, grammar);
        }
        let _ = flinkform::facts::names::name_problem(&s);
        let _ = flinkform::facts::names::suggested_name(&s);
        let _ = flink_version_supported::status(&s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Arbitrary strings in every field the rules read, as JSON strings (valid YAML).
    #[test]
    fn linting_arbitrary_values_never_panics(a in text(), b in text(), c in text(), d in text()) {
        let q = |s: &str| serde_json::to_string(s).expect("json string");
        let yaml = format!(
            "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {{ name: {a}, namespace: {b} }}
spec:
  flinkVersion: {c}
  serviceAccount: {d}
  ingress: {{ template: {a} }}
  logConfiguration: {{ {b}: x }}
  jobManager: {{ replicas: 2 }}
  flinkConfiguration:
    {c}: {d}
    job.autoscaler.enabled: \"true\"
    job.autoscaler.utilization.target: {a}
    job.autoscaler.utilization.max: {b}
    job.autoscaler.excluded.periods: {c}
    job.autoscaler.metrics.window: {d}
    kubernetes.operator.deployment.rollback.enabled: {a}
    execution.checkpointing.dir: {b}
  job: {{ jarURI: {a}, upgradeMode: savepoint, savepointTriggerNonce: {b} }}
---
apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {{ name: j, namespace: {b} }}
spec:
  deploymentName: {a}
  flinkConfiguration: {{ {d}: {c} }}
  job: {{ jarURI: {c}, upgradeMode: last-state }}
",
            a = q(&a), b = q(&b), c = q(&c), d = q(&d)
        );
        let _ = lint(&yaml);
    }
}
