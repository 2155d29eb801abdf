//! `action.yml` run the way the GitHub runner runs it (the emulator in `tests/runner/`), on
//! pull requests against real repositories, and what it produced fed to the real consumers:
//! Microsoft's SARIF validator with GitHub's rules, the runner's own workflow-command parser,
//! the JUnit schema with xmllint, a Markdown parser, and GitHub's size and annotation limits.
//!
//! flinkform comes from a local "release" (the test binary, packaged as the release workflow
//! packages it, checksum committed in the action's copy), so the install step runs for real
//! without compiling; one test takes the build-from-source path with a stand-in `cargo`.

use crate::common;
use crate::runner;

use crate::synth_generator as synth;

use common::consumers::{self, limits};
use common::{copy_dir, example, git, manifest_dir};
use runner::{Outcome, Run, Runner};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_flinkform"))
}

/// The release target of this machine, as action/install.sh names it.
fn target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        other => panic!("no release target for {other:?}"),
    }
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .or_else(|_| {
            Command::new("shasum")
                .args(["-a", "256"])
                .arg(path)
                .output()
        })
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("hash")
        .to_string()
}

/// How the action's copy finds flinkform.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Release {
    /// A release of the test binary with its checksum committed beside the action.
    Verified,
    /// A release whose archive does not match the committed checksum.
    Tampered,
    /// A release whose binary does not run on this machine (as a glibc-linked binary fails on
    /// an older C library), checksum committed.
    DoesNotRun,
    /// No checksums committed: build from source (with a stand-in cargo).
    None,
}

/// The action's folder (what `uses:` checks out): a copy of this repository's action files
/// and sources, and a folder of releases for `release-url`.
struct Action {
    dir: tempfile::TempDir,
    releases: tempfile::TempDir,
}

fn action(release: Release) -> Action {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = manifest_dir();
    for f in ["action.yml", "Cargo.toml", "Cargo.lock"] {
        fs::copy(root.join(f), dir.path().join(f)).expect("copy");
    }
    for d in ["action", "src", "schemas", "dist"] {
        copy_dir(&root.join(d), &dir.path().join(d));
    }
    let releases = tempfile::tempdir().expect("tempdir");
    if release != Release::None {
        let version_dir = releases.path().join(format!("v{VERSION}"));
        fs::create_dir_all(&version_dir).expect("mkdir");
        let stage = tempfile::tempdir().expect("tempdir");
        if release == Release::DoesNotRun {
            fs::write(
                stage.path().join("flinkform"),
                "#!/bin/sh\necho \"flinkform: /lib/x86_64-linux-gnu/libc.so.6: version \\`GLIBC_2.35' not found (required by flinkform)\" >&2\nexit 1\n",
            )
            .expect("write");
            Command::new("chmod")
                .arg("+x")
                .arg(stage.path().join("flinkform"))
                .status()
                .expect("chmod");
        } else {
            fs::copy(binary(), stage.path().join("flinkform")).expect("copy binary");
        }
        let archive = format!("flinkform-v{VERSION}-{}.tar.gz", target());
        let status = Command::new("tar")
            .arg("-czf")
            .arg(version_dir.join(&archive))
            .arg("-C")
            .arg(stage.path())
            .arg("flinkform")
            .status()
            .expect("tar");
        assert!(status.success());
        let mut hash = sha256(&version_dir.join(&archive));
        if release == Release::Tampered {
            hash = format!("{:0>64}", "bad");
        }
        let sums = dir.path().join("dist/checksums");
        fs::create_dir_all(&sums).expect("mkdir");
        fs::write(
            sums.join(format!("v{VERSION}.sha256")),
            format!(
                "{}  flinkform-v{VERSION}-other-target.tar.gz\n{hash}  {archive}\n",
                "0".repeat(64)
            ),
        )
        .expect("write checksums");
    }
    Action { dir, releases }
}

/// A git repository with a base commit and a pull request on top of it.
struct PullRequest {
    workspace: tempfile::TempDir,
    base: String,
}

/// Copies `platform` into the workspace (or its `subfolder`), commits it, lets `base_edit`
/// and then `change` edit the platform folder (committing each), and returns the repository.
fn pull_request(
    platform: &Path,
    subfolder: Option<&str>,
    base_edit: impl FnOnce(&Path),
    change: impl FnOnce(&Path),
) -> PullRequest {
    let workspace = tempfile::tempdir().expect("tempdir");
    let dir = match subfolder {
        Some(s) => workspace.path().join(s),
        None => workspace.path().to_path_buf(),
    };
    copy_dir(platform, &dir);
    fs::write(
        workspace.path().join("README.md"),
        "a platform repository\n",
    )
    .expect("readme");
    git(workspace.path(), &["init", "-q", "-b", "main"]);
    base_edit(&dir);
    git(workspace.path(), &["add", "-A"]);
    git(workspace.path(), &["commit", "-q", "-m", "base"]);
    let base = rev_parse(workspace.path(), "HEAD");
    change(&dir);
    git(workspace.path(), &["add", "-A"]);
    git(
        workspace.path(),
        &["commit", "-q", "--allow-empty", "-m", "pull request"],
    );
    PullRequest { workspace, base }
}

fn rev_parse(dir: &Path, rev: &str) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["rev-parse", rev])
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs flinkform (the test binary) in `dir`.
fn flinkform(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary())
        .current_dir(dir)
        .args(args)
        .env("FLINKFORM_TODAY", "2026-11-21")
        .output()
        .expect("run flinkform")
}

/// The job's PATH: the system's, without any flinkform on it.
fn system_path() -> String {
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .filter(|d| !Path::new(d).join("flinkform").exists())
        .collect::<Vec<_>>()
        .join(":")
}

fn runner(
    action: &Action,
    pr: &PullRequest,
    with: &[(&str, &str)],
    temp: &Path,
    home: &Path,
) -> Runner {
    let mut inputs: BTreeMap<String, String> = with
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    inputs
        .entry("release-url".into())
        .or_insert_with(|| format!("file://{}", action.releases.path().display()));
    let env: BTreeMap<String, String> = [
        ("PATH".to_string(), system_path()),
        ("HOME".to_string(), home.display().to_string()),
        ("FLINKFORM_TODAY".to_string(), "2026-11-21".to_string()),
        ("LANG".to_string(), "C.UTF-8".to_string()),
    ]
    .into_iter()
    .collect();
    Runner::new(
        action.dir.path().to_path_buf(),
        pr.workspace.path().to_path_buf(),
        temp.to_path_buf(),
        inputs,
        serde_json::json!({
            "event_name": "pull_request",
            "event": { "pull_request": { "base": { "sha": pr.base } } },
            "workspace": pr.workspace.path().display().to_string(),
            "action_path": action.dir.path().display().to_string(),
            // Empty inside a composite action, as on GitHub.
            "action_ref": "",
        }),
        env,
    )
}

