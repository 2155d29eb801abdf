//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod consumers;
pub mod source_code;
pub mod tools;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example() -> PathBuf {
    manifest_dir().join("fixtures/example-platform")
}

/// `../shared/reference`, the public inputs tests read. A test that reads it is compiled as
/// `#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]` (see
/// [`tools`]), so it is listed as ignored when the folder is missing; when it runs, the folder
/// is there, or the test fails.
pub fn shared_reference() -> PathBuf {
    tools::require(&tools::SHARED_REFERENCE)
}

/// Runs flinkform in `dir`: (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = flinkform()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run flinkform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `flinkform render` in `dir`, failing the test with what it printed unless it succeeds.
pub fn render_ok(dir: &Path) {
    let (code, stdout, stderr) = run(dir, &["render"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// Runs flinkform in `dir` with arguments that ask for a `--format json` report: the exit code
/// and the report's findings.
pub fn json_findings(dir: &Path, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let (code, stdout, stderr) = run(dir, args);
    (code, json_diagnostics(stdout.as_bytes(), stderr.as_bytes()))
}

pub fn flinkform() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(env!("CARGO_BIN_EXE_flinkform"));
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

/// Every `# expect: rule[, rule…]` comment in the YAML files under `dir`, as
/// (repository-relative file, line, rule).
pub fn expectations(dir: &Path) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk fixtures");
        let path = entry.path();
        if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            continue;
        }
        let rel = path
            .strip_prefix(dir)
            .expect("under dir")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).expect("read fixture");
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if let Some((_, rules)) = line.split_once("# expect: ") {
                for rule in rules.split(',') {
                    out.insert((rel.clone(), i + 1, rule.trim().to_string()));
                }
            }
        }
    }
    out
}

/// (file, line, rule) of each diagnostic in a `--format json` document.
pub fn actual(json: &serde_json::Value) -> BTreeSet<(String, usize, String)> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0) as usize,
                d["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A copy of a fixture folder outside any git repository. Machine formats show paths relative
/// to the git repository around the platform; a fixture checked in place sits inside
/// flinkform's own repository and would be reported as `tests/fixtures/…/services/…`.
pub fn isolated(dir: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(dir, tmp.path());
    tmp
}

/// Copies a folder tree (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Runs git in `dir` with a fixed identity (tests must not depend on the machine's config).
pub fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The findings of a `--format json` report (its `diagnostics`), failing the test with what came
/// instead when the output is not such a report.
pub fn json_diagnostics(stdout: &[u8], stderr: &[u8]) -> Vec<serde_json::Value> {
    let stdout = String::from_utf8_lossy(stdout);
    let stderr = String::from_utf8_lossy(stderr);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    match json
        .get("diagnostics")
        .and_then(serde_json::Value::as_array)
    {
        Some(found) => found.clone(),
        None => panic!("no diagnostics in: {stdout}"),
    }
}

/// A text field of a JSON finding (`rule`, `file`, `severity`, `message`): "" when absent.
pub fn text_of(d: &serde_json::Value, field: &str) -> String {
    d[field].as_str().unwrap_or_default().to_string()
}

/// A number field of a JSON finding (`line`, `column`): 0 when absent.
pub fn number_of(d: &serde_json::Value, field: &str) -> u64 {
    d[field].as_u64().unwrap_or_default()
}
