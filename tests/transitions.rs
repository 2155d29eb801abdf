//! `check --base`: transition rules over git fixtures. Each test commits a base revision,
//! commits (or leaves in the working tree) a head, and checks which transition findings
//! appear, where (file:line) and with which exit code; near misses must not fire.

use crate::common;

use common::{flinkform, git};
use flinkform::policy::docs::EXAMPLE_PLATFORM;
use std::fs;
use std::path::Path;

/// The service spec the fixtures start from: stateful (the platform's default upgrade mode is
/// `savepoint`, its state backend `rocksdb`), in `prod` only.
const ORDERS: &str = "apiVersion: flinkform/v1
kind: FlinkService
metadata: { name: orders, team: checkout }
spec:
  image: flink:1.20.1-java17
  job:
    jarURI: local:///opt/flink/usrlib/orders.jar
    entryClass: com.example.Orders
    parallelism: 4
  environments: { prod: {} }
";

const SPEC: &str = "services/orders/service.yaml";

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

/// A repository with the example platform and `orders` as given, committed as `base`.
fn repo(orders: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(tmp.path(), "flinkform.yaml", EXAMPLE_PLATFORM);
    write(tmp.path(), SPEC, orders);
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-q", "-m", "base"]);
    git(tmp.path(), &["tag", "base"]);
    tmp
}

fn commit(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "head"]);
}

/// (file, line, rule, severity) of a finding.
type Hit = (String, usize, String, String);

/// Exit code and the hits of every transition finding of `check --base`, and the report.
fn check(dir: &Path, base: &str) -> (i32, Vec<Hit>, serde_json::Value) {
    let out = flinkform()
        .current_dir(dir)
        .args(["check", "--base", base, "--format", "json"])
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let transition: Vec<&str> = flinkform::policy::transition::registry()
        .iter()
        .map(|r| r.meta().name)
        .collect();
    let got = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| transition.contains(&d["rule"].as_str().unwrap_or("")))
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0) as usize,
                d["rule"].as_str().unwrap_or("").to_string(),
                d["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), got, json)
}

fn f(file: &str, line: usize, rule: &str, severity: &str) -> Hit {
    (file.into(), line, rule.into(), severity.into())
}

/// The 1-based line of the first occurrence of `needle` in a text.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?}"))
        + 1
}

/// Base commit with `base`, head commit with `head`; the transition findings of the change.
fn change(base: &str, head: &str) -> (i32, Vec<Hit>) {
    let r = repo(base);
    write(r.path(), SPEC, head);
    commit(r.path());
    let (code, got, _) = check(r.path(), "base");
    (code, got)
}

#[test]
fn unchanged_repository_has_no_transition_findings() {
    let r = repo(ORDERS);
    let (code, got, _) = check(r.path(), "HEAD");
    assert_eq!((code, got), (0, vec![]));
}

#[test]
fn explicit_max_parallelism_change_fires_at_its_line() {
    let base = ORDERS.replace(
        "  environments:",
        "  flinkConfiguration:\n    pipeline.max-parallelism: \"128\"\n  environments:",
    );
    let head = base.replace("\"128\"", "\"256\"");
    let (code, got) = change(&base, &head);
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                SPEC,
                line_of(&head, "256"),
                "max-parallelism-changed",
                "error"
            )]
        )
    );
}

#[test]
fn parallelism_above_the_derived_max_parallelism_fires() {
    let head = ORDERS.replace("parallelism: 4", "parallelism: 200");
    let (code, got) = change(ORDERS, &head);
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                SPEC,
                line_of(&head, "parallelism: 200"),
                "max-parallelism-changed",
                "error"
            )]
        )
    );
}

#[test]
fn parallelism_change_within_max_parallelism_on_a_savepoint_job_does_not_fire() {
    let head = ORDERS.replace("parallelism: 4", "parallelism: 8");
    assert_eq!(change(ORDERS, &head), (0, vec![]));
}

