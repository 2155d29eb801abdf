//! The CI-facing formats: SARIF (validated with Microsoft's SARIF validator), GitHub
//! annotations, Markdown summaries, JUnit, and several reports in one run.

mod common;

use common::{copy_dir, example, flinkform, isolated, manifest_dir};
use std::fs;
use std::path::PathBuf;

fn policy_fixture() -> PathBuf {
    manifest_dir().join("tests/fixtures/check/policy")
}

/// Runs flinkform on a copy of `dir` outside any git repository (see `common::isolated`).
fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let copy = isolated(dir);
    let out = flinkform()
        .current_dir(copy.path())
        .env("FLINKFORM_TODAY", "2026-11-21")
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Microsoft's validator (`npm install @microsoft/sarif-multitool`), from
/// FLINKFORM_SARIF_MULTITOOL; required in CI.
fn multitool() -> Option<PathBuf> {
    let path = std::env::var_os("FLINKFORM_SARIF_MULTITOOL").map(PathBuf::from);
    match path {
        Some(p) if p.exists() => Some(p),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must set FLINKFORM_SARIF_MULTITOOL (see .ci/run)"
            );
            eprintln!("skipping: set FLINKFORM_SARIF_MULTITOOL to the sarif-multitool binary");
            None
        }
    }
}

fn validate_sarif(tool: &std::path::Path, sarif: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.sarif");
    let log = dir.path().join("validation.sarif");
    fs::write(&input, sarif).expect("write");
    let out = std::process::Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("-o")
        .arg(&log)
        .output()
        .expect("run sarif-multitool");
    assert!(
        out.status.success(),
        "validator failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let log: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&log).expect("validation log")).expect("json");
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(results.is_empty(), "SARIF validator findings: {results:#?}");
}

#[test]
fn sarif_is_valid_with_findings_waivers_and_when_clean() {
    let (code, findings) = run(&policy_fixture(), &["check", "--format", "sarif"]);
    assert_eq!(code, 1);
    let (code, clean) = run(&example(), &["check", "--format", "sarif"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&clean).expect("json");
    assert_eq!(
        doc["runs"][0]["results"],
        serde_json::json!([]),
        "an empty results array when clean"
    );
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(
        rules.len(),
        flinkform::policy::registry().len(),
        "every rule is listed"
    );
    assert!(rules.iter().all(|r| {
        r["helpUri"]
            .as_str()
            .is_some_and(|u| u.contains("rules.md#"))
            && r["help"]["text"].is_string()
    }));
    let doc: serde_json::Value = serde_json::from_str(&findings).expect("json");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let waived = results
        .iter()
        .find(|r| r["suppressions"].is_array())
        .expect("a waived finding is a suppressed result");
    assert_eq!(waived["ruleId"], "stateful-upgrade-mode");
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(
        !uri.starts_with('/') && !uri.contains(':'),
        "repository-relative: {uri}"
    );
    if let Some(tool) = multitool() {
        validate_sarif(&tool, &findings);
        validate_sarif(&tool, &clean);
    }
}

#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(&policy_fixture(), repo.path());
    let fingerprints = |dir: &std::path::Path| {
        let (_, out) = run(dir, &["check", "--format", "sarif"]);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
        doc["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap_or("").to_string(),
                    r["partialFingerprints"]["flinkform/v1"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = fingerprints(repo.path());
    let spec = repo.path().join("services/no-ha/service.yaml");
    fs::write(
        &spec,
        format!(
            "# a comment that moves every line down\n{}",
            fs::read_to_string(&spec).expect("read")
        ),
    )
    .expect("write");
    let after = fingerprints(repo.path());
    let no_ha = |v: &[(String, String, Option<u64>)]| {
        v.iter()
            .find(|(r, _, _)| r == "ha-enabled")
            .cloned()
            .expect("ha-enabled")
    };
    let (b, a) = (no_ha(&before), no_ha(&after));
    assert_eq!(b.1, a.1, "same fingerprint");
    assert_eq!(b.2.map(|l| l + 1), a.2, "but a new line");
}

#[test]
fn github_annotations_are_one_line_each() {
    let (code, out) = run(&policy_fixture(), &["check", "--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.iter().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{out}"
    );
    let ha = lines
        .iter()
        .find(|l| l.contains("title=flinkform ha-enabled"))
        .expect("ha-enabled annotation");
    assert!(
        ha.starts_with("::error file=services/no-ha/service.yaml,line=7,col=3,endColumn="),
        "{ha}"
    );
    assert!(ha.contains("::high availability is off, but environment `prod` requires it [no-ha (prod/prod-1)]%0Ahelp: "), "{ha}");
    let waived = lines
        .iter()
        .find(|l| l.contains("stateful-upgrade-mode"))
        .expect("waived");
    assert!(
        waived.starts_with("::notice ") && waived.contains("%0Awaived until 2027-06-30: "),
        "{waived}"
    );
}

#[test]
fn several_reports_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("report.json");
    let sarif = dir.path().join("report.sarif");
    let md = dir.path().join("summary.md");
    let junit = dir.path().join("junit.xml");
    let repo = isolated(&policy_fixture());
    let out = flinkform()
        .current_dir(repo.path())
        .env("FLINKFORM_TODAY", "2026-11-21")
        .args(["check", "--format", "json", "--output"])
        .arg(&json)
        .args(["--format", "sarif", "--output"])
        .arg(&sarif)
        .args(["--format", "markdown", "--output"])
        .arg(&md)
        .args(["--format", "junit", "--output"])
        .arg(&junit)
        .args(["--format", "github"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("::"),
        "the one format without --output goes to stdout"
    );
    let j: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).expect("json")).expect("parse");
    assert_eq!(j["summary"]["waived"], 1);
    let s: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&sarif).expect("sarif")).expect("parse");
    assert_eq!(s["version"], "2.1.0");
    let m = fs::read_to_string(&md).expect("md");
    assert!(
        m.contains("❌ **3** errors, **3** warnings, **0** info, **1** waived — 5 files checked"),
        "{m}"
    );
    assert!(m.contains("### Waivers in force"), "{m}");
    assert!(m.contains("| `stateful-upgrade-mode` | services/stateless-job/service.yaml:8 | 2027-06-30 | Replays from Kafka in under a minute (RISK-12) |"), "{m}");
    let x = fs::read_to_string(&junit).expect("junit");
    assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"flinkform\" tests=\"7\" failures=\"3\""), "{x}");
    assert!(
        x.contains("<skipped message=\"waived until 2027-06-30"),
        "{x}"
    );
    assert_eq!(
        x.matches("<testcase ").count(),
        x.matches("</testcase>").count()
    );
}

