//! What a new user trips over (issue 20), through the binary, with the exact messages: the
//! fixes in messages are computed from what the user wrote (item 2), and the rough edges of
//! the everyday commands (item 8). Item 1 (memory) is tests/rendered_memory.rs; item 7
//! (`explain`) is tests/docs.rs and tests/explain.rs.

use crate::common;

use common::{example, flinkform, isolated};
use std::fs;

/// The example platform, outside any git repository, with `edit` applied to a file.
fn example_with(file: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let repo = isolated(&example());
    let path = repo.path().join(file);
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, edit(text)).expect("write");
    repo
}

fn check_json(dir: &std::path::Path) -> (i32, Vec<serde_json::Value>) {
    let out = flinkform()
        .current_dir(dir)
        .env("FLINKFORM_TODAY", "2026-11-21")
        .args(["check", "--format", "json"])
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    (
        out.status.code().unwrap_or(-1),
        json["diagnostics"].as_array().cloned().unwrap_or_default(),
    )
}

/// (file:line:col, message, help) of each finding.
fn located(diags: &[serde_json::Value]) -> Vec<(String, String, String)> {
    diags
        .iter()
        .map(|d| {
            (
                format!(
                    "{}:{}:{}",
                    d["file"].as_str().unwrap_or(""),
                    d["line"],
                    d["column"]
                ),
                d["message"].as_str().unwrap_or("").to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Item 2: fixes computed from what was written
// ---------------------------------------------------------------------------------------------

#[test]
fn unquoted_versions_are_quoted_as_written() {
    for (written, note) in [
        ("1.20", " (unquoted, YAML reads `1.20` as the number 1.2)"),
        ("1.10", " (unquoted, YAML reads `1.10` as the number 1.1)"),
        ("1.19", ""),
        ("1.9", ""),
    ] {
        let repo = example_with("services/inventory-sync/service.yaml", |t| {
            t.replace(
                "flinkVersion: \"1.19\"",
                &format!("flinkVersion: {written}"),
            )
        });
        let (code, diags) = check_json(repo.path());
        assert_eq!(code, 1, "{written}");
        assert_eq!(
            located(&diags),
            vec![(
                "services/inventory-sync/service.yaml:9:17".to_string(),
                format!("`flinkVersion` must be a string, found the number {written}"),
                format!("quote the version: `flinkVersion: \"{written}\"`{note}"),
            )],
            "{written}"
        );
    }
}

#[test]
fn a_short_waiver_reason_says_how_short() {
    let repo = example_with("flinkform.yaml", |t| {
        t.replace(
            "    rules:\n      official-image: error\n",
            "    rules:\n      official-image: error\n    waivers:\n      - rule: ha-enabled\n        service: fraud-detector\n        reason: testing\n        expires: 2027-01-31\n",
        )
    });
    let (code, diags) = check_json(repo.path());
    assert_eq!(code, 1);
    assert_eq!(
        located(&diags),
        vec![(
            "flinkform.yaml:60:17".to_string(),
            "`reason` must be at least 10 characters long, found 7".to_string(),
            "write at least 10 characters".to_string(),
        )]
    );
}

#[test]
fn an_unpinned_image_is_pinned_in_its_own_name() {
    let repo = example_with("services/fraud-detector/service.yaml", |t| {
        t.replace(
            "image: registry.acme.example/flink/fraud-detector:1.4.2-flink1.20",
            "image: registry.acme.example/flink/fraud-detector:latest",
        )
    });
    let (code, diags) = check_json(repo.path());
    assert_eq!(code, 1);
    let found = located(&diags);
    assert!(!found.is_empty());
    for (at, message, help) in found {
        assert_eq!(at, "services/fraud-detector/service.yaml:9:10");
        assert_eq!(
            message,
            "image `registry.acme.example/flink/fraud-detector:latest` uses the moving tag `latest`"
        );
        assert_eq!(
            help,
            "pin a version tag, `registry.acme.example/flink/fraud-detector:<version>`, or a digest, `registry.acme.example/flink/fraud-detector@sha256:<digest>`"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Item 8: rough edges
// ---------------------------------------------------------------------------------------------

/// Runs flinkform with a stdout whose reader is already gone (`flinkform check | head -1`
/// after `head` exited): (exit code, stderr).
fn with_closed_stdout(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flinkform"))
        .current_dir(dir)
        .env("FLINKFORM_TODAY", "2026-11-21")
        .args(args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_the_run_quietly_with_its_own_exit_code() {
    let clean = isolated(&example());
    let failing = example_with("services/fraud-detector/service.yaml", |t| {
        t.replace("parallelism: 8", "parallelism: 0")
    });
    let cases: [(&std::path::Path, &[&str], i32); 8] = [
        (clean.path(), &["check"], 0),
        (failing.path(), &["check"], 1),
        (failing.path(), &["check", "--format", "json"], 1),
        (failing.path(), &["check", "--format", "sarif"], 1),
        (clean.path(), &["rules"], 0),
        (clean.path(), &["explain", "memory-matches-limit"], 0),
        (clean.path(), &["render", "--check"], 0),
        (clean.path(), &["schema", "service"], 0),
    ];
    for (dir, args, code) in cases {
        let (got, stderr) = with_closed_stdout(dir, args);
        assert_eq!((got, stderr.as_str()), (code, ""), "{args:?}");
    }
}

#[test]
fn an_io_error_is_said_once() {
    let repo = isolated(&example());
    let (code, _, stderr) = common::run(repo.path(), &["lint", "missing.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cannot read ") && stderr.contains("missing.yaml: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("caused by"), "{stderr}");
}

#[test]
fn render_check_says_what_it_did_not_do() {
    let repo = example_with("services/fraud-detector/service.yaml", |t| {
        t.replace("parallelism: 8", "parallelism: eight")
    });
    let (code, _, stderr) = common::run(repo.path(), &["render", "--check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.ends_with("note: the output folder was not compared with a fresh render: fix the findings reported (YAML, schema, unsafe-path, CRD, plain-text credential and namespace errors always block; other findings block at --fail-on)\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("nothing was written"), "{stderr}");
    let (code, _, stderr) = common::run(repo.path(), &["render"]);
    assert_eq!(code, 1);
    assert!(
        stderr.ends_with("note: nothing was written: fix the findings reported (YAML, schema, unsafe-path, CRD, plain-text credential and namespace errors always block; other findings block at --fail-on)\n"),
        "{stderr}"
    );
}

/// A manifest with one application (whose ingress is not kept), a session cluster, a session
/// job and a Service: tests/import.rs's.
const IMPORTED: &str = include_str!("fixtures/new_user/orders.yaml");

#[test]
fn a_refused_import_claims_nothing_about_what_it_did_not_show() {
    let repo = isolated(&example());
    fs::write(repo.path().join("orders.yaml"), IMPORTED).expect("write");
    let (code, stdout, _) = common::run(repo.path(), &["import", "orders.yaml"]);
    assert_eq!(code, 1);
    assert!(
        stdout.ends_with("1 of 3 Flink resources imported; 1 with settings that were not kept (`not kept` above)\n"),
        "{stdout}"
    );
    let (code, stdout, _) = common::run(repo.path(), &["import", "orders.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stdout.starts_with("refused   orders from orders.yaml: services/orders/service.yaml already exists; import never overwrites a spec\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("\n0 of 3 Flink resources imported\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("not kept"), "{stdout}");
}

#[test]
fn counts_agree_with_their_nouns() {
    // One byte, in a spec's memory.
    let repo = example_with("services/fraud-detector/service.yaml", |t| {
        t.replace("memory: 8Gi", "memory: \"1\"")
    });
    let (code, diags) = check_json(repo.path());
    assert_eq!(code, 1);
    assert_eq!(
        located(&diags),
        vec![(
            "services/fraud-detector/service.yaml:16:34".to_string(),
            "`1` has no unit, so Kubernetes and Flink both read it as 1 byte; write `1Mi` if you meant MiB".to_string(),
            "write `1Mi`".to_string(),
        )]
    );
    // One byte in Kubernetes notation, in a hand-written manifest.
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("m.yaml"),
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: { name: orders, namespace: orders }\nspec:\n  flinkVersion: v1_20\n  jobManager:\n    resource: { cpu: 1, memory: 1000m }\n",
    )
    .expect("write");
    let (_, stdout, _) = common::run(dir.path(), &["lint", "--format", "json", "m.yaml"]);
    assert!(
        stdout.contains("`jobManager.resource.memory: 1000m` is 1000 MiB to the operator, but 1 byte in Kubernetes notation"),
        "{stdout}"
    );
    // One file, in render's summary and JUnit's clean test case.
    let one = tempfile::tempdir().expect("tempdir");
    fs::write(one.path().join("flinkform.yaml"), "apiVersion: flinkform/v1\nkind: Platform\nspec:\n  environments:\n    prod: { clusters: [prod-1] }\n").expect("write");
    let (code, stdout, _) = common::run(one.path(), &["check", "--format", "junit"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("name=\"1 file: no findings\""), "{stdout}");
    let (code, stdout, _) = common::run(one.path(), &["check"]);
    assert_eq!((code, stdout.as_str()), (0, "no findings in 1 file\n"));
}

#[test]
fn progress_never_reaches_a_pipe() {
    // Tests capture stderr through a pipe: a render of the example shows no progress there.
    let repo = isolated(&example());
    fs::remove_dir_all(repo.path().join("rendered")).expect("rm");
    let (code, stdout, stderr) = common::run(repo.path(), &["render"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
    assert!(
        stdout.starts_with("rendered ") && stdout.contains(" files into rendered/: "),
        "{stdout}"
    );
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), a render shows its progress on
/// stderr, clears it, and then prints its summary; with a machine format it shows none.
#[test]
#[cfg_attr(missing_script, ignore = "needs script (util-linux)")]
fn progress_shows_on_a_terminal_and_is_cleared() {
    let script = common::tools::require(&common::tools::SCRIPT);
    let repo = isolated(&example());
    let bin = env!("CARGO_BIN_EXE_flinkform");
    let on_terminal = |command: &str| {
        let out = std::process::Command::new(&script)
            .current_dir(repo.path())
            .env("FLINKFORM_PROGRESS_DELAY_MS", "0")
            .env("COLUMNS", "100")
            .args(["-qec", command, "/dev/null"])
            .output()
            .expect("script runs");
        assert!(out.status.success(), "{command}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let human = on_terminal(&format!("'{bin}' render --check"));
    assert!(human.contains("/7 services"), "{human:?}");
    // The bar is cleared (erase line) before the command's own output.
    let cleared = human.rfind("\x1b[2K").expect("the bar is cleared");
    let summary = human.find("rendered/ is up to date").expect("summary");
    assert!(cleared < summary, "{human:?}");
    let machine = on_terminal(&format!("'{bin}' render --check --format json"));
    assert!(!machine.contains("/7 services"), "{machine:?}");
}