/// Runs the action on a pull request with the given inputs.
fn run_action(action: &Action, pr: &PullRequest, with: &[(&str, &str)]) -> Run {
    let temp = tempfile::tempdir().expect("tempdir");
    run_action_in(action, pr, with, temp.path())
}

/// [`run_action`] with `RUNNER_TEMP` in `temp`, which outlives the run.
fn run_action_in(action: &Action, pr: &PullRequest, with: &[(&str, &str)], temp: &Path) -> Run {
    let home = tempfile::tempdir().expect("tempdir");
    let run = runner(action, pr, with, temp, home.path()).run();
    eprintln!("{}", run.log());
    run
}

/// What every run must satisfy, whatever the repository: the summary of every step within
/// 1 MiB (none dropped) and parseable Markdown with whole table rows; only the last step
/// fails, if any (the flinkform steps record their status and pass), so the runner's
/// "Process completed with exit code N." comes once, last; GitHub drops no annotation but
/// that one; no legacy `##[` command reached the log; every annotation with a file names a
/// file of the repository (relative to the workspace, the git root) and a line in it.
fn common_checks(run: &Run, workspace: &Path) {
    for s in &run.steps {
        assert_eq!(s.summary_dropped, None, "{}: summary dropped", s.name);
        assert!(
            s.summary.len() <= limits::STEP_SUMMARY,
            "{}: summary of {} bytes",
            s.name,
            s.summary.len()
        );
        consumers::check_markdown(&s.summary);
        assert!(
            s.legacy_commands.is_empty(),
            "{}: {:?}",
            s.name,
            s.legacy_commands
        );
        if s.id.as_deref() != Some("finish") {
            assert_ne!(s.outcome, Outcome::Failure, "{}\n{}", s.name, run.log());
        }
    }
    let finish = run.step("finish");
    let dropped: Vec<_> = run.dropped();
    assert!(
        dropped.is_empty()
            || dropped.len() == 1
                && finish
                    .exit
                    .is_some_and(|c| dropped[0].message == runner::exit_code_error(c)),
        "GitHub would drop annotations: {dropped:?}"
    );
    let total: usize = run.steps.iter().map(|s| s.annotations.len()).sum();
    assert!(total <= runner::PER_JOB);
    for kind in ["error", "warning", "notice"] {
        assert!(run.count(kind) <= runner::PER_STEP, "{kind}");
    }
    for a in run.annotations() {
        let Some(file) = &a.file else { continue };
        let path = workspace.join(file);
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("annotation on {file}, which is not in the repository"));
        let line = a.line.expect("annotation with a file has a line");
        assert!(
            line >= 1 && line <= text.lines().count().max(1),
            "line {line} of {file}"
        );
    }
}

/// The run's SARIF passes Microsoft's validator with GitHub's rules (for tests marked as
/// needing sarif-multitool).
fn multitool_validates(run: &Run) {
    let sarif = run.outputs["sarif-file"].clone();
    assert!(Path::new(&sarif).is_absolute(), "{sarif}");
    let text = fs::read_to_string(&sarif).expect("sarif written");
    consumers::validate_sarif(&consumers::multitool(), &text);
}

fn bump_parallelism(platform: &Path) {
    let spec = platform.join("services/fraud-detector/service.yaml");
    let text = fs::read_to_string(&spec).expect("spec");
    fs::write(
        &spec,
        text.replace("    parallelism: 8", "    parallelism: 12"),
    )
    .expect("write");
    let out = flinkform(platform, &["render"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[cfg_attr(missing_sarif_multitool, ignore = "needs sarif-multitool")]
fn a_clean_pull_request_passes_with_a_summary_sarif_and_the_diff() {
    let action = action(Release::Verified);
    let pr = pull_request(&example(), None, |_| {}, bump_parallelism);
    let run = run_action(&action, &pr, &[("sarif-file", "flinkform.sarif")]);
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Success, "{}", run.log());
    assert_eq!(run.outputs["install-method"], "release");
    assert!(
        run.step("install").stdout.contains("checksum verified"),
        "{}",
        run.step("install").stdout
    );
    assert_eq!(run.step("build").outcome, Outcome::Skipped);
    for (step, status) in [("check", "0"), ("render", "0"), ("diff", "0")] {
        assert_eq!(run.step(step).outputs["status"], status, "{step}");
    }
    assert_eq!(run.outputs["check-status"], "0");
    assert!(run.annotations().is_empty(), "{:?}", run.annotations());
    let check = &run.step("check").summary;
    assert!(
        check.starts_with("## flinkform check\n\n✅ **0** errors"),
        "{check}"
    );
    assert!(
        check.contains("### In the files this change touches\n\nNo findings."),
        "{check}"
    );
    let diff = &run.step("diff").summary;
    assert!(diff.contains("| `fraud-detector` | rescale"), "{diff}");
    // The SARIF log is clean, valid, and names its analysis.
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&run.outputs["sarif-file"]).expect("sarif"))
            .expect("json");
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "flinkform/check/"
    );
    multitool_validates(&run);
}

