//! Vendor distributions of the operator (`src/facts/dialect.rs`), recognised once and used by
//! every rule and by `import`: Amazon EMR on EKS's own fields are EMR's (typed as EMR types
//! them, HA through its own switch), IBM Event Automation leaves the image and the Flink
//! version to its operator. The fixtures in `tests/fixtures/dialects/` were written for this
//! test; each is clean as written, and each mutation below makes exactly the finding it should.

use crate::common;

use common::{copy_dir, example, json_findings, manifest_dir, number_of, run, text_of};
use std::fs;

fn fixture(name: &str) -> String {
    fs::read_to_string(manifest_dir().join("tests/fixtures/dialects").join(name)).expect("fixture")
}

/// Lints `text` as a file of its own: (exit code, (line, rule, message) of every finding).
fn lint(text: &str) -> (i32, Vec<(u64, String, String)>) {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("m.yaml"), text).expect("write");
    let (code, found) = json_findings(dir.path(), &["lint", "m.yaml", "--format", "json"]);
    let found = found
        .iter()
        .map(|d| {
            (
                number_of(d, "line"),
                text_of(d, "rule"),
                text_of(d, "message"),
            )
        })
        .collect();
    (code, found)
}

#[test]
fn the_dialect_fixtures_are_clean_as_written() {
    for name in ["emr-on-eks.yaml", "ibm.yaml"] {
        assert_eq!(lint(&fixture(name)), (0, Vec::new()), "{name}");
    }
}

#[test]
fn emr_fields_are_validated_as_emr_s() {
    let emr = fixture("emr-on-eks.yaml");
    // A wrong type in an EMR field is a CRD finding, at that line, naming EMR.
    let (code, found) = lint(&emr.replace(
        "highAvailabilityEnabled: true",
        "highAvailabilityEnabled: \"yes\"",
    ));
    assert_eq!(code, 1);
    let crd: Vec<_> = found.iter().filter(|(_, r, _)| r == "crd-schema").collect();
    assert_eq!(crd.len(), 1, "{found:?}");
    assert_eq!(crd[0].0, 22);
    assert!(
        crd[0]
            .2
            .ends_with("/spec/jobManager/highAvailabilityEnabled: expected boolean (Amazon EMR on EKS's field), found string"),
        "{}",
        crd[0].2
    );
    // A field EMR does not have either is still unknown.
    let (_, found) = lint(&emr.replace("executionRoleArn:", "executionRoleArm:"));
    assert!(
        found.iter().any(|(l, r, m)| *l == 9
            && r == "crd-schema"
            && m.contains("unknown field `executionRoleArm`")),
        "{found:?}"
    );
    // Each EMR field has EMR's type.
    let (_, found) = lint(&emr.replace(
        "emrReleaseLabel: emr-7.9.0-flink-latest",
        "emrReleaseLabel: [7]",
    ));
    assert!(
        found.iter().any(|(l, r, m)| *l == 8
            && r == "crd-schema"
            && m.ends_with(
                "/spec/emrReleaseLabel: expected string (Amazon EMR on EKS's field), found sequence"
            )),
        "{found:?}"
    );
}

#[test]
fn emr_high_availability_is_its_own_switch() {
    let emr = fixture("emr-on-eks.yaml");
    let (code, found) = lint(&emr.replace(
        "highAvailabilityEnabled: true",
        "highAvailabilityEnabled: false",
    ));
    assert_eq!(code, 1);
    let ha: Vec<_> = found.iter().filter(|(_, r, _)| r == "ha-enabled").collect();
    assert_eq!(ha.len(), 1, "{found:?}");
    assert!(ha[0].2.starts_with("high availability is off"), "{ha:?}");
    // HA on through EMR's switch needs durable storage in EMR's storageDir.
    let (_, found) = lint(&emr.replace("storageDir: s3://clicks-bucket/ha", "storageDir: /tmp/ha"));
    assert!(
        found.iter().any(|(l, r, m)| *l == 23
            && r == "ha-enabled"
            && m.contains("`/tmp/ha`, which does not survive the pod")),
        "{found:?}"
    );
}

#[test]
fn ibm_leaves_image_and_version_to_its_operator_but_apache_does_not() {
    let (code, found) = lint(&fixture("ibm.yaml"));
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    // The same object without IBM's licence keys is the Apache operator's: a missing
    // flinkVersion is then the operator's rejection.
    let apache = fixture("ibm.yaml")
        .lines()
        .filter(|l| !l.trim_start().starts_with("license."))
        .collect::<Vec<_>>()
        .join("\n");
    let (_, found) = lint(&apache);
    assert!(
        found.iter().any(|(_, r, _)| r == "flink-version-supported"),
        "{found:?}"
    );
}

fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    tmp
}

#[test]
fn import_reports_a_vendor_dialect_and_keeps_emr_ha() {
    let repo = example_copy();
    fs::write(repo.path().join("emr.yaml"), fixture("emr-on-eks.yaml")).expect("write");
    fs::write(repo.path().join("ibm.yaml"), fixture("ibm.yaml")).expect("write");
    let (code, stdout, stderr) = run(
        repo.path(),
        &[
            "import",
            "--team",
            "web",
            "emr.yaml",
            "ibm.yaml",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "  note      spec: written for Amazon EMR on EKS's distribution of the Flink operator"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  note      spec: written for IBM Event Automation's distribution"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  not kept  spec.executionRoleArn: dropped: EMR on EKS's job role"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  note      spec.jobManager.highAvailabilityEnabled: EMR on EKS's HA switch: written as highAvailability"),
        "{stdout}"
    );
    // The example platform has a default Flink version, so IBM's omitted one is filled in,
    // and said so; its image is not defaulted there, so the spec cannot render until it is set.
    assert!(
        stdout.contains("  note      spec.flinkVersion: not set (IBM Event Automation's operator fills it in); the platform default applies"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  not kept  spec.image: not set (IBM Event Automation's operator fills it in), and the platform sets no default"),
        "{stdout}"
    );
    let spec = fs::read_to_string(repo.path().join("services/clicks/service.yaml")).expect("spec");
    assert!(spec.contains("\n  highAvailability: true\n"), "{spec}");
    assert!(!spec.contains("\n  emrReleaseLabel:"), "{spec}");

    // The JSON document names the dialect.
    let again = example_copy();
    fs::write(again.path().join("emr.yaml"), fixture("emr-on-eks.yaml")).expect("write");
    let (_, stdout, _) = run(
        again.path(),
        &[
            "import",
            "--team",
            "web",
            "emr.yaml",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["specs"][0]["dialect"], "Amazon EMR on EKS");
}
