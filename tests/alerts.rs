//! The rendered PrometheusRules, through their real consumers: every rule file of the example
//! passes `promtool check rules`, and `promtool test rules` runs each alert on synthetic Flink
//! series: it fires when its condition holds long enough and stays quiet for a healthy job, a
//! job in the middle of an upgrade, a job that does not checkpoint and a suspended one. The
//! rules are taken from what `kubectl kustomize` builds of the service folder, as Flux does.

use crate::common;

use common::{copy_dir, example, flinkform, tools};
use flinkform::source::{FileId, SourceFile};
use flinkform::tree::Node;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of the example platform with `services/orders/service.yaml` as given, rendered.
fn rendered_with(service: &str) -> tempfile::TempDir {
    rendered_with_args(service, &[])
}

/// The same, with more arguments to `render`.
fn rendered_with_args(service: &str, args: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    let dir = tmp.path().join("services/orders");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("service.yaml"), service).expect("write spec");
    let out = flinkform()
        .current_dir(tmp.path())
        .arg("render")
        .args(args)
        .output()
        .expect("run flinkform");
    assert_eq!(
        out.status.code(),
        Some(0),
        "render: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    tmp
}

/// The `orders` spec: Flink 1.20, the example's 60s checkpoint interval, `extra` appended to
/// its `spec`, running in staging (and prod where `extra` says so).
fn orders(extra: &str) -> String {
    format!(
        "apiVersion: flinkform/v1\n\
         kind: FlinkService\n\
         metadata: {{ name: orders, team: shop }}\n\
         spec:\n  \
           image: registry.acme.example/flink/orders:1.0.0-flink1.20\n  \
           job: {{ jarURI: local:///opt/flink/usrlib/orders.jar, entryClass: com.acme.Orders, parallelism: 2 }}\n\
         {extra}"
    )
}

const STAGING: &str = "  environments:\n    staging: {}\n";