/// A pull request that raises a stateful job's parallelism above the max parallelism its state
/// was written with: valid as an end state, but the job cannot restore after the merge.
fn outgrow_max_parallelism(platform: &Path) {
    let spec = platform.join("services/fraud-detector/service.yaml");
    let text = fs::read_to_string(&spec).expect("spec");
    fs::write(
        &spec,
        text.replace("    parallelism: 8", "    parallelism: 200"),
    )
    .expect("write");
    let out = flinkform(platform, &["render"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// With a base, the action's check judges the change itself: a transition finding fails it,
/// annotated at the line that makes the change.
#[test]
fn the_check_judges_the_change_against_the_base() {
    let action = action(Release::Verified);
    let pr = pull_request(&example(), None, |_| {}, outgrow_max_parallelism);
    let run = run_action(&action, &pr, &[]);
    assert_eq!(run.conclusion, Outcome::Failure, "{}", run.log());
    assert_eq!(run.step("check").outputs["status"], "1", "{}", run.log());
    let hit = run
        .annotations()
        .into_iter()
        .find(|a| {
            a.title
                .as_deref()
                .is_some_and(|t| t.contains("max-parallelism-changed"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no transition annotation: {:?}", run.annotations()));
    assert_eq!(
        (hit.kind.as_str(), hit.file.as_deref(), hit.line),
        (
            "error",
            Some("services/fraud-detector/service.yaml"),
            Some(14)
        ),
        "{hit:?}"
    );
}

fn break_lazy(platform: &Path) {
    let spec = platform.join("services/lazy/service.yaml");
    let text = fs::read_to_string(&spec).expect("spec");
    fs::write(
        &spec,
        format!("{text}  taskManager: {{ cpu: 1, memory: 4G }}\n"),
    )
    .expect("write");
}

#[test]
#[cfg_attr(
    any(missing_sarif_multitool, missing_xmllint),
    ignore = "needs sarif-multitool and xmllint"
)]
fn findings_fail_the_action_and_every_step_still_reports() {
    let action = action(Release::Verified);
    let policy = manifest_dir().join("tests/fixtures/check/policy");
    let pr = pull_request(&policy, None, |_| {}, break_lazy);
    let run = run_action(
        &action,
        &pr,
        &[
            ("sarif-file", "out/flinkform.sarif"),
            (
                "args",
                "--fail-on warning\n--format junit --output junit.xml",
            ),
        ],
    );
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Failure);
    // Each flinkform step ran, wrote its outputs and summary and recorded its exit code; the
    // last step fails the action with the worst of them.
    let check = run.step("check");
    assert_eq!((check.outcome, check.exit), (Outcome::Success, Some(0)));
    assert_eq!(check.outputs["status"], "1");
    let render = run.step("render");
    assert_eq!(
        (render.outcome, render.outputs["status"].as_str()),
        (Outcome::Success, "1")
    );
    let finish = run.step("finish");
    assert_eq!((finish.outcome, finish.exit), (Outcome::Failure, Some(1)));
    assert!(
        finish
            .stdout
            .contains("flinkform: not passed: check (exit 1) render (exit 1)"),
        "{}",
        finish.stdout
    );
    assert!(
        render.summary.starts_with("## flinkform render"),
        "{}",
        render.summary
    );
    assert_eq!(run.step("diff").outcome, Outcome::Success);
    // Findings of the changed file come first, in annotations and in the summary.
    let first = run.annotations()[0].clone();
    assert_eq!(
        first.file.as_deref(),
        Some("services/lazy/service.yaml"),
        "{first:?}"
    );
    let md = consumers::check_markdown(&check.summary);
    let (_, mine) = &md.tables[0];
    assert!(
        mine.iter()
            .all(|r| r[2].starts_with("services/lazy/service.yaml:")),
        "{mine:?}"
    );
    assert!(
        check.summary.contains("### Elsewhere in the repository"),
        "{}",
        check.summary
    );
    // `args` adds a JUnit report, and its `--fail-on warning` overrides the action's own
    // `--fail-on error` (warnings are failures in it).
    let junit = fs::read_to_string(pr.workspace.path().join("junit.xml")).expect("junit");
    consumers::validate_junit(&junit);
    assert!(
        junit.contains("<failure type=\"warning\""),
        "warnings fail at --fail-on warning: {junit}"
    );
    multitool_validates(&run);
}

#[test]
fn fail_on_warning_from_args_overrides_the_input() {
    let action = action(Release::Verified);
    let policy = manifest_dir().join("tests/fixtures/check/policy");
    // Only warnings: the expired waiver and the unknown rule fixed.
    let pr = pull_request(
        &policy,
        None,
        |p| {
            let cfg = p.join("flinkform.yaml");
            let text = fs::read_to_string(&cfg).expect("config");
            fs::write(
                &cfg,
                text.replace("expires: 2026-10-31", "expires: 2027-10-31"),
            )
            .expect("write");
            fs::remove_dir_all(p.join("services/lazy")).expect("rm");
            fs::remove_dir_all(p.join("services/latest-image")).expect("rm");
        },
        |_| {},
    );
    let errors_only = run_action(&action, &pr, &[("render-check", "false")]);
    assert_eq!(
        errors_only.step("check").outputs["status"],
        "0",
        "{}",
        errors_only.log()
    );
    let run = run_action(
        &action,
        &pr,
        &[("render-check", "false"), ("args", "--fail-on warning")],
    );
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.step("check").outputs["status"], "1", "{}", run.log());
    assert_eq!(run.conclusion, Outcome::Failure);
}

#[test]
#[cfg_attr(missing_sarif_multitool, ignore = "needs sarif-multitool")]
fn a_platform_in_a_subfolder_gets_git_root_paths_everywhere() {
    let action = action(Release::Verified);
    let pr = pull_request(
        &example(),
        Some("platform"),
        |p| {
            // A GitRepository's Kustomizations point into the subfolder (`flux.platformPath`,
            // which a platform in a subfolder must set).
            let cfg = p.join("flinkform.yaml");
            let text = fs::read_to_string(&cfg).expect("config");
            let line = text
                .lines()
                .find(|l| l.trim_start().starts_with("platformPath:"))
                .expect("the example sets platformPath")
                .to_string();
            fs::write(&cfg, text.replace(&line, "    platformPath: platform")).expect("write");
            let out = flinkform(p, &["render"]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        },
        |p| {
            let spec = p.join("services/fraud-detector/service.yaml");
            let text = fs::read_to_string(&spec).expect("spec");
            let image = text
                .lines()
                .find(|l| l.trim_start().starts_with("image:"))
                .expect("image line")
                .to_string();
            fs::write(
                &spec,
                text.replace(
                    &image,
                    "  image: registry.acme.example/flink/fraud-detector:latest",
                ),
            )
            .expect("write");
        },
    );
    let flux = fs::read_to_string(
        pr.workspace
            .path()
            .join("platform/rendered/flux/prod-eu-1/fraud-detector.yaml"),
    )
    .expect("flux kustomization");
    assert!(
        flux.contains("path: ./platform/rendered/prod-eu-1/fraud-detector\n"),
        "{flux}"
    );
    let run = run_action(
        &action,
        &pr,
        &[
            ("working-directory", "platform"),
            ("sarif-file", "flinkform.sarif"),
        ],
    );
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Failure);
    let a = run.annotations();
    let findings: Vec<_> = a.iter().filter(|a| a.file.is_some()).collect();
    assert!(!findings.is_empty(), "{a:?}");
    assert!(
        findings.iter().all(|a| a
            .file
            .as_deref()
            .is_some_and(|f| f.starts_with("platform/"))),
        "{a:?}"
    );
    assert_eq!(
        run.outputs["sarif-file"],
        pr.workspace
            .path()
            .join("platform/flinkform.sarif")
            .display()
            .to_string()
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&run.outputs["sarif-file"]).expect("sarif"))
            .expect("json");
    // Its own analysis: another platform of this repository does not replace its alerts.
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "flinkform/check/platform/"
    );
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert!(!uris.is_empty());
    assert!(
        uris.iter()
            .all(|u| u.starts_with("platform/") && pr.workspace.path().join(u).is_file()),
        "{uris:?}"
    );
    multitool_validates(&run);
    assert!(
        run.step("check")
            .summary
            .contains("platform/services/fraud-detector/service.yaml")
    );
}

#[test]
fn a_broken_platform_config_fails_with_a_summary() {
    let action = action(Release::Verified);
    let pr = pull_request(
        &example(),
        None,
        |_| {},
        |p| {
            fs::write(p.join("flinkform.yaml"), "spec: [unclosed\n").expect("write");
        },
    );
    let run = run_action(&action, &pr, &[]);
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Failure);
    assert_eq!(run.step("check").outputs["status"], "1");
    assert_eq!(run.step("render").outputs["status"], "1");
    // The YAML error is annotated once, by check; render --check says once that it cannot
    // compare, at the same place, and its summary says what to do first.
    let a = run.annotations();
    let syntax: Vec<_> = a
        .iter()
        .filter(|a| a.title.as_deref() == Some("flinkform yaml-syntax"))
        .collect();
    assert_eq!(syntax.len(), 1, "{a:?}");
    assert_eq!(syntax[0].file.as_deref(), Some("flinkform.yaml"));
    let render = run.step("render");
    assert_eq!(render.annotations.len(), 1, "{:?}", render.annotations);
    let blocked = &render.annotations[0];
    assert_eq!(blocked.title.as_deref(), Some("flinkform render-blocked"));
    assert_eq!(blocked.file.as_deref(), Some("flinkform.yaml"));
    assert!(
        blocked.message.starts_with(
            "the output folder cannot be checked: 1 finding stops rendering, the first here: yaml-syntax ("
        ),
        "{}",
        blocked.message
    );
    let summary = &render.summary;
    assert!(summary.contains("render-blocked"), "{summary}");
    assert!(
        summary.contains("fix the findings \\`flinkform check\\` reports, then run"),
        "{summary}"
    );
    assert!(
        !summary.contains("Run `flinkform render` and commit"),
        "{summary}"
    );
}

