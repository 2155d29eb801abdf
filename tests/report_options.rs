//! The report contract of `--format` and `--output`, in every documented combination: an
//! `--output FILE` applies to the `--format` right before it; a `--format` without one goes to
//! stdout; two formats on stdout, an `--output` with no `--format` before it, or two
//! `--output`s for one `--format` are usage errors (exit 2, nothing written). And options
//! given twice take their last value, so arguments appended to a command line win.

use crate::common;

use common::{flinkform, isolated, manifest_dir};
use std::fs;
use std::path::Path;

/// Runs flinkform in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = flinkform()
        .current_dir(dir)
        .env("FLINKFORM_TODAY", "2026-11-21")
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn policy() -> tempfile::TempDir {
    isolated(&manifest_dir().join("tests/fixtures/check/policy"))
}

fn kind(text: &str) -> &'static str {
    if text.starts_with("::") {
        "github"
    } else if text.starts_with("## flinkform") {
        "markdown"
    } else if text.starts_with("<?xml") {
        "junit"
    } else if text.contains("\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\"") {
        "sarif"
    } else if text.starts_with("{\n  \"version\": 1") {
        "json"
    } else if text.contains("error in") || text.contains("errors,") {
        "human"
    } else {
        "unknown"
    }
}

#[test]
fn each_output_belongs_to_the_format_right_before_it() {
    let repo = policy();
    let d = repo.path();
    // The case issue 12 reported: github to stdout, Markdown to A, SARIF to B.
    let (code, stdout, _) = run(
        d,
        &[
            "check", "--format", "github", "--format", "markdown", "--output", "A", "--format",
            "sarif", "--output", "B",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(kind(&stdout), "github");
    assert_eq!(
        kind(&fs::read_to_string(d.join("A")).expect("A")),
        "markdown"
    );
    assert_eq!(kind(&fs::read_to_string(d.join("B")).expect("B")), "sarif");
    // Every format to a file: nothing on stdout.
    let (code, stdout, _) = run(
        d,
        &[
            "check", "--format", "json", "--output", "j", "--format", "junit", "--output", "x",
            "--format", "human", "--output", "h",
        ],
    );
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(kind(&fs::read_to_string(d.join("j")).expect("j")), "json");
    assert_eq!(kind(&fs::read_to_string(d.join("x")).expect("x")), "junit");
    let human = fs::read_to_string(d.join("h")).expect("h");
    assert_eq!(kind(&human), "human");
    assert!(!human.contains('\u{1b}'), "no colour in a file");
    // The one format without an --output goes to stdout, wherever it stands.
    let (code, stdout, _) = run(
        d,
        &[
            "check", "--format", "sarif", "--output", "s", "--format", "json",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(kind(&stdout), "json");
    assert_eq!(kind(&fs::read_to_string(d.join("s")).expect("s")), "sarif");
    // No --format: human on stdout; one --format: that one.
    assert_eq!(kind(&run(d, &["check"]).1), "human");
    assert_eq!(kind(&run(d, &["check", "--format", "junit"]).1), "junit");
}

/// `--output -` is stdout, as in most tools (it created a file named `-`).
#[test]
fn output_dash_is_stdout() {
    let repo = policy();
    let d = repo.path();
    let (code, stdout, _) = run(d, &["check", "--format", "json", "--output", "-"]);
    assert_eq!(kind(&stdout), "json");
    assert_eq!(code, run(d, &["check", "--format", "json"]).0);
    assert!(!d.join("-").exists());
}

#[test]
fn ambiguous_destinations_are_usage_errors_and_write_nothing() {
    let repo = policy();
    let d = repo.path();
    for (args, message) in [
        (
            &["check", "--format", "json", "--format", "sarif"][..],
            "only one --format can go to stdout, but json, sarif have no --output",
        ),
        (
            &["check", "--output", "o1"][..],
            "--output o1 has no --format before it",
        ),
        (
            &["check", "--output", "o1", "--format", "json"][..],
            "--output o1 has no --format before it",
        ),
        (
            &[
                "check", "--format", "json", "--output", "o1", "--output", "o2",
            ][..],
            "--format json has two --output files (o1 and o2)",
        ),
        (
            &[
                "check", "--format", "json", "--output", "o1", "--format", "github", "--format",
                "human",
            ][..],
            "only one --format can go to stdout, but github, human have no --output",
        ),
        (
            &[
                "check", "--format", "json", "--output", "o1", "--format", "sarif", "--output",
                "./o1",
            ][..],
            "--format json and --format sarif both write to ./o1",
        ),
        (
            &[
                "check", "--format", "json", "--output", "-", "--format", "sarif",
            ][..],
            "only one --format can go to stdout, but json, sarif have no --output",
        ),
    ] {
        let (code, stdout, stderr) = run(d, args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(
            !d.join("o1").exists() && !d.join("o2").exists(),
            "{args:?} wrote a file"
        );
    }
}

#[test]
fn render_check_and_lint_pair_their_reports_the_same_way() {
    let repo = isolated(&common::example());
    let d = repo.path();
    let (code, stdout, _) = run(
        d,
        &[
            "render",
            "--check",
            "--format",
            "github",
            "--format",
            "json",
            "--output",
            "drift.json",
        ],
    );
    assert_eq!((code, stdout.as_str()), (0, ""));
    assert_eq!(
        kind(&fs::read_to_string(d.join("drift.json")).expect("json")),
        "json"
    );
    // lint outside any platform (the built-in defaults).
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let d = elsewhere.path();
    let manifest = manifest_dir().join("tests/fixtures/lint/compliant.yaml");
    let m = manifest.to_str().expect("path");
    let (code, stdout, _) = run(
        d,
        &[
            "lint",
            m,
            "--format",
            "sarif",
            "--output",
            "lint.sarif",
            "--format",
            "junit",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(kind(&stdout), "junit");
    assert_eq!(
        kind(&fs::read_to_string(d.join("lint.sarif")).expect("sarif")),
        "sarif"
    );
    let (code, _, stderr) = run(d, &["lint", m, "--output", "x"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("has no --format before it"), "{stderr}");
}

#[test]
fn an_option_given_twice_takes_its_last_value() {
    let repo = policy();
    let d = repo.path();
    assert_eq!(run(d, &["check", "--fail-on", "never"]).0, 0);
    assert_eq!(
        run(d, &["check", "--fail-on", "never", "--fail-on", "error"]).0,
        1
    );
    assert_eq!(
        run(d, &["check", "--fail-on", "error", "--fail-on", "never"]).0,
        0
    );
    let (_, coloured, _) = run(d, &["check", "--color", "never", "--color", "always"]);
    assert!(coloured.contains('\u{1b}'), "the last --color wins");
    let (_, plain, _) = run(d, &["check", "--color", "always", "--color", "never"]);
    assert!(!plain.contains('\u{1b}'));
}

#[test]
fn help_states_the_contract() {
    for command in ["check", "render", "lint"] {
        let (code, stdout, _) = run(Path::new("."), &[command, "--help"]);
        assert_eq!(code, 0);
        assert!(
            stdout.contains(
                "a format without an `--output` goes to stdout, and at most one format may go there"
            ),
            "{command}: {stdout}"
        );
        assert!(
            stdout.contains("Write the report of the `--format` right before this option to FILE"),
            "{command}: {stdout}"
        );
    }
}
