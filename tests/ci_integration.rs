//! The CI integrations as their real consumers see them: the pre-commit hooks under the real
//! `pre-commit try-repo`, and `action.yml` plus the example workflow against the GitHub
//! Actions schemas (`check-jsonschema`). Both tools are installed by `.ci/run`; locally the
//! tests skip when a tool is missing.

mod common;

use common::{copy_dir, example, git, manifest_dir};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn have(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").is_err(),
            "{tool} is required in CI (see .ci/run)"
        );
        eprintln!("skipping: {tool} is not installed");
    }
    found
}

#[test]
fn action_and_example_workflow_match_the_github_schemas() {
    if !have("check-jsonschema") {
        return;
    }
    for (schema, file) in [
        ("vendor.github-actions", "action.yml"),
        (
            "vendor.github-workflows",
            "docs/examples/github-workflow.yml",
        ),
    ] {
        let out = Command::new("check-jsonschema")
            .args(["--builtin-schema", schema])
            .arg(manifest_dir().join(file))
            .output()
            .expect("run check-jsonschema");
        assert!(
            out.status.success(),
            "{file}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn action_passes_untrusted_values_only_through_env() {
    // `${{ }}` inside a `run:` script is a script-injection hole; inputs and event data must
    // arrive through `env:`. The example workflow must not use pull_request_target.
    let action = fs::read_to_string(manifest_dir().join("action.yml")).expect("action.yml");
    let mut in_run = false;
    let mut run_indent = 0;
    for line in action.lines() {
        let indent = line.len() - line.trim_start().len();
        if in_run && !line.trim().is_empty() && indent <= run_indent {
            in_run = false;
        }
        if line.trim_start().starts_with("run: |") || line.trim_start().starts_with("run:") {
            in_run = true;
            run_indent = indent;
            assert!(!line.contains("${{"), "expression in run: {line}");
            continue;
        }
        assert!(
            !(in_run && line.contains("${{")),
            "expression inside a run script: {line}"
        );
    }
    let workflow = fs::read_to_string(manifest_dir().join("docs/examples/github-workflow.yml"))
        .expect("workflow");
    assert!(!workflow.contains("pull_request_target"));
}

/// A git repository holding flinkform's sources (what pre-commit builds the hooks from).
fn hook_source() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    for item in [
        "Cargo.toml",
        "Cargo.lock",
        ".pre-commit-hooks.yaml",
        "README.md",
    ] {
        fs::copy(manifest_dir().join(item), tmp.path().join(item)).expect("copy");
    }
    for dir in ["src", "schemas"] {
        copy_dir(&manifest_dir().join(dir), &tmp.path().join(dir));
    }
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-q", "-m", "flinkform"]);
    tmp
}

fn try_repo(platform: &Path, source: &Path, hook: &str, all_files: bool) -> Output {
    let target = manifest_dir().join("target/pre-commit-build");
    let home = manifest_dir().join("target/pre-commit-home");
    let mut cmd = Command::new("pre-commit");
    cmd.current_dir(platform)
        .arg("try-repo")
        .arg(source)
        .arg(hook)
        .env("PRE_COMMIT_HOME", &home)
        // One build for every invocation, and a quicker one than the release profile.
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    if all_files {
        cmd.arg("--all-files");
    }
    cmd.output().expect("run pre-commit")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn pre_commit_hooks_run_under_real_pre_commit() {
    if !have("pre-commit") || !have("git") {
        return;
    }
    let source = hook_source();
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), repo.path());
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "platform"]);

    // Clean repository: the check passes.
    let out = try_repo(repo.path(), source.path(), "flinkform-check", true);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("flinkform check") && text(&out).contains("Passed"),
        "{}",
        text(&out)
    );

    // A bad spec fails, with the finding at its line.
    let spec = repo.path().join("services/fraud-detector/service.yaml");
    let original = fs::read_to_string(&spec).expect("read");
    fs::write(
        &spec,
        original.replace("    parallelism: 8", "    parallelsim: 8"),
    )
    .expect("write");
    git(repo.path(), &["add", "-A"]);
    let out = try_repo(repo.path(), source.path(), "flinkform-check", true);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("unknown field `parallelsim`")
            && text(&out).contains("services/fraud-detector/service.yaml:14:5"),
        "{}",
        text(&out)
    );

    // Without --all-files the hook gets only the staged files: another service's error is
    // not this commit's business.
    fs::write(&spec, &original).expect("restore");
    let other = repo.path().join("services/inventory-sync/service.yaml");
    let other_text = fs::read_to_string(&other).expect("read");
    fs::write(
        &other,
        other_text.replace("    parallelism: 2", "    parallelsim: 2"),
    )
    .expect("write");
    git(repo.path(), &["add", "-A"]);
    git(
        repo.path(),
        &["commit", "-q", "-m", "broken elsewhere", "--no-verify"],
    );
    fs::write(
        &spec,
        original.replace("    parallelism: 8", "    parallelism: 9"),
    )
    .expect("write");
    git(
        repo.path(),
        &["add", "services/fraud-detector/service.yaml"],
    );
    let out = try_repo(repo.path(), source.path(), "flinkform-check", false);
    assert!(
        out.status.success(),
        "only the staged spec is reported: {}",
        text(&out)
    );

    // The render hook rewrites what the change affects and fails, as formatters do; then passes.
    // (It renders the whole repository, so the other service must be sound again.)
    fs::write(&other, &other_text).expect("restore");
    git(repo.path(), &["add", "-A"]);
    let out = try_repo(repo.path(), source.path(), "flinkform-render", true);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("files were modified by this hook"),
        "{}",
        text(&out)
    );
    let rendered = fs::read_to_string(
        repo.path()
            .join("rendered/prod-eu-1/fraud-detector/flinkdeployment.yaml"),
    )
    .expect("read");
    assert!(rendered.contains("parallelism: 9"), "{rendered}");
    git(repo.path(), &["add", "-A"]);
    let out = try_repo(repo.path(), source.path(), "flinkform-render", true);
    assert!(out.status.success(), "{}", text(&out));
}
