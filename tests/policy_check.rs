//! Policy rules in `check` mode: findings about rendered FlinkDeployments point back at the
//! lines of the service specs (and the platform config) that produced the values.

use crate::common;

use common::{copy_dir, example, flinkform};
use std::fs;
use std::path::Path;

/// A copy of the example repository to add services to.
fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    tmp
}

fn check_json(repo: &Path) -> (Option<i32>, serde_json::Value) {
    let out = flinkform()
        .current_dir(repo)
        .args(["check", "--format", "json"])
        .output()
        .expect("run");
    let json = serde_json::from_slice(&out.stdout).expect("json");
    (out.status.code(), json)
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    let i = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?}"));
    i as u64 + 1
}

fn diagnostics_of<'a>(json: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

const LEDGER: &str = "\
apiVersion: flinkform/v1
kind: FlinkService
metadata:
  name: ledger
  team: finance
spec:
  image: registry.acme.example/flink/ledger:1.0.0-flink1.20
  job:
    jarURI: local:///opt/flink/usrlib/ledger.jar
    entryClass: com.acme.finance.Ledger
    parallelism: 2
  taskManager:
    cpu: 2
    memory: 4Gi
  flinkConfiguration:
    taskmanager.memory.process.size: 2g
  environments:
    staging: {}
    prod: {}
";

#[test]
fn a_second_process_size_points_at_its_key_and_at_the_spec_memory() {
    let repo = example_copy();
    let dir = repo.path().join("services/ledger");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("service.yaml"), LEDGER).expect("write");

    let (code, json) = check_json(repo.path());
    assert_eq!(code, Some(1), "{json:#}");
    let found = diagnostics_of(&json, "memory-matches-limit");
    assert!(!found.is_empty(), "{json:#}");
    for d in &found {
        assert_eq!(d["file"], "services/ledger/service.yaml");
        assert_eq!(
            d["line"].as_u64(),
            Some(line_of(LEDGER, "taskmanager.memory.process.size: 2g")),
            "{d:#}"
        );
        let message = d["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("taskmanager.memory.process.size: 2g") && message.contains("4096 MiB"),
            "{message}"
        );
        let related = d["related"].as_array().expect("related");
        assert!(
            related.iter().any(|r| {
                r["file"] == "services/ledger/service.yaml"
                    && r["line"].as_u64() == Some(line_of(LEDGER, "memory: 4Gi"))
            }),
            "{d:#}"
        );
        assert!(
            d["help"]
                .as_str()
                .is_some_and(|h| h.contains("remove `taskmanager.memory.process.size`")),
            "{d:#}"
        );
    }
    // Nothing else is wrong with the service.
    let others: Vec<_> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] != "memory-matches-limit")
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

#[test]
fn heap_state_with_managed_memory_points_at_the_state_backend() {
    let repo = example_copy();
    let spec = repo.path().join("services/payments-enricher/service.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    let edited = text.replace("    taskmanager.memory.managed.fraction: \"0.0\"\n", "");
    assert_ne!(edited, text, "the example sets the managed fraction");
    // Without the fraction, flinkConfiguration is empty: drop its key too.
    let edited = edited.replace("  flinkConfiguration:\n", "");
    fs::write(&spec, &edited).expect("write");

    let (code, json) = check_json(repo.path());
    // A warning: the check passes by default.
    assert_eq!(code, Some(0), "{json:#}");
    let found = diagnostics_of(&json, "managed-memory-unused");
    assert!(!found.is_empty(), "{json:#}");
    for d in &found {
        assert_eq!(d["severity"], "warning");
        assert_eq!(d["file"], "services/payments-enricher/service.yaml");
        assert_eq!(
            d["line"].as_u64(),
            Some(line_of(&edited, "stateBackend: hashmap")),
            "{d:#}"
        );
        let help = d["help"].as_str().unwrap_or_default();
        assert!(
            help.contains("taskmanager.memory.managed.fraction: \"0\"")
                && help.contains("stateBackend: rocksdb"),
            "{help}"
        );
    }
}

#[test]
fn replicas_that_override_the_parallelism_point_at_the_environment() {
    let repo = example_copy();
    let spec = repo.path().join("services/order-audit/service.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    let edited = text.replace("      job: { parallelism: 2 }\n", "");
    assert_ne!(edited, text, "the example sets the staging parallelism");
    fs::write(&spec, &edited).expect("write");

    let (code, json) = check_json(repo.path());
    assert_eq!(code, Some(1), "{json:#}");
    let found = diagnostics_of(&json, "parallelism-fits-slots");
    assert_eq!(found.len(), 1, "{json:#}");
    let d = found[0];
    assert!(
        d["subject"].as_str().is_some_and(|s| s.contains("staging")),
        "{d:#}"
    );
    assert_eq!(
        d["line"].as_u64(),
        Some(line_of(&edited, "parallelism: 4")),
        "{d:#}"
    );
    let related = d["related"].as_array().expect("related");
    assert!(
        related
            .iter()
            .any(|r| r["line"].as_u64() == Some(line_of(&edited, "taskManager: { replicas: 1 }"))),
        "{d:#}"
    );
}