/// The objects `kubectl kustomize` builds of a rendered service folder.
fn built(folder: &Path) -> Vec<Node> {
    let out = Command::new(tools::require(&tools::KUBECTL))
        .arg("kustomize")
        .arg(folder)
        .output()
        .expect("run kubectl");
    assert!(
        out.status.success(),
        "{}: {}",
        folder.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let file = SourceFile::new("built.yaml", &text);
    flinkform::yaml::load_all(FileId(0), &file).expect("kustomize output parses")
}

fn kind(n: &Node) -> &str {
    n.get("kind").and_then(Node::as_str).unwrap_or_default()
}

/// The PrometheusRule kustomize builds for `orders` on `cluster`, if any.
fn prometheus_rule(repo: &Path, cluster: &str) -> Option<Node> {
    built(&repo.join("rendered").join(cluster).join("orders"))
        .into_iter()
        .find(|n| kind(n) == "PrometheusRule")
}

/// The rule file the Prometheus operator writes for a PrometheusRule: its `spec` (`groups`).
fn rule_file(rule: &Node) -> String {
    flinkform::yaml::emit(rule.get("spec").expect("spec"))
}

/// `alert` (or `record`) of every rule, in order.
fn rule_names(rule: &Node) -> Vec<String> {
    let groups = rule
        .path(&["spec", "groups"])
        .and_then(Node::as_seq)
        .expect("groups");
    groups
        .iter()
        .flat_map(|g| g.get("rules").and_then(Node::as_seq).expect("rules").iter())
        .map(|r| {
            r.get("alert")
                .or_else(|| r.get("record"))
                .and_then(Node::as_str)
                .expect("alert or record")
                .to_string()
        })
        .collect()
}

/// Runs `promtool check rules` on a rule file.
fn promtool_check(rules: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rules.yaml");
    fs::write(&path, rules).expect("write rules");
    let out = Command::new(tools::require(&tools::PROMTOOL))
        .args(["check", "rules"])
        .arg(&path)
        .output()
        .expect("run promtool");
    assert!(
        out.status.success(),
        "promtool check rules:\n{}{}\n{rules}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `promtool test rules` with `tests` (the `tests:` list of a unit-test file) against a
/// rule file; fails with promtool's report.
fn promtool_test(rules: &str, tests: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("rules.yaml"), rules).expect("write rules");
    let test = format!("rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n{tests}");
    let path: PathBuf = dir.path().join("test.yaml");
    fs::write(&path, &test).expect("write test");
    let out = Command::new(tools::require(&tools::PROMTOOL))
        .args(["test", "rules"])
        .arg(&path)
        .output()
        .expect("run promtool");
    assert!(
        out.status.success(),
        "promtool test rules:\n{}{}\n--- rules ---\n{rules}\n--- test ---\n{test}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The labels every alert of `orders` in staging carries (everything there goes to the team,
/// with the default `notifyLabels: { severity: warning }`).
const STAGING_LABELS: &str =
    "namespace: orders, environment: staging, service: orders, team: shop, severity: warning";

/// One `alert_rule_test` entry: `alert` at `at` fires once with `labels` and `annotations`
/// (YAML flow-map bodies), or stays quiet when `fires` is `None`.
fn expect(alert: &str, at: &str, fires: Option<(&str, &str)>) -> String {
    let body = match fires {
        None => "[]".to_string(),
        Some((labels, annotations)) => format!(
            "\n          - exp_labels: {{ {labels} }}\n            exp_annotations: {{ {annotations} }}"
        ),
    };
    format!("      - eval_time: {at}\n        alertname: {alert}\n        exp_alerts: {body}\n")
}

/// A test case: `series` (`name{labels}`, values) over one-minute steps, then the expectations.
fn case(series: &[(&str, &str)], expectations: &[String]) -> String {
    let mut s = String::from("  - interval: 1m\n    input_series:\n");
    for (name, values) in series {
        s.push_str(&format!(
            "      - series: '{name}'\n        values: '{values}'\n"
        ));
    }
    s.push_str("    alert_rule_test:\n");
    for e in expectations {
        s.push_str(e);
    }
    s
}

fn runbook(alert: &str) -> String {
    format!(
        "runbook_url: \"https://github.com/flinkform/flinkform/blob/main/docs/alerts.md#{}\"",
        alert.to_ascii_lowercase()
    )
}

const ALL_ALERTS: [&str; 7] = [
    "FlinkJobDown",
    "FlinkJobNotRunning",
    "FlinkCheckpointsNotCompleting",
    "FlinkCheckpointsFailing",
    "FlinkCheckpointDurationHigh",
    "FlinkJobRestarting",
    "FlinkConsumerLagGrowing",
];

const RUNNING: &str = "flink_jobmanager_job_runningTime{namespace=\"orders\"}";
const COMPLETED: &str = "flink_jobmanager_job_numberOfCompletedCheckpoints{namespace=\"orders\"}";
const FAILED: &str = "flink_jobmanager_job_numberOfFailedCheckpoints{namespace=\"orders\"}";
const DURATION: &str = "flink_jobmanager_job_lastCheckpointDuration{namespace=\"orders\"}";
const RESTARTS: &str = "flink_jobmanager_job_numRestarts{namespace=\"orders\"}";
const PENDING_0: &str =
    "flink_taskmanager_job_task_operator_pendingRecords{namespace=\"orders\",subtask_index=\"0\"}";
const PENDING_1: &str =
    "flink_taskmanager_job_task_operator_pendingRecords{namespace=\"orders\",subtask_index=\"1\"}";

/// A healthy job's series for 60 minutes: running, a checkpoint a minute taking 1.5 s, no
/// failure, no restart, a steady backlog of 1000 records.
fn healthy() -> Vec<(&'static str, &'static str)> {
    vec![
        (RUNNING, "60000+60000x60"),
        (COMPLETED, "0+1x60"),
        (FAILED, "0x60"),
        (DURATION, "1500x60"),
        (RESTARTS, "0x60"),
        (PENDING_0, "500x60"),
        (PENDING_1, "500x60"),
    ]
}

/// With these series replacing the healthy ones of the same names.
fn healthy_but(over: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    healthy()
        .into_iter()
        .filter(|(n, _)| !over.iter().any(|(o, _)| o == n))
        .chain(over.iter().copied())
        .collect()
}

fn quiet_everywhere(times: &[&str]) -> Vec<String> {
    times
        .iter()
        .flat_map(|t| ALL_ALERTS.iter().map(move |a| expect(a, t, None)))
        .collect()
}

fn kafka_job() -> (tempfile::TempDir, String) {
    let repo = rendered_with(&orders(&format!("  sources: [kafka]\n{STAGING}")));
    let rule = prometheus_rule(repo.path(), "staging-eu-1").expect("a PrometheusRule");
    let rules = rule_file(&rule);
    (repo, rules)
}

#[test]
#[cfg_attr(missing_promtool, ignore = "needs promtool")]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn every_rendered_rule_file_of_the_example_passes_promtool_check() {
    let rendered = example().join("rendered");
    let mut checked = 0;
    for entry in fs::read_dir(&rendered).expect("rendered") {
        let cluster = entry.expect("entry").path();
        if cluster.file_name().is_some_and(|n| n == "flux") || !cluster.is_dir() {
            continue;
        }
        for service in fs::read_dir(&cluster).expect("cluster") {
            let folder = service.expect("entry").path();
            for rule in built(&folder)
                .iter()
                .filter(|n| kind(n) == "PrometheusRule")
            {
                promtool_check(&rule_file(rule));
                checked += 1;
            }
        }
    }
    // 18 service folders in the example; every one runs and has alerts.
    assert_eq!(checked, 18);
}

#[test]
#[cfg_attr(missing_promtool, ignore = "needs promtool")]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn a_healthy_job_raises_no_alert() {
    let (_repo, rules) = kafka_job();
    promtool_check(&rules);
    promtool_test(
        &rules,
        &case(&healthy(), &quiet_everywhere(&["10m", "30m", "60m"])),
    );
}

#[test]
#[cfg_attr(missing_promtool, ignore = "needs promtool")]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn each_alert_fires_when_its_condition_holds_long_enough() {
    let (_repo, rules) = kafka_job();
    let labels = STAGING_LABELS;
    let mut tests = String::new();
    // Metrics stop after 9 minutes: absent once the 5-minute lookback has passed (14m),
    // firing 15 minutes later.
    tests += &case(
        &[(RUNNING, "60000+60000x9")],
        &[
            expect("FlinkJobDown", "25m", None),
            expect(
                "FlinkJobDown",
                "30m",
                Some((
                    STAGING_LABELS,
                    &format!(
                        "summary: \"Flink job orders exports no metrics\", description: \"No job metrics of orders reached Prometheus for 15m: the job ended or failed, its JobManager is gone, or the scrape (PodMonitor) broke.\", {}",
                        runbook("FlinkJobDown")
                    ),
                )),
            ),
        ],
    );
    // Created but never RUNNING.
    tests += &case(
        &[(RUNNING, "0x40")],
        &[
            expect("FlinkJobNotRunning", "10m", None),
            expect(
                "FlinkJobNotRunning",
                "20m",
                Some((
                    labels,
                    &format!(
                        "summary: \"Flink job orders is not running\", description: \"The job of orders has not been in state RUNNING for 15m (it is created, restarting, failing or waiting for TaskManagers).\", {}",
                        runbook("FlinkJobNotRunning")
                    ),
                )),
            ),
        ],
    );
    // Checkpoints stop completing after 10 minutes: 3 × 60s, at least 5m, without one.
    tests += &case(
        &healthy_but(&[(COMPLETED, "0+1x10 10x40")]),
        &[
            expect("FlinkCheckpointsNotCompleting", "12m", None),
            expect(
                "FlinkCheckpointsNotCompleting",
                "20m",
                Some((
                    labels,
                    &format!(
                        "summary: \"Flink job orders completed no checkpoint in 5m\", description: \"The job of orders checkpoints every 1m but completed no checkpoint in the last 5m (at least 3 intervals) while running: on a restart it would reprocess everything since its last checkpoint.\", {}",
                        runbook("FlinkCheckpointsNotCompleting")
                    ),
                )),
            ),
        ],
    );
    // Every checkpoint fails from minute 10.
    tests += &case(
        &healthy_but(&[(FAILED, "0x10 1+1x40")]),
        &[
            expect("FlinkCheckpointsFailing", "10m", None),
            expect(
                "FlinkCheckpointsFailing",
                "20m",
                Some((
                    labels,
                    &format!(
                        "summary: \"Flink job orders has failing checkpoints\", description: \"5 checkpoints of orders failed in the last 5m (alerting from 2).\", {}",
                        runbook("FlinkCheckpointsFailing")
                    ),
                )),
            ),
        ],
    );
    // Checkpoints take 50 s of the 60 s interval from minute 10 (limit 80% = 48 s, for 5m).
    tests += &case(
        &healthy_but(&[(DURATION, "1500x10 50000x40")]),
        &[
            expect("FlinkCheckpointDurationHigh", "13m", None),
            expect(
                "FlinkCheckpointDurationHigh",
                "20m",
                Some((
                    labels,
                    &format!(
                        "summary: \"Flink job orders's checkpoints take most of the interval\", description: \"The last checkpoint of orders took 50000 ms, more than 80% of its 1m interval, for 5m: checkpoints will soon run back to back or time out.\", {}",
                        runbook("FlinkCheckpointDurationHigh")
                    ),
                )),
            ),
        ],
    );
    // A restart a minute from minute 10: more than 3 in 15 minutes.
    tests += &case(
        &healthy_but(&[(RESTARTS, "0x10 1+1x40")]),
        &[
            expect("FlinkJobRestarting", "12m", None),
            expect(
                "FlinkJobRestarting",
                "20m",
                Some((
                    labels,
                    &format!(
                        "summary: \"Flink job orders is restarting\", description: \"The job of orders restarted 10 times in the last 15m (alerting above 3); Flink's default restart strategies retry forever, so a crash loop shows only here.\", {}",
                        runbook("FlinkJobRestarting")
                    ),
                )),
            ),
        ],
    );
    // The backlog grows by 10000 records a minute past 100000.
    tests += &case(
        &healthy_but(&[(PENDING_0, "50000+5000x60"), (PENDING_1, "50000+5000x60")]),
        &[
            expect("FlinkConsumerLagGrowing", "10m", None),
            expect(
                "FlinkConsumerLagGrowing",
                "20m",
                Some((
                    labels,
                    &format!(
                        "summary: \"Flink job orders is falling behind its Kafka source\", description: \"300k records of orders's Kafka source are not read yet, more than 100000, and the backlog has been growing for 15m.\", {}",
                        runbook("FlinkConsumerLagGrowing")
                    ),
                )),
            ),
        ],
    );
    promtool_test(&rules, &tests);
}

#[test]
#[cfg_attr(missing_promtool, ignore = "needs promtool")]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn a_large_but_steady_or_a_small_growing_backlog_is_quiet() {
    let (_repo, rules) = kafka_job();
    let mut tests = case(
        &healthy_but(&[(PENDING_0, "200000x60"), (PENDING_1, "200000x60")]),
        &[expect("FlinkConsumerLagGrowing", "30m", None)],
    );
    tests += &case(
        &healthy_but(&[(PENDING_0, "10+10x60"), (PENDING_1, "10+10x60")]),
        &[expect("FlinkConsumerLagGrowing", "30m", None)],
    );
    promtool_test(&rules, &tests);
}

