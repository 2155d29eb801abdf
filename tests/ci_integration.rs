//! The pre-commit hooks under the real `pre-commit`, the way a platform repository uses them:
//! `pre-commit install`, then `git commit`.
//!
//! The hooks are the ones `.pre-commit-hooks.yaml` defines, taken into a `repo: local` config
//! unchanged except for two keys: `language: unsupported` (the binary is there already) and
//! the `entry`'s `flinkform` replaced by the binary under test. That keeps the tests fast and
//! faithful: pre-commit still decides which files each hook gets, runs `always_run`, and fails
//! a hook that modified files. (`language: rust` would build flinkform again for every test.)
//! `pre-commit validate-manifest` proves the manifest itself is valid for pre-commit.
//! pre-commit is installed by `.ci/run`; where it is missing, these tests are listed as
//! `ignored, needs pre-commit` (`tests/common/tools.rs`).

use crate::common;

use common::tools;
use common::{copy_dir, example, git, manifest_dir};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[test]
#[cfg_attr(missing_pre_commit, ignore = "needs pre-commit")]
fn the_hook_manifest_is_valid_for_pre_commit() {
    let out = Command::new(tools::require(&tools::PRE_COMMIT))
        .arg("validate-manifest")
        .arg(manifest_dir().join(".pre-commit-hooks.yaml"))
        .output()
        .expect("run pre-commit");
    assert!(out.status.success(), "{}", text(&out));
    let hooks = manifest();
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["flinkform-check", "flinkform-render"]);
    let render = &hooks[1];
    assert_eq!(
        render["always_run"], true,
        "a commit that only deletes a spec must run it"
    );
    assert_eq!(render["pass_filenames"], false);
    for h in &hooks {
        assert_eq!(h["language"], "rust");
        assert!(h["minimum_pre_commit_version"].is_string());
    }
}

#[test]
fn action_passes_untrusted_values_only_through_env() {
    // `${{ }}` inside a `run:` script is a script-injection hole; inputs and event data must
    // arrive through `env:`. The example workflow must not use pull_request_target.
    let action: serde_json::Value = serde_saphyr::from_str(
        &fs::read_to_string(manifest_dir().join("action.yml")).expect("action.yml"),
    )
    .expect("yaml");
    for step in action["runs"]["steps"].as_array().expect("steps") {
        if let Some(run) = step["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "expression inside a run script: {run}"
            );
        }
    }
    let workflow = fs::read_to_string(manifest_dir().join("docs/examples/github-workflow.yml"))
        .expect("workflow");
    assert!(!workflow.contains("pull_request_target"));
}

fn manifest() -> Vec<serde_json::Value> {
    let text = fs::read_to_string(manifest_dir().join(".pre-commit-hooks.yaml")).expect("read");
    serde_saphyr::from_str(&text).expect("hooks manifest")
}

/// A `.pre-commit-config.yaml` with the manifest's hooks as local hooks running the binary
/// under test; `args` per hook id.
fn local_config(args: &[(&str, &[&str])]) -> String {
    let bin = env!("CARGO_BIN_EXE_flinkform");
    let hooks: Vec<serde_json::Value> = manifest()
        .into_iter()
        .map(|mut h| {
            let entry = h["entry"].as_str().expect("entry").to_string();
            let rest = entry
                .strip_prefix("flinkform")
                .expect("entry runs flinkform");
            h["entry"] = format!("{bin}{rest}").into();
            h["language"] = "unsupported".into();
            if let Some((_, a)) = args.iter().find(|(id, _)| h["id"] == *id) {
                h["args"] = serde_json::json!(a);
            }
            h
        })
        .collect();
    serde_json::json!({ "repos": [{ "repo": "local", "hooks": hooks }] }).to_string()
}

/// A git repository holding `platform` (in `subfolder`, if given), committed, with the hooks
/// installed by `pre-commit install`.
struct Repo {
    dir: tempfile::TempDir,
    home: PathBuf,
    platform: PathBuf,
}

fn repo(subfolder: Option<&str>, args: &[(&str, &[&str])]) -> Repo {
    let dir = tempfile::tempdir().expect("tempdir");
    let platform = match subfolder {
        Some(s) => dir.path().join(s),
        None => dir.path().to_path_buf(),
    };
    copy_dir(&example(), &platform);
    fs::write(
        dir.path().join(".pre-commit-config.yaml"),
        local_config(args),
    )
    .expect("config");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "platform"]);
    let home = dir.path().join(".git/pre-commit-home");
    let out = pre_commit(dir.path(), &home, &["install"]);
    assert!(out.status.success(), "{}", text(&out));
    Repo {
        platform,
        home,
        dir,
    }
}