#[test]
fn jar_change_with_savepoint_upgrade_does_not_fire() {
    let head = ORDERS.replace("orders.jar", "orders-2.jar");
    assert_eq!(change(ORDERS, &head), (0, vec![]));
}

#[test]
fn state_backend_switch_with_last_state_fires_and_with_savepoint_does_not() {
    let base = ORDERS.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    upgradeMode: last-state\n",
    );
    let head = base.replace(
        "  environments:",
        "  stateBackend: hashmap\n  environments:",
    );
    let (code, got) = change(&base, &head);
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                SPEC,
                line_of(&head, "stateBackend"),
                "state-backend-switch",
                "error"
            )]
        )
    );
    // Savepoint upgrades are canonical by default: the switch restores.
    let head = ORDERS.replace(
        "  environments:",
        "  stateBackend: hashmap\n  environments:",
    );
    assert_eq!(change(ORDERS, &head), (0, vec![]));
}

#[test]
fn stateful_job_made_stateless_fires() {
    let head = ORDERS.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    upgradeMode: stateless\n",
    );
    let (code, got) = change(ORDERS, &head);
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                SPEC,
                line_of(&head, "stateless"),
                "state-storage-lost",
                "error"
            )]
        )
    );
}

#[test]
fn platform_storage_move_is_one_finding_at_the_platform_line() {
    let r = repo(ORDERS);
    write(
        r.path(),
        "services/billing/service.yaml",
        &ORDERS.replace("orders", "billing"),
    );
    commit(r.path());
    git(r.path(), &["tag", "-f", "base"]);
    let moved = EXAMPLE_PLATFORM.replace(
        "checkpoints: s3://flink-{env}/{service}/checkpoints",
        "checkpoints: s3://flink-new-{env}/{service}/checkpoints",
    );
    write(r.path(), "flinkform.yaml", &moved);
    commit(r.path());
    let (code, got, json) = check(r.path(), "base");
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                "flinkform.yaml",
                line_of(&moved, "flink-new-"),
                "state-storage-lost",
                "error"
            )]
        )
    );
    let message = json["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["rule"] == "state-storage-lost"))
        .and_then(|d| d["message"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("2 services: billing (prod/prod-1), orders (prod/prod-1)"),
        "{message}"
    );
}

#[test]
fn deleted_stateful_service_fires_at_its_base_path() {
    let r = repo(ORDERS);
    fs::remove_file(r.path().join(SPEC)).expect("rm");
    commit(r.path());
    let (code, got, _) = check(r.path(), "base");
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                SPEC,
                line_of(ORDERS, "spec:"),
                "stateful-service-removed",
                "error"
            )]
        )
    );
}

#[test]
fn new_service_does_not_fire() {
    let r = repo(ORDERS);
    write(
        r.path(),
        "services/billing/service.yaml",
        &ORDERS.replace("orders", "billing"),
    );
    commit(r.path());
    assert_eq!(check(r.path(), "base").1, vec![]);
}

#[test]
fn major_upgrade_with_last_state_fires() {
    let base = ORDERS.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    upgradeMode: last-state\n",
    );
    let head = base.replace(
        "  image: flink:1.20.1-java17\n",
        "  image: flink:2.1.1-java17\n  flinkVersion: \"2.1\"\n",
    );
    let (code, got) = change(&base, &head);
    assert!(
        got.contains(&f(
            SPEC,
            line_of(&head, "flinkVersion"),
            "flink-major-upgrade",
            "error"
        )),
        "{got:?}"
    );
    assert_eq!(code, 1);
}

#[test]
fn suspend_with_version_change_in_one_commit_warns() {
    let head = ORDERS
        .replace(
            "    parallelism: 4\n",
            "    parallelism: 4\n    state: suspended\n",
        )
        .replace(
            "  image: flink:1.20.1-java17\n",
            "  image: flink:1.19.3-java17\n  flinkVersion: \"1.19\"\n",
        );
    let (_, got) = change(ORDERS, &head);
    assert!(
        got.contains(&f(
            SPEC,
            line_of(&head, "suspended"),
            "flink-major-upgrade",
            "warning"
        )),
        "{got:?}"
    );
}

