//! `diff` over a temporary git repository made from the example: one scenario per job-impact
//! class, each a working-tree change compared with HEAD.

mod common;

use common::{copy_dir, example, flinkform, git};
use std::fs;
use std::path::Path;

/// A git repository whose platform folder is `platform/` (not the git root, to cover that).
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), &tmp.path().join("platform"));
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-q", "-m", "base"]);
    tmp
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// (service, cluster) → impact of its FlinkDeployment.
fn impacts(
    platform: &Path,
    extra: &[&str],
) -> (i32, Vec<(String, String, String)>, serde_json::Value) {
    let out = flinkform()
        .current_dir(platform)
        .args(["diff", "--format", "json"])
        .args(extra)
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let mut got: Vec<(String, String, String)> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["kind"] == "FlinkDeployment")
        .map(|c| {
            (
                c["service"].as_str().unwrap_or("").into(),
                c["cluster"].as_str().unwrap_or("").into(),
                c["impact"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    got.sort();
    (out.status.code().unwrap_or(-1), got, json)
}

fn t(s: &str, c: &str, i: &str) -> (String, String, String) {
    (s.into(), c.into(), i.into())
}

#[test]
fn no_change_is_empty_and_exit_code_0() {
    let r = repo();
    let p = r.path().join("platform");
    let (code, got, _) = impacts(&p, &["--exit-code"]);
    assert_eq!((code, got), (0, vec![]));
    flinkform()
        .current_dir(&p)
        .arg("diff")
        .assert()
        .code(0)
        .stdout("no changes against HEAD\n");
}

#[test]
fn every_impact_class() {
    let r = repo();
    let p = r.path().join("platform");
    let svc = |name: &str| p.join(format!("services/{name}/service.yaml"));
    // metadata only
    edit(
        &svc("clickstream-sessionizer"),
        "labels: { cost-center: cc-4711 }",
        "labels: { cost-center: cc-4712 }",
    );
    // rescale (prod only: staging overrides parallelism)
    edit(
        &svc("fraud-detector"),
        "    parallelism: 8",
        "    parallelism: 12",
    );
    // restart with savepoint upgrade
    edit(
        &svc("sql-reporting"),
        "  image: registry.acme.example/flink/sql-runner:1.1.0-flink1.20",
        "  image: registry.acme.example/flink/sql-runner:1.2.0-flink1.20",
    );
    // restart from last state
    edit(
        &svc("payments-enricher"),
        "payments-enricher:3.0.1-flink1.20",
        "payments-enricher:3.0.2-flink1.20",
    );
    // restart with state lost (the job switches to stateless)
    edit(
        &svc("recommendation-features"),
        "    parallelism: 6",
        "    parallelism: 6\n    upgradeMode: stateless",
    );
    edit(
        &svc("recommendation-features"),
        "com.acme.ml.FeaturePipeline",
        "com.acme.ml.FeaturePipelineV2",
    );
    // suspend
    edit(
        &svc("inventory-sync"),
        "    upgradeMode: last-state",
        "    upgradeMode: last-state\n    state: suspended",
    );
    // job deleted and new job
    fs::remove_dir_all(p.join("services/order-audit")).expect("rm");
    fs::create_dir_all(p.join("services/order-audit-v2")).expect("mkdir");
    fs::write(
        p.join("services/order-audit-v2/service.yaml"),
        "apiVersion: flinkform/v1\nkind: FlinkService\nmetadata: { name: order-audit-v2, team: compliance }\nspec:\n  image: registry.acme.example/flink/order-audit:6.0.0-flink1.20\n  job: { jarURI: local:///opt/flink/usrlib/order-audit.jar, parallelism: 2 }\n  environments: { staging: {} }\n",
    )
    .expect("write");
    let (code, got, json) = impacts(&p, &["--exit-code"]);
    assert_eq!(code, 1, "--exit-code: 1 when anything changes");
    let expected = vec![
        t("clickstream-sessionizer", "prod-eu-1", "none"),
        t("clickstream-sessionizer", "prod-us-1", "none"),
        t("clickstream-sessionizer", "staging-eu-1", "none"),
        t("fraud-detector", "prod-eu-1", "rescale"),
        t("fraud-detector", "prod-us-1", "rescale"),
        t("inventory-sync", "prod-eu-1", "suspend"),
        t("inventory-sync", "prod-us-1", "suspend"),
        t("inventory-sync", "staging-eu-1", "suspend"),
        t("order-audit", "prod-eu-1", "job-deleted"),
        t("order-audit", "prod-us-1", "job-deleted"),
        t("order-audit", "staging-eu-1", "job-deleted"),
        t("order-audit-v2", "staging-eu-1", "new-job"),
        t("payments-enricher", "prod-eu-1", "restart-last-state"),
        t("payments-enricher", "staging-eu-1", "restart-last-state"),
        t(
            "recommendation-features",
            "staging-eu-1",
            "restart-state-lost",
        ),
        t("sql-reporting", "prod-eu-1", "restart-savepoint"),
        t("sql-reporting", "prod-us-1", "restart-savepoint"),
        t("sql-reporting", "staging-eu-1", "restart-savepoint"),
    ];
    assert_eq!(got, expected);
    // Field paths, old → new.
    let fd = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| {
            c["kind"] == "FlinkDeployment"
                && c["service"] == "fraud-detector"
                && c["cluster"] == "prod-eu-1"
        })
        .expect("fraud-detector");
    assert_eq!(
        fd["fields"],
        serde_json::json!([{"path": "spec.job.parallelism", "old": 8, "new": 12}])
    );
    assert_eq!(fd["detail"], "parallelism 8 → 12, upgrade mode savepoint");
    // Neighbours change too: the quota grows with the TaskManagers.
    assert!(
        json["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["kind"] == "ResourceQuota" && c["service"] == "fraud-detector")
    );

    // Resume, after committing the suspension.
    git(r.path(), &["add", "-A"]);
    git(r.path(), &["commit", "-q", "-m", "changes"]);
    edit(&svc("inventory-sync"), "    state: suspended\n", "");
    let (_, got, _) = impacts(&p, &[]);
    assert_eq!(
        got.iter().filter(|(_, _, i)| i == "resume").count(),
        3,
        "{got:?}"
    );
    // And against an explicit older revision.
    let (_, got, _) = impacts(&p, &["--base", "HEAD~1"]);
    assert!(
        got.contains(&t("order-audit", "prod-eu-1", "job-deleted")),
        "{got:?}"
    );
}

#[test]
fn markdown_has_a_section_per_service_and_base_dir_works() {
    let r = repo();
    let p = r.path().join("platform");
    let base = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), base.path());
    edit(
        &p.join("services/fraud-detector/service.yaml"),
        "    parallelism: 8",
        "    parallelism: 12",
    );
    let out = flinkform()
        .current_dir(&p)
        .args(["diff", "--format", "markdown", "--base-dir"])
        .arg(base.path())
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(md.contains("| `fraud-detector` | rescale: the job is redeployed with a new parallelism | prod-eu-1, prod-us-1 | 4 |"), "{md}");
    assert_eq!(md.matches("<details>").count(), 1, "{md}");
    assert!(md.contains("! spec.job.parallelism: 8 → 12"), "{md}");
}

#[test]
fn a_base_that_is_not_a_revision_is_a_usage_error() {
    let r = repo();
    flinkform()
        .current_dir(r.path().join("platform"))
        .args(["diff", "--base", "no-such-branch"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a revision"));
}
