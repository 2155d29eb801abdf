//! File-driven `check` cases: every repository under `tests/fixtures/check/` is checked; the
//! findings must be exactly the `# expect: RULE` comments in its files (same file, same line,
//! nothing more), and their exact positions and messages are pinned by a JSON snapshot.

use crate::common;

use common::{actual, expectations, flinkform, isolated, manifest_dir};

fn run_case(name: &str) {
    let dir = manifest_dir().join("tests/fixtures/check").join(name);
    let expected = expectations(&dir);
    let copy = isolated(&dir);
    let out = flinkform()
        .current_dir(copy.path())
        .env("FLINKFORM_TODAY", "2026-11-21")
        .args(["check", "--format", "json"])
        .output()
        .expect("run flinkform");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    assert_eq!(
        actual(&json),
        expected,
        "{name}: findings differ from # expect comments"
    );
    let has_error = json["summary"]["errors"].as_u64().unwrap_or(0) > 0;
    assert_eq!(
        out.status.code(),
        Some(if has_error { 1 } else { 0 }),
        "{name}: exit code"
    );
    insta::assert_json_snapshot!(name, json);
}

#[test]
fn schema_errors() {
    run_case("schema-errors");
}

/// The platform config's own core errors, each with its rule: a cluster in two environments,
/// a template with an unknown placeholder, a waiver date that does not exist.
#[test]
fn core_errors_of_the_platform_config() {
    run_case("core-errors");
}

/// Severities per environment, `off`, waivers (active, expired, unused) and a misspelled rule.
#[test]
fn policy_settings_and_waivers() {
    run_case("policy");
}

#[test]
fn operator_rules() {
    run_case("operator-rules");
}

/// Reserved namespaces (built-in and the platform's `policy.reservedNamespaces`), pod security
/// per environment (baseline in staging, restricted in prod, where flinkform renders what the
/// level requires) and a service account moved through flinkConfiguration.
#[test]
fn names_and_pod_security() {
    run_case("boundary");
}

/// Files that look like specs but are not discovered, each reported with its fix; excluded
/// ones, a service's own sub-folders and other names are not.
#[test]
fn files_that_look_like_specs_are_reported() {
    run_case("discovery");
}

/// Folder names are service names: clashes between folders of one name, and a name that is
/// not its folder's.
#[test]
fn folders_are_named_after_their_services() {
    run_case("nested");
}
