use super::*;
use crate::source::SourceFile;

fn check(format: Format, text: &str) -> Vec<(String, usize, usize, Option<String>)> {
    let f = SourceFile::new("t.yaml", text);
    let doc = crate::yaml::load(FileId(0), &f).expect("valid yaml");
    validate(format, &doc, FileId(0))
        .into_iter()
        .map(|d| {
            let span = d.primary.expect("located").span;
            let lc = f.line_col(span.start as usize);
            (d.message, lc.line, lc.column, d.help)
        })
        .collect()
}

#[test]
fn schemas_compile() {
    let _ = schemas();
}

const VALID: &str = r#"apiVersion: flinkform/v1
kind: FlinkService
metadata:
  name: fraud-detector
  team: risk
spec:
  flinkVersion: "1.20"
  job:
    jarURI: local:///opt/flink/usrlib/job.jar
    parallelism: 4
  taskManager:
    memory: 4Gi
    cpu: "500m"
  environments:
    prod: {}
    staging:
      taskManager: { memory: 2Gi }
"#;

fn with(line: &str, replacement: &str) -> String {
    assert!(VALID.contains(line), "fixture line {line:?}");
    VALID.replacen(line, replacement, 1)
}

#[test]
fn valid_spec_has_no_findings() {
    assert_eq!(check(Format::Service, VALID), vec![]);
}

#[test]
fn unknown_key_points_at_key_with_suggestion() {
    let text = with("    parallelism: 4", "    parallelsim: 4");
    let got = check(Format::Service, &text);
    assert_eq!(
        got,
        vec![(
            "unknown field `parallelsim`".into(),
            10,
            5,
            Some("did you mean `parallelism`?".into())
        )]
    );
}

#[test]
fn unknown_key_in_overlay_and_spec_level() {
    let text = with("  environments:", "  jobmanager: {}\n  environments:");
    let got = check(Format::Service, &text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1, got[0].2),
        ("unknown field `jobmanager`", 14, 3)
    );
    assert_eq!(got[0].3.as_deref(), Some("did you mean `jobManager`?"));
    let text = with(
        "      taskManager: { memory: 2Gi }",
        "      taskManger: { memory: 2Gi }",
    );
    let got = check(Format::Service, &text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1, got[0].2),
        ("unknown field `taskManger`", 17, 7)
    );
    assert_eq!(got[0].3.as_deref(), Some("did you mean `taskManager`?"));
}

#[test]
fn wrong_type_points_at_value() {
    let text = with("    parallelism: 4", "    parallelism: four");
    assert_eq!(
        check(Format::Service, &text),
        vec![(
            "`parallelism` must be an integer, found the string \"four\"".into(),
            10,
            18,
            Some("change it to an integer".into())
        )]
    );
}

#[test]
fn unquoted_flink_version_explains_the_float() {
    let text = with("  flinkVersion: \"1.20\"", "  flinkVersion: 1.20");
    let got = check(Format::Service, &text);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].1, got[0].2), (7, 17));
    assert_eq!(
        got[0].0,
        "`flinkVersion` must be a string, found the number 1.2"
    );
    assert!(
        got[0]
            .3
            .as_deref()
            .is_some_and(|h| h.contains("quote the version"))
    );
}

#[test]
fn missing_required_points_at_parent_key() {
    let text = with("  team: risk\n", "");
    assert_eq!(
        check(Format::Service, &text),
        vec![(
            "missing required field `team`".into(),
            3,
            1,
            Some("add `team`".into())
        )]
    );
}

#[test]
fn missing_required_at_root_points_at_first_key() {
    let text = with("kind: FlinkService\n", "");
    let got = check(Format::Service, &text);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].0.as_str(), got[0].1, got[0].2),
        ("missing required field `kind`", 1, 1)
    );
}

#[test]
fn ambiguous_memory_units_are_explained() {
    for (bad, line) in [("4G", 12), ("4g", 12), ("4096m", 12)] {
        let text = with("    memory: 4Gi", &format!("    memory: {bad}"));
        let got = check(Format::Service, &text);
        assert_eq!(got.len(), 1, "{bad}: {got:?}");
        assert_eq!((got[0].1, got[0].2), (line, 13), "{bad}");
        assert!(got[0].0.contains(bad), "{bad}: {}", got[0].0);
    }
}

#[test]
fn service_names_are_dns_labels_of_at_most_45() {
    let long = "a".repeat(46);
    let got = check(
        Format::Service,
        &with("  name: fraud-detector", &format!("  name: {long}")),
    );
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].0,
        format!("service name `{long}` is 46 characters; the Flink operator allows at most 45")
    );
    assert_eq!((got[0].1, got[0].2), (4, 9));
    for bad in [
        "Fraud-Detector",
        "fraud_detector",
        "../etc",
        "fraud-",
        "9lives",
        "frauddétecteur",
    ] {
        let got = check(
            Format::Service,
            &with("  name: fraud-detector", &format!("  name: \"{bad}\"")),
        );
        assert_eq!(got.len(), 1, "{bad}: {got:?}");
        assert_eq!(
            got[0].0,
            format!("`{bad}` is not a valid service name"),
            "{bad}"
        );
    }
}

#[test]
fn bad_enum_suggests() {
    let text = with(
        "    parallelism: 4",
        "    parallelism: 4\n    upgradeMode: lastState",
    );
    let got = check(Format::Service, &text);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].0,
        "`upgradeMode`: `lastState` is not one of: savepoint, last-state, stateless"
    );
    assert_eq!(got[0].3.as_deref(), Some("did you mean `last-state`?"));
    assert_eq!((got[0].1, got[0].2), (11, 18));
}

#[test]
fn bad_cpu_reports_branch_mismatch() {
    let text = with("    cpu: \"500m\"", "    cpu: \"half\"");
    let got = check(Format::Service, &text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].1, got[0].2), (13, 10));
}

#[test]
fn bad_environment_name_points_at_key() {
    let text = with("    prod: {}", "    Prod: {}");
    let got = check(Format::Service, &text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "`Prod` is not a valid Kubernetes name");
    assert_eq!((got[0].1, got[0].2), (15, 5));
}

#[test]
fn null_removes_and_is_not_a_type_error() {
    let text = with(
        "    parallelism: 4",
        "    parallelism: 4\n    entryClass: null\n  checkpointing: null",
    );
    assert_eq!(check(Format::Service, &text), vec![]);
    // But a required field that is null is missing.
    let text = with("  team: risk", "  team: null");
    let got = check(Format::Service, &text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "missing required field `team`");
}

#[test]
fn platform_schema_refers_to_service_definitions() {
    let text = "apiVersion: flinkform/v1\nkind: Platform\nspec:\n  environments:\n    prod:\n      clusters: [prod-1]\n      defaults:\n        taskManager: { memory: 4G }\n";
    let got = check(Format::Platform, text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].1, got[0].2), (8, 32));
}