/// An upgrade: the job runs 20 minutes, its pods are replaced (no metrics for 4 minutes), the
/// new JobManager starts with every counter at zero, spends 2 minutes before RUNNING, then
/// runs and checkpoints again. A JobManager failover resets `numRestarts` the same way.
#[test]
#[cfg_attr(missing_promtool, ignore = "needs promtool")]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn an_upgrade_raises_no_alert() {
    let (_repo, rules) = kafka_job();
    let series = [
        (RUNNING, "60000+60000x19 _x4 0x1 60000+60000x40"),
        (COMPLETED, "0+1x19 _x4 0x1 0+1x40"),
        (FAILED, "0x19 _x4 0x42"),
        (DURATION, "1500x19 _x4 -1x2 1500x40"),
        (RESTARTS, "2x19 _x4 0x42"),
        (PENDING_0, "500x19 _x4 500x42"),
        (PENDING_1, "500x19 _x4 500x42"),
    ];
    promtool_test(
        &rules,
        &case(
            &series,
            &quiet_everywhere(&["22m", "25m", "28m", "32m", "40m", "60m"]),
        ),
    );
}

#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn a_suspended_job_gets_no_alerts_and_keeps_its_other_objects() {
    let repo = rendered_with(&orders(&format!("  sources: [kafka]\n{STAGING}")).replace(
        "parallelism: 2 }",
        "parallelism: 2, state: suspended, upgradeMode: savepoint }",
    ));
    let objects = built(&repo.path().join("rendered/staging-eu-1/orders"));
    let kinds: Vec<&str> = objects.iter().map(kind).collect();
    assert!(kinds.contains(&"FlinkDeployment"), "{kinds:?}");
    assert!(kinds.contains(&"PodMonitor"), "{kinds:?}");
    assert!(!kinds.contains(&"PrometheusRule"), "{kinds:?}");
}