#[test]
fn two_formats_on_stdout_is_a_usage_error() {
    flinkform()
        .current_dir(example())
        .args(["check", "--format", "json", "--format", "sarif"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "only one --format can go to stdout",
        ));
}

#[test]
fn render_check_reports_drift_in_machine_formats() {
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), repo.path());
    let fd = repo
        .path()
        .join("rendered/prod-eu-1/fraud-detector/flinkdeployment.yaml");
    fs::write(
        &fd,
        fs::read_to_string(&fd)
            .expect("read")
            .replace("parallelism: 8", "parallelism: 9"),
    )
    .expect("write");
    let (code, out) = run(repo.path(), &["render", "--check", "--format", "json"]);
    assert_eq!(code, 1);
    let j: serde_json::Value = serde_json::from_str(&out).expect("json");
    let d = &j["diagnostics"][0];
    assert_eq!(d["rule"], "render-drift");
    assert_eq!(
        d["file"],
        "rendered/prod-eu-1/fraud-detector/flinkdeployment.yaml"
    );
    let line = fs::read_to_string(&fd)
        .expect("read")
        .lines()
        .position(|l| l.contains("parallelism: 9"))
        .expect("line")
        + 1;
    assert_eq!(
        d["line"].as_u64(),
        Some(line as u64),
        "points at the first differing line"
    );
    let (code, out) = run(&example(), &["render", "--check", "--format", "github"]);
    assert_eq!((code, out.as_str()), (0, ""));
}