#[test]
fn initial_savepoint_path_on_a_running_job_warns() {
    let head = ORDERS.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    initialSavepointPath: s3://flink-prod/orders/savepoints/savepoint-1\n",
    );
    let (code, got) = change(ORDERS, &head);
    assert_eq!(
        (code, got),
        (
            0,
            vec![f(
                SPEC,
                line_of(&head, "initialSavepointPath"),
                "savepoint-path-ignored",
                "warning"
            )]
        )
    );
}

#[test]
fn pod_annotation_only_change_is_information() {
    let head = ORDERS.replace(
        "  environments:",
        "  podTemplate:\n    metadata:\n      annotations: { owner: checkout }\n  environments:",
    );
    let (code, got) = change(ORDERS, &head);
    assert_eq!(
        (code, got),
        (
            0,
            vec![f(
                SPEC,
                line_of(&head, "owner:"),
                "restart-without-need",
                "info"
            )]
        )
    );
}

/// A configuration value rewritten with the same meaning to Flink (by its option's type) is
/// still a changed spec to the operator; a value with a new meaning is a real change.
#[test]
fn respelled_configuration_is_information_and_a_new_value_is_not() {
    let with = |timeout: &str, managed: &str| {
        ORDERS.replace(
            "  environments:",
            &format!(
                "  flinkConfiguration:\n    execution.checkpointing.timeout: {timeout}\n    taskmanager.memory.managed.size: {managed}\n  environments:"
            ),
        )
    };
    let base = with("600 s", "1024m");
    // Both respelled: one finding, at the first, naming both.
    let head = with("10 min", "1g");
    let r = repo(&base);
    write(r.path(), SPEC, &head);
    commit(r.path());
    let (code, got, json) = check(r.path(), "base");
    assert_eq!(
        (code, got),
        (
            0,
            vec![f(
                SPEC,
                line_of(&head, "10 min"),
                "restart-without-need",
                "info"
            )]
        )
    );
    let message = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["rule"] == "restart-without-need")
        .and_then(|d| d["message"].as_str())
        .expect("message")
        .to_string();
    assert!(
        message.starts_with("only `execution.checkpointing.timeout`, `taskmanager.memory.managed.size` are respelled with the same meaning to Flink"),
        "{message}"
    );
    // One value with a new meaning: the job has a reason to restart.
    assert_eq!(change(&base, &with("11 min", "1g")), (0, vec![]));
    // Not a duration Flink reads (`mins` is no unit): not the same meaning.
    assert_eq!(change(&base, &with("10 mins", "1024m")).1, vec![]);
}

/// Labels of the service land on the FlinkDeployment's own metadata, which the operator does
/// not diff: no restart, nothing to say.
#[test]
fn service_label_change_does_not_fire() {
    let head = ORDERS.replace(
        "team: checkout }",
        "team: checkout, labels: { cost-center: \"4711\" } }",
    );
    assert_eq!(change(ORDERS, &head), (0, vec![]));
}