/// A job without checkpointing has no checkpoint alert, so a counter that never moves is
/// quiet; a `last-state` job without an interval checkpoints every 5 minutes (the operator's
/// default), so its window is 15 minutes.
#[test]
#[cfg_attr(missing_promtool, ignore = "needs promtool")]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn checkpoint_alerts_follow_the_jobs_own_interval() {
    // `checkpointing-enabled` reports the job (an error); render it anyway.
    let repo = rendered_with_args(
        &orders(&format!("  checkpointing: {{ interval: null }}\n{STAGING}")),
        &["--fail-on", "never"],
    );
    let rule = prometheus_rule(repo.path(), "staging-eu-1").expect("a PrometheusRule");
    assert_eq!(
        rule_names(&rule),
        ["FlinkJobDown", "FlinkJobNotRunning", "FlinkJobRestarting"]
    );
    promtool_test(
        &rule_file(&rule),
        &case(
            &healthy_but(&[(COMPLETED, "0x60"), (FAILED, "0+1x60")]),
            &quiet_everywhere(&["30m", "60m"]),
        ),
    );

    let repo = rendered_with_args(
        &orders(&format!("  checkpointing: {{ interval: null }}\n{STAGING}")).replace(
            "parallelism: 2 }",
            "parallelism: 2, upgradeMode: last-state }",
        ),
        &["--fail-on", "never"],
    );
    let rule = prometheus_rule(repo.path(), "staging-eu-1").expect("a PrometheusRule");
    let rules = rule_file(&rule);
    assert!(
        rules.contains("numberOfCompletedCheckpoints{namespace=\"orders\"}[15m]"),
        "{rules}"
    );
    // A checkpoint every 5 minutes is healthy; none for 15 minutes is not.
    promtool_test(
        &rules,
        &case(
            &healthy_but(&[(COMPLETED, "0+1x30 30x30")]),
            &[
                expect("FlinkCheckpointsNotCompleting", "30m", None),
                expect(
                    "FlinkCheckpointsNotCompleting",
                    "50m",
                    Some((
                        STAGING_LABELS,
                        &format!(
                            "summary: \"Flink job orders completed no checkpoint in 15m\", description: \"The job of orders checkpoints every 5m but completed no checkpoint in the last 15m (at least 3 intervals) while running: on a restart it would reprocess everything since its last checkpoint.\", {}",
                            runbook("FlinkCheckpointsNotCompleting")
                        ),
                    )),
                ),
            ],
        ),
    );
}