#[test]
fn a_missing_or_hostile_base_revision_fails_the_action() {
    let action = action(Release::Verified);
    let pr = pull_request(&example(), None, |_| {}, |_| {});
    let missing = "0123456789abcdef0123456789abcdef01234567";
    let run = run_action(&action, &pr, &[("diff-base", missing)]);
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Failure);
    assert_eq!(run.step("check").outputs["status"], "0");
    let diff = run.step("diff");
    assert_eq!(diff.outputs["status"], "2");
    assert!(
        diff.summary
            .contains("The base revision (`diff-base`, or the pull request's base commit) is not in this clone"),
        "{}",
        diff.summary
    );
    assert!(diff.stdout.contains("is not a revision"), "{}", diff.stdout);
    assert_eq!(run.step("finish").exit, Some(2));

    for hostile in ["--output=/tmp/pwned", "main\nchanged=/etc/passwd"] {
        let run = run_action(&action, &pr, &[("diff-base", hostile)]);
        common_checks(&run, pr.workspace.path());
        assert_eq!(run.conclusion, Outcome::Failure);
        let prepare = run.step("prepare");
        assert_eq!(prepare.outputs["status"], "2", "{hostile:?}");
        assert!(
            !prepare.outputs.contains_key("base"),
            "{:?}",
            prepare.outputs
        );
        assert!(
            !prepare.outputs.contains_key("changed"),
            "{:?}",
            prepare.outputs
        );
        assert!(
            prepare
                .summary
                .contains("The `diff-base` input is not a git revision"),
            "{}",
            prepare.summary
        );
        assert!(
            prepare
                .annotations
                .iter()
                .any(|a| a.kind == "error"
                    && a.message.starts_with("diff-base is not a git revision")),
            "{:?}",
            prepare.annotations
        );
        assert_eq!(
            run.step("check").outputs["status"],
            "0",
            "the check still ran"
        );
        assert_eq!(run.step("diff").outcome, Outcome::Skipped);
        assert_eq!(run.step("finish").exit, Some(2));
    }
    assert!(!Path::new("/tmp/pwned").exists());
}

#[test]
fn a_base_branch_with_shell_characters_in_its_name_is_just_a_name() {
    let action = action(Release::Verified);
    let pr = pull_request(&example(), None, |_| {}, bump_parallelism);
    // Legal branch names (git check-ref-format) that a shell would read as code, given
    // as the diff base; the steps run in the workspace, where `touch` would leave its mark.
    let marker = pr.workspace.path().join("pwned");
    for name in [
        "base/$(touch${IFS}pwned)",
        "base/a;b&c|d'e\"f(g)`touch${IFS}pwned`",
    ] {
        let out = Command::new("git")
            .current_dir(pr.workspace.path())
            .args(["check-ref-format", "--branch", name])
            .output()
            .expect("git");
        assert!(out.status.success(), "{name} is a legal branch name");
        git(pr.workspace.path(), &["branch", name, &pr.base]);
        let temp = tempfile::tempdir().expect("tempdir");
        let run = run_action_in(&action, &pr, &[("diff-base", name)], temp.path());
        common_checks(&run, pr.workspace.path());
        assert_eq!(run.conclusion, Outcome::Success, "{name}: {}", run.log());
        assert_eq!(run.step("prepare").outputs["base"], name);
        let diff = run.step("diff");
        assert_eq!(diff.outputs["status"], "0");
        assert!(
            diff.summary.contains("| `fraud-detector` | rescale"),
            "{}",
            diff.summary
        );
        // The changed files were listed against that branch: the pull request's spec first.
        let changed = fs::read_to_string(&run.step("prepare").outputs["changed"]).expect("changed");
        assert!(
            changed.contains("services/fraud-detector/service.yaml"),
            "{changed:?}"
        );
    }
    assert!(!marker.exists(), "a branch name ran as a command");
}

