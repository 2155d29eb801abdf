//! `diff` over a temporary git repository made from the example: one scenario per job-impact
//! class, each a working-tree change compared with HEAD.

use crate::common;

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
        .filter(|c| c["kind"] == "FlinkDeployment" || c["kind"] == "FlinkBlueGreenDeployment")
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
        // Blue/green in prod: the new image starts beside the running job.
        t("payments-enricher", "prod-eu-1", "blue-green-switch"),
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

/// Runs `diff` in `platform` in a format: (exit code, stdout).
fn diff_in(platform: &Path, format: &str) -> (i32, String) {
    let out = flinkform()
        .current_dir(platform)
        .args(["diff", "--format", format])
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_spec_with_errors_is_not_a_deleted_job_in_any_format() {
    let r = repo();
    let p = r.path().join("platform");
    // A YAML error in one spec, a real change in another.
    edit(
        &p.join("services/fraud-detector/service.yaml"),
        "  team: risk",
        "  team: [risk",
    );
    edit(
        &p.join("services/order-audit/service.yaml"),
        "parallelism: 2",
        "parallelism: 3",
    );
    let (code, human) = diff_in(&p, "human");
    assert_eq!(code, 1, "errors in the working tree fail the diff: {human}");
    assert!(
        human.starts_with(
            "the working tree has errors that stop rendering, in platform/services/fraud-detector/service.yaml (run `flinkform check`):\n  not compared: fraud-detector\n"
        ),
        "{human}"
    );
    assert!(!human.contains("removed"), "{human}");
    assert!(human.contains("\norder-audit\n"), "{human}");
    let (code, md) = diff_in(&p, "markdown");
    assert_eq!(code, 1);
    assert!(
        md.contains("❌ **The working tree has errors that stop rendering**, in `platform/services/fraud-detector/service.yaml`: not compared: `fraud-detector`."),
        "{md}"
    );
    assert!(
        !md.contains("job deleted") && !md.contains("removed"),
        "{md}"
    );
    assert!(md.contains("| `order-audit` |"), "{md}");
    let (code, json) = diff_in(&p, "json");
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        json["unrendered"]["head"],
        serde_json::json!({
            "nothing": false,
            "files": ["platform/services/fraud-detector/service.yaml"],
            "services": ["fraud-detector"],
        })
    );
    assert_eq!(json["unrendered"]["base"]["files"], serde_json::json!([]));
    let changes = json["changes"].as_array().expect("changes");
    assert!(!changes.is_empty());
    assert!(
        changes.iter().all(|c| c["service"] == "order-audit"),
        "{changes:?}"
    );
}

#[test]
fn a_broken_platform_config_compares_nothing_and_says_so() {
    let r = repo();
    let p = r.path().join("platform");
    // A duplicate key: the platform config does not load, nothing renders.
    let cfg = p.join("flinkform.yaml");
    let text = fs::read_to_string(&cfg).expect("read");
    fs::write(&cfg, format!("{text}spec: {{}}\n")).expect("write");
    let (code, human) = diff_in(&p, "human");
    assert_eq!(code, 1);
    assert_eq!(
        human,
        "the working tree has errors that stop rendering, in platform/flinkform.yaml (run `flinkform check`):\n  nothing could be rendered: no service was compared\n"
    );
    let (code, md) = diff_in(&p, "markdown");
    assert_eq!(code, 1);
    assert!(
        md.contains("nothing could be rendered, so no service was compared"),
        "{md}"
    );
    assert!(md.ends_with("Nothing was compared.\n"), "{md}");
    assert!(!md.contains("No changes"), "{md}");
    let (_, json) = diff_in(&p, "json");
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["unrendered"]["head"]["nothing"], true);
    assert_eq!(json["changes"], serde_json::json!([]));
}