/// In prod (an environment that requires HA) the down alerts page, with the default page
/// labels; the others notify.
#[test]
#[cfg_attr(missing_promtool, ignore = "needs promtool")]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn production_pages_on_a_job_that_is_down() {
    let repo = rendered_with(&orders(
        "  environments:\n    prod: { clusters: [prod-eu-1], highAvailability: true }\n",
    ));
    let rule = prometheus_rule(repo.path(), "prod-eu-1").expect("a PrometheusRule");
    promtool_test(
        &rule_file(&rule),
        &case(
            &healthy_but(&[(RUNNING, "0x40"), (RESTARTS, "0x10 1+1x40")]),
            &[
                expect(
                    "FlinkJobNotRunning",
                    "20m",
                    Some((
                        "namespace: orders, environment: prod, service: orders, team: shop, severity: critical",
                        &format!(
                            "summary: \"Flink job orders is not running\", description: \"The job of orders has not been in state RUNNING for 15m (it is created, restarting, failing or waiting for TaskManagers).\", {}",
                            runbook("FlinkJobNotRunning")
                        ),
                    )),
                ),
                expect(
                    "FlinkJobRestarting",
                    "20m",
                    Some((
                        "namespace: orders, environment: prod, service: orders, team: shop, severity: warning",
                        &format!(
                            "summary: \"Flink job orders is restarting\", description: \"The job of orders restarted 10 times in the last 15m (alerting above 3); Flink's default restart strategies retry forever, so a crash loop shows only here.\", {}",
                            runbook("FlinkJobRestarting")
                        ),
                    )),
                ),
            ],
        ),
    );
}

/// Values from specs stay text: a label value that tries to close the selector, run a
/// template or a Flux substitution, or span lines reaches Alertmanager exactly as written.
#[test]
#[cfg_attr(missing_promtool, ignore = "needs promtool")]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn label_values_from_specs_are_text_not_code() {
    let hostile = r#"x\"}) or vector(1) # {{ .Labels }} ${HOME}\nsecond line"#;
    let repo = rendered_with(&orders(&format!(
        "  alerts:\n    labels: {{ note: \"{hostile}\" }}\n    route: {{ FlinkJobRestarting: off, FlinkCheckpointDurationHigh: off }}\n{STAGING}"
    )));
    let rule = prometheus_rule(repo.path(), "staging-eu-1").expect("a PrometheusRule");
    // The Flux substitution is off for this object, as for any object holding `${`.
    assert_eq!(
        rule.path(&[
            "metadata",
            "annotations",
            "kustomize.toolkit.fluxcd.io/substitute"
        ])
        .and_then(Node::as_str),
        Some("disabled")
    );
    let names = rule_names(&rule);
    assert!(
        !names.iter().any(|n| n == "FlinkJobRestarting"),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n == "FlinkCheckpointDurationHigh"),
        "{names:?}"
    );
    let rules = rule_file(&rule);
    promtool_check(&rules);
    promtool_test(
        &rules,
        &case(
            &[(RUNNING, "0x40")],
            &[expect(
                "FlinkJobNotRunning",
                "20m",
                Some((
                    &format!("{STAGING_LABELS}, note: \"{hostile}\""),
                    &format!(
                        "summary: \"Flink job orders is not running\", description: \"The job of orders has not been in state RUNNING for 15m (it is created, restarting, failing or waiting for TaskManagers).\", {}",
                        runbook("FlinkJobNotRunning")
                    ),
                )),
            )],
        ),
    );
}

/// The runbook link is a template of flinkform's placeholders only; anything else in braces
/// (a Go template) is a finding at the value, and nothing is rendered.
#[test]
fn a_runbook_link_with_an_unknown_placeholder_is_a_finding_at_its_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    let dir = tmp.path().join("services/orders");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(
        dir.join("service.yaml"),
        orders(&format!(
            "  alerts:\n    runbookUrl: \"https://wiki.example/{{alert}}?q={{{{.Labels}}}}\"\n{STAGING}"
        )),
    )
    .expect("write");
    let (code, stdout, _) = common::run(tmp.path(), &["render", "--format", "json"]);
    assert_eq!(code, 1, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let found = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("unknown placeholder `{{.Labels}`"))
        })
        .unwrap_or_else(|| panic!("no placeholder finding: {stdout}"));
    assert_eq!(found["file"], "services/orders/service.yaml", "{found}");
    assert_eq!(found["line"], 8, "{found}");
    assert!(
        found["help"]
            .as_str()
            .is_some_and(|h| h.contains("{alert}, {service}, {team}, {env} and {cluster}")),
        "{found}"
    );
    assert!(!tmp.path().join("rendered/staging-eu-1/orders").exists());
}

