use super::*;
use crate::source::SourceFile;

fn check(format: Format, text: &str) -> Vec<(String, usize, usize, Option<String>)> {
    let f = SourceFile::new("t.yaml", text);
    let doc = crate::yaml::load(FileId(0), &f).expect("valid yaml");
    violations(format, &doc, FileId(0), &f.text)
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
fn unquoted_flink_version_is_quoted_as_written() {
    // (as written, the message's number, the help): the note only where YAML's number
    // differs from the text.
    let cases = [
        (
            "1.20",
            "quote the version: `flinkVersion: \"1.20\"` (unquoted, YAML reads `1.20` as the number 1.2)",
        ),
        (
            "1.10",
            "quote the version: `flinkVersion: \"1.10\"` (unquoted, YAML reads `1.10` as the number 1.1)",
        ),
        ("1.9", "quote the version: `flinkVersion: \"1.9\"`"),
        ("1.19", "quote the version: `flinkVersion: \"1.19\"`"),
        ("2.0", "quote the version: `flinkVersion: \"2.0\"`"),
        ("2", "quote the version: `flinkVersion: \"2\"`"),
    ];
    for (written, help) in cases {
        let text = with(
            "  flinkVersion: \"1.20\"",
            &format!("  flinkVersion: {written}"),
        );
        let got = check(Format::Service, &text);
        assert_eq!(
            got,
            vec![(
                format!("`flinkVersion` must be a string, found the number {written}"),
                7,
                17,
                Some(help.to_string())
            )],
            "{written}"
        );
    }
    // In a flow mapping, and in the platform's defaults, the same.
    let text = with(
        "  flinkVersion: \"1.20\"\n",
        "  checkpointing: { interval: 60s }\n",
    )
    .replace(
        "  environments:",
        "  savepoints: { interval: 6h }\n  environments:",
    );
    assert_eq!(check(Format::Service, &text), vec![]);
    let platform = "apiVersion: flinkform/v1\nkind: Platform\nspec:\n  defaults: {flinkVersion: 1.20}\n  environments:\n    prod: { clusters: [prod-1] }\n";
    assert_eq!(
        check(Format::Platform, platform),
        vec![(
            "`flinkVersion` must be a string, found the number 1.20".into(),
            4,
            28,
            Some("quote the version: `flinkVersion: \"1.20\"` (unquoted, YAML reads `1.20` as the number 1.2)".into())
        )]
    );
}

#[test]
fn other_unquoted_strings_are_quoted_as_written() {
    let text = with("  team: risk", "  team: 0x1F");
    assert_eq!(
        check(Format::Service, &text),
        vec![(
            "`team` must be a string, found the number 0x1F".into(),
            5,
            9,
            Some(
                "quote it: `team: \"0x1F\"` (unquoted, YAML reads `0x1F` as the number 31)".into()
            )
        )]
    );
    let text = with("  team: risk", "  team: 4711");
    assert_eq!(
        check(Format::Service, &text)[0].3.as_deref(),
        Some("quote it: `team: \"4711\"`")
    );
    let text = with("  team: risk", "  team: true");
    assert_eq!(
        check(Format::Service, &text),
        vec![(
            "`team` must be a string, found the boolean true".into(),
            5,
            9,
            Some("quote it: `team: \"true\"`".into())
        )]
    );
    // A list item has no key to repeat.
    let text = with(
        "    parallelism: 4",
        "    parallelism: 4\n    args: [--n, 1.50]",
    );
    assert_eq!(
        check(Format::Service, &text),
        vec![(
            "`args[1]` must be a string, found the number 1.50".into(),
            11,
            17,
            Some("quote it: `\"1.50\"` (unquoted, YAML reads `1.50` as the number 1.5)".into())
        )]
    );
}

/// Every schema keyword's message states the constraint, and where the value is shown, the
/// value (issue 20: `reason: testing` was reported as "must not be empty").
#[test]
fn messages_state_the_constraint() {
    let waiver = |reason: &str| {
        format!(
            "apiVersion: flinkform/v1\nkind: Platform\nspec:\n  environments:\n    prod: {{ clusters: [prod-1] }}\n  policy:\n    waivers:\n      - rule: ha-enabled\n        service: orders\n        reason: {reason}\n        expires: 2027-01-31\n"
        )
    };
    assert_eq!(
        check(Format::Platform, &waiver("testing")),
        vec![(
            "`reason` must be at least 10 characters long, found 7".into(),
            10,
            17,
            Some("write at least 10 characters".into())
        )]
    );
    assert_eq!(
        check(Format::Platform, &waiver("HA bucket migration, INC-4711")),
        vec![]
    );
    let cases: [(&str, &str, &str, &str); 9] = [
        // minLength 1
        (
            "    parallelism: 4",
            "    parallelism: 4\n    entryClass: \"\"",
            "`entryClass` must not be empty",
            "give it a value, or remove the field",
        ),
        // minimum
        (
            "    parallelism: 4",
            "    parallelism: 0",
            "`parallelism` must be at least 1, found 0",
            "use 1 or more",
        ),
        // maximum
        (
            "    parallelism: 4",
            "    parallelism: 4\n  jobManager: { replicas: 7 }",
            "`replicas` must be at most 3, found 7",
            "use 3 or less",
        ),
        // const
        (
            "apiVersion: flinkform/v1",
            "apiVersion: flinkform/v2",
            "`apiVersion` must be `flinkform/v1`, found flinkform/v2",
            "write `flinkform/v1`",
        ),
        // enum
        (
            "    parallelism: 4",
            "    parallelism: 4\n    upgradeMode: fast",
            "`upgradeMode`: `fast` is not one of: savepoint, last-state, stateless",
            "use one of: savepoint, last-state, stateless",
        ),
        // minProperties
        (
            "  environments:\n    prod: {}\n    staging:\n      taskManager: { memory: 2Gi }\n",
            "  environments: {}\n",
            "`environments` needs at least 1 entry",
            "add an entry, e.g. `prod: {}`",
        ),
        // pattern (generic: the pattern itself)
        (
            "    parallelism: 4",
            "    parallelism: 4\n  secrets: [{ name: kafka, mountPath: etc/kafka }]",
            "`mountPath`: `etc/kafka` does not match the pattern `^/`",
            "change the value to match the pattern (docs/spec.md describes the field)",
        ),
        // pattern with a hint: durations above zero
        (
            "    parallelism: 4",
            "    parallelism: 4\n  checkpointing: { interval: 0s }",
            "`interval`: `0s` is not a duration",
            "write a whole number above zero with a unit: ms, s, m or h, e.g. \"60s\" or \"5m\"",
        ),
        // pattern with a hint: a version with a patch level
        (
            "  flinkVersion: \"1.20\"",
            "  flinkVersion: \"1.20.1\"",
            "`flinkVersion`: `1.20.1` is not a Flink version",
            "write the major.minor only, as a string: `\"1.20\"`",
        ),
    ];
    for (line, replacement, message, help) in cases {
        let got = check(Format::Service, &with(line, replacement));
        assert_eq!(got.len(), 1, "{replacement}:\n{got:#?}");
        assert_eq!(got[0].0, message, "{replacement}");
        assert_eq!(got[0].3.as_deref(), Some(help), "{replacement}");
    }
    // maxLength (a label value), minItems and uniqueItems (the platform's clusters).
    let got = check(
        Format::Service,
        &with(
            "  team: risk",
            &format!("  team: risk\n  labels: {{ tier: {} }}", "a".repeat(64)),
        ),
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].0,
        "`tier` must be at most 63 characters long, found 64"
    );
    assert_eq!(got[0].3.as_deref(), Some("shorten it to 63 or fewer"));
    let platform = |clusters: &str| {
        format!(
            "apiVersion: flinkform/v1\nkind: Platform\nspec:\n  environments:\n    prod: {{ clusters: {clusters} }}\n"
        )
    };
    let got = check(Format::Platform, &platform("[]"));
    assert_eq!(
        (got[0].0.as_str(), got[0].3.as_deref()),
        (
            "`clusters` needs at least 1 item",
            Some("add an item, or remove the field")
        )
    );
    let got = check(Format::Platform, &platform("[a, a]"));
    assert_eq!(
        (got[0].0.as_str(), got[0].3.as_deref()),
        (
            "`clusters` has duplicate entries",
            Some("list each entry once")
        )
    );
    // A Kubernetes name over its length says which length.
    let got = check(
        Format::Service,
        &with("    prod: {}", &format!("    {}: {{}}", "a".repeat(64))),
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].0,
        format!(
            "`{}` is not a valid Kubernetes name: it is 64 characters, at most 63 are allowed",
            "a".repeat(64)
        )
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