#[test]
#[cfg_attr(missing_sarif_multitool, ignore = "needs sarif-multitool")]
fn thousands_of_findings_stay_within_githubs_limits() {
    let action = action(Release::Verified);
    let source = tempfile::tempdir().expect("tempdir");
    // 5,200 findings of every kind (more than GitHub's 5,000 SARIF results, its 1 MiB summary
    // and its annotations take), from 2,362 services with one to five defects each: as many
    // findings as one per service, at less than half the cost.
    let summary = synth::generate(
        source.path(),
        &synth::Options {
            services: 2362,
            violations: 2362,
            seed: 12,
            grouped: true,
        },
    )
    .expect("generate");
    assert_eq!(summary.injected.len(), 5200);
    // Findings per spec, in report order (by file).
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    for i in &summary.injected {
        *per_file.entry(i.path.clone()).or_default() += 1;
    }
    let files: Vec<(&String, &usize)> = per_file.iter().collect();
    // The pull request touches three specs, with five, three and one findings: theirs must come
    // first everywhere.
    let pick = |from: usize, n: usize| {
        files[from..]
            .iter()
            .find(|(_, c)| **c == n)
            .map(|(p, _)| (*p).clone())
            .expect("a spec with that many findings")
    };
    let touched: Vec<String> = vec![pick(7, 5), pick(1000, 3), pick(2300, 1)];
    assert!(touched.is_sorted(), "{touched:?}");
    // Their findings, in report order; then everyone else's.
    let first: Vec<&String> = touched
        .iter()
        .flat_map(|t| std::iter::repeat_n(t, per_file[t]))
        .collect();
    assert_eq!(first.len(), 9);
    let pr = pull_request(
        source.path(),
        None,
        |_| {},
        |p| {
            for t in &touched {
                let path = p.join(t);
                let text = fs::read_to_string(&path).unwrap_or_else(|_| panic!("{t}"));
                fs::write(&path, format!("# touched by the pull request\n{text}")).expect("write");
            }
        },
    );
    let run = run_action(
        &action,
        &pr,
        &[("sarif-file", "flinkform.sarif"), ("render-check", "false")],
    );
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Failure);
    let check = run.step("check");
    // Annotations: GitHub's per-step limit, the touched files' nine findings first, and a
    // notice that says how many were left out and where to see them.
    let errors: Vec<_> = check
        .annotations
        .iter()
        .filter(|a| a.kind == "error")
        .collect();
    assert_eq!(errors.len(), 10);
    let annotated: Vec<Option<&String>> = errors.iter().map(|a| a.file.as_ref()).collect();
    assert_eq!(
        annotated[..9],
        first.iter().map(|f| Some(*f)).collect::<Vec<_>>()[..]
    );
    assert!(annotated[9].is_some_and(|f| !touched.contains(f)));
    let notice = check
        .annotations
        .iter()
        .find(|a| a.kind == "notice")
        .expect("a notice about the rest");
    assert!(
        notice
            .message
            .starts_with("5190 of 5200 findings are not shown as annotations"),
        "{}",
        notice.message
    );
    assert_eq!(
        check
            .stdout
            .lines()
            .filter(|l| l.starts_with("flinkform: services/"))
            .count(),
        5190,
        "the rest is in the log"
    );
    // The summary: within 1 MiB, touched files first, an explicit line for the rest.
    let md = consumers::check_markdown(&check.summary);
    let (_, mine) = &md.tables[0];
    assert_eq!(mine.len(), 9);
    // Each says precisely where all of them can be seen: neither the summary nor the SARIF
    // log holds them all.
    assert!(
        check.summary.contains(
            "more rows are not shown:** a step summary holds at most 1024 KiB. `flinkform check` shows all 5200 findings.\n"
        ),
        "{}",
        &check.summary[check.summary.len().saturating_sub(600)..]
    );
    assert!(
        notice.message.contains("Each finding left out is listed in this step's log as a line starting `flinkform:`; `flinkform check` shows them all."),
        "{}",
        notice.message
    );
    // SARIF: at most 5,000 results (the touched files first), a notification for the rest,
    // under GitHub's upload limits, valid.
    let text = fs::read_to_string(&run.outputs["sarif-file"]).expect("sarif");
    assert!(limits::gzipped(text.as_bytes()) < limits::SARIF_GZIPPED);
    let sarif: serde_json::Value = serde_json::from_str(&text).expect("json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), limits::SARIF_KEPT);
    assert!(results.len() <= limits::SARIF_ACCEPTED);
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
        })
        .collect();
    assert_eq!(
        uris[..9],
        first.iter().map(|f| f.as_str()).collect::<Vec<_>>()[..]
    );
    assert!(!touched.iter().any(|t| t == uris[9]));
    let note = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert!(
        note["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("200 of 5200 results were left out: GitHub code scanning keeps at most 5000 results per run, so this log holds 5000.")
                && t.ends_with("`flinkform check --format json` lists all 5200.")),
        "{note}"
    );
    multitool_validates(&run);
}

