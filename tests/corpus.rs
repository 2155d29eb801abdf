//! `lint` over public manifests nobody here wrote (`../shared/reference`): every file, without a
//! crash; and, for a handful of files checked by hand, exactly which rules fire on which lines.

use crate::common;

use common::{flinkform, json_diagnostics, number_of, shared_reference, text_of};
use std::collections::BTreeSet;

/// Lints `path` and returns (line, rule) of every finding.
fn findings(path: &std::path::Path) -> (i32, BTreeSet<(u64, String)>) {
    let out = flinkform()
        .arg("lint")
        .arg(path)
        .args(["--format", "json"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{}: {stderr}", path.display());
    let set = json_diagnostics(&out.stdout, &out.stderr)
        .iter()
        .map(|d| (number_of(d, "line"), text_of(d, "rule")))
        .collect();
    (out.status.code().unwrap_or(-1), set)
}

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn every_public_manifest_lints_without_a_crash() {
    let base = shared_reference();
    // One run over every folder: a panic anywhere would end it without a JSON document.
    let out = flinkform()
        .arg("lint")
        .arg(base.join("real-world"))
        .arg(base.join("flink-operator/examples"))
        .args(["--format", "json"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON document");
    let files = json["summary"]["files"].as_u64().unwrap_or(0);
    assert!(files >= 100, "{files} files");
    // Every finding is located and documented.
    for d in json["diagnostics"].as_array().expect("diagnostics") {
        assert!(
            d["file"].is_string() && d["line"].as_u64().is_some_and(|l| l >= 1),
            "{d}"
        );
        assert!(d["help"].is_string(), "{d}");
    }
}

/// Findings read against each file by hand: every (line, rule) below was checked against the
/// manifest's text (see the comments), and nothing else may fire.
const PINNED: &[(&str, &[(u64, &str)])] = &[
    // Azure demo: no JM/TM resources at all (32, `spec:`), a placeholder registry, a deprecated
    // v1_17, the `default` service account, no DNS/HA/metrics settings in flinkConfiguration
    // (36), and `last-state` with no checkpoint directory (43).
    (
        "real-world/flinkdeployment/kethahel99__databricks-flink-cep-insider-fraud-demo__k8s__flink-deployment.yaml",
        &[
            (32, "resources-defined"),
            (33, "official-image"),
            (34, "flink-version-supported"),
            (35, "namespace-isolation"),
            (36, "dns-cache-disabled"),
            (36, "ha-enabled"),
            (36, "metrics-enabled"),
            (43, "checkpoint-dir-required"),
        ],
    ),
    // `flinkVersion: v1.17` (a dot instead of `_`: CRD enum and version rule), `:latest`,
    // deprecated state keys (12–15), `stateless` in prod (23), and cpu/memory in the pod
    // template that Flink overwrites (30–34). The database password comes from a Secret: no
    // secret finding.
    (
        "real-world/flinkdeployment/jinkanglow__Open-Source-Financial-Time-Series-Data-Pipeline-Architecture__k8s__flink__flink-deployment.yaml",
        &[
            (6, "resources-defined"),
            (7, "official-image"),
            (8, "crd-schema"),
            (8, "flink-version-supported"),
            (9, "dns-cache-disabled"),
            (9, "ha-enabled"),
            (9, "metrics-enabled"),
            (12, "unknown-config-key"),
            (13, "unknown-config-key"),
            (14, "unknown-config-key"),
            (15, "unknown-config-key"),
            (23, "stateful-upgrade-mode"),
            (30, "memory-matches-limit"),
            (31, "memory-matches-limit"),
            (33, "memory-matches-limit"),
            (34, "memory-matches-limit"),
        ],
    ),
    // The operator's own HA example: no namespace, no checkpoint interval, checkpoints and HA
    // metadata on `file://` (30, 33), nested legacy state keys on v2_2 (29, 30), the
    // main-branch `resources` field against operator 1.15 (37, 42), `2048m` in `resources`
    // (2.048 bytes to Kubernetes, 39, 44), no state backend, so the default hashmap leaves
    // 634.88 MiB of managed memory unused (44), and checkpoints on a `hostPath` volume, which
    // the Pod Security Standards' baseline forbids (55).
    (
        "real-world/flinkdeployment/apache__flink-kubernetes-operator__examples__basic-checkpoint-ha.yaml",
        &[
            (21, "namespace-isolation"),
            (26, "checkpointing-enabled"),
            (26, "dns-cache-disabled"),
            (26, "metrics-enabled"),
            (29, "unknown-config-key"),
            (30, "checkpointing-enabled"),
            (30, "unknown-config-key"),
            (33, "ha-enabled"),
            (37, "crd-schema"),
            (39, "memory-matches-limit"),
            (42, "crd-schema"),
            (44, "managed-memory-unused"),
            (44, "memory-matches-limit"),
            (55, "pod-security"),
        ],
    ),
    // A PyFlink job in `default` with four plain-text credentials in pod env (54, 62, 64, 74),
    // two restart-strategy keys that do not exist (15, 16) and `stateless` in prod (91).
    // PyFlink uses managed memory for its Python workers: no managed-memory finding.
    (
        "real-world/flinkdeployment/teatrie__event-substrate__kubernetes__flink-deployment.yaml",
        &[
            (5, "namespace-isolation"),
            (7, "official-image"),
            (9, "flink-version-supported"),
            (10, "checkpointing-enabled"),
            (10, "dns-cache-disabled"),
            (10, "ha-enabled"),
            (10, "metrics-enabled"),
            (15, "unknown-config-key"),
            (16, "unknown-config-key"),
            (54, "no-plaintext-secrets"),
            (62, "no-plaintext-secrets"),
            (64, "no-plaintext-secrets"),
            (74, "no-plaintext-secrets"),
            (91, "stateful-upgrade-mode"),
        ],
    ),
    // IBM Event Automation's production sample: no namespace (3), no DNS or metrics settings
    // (6), and three SSL passwords left as the sample's blank `<jks-password>` (30, 32, 33):
    // unfilled placeholders, not credentials in plain text (no `no-plaintext-secrets`).
    // `kubernetes.secrets: '<jks-secret>:…'` (34) is not wholly a placeholder, and names no
    // credential. State and HA are on a mounted PersistentVolumeClaim (file:///opt/flink/volume).
    (
        "real-world/flinkdeployment/IBM__ibm-event-automation__flink__cr-examples__flinkdeployment__kubernetes__production-application-cluster.yaml",
        &[
            (3, "namespace-isolation"),
            (6, "dns-cache-disabled"),
            (6, "metrics-enabled"),
            (30, "unfilled-placeholder"),
            (32, "unfilled-placeholder"),
            (33, "unfilled-placeholder"),
        ],
    ),
];

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn hand_checked_files_yield_exactly_their_findings() {
    let base = shared_reference();
    for (file, expected) in PINNED {
        let (code, got) = findings(&base.join(file));
        let expected: BTreeSet<(u64, String)> =
            expected.iter().map(|(l, r)| (*l, r.to_string())).collect();
        assert_eq!(got, expected, "{file}");
        assert_eq!(code, 1, "{file}: errors exit 1");
    }
}