/// Windows Prometheus cannot hold (64-bit nanoseconds) are findings at the value that makes
/// them, never a wrapped or zero duration.
#[test]
fn windows_longer_than_prometheus_holds_are_findings_at_the_value() {
    for (extra, line, what) in [
        (
            "  checkpointing: { interval: 200000000h }\n",
            7,
            "checkpoint alert window",
        ),
        (
            "  alerts: { for: 99999999999h }\n",
            7,
            "`alerts.for` duration",
        ),
        (
            "  alerts: { restartWindow: 9999999999999999999999h }\n",
            7,
            "`alerts.restartWindow` duration",
        ),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        copy_dir(&example(), tmp.path());
        let dir = tmp.path().join("services/orders");
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(
            dir.join("service.yaml"),
            orders(&format!("{extra}{STAGING}")),
        )
        .expect("write");
        let (code, stdout, _) = common::run(tmp.path(), &["render", "--format", "json"]);
        assert_eq!(code, 1, "{extra}: {stdout}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        let diags = json["diagnostics"].as_array().expect("diagnostics");
        let found = diags
            .iter()
            .find(|d| d["message"].as_str().is_some_and(|m| m.contains(what)))
            .unwrap_or_else(|| panic!("{extra}: no finding about the {what}: {stdout}"));
        assert_eq!(found["file"], "services/orders/service.yaml", "{found}");
        assert_eq!(found["line"], line, "{extra}: {found}");
        assert!(
            found["message"]
                .as_str()
                .is_some_and(|m| m.contains("longer than Prometheus can hold")),
            "{found}"
        );
    }
}

/// Alert label names are Prometheus label names, and flinkform's own are not for the spec to
/// set: the schema says so at the key.
#[test]
fn alert_label_names_must_be_prometheus_names_and_not_flinkforms() {
    for (labels, bad) in [
        ("{ app.kubernetes.io/team: x }", "app.kubernetes.io/team"),
        ("{ team: other }", "team"),
        ("{ __name__: x }", "__name__"),
        ("{ 1st: x }", "1st"),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        copy_dir(&example(), tmp.path());
        let dir = tmp.path().join("services/orders");
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(
            dir.join("service.yaml"),
            orders(&format!("  alerts:\n    labels: {labels}\n{STAGING}")),
        )
        .expect("write");
        let (code, stdout, _) = common::run(tmp.path(), &["check", "--format", "json"]);
        assert_eq!(code, 1, "{labels}: {stdout}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        let diags = json["diagnostics"].as_array().expect("diagnostics");
        assert!(
            diags.iter().any(|d| d["rule"] == "schema"
                && d["file"] == "services/orders/service.yaml"
                && d["line"] == 8),
            "{labels} ({bad}): {stdout}"
        );
    }
}

/// `flinkform explain <alert>` prints the alert's section of docs/alerts.md: one text, two
/// readers.
#[test]
fn explain_prints_each_alerts_section_of_the_docs() {
    use flinkform::render::alerts::ALERTS;
    let docs = fs::read_to_string(common::manifest_dir().join("docs/alerts.md")).expect("docs");
    assert_eq!(ALERTS.len(), ALL_ALERTS.len());
    for alert in ALERTS {
        let section = format!("### {}\n\n{}\n", alert.name(), alert.explain());
        assert!(docs.contains(&section), "docs/alerts.md lacks:\n{section}");
        let out = flinkform()
            .args(["explain", &alert.name().to_ascii_lowercase()])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert_eq!(
            text,
            format!(
                "{} (alert)\n\n{}\n\nhttps://github.com/flinkform/flinkform/blob/main/docs/alerts.md#{}\n",
                alert.name(),
                alert.explain(),
                alert.name().to_ascii_lowercase()
            )
        );
    }
}

/// Runs the Prometheus operator's schemas (tests/common/prometheus_operator_schema.mjs) over
/// `objects`: the exit code and one line per object.
fn operator_schema(objects: &[serde_json::Value]) -> (i32, Vec<String>) {
    use std::io::Write as _;
    let models = tools::require(&tools::PROMETHEUS_OPERATOR_SCHEMA);
    let script = common::manifest_dir().join("tests/common/prometheus_operator_schema.mjs");
    let mut child = Command::new("node")
        .arg(script)
        .arg(models)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run node");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(serde_json::to_string(objects).expect("json").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), lines)
}

/// Every PrometheusRule and PodMonitor of the example, as `kubectl kustomize` builds each
/// service folder, passes the Prometheus operator's own schema for its kind (generated from
/// the operator's CRDs by @kubernetes-models/prometheus-operator): what the API server would
/// check when Flux applies them. A rule the schema must refuse (a `for:` outside its duration
/// pattern, a group without a name) is refused, so the check is live.
#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
#[cfg_attr(
    missing_prometheus_operator_schema,
    ignore = "needs @kubernetes-models/prometheus-operator"
)]
fn every_rendered_monitoring_object_passes_the_prometheus_operators_schema() {
    let rendered = example().join("rendered");
    let mut objects = Vec::new();
    let mut clusters: Vec<PathBuf> = fs::read_dir(&rendered)
        .expect("rendered")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "flux"))
        .collect();
    clusters.sort();
    for cluster in clusters {
        let mut folders: Vec<PathBuf> = fs::read_dir(&cluster)
            .expect("cluster")
            .map(|e| e.expect("entry").path())
            .collect();
        folders.sort();
        for folder in folders {
            objects.extend(
                built(&folder)
                    .iter()
                    .filter(|n| matches!(kind(n), "PrometheusRule" | "PodMonitor"))
                    .map(Node::to_json),
            );
        }
    }
    let rules = objects
        .iter()
        .filter(|o| o["kind"] == "PrometheusRule")
        .count();
    // 18 service folders in the example, each with its PodMonitor and its PrometheusRule.
    assert_eq!((rules, objects.len()), (18, 36));
    let (code, lines) = operator_schema(&objects);
    assert_eq!(code, 0, "{}", lines.join("\n"));
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("ok ")).count(),
        36,
        "{}",
        lines.join("\n")
    );

    let rule = objects
        .iter()
        .find(|o| o["kind"] == "PrometheusRule")
        .expect("a rule");
    let mut bad_for = rule.clone();
    bad_for["spec"]["groups"][0]["rules"][0]["for"] = "15 minutes".into();
    let mut no_name = rule.clone();
    no_name["spec"]["groups"][0]
        .as_object_mut()
        .expect("group")
        .remove("name");
    let (code, lines) = operator_schema(&[bad_for, no_name]);
    assert_eq!(code, 1);
    assert!(
        lines[0].contains("/spec/groups/0/rules/0/for must match pattern"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("/spec/groups/0 must have required property name"),
        "{lines:?}"
    );
}

