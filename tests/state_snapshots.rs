//! FlinkStateSnapshot manifests (issue 17): `lint` validates them against the operator's CRD
//! and warns when one committed to Git would take its savepoint's data with it when Flux
//! prunes it (`snapshot-data-kept`).

use crate::common;

use common::{json_findings, number_of, shared_reference, text_of};
use std::fs;
use std::path::Path;

/// (rule, line, severity) of each finding of `lint --env staging FILE` in `dir`, and the exit
/// code.
fn lint(dir: &Path, file: &str) -> (i32, Vec<(String, u64, String)>) {
    let (code, found) = json_findings(dir, &["lint", "--format", "json", "--env", "staging", file]);
    let found = found
        .iter()
        .map(|d| {
            (
                text_of(d, "rule"),
                number_of(d, "line"),
                text_of(d, "severity"),
            )
        })
        .collect();
    (code, found)
}

/// The operator's snapshot examples: the savepoints that name their job and leave
/// `disposeOnDelete` on (unset, or `true`) are warned about, at the line that decides it;
/// the checkpoint and the `disposeOnDelete: false` savepoints are not; none breaks the CRD.
#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn lint_on_the_operators_snapshot_examples() {
    let folder = shared_reference().join("flink-operator/examples/snapshot");
    let snapshot_findings = |file: &str| {
        let (code, found) = lint(&folder, file);
        let about_snapshots: Vec<(String, u64, String)> = found
            .iter()
            .filter(|(r, _, _)| r == "snapshot-data-kept" || r == "crd-schema")
            .cloned()
            .collect();
        (code, about_snapshots, found)
    };
    let warn = |line| {
        vec![(
            "snapshot-data-kept".to_string(),
            line,
            "warning".to_string(),
        )]
    };
    // `savepoint: {}` with a jobReference: disposal is the default.
    let (code, got, all) = snapshot_findings("savepoint-job-defaults.yaml");
    assert_eq!(got, warn(28), "{all:?}");
    assert_eq!(code, 0, "a warning does not fail lint: {all:?}");
    // `disposeOnDelete: true` spelled out: the warning points at it.
    let (_, got, all) = snapshot_findings("savepoint-job-full-spec.yaml");
    assert_eq!(got, warn(30), "{all:?}");
    for kept in ["checkpoint.yaml", "savepoint-already-exists.yaml"] {
        let (code, found) = lint(&folder, kept);
        assert_eq!((code, found), (0, vec![]), "{kept}");
    }
    // The FlinkDeployment beside a kept snapshot gets its own findings, the snapshot none.
    let (_, got, all) = snapshot_findings("job-from-savepoint.yaml");
    assert_eq!(got, vec![], "{all:?}");
    assert!(all.iter().all(|(_, line, _)| *line > 30), "{all:?}");
}

#[test]
fn lint_validates_snapshots_against_the_crd() {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(
        tmp.path().join("snap.yaml"),
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata: { name: s, namespace: orders }\nspec:\n  jobReference: { kind: FlinkDeployment, name: orders }\n  savepoint:\n    disposeOnDelete: false\n    formatType: BINARY\n",
    )
    .expect("write");
    let (code, found) = lint(tmp.path(), "snap.yaml");
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [("crd-schema".to_string(), 8, "error".to_string())],
        "formatType is CANONICAL, NATIVE or UNKNOWN"
    );
}
