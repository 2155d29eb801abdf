//! The benchmark's repository generator (`examples/synth-repo.rs`): what it writes is a valid
//! repository that `check` passes clean, and with injected violations `check` finds exactly
//! those, one per defect, in the right file and by the right rule. No timing here: the
//! benchmark is `bench/run.sh`.

use crate::common;

use crate::synth_generator as synth;

use common::flinkform;
use std::collections::BTreeMap;
use synth::{Options, Violation};

/// Runs `check --format json` on `dir`: (exit code, (file, rule) of every finding, severities).
fn check(dir: &std::path::Path) -> (i32, Vec<(String, String)>, Vec<String>) {
    let out = flinkform()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .output()
        .expect("run flinkform");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let diags = json["diagnostics"].as_array().expect("diagnostics");
    let mut found: Vec<(String, String)> = diags
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    let severities = diags
        .iter()
        .map(|d| d["severity"].as_str().unwrap_or_default().to_string())
        .collect();
    (out.status.code().unwrap_or(-1), found, severities)
}

fn generate(services: usize, violations: usize, seed: u64) -> (tempfile::TempDir, synth::Summary) {
    generate_with(Options {
        services,
        violations,
        seed,
        grouped: false,
    })
}

fn generate_with(options: Options) -> (tempfile::TempDir, synth::Summary) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let summary = synth::generate(tmp.path(), &options).expect("generate");
    (tmp, summary)
}

#[test]
fn generated_repository_is_clean() {
    let (tmp, summary) = generate(50, 0, 1);
    assert_eq!(summary.services, 50);
    assert!(summary.injected.is_empty());
    let (code, found, _) = check(tmp.path());
    assert_eq!(
        found,
        Vec::<(String, String)>::new(),
        "a clean repository has no findings"
    );
    assert_eq!(code, 0);
}

#[test]
fn generated_repository_has_variety() {
    let texts: Vec<String> = (0..300).map(|i| synth::service(3, i, None).text).collect();
    let share = |needle: &str| texts.iter().filter(|t| t.contains(needle)).count();
    for version in synth::FLINK_VERSIONS {
        assert!(
            share(&format!("-flink{version}\n")) > 0,
            "Flink {version} missing"
        );
    }
    for needle in [
        "memory: 1Gi",
        "memory: 32Gi",
        "Mi",
        "    dev:",
        "    staging:",
        "    prod:",
        "clusters: [prod-eu-1]",
        "upgradeMode: stateless",
        "upgradeMode: last-state",
        "secrets:",
        "podTemplate:",
        "flinkConfiguration:",
        "logConfiguration:",
        "stateBackend: hashmap",
        "env:",
    ] {
        assert!(share(needle) > 0, "no service has `{needle}`");
    }
    let envs: BTreeMap<usize, usize> = (0..300).fold(BTreeMap::new(), |mut m, i| {
        *m.entry(synth::service(3, i, None).environments.len())
            .or_default() += 1;
        m
    });
    assert_eq!(envs.keys().copied().collect::<Vec<_>>(), [1, 2, 3]);
}

#[test]
fn generation_is_deterministic() {
    for i in [0, 7, 49] {
        let a = synth::service(42, i, None).text;
        assert_eq!(a, synth::service(42, i, None).text);
        assert_ne!(a, synth::service(43, i, None).text, "the seed matters");
    }
    // A service's text does not depend on how many services are generated.
    assert_eq!(synth::injections(50, 7, 9), synth::injections(50, 7, 9));
    let (a, _) = generate(12, 0, 5);
    let (b, _) = generate(30, 0, 5);
    let name = synth::service_name(5, 11);
    let read = |d: &tempfile::TempDir| {
        std::fs::read_to_string(d.path().join(format!("services/{name}/service.yaml")))
            .expect("read spec")
    };
    assert_eq!(read(&a), read(&b));
}

/// Exactly K findings for K injected defects, each in its file and by its rule.
fn assert_finds_exactly(services: usize, violations: usize, seed: u64) {
    let (tmp, summary) = generate(services, violations, seed);
    assert_eq!(summary.injected.len(), violations);
    assert_finds_what_was_injected(&tmp, &summary);
}

fn assert_finds_what_was_injected(tmp: &tempfile::TempDir, summary: &synth::Summary) {
    let mut expected: Vec<(String, String)> = summary
        .injected
        .iter()
        .map(|i| (i.path.clone(), i.violation.rule().to_string()))
        .collect();
    expected.sort();
    let (code, found, severities) = check(tmp.path());
    assert_eq!(found, expected);
    assert!(severities.iter().all(|s| s == "error"), "{severities:?}");
    assert_eq!(code, 1);
}

#[test]
fn seven_violations_give_seven_errors() {
    assert_finds_exactly(50, 7, 1);
    let rules: BTreeMap<&str, usize> =
        synth::injections(50, 7, 1)
            .iter()
            .fold(BTreeMap::new(), |mut m, (_, v)| {
                *m.entry(v.rule()).or_default() += 1;
                m
            });
    assert_eq!(
        rules,
        BTreeMap::from([
            ("ha-enabled", 1),
            ("schema", 4),
            ("stateful-upgrade-mode", 1),
            ("yaml-syntax", 1),
        ])
    );
}

#[test]
fn every_kind_of_violation_is_found_once() {
    let n = Violation::ALL.len();
    assert_finds_exactly(2 * n + 5, 2 * n, 11);
}

/// Grouped, every defect still yields exactly one finding, and the groups hold every kind once.
#[test]
fn grouped_defects_are_each_found_once() {
    let mut kinds: Vec<Violation> = Violation::GROUPS.concat();
    kinds.sort();
    let mut all = Violation::ALL.to_vec();
    all.sort();
    assert_eq!(kinds, all);
    let groups = Violation::GROUPS.len();
    let (tmp, summary) = generate_with(Options {
        services: 3 * groups + 5,
        violations: 3 * groups,
        seed: 4,
        grouped: true,
    });
    assert_eq!(summary.injected.len(), 3 * Violation::ALL.len());
    assert_finds_what_was_injected(&tmp, &summary);
}