fn pre_commit(dir: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(tools::require(&tools::PRE_COMMIT))
        .current_dir(dir)
        .args(args)
        .env("PRE_COMMIT_HOME", home)
        .output()
        .expect("run pre-commit")
}

/// `git commit` (which runs the installed hooks): its output.
fn commit(r: &Repo, message: &str) -> Output {
    Command::new("git")
        .current_dir(r.dir.path())
        .args(["commit", "-q", "-m", message])
        .env("PRE_COMMIT_HOME", &r.home)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("FLINKFORM_TODAY", "2026-11-21")
        .env_remove("NO_COLOR")
        .output()
        .expect("git commit")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn tracked(r: &Repo, pattern: &str) -> Vec<String> {
    let out = Command::new("git")
        .current_dir(r.dir.path())
        .args(["ls-files"])
        .output()
        .expect("git ls-files");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(pattern))
        .map(str::to_string)
        .collect()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from} in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
#[cfg_attr(missing_pre_commit, ignore = "needs pre-commit")]
fn a_commit_that_deletes_a_spec_removes_its_output() {
    let r = repo(None, &[]);
    assert!(!tracked(&r, "rendered/prod-eu-1/order-audit/").is_empty());
    git(r.dir.path(), &["rm", "-q", "-r", "services/order-audit"]);
    // pre-commit passes no file for a deletion: only the render hook (always_run) sees it,
    // rewrites the output and fails the commit, as formatters do.
    let out = commit(&r, "retire order-audit");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("flinkform check") && t.contains("(no files to check)Skipped"),
        "{t}"
    );
    assert!(t.contains("files were modified by this hook"), "{t}");
    // 3 clusters × (manifests.yaml, kustomization.yaml, Flux Kustomization); no file lists
    // the services, so nothing else changes.
    assert!(t.contains("0 updated, 9 deleted"), "{t}");
    assert!(!r.platform.join("rendered/prod-eu-1/order-audit").exists());
    assert!(
        !r.platform
            .join("rendered/flux/prod-eu-1/order-audit.yaml")
            .exists()
    );
    // Staged, the commit goes through, and leaves nothing of the service behind.
    git(r.dir.path(), &["add", "-A"]);
    let out = commit(&r, "retire order-audit");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(tracked(&r, "order-audit"), Vec::<String>::new());
}

#[test]
#[cfg_attr(missing_pre_commit, ignore = "needs pre-commit")]
fn hooks_judge_only_what_the_commit_touches_and_say_each_finding_once() {
    let r = repo(None, &[]);
    // Already on main (committed past the hooks): a policy finding in one service and a
    // schema error in another.
    edit(
        &r.platform.join("services/payments-enricher/service.yaml"),
        "registry.acme.example/flink/payments-enricher:",
        "docker.io/someone/payments-enricher:",
    );
    let broken = r.platform.join("services/inventory-sync/service.yaml");
    edit(&broken, "    parallelism: 2", "    parallelsim: 2");
    git(r.dir.path(), &["add", "-A"]);
    git(
        r.dir.path(),
        &["commit", "-q", "--no-verify", "-m", "on main"],
    );
    // A change to another service: both hooks pass it (the render hook after writing).
    let spec = r.platform.join("services/fraud-detector/service.yaml");
    edit(&spec, "    parallelism: 8", "    parallelism: 9");
    git(
        r.dir.path(),
        &["add", "services/fraud-detector/service.yaml"],
    );
    let out = commit(&r, "fraud-detector: parallelism 9");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("flinkform check") && !t.contains("official-image"),
        "{t}"
    );
    assert!(
        t.contains("services/inventory-sync/service.yaml has errors and was not rendered"),
        "{t}"
    );
    assert!(t.contains("files were modified by this hook"), "{t}");
    let fd = fs::read_to_string(
        r.platform
            .join("rendered/prod-eu-1/fraud-detector/manifests.yaml"),
    )
    .expect("rendered");
    assert!(fd.contains("parallelism: 9"), "{fd}");
    assert!(
        r.platform
            .join("rendered/prod-eu-1/inventory-sync/manifests.yaml")
            .exists(),
        "a service whose spec has errors keeps its output"
    );
    git(r.dir.path(), &["add", "-A"]);
    let out = commit(&r, "fraud-detector: parallelism 9");
    assert!(out.status.success(), "{}", text(&out));
    // An error in the staged spec: the check hook reports it; the render hook keeps that
    // service's output and reports no finding: the finding is printed once.
    edit(&spec, "    parallelism: 9", "    parallelsim: 9");
    git(r.dir.path(), &["add", "-A"]);
    let out = commit(&r, "typo");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert_eq!(t.matches("unknown field `parallelsim`").count(), 1, "{t}");
    assert!(
        t.contains("services/fraud-detector/service.yaml:14:5"),
        "{t}"
    );
    // The render hook changed nothing (the spec's output stays as it was) and passes;
    // pre-commit does not show a passing hook's notes.
    assert!(
        t.lines()
            .any(|l| l.starts_with("flinkform render") && l.ends_with("Passed")),
        "{t}"
    );
}