#[test]
fn the_annotation_budget_is_shared_by_the_steps_of_a_job() {
    let action = action(Release::Verified);
    let source = tempfile::tempdir().expect("tempdir");
    synth::generate(
        source.path(),
        &synth::Options {
            services: 600,
            violations: 0,
            seed: 3,
            grouped: false,
        },
    )
    .expect("generate");
    // Every image is now from a registry the platform does not allow (a finding per service
    // for check), and no rendered output is committed (thousands of missing files for render
    // --check: two per service and cluster, more rows than the step summary holds).
    let pr = pull_request(
        source.path(),
        None,
        |_| {},
        |p| {
            let cfg = p.join("flinkform.yaml");
            let text = fs::read_to_string(&cfg).expect("config");
            fs::write(
                &cfg,
                text.replace(
                    "      - registry.acme.example/flink",
                    "      - registry.other.example/flink",
                ),
            )
            .expect("write");
        },
    );
    let temp = tempfile::tempdir().expect("tempdir");
    let home = tempfile::tempdir().expect("tempdir");
    let mut job = runner(&action, &pr, &[], temp.path(), home.path());
    let run = job.run();
    eprintln!("{}", run.log());
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Failure);
    let check = run.step("check");
    let render = run.step("render");
    let kinds = |s: &runner::StepRun| {
        ["error", "warning", "notice"].map(|k| s.annotations.iter().filter(|a| a.kind == k).count())
    };
    // GitHub counts the whole action as one step: 10 errors in all. The check step leaves one
    // error and one notice to render --check (kept by the prepare step), so drift is
    // annotated however many findings check has, and each step's notice counts exactly what
    // it left out.
    assert_eq!(kinds(check), [9, 0, 1], "{:?}", check.annotations);
    assert_eq!(kinds(render), [1, 0, 1], "{:?}", render.annotations);
    assert_eq!(
        render.annotations[0].title.as_deref(),
        Some("flinkform render-drift")
    );
    let notice = |s: &runner::StepRun| {
        s.annotations
            .iter()
            .find(|a| a.kind == "notice")
            .map(|a| a.message.clone())
            .unwrap_or_default()
    };
    assert!(
        notice(check).starts_with("591 of 600 findings are not shown as annotations"),
        "{}",
        notice(check)
    );
    let drift = render
        .stdout
        .lines()
        .filter(|l| l.starts_with("flinkform: ") && l.contains(" error render-drift: "))
        .count();
    assert!(drift > 1000, "{drift} drift findings listed in the log");
    assert!(
        notice(render).starts_with(&format!("{drift} of {} findings are not shown", drift + 1)),
        "{}",
        notice(render)
    );
    // Only the runner's own exit-code error of the last step is dropped: it comes after
    // every finding.
    assert_eq!(run.count("error"), 10);
    let dropped = run.dropped();
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert_eq!(dropped[0].message, runner::exit_code_error(1));
    assert_eq!(
        fs::read_to_string(&run.step("prepare").outputs["budget"]).expect("budget"),
        "error 10\nwarning 0\nnotice 2\njob 12\n",
        "what the action and the job have shown"
    );
    assert!(render.summary.len() <= limits::STEP_SUMMARY);
    assert!(
        render.summary.contains(&format!(
            "more rows are not shown:** a step summary holds at most 1024 KiB. `flinkform render --check` shows all {} findings.",
            drift + 1
        )),
        "{}",
        &render.summary[render.summary.len().saturating_sub(400)..]
    );
    assert!(
        render.stdout.contains("more bytes not shown]"),
        "the log holds the first MiB of the diff"
    );
    // The action used again in the same job: GitHub counts its annotations afresh, but
    // the job's 50 go on.
    let again = job.run();
    common_checks(&again, pr.workspace.path());
    assert_eq!(kinds(again.step("check")), [9, 0, 1]);
    assert_eq!(
        fs::read_to_string(&again.step("prepare").outputs["budget"]).expect("budget"),
        "error 10\nwarning 0\nnotice 2\njob 24\n"
    );
    assert_eq!(job.job_shown, 24);
}

#[test]
fn a_tampered_release_is_refused_and_nothing_runs() {
    let action = action(Release::Tampered);
    let pr = pull_request(&example(), None, |_| {}, |_| {});
    let run = run_action(&action, &pr, &[]);
    assert_eq!(run.conclusion, Outcome::Failure);
    let install = run.step("install");
    assert_eq!(install.outcome, Outcome::Failure);
    assert!(
        install
            .annotations
            .iter()
            .any(|a| a.kind == "error" && a.message.contains("refusing to run it")),
        "{:?}",
        install.annotations
    );
    for step in ["build", "prepare", "check", "render", "diff"] {
        assert_eq!(run.step(step).outcome, Outcome::Skipped, "{step}");
    }
}

/// A stand-in for cargo in `tools`: it records its arguments in `cargo.log` there and
/// "builds" by copying the test binary.
fn stand_in_cargo(tools: &Path) {
    let cargo = tools.join("cargo");
    fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nmanifest=\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --manifest-path ]; then manifest=$2; fi\n  shift\ndone\ndir=$(dirname \"$manifest\")/target/release\nmkdir -p \"$dir\"\ncp '{}' \"$dir/flinkform\"\n",
            tools.join("cargo.log").display(),
            binary().display()
        ),
    )
    .expect("write cargo");
    Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .expect("chmod");
}

/// Runs the action with the stand-in cargo on PATH.
fn run_building(action: &Action, pr: &PullRequest, tools: &Path) -> Run {
    stand_in_cargo(tools);
    let temp = tempfile::tempdir().expect("tempdir");
    let home = tempfile::tempdir().expect("tempdir");
    let mut r = runner(action, pr, &[], temp.path(), home.path());
    let path = format!("{}:{}", tools.display(), r.env["PATH"]);
    r.env.insert("PATH".into(), path);
    let run = r.run();
    eprintln!("{}", run.log());
    run
}

#[test]
fn without_committed_checksums_the_action_builds_from_source() {
    let action = action(Release::None);
    let tools = tempfile::tempdir().expect("tempdir");
    let pr = pull_request(&example(), None, |_| {}, bump_parallelism);
    let run = run_building(&action, &pr, tools.path());
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Success, "{}", run.log());
    assert_eq!(run.outputs["install-method"], "build");
    let key = &run.step("install").outputs["cache-key"];
    assert!(key.starts_with("flinkform-build-Linux-"), "{key}");
    let args = fs::read_to_string(tools.path().join("cargo.log")).expect("cargo ran");
    assert!(
        args.contains("build --release --locked --manifest-path"),
        "{args}"
    );
    // The build is saved right after it (actions/cache's own post step would save only when
    // the whole job succeeds).
    let steps: Vec<&str> = run.steps.iter().map(|s| s.name.as_str()).collect();
    let build = steps
        .iter()
        .position(|s| *s == "Build flinkform from source");
    let save = steps.iter().position(|s| *s == "Save the flinkform build");
    assert_eq!(save, build.map(|b| b + 1), "{steps:?}");
    let saved = &run.steps[save.expect("save step")];
    assert_eq!(saved.outcome, Outcome::Success, "it ran");
}