#[test]
fn errors_only_in_the_base_are_reported_but_do_not_fail() {
    let r = repo();
    let p = r.path().join("platform");
    // The base has a broken spec; the change fixes it.
    let spec = p.join("services/fraud-detector/service.yaml");
    let good = fs::read_to_string(&spec).expect("read");
    edit(&spec, "  team: risk", "  team: [risk");
    git(r.path(), &["commit", "-q", "-am", "broken"]);
    fs::write(&spec, good).expect("write");
    let (code, md) = diff_in(&p, "markdown");
    assert_eq!(code, 0, "{md}");
    assert!(
        md.contains("⚠️ **The base revision has errors that stop rendering**, in `platform/services/fraud-detector/service.yaml`: not compared: `fraud-detector`."),
        "{md}"
    );
    assert!(!md.contains("new job"), "not a new job: {md}");
    assert!(md.contains("No changes to the services compared."), "{md}");
}

/// Changes in `services` services, each with `fields` changed fields of `width` characters.
fn many_changes(services: usize, fields: usize, width: usize) -> Vec<flinkform::diff::ObjectDiff> {
    use flinkform::diff::{Change, FieldChange, Impact, ObjectDiff, ObjectKey};
    (0..services)
        .map(|i| ObjectDiff {
            key: ObjectKey {
                cluster: "prod-eu-1".into(),
                service: format!("svc-{i:05}"),
                kind: "FlinkDeployment".into(),
                namespace: format!("svc-{i:05}"),
                name: format!("svc-{i:05}"),
            },
            change: Change::Changed {
                fields: (0..fields)
                    .map(|f| FieldChange {
                        path: format!("spec.flinkConfiguration[\"k{f}\"]"),
                        old: Some(serde_json::json!("a".repeat(width))),
                        new: Some(serde_json::json!("`b`".repeat(width / 3))),
                    })
                    .collect(),
            },
            impact: Some(Impact::RestartSavepoint),
            detail: None,
        })
        .collect()
}

/// The Markdown is whole: within the budget, every `<details>` and code fence closed, and the
/// line about what was left out after the last block, so GitHub shows it.
fn assert_bounded(md: &str, max: usize) {
    assert!(md.len() <= max, "{} bytes over {max}", md.len());
    common::consumers::check_markdown(md);
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count(),
        "{md}"
    );
    let mut fence: Option<String> = None;
    for line in md.lines() {
        let t = line.trim_start();
        let ticks: String = t.chars().take_while(|c| *c == '`').collect();
        match &fence {
            None if ticks.len() >= 3 => fence = Some(ticks),
            Some(f) if ticks == *f && t.len() == f.len() => fence = None,
            _ => {}
        }
    }
    assert_eq!(fence, None, "an open code block: {md}");
    let last = md.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.starts_with("**Not all of the diff fits in a job summary**"),
        "{last}"
    );
    assert!(
        md.rfind("</details>") < md.rfind("**Not all of the diff"),
        "{md}"
    );
}

/// The Markdown diff against `main` within `budget` bytes, with no state at risk.
fn markdown(diffs: &[flinkform::diff::ObjectDiff], budget: usize) -> String {
    flinkform::diff::report::markdown(
        diffs,
        "main",
        &flinkform::diff::Sides::default(),
        budget,
        &Default::default(),
    )
}

#[test]
fn a_large_diff_in_markdown_stays_whole_within_its_budget() {
    // Many services: the sections run out first, each shown whole or not at all (one in part).
    let diffs = many_changes(400, 5, 60);
    let md = markdown(&diffs, 64 * 1024);
    assert_bounded(&md, 64 * 1024);
    assert!(md.contains("400 of 400 services in the table"), "{md}");
    // One service with a huge change: its section is cut inside, its fence and block closed.
    let diffs = many_changes(1, 5000, 90);
    let md = markdown(&diffs, 64 * 1024);
    assert_bounded(&md, 64 * 1024);
    assert!(md.contains("more changed field(s) not shown"), "{md}");
    assert!(md.contains("0 shown in full, one in part"), "{md}");
    // So many services that not even the table fits.
    let diffs = many_changes(5000, 1, 10);
    let md = markdown(&diffs, 64 * 1024);
    assert_bounded(&md, 64 * 1024);
    assert!(!md.contains("<details>"), "{md}");
    // And at GitHub's real limit.
    let diffs = many_changes(3000, 20, 100);
    let limit = flinkform::diag::markdown::STEP_SUMMARY_LIMIT;
    let md = markdown(&diffs, limit);
    assert!(md.len() > limit / 2, "the budget is used");
    assert_bounded(&md, limit);
}