#[test]
#[cfg_attr(missing_pre_commit, ignore = "needs pre-commit")]
fn a_platform_in_a_subfolder_works_from_the_git_root() {
    let r = repo(
        Some("platform"),
        &[("flinkform-render", &["-C", "platform"])],
    );
    let spec = r.platform.join("services/fraud-detector/service.yaml");
    edit(&spec, "    parallelism: 8", "    parallelsim: 8");
    git(r.dir.path(), &["add", "-A"]);
    let out = commit(&r, "typo");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    // pre-commit runs from the git root and passes git-root paths; the finding is shown
    // relative to where it runs.
    assert!(
        t.contains("platform/services/fraud-detector/service.yaml:14:5"),
        "{t}"
    );
    assert!(!t.contains("no flinkform.yaml found"), "{t}");
    edit(&spec, "    parallelsim: 8", "    parallelism: 10");
    git(r.dir.path(), &["add", "-A"]);
    let out = commit(&r, "parallelism 10");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the render hook rewrote the output: {}",
        text(&out)
    );
    git(r.dir.path(), &["add", "-A"]);
    let out = commit(&r, "parallelism 10");
    assert!(out.status.success(), "{}", text(&out));
    let fd = fs::read_to_string(
        r.platform
            .join("rendered/prod-eu-1/fraud-detector/manifests.yaml"),
    )
    .expect("rendered");
    assert!(fd.contains("parallelism: 10"), "{fd}");
}

/// The check hook's `files:` pattern passes `service.yml`, `Service.yaml` and a `service.yaml`
/// the include pattern does not reach, so `check` reports them (`spec-not-discovered`, a
/// warning by default: pre-commit shows a passing hook's output only with `--verbose`; a
/// platform that wants such commits stopped makes the rule an error, as here).
#[test]
#[cfg_attr(missing_pre_commit, ignore = "needs pre-commit")]
fn files_that_look_like_specs_reach_the_check_hook() {
    let r = repo(None, &[]);
    let spec =
        fs::read_to_string(r.platform.join("services/order-audit/service.yaml")).expect("read");
    for (path, name) in [
        ("services/billing/service.yml", "billing"),
        ("services/search/Service.yaml", "search"),
        ("services/team/ledger/service.yaml", "ledger"),
    ] {
        let file = r.platform.join(path);
        fs::create_dir_all(file.parent().expect("folder")).expect("mkdir");
        fs::write(
            &file,
            spec.replace("name: order-audit", &format!("name: {name}")),
        )
        .expect("write");
    }
    git(r.dir.path(), &["add", "-A"]);
    // By default a warning: the commit goes through (nothing is rendered for them).
    let out = Command::new("pre-commit")
        .current_dir(r.dir.path())
        .args(["run", "flinkform-check", "--verbose"])
        .env("PRE_COMMIT_HOME", &r.home)
        .env("FLINKFORM_TODAY", "2026-11-21")
        .output()
        .expect("run pre-commit");
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("3 warnings in 3 files"), "{t}");
    // Made an error by the platform, it stops the commit, naming each file and its fix.
    edit(
        &r.platform.join("flinkform.yaml"),
        "  policy:\n    rules:\n",
        "  policy:\n    rules:\n      spec-not-discovered: error\n",
    );
    git(r.dir.path(), &["add", "-A"]);
    let out = commit(&r, "three new services");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    for (path, help) in [
        (
            "services/billing/service.yml",
            "rename it to `services/billing/service.yaml`",
        ),
        (
            "services/search/Service.yaml",
            "rename it to `services/search/service.yaml`",
        ),
        (
            "services/team/ledger/service.yaml",
            "move it to `services/ledger/service.yaml`",
        ),
    ] {
        assert!(
            t.contains(&format!("`{path}` is never checked or rendered")),
            "{path}: {t}"
        );
        assert!(t.contains(&format!("╭─[{path}:1:1]")), "{path}: {t}");
        assert!(t.contains(help), "{help}: {t}");
    }
}