#[test]
fn a_prebuilt_binary_that_does_not_run_here_is_built_from_source() {
    let action = action(Release::DoesNotRun);
    let tools = tempfile::tempdir().expect("tempdir");
    let pr = pull_request(&example(), None, |_| {}, bump_parallelism);
    let run = run_building(&action, &pr, tools.path());
    common_checks(&run, pr.workspace.path());
    assert_eq!(run.conclusion, Outcome::Success, "{}", run.log());
    assert_eq!(run.outputs["install-method"], "build");
    let install = run.step("install");
    assert_eq!(
        install.annotations.len(),
        1,
        "one warning: {:?}",
        install.annotations
    );
    assert_eq!(install.annotations[0].kind, "warning");
    assert!(
        install.annotations[0].message.contains(
            "does not run on this runner (see the log); building flinkform from source instead"
        ),
        "{:?}",
        install.annotations
    );
    assert!(
        install.stdout.contains("GLIBC_2.35' not found"),
        "{}",
        install.stdout
    );
    assert!(
        fs::read_to_string(tools.path().join("cargo.log")).is_ok(),
        "built from source"
    );
    assert_eq!(run.step("check").outputs["status"], "0");
}

/// Runs action/install.sh alone, as its step does: (exit code, outputs, log, GITHUB_PATH).
fn install(
    action_dir: &Path,
    release_url: &str,
    temp: &Path,
) -> (i32, BTreeMap<String, String>, String, String) {
    let output = temp.join("output");
    let path = temp.join("path");
    fs::write(&output, "").expect("output");
    fs::write(&path, "").expect("path");
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(action_dir.join("action/install.sh"))
        .env_clear()
        .env("PATH", system_path())
        .env("ACTION_PATH", action_dir)
        .env("FLINKFORM_RELEASE_URL", release_url)
        .env("RUNNER_TEMP", temp)
        .env("RUNNER_OS", "Linux")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_PATH", &path)
        .output()
        .expect("bash");
    let (pairs, error) =
        runner::parse_file_commands(&fs::read_to_string(&output).unwrap_or_default());
    assert_eq!(error, None, "GITHUB_OUTPUT as the runner reads it");
    let outputs = pairs.into_iter().collect();
    (
        out.status.code().unwrap_or(-1),
        outputs,
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        fs::read_to_string(&path).unwrap_or_default(),
    )
}

#[test]
fn install_verifies_downloads_and_keys_builds_by_the_source() {
    let verified = action(Release::Verified);
    let url = format!("file://{}", verified.releases.path().display());
    let temp = tempfile::tempdir().expect("tempdir");
    let (code, outputs, text, path) = install(verified.dir.path(), &url, temp.path());
    assert_eq!((code, outputs["method"].as_str()), (0, "release"), "{text}");
    assert_eq!(outputs["version"], VERSION);
    let dir = Path::new(path.trim());
    let out = Command::new(dir.join("flinkform"))
        .arg("--version")
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("flinkform {VERSION}\n")
    );
    // A release that cannot be downloaded: build instead, with a warning.
    let (code, outputs, text, path) = install(
        verified.dir.path(),
        "file:///nonexistent",
        tempfile::tempdir().expect("tempdir").path(),
    );
    assert_eq!((code, outputs["method"].as_str()), (0, "build"), "{text}");
    assert!(
        text.contains("::warning title=flinkform::could not download"),
        "{text}"
    );
    assert_eq!(path, "");
    // A mismatch: refused, the step fails, nothing on PATH, the download deleted.
    let tampered = action(Release::Tampered);
    let url = format!("file://{}", tampered.releases.path().display());
    let (code, outputs, text, path) = install(
        tampered.dir.path(),
        &url,
        tempfile::tempdir().expect("tempdir").path(),
    );
    assert_eq!(code, 1, "{text}");
    assert!(!outputs.contains_key("method"), "{outputs:?}");
    assert!(text.contains("refusing to run it"), "{text}");
    assert_eq!(path, "", "nothing added to PATH");
    // The build's cache key follows the action's source.
    let unreleased = action(Release::None);
    let (_, first, _, _) = install(
        unreleased.dir.path(),
        "file:///nonexistent",
        tempfile::tempdir().expect("tempdir").path(),
    );
    let (_, again, _, _) = install(
        unreleased.dir.path(),
        "file:///nonexistent",
        tempfile::tempdir().expect("tempdir").path(),
    );
    assert_eq!(first["cache-key"], again["cache-key"]);
    let lib = unreleased.dir.path().join("src/lib.rs");
    fs::write(
        &lib,
        format!("{}\n// changed\n", fs::read_to_string(&lib).expect("lib")),
    )
    .expect("write");
    let (_, changed, _, _) = install(
        unreleased.dir.path(),
        "file:///nonexistent",
        tempfile::tempdir().expect("tempdir").path(),
    );
    assert_ne!(first["cache-key"], changed["cache-key"]);
}