#[test]
fn waiver_and_severity_per_environment_apply() {
    let staging = ORDERS.replace("{ prod: {} }", "{ staging: {} }");
    let head = staging.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    upgradeMode: stateless\n",
    );
    // Waived: still reported, no longer failing.
    let waived = EXAMPLE_PLATFORM.replace(
        "    previewPools: [previews]\n",
        "    previewPools: [previews]\n    waivers:\n      - { rule: state-storage-lost, service: orders, reason: starting over, expires: 2999-01-01 }\n",
    );
    let r = repo(&staging);
    write(r.path(), SPEC, &head);
    write(r.path(), "flinkform.yaml", &waived);
    commit(r.path());
    let (code, got, json) = check(r.path(), "base");
    assert_eq!(
        got,
        vec![f(
            SPEC,
            line_of(&head, "stateless"),
            "state-storage-lost",
            "error"
        )]
    );
    let d = json["diagnostics"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|d| d["rule"] == "state-storage-lost")
                .cloned()
        })
        .expect("reported");
    assert!(d["waived"].is_object(), "{d}");
    assert_eq!(code, 0, "{json}");
    // Without --base the waiver is not reported unused: it is about a change.
    let out = flinkform()
        .current_dir(r.path())
        .args(["check", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("waiver-unused"));
    // A severity for the environment, like any rule's.
    let warn = EXAMPLE_PLATFORM.replace(
        "    previewPools: [previews]\n",
        "    previewPools: [previews]\n    environments:\n      staging:\n        rules: { state-storage-lost: warning }\n",
    );
    write(r.path(), "flinkform.yaml", &warn);
    commit(r.path());
    let (code, got, _) = check(r.path(), "base");
    assert_eq!(
        (code, got),
        (
            0,
            vec![f(
                SPEC,
                line_of(&head, "stateless"),
                "state-storage-lost",
                "warning"
            )]
        )
    );
}