/// The shape of the Prometheus operator's `PrometheusRule` CRD (v0.82,
/// `example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml`): `spec.groups`
/// of named groups (names unique: `x-kubernetes-list-type: map`) whose rules have an `expr` and
/// one of `alert` or `record`, `for` in its duration pattern, string maps for labels and
/// annotations, and no field it does not define. The schema test above is the consumer's own
/// check; this one adds what its generated validators do not enforce (unknown fields, unique
/// group names), and Prometheus's own rules (names, labels) beside.
#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn every_rendered_prometheus_rule_has_the_operators_shape() {
    fn keys(n: &Node) -> Vec<String> {
        n.as_map()
            .expect("a mapping")
            .iter()
            .map(|e| e.key.clone())
            .collect()
    }
    fn string_map(n: &Node, what: &str, names: fn(&str) -> bool) {
        for e in n
            .as_map()
            .unwrap_or_else(|| panic!("{what} is a mapping"))
            .iter()
        {
            assert!(e.value.as_str().is_some(), "{what}.{} is a string", e.key);
            assert!(
                names(&e.key),
                "{what}: `{}` is not a Prometheus label name",
                e.key
            );
        }
    }
    fn label_name(s: &str) -> bool {
        let mut c = s.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
            && !s.starts_with("__")
    }
    fn metric_name(s: &str) -> bool {
        let mut c = s.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == ':')
            && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == ':')
    }
    // The CRD's duration pattern, `^(0|(([0-9]+)y)?(([0-9]+)w)?…(([0-9]+)ms)?)$`.
    fn crd_duration(s: &str) -> bool {
        if s == "0" {
            return true;
        }
        let mut rest = s;
        let mut units = ["y", "w", "d", "h", "m", "s", "ms"].iter();
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                return false;
            }
            let tail = &rest[digits..];
            let Some(unit) =
                units.find(|u| tail.starts_with(**u) && !(**u == "m" && tail.starts_with("ms")))
            else {
                return false;
            };
            rest = &tail[unit.len()..];
        }
        true
    }
    assert!(crd_duration("15m") && crd_duration("1500ms") && crd_duration("2d"));
    assert!(!crd_duration("1.5m") && !crd_duration("m") && !crd_duration("5m1h"));

    let rendered = example().join("rendered");
    let mut seen = 0;
    for entry in fs::read_dir(&rendered).expect("rendered") {
        let cluster = entry.expect("entry").path();
        if cluster.file_name().is_some_and(|n| n == "flux") || !cluster.is_dir() {
            continue;
        }
        for service in fs::read_dir(&cluster).expect("cluster") {
            let folder = service.expect("entry").path();
            for rule in built(&folder)
                .iter()
                .filter(|n| kind(n) == "PrometheusRule")
            {
                seen += 1;
                assert_eq!(
                    rule.get("apiVersion").and_then(Node::as_str),
                    Some("monitoring.coreos.com/v1")
                );
                assert_eq!(keys(rule), ["apiVersion", "kind", "metadata", "spec"]);
                let spec = rule.get("spec").expect("spec (required)");
                assert_eq!(keys(spec), ["groups"]);
                let groups = spec.get("groups").and_then(Node::as_seq).expect("groups");
                let mut names = std::collections::BTreeSet::new();
                for g in groups {
                    for k in keys(g) {
                        assert!(
                            [
                                "interval",
                                "labels",
                                "limit",
                                "name",
                                "partial_response_strategy",
                                "query_offset",
                                "rules"
                            ]
                            .contains(&k.as_str()),
                            "group field {k}"
                        );
                    }
                    let name = g
                        .get("name")
                        .and_then(Node::as_str)
                        .expect("name (required)");
                    assert!(!name.is_empty() && names.insert(name.to_string()));
                    for r in g.get("rules").and_then(Node::as_seq).expect("rules") {
                        for k in keys(r) {
                            assert!(
                                [
                                    "alert",
                                    "annotations",
                                    "expr",
                                    "for",
                                    "keep_firing_for",
                                    "labels",
                                    "record"
                                ]
                                .contains(&k.as_str()),
                                "rule field {k}"
                            );
                        }
                        assert!(r.get("expr").and_then(Node::as_str).is_some(), "expr");
                        match (
                            r.get("alert").and_then(Node::as_str),
                            r.get("record").and_then(Node::as_str),
                        ) {
                            (Some(a), None) => {
                                assert!(ALL_ALERTS.contains(&a), "{a}");
                                string_map(r.get("labels").expect("labels"), "labels", label_name);
                                string_map(
                                    r.get("annotations").expect("annotations"),
                                    "annotations",
                                    label_name,
                                );
                            }
                            (None, Some(record)) => {
                                assert!(metric_name(record), "{record}");
                                assert!(r.get("for").is_none() && r.get("labels").is_none());
                            }
                            other => panic!("one of alert and record: {other:?}"),
                        }
                        if let Some(f) = r.get("for") {
                            let f = f.as_str().expect("for is a string");
                            assert!(crd_duration(f), "for: {f}");
                        }
                    }
                }
            }
        }
    }
    assert_eq!(seen, 18);
}

