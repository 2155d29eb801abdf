//! The CI-facing formats: SARIF (validated with Microsoft's SARIF validator and GitHub's
//! rules), GitHub annotations, Markdown summaries, JUnit (validated against the JUnit
//! schema), and several reports in one run.

use crate::common;

use common::consumers;
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
        flinkform::policy::all_metas().count(),
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
}

/// The same two reports pass Microsoft's validator with GitHub's rules.
#[test]
#[cfg_attr(missing_sarif_multitool, ignore = "needs sarif-multitool")]
fn sarif_passes_githubs_validator_with_findings_waivers_and_when_clean() {
    let tool = consumers::multitool();
    let (_, findings) = run(&policy_fixture(), &["check", "--format", "sarif"]);
    let (_, clean) = run(&example(), &["check", "--format", "sarif"]);
    consumers::validate_sarif(&tool, &findings);
    consumers::validate_sarif(&tool, &clean);
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
                    r["partialFingerprints"]["flinkform/v3"]
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
        .join("rendered/prod-eu-1/fraud-detector/manifests.yaml");
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
        "rendered/prod-eu-1/fraud-detector/manifests.yaml"
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

/// The official-image fingerprints of a SARIF run in `dir`.
fn image_fingerprints(dir: &std::path::Path) -> (Vec<String>, usize) {
    let out = flinkform()
        .current_dir(dir)
        .args(["check", "--format", "sarif"])
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let results: Vec<&serde_json::Value> = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["ruleId"] == "official-image")
        .collect();
    let mut prints: Vec<String> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["flinkform/v3"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    prints.sort();
    prints.dedup();
    (prints, results.len())
}

#[test]
fn sarif_fingerprints_do_not_depend_on_environments_or_clusters() {
    let repo = isolated(&example());
    let spec = repo.path().join("services/foreign/service.yaml");
    fs::create_dir_all(spec.parent().expect("folder")).expect("mkdir");
    let text = "apiVersion: flinkform/v1\nkind: FlinkService\nmetadata: { name: foreign, team: a }\nspec:\n  image: docker.io/someone/foreign:1.0.0-flink1.20\n  job: { jarURI: local:///opt/flink/usrlib/job.jar, parallelism: 2 }\n  environments:\n    staging: {}\n";
    fs::write(&spec, text).expect("write");
    let (before, n) = image_fingerprints(repo.path());
    assert_eq!((before.len(), n), (1, 1));
    // Adding an environment (two more clusters): the finding is now reported for `prod`
    // (which sorts first, so the result's subject and environment change), and it is the same
    // alert.
    fs::write(&spec, format!("{text}    prod: {{}}\n")).expect("write");
    let (after, n) = image_fingerprints(repo.path());
    assert_eq!(after, before, "the same alert");
    assert_eq!(
        n, 1,
        "identical findings on several clusters are one result"
    );
    // A different image line is the same place: still the same alert.
    fs::write(&spec, text.replace("foreign:1.0.0", "foreign:1.0.1")).expect("write");
    assert_eq!(image_fingerprints(repo.path()).0, before);
}

#[test]
fn sarif_rules_carry_names_security_severity_and_the_analysis() {
    let (_, out) = run(&policy_fixture(), &["check", "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    let sarif_run = &doc["runs"][0];
    assert_eq!(sarif_run["automationDetails"]["id"], "flinkform/check/");
    let rules = sarif_run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let rule = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("rule {id}"))
    };
    let secrets = rule("no-plaintext-secrets");
    assert_eq!(secrets["name"], "NoPlaintextSecrets");
    assert_eq!(secrets["properties"]["security-severity"], "9.0");
    assert!(
        secrets["properties"]["tags"]
            .as_array()
            .expect("tags")
            .contains(&"security".into())
    );
    assert!(
        secrets["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(
        secrets["helpUri"]
            .as_str()
            .is_some_and(|u| u.ends_with("rules.md#no-plaintext-secrets"))
    );
    let memory = rule("memory-matches-limit");
    assert!(memory["properties"]["security-severity"].is_null());
    assert!(
        !memory["properties"]["tags"]
            .as_array()
            .expect("tags")
            .contains(&"security".into())
    );
    for id in [
        "namespace-isolation",
        "service-account-required",
        "official-image",
        "pod-security",
        "no-service-account-override",
    ] {
        assert!(
            rule(id)["properties"]["security-severity"].is_string(),
            "{id}"
        );
    }
    assert_eq!(rule("schema")["name"], "SchemaViolation");
    let (_, lint) = run(
        &example(),
        &[
            "lint",
            "rendered/prod-eu-1/fraud-detector/manifests.yaml",
            "--format",
            "sarif",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&lint).expect("json");
    assert_eq!(doc["runs"][0]["automationDetails"]["id"], "flinkform/lint/");
}

#[test]
fn junit_passes_warnings_unless_fail_on_says_otherwise() {
    let junit = |fail_on: &str| {
        let (_, out) = run(
            &policy_fixture(),
            &["check", "--format", "junit", "--fail-on", fail_on],
        );
        consumers::junit_is_well_formed(&out);
        out
    };
    let at_error = junit("error");
    assert!(
        at_error
            .contains("<testsuites name=\"flinkform\" tests=\"7\" failures=\"3\" errors=\"0\">"),
        "{at_error}"
    );
    assert_eq!(at_error.matches("<failure type=\"error\"").count(), 3);
    assert_eq!(at_error.matches("<failure type=\"warning\"").count(), 0);
    assert_eq!(
        at_error.matches("<system-out>warning: ").count(),
        3,
        "{at_error}"
    );
    let at_warning = junit("warning");
    assert_eq!(at_warning.matches("<failure type=\"warning\"").count(), 3);
    let never = junit("never");
    assert!(!never.contains("<failure"), "{never}");
    assert!(
        never.contains("skipped=\"1\">"),
        "the suite counts the waived finding: {never}"
    );
    let (_, clean) = run(&example(), &["check", "--format", "junit"]);
    consumers::junit_is_well_formed(&clean);
}

/// The same reports are valid against the common JUnit schema.
#[test]
#[cfg_attr(missing_xmllint, ignore = "needs xmllint")]
fn junit_reports_fit_the_junit_schema() {
    for fail_on in ["error", "warning", "never"] {
        let (_, out) = run(
            &policy_fixture(),
            &["check", "--format", "junit", "--fail-on", fail_on],
        );
        consumers::validate_junit(&out);
    }
    let (_, clean) = run(&example(), &["check", "--format", "junit"]);
    consumers::validate_junit(&clean);
}

#[test]
fn distinct_findings_have_distinct_fingerprints() {
    // The example with findings of one rule sharing a place: an image from another registry
    // with the moving tag `latest` is two official-image findings at `spec.image`.
    let repo = isolated(&example());
    let inventory = repo.path().join("services/inventory-sync/service.yaml");
    let text = fs::read_to_string(&inventory).expect("read");
    let image = "registry.acme.example/flink/inventory-sync:0.9.3-flink1.19";
    assert!(text.contains(image));
    let managed = "    taskmanager.memory.managed.fraction: \"0.0\"\n";
    assert!(text.contains(managed));
    let mut keys = format!("{managed}    env.java.opts.all: -Dnetworkaddress.cache.ttl=0\n");
    for i in 0..12 {
        keys.push_str(&format!("    old.unknown.key{i}: 'x'\n"));
    }
    let text = text
        .replace(image, "docker.io/x/inv:latest")
        .replace(managed, &keys);
    fs::write(&inventory, text).expect("write");
    for n in 0..6 {
        let dir = repo.path().join(format!("services/old-{n}"));
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(
            dir.join("service.yaml"),
            format!(
                "apiVersion: flinkform/v1\nkind: FlinkService\nmetadata:\n  name: old-{n}\n  team: old\nspec:\n  image: docker.io/x/old-{n}:latest\n  job:\n    jarURI: local:///opt/flink/usrlib/a.jar\n    parallelism: 2\n    upgradeMode: savepoint\n  taskManager: {{ cpu: 1, memory: 2Gi, slots: 1 }}\n  flinkConfiguration:\n    unknown.key.a: '1'\n    unknown.key.b: '1'\n  environments:\n    staging: {{}}\n"
            ),
        )
        .expect("write");
    }
    let (_, out) = run(repo.path(), &["check", "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let mut prints: Vec<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["flinkform/v3"]
                .as_str()
                .expect("fingerprint")
        })
        .collect();
    assert_eq!(results.len(), 39);
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), 39, "one alert per distinct finding");
    // The two findings at one image are two alerts, and stay so when the value changes.
    let image_prints = |dir: &std::path::Path| {
        let (_, out) = run(dir, &["check", "--format", "sarif"]);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
        let mut p: Vec<String> = doc["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| {
                r["ruleId"] == "official-image"
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        == "services/inventory-sync/service.yaml"
            })
            .map(|r| r["partialFingerprints"]["flinkform/v3"].to_string())
            .collect();
        p.sort();
        p
    };
    let before = image_prints(repo.path());
    assert_eq!(before.len(), 2);
    let text = fs::read_to_string(&inventory).expect("read");
    fs::write(
        &inventory,
        text.replace("docker.io/x/inv:latest", "quay.io/y/inventory:latest"),
    )
    .expect("write");
    assert_eq!(
        image_prints(repo.path()),
        before,
        "values are not part of it"
    );
}