#[test]
#[cfg_attr(missing_check_jsonschema, ignore = "needs check-jsonschema")]
fn the_action_and_the_workflows_validate_against_githubs_schemas() {
    let check_jsonschema = common::tools::require(&common::tools::CHECK_JSONSCHEMA);
    for (schema, file) in [
        ("vendor.github-actions", "action.yml"),
        ("vendor.github-workflows", ".github/workflows/release.yml"),
        (
            "vendor.github-workflows",
            "docs/examples/github-workflow.yml",
        ),
    ] {
        let out = Command::new(&check_jsonschema)
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
fn the_release_builds_every_target_the_action_downloads() {
    let workflow: serde_json::Value = serde_saphyr::from_str(
        &fs::read_to_string(manifest_dir().join(".github/workflows/release.yml")).expect("read"),
    )
    .expect("yaml");
    let build = &workflow["jobs"]["build"];
    assert_eq!(
        build["strategy"]["fail-fast"], false,
        "one target must not stop the others"
    );
    let mut built: Vec<String> = build["strategy"]["matrix"]["include"]
        .as_array()
        .expect("matrix")
        .iter()
        .map(|t| t["target"].as_str().expect("target").to_string())
        .collect();
    built.sort();
    let install = fs::read_to_string(manifest_dir().join("action/install.sh")).expect("read");
    let mut downloaded: Vec<String> = install
        .lines()
        .filter_map(|l| l.split_once(") target=").map(|(_, t)| t))
        .map(|t| t.trim_end_matches(" ;;").to_string())
        .filter(|t| !t.starts_with('"'))
        .collect();
    downloaded.sort();
    assert_eq!(built, downloaded);
    // Linux binaries are static, so they run whatever the runner's C library.
    assert!(
        built
            .iter()
            .filter(|t| t.contains("linux"))
            .all(|t| t.ends_with("-linux-musl")),
        "{built:?}"
    );
    // The toolchain is pinned to the crate's rust-version.
    let cargo = fs::read_to_string(manifest_dir().join("Cargo.toml")).expect("read");
    let msrv = cargo
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("rust-version");
    let pinned = workflow["env"]["RUST_TOOLCHAIN"].as_str().expect("pinned");
    assert!(
        pinned == msrv || pinned.starts_with(&format!("{msrv}.")),
        "{pinned} vs rust-version {msrv}"
    );
}

/// Runs `script` after sourcing action/lib.sh, as a step does: (exit code, stdout, summary).
fn with_lib(script: &str, temp: &Path) -> (i32, String, String) {
    let summary = temp.join("summary");
    fs::write(&summary, "").expect("summary");
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
        .arg(format!(
            "source '{}'\n{script}",
            manifest_dir().join("action/lib.sh").display()
        ))
        .current_dir(temp)
        .env_clear()
        .env("PATH", system_path())
        .env("RUNNER_TEMP", temp)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("bash");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        fs::read_to_string(&summary).unwrap_or_default(),
    )
}

#[test]
fn the_action_never_cuts_markdown_nor_passes_a_summary_over_1_mib() {
    let temp = tempfile::tempdir().expect("tempdir");
    // A report that fits goes in whole.
    fs::write(
        temp.path().join("small.md"),
        "## a\n\n<details>\n\nx\n\n</details>\n",
    )
    .expect("w");
    let (code, _, summary) = with_lib("flinkform_summary small.md", temp.path());
    assert_eq!(
        (code, summary.as_str()),
        (0, "## a\n\n<details>\n\nx\n\n</details>\n")
    );
    // One that does not fit in what is left of the step's MiB is not cut (a cut could
    // leave a block open): the summary says so, the log has it.
    let big = format!(
        "## b\n\n<details>\n\n{}\n</details>\n",
        "y".repeat(600 * 1024)
    );
    fs::write(temp.path().join("big.md"), &big).expect("w");
    let (code, log, summary) = with_lib(
        "flinkform_summary big.md\nflinkform_summary big.md",
        temp.path(),
    );
    assert_eq!(code, 0);
    assert!(summary.len() <= limits::STEP_SUMMARY, "{}", summary.len());
    assert!(summary.starts_with(&big), "the first fits whole");
    assert!(
        summary[big.len()..].contains("does not fit in this step summary"),
        "{}",
        &summary[big.len()..]
    );
    assert!(!summary[big.len()..].contains("<details>"));
    assert!(
        log.starts_with("::stop-commands::") && log.contains(&big),
        "the log has it"
    );
    // The action's own lines are left out rather than pass the limit.
    let (_, _, summary) = with_lib(
        "head -c 1048570 /dev/zero | tr '\\0' z > \"$GITHUB_STEP_SUMMARY\"\nflinkform_summary_text 'more than six bytes'",
        temp.path(),
    );
    assert_eq!(summary.len(), 1_048_570);
}

/// The emulator itself, on a composite action made for the purpose: the runner's caps for a
/// composite action, its exit-code error, and its reading of GITHUB_OUTPUT.
#[test]
fn the_emulator_counts_and_reads_as_the_runner_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let action = dir.path().join("action");
    fs::create_dir_all(&action).expect("mkdir");
    fs::write(
        action.join("action.yml"),
        r#"name: t
description: t
inputs: {}
runs:
  using: composite
  steps:
    - id: a
      shell: bash
      run: |
        for i in 1 2 3 4 5 6 7 8; do echo "::error::a$i"; done
        echo "::warning::w"
        echo "ok=1" >> "$GITHUB_OUTPUT"
    - id: b
      if: always()
      shell: bash
      run: |
        for i in 1 2 3 4 5 6 7 8; do echo "::error::b$i"; done
        exit 3
    - id: c
      if: always()
      shell: bash
      run: |
        printf 'x=1\nnot an output\ny=2\n' >> "$GITHUB_OUTPUT"
    - id: d
      if: always()
      shell: bash
      run: |
        printf 'v<<EOF\nno end\n' >> "$GITHUB_OUTPUT"
"#,
    )
    .expect("write");
    let workspace = tempfile::tempdir().expect("tempdir");
    let temp = tempfile::tempdir().expect("tempdir");
    let mut r = Runner::new(
        action.clone(),
        workspace.path().to_path_buf(),
        temp.path().to_path_buf(),
        BTreeMap::new(),
        serde_json::json!({}),
        [("PATH".to_string(), system_path())].into_iter().collect(),
    );
    let run = r.run();
    // The whole action shows 10 errors: a1..a8, b1, b2; the rest of b, its exit-code error
    // and the file-command errors are dropped.
    let shown: Vec<&str> = run
        .annotations()
        .iter()
        .filter(|a| a.kind == "error")
        .map(|a| a.message.as_str())
        .collect();
    assert_eq!(
        shown,
        ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "b1", "b2"]
    );
    assert_eq!(run.count("warning"), 1);
    let b = run.step("b");
    assert_eq!((b.outcome, b.exit), (Outcome::Failure, Some(3)));
    assert_eq!(
        b.issues.last().map(|a| a.message.as_str()),
        Some("Process completed with exit code 3.")
    );
    // A line of GITHUB_OUTPUT that is neither NAME=VALUE nor NAME<<DELIMITER fails the step,
    // keeping what came before it; so does a heredoc without its delimiter.
    let c = run.step("c");
    assert_eq!(c.outcome, Outcome::Failure);
    assert_eq!(c.outputs.get("x").map(String::as_str), Some("1"));
    assert!(!c.outputs.contains_key("y"));
    let messages: Vec<&str> = c.issues.iter().map(|a| a.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Unable to process file command 'output' successfully.",
            "Invalid format 'not an output'"
        ]
    );
    let d = run.step("d");
    assert_eq!(d.outcome, Outcome::Failure);
    assert!(
        d.issues
            .iter()
            .any(|a| a.message == "Invalid value. Matching delimiter not found 'EOF'"),
        "{:?}",
        d.issues
    );
    assert_eq!(run.step("a").outputs["ok"], "1");
    // A second use of an action in the job: 10 of each kind again, 50 in all.
    let again = r.run();
    assert_eq!(again.count("error"), 10);
    assert_eq!(r.job_shown, 22);
}

/// The validator the action tests rely on does apply GitHub's rules (a clean validation
/// means something).
#[test]
#[cfg_attr(missing_sarif_multitool, ignore = "needs sarif-multitool")]
fn the_sarif_validator_applies_githubs_rules() {
    consumers::ghas_rules_run(&consumers::multitool());
}