/// A platform writes `config` into a fresh copy of the example's flinkform.yaml (by replacing
/// `from` with `to`) and adds `orders`; the rendered PrometheusRule of `orders` on `cluster`.
fn rule_with_platform(from: &str, to: &str, service: &str, cluster: &str) -> Option<Node> {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    let cfg = tmp.path().join("flinkform.yaml");
    let text = fs::read_to_string(&cfg).expect("config");
    assert!(text.contains(from), "{from}");
    fs::write(&cfg, text.replacen(from, to, 1)).expect("write");
    let dir = tmp.path().join("services/orders");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("service.yaml"), service).expect("write");
    let (code, stdout, stderr) = common::run(tmp.path(), &["render"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    prometheus_rule(tmp.path(), cluster)
}

/// Thresholds and routing merge like every spec field: the platform's defaults, an
/// environment's defaults, the service, its environment overlay. `monitoring.alerts: false`
/// turns every PrometheusRule off.
#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn settings_come_from_the_platform_its_environments_and_the_service() {
    let both = orders(
        "  alerts: { restarts: 5 }\n  environments:\n    staging: {}\n    prod:\n      clusters: [prod-eu-1]\n      alerts: { restarts: 10, labels: { tier: gold } }\n",
    );
    let staging_off = "    staging:\n      clusters: [staging-eu-1]\n      defaults:\n        alerts: { route: { FlinkJobRestarting: off }, failedCheckpoints: 7 }\n";
    let staging = rule_with_platform(
        "    staging:\n      clusters: [staging-eu-1]\n",
        staging_off,
        &both,
        "staging-eu-1",
    )
    .expect("a PrometheusRule");
    let names = rule_names(&staging);
    assert!(
        !names.iter().any(|n| n == "FlinkJobRestarting"),
        "{names:?}"
    );
    assert!(
        rule_file(&staging).contains("numberOfFailedCheckpoints{namespace=\"orders\"}[5m])) >= 7")
    );
    let prod = rule_with_platform(
        "    staging:\n      clusters: [staging-eu-1]\n",
        staging_off,
        &both,
        "prod-eu-1",
    )
    .expect("a PrometheusRule");
    let text = rule_file(&prod);
    assert!(
        text.contains("numRestarts{namespace=\"orders\"}[15m])) > 10"),
        "{text}"
    );
    assert!(
        text.contains(">= 2\n"),
        "the platform's default failedCheckpoints: {text}"
    );
    assert_eq!(text.matches("tier: gold").count(), 6, "{text}");
    assert_eq!(
        prod.path(&["metadata", "labels", "release"])
            .and_then(Node::as_str),
        Some("kube-prometheus-stack"),
        "monitoring.ruleLabels"
    );

    let off = rule_with_platform(
        "    ruleLabels: { release: kube-prometheus-stack }\n",
        "    ruleLabels: { release: kube-prometheus-stack }\n    alerts: false\n",
        &both,
        "prod-eu-1",
    );
    assert!(
        off.is_none(),
        "monitoring.alerts: false renders no PrometheusRule"
    );
}

/// A service name that tries to end the selector, or a label value past the bound, never
/// reaches a rule: the schema stops it at its line and nothing is rendered.
#[test]
fn names_and_values_that_would_break_a_rule_are_schema_errors() {
    for (service, line) in [
        (
            orders(STAGING).replace("name: orders,", "name: 'orders\"} or vector(1) #',"),
            3,
        ),
        (
            orders(&format!(
                "  alerts:\n    labels: {{ note: \"{}\" }}\n{STAGING}",
                "x".repeat(1025)
            )),
            8,
        ),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        copy_dir(&example(), tmp.path());
        let dir = tmp.path().join("services/orders");
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(dir.join("service.yaml"), &service).expect("write");
        let (code, stdout, _) = common::run(tmp.path(), &["render", "--format", "json"]);
        assert_eq!(code, 1, "{stdout}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        assert!(
            json["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .any(|d| d["rule"] == "schema"
                    && d["file"] == "services/orders/service.yaml"
                    && d["line"] == line),
            "{stdout}"
        );
        let rendered = fs::read_dir(tmp.path().join("rendered/staging-eu-1"))
            .expect("cluster folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect::<Vec<_>>();
        assert!(
            !rendered.iter().any(|n| n.starts_with("orders")),
            "{rendered:?}"
        );
    }
}