#[test]
fn missing_base_is_a_usage_error() {
    let r = repo(ORDERS);
    let out = flinkform()
        .current_dir(r.path())
        .args(["check", "--base", "nope"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nope` is not a revision"));
}

#[test]
fn shallow_clone_says_so() {
    let r = repo(ORDERS);
    write(
        r.path(),
        SPEC,
        &ORDERS.replace("parallelism: 4", "parallelism: 8"),
    );
    commit(r.path());
    let clone = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", r.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let out = flinkform()
        .current_dir(clone.path().join("c"))
        .args(["check", "--base", "HEAD~1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shallow clone"), "{err}");
}

/// `job.restore` with a new nonce acknowledges the reset in that change; the next change with
/// the same nonce is judged again.
#[test]
fn acknowledged_reset_passes_once() {
    let base = ORDERS.replace(
        "  environments:",
        "  flinkConfiguration:\n    pipeline.max-parallelism: \"128\"\n  environments:",
    );
    let r = repo(&base);
    let head = base.replace("\"128\"", "\"1024\"").replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    restore:\n      savepoint: s3://flink-prod/orders/savepoints/migrated\n      nonce: 1\n      reason: state rebuilt with max parallelism 1024\n",
    );
    write(r.path(), SPEC, &head);
    commit(r.path());
    let (code, got, json) = check(r.path(), "base");
    assert_eq!((code, got), (0, vec![]), "{json}");
    // Rendered for the operator: the savepoint and the nonce.
    let out = flinkform()
        .current_dir(r.path())
        .args(["render"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifests = fs::read_to_string(r.path().join("rendered/prod-1/orders/manifests.yaml"))
        .expect("rendered");
    assert!(manifests.contains("initialSavepointPath: s3://flink-prod/orders/savepoints/migrated"));
    assert!(
        manifests.contains("savepointRedeployNonce: 1"),
        "{manifests}"
    );
    // The next change, same nonce: judged again.
    git(r.path(), &["tag", "-f", "base"]);
    let next = head.replace("\"1024\"", "\"2048\"");
    write(r.path(), SPEC, &next);
    commit(r.path());
    let (code, got, _) = check(r.path(), "base");
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                SPEC,
                line_of(&next, "2048"),
                "max-parallelism-changed",
                "error"
            )]
        )
    );
}

/// `diff` leads with the state at risk, per job: the Markdown (the action's job summary), the
/// terminal and the JSON.
#[test]
fn diff_markdown_names_the_state_at_risk() {
    let r = repo(ORDERS);
    let head = ORDERS.replace("parallelism: 4", "parallelism: 200");
    write(r.path(), SPEC, &head);
    let out = flinkform()
        .current_dir(r.path())
        .args(["diff", "--base", "base", "--format", "markdown"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = md.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("⚠️ **1** change puts the state of a job at risk")),
        "{md}"
    );
    assert!(
        md.contains("| service | what happens to the job | state at risk | clusters | objects |"),
        "{md}"
    );
    let row = lines
        .iter()
        .find(|l| l.starts_with("| `orders` |"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        row.contains("max-parallelism-changed: the parallelism rises from 4 to 200"),
        "{row}"
    );
    // The terminal and JSON say the same, per service.
    let out = flinkform()
        .current_dir(r.path())
        .args(["diff", "--base", "base"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let human = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = human.lines().collect();
    assert!(
        lines.contains(
            &"1 change puts the state of a job at risk (`flinkform check --base` says where)"
        ),
        "{human}"
    );
    let orders = lines
        .iter()
        .position(|l| *l == "orders")
        .unwrap_or_else(|| panic!("{human}"));
    assert!(
        lines[orders..].iter().any(|l| l.starts_with(
            "  state at risk: max-parallelism-changed: the parallelism rises from 4 to 200"
        )),
        "{human}"
    );
    let out = flinkform()
        .current_dir(r.path())
        .args(["diff", "--base", "base", "--format", "json"])
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let risks = json["state_at_risk"]["orders"]
        .as_array()
        .expect("orders at risk");
    assert_eq!(risks.len(), 1, "{json}");
    assert_eq!(risks[0]["rule"], "max-parallelism-changed");
    assert_eq!(risks[0]["waived"], false);
    assert!(
        risks[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("the parallelism rises from 4 to 200")),
        "{json}"
    );
    // A change that puts nothing at risk keeps the plain table, and says nothing in the others.
    write(
        r.path(),
        SPEC,
        &ORDERS.replace("parallelism: 4", "parallelism: 8"),
    );
    let out = flinkform()
        .current_dir(r.path())
        .args(["diff", "--base", "base", "--format", "markdown"])
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("| service | what happens to the job | clusters | objects |"),
        "{md}"
    );
    let out = flinkform()
        .current_dir(r.path())
        .args(["diff", "--base", "base"])
        .output()
        .expect("run");
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("job: rescale"), "{human}");
    assert!(!human.contains("at risk"), "{human}");
    let out = flinkform()
        .current_dir(r.path())
        .args(["diff", "--base", "base", "--format", "json"])
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["state_at_risk"], serde_json::json!({}), "{json}");
}

/// `diff` follows the operator's SpecDiff: fields it ignores change nothing now, and a new
/// `job.restore` nonce redeploys from the savepoint.
#[test]
fn diff_impacts_follow_the_operators_spec_diff() {
    let impact = |dir: &Path| -> String {
        let out = flinkform()
            .current_dir(dir)
            .args(["diff", "--base", "base", "--format", "json"])
            .output()
            .expect("run");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        json["changes"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["kind"] == "FlinkDeployment"))
            .map(|c| c["impact"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    let r = repo(ORDERS);
    write(
        r.path(),
        SPEC,
        &ORDERS.replace(
            "    parallelism: 4\n",
            "    parallelism: 4\n    initialSavepointPath: s3://x/sp\n",
        ),
    );
    assert_eq!(impact(r.path()), "none");
    write(
        r.path(),
        SPEC,
        &ORDERS.replace(
            "    parallelism: 4\n",
            "    parallelism: 4\n    restore: { savepoint: s3://x/sp, nonce: 3, reason: replay }\n",
        ),
    );
    assert_eq!(impact(r.path()), "redeploy-from-savepoint");
    write(
        r.path(),
        SPEC,
        &ORDERS.replace("orders.jar", "orders-2.jar"),
    );
    assert_eq!(impact(r.path()), "restart-savepoint");
}

/// A spec that did not render in the base is not compared: fixing it is not a new job, and a
/// spec with errors is not a deleted one.
#[test]
fn a_base_that_did_not_render_is_not_compared() {
    let broken = ORDERS.replace("parallelism: 4", "parallelism: [4");
    let r = repo(&broken);
    write(
        r.path(),
        SPEC,
        &ORDERS.replace("parallelism: 4", "parallelism: 500"),
    );
    commit(r.path());
    let (code, got, _) = check(r.path(), "base");
    assert_eq!((code, got), (0, vec![]));
    // A base platform config that does not load: nothing is compared, the end state is checked.
    let r = repo(ORDERS);
    write(r.path(), "flinkform.yaml", "spec: [\n");
    commit(r.path());
    git(r.path(), &["tag", "-f", "base"]);
    write(r.path(), "flinkform.yaml", EXAMPLE_PLATFORM);
    fs::remove_file(r.path().join(SPEC)).expect("rm");
    commit(r.path());
    let (code, got, _) = check(r.path(), "base");
    assert_eq!((code, got), (0, vec![]));
}

#[test]
fn a_rename_is_named_in_the_finding_at_the_old_path() {
    let r = repo(ORDERS);
    fs::remove_file(r.path().join(SPEC)).expect("rm");
    write(
        r.path(),
        "services/orders-v2/service.yaml",
        &ORDERS.replace("name: orders", "name: orders-v2"),
    );
    commit(r.path());
    let (code, got, json) = check(r.path(), "base");
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                SPEC,
                line_of(ORDERS, "spec:"),
                "stateful-service-removed",
                "error"
            )]
        )
    );
    let text = json.to_string();
    assert!(text.contains("renamed to `orders-v2`?"), "{text}");
}

/// Values that are not numbers, or at Flink's bounds, are findings or nothing: never a panic.
#[test]
fn odd_values_do_not_break_the_rules() {
    let base = ORDERS.replace(
        "  environments:",
        "  flinkConfiguration:\n    pipeline.max-parallelism: lots\n  environments:",
    );
    let head = base
        .replace("lots", "\"99999999999999999999\"")
        .replace("parallelism: 4", "parallelism: 32768");
    // Neither value is a number: both count as unset, and the derived bound applies.
    let (code, got) = change(&base, &head);
    assert_eq!(
        (code, got),
        (
            1,
            vec![f(
                SPEC,
                line_of(&head, "parallelism: 32768"),
                "max-parallelism-changed",
                "error"
            )]
        )
    );
}

/// The rendered objects of `orders` in `prod-1` (rendered whatever the findings: a stateless job
/// in `prod` is one).
fn rendered_orders(spec: &str) -> String {
    let r = repo(spec);
    let out = flinkform()
        .current_dir(r.path())
        .args(["render", "--fail-on", "never"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::read_to_string(r.path().join("rendered/prod-1/orders/manifests.yaml")).expect("rendered")
}

const ON_DELETION: &str = "kubernetes.operator.job.savepoint-on-deletion";

#[test]
fn stateful_jobs_are_rendered_to_take_a_savepoint_when_deleted() {
    // The platform's default mode (savepoint) and an explicit last-state: rendered `true`.
    assert!(
        rendered_orders(ORDERS).contains(&format!("    {ON_DELETION}: \"true\"\n")),
        "savepoint"
    );
    let last_state = ORDERS.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    upgradeMode: last-state\n",
    );
    assert!(rendered_orders(&last_state).contains(&format!("    {ON_DELETION}: \"true\"\n")));
    // A stateless job has no state to save: the operator's default stays.
    let stateless = ORDERS.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    upgradeMode: stateless\n",
    );
    assert!(!rendered_orders(&stateless).contains(ON_DELETION));
    // The service's own configuration wins, and is rendered once.
    let opted_out = ORDERS.replace(
        "  environments:",
        &format!("  flinkConfiguration:\n    {ON_DELETION}: \"false\"\n  environments:"),
    );
    let manifests = rendered_orders(&opted_out);
    assert_eq!(manifests.matches(ON_DELETION).count(), 1, "{manifests}");
    assert!(manifests.contains(&format!("    {ON_DELETION}: \"false\"\n")));
}

/// The message of the one `stateful-service-removed` finding when `orders` (as given) is deleted.
fn removal_message(orders: &str) -> String {
    let r = repo(orders);
    fs::remove_file(r.path().join(SPEC)).expect("rm");
    commit(r.path());
    let (code, got, json) = check(r.path(), "base");
    assert_eq!((code, got.len()), (1, 1), "{json}");
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["rule"] == "stateful-service-removed")
        .and_then(|d| d["message"].as_str())
        .expect("message")
        .to_string()
}

#[test]
fn removal_says_whether_the_operator_takes_a_savepoint() {
    let rendered_default = removal_message(ORDERS);
    assert!(
        rendered_default.contains("the operator stops the job with a savepoint"),
        "{rendered_default}"
    );
    let opted_out = ORDERS.replace(
        "  environments:",
        &format!("  flinkConfiguration:\n    {ON_DELETION}: \"false\"\n  environments:"),
    );
    let cancelled = removal_message(&opted_out);
    assert!(
        cancelled.contains("cancels the job without a savepoint"),
        "{cancelled}"
    );
}

/// `orders` with `blueGreen.enabled: true`.
fn blue_green(orders: &str) -> String {
    orders.replace(
        "  environments:",
        "  blueGreen:\n    enabled: true\n  environments:",
    )
}

/// Turning blue/green on (or off) replaces the FlinkDeployment with another object: the new
/// job starts empty unless it restores a savepoint. Reported at `enabled:` (or the spec).
#[test]
fn turning_blue_green_on_or_off_without_a_restore_fires() {
    let on = blue_green(ORDERS);
    assert_eq!(
        change(ORDERS, &on),
        (
            1,
            vec![f(
                SPEC,
                line_of(&on, "enabled: true"),
                "stateful-service-removed",
                "error"
            )]
        )
    );
    assert_eq!(
        change(&on, ORDERS),
        (
            1,
            vec![f(
                SPEC,
                line_of(ORDERS, "spec:"),
                "stateful-service-removed",
                "error"
            )]
        )
    );
    // Restored from the old job's savepoint: the state is carried over.
    let restored = on.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    restore: { savepoint: s3://flink-prod/orders/savepoints/sp-1, nonce: 1, reason: blue/green }\n",
    );
    assert_eq!(change(ORDERS, &restored), (0, vec![]));
    // A stateless job has nothing to carry over.
    let stateless = ORDERS.replace("{ prod: {} }", "{ staging: {} }").replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    upgradeMode: stateless\n",
    );
    assert_eq!(change(&stateless, &blue_green(&stateless)).1, vec![]);
}

/// A blue/green switch restores the new child from a savepoint of the running one: the rules
/// about restoring state judge its template as they judge a FlinkDeployment.
#[test]
fn blue_green_templates_are_judged_like_deployments() {
    let base = blue_green(&ORDERS.replace(
        "  environments:",
        "  flinkConfiguration:\n    pipeline.max-parallelism: \"128\"\n  environments:",
    ));
    let head = base.replace("\"128\"", "\"256\"");
    assert_eq!(
        change(&base, &head),
        (
            1,
            vec![f(
                SPEC,
                line_of(&head, "\"256\""),
                "max-parallelism-changed",
                "error"
            )]
        )
    );
    // last-state does not restore a checkpoint in a switch: a backend change is not reported.
    let last_state = blue_green(&ORDERS.replace(
        "    parallelism: 4\n",
        "    parallelism: 4\n    upgradeMode: last-state\n",
    ));
    let hashmap = last_state.replace("  blueGreen:", "  stateBackend: hashmap\n  blueGreen:");
    assert_eq!(change(&last_state, &hashmap).1, vec![]);
}
