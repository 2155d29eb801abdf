//! A platform in a subfolder of its git repository, as pre-commit, GitHub and Flux see it:
//! command-line paths resolve against the directory flinkform runs in and find the platform
//! by walking up; machine formats show paths relative to the git root, human output relative
//! to the current directory; the Flux Kustomization `path:` is relative to the source
//! artifact; `lint` of a file outside the repository gets a `file://` URI in SARIF.

use crate::common;

use common::consumers;
use common::{copy_dir, example, flinkform, git, manifest_dir};
use std::fs;
use std::path::{Path, PathBuf};

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

/// A git repository with the example platform in `platform/` (`flux.platformPath: platform`,
/// so re-rendered for that layout) and a typo in one spec.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("tempdir");
    let platform = repo.path().join("platform");
    copy_dir(&example(), &platform);
    set_platform_path(&platform, Some("platform"));
    git(repo.path(), &["init", "-q"]);
    let (code, _, err) = run(&platform, &["render"]);
    assert_eq!(code, 0, "{err}");
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "platform"]);
    let spec = platform.join("services/fraud-detector/service.yaml");
    let text = fs::read_to_string(&spec).expect("spec");
    fs::write(
        &spec,
        text.replace("    parallelism: 8", "    parallelsim: 8"),
    )
    .expect("write");
    repo
}

#[test]
fn check_paths_from_the_git_root_find_the_platform() {
    let repo = repository();
    let root = repo.path();
    let spec = "platform/services/fraud-detector/service.yaml";
    let (code, human, err) = run(root, &["check", spec, "--color", "never"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        human.contains("╭─[platform/services/fraud-detector/service.yaml:14:5]"),
        "{human}"
    );
    let (code, json, _) = run(root, &["check", spec, "--format", "json"]);
    assert_eq!(code, 1);
    let j: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(j["diagnostics"][0]["file"], spec);
    // Human paths are relative to where flinkform runs; machine paths to the git root.
    let services = root.join("platform/services");
    let (_, human, _) = run(
        &services,
        &["check", "fraud-detector/service.yaml", "--color", "never"],
    );
    assert!(
        human.contains("╭─[fraud-detector/service.yaml:14:5]"),
        "{human}"
    );
    let (_, json, _) = run(&services, &["check", "fraud-detector", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(j["diagnostics"][0]["file"], spec);
    let (_, human, _) = run(
        &root.join("platform/services/inventory-sync"),
        &["-C", "../fraud-detector", "check", "--color", "never"],
    );
    assert!(human.contains("╭─[service.yaml:14:5]"), "{human}");
    // A file pre-commit passes that is in no platform: not flinkform's business.
    fs::write(root.join("service.yaml"), "not: a spec\n").expect("write");
    let (code, out, err) = run(root, &["check", "service.yaml"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        err.contains("note: service.yaml: no flinkform.yaml in its folder or above; ignored"),
        "{err}"
    );
    // Paths in two platforms: check each on its own.
    let other = root.join("other");
    copy_dir(&example(), &other);
    let (code, _, err) = run(
        root,
        &["check", spec, "other/services/fraud-detector/service.yaml"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("the paths belong to two platforms"), "{err}");
}

/// Sets (or, with `None`, removes) `flux.platformPath` in the example's config.
fn set_platform_path(platform: &Path, value: Option<&str>) {
    let cfg = platform.join("flinkform.yaml");
    let text = fs::read_to_string(&cfg).expect("config");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("platformPath:"))
        .map(str::to_string);
    let new = match (value, line) {
        (Some(v), Some(line)) => text.replace(&line, &format!("    platformPath: {v}")),
        (None, Some(line)) => text.replace(&format!("{line}\n"), ""),
        (Some(v), None) => {
            text.replacen("  flux:\n", &format!("  flux:\n    platformPath: {v}\n"), 1)
        }
        (None, None) => text,
    };
    assert_ne!(
        new.contains("platformPath:"),
        value.is_none(),
        "{}",
        cfg.display()
    );
    fs::write(&cfg, new).expect("write");
}

#[test]
fn an_unset_platform_path_never_depends_on_the_machine() {
    // At the git root, and the same files exported (no .git): the same bytes.
    let cloned = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), cloned.path());
    set_platform_path(cloned.path(), None);
    let exported = tempfile::tempdir().expect("tempdir");
    copy_dir(cloned.path(), exported.path());
    git(cloned.path(), &["init", "-q"]);
    for dir in [cloned.path(), exported.path()] {
        let (code, _, err) = run(dir, &["render"]);
        assert_eq!(code, 0, "{err}");
    }
    let files = |d: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(d.join("rendered"))
            .into_iter()
            .map(|e| e.expect("walk"))
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path()
                        .strip_prefix(d)
                        .expect("prefix")
                        .display()
                        .to_string(),
                    fs::read(e.path()).expect("read"),
                )
            })
            .collect();
        v.sort();
        v
    };
    let a = files(cloned.path());
    assert!(!a.is_empty());
    assert!(
        a == files(exported.path()),
        "a clone and an export render alike"
    );
    // In a subfolder of a git repository, the default would be wrong for a GitRepository:
    // a finding at flinkform.yaml says what to set, and nothing is rendered.
    let repo = tempfile::tempdir().expect("tempdir");
    let platform = repo.path().join("platform");
    copy_dir(cloned.path(), &platform);
    fs::remove_dir_all(platform.join(".git")).expect("rm");
    git(repo.path(), &["init", "-q"]);
    let (code, json, _) = run(&platform, &["check", "--format", "json"]);
    assert_eq!(code, 1, "{json}");
    let j: serde_json::Value = serde_json::from_str(&json).expect("json");
    let d = j["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("flux.platformPath is not set"))
        })
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(d["file"], "platform/flinkform.yaml");
    assert_eq!(d["rule"], "schema");
    assert!(
        d["help"]
            .as_str()
            .is_some_and(|h| h.starts_with("set `platformPath: platform` under `flux`")),
        "{d}"
    );
    let (code, _, err) = run(&platform, &["render"]);
    assert_eq!(code, 1, "{err}");
    // Said, it renders.
    set_platform_path(&platform, Some("platform"));
    let (code, _, err) = run(&platform, &["render"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn flux_paths_are_relative_to_the_source_artifact() {
    let repo = repository();
    let platform = repo.path().join("platform");
    let flux = |p: &Path| {
        fs::read_to_string(p.join("rendered/flux/prod-eu-1/fraud-detector.yaml")).expect("flux")
    };
    // A GitRepository: the whole git repository, so the path starts with the subfolder.
    assert!(flux(&platform).contains("  path: ./platform/rendered/prod-eu-1/fraud-detector\n"));
    let fix = |from: &str, to: &str| {
        let cfg = platform.join("flinkform.yaml");
        let text = fs::read_to_string(&cfg).expect("config");
        fs::write(&cfg, text.replace(from, to)).expect("write");
    };
    let spec = platform.join("services/fraud-detector/service.yaml");
    fs::write(
        &spec,
        fs::read_to_string(&spec)
            .expect("spec")
            .replace("parallelsim", "parallelism"),
    )
    .expect("write");
    // Another kind of source holds what was pushed: the platform folder is its root…
    fix("kind: GitRepository", "kind: OCIRepository");
    set_platform_path(&platform, None);
    assert_eq!(run(&platform, &["render"]).0, 0);
    assert!(flux(&platform).contains("  path: ./rendered/prod-eu-1/fraud-detector\n"));
    // …unless the config says where it is.
    fix(
        "    timeout: 10m\n",
        "    timeout: 10m\n    platformPath: deploy/flink\n",
    );
    assert_eq!(run(&platform, &["render"]).0, 0);
    assert!(flux(&platform).contains("  path: ./deploy/flink/rendered/prod-eu-1/fraud-detector\n"));
    fix("platformPath: deploy/flink", "platformPath: ../elsewhere");
    let (code, json, _) = run(&platform, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    assert!(
        json.contains("flux.platformPath `../elsewhere` must be a relative path"),
        "{json}"
    );
}

#[test]
fn diff_of_a_subfolder_platform_compares_like_with_like() {
    let repo = repository();
    let platform = repo.path().join("platform");
    let spec = platform.join("services/fraud-detector/service.yaml");
    fs::write(
        &spec,
        fs::read_to_string(&spec)
            .expect("spec")
            .replace("    parallelsim: 8", "    parallelism: 9"),
    )
    .expect("write");
    let (code, json, err) = run(&platform, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&json).expect("json");
    let kinds: Vec<&str> = j["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"FlinkDeployment"), "{kinds:?}");
    assert!(
        !kinds.contains(&"Kustomization"),
        "the base, rendered from a copy, has the same Flux paths: {kinds:?}"
    );
    for bad in ["--output=/tmp/x", "-p"] {
        let (code, _, err) = run(&platform, &["diff", &format!("--base={bad}")]);
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains("is not a revision"), "{err}");
    }
}

/// A manifest outside any repository, in a folder of its own (kept alive by the result).
fn job_elsewhere() -> (tempfile::TempDir, PathBuf) {
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let job = elsewhere.path().join("my job#1.yaml");
    fs::copy(
        manifest_dir().join("tests/fixtures/lint/ha-enabled/cases.yaml"),
        &job,
    )
    .expect("copy");
    (elsewhere, job)
}

/// Its `file://` URI (with a space and a `#`) passes GitHub's SARIF validator.
#[test]
#[cfg_attr(missing_sarif_multitool, ignore = "needs sarif-multitool")]
fn file_uris_pass_githubs_sarif_validator() {
    let tool = consumers::multitool();
    let (_elsewhere, job) = job_elsewhere();
    let repo = repository();
    let job_arg = job.to_str().expect("utf-8 path");
    let (code, sarif, _) = run(repo.path(), &["lint", job_arg, "--format", "sarif"]);
    assert_eq!(code, 1);
    consumers::validate_sarif(&tool, &sarif);
}

#[test]
fn lint_outside_the_repository_gives_file_uris() {
    let (_elsewhere, job) = job_elsewhere();
    let repo = repository();
    let job_arg = job.to_str().expect("utf-8 path");
    let (code, sarif, _) = run(repo.path(), &["lint", job_arg, "--format", "sarif"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("json");
    let uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .expect("uri");
    let canonical = fs::canonicalize(&job).expect("canonical");
    let expected = format!(
        "file://{}",
        canonical
            .display()
            .to_string()
            .replace(' ', "%20")
            .replace('#', "%23")
    );
    assert_eq!(uri, expected);
    let (_, json, _) = run(repo.path(), &["lint", job_arg, "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(
        j["diagnostics"][0]["file"]
            .as_str()
            .is_some_and(|f| f.starts_with('/'))
    );
    // Inside the repository: relative to the git root, whatever the current directory.
    let inside = repo.path().join("platform/k8s");
    fs::create_dir_all(&inside).expect("mkdir");
    fs::copy(&job, inside.join("job.yaml")).expect("copy");
    let (_, json, _) = run(&inside, &["lint", "job.yaml", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(j["diagnostics"][0]["file"], "platform/k8s/job.yaml");
}
